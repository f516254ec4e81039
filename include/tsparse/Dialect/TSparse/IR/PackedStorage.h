//===- PackedStorage.h - Tile-compressed storage helpers --------*- C++ -*-===//
//
// Host-side helpers that build, walk and check the tile-compressed storage
// of a `!tsparse.matrix` (see `#tsparse.layout`). They are shared by the op
// verifiers and folders and by the passes that pack constants.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_IR_PACKEDSTORAGE_H
#define TSPARSE_DIALECT_TSPARSE_IR_PACKEDSTORAGE_H

#include "tsparse/Dialect/TSparse/IR/TSparseTypes.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir {
namespace tsparse {

/// Returns the storage fields of `layout`, in their canonical order:
/// `col_ids` (compacted), `tile_ptr`, `row_ids`, `values`, then the residual
/// arrays (residual layouts).
SmallVector<StorageField> getStorageFields(LayoutAttr layout);

/// Returns true if `field` holds matrix elements rather than indices.
inline bool isValueField(StorageField field) {
  return field == StorageField::Values || field == StorageField::ResidualValues;
}

/// Returns the element type of the array holding `field`: `i32` for index
/// arrays, the matrix element type for value arrays.
inline Type getStorageElementType(MatrixType type, StorageField field) {
  return isValueField(field) ? type.getElementType()
                             : IntegerType::get(type.getContext(), 32);
}

/// Index arrays of the tile-compressed storage.
struct PackedIndices {
  /// Original column of every kept column (compacted layouts only).
  SmallVector<int32_t> colIds;
  /// Offsets of each tile's kept units in `rowIds` (one more than tiles).
  SmallVector<int32_t> tilePtr;
  /// Kept unit indices of every tile, ascending within a tile.
  SmallVector<int32_t> rowIds;
};

/// Element-wise residual in CSR form over the rows of the matrix.
struct ResidualIndices {
  /// Offsets of each row's elements in `cols` (one more than rows).
  SmallVector<int32_t> rowPtr;
  /// Column of every residual element, row by row.
  SmallVector<int32_t> cols;
};

/// Unit and column masks in the form `tsparse.pack` takes them.
struct PackMasks {
  /// Row-major `[numUnits x maxNumTiles]`.
  SmallVector<bool> units;
  /// One entry per column (compacted layouts only).
  SmallVector<bool> columns;
};

/// Returns the column tile of every one of `numColumns` columns cut into
/// tiles of `tileN`: `col / tileN` when `isKept` is null (original columns),
/// otherwise (compacted layouts) the column's rank among the kept columns
/// divided by `tileN`, and -1 for a dropped column.
SmallVector<int64_t>
computeColumnTiles(int64_t numColumns, int64_t tileN,
                   llvm::function_ref<bool(int64_t)> isKept = nullptr);

/// Returns the smallest masks that cover every element for which
/// `isNonZero(row, col)` holds: a column survives if it has a nonzero, a unit
/// is kept if it holds a nonzero.
PackMasks
inferMasksFromNonZeros(MatrixType type,
                       function_ref<bool(int64_t row, int64_t col)> isNonZero);

/// Computes the index arrays of a matrix of type `type` from its masks.
/// `unitMask` is row-major `[numUnits x maxNumTiles]`; `columnMask` has one
/// entry per column and is used only by compacted layouts.
PackedIndices buildPackedIndices(MatrixType type, ArrayRef<bool> unitMask,
                                 ArrayRef<bool> columnMask);

/// Number of columns that are tiled: the kept columns of a compacted layout,
/// all columns otherwise.
int64_t getNumTiledColumns(MatrixType type, ArrayRef<int32_t> colIds);

/// Calls `fn(row, col)` with the original position of every stored value, in
/// storage order.
void forEachStoredElement(MatrixType type, ArrayRef<int32_t> colIds,
                          ArrayRef<int32_t> tilePtr, ArrayRef<int32_t> rowIds,
                          function_ref<void(int64_t row, int64_t col)> fn);

/// Number of values the storage holds for the given index arrays.
int64_t getNumStoredValues(MatrixType type, ArrayRef<int32_t> colIds,
                           ArrayRef<int32_t> tilePtr);

/// Builds the residual of the elements for which `isResidual(row, col)` holds,
/// in CSR order.
ResidualIndices
buildResidualIndices(MatrixType type,
                     function_ref<bool(int64_t row, int64_t col)> isResidual);

/// Checks that the index arrays and the number of values describe a valid
/// matrix of type `type`.
LogicalResult verifyPackedIndices(function_ref<InFlightDiagnostic()> emitError,
                                  MatrixType type, ArrayRef<int32_t> colIds,
                                  ArrayRef<int32_t> tilePtr,
                                  ArrayRef<int32_t> rowIds, int64_t numValues);

/// Checks that the residual CSR arrays are valid for type `type`.
LogicalResult
verifyResidualIndices(function_ref<InFlightDiagnostic()> emitError,
                      MatrixType type, ArrayRef<int32_t> rowPtr,
                      ArrayRef<int32_t> cols, int64_t numValues);

/// Returns true unless the `bytes`-wide float element at `element` is +0.0
/// or -0.0. Weights pruned by multiplying with a mask (`w * mask`, as
/// `torch.nn.utils.prune` does) hold -0.0 where `w` was negative, and those
/// are pruned too.
bool isNonZeroElement(const char *element, int64_t bytes);

/// Returns true if the elements of `attr` can be read at compile time (false
/// e.g. for an elided resource).
bool hasElementData(ElementsAttr attr);

/// Returns the elements of a `dense` or `dense_resource` attribute of float
/// type as raw bytes (splats are expanded), or failure when the data is not
/// available (e.g. an elided resource).
FailureOr<SmallVector<char>> getRawElementData(ElementsAttr attr);

/// The storage arrays of a `tsparse.constant`; absent arrays are null.
struct PackedConstantAttrs {
  DenseIntElementsAttr tilePtr;
  DenseIntElementsAttr rowIds;
  ElementsAttr values;
  DenseIntElementsAttr colIds;
  DenseIntElementsAttr residualPtr;
  DenseIntElementsAttr residualCols;
  ElementsAttr residualValues;

