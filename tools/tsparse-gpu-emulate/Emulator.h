//===- Emulator.h - Lock-step CPU emulation of GPU kernels ------*- C++ -*-===//
//
// Runs a program at the level convert-tsparse-to-gpu and bufferization leave
// it on the CPU: host functions on memrefs (allocations, copies to and from
// the device, `gpu.launch_func`) and the `gpu.func` kernels they launch
// (arith, scf, memref, vector, gpu, nvgpu, the NVVM mma and wgmma). In a
// kernel, the threads of a block execute in lock step, one op at a time,
// under an activity mask for divergent `scf.if`s. Warp-collective operations
// (WMMA fragments, ldmatrix, mma.sync) follow the PTX fragment layouts;
// warpgroup ones (wgmma.mma_async) decode their shared-memory matrix
// descriptors by the canonical layouts of the PTX ISA, and their
// asynchrony is checked: accumulators are read only after a wgmma.wait_group
// retires them, shared memory a wgmma in flight reads is not overwritten,
// and what a wgmma reads was made visible to the async proxy
// (fence.proxy.async) after it was written. TMA loads (tensor maps created
// on the host, 128-byte swizzle, zero fill out of bounds) complete on
// mbarriers: they land when a thread waits on the barrier's phase, which
// must then be complete (its arrivals and expected bytes all in), and
// their destination may not be touched before. Out of
// bounds accesses, misaligned cp.async / ldmatrix addresses, partially
// active collectives and divergent barriers are errors, and so are races:
// two threads of a block touching a workgroup element between barriers
// (one of them writing) unless an mbarrier orders them (the first arrived
// on a phase the second then waited for), reading an element while a
// cp.async to it is in flight (copies land at the wait that retires their
// group), and two blocks
// writing an element of global memory other than atomically. Workgroup
// memory starts as NaN so that reading what was never written shows.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_TOOLS_TSPARSE_GPU_EMULATE_EMULATOR_H
#define TSPARSE_TOOLS_TSPARSE_GPU_EMULATE_EMULATOR_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <array>
#include <vector>

namespace mlir {
namespace tsparse {

/// One element: integers are kept sign-extended in `i`, floats in `f`.
struct Scalar {
  int64_t i = 0;
  double f = 0.0;
};

/// Warpgroups of a block the emulator tracks (1024 threads).
inline constexpr int64_t kMaxWarpgroups = 8;

/// What the race checks remember of an element.
struct Shadow {
  /// Barrier interval and thread of the last write (-1: none).
  int64_t writeEpoch = -1, writer = -1;
  /// Barrier interval and thread of the last reads (reader -2: several).
  int64_t readEpoch = -1, reader = -1;
  /// Op count at the last read.
  int64_t readClock = -1;
  /// Global memory: the block that wrote it plainly, -2 once atomically.
  int64_t ownerBlock = -1;
  /// Op count at the last write (workgroup memory), which the writer's
  /// fence.proxy.async must follow before a wgmma reads the element.
  int64_t writeClock = -1;
  /// Per warpgroup, the wgmma group of its last wgmma that read it
  /// (workgroup memory; 0: none): nothing may write it until that group is
  /// retired, and the retirement is ordered before the write.
  std::array<int32_t, kMaxWarpgroups> asyncReadGroups = {};
  /// In a kernel that synchronizes through mbarriers: the threads that read
  /// it in the barrier interval `readEpoch`, with the op count of their
  /// last read, so that a write can be checked to follow each of them.
  std::vector<std::pair<int64_t, int64_t>> readers;
  /// TMA loads in flight to it (workgroup memory), which land when a thread
  /// waits on their mbarrier: until then nothing may access it.
  int64_t tmaInFlight = 0;
};

/// A dense row-major buffer behind a memref.
struct Buffer {
  Type elementType;
  SmallVector<int64_t> shape;
  std::vector<Scalar> data;
  /// Workgroup memory of one block (race checks between its threads)
  /// rather than global memory (race checks between blocks).
  bool workgroup = false;
  /// Device memory (gpu.alloc, resident constants), which host code must
  /// not read or write.
  bool device = false;
  std::vector<Shadow> shadow;
  /// For a view with its own shape of another buffer's elements in the same
  /// order (memref.expand_shape, memref.collapse_shape): that buffer, which
  /// holds the elements; null for a buffer that holds its own.
  Buffer *storage = nullptr;
  /// For a typed view (memref.view) of the bytes of a workgroup i8 buffer:
  /// that buffer and the view's first byte. Views may overlap; each holds
  /// its own elements (what another view wrote does not show through), and
  /// two views touching a byte between barriers is an error.
  Buffer *byteSource = nullptr;
  int64_t byteOffset = 0;
  /// For an i8 buffer with views: per byte, the barrier interval and view
  /// of its last access.
  std::vector<std::pair<int64_t, Buffer *>> byteUses;

