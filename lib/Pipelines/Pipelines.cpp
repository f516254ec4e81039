//===- Pipelines.cpp - tsparse pass pipelines -----------------------------===//
//
// Builds and registers the pipelines that lower tsparse programs to LLVM.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Pipelines/Pipelines.h"
#include "tsparse/Conversion/Passes.h"
#include "tsparse/Dialect/TSparse/Transforms/Passes.h"
#include "tsparse/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMPass.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;
using namespace mlir::tsparse;

/// One-shot bufferization of whole programs (function boundaries with
/// identity layouts, as the C interface expects), then the canonicalization
/// that folds the self-copies it leaves behind (in-place tile results, loop
/// results aliasing their destination). Empty tensors whose contents end up
/// materialized in a buffer (a result written into an argument) become that
/// buffer first, so that the result is computed there, not copied.
static void addBufferization(OpPassManager &pm) {
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// The final conversion of host code to the LLVM dialect. Math ops without
/// an LLVM intrinsic (erf, as in exact GELU; atan, cbrt, ...) become libm
/// calls (f16 and bf16 through f32) once everything else is converted, so
/// that the others keep their intrinsics.
static void addConvertToLLVM(OpPassManager &pm) {
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

/// Lowers vector transfers to loops, fully unrolled: the 1 x N row
/// transfers of the micro-kernel become 1-D masked loads and stores instead
/// of going through stack temporaries.
static void addVectorTransfersToSCF(OpPassManager &pm) {
  VectorTransferToSCFOptions options;
  options.enableFullUnroll();
  pm.addPass(createConvertVectorToSCFPass(options));
}

void tsparse::buildHostBufferizeAndLowerToLLVM(OpPassManager &pm, bool parallel,
                                               bool staticWorkspace) {
  addBufferization(pm);
  if (staticWorkspace)
    pm.addPass(createTSparseStaticWorkspace());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  if (parallel) {
    pm.addNestedPass<func::FuncOp>(createForallToParallelLoopPass());
    pm.addPass(createConvertSCFToOpenMPPass());
  } else {
    pm.addNestedPass<func::FuncOp>(createForallToForLoopPass());
  }
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // Vectorized reductions reduce along their innermost dimension.
  pm.addNestedPass<func::FuncOp>(vector::createLowerVectorMultiReductionPass(
      vector::VectorMultiReductionLowering::InnerReduction));
  addVectorTransfersToSCF(pm);
  pm.addNestedPass<func::FuncOp>(createTSparseLowerExpandShape());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // Before scf-to-cf: OpenMP regions hold memref.alloca_scope, which must
  // keep a single block until it is lowered.
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createSCFToControlFlowPass());
  // Vectorized reductions (softmax, LayerNorm) sum as a tree, not lane by
  // lane in order.
  ConvertVectorToLLVMPassOptions vectorToLLVMOptions;
  vectorToLLVMOptions.reassociateFPReductions = true;
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVMOptions));
  if (parallel)
    pm.addPass(createConvertOpenMPToLLVMPass());
  addConvertToLLVM(pm);
}

void tsparse::buildReferencePipeline(OpPassManager &pm) {
  pm.addPass(createTSparseDecomposeAggregatedOps());
  pm.addPass(createTSparseExpandToDense());
  pm.addPass(createCanonicalizerPass());
  buildHostBufferizeAndLowerToLLVM(pm);
}

void tsparse::buildCPUPipeline(OpPassManager &pm,
                               const CPUPipelineOptions &options) {
  TSparseLowerToLoopsOptions lowerOptions;
  lowerOptions.mTile = options.mTile;
  lowerOptions.microRows = options.microRows;
  lowerOptions.microCols = options.microCols;
  lowerOptions.kChunk = options.kChunk;
  // Dense products (unpruned weights, attention) take the micro-kernel too;
  // the ops around them are fused and vectorized.
  pm.addPass(createTSparseDecomposeAggregatedOps());
  pm.addPass(createTSparsePackDenseProducts());
  pm.addPass(createLinalgGeneralizeNamedOpsPass());
  pm.addPass(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());
  // Bias, activation and residual run on the products' register tiles.
  pm.addPass(createTSparseFuseEpilogues());
  // Products first, while their C's fill is still recognizable: they start
  // from its scalar and write into its tensor, so the fill goes.
  pm.addPass(createTSparseLowerToLoops(lowerOptions));
  TSparseVectorizeLinalgOptions vectorizeOptions;
  // Enough chunks for the cores of a typical host; each is tens of vectors.
  vectorizeOptions.parallelChunks = options.parallel ? 16 : 0;
  pm.addPass(createTSparseVectorizeLinalg(vectorizeOptions));
  pm.addPass(createTSparseApproximateMath());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  buildHostBufferizeAndLowerToLLVM(pm, options.parallel,
                                   options.staticWorkspace);
}

