//===- TSparseToGPU.cpp - tsparse.matmul to fused GPU kernels -------------===//
//
// The pass driver of convert-tsparse-to-gpu: checks every product's kernel
// configuration, then applies the launch patterns.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Conversion/TSparseToGPU/TSparseToGPU.h"
#include "tsparse/Conversion/Passes.h"
#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"
#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/Epilogue.h"
#include "tsparse/Dialect/TSparse/Transforms/FeatureMajor.h"
#include "tsparse/Dialect/TSparse/Transforms/LowerToLoops.h"
#include "tsparse/Dialect/TSparse/Transforms/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_CONVERTTSPARSETOGPU
#include "tsparse/Conversion/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;
using namespace mlir::tsparse;

namespace {
/// Checks every product's kernel configuration, then launches the kernels.
struct ConvertTSparseToGPUPass
    : public tsparse::impl::ConvertTSparseToGPUBase<ConvertTSparseToGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    KernelOptions options;
    if (failed(parseKernelOptions(
            [&] { return mlir::emitError(module.getLoc()); }, mma, mTile,
            stages, splitRows, splitBlocks, persistentBlocks, options)))
      return signalPassFailure();
    options.transposeA = transposeA;
    // Pack constant operands first, so that their products get static
    // schedules (and can apply their epilogues). Feature-major chains are
    // rebuilt without epilogues: those run after the products.
    RewritePatternSet foldPatterns(ctx);
    if (featureMajor)
      populateSplitEpiloguePatterns(foldPatterns);
    PackOp::getCanonicalizationPatterns(foldPatterns, ctx);
    if (failed(applyPatternsGreedily(module, std::move(foldPatterns))))
      return signalPassFailure();

    IRRewriter rewriter(ctx);
    if (featureMajor)
      propagateFeatureMajorActivations(rewriter, module);
    repackForKernels(rewriter, module);

    // Every kernel must be buildable before any product is converted.
    bool anyProduct = false, anyFailed = false;
    module.walk([&](Operation *op) {
      std::optional<KernelConfig> config;
      if (auto matmul = dyn_cast<MatmulOp>(op))
        config = getKernelConfig(
            options, matmul.getB().getType(),
            cast<ShapedType>(matmul.getC().getType()).getElementType());
      else if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
        config = getDenseProductKernelConfig(options, linalgOp);
      if (!config)
        return;
      anyProduct = true;
      anyFailed |= failed(
          verifyKernelConfig([&] { return op->emitOpError(); }, *config));
    });
    if (anyFailed)
      return signalPassFailure();
    if (!anyProduct)
      return;

    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module.getBody());
    auto kernels = module.lookupSymbol<gpu::GPUModuleOp>("tsparse_kernels");
    if (!kernels)
      kernels = gpu::GPUModuleOp::create(b, module.getLoc(), "tsparse_kernels");
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    b.getUnitAttr());

    RewritePatternSet patterns(ctx);
    populateMatmulOnBuffersToTensorsPatterns(patterns);
    populateTSparseToGPUPatterns(patterns, kernels, options);
    populateDenseProductToGPUPatterns(patterns, kernels, options);
    StorageOp::getCanonicalizationPatterns(patterns, ctx);
    populateLowerPackingToLoopsPatterns(patterns);
    if (failed(applyPatternsGreedily(module, std::move(patterns))) ||
        failed(verifyPackedMatricesLowered(module, "the GPU")))
      return signalPassFailure();
  }
};
} // namespace
