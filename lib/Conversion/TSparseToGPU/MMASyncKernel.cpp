//===- MMASyncKernel.cpp - Fused tile-sparse mma.sync kernel --------------===//
//
// One thread block per work item (an M tile and a run of kept rows of one
// column tile), warps two across the block's C tile, each holding 64 rows
// x tile_n / 2 columns as (64 / 16) x (tile_n / 16) accumulators of
// m16n8. Kept rows stream through a multi-stage pipeline of 32-row stages
// in workgroup memory: cp.async copies the packed rows of B `numStages - 1`
// stages ahead, and A's part of the stage: a K-major A's gathered rows
// (contiguous in memory, their row_ids read an iteration earlier), or a
// row-major A's 16-byte chunks along K when its gathered rows come in runs
// of 8 (KernelConfig::copiesRowMajorAChunks). Any other row-major A is
// gathered through registers (the kernel is specialized on its static row
// length, so that a lane's eight rows are at constant offsets), its loads
// issued before the mma of the current stage and stored after it. B and a
// gathered A are staged K-major and read by ldmatrix.trans, a chunked A
// M-major and read by ldmatrix as is; 16-byte chunks are XOR-swizzled by
// row so that the eight rows an ldmatrix phase reads fall into distinct
// banks. The main loop is emitted once per way of copying (16-byte
// cp.async, or element by element, in loops, for a narrow last tile, a
// partial last M tile or unaligned rows), chosen once per item, and
// carries the ring buffers it reads and writes, so that it has neither a
// branch on the copies nor a division; its steady part is unrolled by the
// number of buffers, which makes them constants. When the item is its
// whole tile, the accumulators go to C through shared memory
// (StagedEpilogue.cpp); otherwise they are added to C atomically from
// registers.
//
//===----------------------------------------------------------------------===//

#include "PipelineKernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tsparse;

PipelineKernelBuilder::PipelineKernelBuilder(OpBuilder &b, Location loc,
                                             gpu::GPUFuncOp func,
                                             const KernelConfig &config)
    : KernelBuilder(b, loc, func, config),
      wgmma(config.flavor == MmaFlavor::WGMMA),
      stageRows(config.getStageRows()),
      fragmentsM(wgmma ? 1 : KernelConfig::kMMASyncWarpRows / kMmaM),
      fragmentsN(layout.getTileN() / (wgmma ? 1 : 2) / kMmaN) {
  SmallVector<Type> types = getWorkgroupTypes(config);
  SmallVector<Value> buffers = getWorkgroupBuffers(func, types);
  aShared = buffers[0];
  bShared = buffers[1];
  bSharedOffset = getMemRefBytes(cast<MemRefType>(types[0]));
}

Value PipelineKernelBuilder::nextBuffer(Value buffer) {
  Value next = add(buffer, 1);
  return arith::SelectOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, next,
                            constant(config.numStages)),
      constant(0), next);
}

std::pair<Value, Value>
PipelineKernelBuilder::getRingBuffers(std::optional<int64_t> u, Value read,
                                      Value write) {
  if (!u)
    return {read, write};
  return {constant(*u), constant((*u + getStagesAhead()) % config.numStages)};
}

std::pair<Value, Value>
PipelineKernelBuilder::getNextRingBuffers(std::optional<int64_t> u, Value read,
                                          Value write) {
  if (!u)
    return {nextBuffer(read), nextBuffer(write)};
  return getRingBuffers((*u + 1) % config.numStages, read, write);
}

SmallVector<Value> PipelineKernelBuilder::stagedChunk(Value buffer, Value kk,
                                                      Value chunk,
                                                      int64_t rowElements) {
  if (!wgmma)
    return {buffer, kk, swizzle(kk, chunk, rowElements / kChunk)};
  int64_t rowChunks = kSwizzleRowElements / kChunk;
  return {buffer, div(chunk, rowChunks), kk,
          swizzle(kk, rem(chunk, rowChunks), rowChunks)};
}

void PipelineKernelBuilder::forEachThreadChunk(Value thread, int64_t threads,
                                               int64_t total,
                                               function_ref<void(Value)> body) {
  for (int64_t first = 0; first < total; first += threads) {
    Value q = add(thread, first);
    if (first + threads <= total) {
      body(q);
      continue;
    }
    auto ifOp = scf::IfOp::create(b, loc, ult(q, constant(total)),
                                  /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    body(q);
  }
}

Value PipelineKernelBuilder::takesVectorCopies() {
  Value vector = isFullTile();
  // A gathered A is then read without bounds on M (loadRowMajorAStage), so
  // the M tile must lie inside A; a last, partial M tile takes the
  // element-wise way.
  if (!config.aKMajor && !config.copiesRowMajorAChunks())
    return arith::AndIOp::create(
        b, loc, vector,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule,
                              add(m0, blockRows), numRows));
  // Chunks of A start 16-byte aligned if A's rows do and the chunk's first
  // element is at a multiple of 8: the gathered runs of a row-major A start
  // there, and so does a K-major A's block (a multiple of blockRows, unless
  // batches are stacked).
  Value aligned = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq,
      rem(memref::DimOp::create(b, loc, a, 1), kChunk), constant(0));
  if (config.aKMajor && config.denseB)
    aligned = arith::AndIOp::create(
        b, loc, aligned,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, rem(m0, kChunk),
                              constant(0)));
  return arith::AndIOp::create(b, loc, vector, aligned);
}