/// Returns the blocks below which long tiles are split by default: two per
/// SM, so that a small product still fills the GPU. An A100 (sm_80) has 108
/// SMs, an H100/H200 (sm_90) 132; newer chips have at least as many.
static int64_t getDefaultSplitBlocks(StringRef chip) {
  return chip == "sm_80" ? 2 * 108 : 2 * 132;
}

void tsparse::buildGPUKernelsAndHostPipeline(
    OpPassManager &pm, const GPUPipelineOptions &options) {
  pm.addPass(createTSparseDecomposeAggregatedOps());
  // Unpruned linears with constant weights run on the tensor-core kernels
  // too, on a dense layout.
  TSparsePackDenseProductsOptions denseOptions;
  denseOptions.constantWeightsOnly = true;
  pm.addPass(createTSparsePackDenseProducts(denseOptions));
  if (options.computeType != ComputeType::Keep) {
    TSparseNarrowProductsOptions narrowOptions;
    narrowOptions.to = options.computeType == ComputeType::F16
                           ? NarrowType::F16
                           : NarrowType::BF16;
    pm.addPass(createTSparseNarrowProducts(narrowOptions));
  }
  // Element-wise consumers of the products (bias, activation, residual,
  // casts) become their epilogues, which the kernels apply as they store.
  // Named ops stay named: the conversion reads transposes of A and C, and
  // dense products (attention) go to the kernels with their operands
  // materialized.
  pm.addPass(createTSparseFuseElementwiseOps());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createTSparseFuseEpilogues());
  ConvertTSparseToGPUOptions convertOptions;
  convertOptions.mma = options.mma;
  convertOptions.mTile = options.mTile;
  convertOptions.stages = options.stages;
  convertOptions.splitRows = options.splitRows;
  convertOptions.splitBlocks = options.splitBlocks == -1
                                   ? getDefaultSplitBlocks(options.chip)
                                   : options.splitBlocks;
  convertOptions.persistentBlocks = options.persistentBlocks;
  convertOptions.featureMajor = options.featureMajor;
  convertOptions.transposeA = options.transposeA;
  pm.addPass(createConvertTSparseToGPU(convertOptions));
  // No CSE before bufferization: each product reads its operands through
  // its own bufferization.to_buffer, which bufferization orders with the
  // writes around it; merged, a later product would read a buffer that an
  // op in between reused (two products sharing one fill of C, say).
  pm.addPass(createCanonicalizerPass());
  // What remains becomes kernels: chains of element-wise ops fused first,
  // so that each is one kernel.
  pm.addPass(createLinalgGeneralizeNamedOpsPass());
  pm.addPass(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());

  addBufferization(pm);
  // Not the buffer-deallocation-pipeline: it rejects gpu.launch_func
  // (unknown memory effects). The host temporaries (runtime packing,
  // host-side transposes) do not escape; they are freed at the return.
  pm.addNestedPass<func::FuncOp>(createTSparseDeallocateHostBuffers());
  pm.addPass(createConvertBufferizationToMemRefPass());

  // Every other op runs on the device too: parallel loops, then kernels.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createTSparseParallelLoopsToGPU());
  pm.addPass(createGpuKernelOutliningPass());
  // Kernels approximate math in arith, as the CPU path does: no libdevice.
  pm.addNestedPass<gpu::GPUModuleOp>(createTSparseApproximateMath());
  pm.addPass(createTSparsePlaceOnDevice());
  pm.addPass(createCanonicalizerPass());
}

