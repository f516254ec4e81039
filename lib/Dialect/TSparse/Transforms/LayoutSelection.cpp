//===- LayoutSelection.cpp - Measuring and choosing layouts ---------------===//
//
// A layout is measured from the number of nonzeros of every (row, column
// tile) pair, which is computed once per column tiling and then shared by all
// unit heights and residual choices.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/LayoutSelection.h"

using namespace mlir;
using namespace mlir::tsparse;

NonZeroPattern NonZeroPattern::fromBytes(ArrayRef<char> bytes, int64_t numRows,
                                         int64_t numColumns, int64_t width) {
  NonZeroPattern pattern;
  pattern.numRows = numRows;
  pattern.numColumns = numColumns;
  pattern.bits.resize(numRows * numColumns);
  for (int64_t i = 0, e = numRows * numColumns; i < e; ++i)
    if (isNonZeroElement(bytes.data() + i * width, width))
      pattern.bits.set(i);
  return pattern;
}

double LayoutMeasure::getSkippedFraction() const {
  int64_t elements = type.getNumRows() * type.getNumColumns();
  if (elements == 0)
    return 0.0;
  return 1.0 - double(storedValues + residualValues) / elements;
}

namespace {
/// Nonzeros of every (row, column tile) pair for one column tiling.
struct TileCounts {
  int64_t tileN = 0;
  /// Kept columns (empty when all columns are tiled in order).
  SmallVector<bool> columns;
  /// Width of every tile in use.
  SmallVector<int64_t> widths;
  /// Row-major `K x widths.size()`.
  SmallVector<int32_t> counts;
  /// Nonzeros of dropped columns.
  int64_t droppedNonZeros = 0;
};
} // namespace

/// Counts the nonzeros of `nonZeros` per row and tile of `tileN` columns;
/// with `compacted`, only columns with more than `columnThreshold` of their
/// elements nonzero (at least one) are tiled.
static TileCounts countTiles(const NonZeroPattern &nonZeros, int64_t tileN,
                             bool compacted, double columnThreshold) {
  TileCounts result;
  result.tileN = tileN;
  int64_t numRows = nonZeros.numRows, numColumns = nonZeros.numColumns;
  if (compacted) {
    SmallVector<int64_t> columnCounts(numColumns, 0);
    for (int i : nonZeros.bits.set_bits())
      ++columnCounts[i % numColumns];
    result.columns.assign(numColumns, false);
    for (int64_t col = 0; col < numColumns; ++col) {
      if (columnCounts[col] == 0 ||
          columnCounts[col] <= columnThreshold * numRows) {
        result.droppedNonZeros += columnCounts[col];
        continue;
      }
      result.columns[col] = true;
    }
  }
  SmallVector<int64_t> tileOf = computeColumnTiles(
      numColumns, tileN,
      compacted ? function_ref<bool(int64_t)>(
                      [&](int64_t col) { return result.columns[col]; })
                : nullptr);
  int64_t numTiled = compacted ? llvm::count(result.columns, true) : numColumns;
  int64_t numTiles = llvm::divideCeilSigned(numTiled, tileN);
  for (int64_t tile = 0; tile < numTiles; ++tile)
    result.widths.push_back(std::min(tileN, numTiled - tile * tileN));
  result.counts.assign(numRows * numTiles, 0);
  for (int i : nonZeros.bits.set_bits())
    if (int64_t tile = tileOf[i % numColumns]; tile >= 0)
      ++result.counts[(i / numColumns) * numTiles + tile];
  return result;
}