Value PipelineKernelBuilder::gatherChunk(
    function_ref<std::pair<Value, Value>(int64_t)> element) {
  Value zero =
      arith::ConstantOp::create(b, loc, b.getZeroAttr(config.elementType));
  SmallVector<Value> elements;
  for (int64_t e = 0; e < kChunk; ++e) {
    auto [inside, value] = element(e);
    elements.push_back(
        inside ? arith::SelectOp::create(b, loc, inside, value, zero) : value);
  }
  return vector::FromElementsOp::create(
      b, loc, VectorType::get({kChunk}, config.elementType), elements);
}

/// Copies the 32 packed rows of stage `stage` into `buffer`: cp.async of
/// 16-byte chunks with vector copies (rows past the run are zero-filled),
/// one element at a time otherwise (a narrower last tile, whose rows are
/// `width` long, or unaligned rows of B in place).
void PipelineKernelBuilder::copyBStage(Value stage, Value buffer) {
  if (vectorCopies && bTensorMap) {
    loadBStageByTMA(stage, buffer);
    return;
  }
  Value start = stageStart(stage);
  int64_t rowChunks = tileN / kChunk;
  if (vectorCopies) {
    forEachCopyChunk(stageRows * rowChunks, [&](Value q) {
      Value kk = div(q, rowChunks);
      Value chunk = rem(q, rowChunks);
      Value row = add(start, kk);
      Value readRow =
          fullStage ? row : arith::MinUIOp::create(b, loc, row, lastRow);
      Value source = bIndex(readRow, mul(chunk, kChunk), /*fullTile=*/true);
      Value sourceElements =
          fullStage ? Value()
                    : arith::SelectOp::create(b, loc, ult(row, endRow),
                                              constant(kChunk), constant(0));
      nvgpu::DeviceAsyncCopyOp::create(
          b, loc, bShared, stagedChunk(buffer, kk, chunk, tileN), values,
          ValueRange{source}, b.getIndexAttr(kChunk), sourceElements,
          b.getUnitAttr());
    });
    return;
  }
  Value zero =
      arith::ConstantOp::create(b, loc, b.getZeroAttr(config.elementType));
  auto copyElement = [&](Value q) {
    Value kk = div(q, tileN);
    Value j = rem(q, tileN);
    Value row = add(start, kk);
    Value inside =
        arith::AndIOp::create(b, loc, ult(row, endRow), ult(j, width));
    Value source =
        bIndex(arith::MinUIOp::create(b, loc, row, lastRow), clampColumn(j),
               /*fullTile=*/false);
    Value value = memref::LoadOp::create(b, loc, values, source);
    SmallVector<Value> indices = stagedChunk(buffer, kk, div(j, kChunk), tileN);
    indices.back() = add(indices.back(), rem(j, kChunk));
    memref::StoreOp::create(
        b, loc, arith::SelectOp::create(b, loc, inside, value, zero), bShared,
        indices);
  };
  // A thread's elements (32 to 64) are copied by a loop: unrolled, their
  // loads would all be in flight at once, the kernel's peak of registers,
  // which made ptxas spill (values held across the vector way's main loop,
  // or the wgmma producer's).
  scf::ForOp::create(b, loc, copyThread, constant(stageRows * tileN),
                     constant(copyThreads), ValueRange{},
                     [&](OpBuilder &, Location, Value q, ValueRange) {
                       copyElement(q);
                       scf::YieldOp::create(b, loc);
                     });
}

/// Chunks of a K-major A per stage: its kept rows of blockRows / 8 chunks,
/// which the copy threads share evenly.
static int64_t getKMajorChunksPerThread(const KernelConfig &config) {
  int64_t chunks = config.getStageRows() * config.blockRows / kChunk;
  assert(chunks % config.getCopyThreads() == 0 && "uneven K-major chunks");
  return chunks / config.getCopyThreads();
}

SmallVector<Value> PipelineKernelBuilder::prefetchRows(Value stage) {
  // The element-wise way reads a K-major A's rows as it copies them.
  if (config.aKMajor)
    return vectorCopies ? gatherKMajorRows(stage) : SmallVector<Value>();
  if (!config.gathersRowMajorA())
    return {};
  // Clamped into the run: the last stage may be partial.
  return {gatheredK(
      arith::MinUIOp::create(b, loc, getGatheredRow(stage), lastRow))};
}

