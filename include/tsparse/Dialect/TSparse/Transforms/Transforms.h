//===- Transforms.h - TSparse rewrite patterns ------------------*- C++ -*-===//
//
// Rewrite patterns and type converters of the tsparse dialect, exported so
// that other pipelines can reuse them.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_TRANSFORMS_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_TRANSFORMS_H

#include "tsparse/Dialect/TSparse/IR/TSparseTypes.h"

#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace tsparse {

/// Converts `!tsparse.matrix<KxNxT, ...>` to `tensor<KxNxT>` and leaves every
/// other type unchanged.
class DenseMatrixTypeConverter : public TypeConverter {
public:
  DenseMatrixTypeConverter();
};

/// Collects the patterns that rewrite tsparse ops into dense upstream ops
/// (the reference path of `--tsparse-expand-to-dense`).
void populateExpandToDensePatterns(const TypeConverter &typeConverter,
                                   RewritePatternSet &patterns);

/// Parameters of the skipped-tile loop lowering.
struct LowerToLoopsOptions {
  /// Rows of A per parallel work item.
  int64_t mTile = 64;
  /// Rows of A in the register-blocked micro-kernel.
  int64_t microRows = 6;
  /// Columns of B per micro-kernel vector.
  int64_t microCols = 32;
};

/// The storage arrays of a packed matrix as tensors, and the column tiles a
/// lowering visits.
struct MatrixStorageValues {
  Value colIds, tilePtr, rowIds, values;
  Value residualPtr, residualCols, residualValues;
  /// Tiles to visit in order (i32); null to visit every tile in index order.
  Value order;
  /// Number of tiles to visit.
  Value numScheduled;
  /// Number of tiled columns (kept columns of a compacted layout).
  Value numTiledColumns;
  /// True if `values` extends `padding` elements past its last value.
  bool valuesPadded = false;
};

/// Materializes the storage of `matrix` at the insertion point of `b`. A
/// `tsparse.constant` gives constant arrays (its values followed by `padding`
/// zeros) and a static schedule of its non-empty tiles, longest first; any
/// other matrix gives `tsparse.storage` reads and visits every tile.
MatrixStorageValues materializeMatrixStorage(OpBuilder &b, Location loc,
                                             TypedValue<MatrixType> matrix,
                                             int64_t padding);

/// Returns the non-empty column tiles of a matrix with offsets `tilePtr`,
/// longest (most kept units) first; ties keep the tile order.
SmallVector<int32_t> computeLongestFirstTileOrder(ArrayRef<int32_t> tilePtr);

/// Collects the pattern lowering `tsparse.matmul` to skipped-tile loops.
void populateLowerMatmulToLoopsPatterns(RewritePatternSet &patterns,
                                        const LowerToLoopsOptions &options);

/// Collects the patterns lowering `tsparse.pack` and `tsparse.unpack` to
/// loops over the storage arrays.
void populateLowerPackingToLoopsPatterns(RewritePatternSet &patterns);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_TRANSFORMS_H
