//===- Pruning.cpp - Tile-wise and baseline pruning -----------------------===//
//
// Every pattern is expressed the same way: each element belongs to one
// pruning unit, each unit to one ranking group, and in every group the units
// of lowest score are pruned until the group's target is reached. TW-2D runs
// this twice (columns, then row segments); TEW restores elements afterwards.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/Pruning.h"
#include "tsparse/Dialect/TSparse/IR/PackedStorage.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tsparse;

#include "tsparse/Dialect/TSparse/Transforms/PruningEnums.cpp.inc"

double tsparse::scoreWeight(double value) {
  // NaN would break the ranking's order; such weights rank lowest.
  return std::isnan(value) ? 0.0 : std::abs(value);
}

namespace {
/// Pruning units of all matrices: the unit of every element (-1 for elements
/// already pruned) and the ranking group of every unit.
struct UnitPartition {
  /// Per matrix, row-major `K x N`.
  SmallVector<SmallVector<int64_t>> unitOf;
  SmallVector<int64_t> groupOf;
  int64_t numGroups = 0;
};

/// Assigns units and groups for one ranking round.
class PartitionBuilder {
public:
  PartitionBuilder(ArrayRef<ScoredMatrix> matrices) : matrices(matrices) {
    for (const ScoredMatrix &matrix : matrices)
      partition.unitOf.emplace_back(matrix.numRows * matrix.numColumns, -1);
  }

  /// Starts the units of the next matrix, called by keys in [0, numKeys).
  void beginMatrix(int64_t numKeys) {
    keyBase = partition.groupOf.size();
    partition.groupOf.resize(keyBase + numKeys, -1);
  }
  /// Puts element (row, col) of matrix `m` into its unit `key`, and that
  /// unit into ranking group `group`.
  void assign(int64_t m, int64_t row, int64_t col, int64_t key, int64_t group) {
    partition.unitOf[m][row * matrices[m].numColumns + col] = keyBase + key;
    partition.groupOf[keyBase + key] = group;
    partition.numGroups = std::max(partition.numGroups, group + 1);
  }
  UnitPartition take() { return std::move(partition); }

private:
  ArrayRef<ScoredMatrix> matrices;
  UnitPartition partition;
  int64_t keyBase = 0;
};
} // namespace

/// Prunes, in every group, the units of lowest score (ties: lowest unit
/// first) while that brings the number of pruned elements closer to the
/// group's target. Clears the pruned elements in `keep`.
static void pruneUnits(ArrayRef<ScoredMatrix> matrices,
                       const UnitPartition &partition, ArrayRef<double> targets,
                       MutableArrayRef<llvm::BitVector> keep) {
  int64_t numUnits = partition.groupOf.size();
  SmallVector<double> sumSquares(numUnits, 0.0);
  SmallVector<int64_t> sizes(numUnits, 0);
  for (auto [m, matrix] : llvm::enumerate(matrices)) {
    for (auto [index, unit] : llvm::enumerate(partition.unitOf[m])) {
      if (unit < 0)
        continue;
      double score = matrix.scores[index];
      sumSquares[unit] += score * score;
      ++sizes[unit];
    }
  }

  SmallVector<int64_t> order;
  for (int64_t unit = 0; unit < numUnits; ++unit)
    if (sizes[unit] > 0)
      order.push_back(unit);
  // The mean square orders units as their root mean square does.
  auto meanSquare = [&](int64_t unit) {
    return sumSquares[unit] / sizes[unit];
  };
  llvm::sort(order, [&](int64_t a, int64_t b) {
    int64_t groupA = partition.groupOf[a], groupB = partition.groupOf[b];
    if (groupA != groupB)
      return groupA < groupB;
    if (meanSquare(a) != meanSquare(b))
      return meanSquare(a) < meanSquare(b);
    return a < b;
  });

  llvm::BitVector pruned(numUnits);
  SmallVector<int64_t> prunedElements(partition.numGroups, 0);
  SmallVector<bool> done(partition.numGroups, false);
  for (int64_t unit : order) {
    int64_t group = partition.groupOf[unit];
    if (done[group])
      continue;
    double before = std::abs(prunedElements[group] - targets[group]);
    double after =
        std::abs(prunedElements[group] + sizes[unit] - targets[group]);
    if (after >= before) {
      done[group] = true;
      continue;
    }
    pruned.set(unit);
    prunedElements[group] += sizes[unit];
  }

  for (auto [m, unitOf] : llvm::enumerate(partition.unitOf))
    for (auto [index, unit] : llvm::enumerate(unitOf))
      if (unit >= 0 && pruned.test(unit))
        keep[m].reset(index);
}

/// Number of elements of every group of `partition`.
static SmallVector<int64_t> getGroupSizes(const UnitPartition &partition) {
  SmallVector<int64_t> sizes(partition.numGroups, 0);
  for (ArrayRef<int64_t> unitOf : partition.unitOf)
    for (int64_t unit : unitOf)
      if (unit >= 0)
        ++sizes[partition.groupOf[unit]];
  return sizes;
}