  /// Returns the array holding `field` (null if absent).
  ElementsAttr getArray(StorageField field) const;

  /// The arrays holding matrix elements (`values`, and `residualValues` when
  /// present).
  SmallVector<ElementsAttr, 2> getValueArrays() const {
    SmallVector<ElementsAttr, 2> arrays = {values};
    if (residualValues)
      arrays.push_back(residualValues);
    return arrays;
  }
};

/// Packs the constant `dense` (K x N) with the given masks into the storage
/// of a matrix of type `type`. Fails when the data of `dense` is not
/// available.
FailureOr<PackedConstantAttrs> packConstant(MatrixType type, ElementsAttr dense,
                                            ArrayRef<bool> unitMask,
                                            ArrayRef<bool> columnMask);

/// Packs raw row-major `K x N` elements of the matrix element type with the
/// given masks into the storage of a matrix of type `type`.
PackedConstantAttrs packConstant(MatrixType type, ArrayRef<char> dense,
                                 ArrayRef<bool> unitMask,
                                 ArrayRef<bool> columnMask);

/// Packs the constant `dense` with masks inferred from its zeros: the result
/// represents `dense` exactly. Fails when the data is not available.
FailureOr<PackedConstantAttrs> packConstantLossless(MatrixType type,
                                                    ElementsAttr dense);

/// Expands verified constant storage back into a dense `K x N` attribute.
/// Fails when the data of a value array is not available.
FailureOr<DenseElementsAttr> unpackConstant(MatrixType type,
                                            const PackedConstantAttrs &storage);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_IR_PACKEDSTORAGE_H
