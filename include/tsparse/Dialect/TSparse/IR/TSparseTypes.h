//===- TSparseTypes.h - TSparse types ---------------------------*- C++ -*-===//
//
// Declares the packed tile-sparse matrix type.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_IR_TSPARSETYPES_H
#define TSPARSE_DIALECT_TSPARSE_IR_TSPARSETYPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"
#include "tsparse/Dialect/TSparse/IR/TSparseAttrs.h"

#define GET_TYPEDEF_CLASSES
#include "tsparse/Dialect/TSparse/IR/TSparseTypes.h.inc"

#endif // TSPARSE_DIALECT_TSPARSE_IR_TSPARSETYPES_H
