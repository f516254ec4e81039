//===- TSparseTypes.cpp - TSparse types -----------------------------------===//
//
// Parsing, printing and verification of `!tsparse.matrix`.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseTypes.h"
#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tsparse;

#define GET_TYPEDEF_CLASSES
#include "tsparse/Dialect/TSparse/IR/TSparseTypes.cpp.inc"

void TSparseDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "tsparse/Dialect/TSparse/IR/TSparseTypes.cpp.inc"
      >();
}

/// Prints a shape as `AxBxC`, with `?` for dynamic sizes, for diagnostics
/// (the type printer uses AsmPrinter::printDimensionList).
static void printShape(llvm::raw_ostream &os, ArrayRef<int64_t> shape) {
  llvm::interleave(
      shape, os,
      [&](int64_t dim) {
        if (ShapedType::isDynamic(dim))
          os << "?";
        else
          os << dim;
      },
      "x");
}

Type MatrixType::parse(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  SmallVector<int64_t> shape;
  Type elementType;
  Attribute layout;
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/true,
                                /*withTrailingX=*/true) ||
      parser.parseType(elementType) || parser.parseComma())
    return {};
  SMLoc layoutLoc = parser.getCurrentLocation();
  if (parser.parseAttribute(layout) || parser.parseGreater())
    return {};
  auto layoutAttr = dyn_cast<LayoutAttr>(layout);
  if (!layoutAttr) {
    parser.emitError(layoutLoc)
        << "expected a #tsparse.layout attribute but got " << layout;
    return {};
  }
  return parser.getChecked<MatrixType>(loc, parser.getContext(), shape,
                                       elementType, layoutAttr);
}

void MatrixType::print(AsmPrinter &printer) const {
  printer << "<";
  printer.printDimensionList(getShape());
  printer << "x" << getElementType() << ", " << getLayout() << ">";
}

LogicalResult MatrixType::verify(function_ref<InFlightDiagnostic()> emitError,
                                 ArrayRef<int64_t> shape, Type elementType,
                                 LayoutAttr layout) {
  if (shape.size() != 2)
    return emitError() << "expected a 2-D shape but got rank " << shape.size();
  if (llvm::any_of(shape, [](int64_t dim) {
        return ShapedType::isDynamic(dim) || dim <= 0;
      })) {
    InFlightDiagnostic diag = emitError();
    diag << "expected positive static dimensions but got ";
    std::string text;
    llvm::raw_string_ostream os(text);
    printShape(os, shape);
    return diag << text;
  }
  if (!isa<Float16Type, BFloat16Type, Float32Type>(elementType))
    return emitError() << "expected f16, bf16 or f32 elements but got "
                       << elementType;
  if (!layout)
    return emitError() << "expected a layout but got none";
  return layout.verifyShape(emitError, shape[0], shape[1]);
}