SmallVector<Value> PipelineKernelBuilder::gatherKMajorRows(Value stage) {
  Value start = stageStart(stage);
  int64_t rowChunks = blockRows / kChunk;
  SmallVector<Value> rows;
  for (int64_t i = 0, e = getKMajorChunksPerThread(config); i < e; ++i) {
    Value kk = div(add(copyThread, i * copyThreads), rowChunks);
    rows.push_back(
        gatheredK(arith::MinUIOp::create(b, loc, add(start, kk), lastRow)));
  }
  return rows;
}

/// The element-wise way of copying stage `stage` of a K-major A into
/// `buffer` (a partial tile): one chunk per iteration of a loop that reads
/// the chunk's row itself. Unrolled, the loads of all the thread's chunks
/// would be in flight at once, the kernel's peak of registers.
void PipelineKernelBuilder::copyKMajorAStageByElements(Value stage,
                                                       Value buffer) {
  Value start = stageStart(stage);
  int64_t rowChunks = blockRows / kChunk;
  auto loop =
      scf::ForOp::create(b, loc, copyThread, constant(stageRows * rowChunks),
                         constant(copyThreads));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  Value q = loop.getInductionVar();
  Value kk = div(q, rowChunks);
  Value chunk = rem(q, rowChunks);
  Value row = add(start, kk);
  Value k = gatheredK(arith::MinUIOp::create(b, loc, row, lastRow));
  Value m = add(m0, mul(chunk, kChunk));
  Value vector = gatherChunk([&](int64_t e) {
    Value me = add(m, e);
    Value inside =
        arith::AndIOp::create(b, loc, ult(row, endRow), ult(me, numRows));
    return std::make_pair(inside,
                          loadA(arith::MinUIOp::create(b, loc, me, lastM), k));
  });
  vector::StoreOp::create(b, loc, vector, aShared,
                          stagedChunk(buffer, kk, chunk, blockRows))
      .setAlignment(16);
}

/// Copies the gathered rows `rows` (gatherKMajorRows) of a K-major A for
/// stage `stage` into `buffer` by cp.async: each kept row is blockRows
/// contiguous elements of A.
void PipelineKernelBuilder::copyKMajorAStage(Value stage, Value buffer,
                                             ValueRange rows) {
  Value start = stageStart(stage);
  int64_t rowChunks = blockRows / kChunk;
  for (auto [i, k] : llvm::enumerate(rows)) {
    Value q = add(copyThread, int64_t(i) * copyThreads);
    Value kk = div(q, rowChunks);
    Value chunk = rem(q, rowChunks);
    Value row = add(start, kk);
    Value m = add(m0, mul(chunk, kChunk));
    // Elements of the chunk inside A; none past the run.
    Value mInside = ult(m, numRows);
    Value available = arith::MinUIOp::create(
        b, loc, arith::SubIOp::create(b, loc, numRows, m), constant(kChunk));
    Value inside =
        fullStage ? mInside
                  : arith::AndIOp::create(b, loc, ult(row, endRow), mInside);
    Value sourceElements =
        arith::SelectOp::create(b, loc, inside, available, constant(0));
    Value readM = arith::SelectOp::create(b, loc, mInside, m, constant(0));
    nvgpu::DeviceAsyncCopyOp::create(
        b, loc, aShared, stagedChunk(buffer, kk, chunk, blockRows), a,
        ValueRange{k, readM}, b.getIndexAttr(kChunk), sourceElements,
        b.getUnitAttr());
  }
}

/// Copies stage `stage` of a row-major A whose gathered rows come in runs of
/// 8 (copiesRowMajorAChunks) into `buffer`, M-major: chunk c of row m holds
/// the gathered elements 8 c .. 8 c + 7 of the stage, contiguous in A.
/// cp.async with vector copies (chunks past the run or past M zero-filled),
/// element by element otherwise.
void PipelineKernelBuilder::copyRowMajorAChunksStage(Value stage,
                                                     Value buffer) {
  Value start = stageStart(stage);
  int64_t rowChunks = stageRows / kChunk;
  // The last chunk that starts inside the run: reads stay in A and aligned.
  Value lastChunkRow = mul(div(lastRow, kChunk), kChunk);
  forEachCopyChunk(blockRows * rowChunks, [&](Value q) {
    Value mRow = div(q, rowChunks);
    Value chunk = rem(q, rowChunks);
    Value row = add(start, mul(chunk, kChunk));
    Value k = gatheredK(arith::MinUIOp::create(b, loc, row, lastChunkRow));
    Value m = add(m0, mRow);
    Value mInside = ult(m, numRows);
    Value column = swizzle(mRow, chunk, rowChunks);
    if (vectorCopies) {
      Value available = arith::MinUIOp::create(
          b, loc,
          arith::SubIOp::create(
              b, loc, arith::MaxUIOp::create(b, loc, endRow, row), row),
          constant(kChunk));
      Value sourceElements =
          arith::SelectOp::create(b, loc, mInside, available, constant(0));
      Value readM = arith::SelectOp::create(b, loc, mInside, m, constant(0));
      nvgpu::DeviceAsyncCopyOp::create(
          b, loc, aShared, ValueRange{buffer, mRow, column}, a,
          ValueRange{readM, k}, b.getIndexAttr(kChunk), sourceElements,
          b.getUnitAttr());
      return;
    }
    Value readM = arith::MinUIOp::create(b, loc, m, lastM);
    Value vector = gatherChunk([&](int64_t e) {
      Value rowE = add(row, e);
      Value inside = arith::AndIOp::create(b, loc, ult(rowE, endRow), mInside);
      return std::make_pair(
          inside, loadA(readM, gatheredK(arith::MinUIOp::create(b, loc, rowE,
                                                                lastRow))));
    });
    vector::StoreOp::create(b, loc, vector, aShared,
                            ValueRange{buffer, mRow, column})
        .setAlignment(16);
  });
}

