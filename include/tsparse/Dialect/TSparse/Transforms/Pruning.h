//===- Pruning.h - Tile-wise and baseline pruning ---------------*- C++ -*-===//
//
// The pruning algorithms of `--tsparse-prune`, on plain arrays of scores so
// they can be reused outside the pass (and tested without IR).
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PRUNING_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PRUNING_H

#include "tsparse/Support/EnumOptionParser.h"

#include "mlir/IR/DialectImplementation.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include "tsparse/Dialect/TSparse/Transforms/PruningEnums.h.inc"

namespace mlir {
namespace tsparse {

/// Length of the K vectors pruned by `PrunePattern::VW`.
constexpr int64_t kPruneVectorLength = 16;

/// Parameters of a pruning.
struct PruneOptions {
  PrunePattern pattern = PrunePattern::TW2D;
  /// Fraction of elements to prune, in [0, 1).
  double sparsity = 0.75;
  /// Columns per tile (G).
  int64_t tileN = 128;
  /// Rows per block of `PrunePattern::BW`.
  int64_t unitK = 16;
  /// Fraction of elements restored by `PrunePattern::TEW`.
  double delta = 0.02;
  PruneScope scope = PruneScope::Global;
};

/// The score of one weight: pruning keeps the units of highest score, where
/// the score of a unit is the root mean square of the scores of its
/// elements. Magnitude for now; user-provided scores would replace this.
double scoreWeight(double value);

/// Scores of a `K x N` weight matrix, row-major.
struct ScoredMatrix {
  int64_t numRows = 0;
  int64_t numColumns = 0;
  SmallVector<double> scores;
};

/// Prunes `matrices` together and returns, for each of them, which elements
/// survive (row-major `K x N`). Deterministic: ties are broken by position.
/// In every ranking scope the number of pruned elements is the one closest
/// to `options.sparsity` of the elements that whole units can reach.
/// Expects options accepted by `verifyPruneOptions`.
SmallVector<llvm::BitVector> computePruneMasks(ArrayRef<ScoredMatrix> matrices,
                                               const PruneOptions &options);

} // namespace tsparse
} // namespace mlir

TSPARSE_ENUM_OPTION_PARSER(mlir::tsparse::PrunePattern)
TSPARSE_ENUM_OPTION_PARSER(mlir::tsparse::PruneScope)

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PRUNING_H
