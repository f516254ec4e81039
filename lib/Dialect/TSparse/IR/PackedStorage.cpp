//===- PackedStorage.cpp - Tile-compressed storage helpers ----------------===//
//
// Builds, walks and checks the arrays of the tile-compressed storage.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/PackedStorage.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/SwapByteOrder.h"

using namespace mlir;
using namespace mlir::tsparse;

SmallVector<StorageField> tsparse::getStorageFields(LayoutAttr layout) {
  SmallVector<StorageField> fields;
  if (layout.isCompacted())
    fields.push_back(StorageField::ColIds);
  fields.append(
      {StorageField::TilePtr, StorageField::RowIds, StorageField::Values});
  if (layout.hasResidual())
    fields.append({StorageField::ResidualPtr, StorageField::ResidualCols,
                   StorageField::ResidualValues});
  return fields;
}

ElementsAttr PackedConstantAttrs::getArray(StorageField field) const {
  switch (field) {
  case StorageField::ColIds:
    return colIds;
  case StorageField::TilePtr:
    return tilePtr;
  case StorageField::RowIds:
    return rowIds;
  case StorageField::Values:
    return values;
  case StorageField::ResidualPtr:
    return residualPtr;
  case StorageField::ResidualCols:
    return residualCols;
  case StorageField::ResidualValues:
    return residualValues;
  }
  llvm_unreachable("unknown storage field");
}

int64_t tsparse::getNumTiledColumns(MatrixType type, ArrayRef<int32_t> colIds) {
  return type.getLayout().isCompacted() ? static_cast<int64_t>(colIds.size())
                                        : type.getNumColumns();
}

/// Width of column tile `tile` when `numColumns` columns are tiled.
static int64_t getTileWidth(LayoutAttr layout, int64_t numColumns,
                            int64_t tile) {
  int64_t tileN = layout.getTileN();
  return std::min(tileN, numColumns - tile * tileN);
}

SmallVector<int64_t>
tsparse::computeColumnTiles(int64_t numColumns, int64_t tileN,
                            function_ref<bool(int64_t)> isKept) {
  SmallVector<int64_t> tileOf(numColumns, -1);
  int64_t rank = 0;
  for (int64_t col = 0; col < numColumns; ++col)
    if (!isKept || isKept(col))
      tileOf[col] = rank++ / tileN;
  return tileOf;
}

PackMasks tsparse::inferMasksFromNonZeros(
    MatrixType type, function_ref<bool(int64_t, int64_t)> isNonZero) {
  LayoutAttr layout = type.getLayout();
  int64_t numRows = type.getNumRows(), numColumns = type.getNumColumns();
  PackMasks masks;
  if (layout.isCompacted()) {
    masks.columns.assign(numColumns, false);
    for (int64_t col = 0; col < numColumns; ++col)
      for (int64_t row = 0; row < numRows && !masks.columns[col]; ++row)
        masks.columns[col] = isNonZero(row, col);
  }
  SmallVector<int64_t> tileOf = computeColumnTiles(
      numColumns, layout.getTileN(),
      layout.isCompacted() ? function_ref<bool(int64_t)>([&](int64_t col) {
        return masks.columns[col];
      })
                           : nullptr);
  int64_t maxNumTiles = type.getMaxNumTiles();
  masks.units.assign(type.getNumUnits() * maxNumTiles, false);
  for (int64_t row = 0; row < numRows; ++row)
    for (int64_t col = 0; col < numColumns; ++col)
      if (isNonZero(row, col))
        masks.units[(row / layout.getUnitK()) * maxNumTiles + tileOf[col]] =
            true;
  return masks;
}

PackedIndices tsparse::buildPackedIndices(MatrixType type,
                                          ArrayRef<bool> unitMask,
                                          ArrayRef<bool> columnMask) {
  LayoutAttr layout = type.getLayout();
  PackedIndices indices;
  if (layout.isCompacted()) {
    for (int64_t col = 0, e = type.getNumColumns(); col < e; ++col)
      if (columnMask[col])
        indices.colIds.push_back(col);
  }
  int64_t numTiles =
      layout.getNumTiles(getNumTiledColumns(type, indices.colIds));
  int64_t maxNumTiles = type.getMaxNumTiles();
  indices.tilePtr.push_back(0);
  for (int64_t tile = 0; tile < numTiles; ++tile) {
    for (int64_t unit = 0, e = type.getNumUnits(); unit < e; ++unit)
      if (unitMask[unit * maxNumTiles + tile])
        indices.rowIds.push_back(unit);
    indices.tilePtr.push_back(indices.rowIds.size());
  }
  return indices;
}

