//===- Sparsify.h - Sparsifying matmuls -------------------------*- C++ -*-===//
//
// Plans and applies the rewrite of matmuls into tsparse.matmul on packed
// weights (--tsparse-sparsify, --tsparse-pack-dense-products).
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_SPARSIFY_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_SPARSIFY_H

#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/LayoutSelection.h"
#include "tsparse/Dialect/TSparse/Transforms/MatmulMatch.h"
#include "tsparse/Dialect/TSparse/Transforms/SparsityReport.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace tsparse {

/// Parameters of the sparsification of matmuls.
struct SparsifyOptions {
  /// The layouts tried.
  LayoutSearchOptions search;
  /// Matmuls whose best layout skips a smaller fraction of the multiply-adds
  /// stay dense.
  double minSparsity = 0.3;
};

/// Checks the options of a sparsification; emits an error through
/// `emitError` on the first bad one.
LogicalResult
verifySparsifyOptions(const SparsifyOptions &options,
                      function_ref<InFlightDiagnostic()> emitError);

/// How a matmul is to be sparsified.
struct SparsifyPlan {
  MatmulMatch match;
  /// Where the weights come from.
  WeightSource source;
  /// The weights as raw `K x N` elements when they are a constant (masked by
  /// the constant mask, if any); none for runtime weights.
  std::optional<SmallVector<char>> constantBytes;
  /// The chosen layout and what it costs.
  LayoutMeasure measure;
  /// Fraction of zero weights (of false mask elements for runtime weights).
  double sparsity = 0.0;

  /// Returns true if the plan skips at least `minSparsity` of the work.
  bool isProfitable(double minSparsity) const {
    return measure.getSkippedFraction() >= minSparsity;
  }
};

/// Checks that a product of `lhsType` x `rhsType` into `accType` fits
/// `tsparse.matmul` (f32, f16 or bf16 inputs of one type, an f32 or input-type
/// accumulator); sets `reason` otherwise.
LogicalResult checkProductTypes(Type lhsType, Type rhsType, Type accType,
                                std::string &reason);

/// Checks that `K x N` weights can be packed (not empty, 32-bit indices);
/// sets `reason` otherwise.
LogicalResult checkWeightShape(int64_t numRows, int64_t numColumns,
                               std::string &reason);

/// Column tile of dense products run through the tile-sparse kernels.
constexpr int64_t kDenseTileN = 128;

/// The layout dense products are packed in: TW-1D tiles of kDenseTileN
/// columns (one tile when `numColumns` is smaller), every row kept.
LayoutAttr getDenseProductLayout(MLIRContext *context, int64_t numColumns);

/// Plans running the dense product `match` through `tsparse.matmul` on the
/// layout of getDenseProductLayout: constant weights are packed at compile
/// time, others at run time without masks (lossless). Fails, setting
/// `reason`, when the types or shape do not fit.
FailureOr<SparsifyPlan> planDenseProduct(const MatmulMatch &match,
                                         std::string &reason);

/// Chooses the layout of the weights of `match` without changing the IR.
/// Fails, setting `reason`, when the element types do not fit
/// `tsparse.matmul`, the weights are empty, or they are neither a constant
/// nor masked by a constant mask.
FailureOr<SparsifyPlan> planSparsify(const MatmulMatch &match,
                                     const SparsifyOptions &options,
                                     std::string &reason);

/// Replaces the matmul of `plan` by a `tsparse.matmul` on a
/// `tsparse.constant` (constant weights) or a `tsparse.pack` with constant
/// masks (runtime weights), keeping its accumulator, and erases the weight
/// ops left unused.
MatmulOp applySparsifyPlan(RewriterBase &rewriter, const SparsifyPlan &plan);

/// Plans the sparsification of `match` and records the decision in `report`
/// (made by `makeMatmulReport`): status "sparsified" with the layout when the
/// plan skips at least `options.minSparsity` of the multiply-adds, and why
/// not otherwise. Returns the plan only when it pays.
FailureOr<SparsifyPlan> decideSparsify(const MatmulMatch &match,
                                       const SparsifyOptions &options,
                                       MatmulReport &report);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_SPARSIFY_H
