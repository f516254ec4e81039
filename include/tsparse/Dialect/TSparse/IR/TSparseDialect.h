//===- TSparseDialect.h - TSparse dialect -----------------------*- C++ -*-===//
//
// Declares the tsparse dialect.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_IR_TSPARSEDIALECT_H
#define TSPARSE_DIALECT_TSPARSE_IR_TSPARSEDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h.inc"

#endif // TSPARSE_DIALECT_TSPARSE_IR_TSPARSEDIALECT_H