/// Prunes `fraction` of the elements of every group of `partition`.
static void pruneFraction(ArrayRef<ScoredMatrix> matrices,
                          const UnitPartition &partition, double fraction,
                          MutableArrayRef<llvm::BitVector> keep) {
  SmallVector<double> targets;
  for (int64_t size : getGroupSizes(partition))
    targets.push_back(fraction * size);
  pruneUnits(matrices, partition, targets, keep);
}

/// Ranking group of a unit of matrix `m` lying in column tile `tile`.
static int64_t getGroup(PruneScope scope, int64_t m, int64_t tile,
                        int64_t maxTiles) {
  switch (scope) {
  case PruneScope::Global:
    return 0;
  case PruneScope::Matrix:
    return m;
  case PruneScope::Tile:
    return m * maxTiles + tile;
  }
  llvm_unreachable("unknown prune scope");
}

/// Largest number of column tiles of any matrix.
static int64_t getMaxNumTiles(ArrayRef<ScoredMatrix> matrices, int64_t tileN) {
  int64_t maxTiles = 1;
  for (const ScoredMatrix &matrix : matrices)
    maxTiles =
        std::max(maxTiles, llvm::divideCeilSigned(matrix.numColumns, tileN));
  return maxTiles;
}

/// Units of `rowsPerUnit` rows by `colsPerUnit` columns (EW, VW, TW-1D, BW),
/// grouped by column tiles of `tileN` for the tile scope.
static UnitPartition partitionIntoBlocks(ArrayRef<ScoredMatrix> matrices,
                                         int64_t rowsPerUnit,
                                         int64_t colsPerUnit, int64_t tileN,
                                         PruneScope scope) {
  PartitionBuilder builder(matrices);
  int64_t maxTiles = getMaxNumTiles(matrices, tileN);
  for (auto [m, matrix] : llvm::enumerate(matrices)) {
    int64_t unitRows = llvm::divideCeilSigned(matrix.numRows, rowsPerUnit);
    int64_t unitCols = llvm::divideCeilSigned(matrix.numColumns, colsPerUnit);
    builder.beginMatrix(unitRows * unitCols);
    for (int64_t row = 0; row < matrix.numRows; ++row)
      for (int64_t col = 0; col < matrix.numColumns; ++col)
        builder.assign(m, row, col,
                       (row / rowsPerUnit) * unitCols + col / colsPerUnit,
                       getGroup(scope, m, col / tileN, maxTiles));
  }
  return builder.take();
}

/// TW-2D: prunes whole columns, then row segments of the tiles of the
/// surviving columns, splitting the target evenly so that
/// (1 - s_col) (1 - s_row) = 1 - s.
static void pruneTileWise2D(ArrayRef<ScoredMatrix> matrices,
                            const PruneOptions &options, double sparsity,
                            MutableArrayRef<llvm::BitVector> keep) {
  double columnSparsity = 1.0 - std::sqrt(1.0 - sparsity);
  PruneScope columnScope = options.scope == PruneScope::Global
                               ? PruneScope::Global
                               : PruneScope::Matrix;
  // Columns: one unit per column, ranked per matrix for the tile scope too.
  PartitionBuilder columns(matrices);
  for (auto [m, matrix] : llvm::enumerate(matrices)) {
    columns.beginMatrix(matrix.numColumns);
    for (int64_t row = 0; row < matrix.numRows; ++row)
      for (int64_t col = 0; col < matrix.numColumns; ++col)
        columns.assign(m, row, col, col, getGroup(columnScope, m, 0, 1));
  }
  pruneFraction(matrices, columns.take(), columnSparsity, keep);

  // Row segments of the tiles of surviving columns. The target of each
  // group is what is left to reach `sparsity` after the columns.
  PartitionBuilder segments(matrices);
  int64_t maxTiles = getMaxNumTiles(matrices, options.tileN);
  int64_t numGroups =
      getGroup(options.scope, matrices.size() - 1, maxTiles - 1, maxTiles) + 1;
  SmallVector<double> targets(numGroups, 0.0);
  SmallVector<int64_t> columnPruned(matrices.size(), 0);
  SmallVector<SmallVector<int64_t>> tileSizes(matrices.size());
  for (auto [m, matrix] : llvm::enumerate(matrices)) {
    // Columns are pruned whole: row 0 tells which survive.
    const BitVector &kept = keep[m];
    bool noRows = matrix.numRows == 0;
    SmallVector<int64_t> tileOf =
        computeColumnTiles(matrix.numColumns, options.tileN, [&](int64_t col) {
          return noRows || kept.test(col);
        });
    int64_t rank = llvm::count_if(tileOf, [](int64_t t) { return t >= 0; });
    columnPruned[m] = (matrix.numColumns - rank) * matrix.numRows;
    tileSizes[m].assign(llvm::divideCeilSigned(rank, options.tileN), 0);
    segments.beginMatrix(matrix.numRows * maxTiles);
    for (int64_t row = 0; row < matrix.numRows; ++row) {
      for (int64_t col = 0; col < matrix.numColumns; ++col) {
        if (tileOf[col] < 0)
          continue;
        segments.assign(m, row, col, row * maxTiles + tileOf[col],
                        getGroup(options.scope, m, tileOf[col], maxTiles));
        ++tileSizes[m][tileOf[col]];
      }
    }
  }
  int64_t totalElements = 0, totalColumnPruned = 0;
  for (auto [m, matrix] : llvm::enumerate(matrices)) {
    int64_t elements = matrix.numRows * matrix.numColumns;
    totalElements += elements;
    totalColumnPruned += columnPruned[m];
    if (options.scope == PruneScope::Matrix)
      targets[m] = sparsity * elements - columnPruned[m];
    if (options.scope != PruneScope::Tile)
      continue;
    int64_t remaining = elements - columnPruned[m];
    double fraction = remaining == 0 ? 0.0
                                     : (sparsity * elements - columnPruned[m]) /
                                           double(remaining);
    for (auto [tile, size] : llvm::enumerate(tileSizes[m]))
      targets[m * maxTiles + tile] = fraction * size;
  }
  if (options.scope == PruneScope::Global)
    targets[0] = sparsity * totalElements - totalColumnPruned;
  pruneUnits(matrices, segments.take(), targets, keep);
}