/// Gathers this thread's part of stage `stage` of a row-major A into
/// registers (the vector way), `k` being its gathered column
/// (prefetchRows): lane kk takes kept row kk of the stage for its warp's
/// chunks of eight rows of A, so that a warp reads 32 gathered elements of
/// one row. The M tile of the vector way lies inside A (takesVectorCopies),
/// so its chunks load every element as it is, at constant offsets from the
/// chunk's first one when A's rows have a static length; a lane past the
/// run of a partial stage reads the last kept row instead and zeroes its
/// chunks whole.
SmallVector<Value> PipelineKernelBuilder::loadRowMajorAStage(Value stage,
                                                             Value k) {
  Value rowInside = fullStage ? Value() : ult(getGatheredRow(stage), endRow);
  int64_t numWarps = numThreads / 32;
  // A thread's chunks lie numWarps chunks apart: constant offsets from its
  // first, which its loads then share one address with.
  Value firstChunkRow = add(m0, mul(div(threadId, 32), kChunk));
  SmallVector<Value> loaded;
  for (int64_t t = 0; t < getGatheredChunksPerThread(); ++t) {
    Value chunkRow = add(firstChunkRow, t * numWarps * kChunk);
    Value vector = gatherChunk([&](int64_t e) {
      return std::make_pair(Value(), loadA(add(chunkRow, e), k));
    });
    if (rowInside)
      vector = arith::SelectOp::create(
          b, loc, rowInside, vector,
          arith::ConstantOp::create(b, loc, b.getZeroAttr(vector.getType())));
    loaded.push_back(vector);
  }
  return loaded;
}

void PipelineKernelBuilder::storeGatheredChunk(Value buffer, Value chunk,
                                               Value vector) {
  Value kk = rem(threadId, stageRows);
  vector::StoreOp::create(
      b, loc, vector, aShared,
      ValueRange{buffer, kk, swizzle(kk, chunk, blockRows / kChunk)})
      .setAlignment(16);
}

void PipelineKernelBuilder::storeRowMajorAStage(Value buffer,
                                                ValueRange loaded) {
  int64_t numWarps = numThreads / 32;
  for (auto [t, vector] : llvm::enumerate(loaded))
    storeGatheredChunk(buffer, add(div(threadId, 32), int64_t(t) * numWarps),
                       vector);
}

/// The element-wise way of gathering stage `stage` of a row-major A (a
/// partial M tile, or a narrow last tile): the chunks of loadRowMajorAStage,
/// each element's row clamped into A, stored one chunk at a time by a loop
/// over them. Unrolled, the loads of all the chunks would be in flight at
/// once: the kernel's peak of registers, which made ptxas spill values held
/// across the vector way's main loop.
void PipelineKernelBuilder::gatherRowMajorAStageByElements(Value stage,
                                                           Value buffer,
                                                           Value k) {
  Value rowInside = fullStage ? Value() : ult(getGatheredRow(stage), endRow);
  auto loop = scf::ForOp::create(b, loc, div(threadId, 32),
                                 constant(blockRows / kChunk),
                                 constant(numThreads / 32));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  Value chunk = loop.getInductionVar();
  Value chunkRow = add(m0, mul(chunk, kChunk));
  Value vector = gatherChunk([&](int64_t e) {
    Value m = arith::MinUIOp::create(b, loc, add(chunkRow, e), lastM);
    return std::make_pair(rowInside, loadA(m, k));
  });
  storeGatheredChunk(buffer, chunk, vector);
}

