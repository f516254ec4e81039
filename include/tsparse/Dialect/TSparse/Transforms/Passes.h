//===- Passes.h - TSparse transformation passes -----------------*- C++ -*-===//
//
// Declares the passes of the tsparse dialect and their registration.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PASSES_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PASSES_H

#include "tsparse/Dialect/TSparse/Transforms/NarrowProducts.h"
#include "tsparse/Dialect/TSparse/Transforms/Pruning.h"

#include "mlir/Pass/Pass.h"

namespace mlir {
namespace tsparse {

#define GEN_PASS_DECL
#include "tsparse/Dialect/TSparse/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tsparse/Dialect/TSparse/Transforms/Passes.h.inc"

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PASSES_H
