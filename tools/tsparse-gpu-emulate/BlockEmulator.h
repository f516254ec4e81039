//===- BlockEmulator.h - The emulator of one block --------------*- C++ -*-===//
//
// The interpreter behind emulateKernel and emulateHostFunction: the lanes
// of SSA values, the buffers, and the lock-step execution of one block (or
// of a host function, as one block of one thread). Emulator.cpp runs the
// ops; AsyncEmulation.cpp holds the semantics of Hopper's asynchronous
// units (wgmma, TMA loads, mbarriers).
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_TOOLS_TSPARSE_GPU_EMULATE_BLOCKEMULATOR_H
#define TSPARSE_TOOLS_TSPARSE_GPU_EMULATE_BLOCKEMULATOR_H

#include "Emulator.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace mlir {
namespace tsparse {
namespace emulation {

inline constexpr int64_t kWarpLanes = 32;
/// Threads of a warpgroup (wgmma).
inline constexpr int64_t kWarpgroupThreads = 128;
/// The shared-window address dynamic shared memory starts at: 16-byte
/// aligned, as CUDA promises, but not at the 1024-byte repeat of the
/// 128-byte swizzle, so that kernels relying on more alignment fail.
inline constexpr int64_t kDynamicSharedAddress = 0x410;
/// Elements of a WMMA fragment (16 x 16); every lane holds all of them.
inline constexpr int64_t kFragmentElements = 256;

/// Elements per lane of a value of type `type`.
int64_t getLaneWidth(Type type);

struct ValueHash {
  size_t operator()(Value value) const { return hash_value(value); }
};

/// The values of one SSA value: `width` elements per thread.
struct Lanes {
  int64_t width = 1;
  std::vector<Scalar> data;
  /// For a wgmma result: per warpgroup, the wgmma group its lanes belong
  /// to (0: none); they may be read once that group is retired.
  std::array<int64_t, kMaxWarpgroups> wgmmaGroups = {};
  Scalar *lane(int64_t thread) { return data.data() + thread * width; }
};

/// Emulates the blocks of one kernel launch, or a host function as one
/// block of one thread.
class BlockEmulator {
public:
  BlockEmulator(FunctionOpInterface function, int64_t numThreads,
                MemoryStats *stats, int64_t dynamicSharedBytes = 0)
      : function(function), numThreads(numThreads), stats(stats),
        dynamicSharedBytes(dynamicSharedBytes) {}

  /// A host function: its launches are appended to `launches` (when given)
  /// and add to `launchStats`.
  static BlockEmulator forHost(FunctionOpInterface function,
                               SmallVectorImpl<KernelLaunch> *launches,
                               MemoryStats *launchStats) {
    BlockEmulator emulator(function, /*numThreads=*/1, /*stats=*/nullptr);
    emulator.host = true;
    emulator.launches = launches;
    emulator.launchStats = launchStats;
    return emulator;
  }

  /// Runs block `blockId` of a grid of `numBlocks`.
  LogicalResult run(ArrayRef<KernelArgument> arguments, int64_t blockId,
                    int64_t numBlocks = 1);

  /// The buffers of the values a host function returned.
  FailureOr<SmallVector<Buffer>> getReturnedBuffers();

private:
  using Mask = std::vector<char>;