/// Measures `type`'s layout (whose tile width and column mode `counts` was
/// computed for).
static LayoutMeasure measureCounts(const TileCounts &counts, MatrixType type,
                                   const LayoutCosts &costs) {
  LayoutAttr layout = type.getLayout();
  bool residual = layout.hasResidual();
  int64_t unitK = layout.getUnitK();
  int64_t numTiles = counts.widths.size();
  int64_t maxNumTiles = type.getMaxNumTiles();

  LayoutMeasure measure;
  measure.type = type;
  measure.masks.columns = counts.columns;
  measure.masks.units.assign(type.getNumUnits() * maxNumTiles, false);
  measure.numTiles = numTiles;
  measure.keptRowsPerTile.assign(numTiles, 0);
  measure.residualValues = counts.droppedNonZeros;
  for (int64_t unit = 0, e = type.getNumUnits(); unit < e; ++unit) {
    for (int64_t tile = 0; tile < numTiles; ++tile) {
      int64_t nonZeros = 0;
      for (int64_t row = unit * unitK; row < (unit + 1) * unitK; ++row)
        nonZeros += counts.counts[row * numTiles + tile];
      int64_t size = unitK * counts.widths[tile];
      bool keep = nonZeros > 0 && (!residual || costs.residual * nonZeros >=
                                                    size + costs.row * unitK);
      if (!keep) {
        measure.residualValues += nonZeros;
        continue;
      }
      measure.masks.units[unit * maxNumTiles + tile] = true;
      measure.storedValues += size;
      measure.keptRowsPerTile[tile] += unitK;
    }
  }
  return measure;
}

LayoutMeasure tsparse::measureLayout(const NonZeroPattern &nonZeros,
                                     MatrixType type, const LayoutCosts &costs,
                                     double columnThreshold) {
  LayoutAttr layout = type.getLayout();
  TileCounts counts =
      countTiles(nonZeros, layout.getTileN(), layout.isCompacted(),
                 layout.hasResidual() ? columnThreshold : 0.0);
  return measureCounts(counts, type, costs);
}

double tsparse::getLayoutWork(const LayoutMeasure &measure,
                              const LayoutCosts &costs) {
  int64_t keptRows = 0;
  for (int64_t rows : measure.keptRowsPerTile)
    keptRows += rows;
  return measure.storedValues + costs.residual * measure.residualValues +
         costs.row * keptRows;
}

FailureOr<LayoutMeasure>
tsparse::chooseLayout(const NonZeroPattern &nonZeros, Type elementType,
                      const LayoutSearchOptions &options) {
  MLIRContext *ctx = elementType.getContext();
  SmallVector<int64_t> shape = {nonZeros.numRows, nonZeros.numColumns};
  std::optional<LayoutMeasure> best;
  auto consider = [&](const TileCounts &counts, LayoutAttr layout) {
    LayoutMeasure measure = measureCounts(
        counts, MatrixType::get(shape, elementType, layout), options.costs);
    if (!best || getLayoutWork(measure, options.costs) <
                     getLayoutWork(*best, options.costs))
      best = std::move(measure);
  };

  // Columns dropped to the residual: any nonzero keeps a column (as without
  // residual), or a few nonzeros do not.
  SmallVector<double> residualColumnThresholds = {0.0, 1.0 / 16, 1.0 / 8,
                                                  1.0 / 4};
  for (int64_t tileN : options.tileSizes) {
    // Tiles wider than the matrix all tile it the same way: only the
    // narrowest of them is tried.
    if (tileN > nonZeros.numColumns &&
        llvm::any_of(options.tileSizes, [&](int64_t other) {
          return other >= nonZeros.numColumns && other < tileN;
        }))
      continue;
    for (ColumnMode columns : {ColumnMode::Original, ColumnMode::Compacted}) {
      bool compacted = columns == ColumnMode::Compacted;
      TileCounts counts = countTiles(nonZeros, tileN, compacted, 0.0);
      for (int64_t unitK : options.unitSizes) {
        if (nonZeros.numRows % unitK != 0)
          continue;
        consider(counts, LayoutAttr::get(ctx, tileN, unitK, columns,
                                         ResidualKind::None));
      }
      if (!options.allowResidual)
        continue;
      for (double threshold : residualColumnThresholds) {
        if (!compacted && threshold > 0.0)
          break;
        TileCounts residualCounts =
            threshold > 0.0 ? countTiles(nonZeros, tileN, true, threshold)
                            : counts;
        for (int64_t unitK : options.unitSizes) {
          if (nonZeros.numRows % unitK != 0)
            continue;
          consider(residualCounts, LayoutAttr::get(ctx, tileN, unitK, columns,
                                                   ResidualKind::CSR));
        }
      }
    }
  }
  if (!best)
    return failure();
  return std::move(*best);
}
