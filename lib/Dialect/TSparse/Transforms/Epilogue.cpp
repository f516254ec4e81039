//===- Epilogue.cpp - Epilogues of tsparse.matmul -------------------------===//
//
// Emits the element-wise epilogue of a product on scalars or vectors, splits
// it into a linalg.generic for lowerings that apply it afterwards, and fuses
// element-wise consumers of a product into it.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/Epilogue.h"
#include "tsparse/Dialect/TSparse/Transforms/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::tsparse;

//===----------------------------------------------------------------------===//
// Emission
//===----------------------------------------------------------------------===//

/// Clones the ops of `block` (scalar, element-wise) at the insertion point
/// of `b`, with `mapping` giving the values of its arguments; with
/// `vectorType`, every result becomes a vector of its shape and scalars from
/// outside the block are broadcast. Returns the value of `yielded`.
static Value cloneElementwiseBody(OpBuilder &b, Location loc, Block &block,
                                  Value yielded, IRMapping &mapping,
                                  VectorType vectorType) {
  auto widen = [&](Type type) -> Type {
    return vectorType ? vectorType.clone(type) : type;
  };
  auto lookup = [&](Value value) -> Value {
    if (Value mapped = mapping.lookupOrNull(value))
      return mapped;
    // A scalar defined outside the block.
    if (!vectorType)
      return value;
    Value splat =
        vector::BroadcastOp::create(b, loc, widen(value.getType()), value);
    mapping.map(value, splat);
    return splat;
  };
  for (Operation &op : block.without_terminator()) {
    for (Value operand : op.getOperands())
      lookup(operand);
    if (vectorType && op.hasTrait<OpTrait::ConstantLike>()) {
      // A vector constant would need its attribute rebuilt; a broadcast of
      // the scalar one folds to the same splat.
      Value scalar = b.clone(op)->getResult(0);
      mapping.map(
          op.getResult(0),
          vector::BroadcastOp::create(b, loc, widen(scalar.getType()), scalar));
      continue;
    }
    Operation *clone = b.clone(op, mapping);
    for (Value result : clone->getResults())
      result.setType(widen(result.getType()));
  }
  return lookup(yielded);
}

Value tsparse::emitEpilogue(OpBuilder &b, Location loc, MatmulOp op,
                            ValueRange args) {
  Block &block = op.getEpilogueBlock();
  IRMapping mapping;
  mapping.map(block.getArguments(), args);
  auto yield = cast<YieldOp>(block.getTerminator());
  return cloneElementwiseBody(b, loc, block, yield.getValue(), mapping,
                              dyn_cast<VectorType>(args.front().getType()));
}

//===----------------------------------------------------------------------===//
// Splitting
//===----------------------------------------------------------------------===//

/// Returns a new tensor or buffer holding `c`'s elements extended to
/// `type`: a fill of the extended scalar when `c` is filled.
static Value extendAccumulator(RewriterBase &rewriter, Location loc, Value c,
                               Type type) {
  auto cType = cast<ShapedType>(c.getType());
  SmallVector<Value> dynamicSizes;
  for (auto [d, size] : llvm::enumerate(cType.getShape()))
    if (ShapedType::isDynamic(size))
      dynamicSizes.push_back(
          isa<MemRefType>(cType)
              ? Value(memref::DimOp::create(rewriter, loc, c, d))
              : Value(tensor::DimOp::create(rewriter, loc, c, d)));
  Value wide = isa<MemRefType>(cType)
                   ? Value(memref::AllocOp::create(
                         rewriter, loc, MemRefType::get(cType.getShape(), type),
                         dynamicSizes))
                   : Value(tensor::EmptyOp::create(
                         rewriter, loc, cType.getShape(), type, dynamicSizes));
  SmallVector<Type> resultTypes;
  if (isa<RankedTensorType>(cType))
    resultTypes.push_back(wide.getType());
  if (Value filled = getFillValue(c)) {
    Value scalar = arith::ExtFOp::create(rewriter, loc, type, filled);
    auto wideFill = linalg::FillOp::create(rewriter, loc, resultTypes,
                                           ValueRange{scalar}, wide);
    return resultTypes.empty() ? wide : wideFill.getResult(0);
  }
  AffineMap identity =
      AffineMap::getMultiDimIdentityMap(2, rewriter.getContext());
  auto extend = linalg::GenericOp::create(
      rewriter, loc, resultTypes, c, wide, {identity, identity},
      {utils::IteratorType::parallel, utils::IteratorType::parallel},
      [&](OpBuilder &b, Location loc, ValueRange args) {
        linalg::YieldOp::create(
            b, loc, arith::ExtFOp::create(b, loc, type, args[0]).getResult());
      });
  return resultTypes.empty() ? wide : extend.getResult(0);
}