  Lanes &define(Value value) {
    Lanes &lanes = values[value];
    lanes.width = getLaneWidth(value.getType());
    lanes.data.assign(numThreads * lanes.width, Scalar());
    return lanes;
  }
  Lanes &get(Value value) {
    auto it = values.find(value);
    // Every op the emulator runs defines its results before they are read.
    if (it == values.end())
      llvm::report_fatal_error("tsparse-gpu-emulate: a value is read before "
                               "the emulator defined it");
    return it->second;
  }
  Buffer &getBuffer(Value memref) {
    Buffer *buffer = buffers.lookup(memref);
    if (!buffer)
      llvm::report_fatal_error("tsparse-gpu-emulate: a memref is read before "
                               "the emulator defined it");
    return *buffer;
  }
  /// Gives `target` the wgmma groups of `source` for the warpgroups of
  /// `mask`, whose lanes it takes from `source`.
  void takeWgmmaGroups(Lanes &target, const Lanes &source, const Mask &mask) {
    for (int64_t first = 0; first < numThreads; first += kWarpgroupThreads) {
      auto begin = mask.begin() + first;
      auto end = mask.begin() + std::min(first + kWarpgroupThreads, numThreads);
      if (std::find(begin, end, 1) != end)
        target.wgmmaGroups[first / kWarpgroupThreads] =
            source.wgmmaGroups[first / kWarpgroupThreads];
    }
  }
  /// Gives `target` the lanes of `source` for the threads of `mask`.
  void takeLanes(Lanes &target, Lanes &source, const Mask &mask) {
    for (int64_t t = 0; t < numThreads; ++t)
      if (mask[t])
        std::copy(source.lane(t), source.lane(t) + target.width,
                  target.lane(t));
    takeWgmmaGroups(target, source, mask);
  }
  /// Gives `to` the lanes, or the buffer, of `from`.
  void carry(Value from, Value to) {
    if (isa<MemRefType>(from.getType()))
      buffers[to] = &getBuffer(from);
    else
      values[to] = get(from);
  }

  /// Runs `block` for the threads in `mask`; `yielded` receives the
  /// operands of its terminator.
  LogicalResult runBlock(Block &block, const Mask &mask,
                         SmallVectorImpl<Value> *yielded);
  /// Defines `op`'s index result as `valueOfThread(t)` in each thread t
  /// (thread, block and lane ids, the grid's size).
  LogicalResult defineIndex(Operation *op,
                            function_ref<int64_t(int64_t)> valueOfThread);
  LogicalResult runOp(Operation *op, const Mask &mask);
  LogicalResult runFor(scf::ForOp op, const Mask &mask);
  LogicalResult runIf(scf::IfOp op, const Mask &mask);
  /// Runs the branches of a divergent `scf.if` that waits on mbarriers
  /// (warp-specialized roles, each in its own loop) as coroutines: a branch
  /// runs until it waits on a phase that is not complete, then the other
  /// one runs; both blocked without progress is a deadlock.
  LogicalResult runBranchesConcurrently(scf::IfOp op, const Mask &thenMask,
                                        const Mask &elseMask);
  /// Gives the results of `op` the lanes `yielded` by the branch that the
  /// threads of `branchMask` ran.
  void mergeBranchResults(scf::IfOp op, ArrayRef<Value> yielded,
                          const Mask &branchMask);
  /// Whether `op`'s regions wait on an mbarrier (cached).
  bool waitsOnMBarriers(scf::IfOp op);
  /// Called by a branch whose wait cannot complete: lets the other branch
  /// run, and returns failure if none can (a deadlock) or the other one
  /// failed. `progress` is the number of arrivals when the wait last found
  /// its phase incomplete.
  LogicalResult letOtherBranchRun(int64_t &progress);
  /// Lets the other branch run until it yields back, if it waits (for what
  /// this branch just gave back).
  LogicalResult wakeWaitingBranch();
  /// Hands the turn to the other branch and waits for it to come back.
  LogicalResult passTurn(std::unique_lock<std::mutex> &lock, bool waiting);
  LogicalResult runArith(Operation *op, const Mask &mask);

  /// Linear index of `indices` in `buffer` for `thread`, checking bounds;
  /// `extent` elements from there must stay in the last dimension.
  FailureOr<int64_t> linearIndex(Operation *op, Buffer &buffer,
                                 ValueRange indices, int64_t thread,
                                 int64_t extent = 1);
  LogicalResult checkWholeWarps(Operation *op, const Mask &mask);
  LogicalResult checkAligned(Operation *op, Buffer &buffer, int64_t index,
                             int64_t bytes);

