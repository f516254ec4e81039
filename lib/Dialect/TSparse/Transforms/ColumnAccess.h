//===- ColumnAccess.h - Vector access to rows and column lists --*- C++ -*-===//
//
// Vector reads and writes of rows and arrays, and the vectorized gathers and
// scatters through a list of columns that compacted layouts need, shared by
// the CPU lowerings of tsparse.matmul and tsparse.pack.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_LIB_DIALECT_TSPARSE_TRANSFORMS_COLUMNACCESS_H
#define TSPARSE_LIB_DIALECT_TSPARSE_TRANSFORMS_COLUMNACCESS_H

#include "mlir/IR/Builders.h"

namespace mlir {
namespace tsparse {

/// Reads `type` from the 1-D tensor `source` at `offset`; lanes off in `mask`
/// (if any) are not accessed. `inBounds` asserts that all lanes are inside
/// `source`.
Value readArray(OpBuilder &b, Location loc, VectorType type, Value source,
                Value offset, Value mask, bool inBounds);

/// Writes the 1-D `vector` into the 1-D `dest` (tensor or buffer) at
/// `offset`, lanes off in `mask` left alone; returns the new tensor, or null
/// for a buffer.
Value writeArray(OpBuilder &b, Location loc, Value vector, Value dest,
                 Value offset, Value mask);

/// Returns the 1 x `width` mask of a row access to its first `count` lanes.
Value getRowMask(OpBuilder &b, Location loc, Value count, int64_t width);

/// Reads `type` from row `row` of the 2-D tensor `source`, starting at column
/// `col`, under the 1 x N `mask`. The transfer is 2-D (1 x N) so that
/// bufferization sees it covers one row only.
Value readRow(OpBuilder &b, Location loc, VectorType type, Value source,
              Value row, Value col, Value mask);

/// Writes the 1-D `vector` into row `row` of `dest` from column `col` on,
/// under the 1 x N `mask`.
Value writeRow(OpBuilder &b, Location loc, Value vector, Value dest, Value row,
               Value col, Value mask);

/// The state of one step of forEachColumnChunk.
struct ColumnChunk {
  /// The row (null for a 1-D walk).
  Value row;
  /// The position of the first column in the list.
  Value first;
  /// The number of lanes in use.
  Value lanes;
  /// The lanes in use (`vector<width x i1>`).
  Value mask;
  /// The columns, `vector<width x index>` (0 in unused lanes).
  Value columns;
};

/// Walks the first `count` entries of the 1-D `columns` list (`i32` or
/// `index`), `width` at a time, for each of the `numRows` rows (one walk
/// when `numRows` is null), carrying `init`; `body` returns the next value.
Value forEachColumnChunk(
    OpBuilder &b, Location loc, Value numRows, Value columns, Value count,
    int64_t width, Value init,
    function_ref<Value(OpBuilder &, Location, const ColumnChunk &, Value)>
        body);

/// Returns `source` (1-D or 2-D) reduced to its columns `colIds[0, count)`
/// along its last dimension, in order, gathered `width` at a time; a fill of
/// the same value when `source` is a `linalg.fill`.
Value gatherColumns(OpBuilder &b, Location loc, Value source, Value colIds,
                    Value count, int64_t width);

/// Returns `dest` with the columns of the 2-D `compact` written to its
/// columns `colIds`, scattered `width` at a time.
Value scatterColumns(OpBuilder &b, Location loc, Value compact, Value dest,
                     Value colIds, int64_t width);

/// Returns `dest` (M x N) with each row set from the same row of `compact`
/// (M x `count`): column `colIds[p]` gets `compact[m, p]` (`colIds[0,
/// count)` ascending) and the other columns the vector `dropped(row, col,
/// lanes)` returns for the `lanes` (at most `width`) columns from `col`, of
/// which only the dropped ones are used; it is computed only for chunks
/// with a dropped column. Rows are read with `vector.expandload` and written
/// whole, `width` columns at a time: no scatter.
Value expandColumns(OpBuilder &b, Location loc, Value compact, Value dest,
                    Value colIds, Value count, int64_t width,
                    function_ref<Value(OpBuilder &, Location, Value row,
                                       Value col, Value lanes)>
                        dropped);

/// Returns the columns of `[0, numColumns)` missing from the ascending
/// `colIds[0, numKept)`, in order, as a 1-D index tensor.
Value computeDroppedColumns(OpBuilder &b, Location loc, Value colIds,
                            Value numKept, Value numColumns);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_LIB_DIALECT_TSPARSE_TRANSFORMS_COLUMNACCESS_H