SmallVector<Value> PipelineKernelBuilder::issueStage(Value stage, Value buffer,
                                                     ValueRange rows) {
  copyBStage(stage, buffer);
  if (config.aKMajor) {
    if (vectorCopies)
      copyKMajorAStage(stage, buffer, rows);
    else
      copyKMajorAStageByElements(stage, buffer);
    return {};
  }
  if (config.copiesRowMajorAChunks()) {
    copyRowMajorAChunksStage(stage, buffer);
    return {};
  }
  if (holdsGatheredA())
    return loadRowMajorAStage(stage, rows.front());
  gatherRowMajorAStageByElements(stage, buffer, rows.front());
  return {};
}

/// One m16n8k16 product; bf16 goes through NVVM directly, as nvgpu.mma.sync
/// does not lower it.
Value PipelineKernelBuilder::mma(Value aFragment, Value bFragment, Value acc) {
  if (config.elementType.isF16())
    return nvgpu::MmaSyncOp::create(b, loc, aFragment, bFragment, acc,
                                    ArrayRef<int64_t>{kMmaM, kMmaN, kMmaK});
  auto registers = [&](Value fragment, int64_t count) {
    SmallVector<Value> result;
    for (int64_t r = 0; r < count; ++r) {
      Value pair = vector::ExtractOp::create(b, loc, fragment, r);
      Value bits = vector::BitCastOp::create(
          b, loc, VectorType::get({1}, b.getI32Type()), pair);
      result.push_back(vector::ExtractOp::create(b, loc, bits, 0));
    }
    return result;
  };
  SmallVector<Value> accValues;
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t e = 0; e < 2; ++e)
      accValues.push_back(
          vector::ExtractOp::create(b, loc, acc, ArrayRef<int64_t>{h, e}));
  Type f32 = b.getF32Type();
  auto resultType =
      LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
  Value result = NVVM::MmaOp::create(
      b, loc, resultType, registers(aFragment, 4), registers(bFragment, 2),
      accValues, ArrayRef<int64_t>{kMmaM, kMmaN, kMmaK}, std::nullopt,
      std::nullopt,
      std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16, NVVM::MMATypes::bf16},
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                     NVVM::MMALayout::col});
  SmallVector<Value> elements;
  for (int64_t i = 0; i < 4; ++i)
    elements.push_back(LLVM::ExtractValueOp::create(b, loc, result, i));
  return vector::FromElementsOp::create(b, loc, cast<VectorType>(acc.getType()),
                                        elements);
}

/// The two k-steps of stage `stage`. Lane l addresses row l % 8 of the
/// 8 x 8 matrix l / 8 of an ldmatrix.x4; with .trans, the K-major staged
/// operands come out as the row-major A and column-major B fragments of
/// m16n8k16 (A: matrices (m, k) = (0, 0), (8, 0), (0, 8), (8, 8); B: two
/// n8 fragments, each of k 0..7 and 8..15).
SmallVector<Value> PipelineKernelBuilder::multiplyStage(Value buffer,
                                                        ValueRange accs) {
  Value matrix = div(lane, 8);
  Value matrixRow = rem(lane, 8);
  auto aFragmentType = VectorType::get({4, 2}, config.elementType);
  auto bFragmentType = VectorType::get({2, 2}, config.elementType);
  SmallVector<Value> next(accs.begin(), accs.end());
  for (int64_t ks = 0; ks < stageRows; ks += kMmaK) {
    SmallVector<Value> aFragments;
    Value aRow = add(add(mul(div(matrix, 2), 8), matrixRow), ks);
    for (int64_t fi = 0; fi < fragmentsM; ++fi) {
      if (config.copiesRowMajorAChunks()) {
        // M-major: row m of matrix q is a staged row, chunk (ks + 8 (q / 2))
        // / 8, read as is.
        Value m = add(warpRow,
                      add(add(mul(rem(matrix, 2), 8), matrixRow), fi * kMmaM));
        Value chunk = add(div(matrix, 2), ks / kChunk);
        aFragments.push_back(nvgpu::LdMatrixOp::create(
            b, loc, aFragmentType, aShared,
            ValueRange{buffer, m, swizzle(m, chunk, stageRows / kChunk)},
            /*transpose=*/false, /*numTiles=*/4));
        continue;
      }
      Value m = add(warpRow, add(mul(rem(matrix, 2), 8), fi * kMmaM));
      aFragments.push_back(nvgpu::LdMatrixOp::create(
          b, loc, aFragmentType, aShared,
          ValueRange{buffer, aRow,
                     swizzle(aRow, div(m, kChunk), blockRows / kChunk)},
          /*transpose=*/true, /*numTiles=*/4));
    }
    Value bRow = add(add(mul(rem(matrix, 2), 8), matrixRow), ks);
    Value zero =
        arith::ConstantOp::create(b, loc, b.getZeroAttr(bFragmentType));
    // Each pair of B fragments is used as soon as it is loaded, so that
    // only two are live at a time.
    for (int64_t pair = 0; pair < fragmentsN / 2; ++pair) {
      Value n = add(warpCol, add(mul(div(matrix, 2), 8), pair * 2 * kMmaN));
      Value both = nvgpu::LdMatrixOp::create(
          b, loc, aFragmentType, bShared,
          ValueRange{buffer, bRow,
                     swizzle(bRow, div(n, kChunk), tileN / kChunk)},
          /*transpose=*/true, /*numTiles=*/4);
      for (int64_t half = 0; half < 2; ++half) {
        Value fragment = zero;
        for (int64_t r = 0; r < 2; ++r)
          fragment = vector::InsertOp::create(
              b, loc, vector::ExtractOp::create(b, loc, both, half * 2 + r),
              fragment, r);
        int64_t fj = pair * 2 + half;
        for (int64_t fi = 0; fi < fragmentsM; ++fi) {
          Value &acc = next[fi * fragmentsN + fj];
          acc = mma(aFragments[fi], fragment, acc);
        }
      }
    }
  }
  return next;
}

