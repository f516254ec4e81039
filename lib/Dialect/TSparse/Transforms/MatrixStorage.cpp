//===- MatrixStorage.cpp - Storage arrays and tile schedules --------------===//
//
// Materializes the storage arrays of a packed matrix for the lowerings, with
// the static longest-first schedule of compile-time matrices. Shared by the
// CPU and GPU lowerings.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tsparse;

SmallVector<int32_t>
tsparse::computeLongestFirstTileOrder(ArrayRef<int32_t> tilePtr,
                                      bool keepEmptyTiles) {
  SmallVector<int32_t> order;
  for (int32_t tile = 0, e = tilePtr.size() - 1; tile < e; ++tile)
    if (keepEmptyTiles || tilePtr[tile + 1] > tilePtr[tile])
      order.push_back(tile);
  llvm::stable_sort(order, [&](int32_t lhs, int32_t rhs) {
    return tilePtr[lhs + 1] - tilePtr[lhs] > tilePtr[rhs + 1] - tilePtr[rhs];
  });
  return order;
}

/// Returns `values` followed by `padding` zeros, or failure when its data is
/// not available.
static FailureOr<DenseElementsAttr> padValues(ElementsAttr values,
                                              int64_t padding) {
  FailureOr<SmallVector<char>> data = getRawElementData(values);
  if (failed(data))
    return failure();
  Type elementType = values.getElementType();
  int64_t bytes = elementType.getIntOrFloatBitWidth() / 8;
  data->append(padding * bytes, 0);
  auto type = RankedTensorType::get(
      {static_cast<int64_t>(data->size()) / bytes}, elementType);
  return DenseElementsAttr::getFromRawBuffer(type, *data);
}

/// Materializes the storage of `matrix` at the current insertion point. The
/// values of a constant get `padding` trailing zeros.
MatrixStorageValues
tsparse::materializeMatrixStorage(OpBuilder &b, Location loc,
                                  TypedValue<MatrixType> matrix,
                                  int64_t padding, bool keepEmptyTiles) {
  MatrixType type = matrix.getType();
  LayoutAttr layout = type.getLayout();
  MatrixStorageValues storage;
  auto setArray = [&](StorageField field, Value value) {
    switch (field) {
    case StorageField::ColIds:
      storage.colIds = value;
      break;
    case StorageField::TilePtr:
      storage.tilePtr = value;
      break;
    case StorageField::RowIds:
      storage.rowIds = value;
      break;
    case StorageField::Values:
      storage.values = value;
      break;
    case StorageField::ResidualPtr:
      storage.residualPtr = value;
      break;
    case StorageField::ResidualCols:
      storage.residualCols = value;
      break;
    case StorageField::ResidualValues:
      storage.residualValues = value;
      break;
    }
  };

  if (auto constant = matrix.getDefiningOp<ConstantOp>()) {
    // A static schedule: longest tiles first.
    PackedConstantAttrs attrs = constant.getStorage();
    for (StorageField field : getStorageFields(layout))
      setArray(field, arith::ConstantOp::create(
                          b, loc, cast<TypedAttr>(attrs.getArray(field))));
    // Without padding the values array above is used as is: no copy.
    if (padding > 0) {
      if (FailureOr<DenseElementsAttr> padded =
              padValues(attrs.values, padding);
          succeeded(padded)) {
        storage.values = arith::ConstantOp::create(b, loc, *padded);
        storage.valuesPadded = true;
      }
    }
    SmallVector<int32_t> tilePtr =
        llvm::to_vector(attrs.tilePtr.getValues<int32_t>());
    SmallVector<int32_t> order =
        computeLongestFirstTileOrder(tilePtr, keepEmptyTiles);
    storage.order = arith::ConstantOp::create(
        b, loc,
        DenseIntElementsAttr::get(
            RankedTensorType::get({static_cast<int64_t>(order.size())},
                                  b.getI32Type()),
            ArrayRef<int32_t>(order)));
    storage.numScheduled = arith::ConstantIndexOp::create(b, loc, order.size());
    storage.numTiledColumns = arith::ConstantIndexOp::create(
        b, loc,
        layout.isCompacted() ? attrs.colIds.getNumElements()
                             : type.getNumColumns());
    return storage;
  }

  for (StorageField field : getStorageFields(layout)) {
    auto arrayType = RankedTensorType::get({ShapedType::kDynamic},
                                           getStorageElementType(type, field));
    setArray(field, StorageOp::create(b, loc, arrayType, matrix, field));
  }
  Value numTilePtr = tensor::DimOp::create(b, loc, storage.tilePtr, 0);
  storage.numScheduled = arith::SubIOp::create(
      b, loc, numTilePtr, arith::ConstantIndexOp::create(b, loc, 1));
  storage.numTiledColumns =
      layout.isCompacted()
          ? tensor::DimOp::create(b, loc, storage.colIds, 0).getResult()
          : arith::ConstantIndexOp::create(b, loc, type.getNumColumns())
                .getResult();
  return storage;
}
