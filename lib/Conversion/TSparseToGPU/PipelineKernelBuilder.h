//===- PipelineKernelBuilder.h - cp.async-pipelined kernels -----*- C++ -*-===//
//
// The builder of the two kernels whose operands stream through a ring of
// shared-memory stages filled by cp.async: the mma.sync kernel
// (MMASyncKernel.cpp) and the Hopper wgmma kernel (WGMMAKernel.cpp). They
// share the work items, the copies into the stages (laid out for ldmatrix,
// or in the canonical swizzled layouts a wgmma descriptor names) and the
// epilogue, which takes the accumulators as m16n8 fragments.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_LIB_CONVERSION_TSPARSETOGPU_PIPELINEKERNELBUILDER_H
#define TSPARSE_LIB_CONVERSION_TSPARSETOGPU_PIPELINEKERNELBUILDER_H

#include "KernelBuilder.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir {
namespace tsparse {

/// mma.sync shape m16n8k16; the wgmma accumulators are handed to the
/// epilogue as m16n8 fragments too.
constexpr int64_t kMmaM = 16;
constexpr int64_t kMmaN = 8;
constexpr int64_t kMmaK = 16;
/// Elements per 16-byte chunk, the unit of cp.async and of an ldmatrix row.
constexpr int64_t kChunk = 8;
/// Elements of a 128-byte row of the wgmma kernel's MN-major stages: the
/// width of the 128-byte swizzle.
constexpr int64_t kSwizzleRowElements = 64;

/// Emits the body of the mma.sync or wgmma kernel.
class PipelineKernelBuilder : public KernelBuilder {
public:
  PipelineKernelBuilder(OpBuilder &b, Location loc, gpu::GPUFuncOp func,
                        const KernelConfig &config);

  void build();

private:
  /// Column of the first element of chunk `chunk` of staged row `kk` in a
  /// buffer of `rowChunks` chunks per row. XOR-ing the chunk with the row
  /// spreads the eight rows one ldmatrix reads at the same logical chunk
  /// over all banks: rows of 128 bytes or multiples use kk % 8, rows of 64
  /// or 192 bytes (two rows per bank cycle) (kk / 2) % 4. On rows of 128
  /// bytes starting at a multiple of 1024 bytes, this is the 128-byte
  /// swizzle of the wgmma shared-memory layouts.
  Value swizzle(Value kk, Value chunk, int64_t rowChunks) {
    Value key = rowChunks % 8 == 0 ? rem(kk, 8) : rem(div(kk, 2), 4);
    return mul(arith::XOrIOp::create(b, loc, chunk, key), kChunk);
  }
  /// First kept row of stage `stage`.
  Value stageStart(Value stage) { return add(firstRow, mul(stage, stageRows)); }
  /// The ring buffer after `buffer`.
  Value nextBuffer(Value buffer);
  /// The buffers a main-loop iteration reads and writes: for a steady
  /// iteration at ring position `u`, constants (buffer u, and the one
  /// getStagesAhead() on); otherwise `read` and `write` as carried.
  std::pair<Value, Value> getRingBuffers(std::optional<int64_t> u, Value read,
                                         Value write);
  /// The buffers of the iteration after that one.
  std::pair<Value, Value> getNextRingBuffers(std::optional<int64_t> u,
                                             Value read, Value write);

  /// Indices of the first element of chunk `chunk` (8 elements) of staged
  /// row `kk` of an operand staged MN-major, `rowElements` per kept row: B
  /// (tile_n columns) or a K-major A (blockRows rows of A).
  SmallVector<Value> stagedChunk(Value buffer, Value kk, Value chunk,
                                 int64_t rowElements);

  /// Runs `body(q)` for the indices q < `total` of thread `thread` of
  /// `threads`, `threads` apart.
  void forEachThreadChunk(Value thread, int64_t threads, int64_t total,
                          function_ref<void(Value)> body);
  /// The same for every thread of the block.
  void forEachThreadChunk(int64_t total, function_ref<void(Value)> body) {
    forEachThreadChunk(threadId, numThreads, total, body);
  }
  /// The same for the threads that copy the stages.
  void forEachCopyChunk(int64_t total, function_ref<void(Value)> body) {
    forEachThreadChunk(copyThread, copyThreads, total, body);
  }

