//===- TSparseOps.cpp - TSparse operations --------------------------------===//
//
// Verifiers and canonicalizations of the tsparse operations.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::tsparse;

/// Parses the optional `(operands : types)` of an epilogue.
static ParseResult
parseEpilogueOperands(OpAsmParser &parser,
                      SmallVectorImpl<OpAsmParser::UnresolvedOperand> &operands,
                      SmallVectorImpl<Type> &types) {
  if (failed(parser.parseOptionalLParen()))
    return success();
  if (parser.parseOperandList(operands) || parser.parseColonTypeList(types))
    return failure();
  return parser.parseRParen();
}

/// Prints the operands of an epilogue, if any, as `(operands : types)`.
static void printEpilogueOperands(OpAsmPrinter &printer, Operation *,
                                  OperandRange operands, TypeRange types) {
  if (operands.empty())
    return;
  printer << "(" << operands << " : ";
  llvm::interleaveComma(types, printer);
  printer << ")";
}

/// Parses a storage field written as a bare keyword, e.g. `row_ids`.
static ParseResult parseStorageField(OpAsmParser &parser,
                                     StorageFieldAttr &field) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (parser.parseKeyword(&keyword))
    return failure();
  std::optional<StorageField> value = symbolizeStorageField(keyword);
  if (!value)
    return parser.emitError(loc)
           << "expected one of col_ids, tile_ptr, row_ids, values, "
              "residual_ptr, residual_cols, residual_values but got '"
           << keyword << "'";
  field = StorageFieldAttr::get(parser.getContext(), *value);
  return success();
}

/// Prints a storage field as a bare keyword.
static void printStorageField(OpAsmPrinter &printer, Operation *,
                              StorageFieldAttr field) {
  printer << stringifyStorageField(field.getValue());
}

#define GET_OP_CLASSES
#include "tsparse/Dialect/TSparse/IR/TSparseOps.cpp.inc"

//===----------------------------------------------------------------------===//
// PackOp
//===----------------------------------------------------------------------===//

LogicalResult PackOp::verify() {
  MatrixType type = getResult().getType();
  auto denseType = cast<ShapedType>(getDense().getType());
  if (denseType.getShape() != type.getShape() ||
      denseType.getElementType() != type.getElementType())
    return emitOpError() << "expected dense operand matching "
                         << type.getDenseType() << " but got " << denseType;

  // Without masks, the masks follow the zeros of the dense operand.
  if (!getUnitMask()) {
    if (getColumnMask())
      return emitOpError()
             << "expected a unit mask with a column mask but got none";
    return success();
  }

  auto i1 = IntegerType::get(getContext(), 1);
  auto maskType =
      RankedTensorType::get({type.getNumUnits(), type.getMaxNumTiles()}, i1);
  auto unitMaskType = cast<ShapedType>(getUnitMask().getType());
  if (unitMaskType.getShape() != maskType.getShape())
    return emitOpError() << "expected unit mask of type " << maskType
                         << " but got " << getUnitMask().getType();

  bool compacted = type.getLayout().isCompacted();
  if (compacted && !getColumnMask())
    return emitOpError() << "expected a column mask for layout "
                         << type.getLayout();
  if (!compacted && getColumnMask())
    return emitOpError() << "expected no column mask for layout "
                         << type.getLayout()
                         << ", which does not compact columns, but got one";
  if (compacted) {
    auto columnMaskType = RankedTensorType::get({type.getNumColumns()}, i1);
    auto givenColumnMaskType = cast<ShapedType>(getColumnMask().getType());
    if (givenColumnMaskType.getShape() != columnMaskType.getShape())
      return emitOpError() << "expected column mask of type " << columnMaskType
                           << " but got " << getColumnMask().getType();
  }
  return success();
}

namespace {
/// Packs constant operands at compile time: pack(constants) -> constant.
struct FoldConstantPack : OpRewritePattern<PackOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(PackOp op,
                                PatternRewriter &rewriter) const override {
    ElementsAttr dense;
    DenseIntElementsAttr unitMask, columnMask;
    if (!matchPattern(op.getDense(), m_Constant(&dense)))
      return failure();
    if (op.getUnitMask() &&
        !matchPattern(op.getUnitMask(), m_Constant(&unitMask)))
      return failure();
    if (op.getColumnMask() &&
        !matchPattern(op.getColumnMask(), m_Constant(&columnMask)))
      return failure();

    MatrixType type = op.getResult().getType();
    FailureOr<PackedConstantAttrs> storage = failure();
    if (unitMask) {
      SmallVector<bool> units = llvm::to_vector(unitMask.getValues<bool>());
      SmallVector<bool> columns;
      if (columnMask)
        columns = llvm::to_vector(columnMask.getValues<bool>());
      storage = packConstant(type, dense, units, columns);
    } else {
      storage = packConstantLossless(type, dense);
    }
    if (failed(storage))
      return rewriter.notifyMatchFailure(op, "constant data not available");
    rewriter.replaceOpWithNewOp<ConstantOp>(op, type, *storage);
    return success();
  }
};
} // namespace

void PackOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  // After bufferization the operands are buffers that later ops may write.
  for (OpOperand &operand : getOperation()->getOpOperands())
    if (isa<MemRefType>(operand.get().getType()))
      effects.emplace_back(MemoryEffects::Read::get(), &operand,
                           SideEffects::DefaultResource::get());
}

void PackOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                         MLIRContext *context) {
  results.add<FoldConstantPack>(context);
}

//===----------------------------------------------------------------------===//
// UnpackOp
//===----------------------------------------------------------------------===//

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

void ConstantOp::build(OpBuilder &builder, OperationState &state,
                       MatrixType type, const PackedConstantAttrs &storage) {
  build(builder, state, type, storage.tilePtr, storage.rowIds, storage.values,
        storage.colIds, storage.residualPtr, storage.residualCols,
        storage.residualValues);
}

PackedConstantAttrs ConstantOp::getStorage() {
  return {getTilePtr(),           getRowIds(),          getValues(),
          getColIdsAttr(),        getResidualPtrAttr(), getResidualColsAttr(),
          getResidualValuesAttr()};
}

/// Returns the elements of a 1-D index array, or failure after a diagnostic
/// when it is not 1-D.
static FailureOr<SmallVector<int32_t>>
getIndexArray(ConstantOp op, StringRef name, DenseIntElementsAttr attr) {
  if (!attr)
    return SmallVector<int32_t>();
  if (attr.getType().getRank() != 1)
    return op.emitOpError()
           << "expected " << name << " to be 1-D but got " << attr.getType();
  return llvm::to_vector(attr.getValues<int32_t>());
}

/// Checks that a value array is 1-D with the matrix element type.
static LogicalResult verifyValueArray(ConstantOp op, StringRef name,
                                      ElementsAttr attr, Type elementType) {
  auto type = cast<ShapedType>(attr.getType());
  if (type.getRank() != 1 || type.getElementType() != elementType)
    return op.emitOpError()
           << "expected " << name << " of type "
           << RankedTensorType::get({ShapedType::kDynamic}, elementType)
           << " but got " << type;
  return success();
}

LogicalResult ConstantOp::verify() {
  MatrixType type = getResult().getType();
  LayoutAttr layout = type.getLayout();
  if (layout.isCompacted() != static_cast<bool>(getColIdsAttr()))
    return emitOpError() << "expected col_ids "
                         << (layout.isCompacted() ? "for" : "only with a")
                         << " compacted layout but got layout " << layout;
  bool hasResidual =
      getResidualPtrAttr() || getResidualColsAttr() || getResidualValuesAttr();
  bool hasFullResidual =
      getResidualPtrAttr() && getResidualColsAttr() && getResidualValuesAttr();
  if (layout.hasResidual() ? !hasFullResidual : hasResidual)
    return emitOpError()
           << "expected residual_ptr, residual_cols and residual_values "
           << (layout.hasResidual() ? "for" : "only with a")
           << " residual layout but got layout " << layout;

  FailureOr<SmallVector<int32_t>> colIds =
      getIndexArray(*this, "col_ids", getColIdsAttr());
  FailureOr<SmallVector<int32_t>> tilePtr =
      getIndexArray(*this, "tile_ptr", getTilePtr());
  FailureOr<SmallVector<int32_t>> rowIds =
      getIndexArray(*this, "row_ids", getRowIds());
  if (failed(colIds) || failed(tilePtr) || failed(rowIds) ||
      failed(verifyValueArray(*this, "values", getValues(),
                              type.getElementType())))
    return failure();
  auto emitError = [&] { return emitOpError(); };
  int64_t numValues = cast<ShapedType>(getValues().getType()).getNumElements();
  if (failed(verifyPackedIndices(emitError, type, *colIds, *tilePtr, *rowIds,
                                 numValues)))
    return failure();
  if (!layout.hasResidual())
    return success();

  FailureOr<SmallVector<int32_t>> residualPtr =
      getIndexArray(*this, "residual_ptr", getResidualPtrAttr());
  FailureOr<SmallVector<int32_t>> residualCols =
      getIndexArray(*this, "residual_cols", getResidualColsAttr());
  if (failed(residualPtr) || failed(residualCols) ||
      failed(verifyValueArray(*this, "residual_values", getResidualValuesAttr(),
                              type.getElementType())))
    return failure();
  int64_t numResidual =
      cast<ShapedType>(getResidualValuesAttr().getType()).getNumElements();
  return verifyResidualIndices(emitError, type, *residualPtr, *residualCols,
                               numResidual);
}

