//===- Kernels.h - The fused tile-sparse GPU kernels ------------*- C++ -*-===//
//
// The fused tile-sparse tensor-core kernels and their contract with the host
// code that launches them: configuration, argument order and work lists.
// Used by the GPU conversion and by tools that run the kernels (the
// emulator).
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_CONVERSION_TSPARSETOGPU_KERNELS_H
#define TSPARSE_CONVERSION_TSPARSETOGPU_KERNELS_H

#include "tsparse/Conversion/TSparseToGPU/MmaFlavor.h"
#include "tsparse/Conversion/TSparseToGPU/TransposeA.h"
#include "tsparse/Dialect/TSparse/IR/TSparseAttrs.h"
#include "tsparse/Dialect/TSparse/IR/TSparseTypes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"

#include <limits>
#include <string>

namespace mlir {
namespace tsparse {

/// What a fused tile-sparse kernel is specialized for.
struct KernelConfig {
  MmaFlavor flavor = MmaFlavor::WMMA;
  LayoutAttr layout;
  Type elementType;
  /// C's element type (f32, f16 or bf16); products accumulate in f32.
  Type accType;
  /// A is given K-major (K x M), so that a kept row is contiguous.
  bool aKMajor = false;
  /// C is given transposed (N x M).
  bool cTransposed = false;
  /// B is a plain row-major matrix read in place (a dense product with a
  /// runtime right operand): column tile t is columns [t * tile_n,
  /// (t + 1) * tile_n) and every row is kept, so the kernel reads no
  /// row_ids or tile_ptr. A, B and C may stack batches of independent
  /// products; such a kernel takes DenseArg after KernelArg.
  bool denseB = false;
  /// The kept rows of every tile of B come in runs of 8 consecutive k
  /// starting at multiples of 8 (a compile-time matrix checked when its
  /// kernel is chosen, e.g. one on a dense layout).
  bool keptRowsInRunsOf8 = false;
  /// C holds zeros when the kernel starts and every element of C is written
  /// by exactly one block (whole tiles, every tile visited, dropped columns
  /// too): the kernel stores its results without reading C, and the host
  /// need not fill it.
  bool cStartsAtZero = false;
  /// K, the rows of B (dynamic if not known at compile time).
  int64_t k = ShapedType::kDynamic;
  /// Rows of A per thread block: 64 for WMMA, 64 or 128 for mma.sync and
  /// wgmma.
  int64_t blockRows = 64;
  /// Shared-memory stages of the mma.sync and wgmma pipelines.
  int64_t numStages = 3;
  /// Persistent blocks asked for (`persistent-blocks`; 0: none), which the
  /// kernels that take them (isPersistent) launch at most.
  int64_t persistentBlocks = 0;
  /// The `tsparse.matmul` whose epilogue the kernel applies to C as it
  /// stores whole tiles (null: none), and a key of that epilogue for the
  /// kernel's name. Such a kernel takes EpilogueArg after KernelArg, then
  /// the epilogue operands.
  Operation *epilogue = nullptr;
  std::string epilogueKey;

  /// Kept rows of B staged at a time (by the WMMA and mma.sync kernels; the
  /// work lists split tiles in multiples of it).
  static constexpr int64_t kStageRows = 32;
  /// Kept rows per stage of the wgmma kernel: 128-byte rows of a K-major
  /// A, four k16 steps per stage.
  static constexpr int64_t kWGMMAStageRows = 64;
  /// Kept rows per stage of the kernel.
  int64_t getStageRows() const {
    return flavor == MmaFlavor::WGMMA ? kWGMMAStageRows : kStageRows;
  }

  /// Whether the mma.sync kernel copies a row-major A in 16-byte chunks
  /// along K: the kept rows of B come in runs of at least 8 consecutive k
  /// (every row kept, unit_k a multiple of 8, or keptRowsInRunsOf8), so 8
  /// gathered elements of
  /// a row of A are contiguous. A is then staged M-major and read by
  /// ldmatrix without .trans, instead of gathered through registers.
  /// The wgmma kernel also copies such an A this way (staged K-major).
  bool copiesRowMajorAChunks() const {
    return flavor != MmaFlavor::WMMA && !aKMajor &&
           (denseB || keptRowsInRunsOf8 || layout.getUnitK() % 8 == 0);
  }

  /// Whether A reaches the kernel in a layout the wgmma kernel copies:
  /// K-major, or row-major with gathered rows in runs of 8. The conversion
  /// transposes any other A on the device first.
  bool hasWGMMACopyableA() const { return aKMajor || copiesRowMajorAChunks(); }