  /// Element accesses of `thread`, with the race checks.
  LogicalResult read(Operation *op, Buffer &buffer, int64_t index,
                     int64_t thread, Scalar &value);
  LogicalResult write(Operation *op, Buffer &buffer, int64_t index,
                      int64_t thread, Scalar value, bool atomic = false);
  /// Records an access of `thread` to element `index` of a view of
  /// workgroup bytes, failing if another view accessed any of its bytes in
  /// the same barrier interval.
  LogicalResult touchBytes(Operation *op, Buffer &buffer, int64_t index,
                           int64_t thread);
  /// Fails if a wgmma in flight reads workgroup element `index` of `buffer`,
  /// which `thread` is about to write.
  LogicalResult checkNoAsyncReader(Operation *op, Buffer &buffer, int64_t index,
                                   int64_t thread);
  /// Loads into (or stores from) `lanes` its width of consecutive elements
  /// at `indices` of `memref`, for every active thread.
  LogicalResult transfer(Operation *op, Value memref, ValueRange indices,
                         const Mask &mask, Lanes &lanes, bool store);
  /// Copies the WMMA fragment of lane `warp`, the first of its warp, to the
  /// other lanes of the warp.
  void shareWithWarp(Lanes &fragment, int64_t warp) {
    for (int64_t t = warp + 1; t < warp + kWarpLanes; ++t)
      std::copy_n(fragment.lane(warp), fragment.width, fragment.lane(t));
  }
  /// Loads (or stores) the 16 x 16 WMMA fragment `lanes` at `indices` of
  /// `memref`, rows `lead` elements apart. Every lane holds the whole
  /// fragment; the first lane of each warp moves it (a load is then shared
  /// with the other lanes, which must give the same address).
  LogicalResult transferFragment(Operation *op, Value memref,
                                 ValueRange indices, int64_t lead,
                                 bool transpose, const Mask &mask, Lanes &lanes,
                                 bool store);
  /// Lands the cp.async groups of `thread` but the `keep` most recent.
  LogicalResult landCopies(Operation *op, int64_t thread, int64_t keep);

  LogicalResult runLdMatrix(nvgpu::LdMatrixOp op, const Mask &mask);

  /// Checks that the threads of `mask` are whole warpgroups and returns
  /// those warpgroups.
  FailureOr<SmallVector<int64_t>> getActiveWarpgroups(Operation *op,
                                                      const Mask &mask);
  /// The workgroup buffer and element at shared-window address `address`.
  FailureOr<std::pair<Buffer *, int64_t>> resolveSharedAddress(Operation *op,
                                                               int64_t address);
  /// Element (mn, k) of a wgmma operand whose descriptor is `descriptor`,
  /// K-major (k contiguous) or MN-major, read by warpgroup `warpgroup`.
  FailureOr<double> readWgmmaOperand(Operation *op, uint64_t descriptor,
                                     bool kMajor, int64_t mn, int64_t k,
                                     int64_t elementBytes, int64_t warpgroup);
  LogicalResult runWgmma(NVVM::WgmmaMmaAsyncOp op, const Mask &mask);
  /// Fails if `lanes` is a wgmma result whose group `mask`'s warpgroups have
  /// not retired.
  LogicalResult checkRetired(Operation *op, const Lanes &lanes,
                             const Mask &mask);

