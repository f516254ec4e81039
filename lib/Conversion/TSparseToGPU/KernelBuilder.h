//===- KernelBuilder.h - Shared parts of the fused kernels ------*- C++ -*-===//
//
// The kernel arguments, the decoding of a block's work item and the
// addressing of A and C, shared by the WMMA and mma.sync kernel builders.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_LIB_CONVERSION_TSPARSETOGPU_KERNELBUILDER_H
#define TSPARSE_LIB_CONVERSION_TSPARSETOGPU_KERNELBUILDER_H

#include "tsparse/Conversion/TSparseToGPU/Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

namespace mlir {
namespace tsparse {

/// State and helpers of a kernel body under construction. The arguments
/// follow KernelArg. Index arithmetic comes from upstream's
/// ArithIndexingBuilder (no signed wrap), with constant right-hand sides
/// added here.
class KernelBuilder : public ArithIndexingBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc, gpu::GPUFuncOp func,
                const KernelConfig &config);

protected:
  Value constant(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  using ArithIndexingBuilder::add;
  using ArithIndexingBuilder::mul;
  Value add(Value lhs, int64_t rhs) { return add(lhs, constant(rhs)); }
  Value mul(Value lhs, int64_t rhs) { return mul(lhs, constant(rhs)); }
  /// lhs / rhs and lhs % rhs on non-negative values. A sum x + c with c a
  /// multiple of rhs divides as x / rhs + c / rhs, with remainder x % rhs:
  /// a thread's chunks and rows then differ by constants, which the backend
  /// cannot derive (it does not know that the sum does not wrap).
  Value div(Value lhs, int64_t rhs) {
    if (auto [x, c] = splitMultiple(lhs, rhs); x)
      return add(div(x, rhs), c / rhs);
    return arith::DivUIOp::create(b, loc, lhs, constant(rhs));
  }
  Value rem(Value lhs, int64_t rhs) {
    if (Value x = splitMultiple(lhs, rhs).first)
      return rem(x, rhs);
    return arith::RemUIOp::create(b, loc, lhs, constant(rhs));
  }
  /// (x, c) if `value` is the no-wrap sum x + c of the builder with c a
  /// non-negative multiple of `divisor`, else (null, 0).
  static std::pair<Value, int64_t> splitMultiple(Value value, int64_t divisor);
  Value ult(Value lhs, Value rhs) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, lhs, rhs);
  }
  Value loadIndex(Value memref, Value index);
  /// The kernel's workgroup buffers, of `types`: the WMMA kernel's
  /// workgroup attributions, or views, one after another, of the workgroup
  /// bytes: dynamic shared memory when the config needs more than a kernel
  /// may declare statically or is a wgmma kernel (whose views start
  /// kWGMMASharedAlignment-aligned in the shared window, at sharedAddress),
  /// else the pipelined kernel's one i8 attribution.
  SmallVector<Value> getWorkgroupBuffers(gpu::GPUFuncOp func,
                                         ArrayRef<Type> types);

  /// Emits `body` for the work block of this block (workBlock), or, with
  /// persistent blocks, for each of those it walks: b, b + grid, ..., each
  /// followed by a block barrier.
  void forEachWorkBlock(function_ref<void()> body);
  /// Decodes work block workBlock (an M tile of a work item) into the
  /// per-block values below.
  void buildWorkItem();
  /// The part of buildWorkItem for a dense B: M tile `mTile` of the stacked
  /// batches and column tile `tile`.
  void buildDenseWorkItem(Value mTile, Value tile);
  /// Emits `body` only for work items with kept rows; a runtime matrix may
  /// schedule empty tiles, whose arrays must not be read. Items without rows
  /// still write their block of C (writeCWithoutProduct) when the kernel
  /// applies an epilogue or C starts at zero.
  void ifItemHasRows(function_ref<void()> body);
  /// Writes the item's block of C as if its product were zero: C =
  /// epilogue(C) with an epilogue, zero when C starts at zero.
  void writeCWithoutProduct();
  /// Returns the epilogue of `sum`, C's element at row `m` and original
  /// column `n` before the store.
  Value applyEpilogue(Value m, Value n, Value sum);

  /// Row of A's contraction dimension (k) holding kept row `row` of the
  /// item's tile; `row` must be below endRow.
  Value gatheredK(Value row);
  /// Whether the item's block of B has tile_n columns with rows whose
  /// 16-byte chunks are aligned (vector copies apply).
  Value isFullTile();
  /// Index into `values` of B's element at kept row `row` and column `j` of
  /// the item's block (`fullTile`: known to be a full tile).
  Value bIndex(Value row, Value j, bool fullTile);
  /// A[m][k], whatever A's layout.
  Value loadA(Value m, Value k);
  /// Original column of tiled column `col`.
  Value originalColumn(Value col);
  /// Column `j` of the item's tile if it is inside (below width), else 0
  /// (every tile has a column 0): a safe address for a masked access that
  /// keeps no `width - 1` live next to width.
  Value clampColumn(Value j);
  /// Original column of the item's tile column `j`, clamped into the tile
  /// (clampColumn), for an access masked by `j < width`.
  Value clampedOriginalColumn(Value j) {
    return originalColumn(add(col0, clampColumn(j)));
  }
  /// C's element at `indices` as `type`, or zero when C starts at zero
  /// (nothing is read).
  Value loadC(ValueRange indices, Type type);
  /// Adds `value` to C at row `m` and column `j` of the item's tile,
  /// atomically unless `exclusive`. `n`, when given, is the original column
  /// of `j` (read once per column rather than per element).
  void addToC(Value m, Value j, Value value, bool exclusive, Value n = nullptr);
  /// addToC when row `m` and column `j` are inside C and the tile.
  void addToCIfInside(Value m, Value j, Value value, bool exclusive,
                      Value n = nullptr);
  /// Emits `body(exclusive)` for the two ways of adding to C: plain
  /// read-modify-write when the item is its whole tile (no other block
  /// writes its C tile), atomic otherwise.
  void forEachWayToAddToC(function_ref<void(bool)> body);

  OpBuilder &b;
  Location loc;
  const KernelConfig &config;
  LayoutAttr layout;
  int64_t tileN, blockRows, numThreads;
  // Kernel arguments.
  Value a, values, rowIds, tilePtr, colIds, workTiles, workRows, c,
      numTiledColumns, numMTiles, splitRows;
  // With a dense B: DenseArg.
  Value batchRows;
  // With an epilogue: EpilogueArg, then the epilogue operands.
  Value droppedIds, numTiles;
  SmallVector<Value> epilogueOperands;
  // Whether the item is a group of dropped columns (with an epilogue).
  Value dropped;
  // The work block being emitted (forEachWorkBlock).
  Value workBlock;
  // The block's work item.
  Value threadId, numRows, m0, col0, width, p0, firstRow, endRow, keptRows,
      valuesOffset;
  // Whether the item is its tile's only one (split K otherwise); set for the
  // kernels that may split (forEachWayToAddToC).
  Value wholeTile;
  // Elements between consecutive rows of the item's block of B.
  Value bRowStride;
  // With wgmma: the shared-window address of the first workgroup buffer,
  // and B's tensor map (an !llvm.ptr) when the kernel loads B by TMA.
  Value sharedAddress, bTensorMapPointer;
  // With a dense B: the item's batch.
  Value denseBatch;
  // The workgroup bytes the buffers of getWorkgroupBuffers view, and the
  // offset of the first (null for separate attributions).
  Value workgroupBytes, workgroupStart;
};

