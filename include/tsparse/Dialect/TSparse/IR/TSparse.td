//===- TSparse.td - TSparse dialect aggregate --------------*- tablegen -*-===//
//
// Aggregates every TSparse definition; used to generate the dialect's docs.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_IR_TSPARSE_TD
#define TSPARSE_DIALECT_TSPARSE_IR_TSPARSE_TD

include "tsparse/Dialect/TSparse/IR/TSparseDialect.td"
include "tsparse/Dialect/TSparse/IR/TSparseAttrs.td"
include "tsparse/Dialect/TSparse/IR/TSparseTypes.td"
include "tsparse/Dialect/TSparse/IR/TSparseOps.td"

#endif // TSPARSE_DIALECT_TSPARSE_IR_TSPARSE_TD
