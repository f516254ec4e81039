//===- TSparseOps.h - TSparse operations ------------------------*- C++ -*-===//
//
// Declares the tsparse operations.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_IR_TSPARSEOPS_H
#define TSPARSE_DIALECT_TSPARSE_IR_TSPARSEOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "tsparse/Dialect/TSparse/IR/PackedStorage.h"
#include "tsparse/Dialect/TSparse/IR/TSparseAttrs.h"
#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"
#include "tsparse/Dialect/TSparse/IR/TSparseTypes.h"

#define GET_OP_CLASSES
#include "tsparse/Dialect/TSparse/IR/TSparseOps.h.inc"

#endif // TSPARSE_DIALECT_TSPARSE_IR_TSPARSEOPS_H
