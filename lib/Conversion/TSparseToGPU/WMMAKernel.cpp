//===- WMMAKernel.cpp - Fused tile-sparse WMMA kernel ---------------------===//
//
// One thread block per work item: an M tile and a run of up to `splitRows`
// kept rows of one column tile (split-K, so that long tiles and small M still
// fill the GPU). Four warps, 2 x 2 over the block's C tile, each holding
// 2 x (tile_n / 32) accumulator fragments of 16 x 16 starting at zero. Per
// stage of 32 kept rows the block gathers A's columns by row_ids and the
// packed rows of B (16-byte vector loads for full tiles) into workgroup
// memory, then every warp runs two k-steps of mma. The partial products go
// through workgroup memory and are added to C (atomically when the tile is
// split among items), scattered to the original columns of compacted
// layouts.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tsparse;

/// WMMA fragment size (m = n = k).
static constexpr int64_t kFragment = 16;
/// Kept rows staged in workgroup memory at a time.
static constexpr int64_t kStageRows = KernelConfig::kStageRows;
/// Halfs per 16-byte vector load.
static constexpr int64_t kVectorWidth = 8;
/// Padding of the staged rows of A (halfs) and of C (floats). Without it a
/// warp writing a column of A (K-major A, lanes along M) or reading one of
/// C (transposed C) hits one or two banks; with it, four-way at most. WMMA
/// needs leading dimensions of a multiple of 16 bytes.
static constexpr int64_t kSkewA = 8;
static constexpr int64_t kSkewC = 4;

namespace {
/// Emits the WMMA kernel body.
class WMMAKernelBuilder : public KernelBuilder {
public:
  WMMAKernelBuilder(OpBuilder &b, Location loc, gpu::GPUFuncOp func,
                    const KernelConfig &config)
      : KernelBuilder(b, loc, func, config) {
    aShared = func.getWorkgroupAttributions()[0];
    bShared = func.getWorkgroupAttributions()[1];
    cShared = func.getWorkgroupAttributions()[2];
  }

  void build();

private:
  /// `for (idx = tid; idx < total; idx += numThreads) body(idx)`.
  void forEachThreadElement(int64_t total, function_ref<void(Value)> body) {
    scf::ForOp::create(b, loc, threadId, constant(total), constant(numThreads),
                       ValueRange{},
                       [&](OpBuilder &, Location, Value idx, ValueRange) {
                         body(idx);
                         scf::YieldOp::create(b, loc);
                       });
  }
  /// `cond ? then() : zero of type`.
  Value selectLoad(Value cond, Type type, function_ref<Value()> then) {
    auto ifOp = scf::IfOp::create(
        b, loc, cond,
        [&](OpBuilder &, Location) { scf::YieldOp::create(b, loc, then()); },
        [&](OpBuilder &, Location) {
          scf::YieldOp::create(
              b, loc,
              arith::ConstantOp::create(b, loc, b.getZeroAttr(type))
                  .getResult());
        });
    return ifOp.getResult(0);
  }
  /// Staged block row and kept row of this thread's `t`-th element of A.
  /// Consecutive threads walk along A's contiguous dimension: the gathered
  /// kept rows of one row of A, or one kept row of a K-major A.
  std::pair<Value, Value> getElementPosition(int64_t t) {
    if (config.aKMajor)
      return {rem(threadId, blockRows),
              add(div(threadId, blockRows), t * (numThreads / blockRows))};
    return {add(div(threadId, kStageRows), t * (numThreads / kStageRows)),
            rem(threadId, kStageRows)};
  }

  void accumulateIntoC();
  SmallVector<Value> loadStage(Value stageStart, bool withB);
  void storeStage(ValueRange values);
  void stageB(Value stageStart);
  ValueRange emitStages(Value numStages, ValueRange accs, bool fullTile);
  SmallVector<Value> multiply(ValueRange accs, int64_t kOffset);

  Value aShared, bShared, cShared;
  /// Elements of A each thread gathers per stage (64 x 32 over 128 threads).
  int64_t elementsOfA = blockRows * kStageRows / numThreads;

  /// Staged row and column of this thread's `t`-th vector of B.
  std::pair<Value, Value> getVectorPosition(int64_t t) {
    int64_t vectorsPerRow = tileN / kVectorWidth;
    Value idx = add(threadId, t * numThreads);
    return {div(idx, vectorsPerRow),
            mul(rem(idx, vectorsPerRow), kVectorWidth)};
  }
  Value warpRow, warpCol;
};
} // namespace

/// Adds the block's partial product, staged in workgroup memory, to C.
/// Consecutive threads write consecutive elements of C's rows.
void WMMAKernelBuilder::accumulateIntoC() {
  forEachWayToAddToC([&](bool exclusive) {
    forEachThreadElement(blockRows * tileN, [&](Value idx) {
      Value i = config.cTransposed ? rem(idx, blockRows) : div(idx, tileN);
      Value j = config.cTransposed ? div(idx, blockRows) : rem(idx, tileN);
      Value value = memref::LoadOp::create(b, loc, cShared, ValueRange{i, j});
      addToCIfInside(add(m0, i), j, value, exclusive);
    });
  });
}