/// Adds the accumulators to C. Element (h, e) of accumulator (fi, fj) is at
/// row 16 fi + lane / 4 + 8 h and column 8 fj + 2 (lane % 4) + e of the
/// warp's tile.
void PipelineKernelBuilder::addAccumulatorsToC(ValueRange accs) {
  forEachWayToAddToC([&](bool exclusive) {
    if (exclusive)
      storeTileThroughSharedMemory(accs);
    else
      onMmaThreads([&] { addFragmentsAtomically(accs); });
  });
}

void PipelineKernelBuilder::onMmaThreads(function_ref<void()> body) {
  if (!wgmma) {
    body();
    return;
  }
  auto ifOp = scf::IfOp::create(b, loc, isMmaThread(),
                                /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  body();
}

/// Element (h, e) of accumulator (fi, fj) is at row 16 fi + lane / 4 + 8 h
/// and column 8 fj + 2 (lane % 4) + e of the warp's tile.
void PipelineKernelBuilder::addFragmentsAtomically(ValueRange accs) {
  Value group = div(lane, 4);
  Value pairColumn = mul(rem(lane, 4), 2);
  // A lane's columns are the same for all its rows: a compacted layout
  // reads their original columns once (clamped into the tile; only those
  // inside are used).
  SmallVector<Value> originalColumns;
  if (layout.isCompacted()) {
    for (int64_t fj = 0; fj < fragmentsN; ++fj)
      for (int64_t e = 0; e < 2; ++e) {
        Value j = add(warpCol, add(pairColumn, fj * kMmaN + e));
        originalColumns.push_back(clampedOriginalColumn(j));
      }
  }
  for (int64_t fi = 0; fi < fragmentsM; ++fi)
    for (int64_t fj = 0; fj < fragmentsN; ++fj)
      for (int64_t h = 0; h < 2; ++h)
        for (int64_t e = 0; e < 2; ++e) {
          Value m = add(m0, add(warpRow, add(group, fi * kMmaM + h * 8)));
          Value j = add(warpCol, add(pairColumn, fj * kMmaN + e));
          Value value = vector::ExtractOp::create(
              b, loc, accs[fi * fragmentsN + fj], ArrayRef<int64_t>{h, e});
          addToCIfInside(m, j, value, /*exclusive=*/false,
                         originalColumns.empty() ? Value()
                                                 : originalColumns[fj * 2 + e]);
        }
}

Value PipelineKernelBuilder::countStages() {
  return arith::CeilDivUIOp::create(
      b, loc, arith::SubIOp::create(b, loc, endRow, firstRow),
      constant(stageRows));
}

SmallVector<Value> PipelineKernelBuilder::issueIfPresent(Value stage,
                                                         Value buffer,
                                                         ValueRange rows) {
  SmallVector<Type> types;
  if (holdsGatheredA())
    types.assign(getGatheredChunksPerThread(),
                 VectorType::get({kChunk}, config.elementType));
  auto ifOp = scf::IfOp::create(b, loc, types, ult(stage, itemStages),
                                /*withElseRegion=*/!types.empty());
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  SmallVector<Value> loaded = issueStage(stage, buffer, rows);
  if (!types.empty()) {
    scf::YieldOp::create(b, loc, loaded);
    b.setInsertionPointToStart(ifOp.elseBlock());
    SmallVector<Value> zeros;
    for (Type type : types)
      zeros.push_back(arith::ConstantOp::create(b, loc, b.getZeroAttr(type)));
    scf::YieldOp::create(b, loc, zeros);
  }
  return SmallVector<Value>(ifOp.getResults());
}

SmallVector<Value> PipelineKernelBuilder::issueFullStage(Value stage,
                                                         Value buffer,
                                                         ValueRange rows) {
  fullStage = true;
  SmallVector<Value> loaded = issueStage(stage, buffer, rows);
  fullStage = false;
  return loaded;
}

Value PipelineKernelBuilder::countSteadyStages() {
  // Stages s with s + ahead < the full stages of the item.
  Value full = div(arith::SubIOp::create(b, loc, endRow, firstRow), stageRows);
  Value ahead = constant(getStagesAhead());
  return arith::SelectOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, full, ahead),
      arith::SubIOp::create(b, loc, full, ahead), constant(0));
}

