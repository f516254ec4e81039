//===- TSparseAttrs.h - TSparse attributes ----------------------*- C++ -*-===//
//
// Declares the tsparse enums and the layout attribute.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_IR_TSPARSEATTRS_H
#define TSPARSE_DIALECT_TSPARSE_IR_TSPARSEATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

#include "tsparse/Dialect/TSparse/IR/TSparseEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "tsparse/Dialect/TSparse/IR/TSparseAttrs.h.inc"

#endif // TSPARSE_DIALECT_TSPARSE_IR_TSPARSEATTRS_H
