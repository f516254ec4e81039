//===- SparsityReport.cpp - What the passes did to each matmul ------------===//
//
// JSON and remark text of the matmul reports.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/SparsityReport.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::tsparse;

/// Fills the fields of `report` that name `op` and where it is.
static void describeOp(Operation *op, MatmulReport &report) {
  if (auto func = op->getParentOfType<FunctionOpInterface>())
    report.function = func.getName().str();
  if (auto loc = op->getLoc()->findInstanceOf<FileLineColLoc>())
    report.location = llvm::formatv("{0}:{1}:{2}", loc.getFilename(),
                                    loc.getLine(), loc.getColumn());
  report.opName = op->getName().getStringRef().str();
}

MatmulReport tsparse::makeMatmulReport(const MatmulMatch &match,
                                       StringRef status) {
  MatmulReport report;
  describeOp(match.op, report);
  report.numLhsRows = match.getM();
  report.numRows = match.getK();
  report.numColumns = match.getN();
  report.status = status.str();
  return report;
}

MatmulReport tsparse::makeDenseReport(linalg::LinalgOp op, StringRef reason) {
  MatmulReport report;
  describeOp(op, report);
  report.numLhsRows = report.numRows = report.numColumns = ShapedType::kDynamic;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (succeeded(dims) && dims->m.size() == 1 && dims->n.size() == 1 &&
      dims->k.size() == 1) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    report.numLhsRows = ranges[dims->m.front()];
    report.numRows = ranges[dims->k.front()];
    report.numColumns = ranges[dims->n.front()];
  }
  report.status = "dense";
  report.reason = reason.str();
  return report;
}

StringRef tsparse::getLayoutPatternName(LayoutAttr layout) {
  if (layout.hasResidual())
    return "tew";
  if (layout.isBlockWise())
    return "bw";
  if (layout.isCompacted())
    return "tw2d";
  return "tw1d";
}

namespace {
/// Smallest, mean and largest number of rows kept per tile.
struct KeptRowStats {
  int64_t min = 0;
  double mean = 0.0;
  int64_t max = 0;

  explicit KeptRowStats(ArrayRef<int64_t> keptRows) {
    if (keptRows.empty())
      return;
    min = *llvm::min_element(keptRows);
    max = *llvm::max_element(keptRows);
    int64_t sum = 0;
    for (int64_t rows : keptRows)
      sum += rows;
    mean = double(sum) / keptRows.size();
  }
};
} // namespace

/// Returns `layout` as it is printed in IR.
static std::string printLayout(LayoutAttr layout) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << layout;
  return text;
}

/// Prints a dimension of a report, `?` when it is not known statically.
static std::string formatDim(int64_t size) {
  return ShapedType::isDynamic(size) ? "?" : std::to_string(size);
}

std::string MatmulReport::getSummary() const {
  std::string shape = llvm::formatv("{0}x{1} weights", formatDim(numRows),
                                    formatDim(numColumns));
  if (!measure)
    return llvm::formatv("{0} kept dense: {1}", shape, reason);
  KeptRowStats rows(measure->keptRowsPerTile);
  std::string numbers = llvm::formatv(
      "{0}: sparsity {1:F3}, layout {2}, tiles {3}, kept rows per tile min {4} "
      "/ mean {5:F1} / max {6}, {7:F1}% of multiply-adds skipped",
      pattern, sparsity, printLayout(measure->type.getLayout()),
      measure->numTiles, rows.min, rows.mean, rows.max,
      100.0 * measure->getSkippedFraction());
  if (!reason.empty())
    return llvm::formatv("{0} kept dense: {1} (best {2})", shape, reason,
                         numbers);
  return llvm::formatv("{0} {1} as {2}", shape, status, numbers);
}

/// Writes `mask` as one string of '0'/'1' per entry.
static std::string getBitString(ArrayRef<bool> mask) {
  std::string bits;
  for (bool bit : mask)
    bits.push_back(bit ? '1' : '0');
  return bits;
}

/// Writes the unit mask of `measure`: per tile in use, one character per
/// unit.
static void writeMask(llvm::json::OStream &json, const LayoutMeasure &measure) {
  LayoutAttr layout = measure.type.getLayout();
  int64_t maxNumTiles = measure.type.getMaxNumTiles();
  json.attribute("tile_n", int64_t(layout.getTileN()));
  json.attribute("unit_k", int64_t(layout.getUnitK()));
  if (layout.isCompacted())
    json.attribute("columns", getBitString(measure.masks.columns));
  json.attributeArray("tiles", [&] {
    for (int64_t tile = 0; tile < measure.numTiles; ++tile) {
      std::string units;
      for (int64_t unit = 0, e = measure.type.getNumUnits(); unit < e; ++unit)
        units.push_back(measure.masks.units[unit * maxNumTiles + tile] ? '1'
                                                                       : '0');
      json.value(units);
    }
  });
}

/// Writes one report as a JSON object.
static void writeReport(llvm::json::OStream &json, const MatmulReport &report) {
  json.object([&] {
    json.attribute("function", report.function);
    json.attribute("location", report.location);
    json.attribute("op", report.opName);
    auto writeDim = [&](StringRef key, int64_t size) {
      if (ShapedType::isDynamic(size))
        json.attribute(key, nullptr);
      else
        json.attribute(key, size);
    };
    writeDim("m", report.numLhsRows);
    writeDim("k", report.numRows);
    writeDim("n", report.numColumns);
    json.attribute("status", report.status);
    if (!report.reason.empty())
      json.attribute("reason", report.reason);
    if (!report.measure)
      return;
    const LayoutMeasure &measure = *report.measure;
    json.attribute("pattern", report.pattern);
    json.attribute("layout", printLayout(measure.type.getLayout()));
    json.attribute("sparsity", report.sparsity);
    json.attribute("tiles", measure.numTiles);
    KeptRowStats rows(measure.keptRowsPerTile);
    json.attributeObject("kept_rows_per_tile", [&] {
      json.attribute("min", rows.min);
      json.attribute("mean", rows.mean);
      json.attribute("max", rows.max);
    });
    json.attribute("residual_elements", measure.residualValues);
    json.attribute("macs_skipped", measure.getSkippedFraction());
    json.attributeObject("mask", [&] { writeMask(json, measure); });
  });
}

LogicalResult tsparse::writeMatmulReports(StringRef path, StringRef passName,
                                          ArrayRef<MatmulReport> reports,
                                          Location loc) {
  std::error_code error;
  llvm::raw_fd_ostream os(path, error);
  if (error)
    return emitError(loc) << "cannot write the report to '" << path
                          << "': " << error.message();
  llvm::json::OStream json(os, /*IndentSize=*/2);
  json.object([&] {
    json.attribute("pass", passName);
    json.attributeArray("matmuls", [&] {
      for (const MatmulReport &report : reports)
        writeReport(json, report);
    });
  });
  os << "\n";
  return success();
}

std::string tsparse::formatOptionValue(double value) {
  return llvm::formatv("{0}", llvm::format("%g", value)).str();
}
