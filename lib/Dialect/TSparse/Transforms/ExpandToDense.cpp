//===- ExpandToDense.cpp - Rewrite tsparse ops into dense ops -------------===//
//
// The reference path: every packed matrix becomes the dense tensor it
// represents and every tsparse op an upstream op, so any tsparse program can
// be executed by the standard lowering and used as a golden reference.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/Epilogue.h"
#include "tsparse/Dialect/TSparse/Transforms/Passes.h"
#include "tsparse/Dialect/TSparse/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSEEXPANDTODENSE
#include "tsparse/Dialect/TSparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;
using namespace mlir::tsparse;

DenseMatrixTypeConverter::DenseMatrixTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](MatrixType type) -> Type { return type.getDenseType(); });
}

/// Builds `tiles[N]`, the column tile of every column of a compacted layout:
/// the number of kept columns before it divided by `tileN`.
static Value buildColumnTiles(OpBuilder &builder, Location loc,
                              Value columnMask, int64_t tileN) {
  int64_t numColumns =
      cast<RankedTensorType>(columnMask.getType()).getDimSize(0);
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  Value one = arith::ConstantIndexOp::create(builder, loc, 1);
  Value upper = arith::ConstantIndexOp::create(builder, loc, numColumns);
  Value tileWidth = arith::ConstantIndexOp::create(builder, loc, tileN);
  Value init = tensor::EmptyOp::create(
      builder, loc, ArrayRef<int64_t>{numColumns}, builder.getIndexType());
  auto loop = scf::ForOp::create(
      builder, loc, zero, upper, one, ValueRange{zero, init},
      [&](OpBuilder &b, Location loc, Value col, ValueRange iterArgs) {
        Value count = iterArgs[0];
        Value tile = arith::DivUIOp::create(b, loc, count, tileWidth);
        Value tiles = tensor::InsertOp::create(b, loc, tile, iterArgs[1], col);
        Value kept = tensor::ExtractOp::create(b, loc, columnMask, col);
        Value next = arith::SelectOp::create(
            b, loc, kept, arith::AddIOp::create(b, loc, count, one), count);
        scf::YieldOp::create(b, loc, ValueRange{next, tiles});
      });
  return loop.getResult(1);
}

namespace {
/// tsparse.constant -> arith.constant of the unpacked matrix.
struct ExpandConstant : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<DenseElementsAttr> dense =
        unpackConstant(op.getType(), op.getStorage());
    if (failed(dense))
      return rewriter.notifyMatchFailure(op, "constant data not available");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, *dense);
    return success();
  }
};

/// tsparse.pack -> the dense operand with the elements of dropped units
/// zeroed.
struct ExpandPack : OpConversionPattern<PackOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(PackOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MatrixType type = op.getType();
    LayoutAttr layout = type.getLayout();
    // Without masks, or with a residual, packing is lossless.
    if (!adaptor.getUnitMask() || layout.hasResidual()) {
      rewriter.replaceOp(op, adaptor.getDense());
      return success();
    }

    Location loc = op.getLoc();
    Value unitMask = adaptor.getUnitMask();
    Value columnMask = adaptor.getColumnMask();
    Value columnTiles;
    if (layout.isCompacted())
      columnTiles =
          buildColumnTiles(rewriter, loc, columnMask, layout.getTileN());

    RankedTensorType denseType = type.getDenseType();
    Value init = tensor::EmptyOp::create(rewriter, loc, denseType.getShape(),
                                         denseType.getElementType());
    AffineMap identity = rewriter.getMultiDimIdentityMap(2);
    SmallVector<utils::IteratorType> iterators(2,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, denseType, ValueRange{adaptor.getDense()},
        ValueRange{init}, ArrayRef<AffineMap>{identity, identity}, iterators,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value row = linalg::IndexOp::create(b, loc, 0);
          Value col = linalg::IndexOp::create(b, loc, 1);
          Value unit = arith::DivUIOp::create(
              b, loc, row,
              arith::ConstantIndexOp::create(b, loc, layout.getUnitK()));
          Value tile =
              columnTiles
                  ? tensor::ExtractOp::create(b, loc, columnTiles, col)
                        .getResult()
                  : arith::DivUIOp::create(b, loc, col,
                                           arith::ConstantIndexOp::create(
                                               b, loc, layout.getTileN()))
                        .getResult();
          Value keep = tensor::ExtractOp::create(b, loc, unitMask,
                                                 ValueRange{unit, tile});
          if (columnMask)
            keep = arith::AndIOp::create(
                b, loc, keep,
                tensor::ExtractOp::create(b, loc, columnMask, col));
          Value zero = arith::ConstantOp::create(
              b, loc, b.getZeroAttr(denseType.getElementType()));
          Value result = arith::SelectOp::create(b, loc, keep, args[0], zero);
          linalg::YieldOp::create(b, loc, result);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// tsparse.unpack -> the converted (already dense) matrix.
struct ExpandUnpack : OpConversionPattern<UnpackOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(UnpackOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getMatrix());
    return success();
  }
};

