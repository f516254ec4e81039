//===- Pipelines.h - tsparse pass pipelines ---------------------*- C++ -*-===//
//
// Pass pipelines that take tsparse programs down to executable code.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_PIPELINES_PIPELINES_H
#define TSPARSE_PIPELINES_PIPELINES_H

#include "tsparse/Conversion/TSparseToGPU/MmaFlavor.h"
#include "tsparse/Conversion/TSparseToGPU/TransposeA.h"
#include "tsparse/Support/EnumOptionParser.h"

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
      llvm::cl::init(64)};
  PassOptions::Option<int64_t> kChunk{
      *this, "k-chunk",
      llvm::cl::desc("Kept rows of B per pass of the micro-kernels over a "
                     "tile; 0 makes one pass"),
      llvm::cl::init(256)};
  PassOptions::Option<bool> parallel{
      *this, "parallel", llvm::cl::desc("Run the work items on OpenMP threads"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> staticWorkspace{
      *this, "static-workspace",
      llvm::cl::desc("Keep the temporaries of each function in static "
                     "buffers (--tsparse-static-workspace): no allocation "
                     "per call, but a function must not run twice at once"),
      llvm::cl::init(false)};
};

/// The element type f32 products are computed in on the GPU.
enum class ComputeType {
  /// Keep the inputs as they are (f32 products are rejected).
  Keep,
  F16,
  BF16,
};

/// What the kernels are compiled to.
enum class KernelFormat {
  /// PTX text.
  Isa,
  /// A cubin (needs ptxas).
  Bin,
  /// A fatbin (needs ptxas and fatbinary).
  Fatbin,
};

/// The option spelling of `type`: "keep", "f16" or "bf16".
llvm::StringRef stringifyComputeType(ComputeType type);
/// The option spelling of `format`, as gpu-module-to-binary takes it.
llvm::StringRef stringifyKernelFormat(KernelFormat format);

/// Print the option spellings (pass options print their values).
inline llvm::raw_ostream &operator<<(llvm::raw_ostream &os, ComputeType type) {
  return os << stringifyComputeType(type);
}
inline llvm::raw_ostream &operator<<(llvm::raw_ostream &os,
                                     KernelFormat format) {
  return os << stringifyKernelFormat(format);
}

} // namespace tsparse
} // namespace mlir

TSPARSE_ENUM_OPTION_PARSER(mlir::tsparse::ComputeType)
TSPARSE_ENUM_OPTION_PARSER(mlir::tsparse::KernelFormat)