void tsparse::forEachStoredElement(MatrixType type, ArrayRef<int32_t> colIds,
                                   ArrayRef<int32_t> tilePtr,
                                   ArrayRef<int32_t> rowIds,
                                   function_ref<void(int64_t, int64_t)> fn) {
  LayoutAttr layout = type.getLayout();
  int64_t unitK = layout.getUnitK();
  int64_t numColumns = getNumTiledColumns(type, colIds);
  for (int64_t tile = 0, e = tilePtr.size() - 1; tile < e; ++tile) {
    int64_t width = getTileWidth(layout, numColumns, tile);
    for (int32_t pos = tilePtr[tile]; pos < tilePtr[tile + 1]; ++pos) {
      for (int64_t row = rowIds[pos] * unitK, rowEnd = row + unitK;
           row < rowEnd; ++row) {
        for (int64_t j = 0; j < width; ++j) {
          int64_t col = tile * layout.getTileN() + j;
          fn(row, layout.isCompacted() ? colIds[col] : col);
        }
      }
    }
  }
}

int64_t tsparse::getNumStoredValues(MatrixType type, ArrayRef<int32_t> colIds,
                                    ArrayRef<int32_t> tilePtr) {
  LayoutAttr layout = type.getLayout();
  int64_t numColumns = getNumTiledColumns(type, colIds);
  int64_t numValues = 0;
  for (int64_t tile = 0, e = tilePtr.size() - 1; tile < e; ++tile)
    numValues += int64_t(tilePtr[tile + 1] - tilePtr[tile]) *
                 layout.getUnitK() * getTileWidth(layout, numColumns, tile);
  return numValues;
}

ResidualIndices
tsparse::buildResidualIndices(MatrixType type,
                              function_ref<bool(int64_t, int64_t)> isResidual) {
  ResidualIndices residual;
  residual.rowPtr.push_back(0);
  for (int64_t row = 0, e = type.getNumRows(); row < e; ++row) {
    for (int64_t col = 0, f = type.getNumColumns(); col < f; ++col)
      if (isResidual(row, col))
        residual.cols.push_back(col);
    residual.rowPtr.push_back(residual.cols.size());
  }
  return residual;
}

/// Checks that `ptr` is a valid offsets array: `size` entries, starting at 0,
/// non-decreasing, ending at `end`.
static LogicalResult verifyOffsets(function_ref<InFlightDiagnostic()> emitError,
                                   StringRef name, ArrayRef<int32_t> ptr,
                                   int64_t size, int64_t end) {
  if (static_cast<int64_t>(ptr.size()) != size)
    return emitError() << "expected " << name << " to have " << size
                       << " elements but got " << ptr.size();
  if (ptr.front() != 0)
    return emitError() << "expected " << name << " to start at 0 but got "
                       << ptr.front();
  for (size_t i = 1; i < ptr.size(); ++i)
    if (ptr[i] < ptr[i - 1])
      return emitError() << "expected " << name << " to be non-decreasing but "
                         << name << "[" << i << "] = " << ptr[i] << " < "
                         << ptr[i - 1];
  if (ptr.back() != end)
    return emitError() << "expected " << name << " to end at " << end
                       << " but got " << ptr.back();
  return success();
}

/// Checks that every segment `[ptr[i], ptr[i+1])` of `ids` is strictly
/// ascending and inside `[0, bound)`.
static LogicalResult
verifySegments(function_ref<InFlightDiagnostic()> emitError, StringRef name,
               ArrayRef<int32_t> ptr, ArrayRef<int32_t> ids, int64_t bound) {
  for (size_t seg = 0; seg + 1 < ptr.size(); ++seg) {
    for (int32_t pos = ptr[seg]; pos < ptr[seg + 1]; ++pos) {
      if (ids[pos] < 0 || ids[pos] >= bound)
        return emitError() << "expected " << name << "[" << pos << "] in [0, "
                           << bound << ") but got " << ids[pos];
      if (pos > ptr[seg] && ids[pos] <= ids[pos - 1])
        return emitError() << "expected " << name
                           << " to be strictly ascending in segment " << seg
                           << " but got " << ids[pos - 1] << " then "
                           << ids[pos];
    }
  }
  return success();
}