  Buffer() = default;
  Buffer(Type elementType, ArrayRef<int64_t> shape);
  int64_t getNumElements() const;
  /// The buffer holding the elements: this one unless it is a view.
  Buffer &getStorage() { return storage ? *storage : *this; }
  /// A copy of the elements in a buffer of their own.
  Buffer materialize();
  /// Clears what the race checks remember (at a synchronization point).
  void forgetAccesses();
};

/// A TMA tensor map (nvgpu.tma.create.descriptor): the tensor, its shape
/// (outermost first) and the box a load copies, 128-byte swizzled or not.
struct TensorMap {
  Buffer *tensor = nullptr;
  SmallVector<int64_t> shape, box;
  int64_t swizzleBytes = 0;
};

/// A kernel argument: a buffer for memrefs, a tensor map for the pointer a
/// TMA-loading kernel takes, an integer or a float otherwise.
struct KernelArgument {
  Buffer *buffer = nullptr;
  int64_t value = 0;
  double floatValue = 0.0;
  const TensorMap *tensorMap = nullptr;
};

/// Rounds `value` to the float type `type` (f32, f16 or bf16, to nearest
/// even); other types are returned as they are.
double roundTo(Type type, double value);

/// Memory behaviour of a kernel as the emulator sees it. Each `ldmatrix`
/// 8 x 8 matrix is read in one phase of 8 rows of 16 bytes; the phase takes
/// as many wavefronts as the most rows that fall in one group of 4 of the 32
/// 4-byte banks (1 when conflict-free).
struct MemoryStats {
  int64_t ldmatrixPhases = 0;
  int64_t ldmatrixWavefronts = 0;
  /// Warp-wide loads, stores and cp.async copies of workgroup memory: the
  /// wavefronts they take (the most distinct 4-byte words any bank serves,
  /// at least one per 128 bytes) and the fewest their bytes allow.
  int64_t accessRequests = 0;
  int64_t accessWavefronts = 0;
  int64_t accessIdealWavefronts = 0;
  /// Warp-wide loads, stores and cp.async reads of global memory: the
  /// 32-byte sectors they touch and the fewest their distinct bytes need.
  int64_t globalRequests = 0;
  int64_t globalSectors = 0;
  int64_t globalIdealSectors = 0;
};

/// Runs `kernel` on a 1-D grid of `numBlocks` blocks of `numThreads`
/// threads with `dynamicSharedBytes` of dynamic shared memory. Returns
/// failure, with a diagnostic on the offending op, when the kernel does
/// something the emulator rejects. Adds what it sees of shared memory to
/// `stats` when given.
LogicalResult emulateKernel(gpu::GPUFuncOp kernel,
                            ArrayRef<KernelArgument> arguments,
                            int64_t numBlocks, int64_t numThreads,
                            MemoryStats *stats = nullptr,
                            int64_t dynamicSharedBytes = 0);

/// One `gpu.launch_func` a host function ran.
struct KernelLaunch {
  gpu::GPUFuncOp kernel;
  int64_t numBlocks = 0, numThreads = 0;
  /// The kernel's integer arguments, 0 for its memrefs.
  SmallVector<int64_t> values;
};

/// Runs the host function `function` (memref arguments and results) on one
/// thread, emulating each kernel it launches (a 1-D grid of 1-D blocks) as
/// emulateKernel does: the device memory of gpu.alloc is a buffer like the
/// host's. Returns copies of the memrefs it returns, or failure with a
/// diagnostic. Appends the launches to `launches` when given.
FailureOr<SmallVector<Buffer>>
emulateHostFunction(FunctionOpInterface function, ArrayRef<Buffer *> arguments,
                    SmallVectorImpl<KernelLaunch> *launches = nullptr,
                    MemoryStats *stats = nullptr);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_TOOLS_TSPARSE_GPU_EMULATE_EMULATOR_H