/// Types of the workgroup buffers of the kernel for `config`.
SmallVector<Type> getWorkgroupTypes(const KernelConfig &config);

/// Bytes of a buffer of `type`.
inline int64_t getMemRefBytes(MemRefType type) {
  return type.getNumElements() * type.getElementTypeBitWidth() / 8;
}

/// Bytes of the workgroup buffers of the kernel for `config`.
int64_t getWorkgroupBuffersBytes(const KernelConfig &config);

/// Types of the workgroup buffers of the WMMA kernel for `config`.
SmallVector<Type> getWMMAWorkgroupTypes(const KernelConfig &config);
/// Emits the body of the WMMA kernel `func`.
void buildWMMAKernel(OpBuilder &b, Location loc, gpu::GPUFuncOp func,
                     const KernelConfig &config);

/// Types of the workgroup buffers of the mma.sync kernel for `config`.
SmallVector<Type> getMMASyncWorkgroupTypes(const KernelConfig &config);
/// Emits the body of the mma.sync kernel `func`.
void buildMMASyncKernel(OpBuilder &b, Location loc, gpu::GPUFuncOp func,
                        const KernelConfig &config);

/// Types of the workgroup buffers of the wgmma kernel for `config`.
SmallVector<Type> getWGMMAWorkgroupTypes(const KernelConfig &config);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_LIB_CONVERSION_TSPARSETOGPU_KERNELBUILDER_H
