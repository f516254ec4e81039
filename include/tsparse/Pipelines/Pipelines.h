//===- Pipelines.h - tsparse pass pipelines ---------------------*- C++ -*-===//
//
// Pass pipelines that take tsparse programs down to executable code.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_PIPELINES_PIPELINES_H
#define TSPARSE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
namespace tsparse {

/// Options of `--tsparse-cpu-pipeline`.
struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  PassOptions::Option<int64_t> mTile{*this, "m-tile",
                                     llvm::cl::desc("Rows of A per work item"),
                                     llvm::cl::init(64)};
  PassOptions::Option<int64_t> microRows{
      *this, "micro-rows",
      llvm::cl::desc("Rows of A in the register-blocked micro-kernel"),
      llvm::cl::init(6)};
  PassOptions::Option<int64_t> microCols{
      *this, "micro-cols",
      llvm::cl::desc("Columns of B per micro-kernel vector"),
      llvm::cl::init(32)};
  PassOptions::Option<bool> parallel{
      *this, "parallel", llvm::cl::desc("Run the work items on OpenMP threads"),
      llvm::cl::init(false)};
};

/// Options of `--tsparse-gpu-pipeline`.
struct GPUPipelineOptions : public PassPipelineOptions<GPUPipelineOptions> {
  PassOptions::Option<std::string> mma{
      *this, "mma", llvm::cl::desc("Tensor-core flavour: wmma or mma-sync"),
      llvm::cl::init("wmma")};
  PassOptions::Option<int64_t> mTile{
      *this, "m-tile",
      llvm::cl::desc("Rows of A per thread block; 0 picks the flavour's "
                     "default"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> stages{
      *this, "stages",
      llvm::cl::desc("Shared-memory stages of the mma-sync pipeline"),
      llvm::cl::init(3)};
  PassOptions::Option<std::string> computeType{
      *this, "compute-type",
      llvm::cl::desc("Round the inputs of f32 products to f16 or bf16 first "
                     "(--tsparse-narrow-products); empty keeps them"),
      llvm::cl::init("")};
  PassOptions::Option<bool> featureMajor{
      *this, "feature-major",
      llvm::cl::desc("Keep activations between products feature-major"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> transposeA{
      *this, "transpose-a",
      llvm::cl::desc("Transpose a row-major A on the device first"),
      llvm::cl::init(false)};
  PassOptions::Option<int64_t> splitBlocks{
      *this, "split-blocks",
      llvm::cl::desc("Split long tiles only below this many blocks; -1 "
                     "picks two per SM of the chip (216 for sm_80, 264 "
                     "otherwise)"),
      llvm::cl::init(-1)};
  PassOptions::Option<int64_t> splitRows{
      *this, "split-rows",
      llvm::cl::desc("Kept rows per work item of a compile-time matrix"),
      llvm::cl::init(512)};
  PassOptions::Option<std::string> chip{
      *this, "chip", llvm::cl::desc("Target GPU: sm_80, sm_90, ..."),
      llvm::cl::init("sm_80")};
  PassOptions::Option<std::string> features{*this, "features",
                                            llvm::cl::desc("PTX features"),
                                            llvm::cl::init("+ptx80")};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("Kernel binary: isa (PTX), bin (cubin) or fatbin"),
      llvm::cl::init("isa")};
};

/// Bufferizes a program of linalg, tensor and tsparse-free ops and lowers it
/// to the LLVM dialect for the host CPU. Shared tail of the CPU pipelines.
void buildHostBufferizeAndLowerToLLVM(OpPassManager &pm, bool parallel = false);

/// The reference pipeline: `--tsparse-expand-to-dense`, then
/// buildHostBufferizeAndLowerToLLVM. Its output runs with `mlir-runner`.
void buildReferencePipeline(OpPassManager &pm);

/// The optimized CPU pipeline: `--tsparse-lower-to-loops`, then bufferization
/// and lowering to LLVM, with the work items on OpenMP threads if requested.
void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

/// The GPU pipeline: `--convert-tsparse-to-gpu`, bufferization of the host
/// code, the kernels down to NVVM and a `gpu.binary`, and the host code down
/// to LLVM (calls into the `mgpu*` runtime).
void buildGPUPipeline(OpPassManager &pm, const GPUPipelineOptions &options);

/// Registers the tsparse pipelines with the global pass registry.
void registerTSparsePipelines();

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_PIPELINES_PIPELINES_H
