//===- Transforms.h - TSparse rewrite patterns ------------------*- C++ -*-===//
//
// The patterns of the tsparse passes that rewrite whole models around the
// products (reference expansion, frontend forms, dense products,
// vectorization), exported so that other pipelines can reuse them. The
// lowering to loops, pruning, sparsification, epilogues and narrowing have
// headers of their own.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_TRANSFORMS_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_TRANSFORMS_H

#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace tsparse {

/// Converts `!tsparse.matrix<KxNxT, ...>` to `tensor<KxNxT>` and leaves every
/// other type unchanged.
class DenseMatrixTypeConverter : public TypeConverter {
public:
  DenseMatrixTypeConverter();
};

/// Collects the patterns that rewrite tsparse ops into dense upstream ops
/// (the reference path of `--tsparse-expand-to-dense`).
void populateExpandToDensePatterns(const TypeConverter &typeConverter,
                                   RewritePatternSet &patterns);

/// Collects the pattern lowering `memref.expand_shape` ops with several
/// dynamic sizes in one reassociation group (which MLIR 22's
/// expand-strided-metadata cannot handle) to `memref.reinterpret_cast`.
void populateLowerExpandShapePatterns(RewritePatternSet &patterns);

/// Collects the pattern that rewrites a batched matmul whose weights are a 2-D
/// matrix broadcast over the batch (`linalg.broadcast`, or the element-wise
/// `linalg.generic` frontends emit) into a `linalg.generic` reading the 2-D
/// matrix directly, which matchMatmul recognizes.
void populateFoldWeightBroadcastPatterns(RewritePatternSet &patterns);

/// How `vectorizeLinalgOp` shapes its tiles.
struct VectorizeLinalgOptions {
  /// Elements of the innermost dimension per vector (at most).
  int64_t vectorSize = 16;
  /// Chunks of the outermost parallel loop run as scf.forall iterations
  /// (threads, in the parallel pipeline); 0 keeps every loop sequential.
  int64_t numParallelChunks = 0;
};

/// Tiles `op` (a non-contraction linalg op on tensors) with scf.for so that
/// its innermost loop is one vector per tile, and vectorizes the tile;
/// with `numParallelChunks`, chunks of its outermost parallel loop become
/// an scf.forall around those loops first. Returns the outermost new op; fails
/// without changing the IR when `op` is not tiled. A tile the vectorizer
/// rejects stays a scalar linalg op.
FailureOr<Operation *> vectorizeLinalgOp(RewriterBase &rewriter,
                                         linalg::LinalgOp op,
                                         const VectorizeLinalgOptions &options);

/// Collects the patterns of `--tsparse-pack-dense-products`: dense
/// floating-point matmuls (and batch matmuls with per-batch right operands)
/// into `tsparse.matmul` on a dense layout.
void populatePackDenseProductsPatterns(RewritePatternSet &patterns,
                                       bool constantWeightsOnly = false);

/// Collects the pattern that makes contractions read the static tensor
/// behind a `tensor.cast` to a more dynamic type, so that constant weights
/// cast to `tensor<?x?xf32>` keep their static shape for matchMatmul.
void populateFoldWeightCastPatterns(RewritePatternSet &patterns);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_TRANSFORMS_H