void tsparse::splitEpilogue(RewriterBase &rewriter, MatmulOp op) {
  assert(op.hasEpilogue() && "expected a product with an epilogue");
  Location loc = op.getLoc();
  bool onTensors = op.hasPureTensorSemantics();
  // A narrowing epilogue's product accumulates in a wider copy of C.
  Value c = op.getC();
  bool narrowing = op.getAccumulatorType() != getElementTypeOrSelf(c.getType());
  Value acc = narrowing
                  ? extendAccumulator(rewriter, loc, c, op.getAccumulatorType())
                  : c;
  auto product = MatmulOp::create(rewriter, loc, op.getA(), op.getB(), acc);
  Value result = onTensors ? product.getResult() : acc;

  // In place over the product (its elements are the accumulators), or from
  // the wider product into C.
  MLIRContext *ctx = rewriter.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap column = AffineMap::get(2, 0, getAffineDimExpr(1, ctx));
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  if (narrowing) {
    inputs.push_back(result);
    maps.push_back(identity);
  }
  for (Value operand : op.getEpilogueOperands()) {
    inputs.push_back(operand);
    maps.push_back(
        cast<ShapedType>(operand.getType()).getRank() == 1 ? column : identity);
  }
  maps.push_back(identity);
  Value init = narrowing ? c : result;
  SmallVector<utils::IteratorType> iterators(2, utils::IteratorType::parallel);
  SmallVector<Type> resultTypes;
  if (onTensors)
    resultTypes.push_back(init.getType());
  auto generic = linalg::GenericOp::create(
      rewriter, loc, resultTypes, inputs, init, maps, iterators,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        SmallVector<Value> epilogueArgs;
        if (narrowing) {
          llvm::append_range(epilogueArgs, args.drop_back());
        } else {
          epilogueArgs.push_back(args.back());
          llvm::append_range(epilogueArgs, args.drop_back());
        }
        linalg::YieldOp::create(b, loc, emitEpilogue(b, loc, op, epilogueArgs));
      });
  if (onTensors) {
    rewriter.replaceOp(op, generic.getResult(0));
    return;
  }
  if (narrowing)
    memref::DeallocOp::create(rewriter, loc, acc);
  rewriter.eraseOp(op);
}

namespace {
/// tsparse.matmul with an epilogue -> the product, then a linalg.generic.
struct SplitEpilogue : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasEpilogue())
      return failure();
    splitEpilogue(rewriter, op);
    return success();
  }
};
} // namespace

void tsparse::populateSplitEpiloguePatterns(RewritePatternSet &patterns) {
  // tsparse.matmul with an epilogue
  patterns.add<SplitEpilogue>(patterns.getContext());
}

//===----------------------------------------------------------------------===//
// Fusion
//===----------------------------------------------------------------------===//

/// Returns the accumulator of a product stored in the element type of
/// `init` (a tensor of C's shape) while accumulating in `accType`, or null:
/// `producer`'s C must be filled with a constant that the new type holds
/// exactly, and the types must be ones a tsparse.matmul epilogue allows (an
/// f32 accumulator over an f16 or bf16 C, or one C's type).
static Value convertFilledAccumulator(RewriterBase &rewriter, MatmulOp producer,
                                      Value init, Type accType) {
  auto type = dyn_cast<FloatType>(getElementTypeOrSelf(init.getType()));
  if (!type || (type != accType &&
                !(accType.isF32() && (type.isF16() || type.isBF16()))))
    return Value();
  Value filled = getFillValue(producer.getC());
  FloatAttr value;
  if (!filled || !matchPattern(filled, m_Constant(&value)))
    return Value();
  APFloat converted = value.getValue();
  bool losesInfo = false;
  converted.convert(type.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                    &losesInfo);
  if (losesInfo)
    return Value();
  Location loc = producer.getLoc();
  Value scalar = arith::ConstantOp::create(
      rewriter, loc, rewriter.getFloatAttr(type, converted));
  return linalg::FillOp::create(rewriter, loc, ValueRange{scalar}, init)
      .getResult(0);
}

/// Returns true if `map` reads the column of a 2-D iteration space only.
static bool isColumnMap(AffineMap map) {
  return map.getNumDims() == 2 && map.getNumResults() == 1 &&
         map.getResult(0) == getAffineDimExpr(1, map.getContext());
}

