//===- LowerToLoops.h - Skipped-tile loops ----------------------*- C++ -*-===//
//
// The skipped-tile loop lowering of tsparse ops and the storage
// materialization it shares with the GPU conversion.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_LOWERTOLOOPS_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_LOWERTOLOOPS_H

#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace tsparse {

/// Parameters of the skipped-tile loop lowering.
struct LowerToLoopsOptions {
  /// Rows of A per parallel work item.
  int64_t mTile = 64;
  /// Rows of A in the register-blocked micro-kernel.
  int64_t microRows = 6;
  /// Columns of B per micro-kernel vector.
  int64_t microCols = 64;
  /// Rows of B per pass of the micro-kernels over a tile (0: one pass).
  int64_t kChunk = 0;
};

/// The storage arrays of a packed matrix as tensors, and the column tiles a
/// lowering visits.
struct MatrixStorageValues {
  /// The arrays of the layout (see `#tsparse.layout`); absent ones are null.
  Value colIds, tilePtr, rowIds, values;
  /// The residual arrays of a TEW layout; null otherwise.
  Value residualPtr, residualCols, residualValues;
  /// Tiles to visit in order (i32); null to visit every tile in index order.
  Value order;
  /// Number of tiles to visit.
  Value numScheduled;
  /// Number of tiled columns (kept columns of a compacted layout).
  Value numTiledColumns;
  /// True if `values` extends `padding` elements past its last value.
  bool valuesPadded = false;
  /// When nonzero, `values` holds each tile in panels of this many columns
  /// (the last one zero-padded), each panel's rows contiguous, instead of
  /// row by row across the tile: the tile's row `i`, column `j` is at
  /// `tileOffset + (j / w) * rows * w + i * w + j % w`, where `rows` is the
  /// tile's stored row count. Tile offsets are those of the row layout.
  int64_t panelWidth = 0;
};

/// Materializes the storage of `matrix` at the insertion point of `b`. A
/// `tsparse.constant` gives constant arrays (its values followed by `padding`
/// zeros, or rearranged in panels of `panelWidth` columns when that divides
/// the tile width: see `MatrixStorageValues::panelWidth`) and a static
/// schedule of its non-empty tiles, longest first (with `keepEmptyTiles`,
/// the empty ones last, for products whose epilogue must still run over
/// their columns); any other matrix gives `tsparse.storage` reads in the
/// layout's row order and visits every tile.
MatrixStorageValues materializeMatrixStorage(OpBuilder &b, Location loc,
                                             TypedValue<MatrixType> matrix,
                                             int64_t padding,
                                             bool keepEmptyTiles = false,
                                             int64_t panelWidth = 0);

/// Returns the column tiles of a matrix with offsets `tilePtr`, longest
/// (most kept units) first; ties keep the tile order. Empty tiles are left
/// out unless `keepEmptyTiles`.
SmallVector<int32_t> computeLongestFirstTileOrder(ArrayRef<int32_t> tilePtr,
                                                  bool keepEmptyTiles = false);

/// Collects the pattern lowering `tsparse.matmul` to skipped-tile loops.
void populateLowerMatmulToLoopsPatterns(RewritePatternSet &patterns,
                                        const LowerToLoopsOptions &options);

/// Collects the patterns lowering `tsparse.pack` and `tsparse.unpack` to
/// loops over the storage arrays.
void populateLowerPackingToLoopsPatterns(RewritePatternSet &patterns);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_LOWERTOLOOPS_H