  /// Whether the item takes the vector copies: a full tile of B and, for a
  /// K-major A, 16-byte aligned chunks of A.
  Value takesVectorCopies();
  /// Returns the 8 elements `element(e)` gives as (inside, value) as a
  /// vector, zero where not inside (a null `inside`: always inside).
  Value gatherChunk(function_ref<std::pair<Value, Value>(int64_t)> element);
  void copyBStage(Value stage, Value buffer);
  /// Rows of a K-major A (k) that this thread's chunks of stage `stage`
  /// gather, read from row_ids one stage ahead of their copies.
  SmallVector<Value> gatherKMajorRows(Value stage);
  /// What this thread's part of stage `stage` of A reads from row_ids,
  /// which the main loop reads an iteration ahead: a K-major A's rows in
  /// the vector way (gatherKMajorRows; the element-wise way reads them as
  /// it copies), the one gathered column of a register gather (clamped
  /// into the run), nothing otherwise.
  SmallVector<Value> prefetchRows(Value stage);
  void copyKMajorAStage(Value stage, Value buffer, ValueRange rows);
  void copyKMajorAStageByElements(Value stage, Value buffer);
  void copyRowMajorAChunksStage(Value stage, Value buffer);
  SmallVector<Value> loadRowMajorAStage(Value stage, Value k);
  void gatherRowMajorAStageByElements(Value stage, Value buffer, Value k);
  /// Chunks of eight rows of A a thread gathers per stage.
  int64_t getGatheredChunksPerThread() const {
    return blockRows / kChunk / (numThreads / 32);
  }
  /// The kept row of stage `stage` this lane gathers from A.
  Value getGatheredRow(Value stage) {
    return add(stageStart(stage), rem(threadId, stageRows));
  }
  /// Whether the gathered row-major A of the stage an iteration issues is
  /// held in registers across the iteration's mma and stored after it (the
  /// vector way, which hides the loads' latency that way), rather than
  /// stored as loaded (the element-wise way, whose clamped addresses need
  /// more registers).
  bool holdsGatheredA() const {
    return vectorCopies && !config.aKMajor && !config.copiesRowMajorAChunks();
  }
  void storeRowMajorAStage(Value buffer, ValueRange loaded);
  /// Stores gathered chunk `chunk` (eight rows of A) of this lane's kept row
  /// into `buffer`.
  void storeGatheredChunk(Value buffer, Value chunk, Value vector);
  /// Issues the copies of stage `stage` into `buffer`, `rows` being its
  /// prefetchRows; returns the registers of a row-major A still to be
  /// stored.
  SmallVector<Value> issueStage(Value stage, Value buffer, ValueRange rows);
  /// Issues stage `stage` into `buffer` if the item has it (a uniform
  /// branch that spares the copies and loads of the last iterations);
  /// returns the registers of a row-major A (zero past the run).
  SmallVector<Value> issueIfPresent(Value stage, Value buffer, ValueRange rows);
  /// The number of stages of the item.
  Value countStages();
  /// Issues stage `stage`, which has all its rows, unconditionally.
  SmallVector<Value> issueFullStage(Value stage, Value buffer, ValueRange rows);
  /// Stages the pipeline copies ahead of the one it multiplies.
  int64_t getStagesAhead() const { return config.numStages - 1; }
  /// The iterations of the main loop whose copies are of full stages.
  Value countSteadyStages();
  /// `emitIteration(stage, state, u)` emits iteration `stage` of a main
  /// loop and returns the state of the next one; `u`, for a steady
  /// iteration, is its position in the ring of buffers, which makes them
  /// constants.
  using IterationEmitter = function_ref<SmallVector<Value>(
      Value, ValueRange, std::optional<int64_t>)>;
  /// Emits the main loop over `numStages` iterations from state `init` and
  /// returns the final state. With vector copies, the steady iterations
  /// run first: a loop unrolled by the number of buffers, then, with
  /// `peelSteadyRemainder`, the ones past its last round, each under a
  /// uniform branch; then `betweenLoops()` (if any), and a loop over the
  /// rest.
  SmallVector<Value> emitMainLoop(Value numStages, ValueRange init,
                                  IterationEmitter emitIteration,
                                  bool peelSteadyRemainder,
                                  function_ref<void()> betweenLoops = nullptr);
  /// countStages() of the pipeline being emitted.
  Value itemStages;
  /// Whether the stage being issued is a full one: its copies need neither
  /// clamped rows nor zero-filling.
  bool fullStage = false;

  // mma.sync (MMASyncKernel.cpp).
  SmallVector<Value> multiplyStage(Value buffer, ValueRange accs);
  Value mma(Value aFragment, Value bFragment, Value acc);
  /// The prologue and the main loop over the item's stages; returns the
  /// accumulators.
  SmallVector<Value> emitPipeline();

