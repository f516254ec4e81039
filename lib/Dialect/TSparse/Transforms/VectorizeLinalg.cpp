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

/// Returns the tile sizes that split the outermost parallel loop of static
/// size above 1 into about `numChunks` equal chunks (a divisor of its
/// size, so that no chunk is partial), or nullopt.
static std::optional<SmallVector<int64_t>>
getParallelChunkSizes(linalg::LinalgOp op, int64_t numChunks) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  // The innermost loop is the vector's.
  for (unsigned dim = 0; dim + 1 < ranges.size(); ++dim) {
    if (iterators[dim] != utils::IteratorType::parallel ||
        ShapedType::isDynamic(ranges[dim]) || ranges[dim] <= 1)
      continue;
    SmallVector<int64_t> sizes(ranges.size(), 0);
    sizes[dim] = getLargestDivisor(ranges[dim],
                                   llvm::divideCeil(ranges[dim], numChunks));
    return sizes;
  }
  return std::nullopt;
}

/// Tiles `op` with `sizes` into loops of `loopType`; returns the result.
static FailureOr<scf::SCFTilingResult>
tileLoops(RewriterBase &rewriter, linalg::LinalgOp op, ArrayRef<int64_t> sizes,
          scf::SCFTilingOptions::LoopType loopType) {
  scf::SCFTilingOptions tilingOptions;
  tilingOptions.setTileSizes(getAsIndexOpFoldResult(op.getContext(), sizes));
  tilingOptions.setLoopType(loopType);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), tilingOptions);
  if (succeeded(tiled))
    rewriter.replaceOp(op, tiled->replacements);
  return tiled;
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
  OpBuilder::InsertionGuard guard(rewriter);

  // Chunks of the outermost parallel loop become scf.forall iterations,
  // which the parallel pipeline runs on threads; the vector tiling then
  // applies to each chunk.
  if (options.numParallelChunks > 0) {
    if (std::optional<SmallVector<int64_t>> chunkSizes =
            getParallelChunkSizes(op, options.numParallelChunks)) {
      FailureOr<scf::SCFTilingResult> chunks = tileLoops(
          rewriter, op, *chunkSizes, scf::SCFTilingOptions::LoopType::ForallOp);
      if (failed(chunks))
        return failure();
      VectorizeLinalgOptions chunkOptions = options;
      chunkOptions.numParallelChunks = 0;
      (void)vectorizeLinalgOp(rewriter,
                              cast<linalg::LinalgOp>(chunks->tiledOps.front()),
                              chunkOptions);
      return chunks->loops.front().getOperation();
    }
  }

  FailureOr<scf::SCFTilingResult> tiled = tileLoops(
      rewriter, op, *tileSizes, scf::SCFTilingOptions::LoopType::ForOp);
  if (failed(tiled))
    return failure();

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
    options.numParallelChunks = parallelChunks;
    if (vectorSize <= 0 || vectorSize > 1024 || parallelChunks < 0 ||
        parallelChunks > 4096) {
      emitError(getOperation()->getLoc())
          << "expected vector-size in [1, 1024] and parallel-chunks in [0, "
             "4096] but got "
          << options.vectorSize << " and " << options.numParallelChunks;
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
