//===- Pipelines.h - tsparse pass pipelines ---------------------*- C++ -*-===//
//
// Pass pipelines that take tsparse programs down to executable code.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_PIPELINES_PIPELINES_H
#define TSPARSE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace mlir {
namespace tsparse {

/// Bufferizes a program of linalg, tensor and tsparse-free ops and lowers it
/// to the LLVM dialect for the host CPU. Shared tail of the CPU pipelines.
void buildHostBufferizeAndLowerToLLVM(OpPassManager &pm);

/// The reference pipeline: `--tsparse-expand-to-dense`, then
/// buildHostBufferizeAndLowerToLLVM. Its output runs with `mlir-runner`.
void buildReferencePipeline(OpPassManager &pm);

/// Registers the tsparse pipelines with the global pass registry.
void registerTSparsePipelines();

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_PIPELINES_PIPELINES_H