  // wgmma (WGMMAKernel.cpp).
  /// The wgmma counterpart of emitPipeline: returns the warpgroup's
  /// accumulator, an LLVM struct of tile_n / 2 f32.
  Value emitWarpgroupPipeline();
  /// The shared-memory descriptor of the operand staged at byte offset
  /// `offset` of the workgroup memory (see getWGMMAWorkgroupTypes).
  Value descriptor(Value offset, int64_t leadingBytes, int64_t strideBytes,
                   int64_t swizzleBytes);
  /// Issues the wgmma of the k16 steps of stage buffer `buffer`.
  Value multiplyStageWarpgroup(Value buffer, Value acc);
  /// The warpgroup accumulator as m16n8 fragments (fragmentsN of them, the
  /// warp's 16 rows).
  SmallVector<Value> splitAccumulator(Value acc);
  /// Creates and initializes the mbarriers of the stage buffers: `full`
  /// ones, on which the producer announces a landed stage (each producer
  /// thread, and B's TMA loads), and `empty` ones, on which the consumers
  /// release a buffer whose wgmma retired (each consumer thread).
  void createStageBarriers();
  /// The first copy thread loads stage `stage` of B into `buffer` by TMA,
  /// in boxes of 64 columns, announcing their bytes on the buffer's full
  /// mbarrier.
  void loadBStageByTMA(Value stage, Value buffer);
  /// Emits `body` for the first copy thread only.
  void onFirstCopyThread(function_ref<void()> body);
  /// Whether this thread multiplies: one of the wgmma kernel's consumer
  /// warpgroups (the first threads), any thread of the other kernels.
  Value isMmaThread() {
    return ult(threadId, constant(config.getMmaThreads()));
  }
  /// Emits `body` for the threads that multiply only (all of them but in
  /// the wgmma kernel, whose producer holds no accumulators).
  void onMmaThreads(function_ref<void()> body);

  /// Adds the accumulators (m16n8 fragments) to C: through shared memory
  /// when the item owns its tile (StagedEpilogue.cpp), atomically otherwise.
  void addAccumulatorsToC(ValueRange accs);
  void addFragmentsAtomically(ValueRange accs);
  void storeTileThroughSharedMemory(ValueRange accs);
  /// Writes the fragments of pass `pass` (rows [pass, pass + 1) x
  /// `rowsPerPass` of the block) into `staged`.
  void stageFragments(Value staged, int64_t pass, int64_t rowsPerPass,
                      ValueRange accs);
  /// Stores the staged rows of pass `pass` into C, 16 bytes at a time when
  /// C's rows keep them aligned; `threadColumn`, when given, is the
  /// original column of every element this thread stores (a compacted
  /// layout).
  void storeStagedRows(Value staged, int64_t pass, int64_t rowsPerPass,
                       Value threadColumn);
  /// Stores the f32 `vector` into C from row `m`, original column `n` on,
  /// along M (consecutive rows) or N, adding C's value unless C starts at
  /// zero and applying the epilogue: one aligned vector access of C.
  void addVectorToC(Value m, Value n, Value vector, bool alongM);

  bool wgmma;
  /// Kept rows per stage (KernelConfig::getStageRows).
  int64_t stageRows;
  /// Accumulators of a warp for the epilogue: fragmentsM x fragmentsN of
  /// m16n8.
  int64_t fragmentsM, fragmentsN;
  /// Whether the pipeline being emitted uses the vector copies (see
  /// takesVectorCopies); the main loop is emitted once per way, so that it
  /// has no branch.
  bool vectorCopies = true;
  Value aShared, bShared;
  /// The wgmma pipeline's mbarrier groups (see createStageBarriers); with
  /// B loaded by TMA (its vector way), B's tensor map.
  Value fullBarriers, emptyBarriers, bTensorMap;
  /// The thread among the copy threads (copyThreads of them).
  Value copyThread;
  int64_t copyThreads;
  /// Byte offset of bShared in the workgroup memory, after aShared.
  int64_t bSharedOffset = 0;
  Value lastRow, lastM;
  Value warpRow, warpCol, lane;
};

/// Rows of C the pipelined kernel for `config` stages through shared memory
/// at a time: the most (a power-of-two fraction of the block's rows, at
/// least 16) that fit where its stages were.
int64_t getStagedRowsPerPass(const KernelConfig &config);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_LIB_CONVERSION_TSPARSETOGPU_PIPELINEKERNELBUILDER_H
