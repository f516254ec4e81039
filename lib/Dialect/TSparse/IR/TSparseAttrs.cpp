//===- TSparseAttrs.cpp - TSparse attributes ------------------------------===//
//
// Parsing, printing and verification of `#tsparse.layout`.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseAttrs.h"
#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tsparse;

#include "tsparse/Dialect/TSparse/IR/TSparseEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "tsparse/Dialect/TSparse/IR/TSparseAttrs.cpp.inc"

void TSparseDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "tsparse/Dialect/TSparse/IR/TSparseAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// LayoutAttr
//===----------------------------------------------------------------------===//

LayoutAttr LayoutAttr::withTileN(unsigned tileN) const {
  return LayoutAttr::get(getContext(), tileN, getUnitK(), getColumns(),
                         getResidual());
}

LayoutAttr LayoutAttr::withUnitK(unsigned unitK) const {
  return LayoutAttr::get(getContext(), getTileN(), unitK, getColumns(),
                         getResidual());
}

LayoutAttr LayoutAttr::withColumns(ColumnMode columns) const {
  return LayoutAttr::get(getContext(), getTileN(), getUnitK(), columns,
                         getResidual());
}

LayoutAttr LayoutAttr::withResidual(ResidualKind residual) const {
  return LayoutAttr::get(getContext(), getTileN(), getUnitK(), getColumns(),
                         residual);
}

/// Parses the value of an unsigned layout parameter.
static ParseResult parseUnsignedParameter(AsmParser &parser, StringRef key,
                                          unsigned &result) {
  SMLoc loc = parser.getCurrentLocation();
  int64_t value;
  if (parser.parseInteger(value))
    return failure();
  if (value < 0 || value > std::numeric_limits<int32_t>::max())
    return parser.emitError(loc)
           << "expected " << key << " in [0, "
           << std::numeric_limits<int32_t>::max() << "] but got " << value;
  result = static_cast<unsigned>(value);
  return success();
}

/// Parses the keyword value of an enum layout parameter.
template <typename EnumT>
static ParseResult
parseEnumParameter(AsmParser &parser, StringRef key, EnumT &result,
                   std::optional<EnumT> (*symbolize)(StringRef),
                   StringRef expected) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (parser.parseKeyword(&keyword))
    return failure();
  std::optional<EnumT> value = symbolize(keyword);
  if (!value)
    return parser.emitError(loc) << "expected " << key << " to be " << expected
                                 << " but got '" << keyword << "'";
  result = *value;
  return success();
}

Attribute LayoutAttr::parse(AsmParser &parser, Type type) {
  unsigned tileN = kDefaultTileN;
  unsigned unitK = kDefaultUnitK;
  ColumnMode columns = ColumnMode::Original;
  ResidualKind residual = ResidualKind::None;

  if (parser.parseLess())
    return {};
  llvm::SmallSet<StringRef, 4> seen;
  if (failed(parser.parseOptionalGreater())) {
    do {
      SMLoc loc = parser.getCurrentLocation();
      StringRef key;
      if (parser.parseKeyword(&key))
        return {};
      if (!seen.insert(key).second) {
        parser.emitError(loc) << "expected each layout parameter once but got '"
                              << key << "' twice";
        return {};
      }
      if (parser.parseEqual())
        return {};
      ParseResult result = failure();
      if (key == "tile_n") {
        result = parseUnsignedParameter(parser, key, tileN);
      } else if (key == "unit_k") {
        result = parseUnsignedParameter(parser, key, unitK);
      } else if (key == "columns") {
        result = parseEnumParameter(parser, key, columns, symbolizeColumnMode,
                                    "'original' or 'compacted'");
      } else if (key == "residual") {
        result = parseEnumParameter(parser, key, residual,
                                    symbolizeResidualKind, "'none' or 'csr'");
      } else {
        parser.emitError(loc) << "expected a layout parameter (tile_n, unit_k, "
                                 "columns, residual) but got '"
                              << key << "'";
        return {};
      }
      if (failed(result))
        return {};
    } while (succeeded(parser.parseOptionalComma()));
    if (parser.parseGreater())
      return {};
  }
  return parser.getChecked<LayoutAttr>(parser.getContext(), tileN, unitK,
                                       columns, residual);
}

void LayoutAttr::print(AsmPrinter &printer) const {
  // tile_n is always shown: it is what a reader looks for first.
  printer << "<tile_n = " << getTileN();
  if (getUnitK() != kDefaultUnitK)
    printer << ", unit_k = " << getUnitK();
  if (isCompacted())
    printer << ", columns = " << stringifyColumnMode(getColumns());
  if (hasResidual())
    printer << ", residual = " << stringifyResidualKind(getResidual());
  printer << ">";
}

LogicalResult LayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 unsigned tileN, unsigned unitK,
                                 ColumnMode columns, ResidualKind residual) {
  if (tileN == 0)
    return emitError() << "expected tile_n to be positive but got " << tileN;
  if (unitK == 0)
    return emitError() << "expected unit_k to be positive but got " << unitK;
  return success();
}

LogicalResult
LayoutAttr::verifyShape(function_ref<InFlightDiagnostic()> emitError,
                        int64_t rows, int64_t cols) const {
  if (rows % getUnitK() != 0)
    return emitError() << "expected the number of rows to be a multiple of "
                          "unit_k ("
                       << getUnitK() << ") but got " << rows;
  return success();
}