LogicalResult
tsparse::verifyPackedIndices(function_ref<InFlightDiagnostic()> emitError,
                             MatrixType type, ArrayRef<int32_t> colIds,
                             ArrayRef<int32_t> tilePtr,
                             ArrayRef<int32_t> rowIds, int64_t numValues) {
  LayoutAttr layout = type.getLayout();
  if (layout.isCompacted()) {
    int32_t wholeRange[] = {0, static_cast<int32_t>(colIds.size())};
    if (failed(verifySegments(emitError, "col_ids", wholeRange, colIds,
                              type.getNumColumns())))
      return failure();
  }
  int64_t numTiles = layout.getNumTiles(getNumTiledColumns(type, colIds));
  if (failed(verifyOffsets(emitError, "tile_ptr", tilePtr, numTiles + 1,
                           rowIds.size())) ||
      failed(verifySegments(emitError, "row_ids", tilePtr, rowIds,
                            type.getNumUnits())))
    return failure();
  int64_t expected = getNumStoredValues(type, colIds, tilePtr);
  if (numValues != expected)
    return emitError() << "expected " << expected << " values but got "
                       << numValues;
  return success();
}

LogicalResult
tsparse::verifyResidualIndices(function_ref<InFlightDiagnostic()> emitError,
                               MatrixType type, ArrayRef<int32_t> rowPtr,
                               ArrayRef<int32_t> cols, int64_t numValues) {
  if (failed(verifyOffsets(emitError, "residual_ptr", rowPtr,
                           type.getNumRows() + 1, cols.size())) ||
      failed(verifySegments(emitError, "residual_cols", rowPtr, cols,
                            type.getNumColumns())))
    return failure();
  if (numValues != static_cast<int64_t>(cols.size()))
    return emitError() << "expected " << cols.size()
                       << " residual values but got " << numValues;
  return success();
}

bool tsparse::hasElementData(ElementsAttr attr) {
  if (isa<DenseElementsAttr>(attr))
    return true;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    return resource.getRawHandle().getBlob() != nullptr;
  return false;
}

FailureOr<SmallVector<char>> tsparse::getRawElementData(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  unsigned bytes = type.getElementTypeBitWidth() / 8;
  int64_t size = type.getNumElements() * bytes;
  ArrayRef<char> raw;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    raw = dense.getRawData();
  } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return failure();
    raw = blob->getData();
  } else {
    return failure();
  }
  if (static_cast<int64_t>(raw.size()) == size)
    return SmallVector<char>(raw.begin(), raw.end());
  // A splat stores a single element.
  if (static_cast<int64_t>(raw.size()) != bytes)
    return failure();
  SmallVector<char> data;
  data.reserve(size);
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i)
    data.append(raw.begin(), raw.end());
  return data;
}

bool tsparse::isNonZeroElement(const char *element, int64_t bytes) {
  // The sign is the top bit of the most significant byte.
  ArrayRef<char> data(element, bytes);
  char top = llvm::sys::IsBigEndianHost ? data.front() : data.back();
  ArrayRef<char> rest =
      llvm::sys::IsBigEndianHost ? data.drop_front() : data.drop_back();
  return (top & 0x7f) != 0 ||
         llvm::any_of(rest, [](char byte) { return byte != 0; });
}

/// Returns a 1-D i32 tensor attribute holding `values`.
static DenseIntElementsAttr getIndexArray(MLIRContext *ctx,
                                          ArrayRef<int32_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    IntegerType::get(ctx, 32));
  return DenseIntElementsAttr::get(type, values);
}

/// Returns a 1-D tensor attribute of `elementType` holding raw `data`.
static DenseElementsAttr getValueArray(Type elementType, ArrayRef<char> data) {
  int64_t bytes = elementType.getIntOrFloatBitWidth() / 8;
  auto type = RankedTensorType::get({static_cast<int64_t>(data.size()) / bytes},
                                    elementType);
  return DenseElementsAttr::getFromRawBuffer(type, data);
}

FailureOr<PackedConstantAttrs>
tsparse::packConstant(MatrixType type, ElementsAttr dense,
                      ArrayRef<bool> unitMask, ArrayRef<bool> columnMask) {
  FailureOr<SmallVector<char>> data = getRawElementData(dense);
  if (failed(data))
    return failure();
  return packConstant(type, ArrayRef<char>(*data), unitMask, columnMask);
}

