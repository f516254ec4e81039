//===- LayoutSelection.h - Measuring and choosing layouts -------*- C++ -*-===//
//
// Measures how well a `#tsparse.layout` covers the nonzeros of a matrix and
// picks the layout that leaves the least work, for `--tsparse-sparsify` and
// for the reports of both passes.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_LAYOUTSELECTION_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_LAYOUTSELECTION_H

#include "tsparse/Dialect/TSparse/IR/PackedStorage.h"
#include "tsparse/Dialect/TSparse/IR/TSparseTypes.h"

#include "llvm/ADT/BitVector.h"

namespace mlir {
namespace tsparse {

/// Which elements of a `K x N` matrix are nonzero.
struct NonZeroPattern {
  int64_t numRows = 0;
  int64_t numColumns = 0;
  /// Row-major.
  llvm::BitVector bits;

  bool test(int64_t row, int64_t col) const {
    return bits.test(row * numColumns + col);
  }

  /// Reads the pattern from raw row-major elements `width` bytes wide; an
  /// element is nonzero unless it is +0.0 or -0.0 (`isNonZeroElement`).
  static NonZeroPattern fromBytes(ArrayRef<char> bytes, int64_t numRows,
                                  int64_t numColumns, int64_t width);
};

/// How a layout covers a matrix, and the work left.
struct LayoutMeasure {
  /// The matrix type with the measured layout.
  MatrixType type;
  /// Masks in the form `tsparse.pack` takes them: every nonzero is in a kept
  /// unit of a kept column, or in the residual.
  PackMasks masks;
  /// Column tiles in use (for a compacted layout, tiles of kept columns).
  int64_t numTiles = 0;
  /// Values stored in kept units: the multiply-adds per row of `A`.
  int64_t storedValues = 0;
  /// Nonzeros left to the element-wise residual.
  int64_t residualValues = 0;
  /// Rows kept in every column tile.
  SmallVector<int64_t> keptRowsPerTile;

  /// Fraction of the dense multiply-adds that are not done, counting one per
  /// residual element: 1 - (stored + residual) / (K N).
  double getSkippedFraction() const;
};

/// The work model of layouts, in multiply-adds per row of `A`: a stored value
/// costs 1.
struct LayoutCosts {
  /// A residual element, gathered and scattered on its own.
  double residual = 4.0;
  /// A kept row of a tile: its index and the gather of `A`'s element.
  double row = 1.0;
};

/// Measures the layout of `type` on `nonZeros`. Without a residual, the masks
/// are the smallest that cover every nonzero. With a residual, a column is
/// kept if more than `columnThreshold` of its elements are nonzero (any
/// nonzero for 0), and a unit is kept if its nonzeros would cost at least as
/// much in the residual as the unit stored densely, rows included.
LayoutMeasure measureLayout(const NonZeroPattern &nonZeros, MatrixType type,
                            const LayoutCosts &costs,
                            double columnThreshold = 0.0);

/// Returns the work `measure` leaves under `costs`.
double getLayoutWork(const LayoutMeasure &measure, const LayoutCosts &costs);

/// The layouts `chooseLayout` tries.
struct LayoutSearchOptions {
  /// Tile widths, preferred in this order when the work is equal.
  SmallVector<int64_t> tileSizes = {128, 64, 32, 16, 8};
  /// Unit heights (used when they divide `K`), preferred in this order.
  SmallVector<int64_t> unitSizes = {64, 32, 16, 1};
  /// Also try layouts with an element-wise residual (TEW).
  bool allowResidual = true;
  LayoutCosts costs;
};

/// Returns the layout, among TW-1D, TW-2D and block-wise layouts of the
/// searched sizes (and their TEW variants), that leaves the least work
/// (`getLayoutWork`) while covering every nonzero. Ties go to the earlier tile
/// and unit size, original columns and no residual. Of the tile sizes at least
/// as wide as the matrix, only the narrowest is tried. Fails when no unit size
/// divides `K`.
FailureOr<LayoutMeasure> chooseLayout(const NonZeroPattern &nonZeros,
                                      Type elementType,
                                      const LayoutSearchOptions &options);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_LAYOUTSELECTION_H