  /// Whether the mma.sync kernel gathers a row-major A through registers:
  /// its gathered elements are not contiguous along K.
  bool gathersRowMajorA() const {
    return flavor == MmaFlavor::MMASync && !aKMajor && !copiesRowMajorAChunks();
  }
  /// A's row length as the kernel declares it: K, static when the kernel
  /// gathers a row-major A and the matrix's K is static (the elements of a
  /// chunk of rows are then at constant offsets from one address), dynamic
  /// otherwise.
  int64_t getKernelARowLength() const {
    return gathersRowMajorA() ? k : ShapedType::kDynamic;
  }

  /// Rows of C per warp of the mma.sync kernel, whose warps split a tile's
  /// columns in two: 64 x 64 warp tiles for 128-column tiles, as CUTLASS.
  static constexpr int64_t kMMASyncWarpRows = 64;

  /// Rows of C per warpgroup of the wgmma kernel (m64 by the whole tile).
  static constexpr int64_t kWarpgroupRows = 64;

  /// Whether the kernel loads B's full tiles by TMA (the wgmma kernel, for
  /// tiles of whole 128-byte rows of 64 elements): it then takes a tensor
  /// map of B (getBTensorMapType(), passed as an `!llvm.ptr`) as its last
  /// argument, and completes each stage of B on an mbarrier.
  bool loadsBByTMA() const {
    return flavor == MmaFlavor::WGMMA && layout.getTileN() % 64 == 0;
  }

