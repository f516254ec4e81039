//===- Pipelines.cpp - tsparse pass pipelines -----------------------------===//
//
// Builds and registers the pipelines that lower tsparse programs to LLVM.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Pipelines/Pipelines.h"
#include "tsparse/Dialect/TSparse/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMPass.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::tsparse;

void tsparse::buildHostBufferizeAndLowerToLLVM(OpPassManager &pm) {
  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void tsparse::buildReferencePipeline(OpPassManager &pm) {
  pm.addPass(createTSparseExpandToDense());
  pm.addPass(createCanonicalizerPass());
  buildHostBufferizeAndLowerToLLVM(pm);
}

void tsparse::registerTSparsePipelines() {
  PassPipelineRegistration<>(
      "tsparse-reference-pipeline",
      "Expand tsparse ops to dense ops (the golden reference) and lower to "
      "LLVM for mlir-runner on the host CPU",
      buildReferencePipeline);
}