//===----------------------------------------------------------------------===//
// AssembleOp
//===----------------------------------------------------------------------===//

LogicalResult AssembleOp::verify() {
  MatrixType type = getResult().getType();
  SmallVector<StorageField> fields = getStorageFields(type.getLayout());
  if (getArrays().size() != fields.size())
    return emitOpError() << "expected " << fields.size()
                         << " arrays for layout " << type.getLayout()
                         << " but got " << getArrays().size();
  for (auto [field, array] : llvm::zip_equal(fields, getArrays())) {
    Type expected = getStorageElementType(type, field);
    Type actual = cast<RankedTensorType>(array.getType()).getElementType();
    if (actual != expected)
      return emitOpError() << "expected " << stringifyStorageField(field)
                           << " of element type " << expected << " but got "
                           << actual;
  }
  return success();
}

Value AssembleOp::getArray(StorageField field) {
  SmallVector<StorageField> fields =
      getStorageFields(getResult().getType().getLayout());
  auto *it = llvm::find(fields, field);
  if (it == fields.end())
    return {};
  return getArrays()[std::distance(fields.begin(), it)];
}

//===----------------------------------------------------------------------===//
// StorageOp
//===----------------------------------------------------------------------===//

/// Returns true if `field` exists in the storage of layout `layout`.
static bool hasField(LayoutAttr layout, StorageField field) {
  return llvm::is_contained(getStorageFields(layout), field);
}

LogicalResult StorageOp::verify() {
  MatrixType type = getMatrix().getType();
  if (!hasField(type.getLayout(), getField()))
    return emitOpError() << "expected a field of layout " << type.getLayout()
                         << " but got " << stringifyStorageField(getField());
  Type expected = getStorageElementType(type, getField());
  Type elementType = getResult().getType().getElementType();
  if (elementType != expected)
    return emitOpError() << "expected result element type " << expected
                         << " for " << stringifyStorageField(getField())
                         << " but got " << elementType;
  return success();
}

namespace {
/// Reads a field of a packed constant at compile time.
struct FoldConstantStorage : OpRewritePattern<StorageOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(StorageOp op,
                                PatternRewriter &rewriter) const override {
    Value value;
    if (auto constant = op.getMatrix().getDefiningOp<ConstantOp>()) {
      auto array =
          cast<TypedAttr>(constant.getStorage().getArray(op.getField()));
      value = arith::ConstantOp::create(rewriter, op.getLoc(), array);
    } else if (auto assemble = op.getMatrix().getDefiningOp<AssembleOp>()) {
      value = assemble.getArray(op.getField());
    } else {
      return failure();
    }
    if (value.getType() != op.getType())
      value =
          tensor::CastOp::create(rewriter, op.getLoc(), op.getType(), value);
    rewriter.replaceOp(op, value);
    return success();
  }
};
} // namespace

void StorageOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<FoldConstantStorage>(context);
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

/// Prints a dimension, with `?` for a dynamic one.
static std::string dimToString(int64_t dim) {
  return ShapedType::isDynamic(dim) ? "?" : std::to_string(dim);
}

LogicalResult MatmulOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location> location, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  // Tensors return the updated accumulator; buffers are updated in place.
  if (operands.size() >= 3 && isa<RankedTensorType>(operands[2].getType()))
    inferredReturnTypes.push_back(operands[2].getType());
  return success();
}

void MatmulOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  if (hasPureTensorSemantics())
    return;
  effects.emplace_back(MemoryEffects::Read::get(), &getAMutable(),
                       SideEffects::DefaultResource::get());
  effects.emplace_back(MemoryEffects::Read::get(), &getCMutable(),
                       SideEffects::DefaultResource::get());
  effects.emplace_back(MemoryEffects::Write::get(), &getCMutable(),
                       SideEffects::DefaultResource::get());
  for (OpOperand &operand : getEpilogueOperandsMutable())
    effects.emplace_back(MemoryEffects::Read::get(), &operand,
                         SideEffects::DefaultResource::get());
}