/// Issues the global loads of one stage of 32 kept rows from `stageStart`:
/// this thread's 16 gathered elements of A and, for full tiles, its
/// 16-byte vectors of packed B. Entries past the run or the last row of A
/// read a valid element (clamped indices) and are zero: no branches.
SmallVector<Value> WMMAKernelBuilder::loadStage(Value stageStart, bool withB) {
  Type elementType = config.elementType;
  SmallVector<Value> loaded;
  Value lastRow = arith::SubIOp::create(b, loc, endRow, constant(1));
  Value lastM = arith::SubIOp::create(b, loc, numRows, constant(1));
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elementType));
  // Row-major A: one row_ids read per thread (its kept row is the same for
  // all its elements); K-major A: one per element.
  Value k;
  for (int64_t t = 0; t < elementsOfA; ++t) {
    auto [i, kk] = getElementPosition(t);
    Value row = add(stageStart, kk);
    Value m = add(m0, i);
    Value inside =
        arith::AndIOp::create(b, loc, ult(row, endRow), ult(m, numRows));
    if (!k || config.aKMajor)
      k = gatheredK(arith::MinUIOp::create(b, loc, row, lastRow));
    Value value = loadA(arith::MinUIOp::create(b, loc, m, lastM), k);
    loaded.push_back(arith::SelectOp::create(b, loc, inside, value, zero));
  }
  if (!withB)
    return loaded;

  auto vectorType = VectorType::get({kVectorWidth}, elementType);
  Value zeroVector =
      arith::ConstantOp::create(b, loc, b.getZeroAttr(vectorType));
  // tile_n is a multiple of 32, so a stage of B spreads evenly too.
  for (int64_t t = 0, e = kStageRows * tileN / (numThreads * kVectorWidth);
       t < e; ++t) {
    auto [kkB, j] = getVectorPosition(t);
    Value rowB = add(stageStart, kkB);
    Value readRowB = arith::MinUIOp::create(b, loc, rowB, lastRow);
    Value offset = bIndex(readRowB, j, /*fullTile=*/true);
    auto load = vector::LoadOp::create(b, loc, vectorType, values, offset);
    load.setAlignment(16);
    loaded.push_back(arith::SelectOp::create(b, loc, ult(rowB, endRow),
                                             load.getResult(), zeroVector));
  }
  return loaded;
}

/// Stores what loadStage loaded into workgroup memory.
void WMMAKernelBuilder::storeStage(ValueRange loaded) {
  for (int64_t t = 0; t < elementsOfA; ++t) {
    auto [i, kk] = getElementPosition(t);
    memref::StoreOp::create(b, loc, loaded[t], aShared, ValueRange{i, kk});
  }
  for (int64_t t = 0, e = loaded.size() - elementsOfA; t < e; ++t) {
    auto [kkB, j] = getVectorPosition(t);
    auto store = vector::StoreOp::create(b, loc, loaded[elementsOfA + t],
                                         bShared, ValueRange{kkB, j});
    store.setAlignment(16);
  }
}

/// Copies the packed rows stageStart .. stageStart + 32 of a partial tile of B
/// into workgroup memory, one element at a time; entries past the run or the
/// tile width are zero.
void WMMAKernelBuilder::stageB(Value stageStart) {
  Type elementType = config.elementType;
  forEachThreadElement(kStageRows * tileN, [&](Value idx) {
    Value kk = div(idx, tileN);
    Value j = rem(idx, tileN);
    Value row = add(stageStart, kk);
    Value inside =
        arith::AndIOp::create(b, loc, ult(row, endRow), ult(j, width));
    Value value = selectLoad(inside, elementType, [&] {
      Value offset = bIndex(row, j, /*fullTile=*/false);
      return memref::LoadOp::create(b, loc, values, offset).getResult();
    });
    memref::StoreOp::create(b, loc, value, bShared, ValueRange{kk, j});
  });
}

/// The stage loop. Full tiles prefetch: the global loads of the next stage
/// are issued before the mma of the current one and carried in registers.
ValueRange WMMAKernelBuilder::emitStages(Value numStages, ValueRange accs,
                                         bool fullTile) {
  auto stageRow = [&](Value stage) -> Value {
    return add(firstRow, mul(stage, kStageRows));
  };
  SmallVector<Value> init(accs.begin(), accs.end());
  SmallVector<Value> prefetched;
  if (fullTile) {
    prefetched = loadStage(firstRow, /*withB=*/true);
    init.append(prefetched);
  }
  size_t numAccs = accs.size();
  auto loop = scf::ForOp::create(
      b, loc, constant(0), numStages, constant(1), init,
      [&](OpBuilder &, Location, Value stage, ValueRange iterArgs) {
        SmallVector<Value> next;
        if (fullTile) {
          storeStage(iterArgs.drop_front(numAccs));
          gpu::BarrierOp::create(b, loc);
          next = loadStage(stageRow(add(stage, 1)), /*withB=*/true);
        } else {
          storeStage(loadStage(stageRow(stage), /*withB=*/false));
          stageB(stageRow(stage));
          gpu::BarrierOp::create(b, loc);
        }
        SmallVector<Value> results =
            llvm::to_vector(iterArgs.take_front(numAccs));
        for (int64_t k = 0; k < kStageRows; k += kFragment)
          results = multiply(results, k);
        gpu::BarrierOp::create(b, loc);
        results.append(next);
        scf::YieldOp::create(b, loc, results);
      });
  return loop.getResults().take_front(numAccs);
}

