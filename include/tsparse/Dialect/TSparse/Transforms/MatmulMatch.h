//===- MatmulMatch.h - Matmuls and their weights in linalg IR ---*- C++ -*-===//
//
// Recognizes the linalg ops that multiply activations by a weight matrix
// shared across the batch, and finds where the weights come from. Shared by
// `--tsparse-prune` and `--tsparse-sparsify`.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_MATMULMATCH_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_MATMULMATCH_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace tsparse {

/// A linalg op computing `C[batch..., M, N] += A[batch..., M, K] * B[K, N]`
/// with floating-point multiply-adds, where `B` (the weights) has no batch
/// dimension. Matches `linalg.matmul` (all transposed `indexing_maps`),
/// `linalg.batch_matmul` with a broadcast `B`, and `linalg.generic` (or any
/// other structured op) with the same maps and body.
struct MatmulMatch {
  linalg::LinalgOp op;
  /// The operands holding `A`, `B` and `C`.
  OpOperand *lhs = nullptr;
  OpOperand *rhs = nullptr;
  OpOperand *acc = nullptr;
  /// `A` is read as `[batch..., K, M]`.
  bool lhsTransposed = false;
  /// `B` is read as `[N, K]` (`nn.Linear` weights).
  bool rhsTransposed = false;
  /// `C` is `[batch..., N, M]`: the weights are the left factor (`W X`, as
  /// convolutions lowered through im2col compute).
  bool accTransposed = false;
  /// Number of leading batch dimensions of `A` and `C`.
  int64_t numBatchDims = 0;

  /// The reduction size `K`: the rows of the weights (static).
  int64_t getK() const;
  /// The output features `N`: the columns of the weights (static).
  int64_t getN() const;
  /// The rows `M` of `A` and `C`, or `ShapedType::kDynamic`; batch
  /// dimensions not included.
  int64_t getM() const;
  /// The element types of `A`, `B` and `C`.
  Type getLhsElementType() const;
  Type getRhsElementType() const;
  Type getAccElementType() const;
};

/// Matches `op` as a matmul with a weight operand shared across the batch:
/// a contraction (`linalg::inferContractionDims`) with one reduction loop,
/// no loop shared by both factors but the reduction, and a factor with a
/// single free loop (the weights). When both factors could be the weights
/// (`C = X W` or `C^T = W^T X^T`), the reading whose `B` comes from a
/// constant or a masked value wins, the direct one on a tie. Fails, with a
/// reason suitable for a remark, on anything else: other maps or bodies,
/// non-float types, dynamic `K` or `N`, buffers.
FailureOr<MatmulMatch> matchMatmul(linalg::LinalgOp op, std::string *reason);

/// Where the values of a matmul's weights come from: the chain behind `B`
/// through `linalg.transpose` ops and at most one masking by a constant
/// mask, either `arith.select %mask, %w, %zero` on tensors or an element-wise
/// `linalg.generic` computing `select(mask, w, 0)` or `w * mask` with a mask
/// of zeros and ones.
struct WeightSource {
  /// The value at the root of the chain.
  Value root;
  /// The operand of the chain that reads `root`.
  OpOperand *rootUse = nullptr;
  /// The constant defining `root` when it is an `arith.constant` of a `dense`
  /// or `dense_resource` attribute.
  arith::ConstantOp constant;
  /// `root` holds the weights as `[N, K]`.
  bool transposed = false;
  /// The constant `i1` element mask, if the chain has one.
  DenseElementsAttr mask;
  /// `mask` is given as `[N, K]`.
  bool maskTransposed = false;
};

/// Follows the weight operand of `match` back to its source.
WeightSource traceWeight(const MatmulMatch &match);

/// Returns true if `op` swaps the two dimensions of a matrix.
bool isMatrixTranspose(linalg::TransposeOp op);

/// Returns `value` with its two innermost dimensions swapped, by a
/// `linalg.transpose` into a new `tensor.empty` whose sizes are read from
/// `sizesFrom` (a tensor of the shape of `value`; `value` itself if null).
Value createInnermostTranspose(OpBuilder &b, Location loc, Value value,
                               Value sizesFrom = nullptr);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_MATMULMATCH_H