/// tsparse.matmul -> linalg.matmul on the dense matrix.
struct ExpandMatmul : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto matmul = linalg::MatmulOp::create(
        rewriter, op.getLoc(), ValueRange{adaptor.getA(), adaptor.getB()},
        ValueRange{adaptor.getC()});
    rewriter.replaceOp(op, matmul.getResult(0));
    return success();
  }
};
} // namespace

void tsparse::populateExpandToDensePatterns(const TypeConverter &typeConverter,
                                            RewritePatternSet &patterns) {
  patterns.add<
      // tsparse.constant
      ExpandConstant,
      // tsparse.pack
      ExpandPack,
      // tsparse.unpack
      ExpandUnpack,
      // tsparse.matmul
      ExpandMatmul>(typeConverter, patterns.getContext());
}

namespace {
/// Rewrites every tsparse op into the dense upstream ops it stands for.
struct TSparseExpandToDensePass
    : public tsparse::impl::TSparseExpandToDenseBase<TSparseExpandToDensePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();

    // Storage arrays can be recovered only from compile-time constants.
    // Epilogues become a linalg.generic after the product.
    RewritePatternSet foldPatterns(ctx);
    populateSplitEpiloguePatterns(foldPatterns);
    PackOp::getCanonicalizationPatterns(foldPatterns, ctx);
    StorageOp::getCanonicalizationPatterns(foldPatterns, ctx);
    if (failed(applyPatternsGreedily(module, std::move(foldPatterns))))
      return signalPassFailure();
    WalkResult unsupported = module.walk([](Operation *op) {
      if (isa_and_nonnull<TSparseDialect>(op->getDialect()) &&
          llvm::any_of(op->getOperandTypes(), llvm::IsaPred<MemRefType>)) {
        op->emitOpError() << "cannot be expanded: it works on buffers (run "
                             "--tsparse-expand-to-dense before bufferization)";
        return WalkResult::interrupt();
      }
      if (isa<AssembleOp>(op)) {
        op->emitOpError() << "cannot be expanded: its matrix is built from "
                             "storage arrays at run time (run "
                             "--tsparse-expand-to-dense before lowering "
                             "packing)";
        return WalkResult::interrupt();
      }
      if (isa<StorageOp>(op)) {
        op->emitOpError() << "cannot be expanded: its matrix is not a "
                             "compile-time constant";
        return WalkResult::interrupt();
      }
      auto constant = dyn_cast<ConstantOp>(op);
      if (constant && !llvm::all_of(constant.getStorage().getValueArrays(),
                                    hasElementData)) {
        op->emitOpError()
            << "cannot be expanded: the data of its values is not available";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (unsupported.wasInterrupted())
      return signalPassFailure();

    DenseMatrixTypeConverter typeConverter;
    ConversionTarget target(*ctx);
    target.addIllegalDialect<TSparseDialect>();
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return typeConverter.isLegal(op); });
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return typeConverter.isSignatureLegal(op.getFunctionType()) &&
             typeConverter.isLegal(&op.getBody());
    });

    RewritePatternSet patterns(ctx);
    populateExpandToDensePatterns(typeConverter, patterns);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(
        patterns, typeConverter);
    populateCallOpTypeConversionPattern(patterns, typeConverter);
    populateReturnOpTypeConversionPattern(patterns, typeConverter);
    scf::populateSCFStructuralTypeConversionsAndLegality(typeConverter,
                                                         patterns, target);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
