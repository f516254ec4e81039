//===- SparsityReport.h - What the passes did to each matmul ----*- C++ -*-===//
//
// The records behind the `report=<file>` option (JSON) and the one-line
// remarks of `--tsparse-prune` and `--tsparse-sparsify`.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_SPARSITYREPORT_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_SPARSITYREPORT_H

#include "tsparse/Dialect/TSparse/Transforms/LayoutSelection.h"
#include "tsparse/Dialect/TSparse/Transforms/MatmulMatch.h"

#include <optional>
#include <string>

namespace mlir {
namespace tsparse {

/// What a pass did with one matmul.
struct MatmulReport {
  /// Enclosing function, source location and op name of the matmul.
  std::string function;
  std::string location;
  std::string opName;
  /// `M` (`ShapedType::kDynamic` when dynamic), `K` and `N`.
  int64_t numLhsRows = 0;
  int64_t numRows = 0;
  int64_t numColumns = 0;
  /// `pruned`, `sparsified` or `dense`.
  std::string status;
  /// Why the matmul was left alone (status `dense`).
  std::string reason;
  /// The pattern: the pruning pattern, or the one the chosen layout stores.
  std::string pattern;
  /// Fraction of zero weights.
  double sparsity = 0.0;
  /// The layout measured on the weights (none for status `dense`).
  std::optional<LayoutMeasure> measure;

  /// One line with the numbers of the report, for a remark.
  std::string getSummary() const;
};

/// Starts the report of `match` with the given status.
MatmulReport makeMatmulReport(const MatmulMatch &match, StringRef status);

/// Returns the report of a contraction the passes leave dense because
/// `matchMatmul` does not describe it (integer products, dynamic weights,
/// ...) or its weights cannot be pruned; `reason` says why. `M`, `K` and
/// `N` are taken from the contraction's static loop ranges where it has
/// exactly one of each.
MatmulReport makeDenseReport(linalg::LinalgOp op, StringRef reason);

/// Returns the pattern a layout stores: `tew` (residual), `bw` (units of
/// several rows), `tw2d` (compacted) or `tw1d`.
StringRef getLayoutPatternName(LayoutAttr layout);

/// Prints a pass option's value the way it is written (`1.5`, not
/// `1.500000e+00`), for reports and diagnostics.
std::string formatOptionValue(double value);

/// Writes the reports as JSON to `path` (`-` for stdout); `passName` names
/// the pass. Emits an error at `loc` when the file cannot be written.
LogicalResult writeMatmulReports(StringRef path, StringRef passName,
                                 ArrayRef<MatmulReport> reports, Location loc);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_SPARSITYREPORT_H