  /// Host ops: a new buffer of `type` (dynamic sizes from `sizes`) for
  /// `result`, copies between buffers, kernel launches.
  LogicalResult allocate(Operation *op, Value result, MemRefType type,
                         ValueRange sizes);
  LogicalResult runGetGlobal(memref::GetGlobalOp op);
  LogicalResult copy(Operation *op, Value source, Value target);
  /// Makes `result` a view of `source`'s elements in the same order, with
  /// `shape`.
  LogicalResult makeView(Operation *op, Value source, Value result,
                         ArrayRef<int64_t> shape);
  LogicalResult runLaunch(gpu::LaunchFuncOp op);
  /// Adds a warp-wide access of `buffer` to `stats` (wavefronts for
  /// workgroup memory, sectors for global memory); `elements[t]` is the
  /// first element thread t accesses (`width` of them), negative when it
  /// accesses none.
  void countAccess(const Buffer &buffer, ArrayRef<int64_t> elements,
                   int64_t width);
  /// D = A B + C of m16n8k16 for every warp; `a`, `b`, `c` give the
  /// operand elements of a thread in PTX fragment order.
  void runMmaM16N8K16(const Mask &mask,
                      function_ref<double(int64_t thread, int64_t i)> a,
                      function_ref<double(int64_t thread, int64_t i)> b,
                      function_ref<double(int64_t thread, int64_t i)> c,
                      Lanes &result);