namespace mlir {
namespace tsparse {

/// Options of `--tsparse-gpu-pipeline`.
struct GPUPipelineOptions : public PassPipelineOptions<GPUPipelineOptions> {
  PassOptions::Option<MmaFlavor> mma{
      *this, "mma", llvm::cl::desc("Tensor-core flavour"),
      llvm::cl::init(MmaFlavor::WMMA),
      llvm::cl::values(
          clEnumValN(MmaFlavor::WMMA, "wmma", "gpu.subgroup_mma fragments"),
          clEnumValN(MmaFlavor::MMASync, "mma-sync",
                     "mma.sync with ldmatrix and cp.async"),
          clEnumValN(MmaFlavor::WGMMA, "wgmma",
                     "wgmma.mma_async from swizzled shared memory (sm_90a)"))};
  PassOptions::Option<int64_t> mTile{
      *this, "m-tile",
      llvm::cl::desc("Rows of A per thread block; 0 picks the flavour's "
                     "default"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> stages{
      *this, "stages",
      llvm::cl::desc(
          "Shared-memory stages of the mma-sync (>= 2) or wgmma (>= 3) "
          "pipeline; 0 picks the flavour's default (3, 4)"),
      llvm::cl::init(0)};
  PassOptions::Option<ComputeType> computeType{
      *this, "compute-type",
      llvm::cl::desc("Round the inputs of f32 products first "
                     "(--tsparse-narrow-products)"),
      llvm::cl::init(ComputeType::Keep),
      llvm::cl::values(
          clEnumValN(ComputeType::Keep, "keep", "keep f32 inputs"),
          clEnumValN(ComputeType::F16, "f16", "round f32 inputs to f16"),
          clEnumValN(ComputeType::BF16, "bf16", "round f32 inputs to bf16"))};
  PassOptions::Option<bool> featureMajor{
      *this, "feature-major",
      llvm::cl::desc("Keep activations between products feature-major"),
      llvm::cl::init(false)};
  PassOptions::Option<TransposeA> transposeA{
      *this, "transpose-a",
      llvm::cl::desc("When to transpose a row-major A on the device first"),
      llvm::cl::init(TransposeA::Auto),
      llvm::cl::values(
          clEnumValN(TransposeA::Auto, "auto",
                     "when that moves fewer bytes than gathering A"),
          clEnumValN(TransposeA::Always, "always", "for every row-major A"),
          clEnumValN(TransposeA::Never, "never",
                     "only where the kernel cannot gather A (wgmma)"))};
  PassOptions::Option<int64_t> splitBlocks{
      *this, "split-blocks",
      llvm::cl::desc("Split long tiles only below this many blocks; -1 "
                     "picks two per SM of the chip (216 for sm_80, 264 "
                     "otherwise)"),
      llvm::cl::init(-1)};
  PassOptions::Option<int64_t> persistentBlocks{
      *this, "persistent-blocks",
      llvm::cl::desc("Launch at most this many blocks per product, each "
                     "walking the work list; 0 launches one per work block"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> splitRows{
      *this, "split-rows",
      llvm::cl::desc("Kept rows per work item of a compile-time matrix"),
      llvm::cl::init(512)};
  PassOptions::Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("Target GPU: sm_70 and newer (sm_80 and newer for "
                     "mma-sync)"),
      llvm::cl::init("sm_80")};
  PassOptions::Option<std::string> features{
      *this, "features",
      llvm::cl::desc("PTX version as +ptx<N>; empty picks the lowest the "
                     "chip needs, at least +ptx80"),
      llvm::cl::init("")};
  PassOptions::Option<KernelFormat> format{
      *this, "format", llvm::cl::desc("Kernel binary"),
      llvm::cl::init(KernelFormat::Isa),
      llvm::cl::values(
          clEnumValN(KernelFormat::Isa, "isa", "PTX text"),
          clEnumValN(KernelFormat::Bin, "bin", "cubin (needs ptxas)"),
          clEnumValN(KernelFormat::Fatbin, "fatbin",
                     "fatbin (needs the CUDA toolkit)"))};
};

/// Checks the GPU pipeline's options against each other (chip against
/// flavour, PTX version against chip, the numeric options' ranges) and
/// reports the first problem through `emitError`, naming the option.
LogicalResult
verifyGPUPipelineOptions(const GPUPipelineOptions &options,
                         function_ref<LogicalResult(const Twine &)> emitError);

/// The `features` of the NVVM target: the option if given, else the lowest
/// PTX version the chip needs, at least +ptx80.
std::string getGPUFeatures(const GPUPipelineOptions &options);

/// Bufferizes a program of linalg, tensor and tsparse-free ops and lowers it
/// to the LLVM dialect for the host CPU. Shared tail of the CPU pipelines.
/// With `staticWorkspace`, the temporaries of each function get static
/// buffers (`--tsparse-static-workspace`) before buffer deallocation.
void buildHostBufferizeAndLowerToLLVM(OpPassManager &pm, bool parallel = false,
                                      bool staticWorkspace = false);

/// The reference pipeline: `--tsparse-expand-to-dense`, then
/// buildHostBufferizeAndLowerToLLVM. Its output runs with `mlir-runner`.
void buildReferencePipeline(OpPassManager &pm);

/// The optimized CPU pipeline: `--tsparse-lower-to-loops`, then bufferization
/// and lowering to LLVM, with the work items on OpenMP threads if requested.
void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

/// The first part of the GPU pipeline: `--convert-tsparse-to-gpu` and the
/// bufferization of the host code. The kernels are then `gpu.func`s of
/// gpu, nvgpu, vector, scf, memref and arith ops, and the host code
/// allocates device buffers, copies and launches them with
/// `gpu.launch_func`; `tsparse-gpu-emulate` runs programs at this point.
void buildGPUKernelsAndHostPipeline(OpPassManager &pm,
                                    const GPUPipelineOptions &options);

/// The GPU pipeline: `--convert-tsparse-to-gpu`, bufferization of the host
/// code, the kernels down to NVVM and a `gpu.binary`, and the host code down
/// to LLVM (calls into the `mgpu*` runtime). Expects options that
/// verifyGPUPipelineOptions accepts.
void buildGPUPipeline(OpPassManager &pm, const GPUPipelineOptions &options);

/// Registers the tsparse pipelines with the global pass registry.
void registerTSparsePipelines();

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_PIPELINES_PIPELINES_H