SmallVector<Value> PipelineKernelBuilder::emitMainLoop(
    Value numStages, ValueRange init, IterationEmitter emitIteration,
    bool peelSteadyRemainder, function_ref<void()> betweenLoops) {
  auto emitTailLoop = [&](Value lower, ValueRange state) {
    auto loop = scf::ForOp::create(
        b, loc, lower, numStages, constant(1), state,
        [&](OpBuilder &, Location, Value stage, ValueRange iterArgs) {
          scf::YieldOp::create(b, loc,
                               emitIteration(stage, iterArgs, std::nullopt));
        });
    return SmallVector<Value>(loop.getResults());
  };
  if (!vectorCopies)
    return emitTailLoop(constant(0), init);
  int64_t ring = config.numStages;
  Value steadyStages = countSteadyStages();
  Value rounds = mul(div(steadyStages, ring), ring);
  if (!peelSteadyRemainder)
    steadyStages = rounds;
  auto steady = scf::ForOp::create(
      b, loc, constant(0), rounds, constant(ring), init,
      [&](OpBuilder &, Location, Value stage, ValueRange iterArgs) {
        SmallVector<Value> state(iterArgs);
        for (int64_t u = 0; u < ring; ++u)
          state = emitIteration(add(stage, u), state, u);
        scf::YieldOp::create(b, loc, state);
      });
  SmallVector<Value> state(steady.getResults());
  // The steady iterations past the last round, each under a uniform branch
  // (or in the tail loop).
  for (int64_t u = 0; peelSteadyRemainder && u + 1 < ring; ++u) {
    Value stage = add(rounds, u);
    auto ifOp = scf::IfOp::create(b, loc, ValueRange(state).getTypes(),
                                  ult(stage, steadyStages),
                                  /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    scf::YieldOp::create(b, loc, emitIteration(stage, state, u));
    b.setInsertionPointToStart(ifOp.elseBlock());
    scf::YieldOp::create(b, loc, state);
    state.assign(ifOp.getResults().begin(), ifOp.getResults().end());
  }
  if (betweenLoops)
    betweenLoops();
  return emitTailLoop(steadyStages, state);
}

SmallVector<Value> PipelineKernelBuilder::emitPipeline() {
  Value numStages = itemStages = countStages();
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
  auto commit = [&] {
    return nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType,
                                                   ValueRange{});
  };

  // Prologue: the first numStages - 1 stages in flight. cp.async.wait_group
  // counts the thread's pending groups, not a particular one, so every wait
  // names the prologue's last group token; the lowering ignores the token
  // and keeps only numGroups.
  Value group;
  for (int64_t s = 0; s < getStagesAhead(); ++s) {
    SmallVector<Value> rows = prefetchRows(constant(s));
    SmallVector<Value> loaded = issueIfPresent(constant(s), constant(s), rows);
    if (!loaded.empty())
      storeRowMajorAStage(constant(s), loaded);
    group = commit();
  }

  auto cType = VectorType::get({2, 2}, b.getF32Type());
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(cType));
  SmallVector<Value> init(fragmentsM * fragmentsN, zero);
  // The buffers read and written are carried through the loop, not
  // computed from the stage (no division).
  init.push_back(constant(0));
  init.push_back(constant(getStagesAhead()));
  // The row_ids of a stage's A (a K-major A's rows, a register gather's
  // column) are read an iteration before its copies or loads are issued, so
  // that these do not wait for them: the read overlaps the mma of the
  // iteration in between.
  SmallVector<Value> prefetched = prefetchRows(constant(getStagesAhead()));
  int64_t numPrefetched = prefetched.size();
  init.append(prefetched);
  int64_t numAccs = fragmentsM * fragmentsN;
  int64_t ahead = getStagesAhead();
  // Iteration `stage` issues stage `stage + numStages - 1` and multiplies
  // stage `stage`; its state is the accumulators, the buffers it reads and
  // writes and the prefetched rows. A steady iteration (position `u` in
  // the ring of buffers) issues a full stage without a branch and without
  // clamping rows or zero-filling, and its buffers are constants.
  auto emitIteration = [&](Value stage, ValueRange state,
                           std::optional<int64_t> u) {
    bool steady = u.has_value();
    ValueRange accs = state.take_front(numAccs);
    auto [readBuffer, writeBuffer] =
        getRingBuffers(u, state[numAccs], state[numAccs + 1]);
    ValueRange rows = state.take_back(numPrefetched);
    // Stage `stage` has landed and every warp is done with the buffer the
    // next copies overwrite.
    nvgpu::DeviceAsyncWaitOp::create(b, loc, group,
                                     b.getI32IntegerAttr(config.numStages - 2));
    gpu::BarrierOp::create(b, loc);
    Value issued = add(stage, ahead);
    SmallVector<Value> loaded = steady
                                    ? issueFullStage(issued, writeBuffer, rows)
                                    : issueIfPresent(issued, writeBuffer, rows);
    commit();
    SmallVector<Value> nextRows = prefetchRows(add(issued, 1));
    SmallVector<Value> next = multiplyStage(readBuffer, accs);
    if (!loaded.empty())
      storeRowMajorAStage(writeBuffer, loaded);
    auto [nextRead, nextWrite] =
        getNextRingBuffers(u, state[numAccs], state[numAccs + 1]);
    next.push_back(nextRead);
    next.push_back(nextWrite);
    next.append(nextRows);
    return next;
  };
  // With the peeled iterations, ptxas spills in the kernels that gather A
  // through registers (at 255 registers, even when those iterations store
  // their loads at once): their remainder runs in the tail loop.
  SmallVector<Value> state =
      emitMainLoop(numStages, init, emitIteration,
                   /*peelSteadyRemainder=*/!config.gathersRowMajorA());
  nvgpu::DeviceAsyncWaitOp::create(b, loc, group, b.getI32IntegerAttr(0));
  state.resize(numAccs);
  return state;
}

