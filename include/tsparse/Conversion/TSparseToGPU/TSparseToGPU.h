//===- TSparseToGPU.h - tsparse.matmul to GPU launches ----------*- C++ -*-===//
//
// The conversion of tsparse.matmul into launches of the fused kernels
// (Kernels.h).
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_CONVERSION_TSPARSETOGPU_TSPARSETOGPU_H
#define TSPARSE_CONVERSION_TSPARSETOGPU_TSPARSETOGPU_H

#include "tsparse/Conversion/TSparseToGPU/Kernels.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace mlir {
namespace tsparse {

/// Gives every product under `root` whose B has a layout the kernels do not
/// handle a B in one they do, representing the same matrix: a compile-time
/// matrix (`tsparse.constant`) is repacked at compile time into the kernel
/// layout that covers its nonzeros with the least work; a runtime one is
/// packed again at run time, without masks, in the kernel layout closest to
/// its own. A constant whose values are not available is left alone.
void repackForKernels(RewriterBase &rewriter, Operation *root);

/// Collects the pattern rewriting `tsparse.matmul` into a launch of a fused
/// kernel, created in `module`.
void populateTSparseToGPUPatterns(RewritePatternSet &patterns,
                                  gpu::GPUModuleOp module,
                                  const KernelOptions &options);

/// Returns the configuration of the kernel that `options` give the dense
/// product `op`, or nothing if `op` is not one the kernels run: a
/// `linalg.matmul` or `linalg.batch_matmul` with the default maps, up to
/// transposed operands, on tensors, f16 inputs (or bf16 with mma-sync) and
/// an f32 or like-typed C.
std::optional<KernelConfig>
getDenseProductKernelConfig(const KernelOptions &options, linalg::LinalgOp op);

/// Collects the pattern rewriting such dense products into a launch of the
/// fused kernel reading B in place (KernelConfig::denseB), created in
/// `module`. Products with compile-time weights are better packed first
/// (--tsparse-pack-dense-products), so that their kernels apply epilogues.
void populateDenseProductToGPUPatterns(RewritePatternSet &patterns,
                                       gpu::GPUModuleOp module,
                                       const KernelOptions &options);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_CONVERSION_TSPARSETOGPU_TSPARSETOGPU_H