  FunctionOpInterface function;
  int64_t numThreads;
  MemoryStats *stats;
  /// Bytes of dynamic shared memory of the launch.
  int64_t dynamicSharedBytes = 0;
  /// The byte ranges of dynamic shared memory that views have taken in this
  /// block, and the views (each a workgroup buffer of its own).
  SmallVector<std::pair<int64_t, int64_t>> dynamicSharedViews;
  SmallVector<Buffer *> dynamicSharedViewBuffers;
  /// The dynamic shared memory's own buffer (its address is
  /// kDynamicSharedAddress).
  Buffer *dynamicShared = nullptr;
  /// Per thread: op count of its last fence.proxy.async.
  std::vector<int64_t> proxyFenceClock;
  /// Per warpgroup: wgmma groups committed and retired so far, and whether
  /// a wgmma.fence came since the last commit.
  std::vector<int64_t> wgmmaCommitted, wgmmaRetired;
  std::vector<char> wgmmaFenced;
  /// Per warpgroup and wgmma group: the op count and barrier interval of
  /// the wgmma.wait_group that retired it (-1 while in flight).
  std::vector<std::vector<std::pair<int64_t, int64_t>>> wgmmaRetirements;
  /// In a kernel that creates mbarriers: per thread, the op count of the
  /// last op of each thread ordered before it through them (-1: none); the
  /// race checks accept an access that follows the other one this way.
  /// Empty otherwise.
  std::vector<std::vector<int64_t>> knows;
  /// Whether `thread`'s op at op count `opClock` is ordered before the
  /// current op of `later`: the same thread, or through an mbarrier.
  bool orderedBefore(int64_t thread, int64_t opClock, int64_t later) const {
    return thread == later ||
           (thread >= 0 && !knows.empty() && knows[later][thread] >= opClock);
  }
  /// Records that `thread` reads `shadow`'s element now (with mbarriers).
  void noteReader(Shadow &shadow, int64_t thread);
  SmallVectorImpl<KernelLaunch> *launches = nullptr;
  MemoryStats *launchStats = nullptr;
  int64_t blockId = 0;
  int64_t numBlocks = 1;
  /// Whether this runs a host function, which must not touch device memory.
  bool host = false;
  /// What a host function allocated, and what it returned.
  std::vector<std::unique_ptr<Buffer>> hostBuffers;
  SmallVector<Value> returned;
  /// References to the lanes stay valid while values are added.
  std::unordered_map<Value, Lanes, ValueHash> values;
  DenseMap<Value, Buffer *> buffers;
  std::vector<std::unique_ptr<Buffer>> workgroupBuffers;
  /// Barrier intervals so far, and ops run so far.
  int64_t epoch = 0, clock = 0;
  /// An element a cp.async copies, with its value and issue time.
  struct PendingCopy {
    Buffer *buffer;
    int64_t index;
    Scalar value;
    int64_t issueClock;
  };
  /// Per thread: copies not committed yet, and committed groups in order.
  std::vector<std::vector<PendingCopy>> openCopies;
  std::vector<std::vector<std::vector<PendingCopy>>> copyGroups;
  /// Host: the tensor maps created (a tensor map value is an index here).
  /// Kernel: the tensor maps of its arguments.
  std::vector<std::unique_ptr<TensorMap>> tensorMaps;
  std::vector<const TensorMap *> kernelTensorMaps;
  /// An element a TMA load writes when it lands.
  struct PendingTma {
    Buffer *buffer;
    int64_t index;
    Scalar value;
  };
  /// An mbarrier: arrivals per phase and still pending, bytes of
  /// transactions still expected, phases completed, loads in flight; what
  /// the arrivals of the current phase knew (`knows`, with each arrival),
  /// and what the last completed phase releases to the threads that wait.
  struct MBarrier {
    bool initialized = false;
    int64_t count = 0, pending = 0, tx = 0, completed = 0;
    std::vector<PendingTma> inFlight;
    int64_t inFlightBytes = 0;
    std::vector<int64_t> releasing, released;
  };
  /// Arrivals on mbarriers and registers given back so far (the progress a
  /// blocked branch waits for).
  int64_t arrivals = 0;
  /// Per warpgroup, its registers per thread (setmaxnreg), and the
  /// registers of the block's pool no warpgroup holds.
  std::vector<int64_t> warpgroupRegisters;
  int64_t freeRegisters = 0;
  LogicalResult runSetMaxRegister(NVVM::SetMaxRegisterOp op, const Mask &mask);
  /// Two branches running as coroutines: which one may run, which ones
  /// finished, and whether one failed. One OS thread per branch, only one
  /// of which runs at a time.
  struct Coroutines {
    std::mutex mutex;
    std::condition_variable turn;
    int running = 0;
    bool finished[2] = {false, false};
    bool waiting[2] = {false, false};
    bool failed = false;
  };
  /// The coroutines the current branch belongs to, and its side.
  Coroutines *coroutines = nullptr;
  int coroutineSide = 0;
  DenseMap<Operation *, bool> waitingIfs;
  /// The mbarrier groups of the block (an mbarrier group value is an index),
  /// one per `nvgpu.mbarrier.create`: a static allocation of workgroup
  /// memory, the same group each time the op runs.
  std::vector<std::vector<MBarrier>> mbarrierGroups;
  DenseMap<Operation *, int64_t> mbarrierGroupOf;
  FailureOr<MBarrier *> getMBarrier(Operation *op, Value group, Value id,
                                    int64_t thread);
  /// Completes the barrier's phase if its arrivals and bytes are all in.
  void completePhaseIfDone(MBarrier &barrier);
  /// One arrival of `thread` on the barrier's current phase, which releases
  /// what the thread knows to the threads that wait on the phase.
  LogicalResult arrive(Operation *op, MBarrier &barrier, int64_t thread);
  LogicalResult runTmaLoad(nvgpu::TmaAsyncLoadOp op, const Mask &mask);
  /// Runs `fn` on the mbarrier `id` of `group` for each thread of `mask`
  /// (and of `predicate`, when given).
  LogicalResult
  forEachBarrierThread(Operation *op, const Mask &mask, Value predicate,
                       Value group, Value id,
                       function_ref<LogicalResult(int64_t, MBarrier &)> fn);
  LogicalResult runMBarrierInit(nvgpu::MBarrierInitOp op, const Mask &mask);
  LogicalResult runMBarrierArriveExpectTx(nvgpu::MBarrierArriveExpectTxOp op,
                                          const Mask &mask);
  LogicalResult runMBarrierArrive(nvgpu::MBarrierArriveOp op, const Mask &mask);
  LogicalResult runMBarrierWait(nvgpu::MBarrierTryWaitParityOp op,
                                const Mask &mask);
  /// Lands the TMA loads in flight on `barrier` and completes its phase if
  /// they were what it waited for.
  LogicalResult landTmaLoads(Operation *op, MBarrier &barrier);
};

} // namespace emulation
} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_TOOLS_TSPARSE_GPU_EMULATE_BLOCKEMULATOR_H