void PipelineKernelBuilder::build() {
  forEachWorkBlock([&] {
    buildWorkItem();
    ifItemHasRows([&] {
      lastRow = arith::SubIOp::create(b, loc, endRow, constant(1));
      lastM = arith::SubIOp::create(b, loc, numRows, constant(1));
      // %laneid, which ptxas reads again where it is needed instead of
      // holding threadId % 32 across the main loop.
      lane = gpu::LaneIdOp::create(b, loc, /*upperBound=*/nullptr);
      Value warp = div(threadId, 32);
      // The wgmma kernel's producer warpgroup (the last one) copies the
      // stages; in the other kernels, every thread does.
      copyThreads = config.getCopyThreads();
      copyThread = wgmma
                       ? arith::SubIOp::create(b, loc, threadId,
                                               constant(config.getMmaThreads()))
                       : threadId;
      if (wgmma) {
        // Warp w of a warpgroup holds rows 16 w .. 16 w + 15 of its m64.
        warpRow = mul(warp, kMmaM);
        warpCol = constant(0);
      } else {
        warpRow = mul(div(warp, 2), KernelConfig::kMMASyncWarpRows);
        warpCol = mul(rem(warp, 2), tileN / 2);
      }
      // One pipeline per way of copying, chosen once per item.
      SmallVector<Type> accTypes;
      if (wgmma)
        accTypes.push_back(LLVM::LLVMStructType::getLiteral(
            b.getContext(), SmallVector<Type>(tileN / 2, b.getF32Type())));
      else
        accTypes.assign(fragmentsM * fragmentsN,
                        VectorType::get({2, 2}, b.getF32Type()));
      auto ways = scf::IfOp::create(b, loc, accTypes, takesVectorCopies(),
                                    /*withElseRegion=*/true);
      for (bool vector : {true, false}) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(vector ? ways.thenBlock()
                                          : ways.elseBlock());
        vectorCopies = vector;
        if (wgmma)
          scf::YieldOp::create(b, loc, emitWarpgroupPipeline());
        else
          scf::YieldOp::create(b, loc, emitPipeline());
      }
      if (wgmma)
        addAccumulatorsToC(splitAccumulator(ways.getResult(0)));
      else
        addAccumulatorsToC(ways.getResults());
    });
  });
  gpu::ReturnOp::create(b, loc);
}

SmallVector<Type>
tsparse::getMMASyncWorkgroupTypes(const KernelConfig &config) {
  auto workgroup =
      gpu::AddressSpaceAttr::get(config.elementType.getContext(),
                                 gpu::GPUDialect::getWorkgroupAddressSpace());
  // A: K-major stages of kept rows, or M-major rows of a stage's chunks.
  SmallVector<int64_t> aShape = {config.numStages, KernelConfig::kStageRows,
                                 config.blockRows};
  if (config.copiesRowMajorAChunks())
    std::swap(aShape[1], aShape[2]);
  return {MemRefType::get(aShape, config.elementType,
                          MemRefLayoutAttrInterface(), workgroup),
          MemRefType::get({config.numStages, KernelConfig::kStageRows,
                           config.layout.getTileN()},
                          config.elementType, MemRefLayoutAttrInterface(),
                          workgroup)};
}

void tsparse::buildMMASyncKernel(OpBuilder &b, Location loc,
                                 gpu::GPUFuncOp func,
                                 const KernelConfig &config) {
  PipelineKernelBuilder(b, loc, func, config).build();
}