/// One k-step of 16 of this warp's fragments on the staged operands,
/// starting at staged row `kOffset`.
SmallVector<Value> WMMAKernelBuilder::multiply(ValueRange accs,
                                               int64_t kOffset) {
  MLIRContext *ctx = b.getContext();
  auto aType = gpu::MMAMatrixType::get({kFragment, kFragment},
                                       config.elementType, "AOp");
  auto bType = gpu::MMAMatrixType::get({kFragment, kFragment},
                                       config.elementType, "BOp");
  int64_t fragmentsN = tileN / 2 / kFragment;
  SmallVector<Value> aFragments, next;
  for (int64_t fi = 0; fi < 2; ++fi)
    aFragments.push_back(gpu::SubgroupMmaLoadMatrixOp::create(
        b, loc, aType, aShared,
        ValueRange{add(warpRow, fi * kFragment), constant(kOffset)},
        IntegerAttr::get(IndexType::get(ctx), kStageRows + kSkewA),
        UnitAttr()));
  for (int64_t fj = 0; fj < fragmentsN; ++fj) {
    Value bFragment = gpu::SubgroupMmaLoadMatrixOp::create(
        b, loc, bType, bShared,
        ValueRange{constant(kOffset), add(warpCol, fj * kFragment)},
        IntegerAttr::get(IndexType::get(ctx), tileN), UnitAttr());
    for (int64_t fi = 0; fi < 2; ++fi)
      next.push_back(gpu::SubgroupMmaComputeOp::create(
          b, loc, aFragments[fi], bFragment, accs[fj * 2 + fi], UnitAttr(),
          UnitAttr()));
  }
  return next;
}

void WMMAKernelBuilder::build() {
  MLIRContext *ctx = b.getContext();
  forEachWorkBlock([&] {
    buildWorkItem();
    ifItemHasRows([&] {
      Value warp = div(threadId, 32);
      warpRow = mul(div(warp, 2), blockRows / 2);
      warpCol = mul(rem(warp, 2), tileN / 2);
      auto cType = gpu::MMAMatrixType::get({kFragment, kFragment},
                                           b.getF32Type(), "COp");
      int64_t fragmentsN = tileN / 2 / kFragment;
      Value zero = gpu::SubgroupMmaConstantMatrixOp::create(
          b, loc, cType,
          arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f)));
      SmallVector<Value> accs(2 * fragmentsN, zero);

      // Only this item's kept rows of the tile, 32 at a time; full tiles (all
      // but a narrower last one) prefetch with vector loads.
      Value numStages = arith::CeilDivUIOp::create(
          b, loc, arith::SubIOp::create(b, loc, endRow, firstRow),
          constant(kStageRows));
      auto stages = scf::IfOp::create(
          b, loc, isFullTile(),
          [&](OpBuilder &, Location) {
            scf::YieldOp::create(
                b, loc, emitStages(numStages, accs, /*fullTile=*/true));
          },
          [&](OpBuilder &, Location) {
            scf::YieldOp::create(
                b, loc, emitStages(numStages, accs, /*fullTile=*/false));
          });

      IntegerAttr cLeading =
          IntegerAttr::get(IndexType::get(ctx), tileN + kSkewC);
      for (int64_t fj = 0; fj < fragmentsN; ++fj)
        for (int64_t fi = 0; fi < 2; ++fi)
          gpu::SubgroupMmaStoreMatrixOp::create(
              b, loc, stages.getResult(fj * 2 + fi), cShared,
              ValueRange{add(warpRow, fi * kFragment),
                         add(warpCol, fj * kFragment)},
              cLeading, UnitAttr());
      gpu::BarrierOp::create(b, loc);
      accumulateIntoC();
    });
  });
  gpu::ReturnOp::create(b, loc);
}

SmallVector<Type> tsparse::getWMMAWorkgroupTypes(const KernelConfig &config) {
  auto workgroup =
      gpu::AddressSpaceAttr::get(config.elementType.getContext(),
                                 gpu::GPUDialect::getWorkgroupAddressSpace());
  int64_t tileN = config.layout.getTileN();
  return {MemRefType::get({config.blockRows, kStageRows + kSkewA},
                          config.elementType, MemRefLayoutAttrInterface(),
                          workgroup),
          MemRefType::get({kStageRows, tileN}, config.elementType,
                          MemRefLayoutAttrInterface(), workgroup),
          MemRefType::get({config.blockRows, tileN + kSkewC},
                          Float32Type::get(config.elementType.getContext()),
                          MemRefLayoutAttrInterface(), workgroup)};
}

void tsparse::buildWMMAKernel(OpBuilder &b, Location loc, gpu::GPUFuncOp func,
                              const KernelConfig &config) {
  WMMAKernelBuilder(b, loc, func, config).build();
}
