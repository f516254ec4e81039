//===- NarrowProducts.cpp - f32 products with f16 or bf16 inputs ----------===//
//
// The `--tsparse-narrow-products` pass: tsparse.matmul, linalg.matmul and
// linalg.batch_matmul with f32 inputs and an f32 C take their inputs rounded
// to f16 or bf16 instead, as tensor cores need; C keeps accumulating in f32.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/NarrowProducts.h"
#include "tsparse/Dialect/TSparse/IR/PackedStorage.h"
#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/MatmulMatch.h"
#include "tsparse/Dialect/TSparse/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSENARROWPRODUCTS
#include "tsparse/Dialect/TSparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;
using namespace mlir::tsparse;

/// Returns the f32 elements of `attr` rounded to nearest even in `type`, or
/// null when its data is not available.
static ElementsAttr narrowElements(ElementsAttr attr, FloatType type) {
  if (!attr)
    return attr;
  FailureOr<SmallVector<char>> bytes = getRawElementData(attr);
  if (failed(bytes))
    return nullptr;
  SmallVector<APFloat> values;
  for (size_t offset = 0; offset < bytes->size(); offset += sizeof(float)) {
    float value;
    std::memcpy(&value, bytes->data() + offset, sizeof(float));
    APFloat narrowed(value);
    bool losesInfo;
    narrowed.convert(type.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                     &losesInfo);
    values.push_back(narrowed);
  }
  auto shapedType = cast<ShapedType>(attr.getType());
  return DenseElementsAttr::get(
      RankedTensorType::get(shapedType.getShape(), type), values);
}

/// Returns `tensor` (f32) rounded element-wise to `type`.
static Value narrowTensor(OpBuilder &b, Location loc, Value tensor,
                          FloatType type) {
  auto tensorType = cast<RankedTensorType>(tensor.getType());
  Value init = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, tensor), type);
  SmallVector<AffineMap> maps(2,
                              b.getMultiDimIdentityMap(tensorType.getRank()));
  SmallVector<utils::IteratorType> iterators(tensorType.getRank(),
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, init.getType(), tensor, init, maps, iterators,
             [&](OpBuilder &b, Location loc, ValueRange args) {
               Value narrowed = arith::TruncFOp::create(b, loc, type, args[0]);
               linalg::YieldOp::create(b, loc, narrowed);
             })
      .getResult(0);
}

namespace {
/// tsparse.matmul on f32 inputs -> the same product on `type` inputs.
struct NarrowMatmulInputs : OpRewritePattern<MatmulOp> {
  NarrowMatmulInputs(MLIRContext *ctx, FloatType type)
      : OpRewritePattern(ctx), type(type) {}

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    MatrixType matrixType = op.getB().getType();
    if (!op.hasPureTensorSemantics() || !matrixType.getElementType().isF32() ||
        !getElementTypeOrSelf(op.getC().getType()).isF32())
      return rewriter.notifyMatchFailure(op, "expected f32 tensor operands");
    Location loc = op.getLoc();
    auto narrowType =
        MatrixType::get(matrixType.getShape(), type, matrixType.getLayout());

    Value matrix;
    if (auto constant = op.getB().getDefiningOp<ConstantOp>()) {
      PackedConstantAttrs storage = constant.getStorage();
      storage.values = narrowElements(storage.values, type);
      storage.residualValues = narrowElements(storage.residualValues, type);
      if (!storage.values ||
          (constant.getStorage().residualValues && !storage.residualValues))
        return rewriter.notifyMatchFailure(op, "constant data not available");
      matrix = ConstantOp::create(rewriter, loc, narrowType, storage);
    } else if (auto pack = op.getB().getDefiningOp<PackOp>();
               pack && isa<RankedTensorType>(pack.getDense().getType())) {
      Value dense = narrowTensor(rewriter, loc, pack.getDense(), type);
      matrix = PackOp::create(rewriter, loc, narrowType, dense,
                              pack.getUnitMask(), pack.getColumnMask());
    } else {
      return rewriter.notifyMatchFailure(
          op, "expected a constant matrix or a pack of a tensor");
    }

    // Narrow behind a transposition of A so that a K-major read still folds.
    Value a = op.getA();
    auto transpose = a.getDefiningOp<linalg::TransposeOp>();
    if (transpose && isMatrixTranspose(transpose))
      a = createInnermostTranspose(
          rewriter, loc,
          narrowTensor(rewriter, loc, transpose.getInput(), type));
    else
      a = narrowTensor(rewriter, loc, a, type);

    // The accumulator and the epilogue keep their types.
    rewriter.modifyOpInPlace(op, [&] {
      op.getAMutable().assign(a);
      op.getBMutable().assign(matrix);
    });
    return success();
  }

  FloatType type;
};

/// linalg.matmul or linalg.batch_matmul (any maps) on f32 inputs ->
/// the same product on `type` inputs, accumulating into its f32 C.
template <typename ProductOp>
struct NarrowDenseProductInputs : OpRewritePattern<ProductOp> {
  NarrowDenseProductInputs(MLIRContext *ctx, FloatType type)
      : OpRewritePattern<ProductOp>(ctx), type(type) {}

  LogicalResult matchAndRewrite(ProductOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() ||
        llvm::any_of(op->getOperandTypes(), [](Type type) {
          return !getElementTypeOrSelf(type).isF32();
        }))
      return rewriter.notifyMatchFailure(op, "expected f32 tensor operands");
    Location loc = op.getLoc();
    Value lhs = narrowTensor(rewriter, loc, op.getDpsInputs()[0], type);
    Value rhs = narrowTensor(rewriter, loc, op.getDpsInputs()[1], type);
    // The same maps (transposed operands included); the op's region
    // extends the inputs to C's type.
    rewriter.replaceOpWithNewOp<ProductOp>(op, op->getResultTypes(),
                                           ValueRange{lhs, rhs},
                                           op.getDpsInits(), op->getAttrs());
    return success();
  }

  FloatType type;
};
} // namespace

FloatType tsparse::getNarrowFloatType(MLIRContext *context, NarrowType type) {
  if (type == NarrowType::F16)
    return Float16Type::get(context);
  return BFloat16Type::get(context);
}

void tsparse::populateNarrowProductsPatterns(RewritePatternSet &patterns,
                                             FloatType type) {
  // tsparse.matmul
  patterns.add<NarrowMatmulInputs>(patterns.getContext(), type);
  // dense products of runtime operands (attention)
  patterns.add<NarrowDenseProductInputs<linalg::MatmulOp>,
               NarrowDenseProductInputs<linalg::BatchMatmulOp>>(
      patterns.getContext(), type);
}

namespace {
/// Narrows the inputs of every f32 product of the module.
struct TSparseNarrowProductsPass
    : public tsparse::impl::TSparseNarrowProductsBase<
          TSparseNarrowProductsPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    populateNarrowProductsPatterns(patterns, getNarrowFloatType(ctx, to));
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