/// TEW: restores, in every ranking group, the pruned elements of highest
/// score until `sparsity` of the group's elements are pruned again. The tile
/// scope restores per matrix: TW-2D pruned its tiles of surviving columns
/// equally, but the original column tiles unequally, so some of them have
/// less than `delta` to give back.
static void restoreElements(ArrayRef<ScoredMatrix> matrices,
                            const PruneOptions &options, double sparsity,
                            MutableArrayRef<llvm::BitVector> keep) {
  PruneScope scope = options.scope == PruneScope::Global ? PruneScope::Global
                                                         : PruneScope::Matrix;
  int64_t numGroups = getGroup(scope, matrices.size() - 1, 0, 1) + 1;
  SmallVector<int64_t> groupSizes(numGroups, 0), groupPruned(numGroups, 0);
  // (group, matrix, index) of every pruned element.
  SmallVector<std::tuple<int64_t, int64_t, int64_t>> candidates;
  for (auto [m, matrix] : llvm::enumerate(matrices)) {
    for (int64_t index = 0, e = matrix.numRows * matrix.numColumns; index < e;
         ++index) {
      int64_t group = getGroup(scope, m, 0, 1);
      ++groupSizes[group];
      if (keep[m].test(index))
        continue;
      ++groupPruned[group];
      candidates.emplace_back(group, m, index);
    }
  }
  llvm::sort(candidates, [&](const auto &a, const auto &b) {
    auto [groupA, mA, indexA] = a;
    auto [groupB, mB, indexB] = b;
    if (groupA != groupB)
      return groupA < groupB;
    double scoreA = matrices[mA].scores[indexA];
    double scoreB = matrices[mB].scores[indexB];
    if (scoreA != scoreB)
      return scoreA > scoreB;
    return std::make_pair(mA, indexA) < std::make_pair(mB, indexB);
  });
  SmallVector<int64_t> restored(numGroups, 0);
  for (auto [group, m, index] : candidates) {
    double excess =
        groupPruned[group] - restored[group] - sparsity * groupSizes[group];
    if (excess < 0.5)
      continue;
    keep[m].set(index);
    ++restored[group];
  }
}

SmallVector<llvm::BitVector>
tsparse::computePruneMasks(ArrayRef<ScoredMatrix> matrices,
                           const PruneOptions &options) {
  SmallVector<llvm::BitVector> keep;
  if (matrices.empty())
    return keep;
  for (const ScoredMatrix &matrix : matrices)
    keep.emplace_back(matrix.numRows * matrix.numColumns, true);
  int64_t tileN = options.tileN;
  switch (options.pattern) {
  case PrunePattern::EW:
    pruneFraction(matrices,
                  partitionIntoBlocks(matrices, 1, 1, tileN, options.scope),
                  options.sparsity, keep);
    break;
  case PrunePattern::VW:
    pruneFraction(matrices,
                  partitionIntoBlocks(matrices, kPruneVectorLength, 1, tileN,
                                      options.scope),
                  options.sparsity, keep);
    break;
  case PrunePattern::TW1D:
    pruneFraction(matrices,
                  partitionIntoBlocks(matrices, 1, tileN, tileN, options.scope),
                  options.sparsity, keep);
    break;
  case PrunePattern::BW:
    pruneFraction(matrices,
                  partitionIntoBlocks(matrices, options.unitK, tileN, tileN,
                                      options.scope),
                  options.sparsity, keep);
    break;
  case PrunePattern::TW2D:
    pruneTileWise2D(matrices, options, options.sparsity, keep);
    break;
  case PrunePattern::TEW:
    pruneTileWise2D(matrices, options,
                    std::min(1.0, options.sparsity + options.delta), keep);
    restoreElements(matrices, options, options.sparsity, keep);
    break;
  }
  return keep;
}
