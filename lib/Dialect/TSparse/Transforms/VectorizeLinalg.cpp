//===- VectorizeLinalg.cpp - Vectorize the linalg ops around products -----===//
//
// Tiles the non-product linalg ops of a model so that their innermost loop
// is one vector, and vectorizes the tiles with upstream's linalg vectorizer.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/Passes.h"
#include "tsparse/Dialect/TSparse/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSEVECTORIZELINALG
#include "tsparse/Dialect/TSparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;
using namespace mlir::tsparse;

/// Returns the largest divisor of `size` that is at most `limit`.
static int64_t getLargestDivisor(int64_t size, int64_t limit) {
  for (int64_t divisor = std::min(size, limit); divisor > 1; --divisor)
    if (size % divisor == 0)
      return divisor;
  return 1;
}

/// Returns the tile sizes that leave one vector of the innermost loop per
/// tile (every other loop a single iteration), or nullopt when the innermost
/// size is dynamic. Tiles divide the static innermost size, so that no tile
/// is partial: upstream's masked vectorization mishandles permuted reads
/// (transposes), and full vectors are faster. An innermost reduction is
/// tiled the same way, its loop carrying the partial result: whole rows of
/// hundreds of lanes would not fit in registers.
static std::optional<SmallVector<int64_t>>
getVectorTileSizes(linalg::LinalgOp op, const VectorizeLinalgOptions &options) {
  unsigned numLoops = op.getNumLoops();
  if (numLoops == 0)
    return std::nullopt;
  int64_t innermost = op.getStaticLoopRanges().back();
  if (ShapedType::isDynamic(innermost) || innermost == 0)
    return std::nullopt;
  SmallVector<int64_t> sizes(numLoops, 1);
  sizes.back() = getLargestDivisor(innermost, options.vectorSize);
  return sizes;
}

FailureOr<Operation *>
tsparse::vectorizeLinalgOp(RewriterBase &rewriter, linalg::LinalgOp op,
                           const VectorizeLinalgOptions &options) {
  if (!op.hasPureTensorSemantics() || linalg::isaContractionOpInterface(op))
    return failure();
  std::optional<SmallVector<int64_t>> tileSizes =
      getVectorTileSizes(op, options);
  if (!tileSizes)
    return failure();

  scf::SCFTilingOptions tilingOptions;
  tilingOptions.setTileSizes(
      getAsIndexOpFoldResult(rewriter.getContext(), *tileSizes));
  tilingOptions.setLoopType(scf::SCFTilingOptions::LoopType::ForOp);
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), tilingOptions);
  if (failed(tiled))
    return failure();
  rewriter.replaceOp(op, tiled->replacements);

  auto tile = cast<linalg::LinalgOp>(tiled->tiledOps.front());
  Operation *outer = tiled->loops.empty() ? tile.getOperation()
                                          : tiled->loops.front().getOperation();
  // Tiles of dynamic outer dimensions may not fold to static shapes.
  if (tile.hasDynamicShape() || failed(linalg::vectorizeOpPrecondition(tile)))
    return outer;
  rewriter.setInsertionPoint(tile);
  FailureOr<linalg::VectorizationResult> vectorized =
      linalg::vectorize(rewriter, tile);
  if (failed(vectorized))
    return outer;
  rewriter.replaceOp(tile, vectorized->replacements);
  return outer;
}

namespace {
/// Tiles and vectorizes every non-product linalg op of a function.
struct TSparseVectorizeLinalgPass
    : public tsparse::impl::TSparseVectorizeLinalgBase<
          TSparseVectorizeLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    VectorizeLinalgOptions options;
    options.vectorSize = vectorSize;
    if (vectorSize <= 0 || vectorSize > 1024) {
      emitError(getOperation()->getLoc())
          << "expected vector-size in [1, 1024] but got " << options.vectorSize;
      return signalPassFailure();
    }
    SmallVector<linalg::LinalgOp> ops;
    getOperation()->walk([&](linalg::LinalgOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops)
      (void)vectorizeLinalgOp(rewriter, op, options);
  }
};
} // namespace