/// Makes the NVPTX backend use 32-bit shared-memory pointers, as the shared
/// window is: shared addresses then take one register and 32-bit
/// arithmetic. A process-wide backend option, read when the target machine
/// that serializes the kernels is created.
static void useShortSharedMemoryPointers() {
  auto &registered = llvm::cl::getRegisteredOptions();
  auto it = registered.find("nvptx-short-ptr");
  if (it != registered.end())
    static_cast<llvm::cl::opt<bool> *>(it->second)->setValue(true);
}

void tsparse::buildGPUPipeline(OpPassManager &pm,
                               const GPUPipelineOptions &options) {
  buildGPUKernelsAndHostPipeline(pm, options);
  useShortSharedMemoryPointers();

  // Kernels: scf-to-cf first, the loops carry !gpu.mma_matrix values.
  GpuNVVMAttachTargetOptions targetOptions;
  targetOptions.chip = options.chip;
  targetOptions.features = getGPUFeatures(options);
  targetOptions.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(targetOptions));
  // 32-bit index arithmetic in the kernels, their parameters unchanged.
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createSCFToControlFlowPass());
  kernels.addPass(memref::createExpandStridedMetadataPass());
  kernels.addPass(createLowerAffinePass());
  // Math left after the approximations (fma, sqrt, floor, ...) as LLVM
  // intrinsics, which NVPTX selects, rather than libdevice calls: the
  // binary links no libdevice.
  kernels.addPass(createTSparseMathToLLVMIntrinsics());
  kernels.addPass(createTSparseConvertKernelsToNVVM());
  kernels.addNestedPass<LLVM::LLVMFuncOp>(
      createTSparseSplitLoopInvariantOffsets());
  kernels.addPass(createReconcileUnrealizedCastsPass());

  // Host: gpu-to-llvm lowers only asynchronous copies and allocations.
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());
  // The host checks that each launch's operands fit the kernels' 32-bit
  // indices (after the async region pass, which would end the stream at a
  // check).
  pm.addNestedPass<func::FuncOp>(createTSparseCheckKernelIndices());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // Runtime packing, which stays on the host, copies kept row segments as
  // masked vector transfers.
  addVectorTransfersToSCF(pm);
  pm.addPass(createSCFToControlFlowPass());
  pm.addNestedPass<func::FuncOp>(createTSparseLowerExpandShape());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  // The tensor maps of TMA-loading kernels: calls to
  // mgpuTensorMapEncodeTiledMemref, declared once in the module (the kernels'
  // nvgpu ops are converted already).
  pm.addPass(createConvertNVGPUToNVVMPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createGpuToLLVMConversionPass());
  addConvertToLLVM(pm);

  GpuModuleToBinaryPassOptions binaryOptions;
  binaryOptions.compilationTarget = stringifyKernelFormat(options.format).str();
  pm.addPass(createGpuModuleToBinaryPass(binaryOptions));
}

void tsparse::registerTSparsePipelines() {
  // Registered by hand to check the options before building: the NVPTX
  // backend aborts on combinations it cannot compile.
  registerPassPipeline(
      "tsparse-gpu-pipeline",
      "Lower tsparse programs to one fused tensor-core kernel per product, "
      "the kernels to NVVM and a gpu.binary, and the host code to LLVM",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        GPUPipelineOptions options;
        if (failed(options.parseFromString(text)) ||
            failed(verifyGPUPipelineOptions(options, errorHandler)))
          return failure();
        buildGPUPipeline(pm, options);
        return success();
      },
      [](function_ref<void(const mlir::detail::PassOptions &)> optionHandler) {
        optionHandler(GPUPipelineOptions());
      });
  PassPipelineRegistration<CPUPipelineOptions>(
      "tsparse-cpu-pipeline",
      "Lower tsparse programs to skipped-tile vector loops and on to LLVM for "
      "the host CPU",
      buildCPUPipeline);
  PassPipelineRegistration<>(
      "tsparse-reference-pipeline",
      "Expand tsparse ops to dense ops (the golden reference) and lower to "
      "LLVM for mlir-runner on the host CPU",
      buildReferencePipeline);
}
