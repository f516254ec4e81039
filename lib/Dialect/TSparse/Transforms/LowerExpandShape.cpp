//===- LowerExpandShape.cpp - memref.expand_shape to reinterpret_cast -----===//
//
// MLIR 22's expand-strided-metadata assumes at most one dynamic size per
// reassociation group of a memref.expand_shape and crashes otherwise
// (llvm-project issue 186830, fixed after 22). Frontends emit exactly that
// when they restore a dynamic batch and sequence length after a matmul, so
// such ops are rewritten here, from their explicit output shape, into the
// reinterpret_cast that expand-strided-metadata would have produced.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/Passes.h"
#include "tsparse/Dialect/TSparse/Transforms/Transforms.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSELOWEREXPANDSHAPE
#include "tsparse/Dialect/TSparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;
using namespace mlir::tsparse;

/// Returns true if a reassociation group of `op` expands into more than one
/// dynamic size.
static bool hasGroupWithSeveralDynamicSizes(memref::ExpandShapeOp op) {
  ArrayRef<int64_t> shape = op.getResultType().getShape();
  return llvm::any_of(op.getReassociationIndices(),
                      [&](const ReassociationIndices &group) {
                        return llvm::count_if(group, [&](int64_t dim) {
                                 return ShapedType::isDynamic(shape[dim]);
                               }) > 1;
                      });
}

namespace {
/// memref.expand_shape with several dynamic sizes in one group ->
/// extract_strided_metadata + reinterpret_cast. Within a group, the
/// innermost size keeps the stride of the source dimension and each outer
/// one multiplies it by the sizes inside it.
struct ExpandShapeToReinterpretCast : OpRewritePattern<memref::ExpandShapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::ExpandShapeOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasGroupWithSeveralDynamicSizes(op))
      return rewriter.notifyMatchFailure(
          op, "expected a group with several dynamic sizes");
    MemRefType sourceType = op.getSrcType();
    SmallVector<int64_t> sourceStrides;
    int64_t sourceOffset;
    if (failed(sourceType.getStridesAndOffset(sourceStrides, sourceOffset)))
      return rewriter.notifyMatchFailure(op, "expected a strided source");

    Location loc = op.getLoc();
    auto metadata =
        memref::ExtractStridedMetadataOp::create(rewriter, loc, op.getSrc());
    // Static values where the source type knows them, so that the result
    // type's static strides verify.
    auto staticOr = [&](int64_t value, Value dynamic) -> OpFoldResult {
      if (ShapedType::isDynamic(value))
        return dynamic;
      return rewriter.getIndexAttr(value);
    };
    OpFoldResult offset = staticOr(sourceOffset, metadata.getOffset());
    SmallVector<OpFoldResult> sizes = op.getMixedOutputShape();
    SmallVector<OpFoldResult> strides(sizes.size());
    AffineExpr s0, s1;
    bindSymbols(rewriter.getContext(), s0, s1);
    AffineExpr product = s0 * s1;
    for (auto [sourceDim, group] :
         llvm::enumerate(op.getReassociationIndices())) {
      OpFoldResult stride =
          staticOr(sourceStrides[sourceDim], metadata.getStrides()[sourceDim]);
      for (int64_t dim : llvm::reverse(group)) {
        strides[dim] = stride;
        stride = affine::makeComposedFoldedAffineApply(rewriter, loc, product,
                                                       {stride, sizes[dim]});
      }
    }
    rewriter.replaceOpWithNewOp<memref::ReinterpretCastOp>(
        op, op.getResultType(), metadata.getBaseBuffer(), offset, sizes,
        strides);
    return success();
  }
};
} // namespace

void tsparse::populateLowerExpandShapePatterns(RewritePatternSet &patterns) {
  // memref.expand_shape
  patterns.add<ExpandShapeToReinterpretCast>(patterns.getContext());
}

namespace {
/// Applies the expand_shape lowering to a function.
struct TSparseLowerExpandShapePass
    : public tsparse::impl::TSparseLowerExpandShapeBase<
          TSparseLowerExpandShapePass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateLowerExpandShapePatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
