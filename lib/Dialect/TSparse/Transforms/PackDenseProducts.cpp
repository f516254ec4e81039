//===- PackDenseProducts.cpp - Dense matmuls through the micro-kernel -----===//
//
// Rewrites dense floating-point matmuls into tsparse.matmul on a dense
// layout, so that the CPU lowering runs every product of a model through
// its register-blocked micro-kernel.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"
#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/Passes.h"
#include "tsparse/Dialect/TSparse/Transforms/Sparsify.h"
#include "tsparse/Dialect/TSparse/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSEPACKDENSEPRODUCTS
#include "tsparse/Dialect/TSparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;
using namespace mlir::tsparse;

namespace {
/// A matmul that matchMatmul recognizes (weights shared across any batch)
/// -> tsparse.matmul on the weights packed in the dense layout.
struct PackDenseMatmul : OpInterfaceRewritePattern<linalg::LinalgOp> {
  PackDenseMatmul(MLIRContext *context, bool constantWeightsOnly)
      : OpInterfaceRewritePattern(context),
        constantWeightsOnly(constantWeightsOnly) {}

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    std::string reason;
    FailureOr<MatmulMatch> match = matchMatmul(op, &reason);
    if (failed(match))
      return rewriter.notifyMatchFailure(op, reason);
    if (constantWeightsOnly && !traceWeight(*match).constant)
      return rewriter.notifyMatchFailure(op, "weights not a constant");
    FailureOr<SparsifyPlan> plan = planDenseProduct(*match, reason);
    if (failed(plan))
      return rewriter.notifyMatchFailure(op, reason);
    applySparsifyPlan(rewriter, *plan);
    return success();
  }

  bool constantWeightsOnly;
};

/// `linalg.batch_matmul` with per-batch right operands -> an scf.forall over
/// the batch whose body packs that batch's `K x N` matrix at run time and
/// multiplies it with tsparse.matmul.
struct PackDenseBatchMatmul : OpRewritePattern<linalg::BatchMatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::BatchMatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "expected tensor operands");
    if (op.getIndexingMapsArray() !=
        linalg::BatchMatmulOp::getDefaultIndexingMaps(op.getContext()))
      return rewriter.notifyMatchFailure(op, "expected the default maps");
    Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
    Value acc = op.getDpsInits()[0];
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    auto accType = cast<RankedTensorType>(acc.getType());
    std::string reason;
    if (failed(checkProductTypes(lhsType.getElementType(),
                                 rhsType.getElementType(),
                                 accType.getElementType(), reason)))
      return rewriter.notifyMatchFailure(op, reason);
    int64_t numRows = rhsType.getDimSize(1), numColumns = rhsType.getDimSize(2);
    if (ShapedType::isDynamic(numRows) || ShapedType::isDynamic(numColumns))
      return rewriter.notifyMatchFailure(op, "expected static K and N");
    if (failed(checkWeightShape(numRows, numColumns, reason)))
      return rewriter.notifyMatchFailure(op, reason);

    Location loc = op.getLoc();
    auto matrixType =
        MatrixType::get({numRows, numColumns}, rhsType.getElementType(),
                        getDenseProductLayout(op.getContext(), numColumns));
    // Batches are independent: an scf.forall, on threads with parallel=1.
    SmallVector<OpFoldResult> numBatches = {
        tensor::getMixedSize(rewriter, loc, acc, 0)};
    auto loop =
        scf::ForallOp::create(rewriter, loc, numBatches, ValueRange{acc},
                              /*mapping=*/std::nullopt);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(loop.getBody());
    Value batch = loop.getInductionVar(0);
    Value out = loop.getRegionIterArgs()[0];
    auto sliceParams = [&](Value source) {
      SmallVector<OpFoldResult> offsets = {batch, rewriter.getIndexAttr(0),
                                           rewriter.getIndexAttr(0)};
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(rewriter, loc, source);
      sizes[0] = rewriter.getIndexAttr(1);
      SmallVector<OpFoldResult> strides(3, rewriter.getIndexAttr(1));
      return std::make_tuple(offsets, sizes, strides);
    };
    // The 2-D slice of batch `batch` of a rank-3 tensor.
    auto slice = [&](Value source) -> Value {
      auto type = cast<RankedTensorType>(source.getType());
      auto [offsets, sizes, strides] = sliceParams(source);
      auto sliceType = RankedTensorType::get(type.getShape().drop_front(),
                                             type.getElementType());
      return tensor::ExtractSliceOp::create(rewriter, loc, sliceType, source,
                                            offsets, sizes, strides);
    };
    // Every unit is kept: an all-true mask spares the run-time search for
    // nonzeros a pack without masks does.
    auto unitMaskType = RankedTensorType::get(
        {matrixType.getNumUnits(), matrixType.getMaxNumTiles()},
        rewriter.getI1Type());
    Value keepAll = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(unitMaskType, true));
    Value matrix =
        PackOp::create(rewriter, loc, matrixType, slice(rhs), keepAll, Value());
    Value cSlice = slice(out);
    auto product = MatmulOp::create(rewriter, loc, slice(lhs), matrix, cSlice);
    rewriter.setInsertionPointToStart(loop.getTerminator().getBody());
    auto [offsets, sizes, strides] = sliceParams(out);
    tensor::ParallelInsertSliceOp::create(rewriter, loc, product.getResult(),
                                          out, offsets, sizes, strides);
    rewriter.replaceOp(op, loop.getResults());
    return success();
  }
};
} // namespace

void tsparse::populatePackDenseProductsPatterns(RewritePatternSet &patterns,
                                                bool constantWeightsOnly) {
  // linalg ops matchMatmul recognizes (shared weights)
  patterns.add<PackDenseMatmul>(patterns.getContext(), constantWeightsOnly);
  // linalg.batch_matmul with per-batch right operands, packed at run time
  if (!constantWeightsOnly)
    patterns.add<PackDenseBatchMatmul>(patterns.getContext());
}

namespace {
/// Applies the dense-product patterns.
struct TSparsePackDenseProductsPass
    : public tsparse::impl::TSparsePackDenseProductsBase<
          TSparsePackDenseProductsPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populatePackDenseProductsPatterns(patterns, constantWeightsOnly);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