  /// Threads per block: 2 x 2 warps for WMMA, (blockRows / warp rows) x 2
  /// for mma.sync; for wgmma, one consumer warpgroup of 128 per 64 rows and
  /// the producer warpgroup that copies the stages.
  int64_t getNumThreads() const {
    switch (flavor) {
    case MmaFlavor::WMMA:
      return 128;
    case MmaFlavor::MMASync:
      return blockRows / kMMASyncWarpRows * 2 * 32;
    case MmaFlavor::WGMMA:
      return getMmaThreads() + kWarpgroupThreads;
    }
    llvm_unreachable("unknown flavour");
  }
  /// Threads that multiply: the first ones of the block (the wgmma kernel's
  /// consumer warpgroups), all of them in the other kernels.
  int64_t getMmaThreads() const {
    return flavor == MmaFlavor::WGMMA
               ? blockRows / kWarpgroupRows * kWarpgroupThreads
               : getNumThreads();
  }
  /// Threads that copy the stages: the last ones of the block (the wgmma
  /// kernel's producer warpgroup), all of them in the other kernels.
  int64_t getCopyThreads() const {
    return flavor == MmaFlavor::WGMMA ? kWarpgroupThreads : getNumThreads();
  }
  /// Threads of a warpgroup.
  static constexpr int64_t kWarpgroupThreads = 128;
  /// Whether the kernel has persistent blocks: at most persistentBlocks of
  /// them, each walking the work list (block b takes work blocks b,
  /// b + grid, ...).
  bool isPersistent() const { return persistentBlocks != 0; }
  /// Bytes of workgroup memory the kernel uses.
  int64_t getSharedMemoryBytes() const;
  /// Whether the kernel takes its workgroup memory as dynamic shared memory
  /// (more than the 48 KB a kernel may declare statically, or a wgmma
  /// kernel, which aligns its stages to the swizzle pattern itself): the
  /// launch then passes getSharedMemoryBytes(), and the runtime opts the
  /// kernel in.
  bool usesDynamicSharedMemory() const;
};

/// Alignment of the wgmma kernel's shared-memory stages: the repeat of the
/// 128-byte swizzle its descriptors name.
constexpr int64_t kWGMMASharedAlignment = 1024;

/// The arguments of the fused kernel, in order.
enum class KernelArg : unsigned {
  /// M x K, or K x M if K-major.
  A,
  Values,
  RowIds,
  TilePtr,
  /// One dummy element unless compacted.
  ColIds,
  /// The work list: column tile and first kept row of each item (i32).
  WorkTiles,
  WorkRows,
  /// M x N, or N x M if transposed; accType, accumulated into.
  C,
  NumTiledColumns,
  NumMTiles,
  /// Kept rows per work item.
  SplitRows,
};
constexpr unsigned kNumKernelArgs = unsigned(KernelArg::SplitRows) + 1;

/// The arguments a kernel with an epilogue takes after KernelArg. Its work
/// list visits every tile whole, empty ones included, and then, as tiles
/// NumTiles, NumTiles + 1, ..., groups of tile_n of the columns a compacted
/// layout drops, so that the epilogue reaches every element of C.
enum class EpilogueArg : unsigned {
  /// The dropped columns, ascending (i32; one dummy element if none).
  DroppedIds,
  /// Number of tiles of the matrix: work items from there are dropped
  /// columns.
  NumTiles,
};
constexpr unsigned kNumEpilogueArgs = unsigned(EpilogueArg::NumTiles) + 1;

/// The arguments a kernel with a dense B takes after KernelArg. Values holds
/// the batches of B (K x N each) one after another, A and C stack theirs
/// along M, and the (M tile, work item) blocks count the M tiles of every
/// batch; RowIds and TilePtr are not read.
enum class DenseArg : unsigned {
  /// Rows of A (M) per batch.
  BatchRows,
};
constexpr unsigned kNumDenseArgs = unsigned(DenseArg::BatchRows) + 1;

/// The tensor map a kernel that loadsBByTMA() reads B through: boxes of 64
/// kept rows by 64 columns, 128-byte swizzled, out-of-bounds elements zero.
/// Over the packed values viewed as rows of tile_n, or over a dense B as
/// batches x K x N (boxes of one batch).
nvgpu::TensorMapDescriptorType getBTensorMapType(const KernelConfig &config);

/// Returns the kernel for `config` in `module`, creating it if needed. It
/// takes the KernelArg arguments and runs on a 1-D grid of (M tiles x work
/// items) blocks of config.getNumThreads().
gpu::GPUFuncOp getOrCreateKernel(OpBuilder &b, gpu::GPUModuleOp module,
                                 const KernelConfig &config);

/// Threads per block of the transposition kernel.
constexpr int64_t kTransposeThreads = 256;

/// Returns the kernel writing the transpose of an R x C matrix of
/// `elementType` (its first argument) into a C x R one (its second), creating
/// it in `module` if needed; it runs on a 1-D grid of ceil(R / 32) x
/// ceil(C / 32) blocks of kTransposeThreads.
gpu::GPUFuncOp getOrCreateTransposeKernel(OpBuilder &b, gpu::GPUModuleOp module,
                                          Type elementType);

/// The kept rows per work item (KernelArg::SplitRows) of a list whose items
/// are whole tiles.
constexpr int64_t kWholeTileRows = std::numeric_limits<int32_t>::max();

/// Options of the kernels built for `tsparse.matmul`.
struct KernelOptions {
  MmaFlavor flavor = MmaFlavor::WMMA;
  /// Rows of A per thread block; 0 picks the flavour's default.
  int64_t blockRows = 0;
  /// Shared-memory stages of the mma.sync pipeline.
  int64_t numStages = 3;
  /// Kept rows per work item of a compile-time matrix (split-K).
  int64_t splitRows = 512;
  /// Split long tiles only when the product has fewer (M tile, tile) blocks
  /// than this; 0 never splits.
  int64_t splitBlocks = 264;
  /// When a row-major A is transposed on the device and read K-major.
  TransposeA transposeA = TransposeA::Auto;
  /// KernelConfig::persistentBlocks.
  int64_t persistentBlocks = 0;
};

/// Checks the values of the pass options `mma`, `m-tile`, `stages`,
/// `split-rows`, `split-blocks` and `persistent-blocks` against each other
/// and puts them into `options`, or emits why they are invalid.
LogicalResult parseKernelOptions(function_ref<InFlightDiagnostic()> emitError,
                                 MmaFlavor mma, int64_t mTile, int64_t stages,
                                 int64_t splitRows, int64_t splitBlocks,
                                 int64_t persistentBlocks,
                                 KernelOptions &options);

/// Returns the configuration of the kernel that `options` give a product of
/// a `matrixType` matrix into a C of `accType` (row-major A and C).
KernelConfig getKernelConfig(const KernelOptions &options,
                             MatrixType matrixType, Type accType);

/// The widest column tile the kernels handle; tile_n must also be a multiple
/// of kKernelTileNMultiple.
constexpr unsigned kMaxKernelTileN = 128;
constexpr unsigned kKernelTileNMultiple = 32;

/// Returns true if the kernels handle `layout`: tile_n a multiple of 32 up
/// to 128 and no residual.
bool isKernelLayout(LayoutAttr layout);

/// Checks that the kernel of `config` can be built, or emits why not.
LogicalResult verifyKernelConfig(function_ref<InFlightDiagnostic()> emitError,
                                 const KernelConfig &config);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_CONVERSION_TSPARSETOGPU_KERNELS_H