PackedConstantAttrs tsparse::packConstant(MatrixType type, ArrayRef<char> data,
                                          ArrayRef<bool> unitMask,
                                          ArrayRef<bool> columnMask) {
  MLIRContext *ctx = type.getContext();
  Type elementType = type.getElementType();
  int64_t bytes = elementType.getIntOrFloatBitWidth() / 8;
  int64_t numColumns = type.getNumColumns();
  auto append = [&](SmallVector<char> &out, int64_t row, int64_t col) {
    const char *element = data.data() + (row * numColumns + col) * bytes;
    out.append(element, element + bytes);
  };

  PackedIndices indices = buildPackedIndices(type, unitMask, columnMask);
  SmallVector<char> values;
  SmallVector<bool> stored(type.getNumRows() * numColumns, false);
  forEachStoredElement(type, indices.colIds, indices.tilePtr, indices.rowIds,
                       [&](int64_t row, int64_t col) {
                         append(values, row, col);
                         stored[row * numColumns + col] = true;
                       });

  PackedConstantAttrs attrs;
  attrs.tilePtr = getIndexArray(ctx, indices.tilePtr);
  attrs.rowIds = getIndexArray(ctx, indices.rowIds);
  attrs.values = getValueArray(elementType, values);
  if (type.getLayout().isCompacted())
    attrs.colIds = getIndexArray(ctx, indices.colIds);
  if (type.getLayout().hasResidual()) {
    // Every nonzero that the kept units do not cover goes to the residual.
    ResidualIndices residual =
        buildResidualIndices(type, [&](int64_t row, int64_t col) {
          int64_t index = row * numColumns + col;
          return !stored[index] &&
                 isNonZeroElement(data.data() + index * bytes, bytes);
        });
    SmallVector<char> residualValues;
    for (int64_t row = 0, e = type.getNumRows(); row < e; ++row)
      for (int32_t pos = residual.rowPtr[row]; pos < residual.rowPtr[row + 1];
           ++pos)
        append(residualValues, row, residual.cols[pos]);
    attrs.residualPtr = getIndexArray(ctx, residual.rowPtr);
    attrs.residualCols = getIndexArray(ctx, residual.cols);
    attrs.residualValues = getValueArray(elementType, residualValues);
  }
  return attrs;
}

FailureOr<PackedConstantAttrs>
tsparse::packConstantLossless(MatrixType type, ElementsAttr dense) {
  FailureOr<SmallVector<char>> data = getRawElementData(dense);
  if (failed(data))
    return failure();
  int64_t bytes = type.getElementType().getIntOrFloatBitWidth() / 8;
  int64_t numColumns = type.getNumColumns();
  PackMasks masks = inferMasksFromNonZeros(type, [&](int64_t row, int64_t col) {
    return isNonZeroElement(data->data() + (row * numColumns + col) * bytes,
                            bytes);
  });
  return packConstant(type, dense, masks.units, masks.columns);
}

/// Returns the elements of a 1-D i32 attribute.
static SmallVector<int32_t> getIndices(DenseIntElementsAttr attr) {
  if (!attr)
    return {};
  return llvm::to_vector(attr.getValues<int32_t>());
}

FailureOr<DenseElementsAttr>
tsparse::unpackConstant(MatrixType type, const PackedConstantAttrs &storage) {
  Type elementType = type.getElementType();
  int64_t bytes = elementType.getIntOrFloatBitWidth() / 8;
  int64_t numColumns = type.getNumColumns();
  SmallVector<char> dense(type.getNumRows() * numColumns * bytes, 0);
  auto store = [&](const char *element, int64_t row, int64_t col) {
    std::copy(element, element + bytes,
              dense.data() + (row * numColumns + col) * bytes);
  };

  FailureOr<SmallVector<char>> values = getRawElementData(storage.values);
  if (failed(values))
    return failure();
  const char *next = values->data();
  forEachStoredElement(type, getIndices(storage.colIds),
                       getIndices(storage.tilePtr), getIndices(storage.rowIds),
                       [&](int64_t row, int64_t col) {
                         store(next, row, col);
                         next += bytes;
                       });

  if (type.getLayout().hasResidual()) {
    FailureOr<SmallVector<char>> residualValues =
        getRawElementData(storage.residualValues);
    if (failed(residualValues))
      return failure();
    SmallVector<int32_t> rowPtr = getIndices(storage.residualPtr);
    SmallVector<int32_t> cols = getIndices(storage.residualCols);
    for (int64_t row = 0, e = type.getNumRows(); row < e; ++row)
      for (int32_t pos = rowPtr[row]; pos < rowPtr[row + 1]; ++pos)
        store(residualValues->data() + pos * bytes, row, cols[pos]);
  }
  return DenseElementsAttr::getFromRawBuffer(type.getDenseType(), dense);
}