LogicalResult MatmulOp::verify() {
  MatrixType matrixType = getB().getType();
  auto aType = cast<ShapedType>(getA().getType());
  auto cType = cast<ShapedType>(getC().getType());
  if (isa<MemRefType>(aType) != isa<MemRefType>(cType))
    return emitOpError() << "expected lhs and accumulator to be both tensors "
                            "or both memrefs but got "
                         << aType << " and " << cType;
  Type elementType = matrixType.getElementType();
  if (aType.getElementType() != elementType)
    return emitOpError() << "expected lhs element type " << elementType
                         << " (the matrix element type) but got "
                         << aType.getElementType();
  Type accType = getAccumulatorType();
  if (!accType.isF32() && accType != elementType)
    return emitOpError() << "expected accumulator element type f32 or "
                         << elementType << " but got " << accType;
  if (aType.getDimSize(1) != matrixType.getNumRows())
    return emitOpError() << "expected lhs K dimension "
                         << matrixType.getNumRows() << " but got "
                         << dimToString(aType.getDimSize(1));
  if (cType.getDimSize(1) != matrixType.getNumColumns())
    return emitOpError() << "expected accumulator N dimension "
                         << matrixType.getNumColumns() << " but got "
                         << dimToString(cType.getDimSize(1));
  int64_t m = aType.getDimSize(0);
  int64_t accM = cType.getDimSize(0);
  if (!ShapedType::isDynamic(m) && !ShapedType::isDynamic(accM) && m != accM)
    return emitOpError() << "expected accumulator M dimension " << m
                         << " (as lhs) but got " << accM;
  return success();
}

Type MatmulOp::getAccumulatorType() {
  if (hasEpilogue() && getEpilogueBlock().getNumArguments() > 0)
    return getEpilogueBlock().getArgument(0).getType();
  return cast<ShapedType>(getC().getType()).getElementType();
}

bool MatmulOp::isEpilogueOp(Operation *op) {
  bool elementwise =
      OpTrait::hasElementwiseMappableTraits(op) ||
      (op->hasTrait<OpTrait::ConstantLike>() && op->getNumOperands() == 0);
  if (!elementwise || op->getNumRegions() != 0)
    return false;
  auto isScalar = [](Type type) { return type.isIntOrIndexOrFloat(); };
  return llvm::all_of(op->getOperandTypes(), isScalar) &&
         llvm::all_of(op->getResultTypes(), isScalar);
}

LogicalResult MatmulOp::verifyRegions() {
  auto cType = cast<ShapedType>(getC().getType());
  if (!hasEpilogue()) {
    if (!getEpilogueOperands().empty())
      return emitOpError() << "expected an epilogue region for the epilogue "
                              "operands";
    return success();
  }
  if (!getEpilogue().hasOneBlock())
    return emitOpError() << "expected an epilogue of one block";

  // Operands: per-column vectors or matrices of C's shape.
  int64_t numColumns = cType.getDimSize(1);
  for (auto [index, operand] : llvm::enumerate(getEpilogueOperands())) {
    auto type = cast<ShapedType>(operand.getType());
    if (isa<MemRefType>(type) != isa<MemRefType>(cType))
      return emitOpError() << "expected epilogue operand #" << index
                           << " to be a "
                           << (isa<MemRefType>(cType) ? "memref" : "tensor")
                           << " like the accumulator but got " << type;
    bool columnVector = type.getRank() == 1 && type.getDimSize(0) == numColumns;
    bool matrix =
        type.getRank() == 2 &&
        succeeded(verifyCompatibleShape(type.getShape(), cType.getShape()));
    if (!columnVector && !matrix)
      return emitOpError() << "expected epilogue operand #" << index
                           << " to have " << numColumns
                           << " elements (one per column) or the "
                              "accumulator's shape but got "
                           << type;
  }

  Block &block = getEpilogueBlock();
  Type storedType = cType.getElementType();
  if (block.getNumArguments() != getEpilogueOperands().size() + 1)
    return emitOpError() << "expected " << getEpilogueOperands().size() + 1
                         << " epilogue arguments (the accumulator, then one "
                            "per epilogue operand) but got "
                         << block.getNumArguments();
  // Wider accumulation: f32 over an f16 or bf16 C, which extends exactly.
  Type accType = block.getArgument(0).getType();
  if (accType != storedType &&
      !(accType.isF32() && (storedType.isF16() || storedType.isBF16())))
    return emitOpError() << "expected epilogue argument #0 of the "
                            "accumulator's element type "
                         << storedType
                         << " (or f32 over an f16 or bf16 accumulator) but got "
                         << accType;
  for (auto [index, operand] : llvm::enumerate(getEpilogueOperands())) {
    Type expected = cast<ShapedType>(operand.getType()).getElementType();
    Type actual = block.getArgument(index + 1).getType();
    if (actual != expected)
      return emitOpError() << "expected epilogue argument #" << index + 1
                           << " of type " << expected << " but got " << actual;
  }

  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield)
    return emitOpError() << "expected the epilogue to end in tsparse.yield";
  if (yield.getValue().getType() != storedType)
    return yield.emitOpError()
           << "expected a value of the accumulator's "
              "element type "
           << storedType << " but got " << yield.getValue().getType();

  // Element-wise: every op maps scalars to scalars lane by lane.
  for (Operation &op : block.without_terminator())
    if (!isEpilogueOp(&op))
      return op.emitOpError()
             << "is not element-wise on scalars: a tsparse.matmul epilogue "
                "holds only elementwise-mappable ops and constants";
  return success();
}
