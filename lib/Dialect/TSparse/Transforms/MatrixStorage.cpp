//===- MatrixStorage.cpp - Storage arrays and tile schedules --------------===//
//
// Materializes the storage arrays of a packed matrix for the lowerings, with
// the static longest-first schedule of compile-time matrices. Shared by the
// CPU and GPU lowerings.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/LowerToLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cstring>

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

/// Returns `values` (the row layout of the tiles with offsets `tilePtr`)
/// rearranged in panels of `panelWidth` columns, or failure when its data is
/// not available. Every tile but the last is `tileN` wide, a multiple of
/// `panelWidth`; the last one's partial panel is zero-padded.
static FailureOr<DenseElementsAttr>
arrangeInPanels(ElementsAttr values, ArrayRef<int32_t> tilePtr, int64_t unitK,
                int64_t tileN, int64_t numColumns, int64_t panelWidth) {
  FailureOr<SmallVector<char>> data = getRawElementData(values);
  if (failed(data))
    return failure();
  Type elementType = values.getElementType();
  int64_t bytes = elementType.getIntOrFloatBitWidth() / 8;
  int64_t numTiles = tilePtr.size() - 1;
  int64_t lastWidth = numColumns - (numTiles - 1) * tileN;
  int64_t lastRows = (tilePtr.back() - tilePtr[numTiles - 1]) * unitK;
  int64_t size = int64_t(tilePtr[numTiles - 1]) * unitK * tileN +
                 lastRows * llvm::alignTo(lastWidth, panelWidth);
  SmallVector<char> panels(size * bytes, 0);
  for (int64_t tile = 0; tile < numTiles; ++tile) {
    int64_t offset = int64_t(tilePtr[tile]) * unitK * tileN;
    int64_t rows = (tilePtr[tile + 1] - tilePtr[tile]) * unitK;
    int64_t width = std::min(tileN, numColumns - tile * tileN);
    for (int64_t row = 0; row < rows; ++row) {
      for (int64_t col = 0; col < width; ++col) {
        int64_t from = offset + row * width + col;
        int64_t to = offset + (col / panelWidth) * rows * panelWidth +
                     row * panelWidth + col % panelWidth;
        std::memcpy(&panels[to * bytes], &(*data)[from * bytes], bytes);
      }
    }
  }
  auto type = RankedTensorType::get({size}, elementType);
  return DenseElementsAttr::getFromRawBuffer(type, panels);
}

/// Materializes the storage of `matrix` at the current insertion point. The
/// values of a constant get `padding` trailing zeros, or panels.
MatrixStorageValues tsparse::materializeMatrixStorage(
    OpBuilder &b, Location loc, TypedValue<MatrixType> matrix, int64_t padding,
    bool keepEmptyTiles, int64_t panelWidth) {
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
    SmallVector<int32_t> tilePtr =
        llvm::to_vector(attrs.tilePtr.getValues<int32_t>());
    int64_t numTiledColumns = layout.isCompacted()
                                  ? attrs.colIds.getNumElements()
                                  : type.getNumColumns();
    // Without padding or panels the values array above is used as is: no
    // copy.
    // A matrix without tiles (no kept column) has nothing to arrange.
    if (panelWidth > 0 && layout.getTileN() % panelWidth == 0 &&
        tilePtr.size() > 1) {
      if (FailureOr<DenseElementsAttr> panels =
              arrangeInPanels(attrs.values, tilePtr, layout.getUnitK(),
                              layout.getTileN(), numTiledColumns, panelWidth);
          succeeded(panels)) {
        storage.values = arith::ConstantOp::create(b, loc, *panels);
        storage.panelWidth = panelWidth;
      }
    }
    if (!storage.panelWidth && padding > 0) {
      if (FailureOr<DenseElementsAttr> padded =
              padValues(attrs.values, padding);
          succeeded(padded)) {
        storage.values = arith::ConstantOp::create(b, loc, *padded);
        storage.valuesPadded = true;
      }
    }
    SmallVector<int32_t> order =
        computeLongestFirstTileOrder(tilePtr, keepEmptyTiles);
    storage.order = arith::ConstantOp::create(
        b, loc,
        DenseIntElementsAttr::get(
            RankedTensorType::get({static_cast<int64_t>(order.size())},
                                  b.getI32Type()),
            ArrayRef<int32_t>(order)));
    storage.numScheduled = arith::ConstantIndexOp::create(b, loc, order.size());
    storage.numTiledColumns =
        arith::ConstantIndexOp::create(b, loc, numTiledColumns);
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
