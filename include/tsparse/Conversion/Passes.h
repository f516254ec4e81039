//===- Passes.h - tsparse conversion passes ---------------------*- C++ -*-===//
//
// Declares the conversions out of the tsparse dialect and their registration.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_CONVERSION_PASSES_H
#define TSPARSE_CONVERSION_PASSES_H

#include "tsparse/Conversion/TSparseToGPU/TSparseToGPU.h"

#include "mlir/Pass/Pass.h"

namespace mlir {
namespace tsparse {

#define GEN_PASS_DECL
#include "tsparse/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tsparse/Conversion/Passes.h.inc"

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_CONVERSION_PASSES_H