FailureOr<MatmulOp> tsparse::fuseEpilogue(RewriterBase &rewriter,
                                          linalg::GenericOp consumer) {
  if (!consumer.hasPureTensorSemantics() || consumer.getNumDpsInits() != 1 ||
      consumer.getNumLoops() != 2 || consumer.getNumReductionLoops() != 0)
    return failure();

  // The product, read element by element.
  OpOperand *productOperand = nullptr;
  for (OpOperand *input : consumer.getDpsInputOperands()) {
    if (input->get().getDefiningOp<MatmulOp>() &&
        consumer.getMatchingIndexingMap(input).isIdentity()) {
      productOperand = input;
      break;
    }
  }
  if (!productOperand)
    return failure();
  auto producer = productOperand->get().getDefiningOp<MatmulOp>();
  // The residual's scattered elements are added after the tiles, so no
  // lowering could apply the epilogue while a tile is live.
  if (!producer->hasOneUse() ||
      producer.getB().getType().getLayout().hasResidual())
    return failure();

  // It writes a tensor of the product's shape without reading it.
  OpOperand *init = consumer.getDpsInitOperand(0);
  auto resultType = cast<RankedTensorType>(producer.getResult().getType());
  auto storedType = cast<RankedTensorType>(consumer.getResult(0).getType());
  if (!consumer.getMatchingIndexingMap(init).isIdentity() ||
      consumer.payloadUsesValueFromOperand(init) ||
      storedType.getShape() != resultType.getShape())
    return failure();

  // Its other inputs are residuals, biases or scalars.
  for (OpOperand *input : consumer.getDpsInputOperands()) {
    if (input == productOperand)
      continue;
    auto type = dyn_cast<RankedTensorType>(input->get().getType());
    if (!type)
      continue;
    AffineMap map = consumer.getMatchingIndexingMap(input);
    bool residual = map.isIdentity() && type == resultType;
    bool bias =
        isColumnMap(map) && type.getDimSize(0) == resultType.getDimSize(1);
    if (!residual && !bias)
      return failure();
  }
  Block &body = *consumer.getBlock();
  if (!llvm::all_of(body.without_terminator(),
                    [](Operation &op) { return MatmulOp::isEpilogueOp(&op); }))
    return failure();

  // The new epilogue: the producer's (if any), then the consumer's body.
  SmallVector<Value> operands = llvm::to_vector(producer.getEpilogueOperands());
  Location loc = consumer.getLoc();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(consumer);
  Value c = producer.getC();
  Type accType = producer.getAccumulatorType();
  if (storedType.getElementType() != resultType.getElementType()) {
    c = convertFilledAccumulator(rewriter, producer, init->get(), accType);
    if (!c)
      return failure();
  }
  auto fused =
      MatmulOp::create(rewriter, loc, producer.getA(), producer.getB(), c);
  SmallVector<Type> argTypes = {accType};
  for (Value operand : operands)
    argTypes.push_back(cast<ShapedType>(operand.getType()).getElementType());
  for (OpOperand *input : consumer.getDpsInputOperands()) {
    if (input != productOperand &&
        isa<RankedTensorType>(input->get().getType())) {
      operands.push_back(input->get());
      argTypes.push_back(getElementTypeOrSelf(input->get().getType()));
    }
  }
  fused.getEpilogueOperandsMutable().assign(operands);
  Block *block =
      rewriter.createBlock(&fused.getEpilogue(), {}, argTypes,
                           SmallVector<Location>(argTypes.size(), loc));

  Value acc = block->getArgument(0);
  unsigned nextArg = 1;
  if (producer.hasEpilogue()) {
    unsigned count = producer.getEpilogueOperands().size();
    SmallVector<Value> args = {acc};
    llvm::append_range(args, block->getArguments().slice(1, count));
    acc = emitEpilogue(rewriter, loc, producer, args);
    nextArg += count;
  }
  IRMapping mapping;
  for (OpOperand *input : consumer.getDpsInputOperands()) {
    BlockArgument arg = consumer.getMatchingBlockArgument(input);
    if (input == productOperand)
      mapping.map(arg, acc);
    else if (isa<RankedTensorType>(input->get().getType()))
      mapping.map(arg, block->getArgument(nextArg++));
    else
      mapping.map(arg, input->get());
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  Value stored = cloneElementwiseBody(rewriter, loc, body,
                                      yield.getValues().front(), mapping,
                                      /*vectorType=*/nullptr);
  YieldOp::create(rewriter, loc, stored);

  rewriter.replaceOp(consumer, fused.getResult());
  rewriter.eraseOp(producer);
  return fused;
}

namespace {
/// Element-wise linalg.generic over a product -> the product's epilogue.
struct FuseEpilogue : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    return fuseEpilogue(rewriter, op);
  }
};
} // namespace

void tsparse::populateFuseEpiloguePatterns(RewritePatternSet &patterns) {
  // linalg.generic over a tsparse.matmul
  patterns.add<FuseEpilogue>(patterns.getContext());
  // Only reshapes of products: the rest of the model keeps its shapes.
  linalg::populateFoldReshapeOpsByCollapsingPatterns(
      patterns, [](OpOperand *fused) {
        auto reshape = fused->get().getDefiningOp<tensor::ExpandShapeOp>();
        return reshape && reshape.getSrc().getDefiningOp<MatmulOp>();
      });
  // The collapsed consumer takes the sizes of the reshape's result, which
  // would keep the product's other use alive.
  memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
}
