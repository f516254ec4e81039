//===- FoldWeightBroadcast.cpp - Shared weights of batched matmuls --------===//
//
// Frontends lower a linear layer on a [batch, M, K] input to a batched matmul
// whose weights are the 2-D matrix broadcast over the batch. The pattern here
// makes the sharing explicit in the indexing maps, so that the matmul matcher
// sees a batched matmul with a 2-D weight operand.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/Transforms.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::tsparse;

/// Returns the 2-D tensor that `value` broadcasts over a new leading
/// dimension, if it is one: `linalg.broadcast` with dimensions [0], or an
/// element-wise `linalg.generic` that yields its input read through
/// (d0, d1, d2) -> (d1, d2).
static Value getBatchBroadcastSource(Value value) {
  if (auto broadcast = value.getDefiningOp<linalg::BroadcastOp>()) {
    if (broadcast.getDimensions() == ArrayRef<int64_t>{0} &&
        broadcast.getInput().getType().getRank() == 2)
      return broadcast.getInput();
    return {};
  }
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 || generic.getNumLoops() != 3 ||
      generic.getNumReductionLoops() != 0)
    return {};
  MLIRContext *ctx = generic.getContext();
  AffineMap inputMap = generic.getIndexingMapsArray()[0];
  AffineMap outputMap = generic.getIndexingMapsArray()[1];
  AffineMap expected = AffineMap::get(
      3, 0, {getAffineDimExpr(1, ctx), getAffineDimExpr(2, ctx)}, ctx);
  if (inputMap != expected || !outputMap.isIdentity())
    return {};
  auto yield = cast<linalg::YieldOp>(generic.getBody()->getTerminator());
  if (yield.getNumOperands() != 1 ||
      yield.getOperand(0) != generic.getBody()->getArgument(0))
    return {};
  return generic.getDpsInputs()[0];
}

namespace {
/// A batched matmul reading B[batch, K, N] = broadcast(W[K, N]) -> the same
/// product as a linalg.generic reading W[K, N] directly.
struct FoldWeightBroadcast : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1 || op.getNumLoops() != 4)
      return failure();
    OpOperand *rhs = op.getDpsInputOperand(1);
    Value weights = getBatchBroadcastSource(rhs->get());
    if (!weights)
      return failure();
    // B must be read as (batch, ...) with the batch loop first, like A and C.
    AffineMap rhsMap = op.getMatchingIndexingMap(rhs);
    if (rhsMap.getNumResults() != 3 ||
        rhsMap.getResult(0) != getAffineDimExpr(0, op.getContext()) ||
        op.getIteratorTypesArray()[0] != utils::IteratorType::parallel)
      return failure();

    auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    if (!generic) {
      FailureOr<linalg::GenericOp> generalized =
          linalg::generalizeNamedOp(rewriter, op);
      if (failed(generalized))
        return failure();
      generic = *generalized;
    }
    SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
    maps[1] = maps[1].dropResult(0);
    auto folded = linalg::GenericOp::create(
        rewriter, generic.getLoc(), generic.getResultTypes(),
        ValueRange{generic.getDpsInputs()[0], weights}, generic.getDpsInits(),
        maps, generic.getIteratorTypesArray());
    rewriter.inlineRegionBefore(generic.getRegion(), folded.getRegion(),
                                folded.getRegion().end());
    rewriter.replaceOp(generic, folded.getResults());
    return success();
  }
};
} // namespace

void tsparse::populateFoldWeightBroadcastPatterns(RewritePatternSet &patterns) {
  // Batched matmuls on weights broadcast over the batch.
  patterns.add<FoldWeightBroadcast>(patterns.getContext());
}
