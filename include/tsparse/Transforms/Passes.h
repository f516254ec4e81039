//===- Passes.h - Dialect-independent tsparse passes ------------*- C++ -*-===//
//
// Declares the passes of Passes.td and their registration.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_TRANSFORMS_PASSES_H
#define TSPARSE_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
namespace tsparse {

#define GEN_PASS_DECL
#include "tsparse/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tsparse/Transforms/Passes.h.inc"

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_TRANSFORMS_PASSES_H
