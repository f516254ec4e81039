//===- TSparseToGPU.h - tsparse to GPU kernels ------------------*- C++ -*-===//
//
// Builds the fused tile-sparse tensor-core kernel and the host code that
// launches it.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_CONVERSION_TSPARSETOGPU_TSPARSETOGPU_H
#define TSPARSE_CONVERSION_TSPARSETOGPU_TSPARSETOGPU_H

#include "tsparse/Dialect/TSparse/IR/TSparseAttrs.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace tsparse {

/// What a WMMA kernel is specialized for.
struct WMMAKernelConfig {
  LayoutAttr layout;
  Type elementType;
  /// Rows of A per thread block.
  int64_t blockRows = 64;
  /// Kept rows of B per work item (split-K), a multiple of 32.
  static constexpr int64_t kSplitRows = 512;
  /// Threads per block: four warps, 2 x 2 over the block's C tile.
  static constexpr int64_t kNumThreads = 128;
};

/// Returns the kernel for `config` in `module`, creating it if needed. Its
/// arguments are A (M x K), values, row_ids, tile_ptr, col_ids (one dummy
/// element unless compacted), the work list as two i32 arrays (column tile,
/// first kept row of each item), C (M x N, f32, accumulated atomically), the
/// number of tiled columns, the number of M tiles and the kept rows per
/// item; it runs on a 1-D grid of (M tiles x work items) blocks of
/// kNumThreads.
gpu::GPUFuncOp getOrCreateWMMAKernel(OpBuilder &b, gpu::GPUModuleOp module,
                                     const WMMAKernelConfig &config);

/// Splits the longest-first column tiles `order` of a matrix with offsets
/// `tilePtr` into work items of at most `splitRows` kept rows: returns, per
/// item, its tile and its first kept row.
std::pair<SmallVector<int32_t>, SmallVector<int32_t>>
splitWorkItems(ArrayRef<int32_t> tilePtr, ArrayRef<int32_t> order,
               int64_t unitK, int64_t splitRows);

/// Collects the pattern rewriting `tsparse.matmul` into a launch of the
/// fused WMMA kernel, created in `module`.
void populateTSparseToGPUPatterns(RewritePatternSet &patterns,
                                  gpu::GPUModuleOp module);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_CONVERSION_TSPARSETOGPU_TSPARSETOGPU_H
