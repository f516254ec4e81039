//===- PruneWeights.h - Pruning constant weights ----------------*- C++ -*-===//
//
// Finds the constant weights of matmuls and prunes them in place
// (--tsparse-prune).
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PRUNEWEIGHTS_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PRUNEWEIGHTS_H

#include "tsparse/Dialect/TSparse/Transforms/MatmulMatch.h"
#include "tsparse/Dialect/TSparse/Transforms/Pruning.h"
#include "tsparse/Dialect/TSparse/Transforms/SparsityReport.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace tsparse {

/// A constant weight matrix behind one or more matmuls.
struct PruneTarget {
  arith::ConstantOp constant;
  /// The constant holds the weights as `[N, K]`.
  bool transposed = false;
  /// The matmuls that use it.
  SmallVector<MatmulMatch> matmuls;
  /// The uses of the constant through which the matmuls read it.
  SmallVector<OpOperand *> weightUses;
};

/// A contraction that pruning leaves alone, and why.
struct UnprunedMatmul {
  linalg::LinalgOp op;
  std::string reason;
};

/// Finds the constant weights of the matmuls (see `matchMatmul`) nested in
/// `root`, in IR order. Emits an error and fails when one constant is read
/// as `[K, N]` by one matmul and as `[N, K]` by another. Appends the other
/// contractions to `unpruned` when given.
FailureOr<SmallVector<PruneTarget>>
collectPruneTargets(Operation *root,
                    SmallVectorImpl<UnprunedMatmul> *unpruned = nullptr);

/// Checks the options of a pruning; emits an error through `emitError` on
/// the first bad one.
LogicalResult verifyPruneOptions(const PruneOptions &options,
                                 function_ref<InFlightDiagnostic()> emitError);

/// Prunes the weights of `targets` together (one ranking for
/// `PruneScope::Global`) and replaces the value of each constant by the
/// pruned one, of the same kind (`dense` or `dense_resource`). Every target
/// is checked first (element type, data available, `K` a multiple of
/// `unitK` for block-wise pruning): on failure an error is emitted and the IR
/// is left unchanged. Appends one report per matmul to `reports` when given.
LogicalResult pruneWeights(RewriterBase &rewriter,
                           ArrayRef<PruneTarget> targets,
                           const PruneOptions &options,
                           SmallVectorImpl<MatmulReport> *reports = nullptr);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PRUNEWEIGHTS_H
