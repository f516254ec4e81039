//===- TSparseAttrs.cpp - TSparse attributes ------------------------------===//
//
// Verification and helpers of `#tsparse.layout`.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseAttrs.h"
#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
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

LogicalResult LayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 unsigned tileN, unsigned unitK,
                                 ColumnMode columns, ResidualKind residual) {
  // Sizes are used as signed 32-bit values (a negative literal parses as a
  // large unsigned one).
  constexpr unsigned kMaxSize = std::numeric_limits<int32_t>::max();
  if (tileN == 0 || tileN > kMaxSize)
    return emitError() << "expected tile_n in [1, " << kMaxSize << "] but got "
                       << tileN;
  if (unitK == 0 || unitK > kMaxSize)
    return emitError() << "expected unit_k in [1, " << kMaxSize << "] but got "
                       << unitK;
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
