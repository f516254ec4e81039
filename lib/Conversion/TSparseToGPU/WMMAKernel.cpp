//===- WMMAKernel.cpp - Fused tile-sparse WMMA kernel ---------------------===//
//
// One thread block per work item: an M tile and a run of up to `splitRows`
// kept rows of one column tile (split-K, so that long tiles and small M still
// fill the GPU). Four warps, 2 x 2 over the block's C tile, each holding
// 2 x (tile_n / 32) accumulator fragments of 16 x 16 starting at zero. Per
// stage of 32 kept rows the block gathers A's columns by row_ids and the
// packed rows of B (16-byte vector loads for full tiles) into workgroup
// memory, then every warp runs two k-steps of mma. The partial products go
// through workgroup memory and are added to C atomically, scattered to the
// original columns of compacted layouts.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Conversion/TSparseToGPU/TSparseToGPU.h"

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
static constexpr int64_t kStageRows = 32;
/// Halfs per 16-byte vector load.
static constexpr int64_t kVectorWidth = 8;
/// Threads per kept row of a stage.
static constexpr int64_t kRowGroups =
    WMMAKernelConfig::kNumThreads / kStageRows;

namespace {
/// Emits the kernel body; the arguments follow getOrCreateWMMAKernel.
class WMMAKernelBuilder {
public:
  WMMAKernelBuilder(OpBuilder &b, Location loc, gpu::GPUFuncOp func,
                    const WMMAKernelConfig &config)
      : b(b), loc(loc), config(config), layout(config.layout),
        tileN(layout.getTileN()), blockRows(config.blockRows) {
    ValueRange args = func.getArguments();
    a = args[0];
    values = args[1];
    rowIds = args[2];
    tilePtr = args[3];
    colIds = args[4];
    workTiles = args[5];
    workRows = args[6];
    c = args[7];
    numTiledColumns = args[8];
    numMTiles = args[9];
    splitRows = args[10];
    aShared = func.getWorkgroupAttributions()[0];
    bShared = func.getWorkgroupAttributions()[1];
    cShared = func.getWorkgroupAttributions()[2];
  }

  void build();

private:
  Value constant(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value loadIndex(Value memref, Value index) {
    Value value = memref::LoadOp::create(b, loc, memref, index);
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), value);
  }
  Value ult(Value lhs, Value rhs) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, lhs, rhs);
  }
  /// `for (idx = tid; idx < total; idx += numThreads) body(idx)`.
  void forEachThreadElement(int64_t total, function_ref<void(Value)> body) {
    scf::ForOp::create(b, loc, threadId, constant(total),
                       constant(WMMAKernelConfig::kNumThreads), ValueRange{},
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
  /// Original column of tiled column `col`.
  Value originalColumn(Value col) {
    return layout.isCompacted() ? loadIndex(colIds, col) : col;
  }

  void accumulateIntoC();
  SmallVector<Value> loadStage(Value firstRow);
  void storeStage(ValueRange values);
  void stageB(Value firstRow);
  ValueRange emitStages(Value firstRow, Value numStages, ValueRange accs,
                        bool fullTile);
  SmallVector<Value> multiply(ValueRange accs, int64_t kOffset);

  OpBuilder &b;
  Location loc;
  const WMMAKernelConfig &config;
  LayoutAttr layout;
  int64_t tileN, blockRows;
  Value a, values, rowIds, tilePtr, colIds, workTiles, workRows, c,
      numTiledColumns, numMTiles, splitRows;
  Value aShared, bShared, cShared;
  // Per-block state.
  Value threadId, numRows, m0, col0, width, p0, endRow, valuesOffset;
  /// First block row this thread gathers A for.
  Value firstBlockRow;
  /// Whether loadStage also loads B (full tiles).
  bool fullTileLoads = false;
  /// Elements of A each thread gathers per stage.
  int64_t elementsOfA = blockRows / kRowGroups;

  /// Staged row and column of this thread's `t`-th vector of B.
  std::pair<Value, Value> getVectorPosition(int64_t t) {
    int64_t vectorsPerRow = tileN / kVectorWidth;
    Value idx = arith::AddIOp::create(
        b, loc, threadId, constant(t * WMMAKernelConfig::kNumThreads));
    Value kk = arith::DivUIOp::create(b, loc, idx, constant(vectorsPerRow));
    Value j = arith::MulIOp::create(
        b, loc, arith::RemUIOp::create(b, loc, idx, constant(vectorsPerRow)),
        constant(kVectorWidth));
    return {kk, j};
  }
  Value warpRow, warpCol;
};
} // namespace

/// Adds the block's partial product, staged in workgroup memory, to C.
/// Atomic: the work items of one tile's kept-row runs share their C tile.
void WMMAKernelBuilder::accumulateIntoC() {
  forEachThreadElement(blockRows * tileN, [&](Value idx) {
    Value i = arith::DivUIOp::create(b, loc, idx, constant(tileN));
    Value j = arith::RemUIOp::create(b, loc, idx, constant(tileN));
    Value m = arith::AddIOp::create(b, loc, m0, i);
    Value inside =
        arith::AndIOp::create(b, loc, ult(m, numRows), ult(j, width));
    auto ifOp = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    Value n = originalColumn(arith::AddIOp::create(b, loc, col0, j));
    Value value = memref::LoadOp::create(b, loc, cShared, ValueRange{i, j});
    memref::AtomicRMWOp::create(b, loc, arith::AtomicRMWKind::addf, value, c,
                                ValueRange{m, n});
  });
}

/// Issues the global loads of one stage of 32 kept rows from `firstRow`:
/// this thread's 16 gathered elements of A and, for full tiles, its
/// 16-byte vectors of packed B. Entries past the run or the last row of A
/// read a valid element (clamped indices) and are zero: no branches.
SmallVector<Value> WMMAKernelBuilder::loadStage(Value firstRow) {
  Type elementType = config.elementType;
  int64_t unitK = layout.getUnitK();
  SmallVector<Value> loaded;
  // Thread t gathers kept row t % 32 of the stage for the rows t / 32,
  // t / 32 + 4, ... of the block: one row_ids read per thread, and a warp
  // reads 32 gathered elements of one row of A.
  Value kk = arith::RemUIOp::create(b, loc, threadId, constant(kStageRows));
  Value row = arith::AddIOp::create(b, loc, firstRow, kk);
  Value rowInside = ult(row, endRow);
  Value lastRow = arith::SubIOp::create(b, loc, endRow, constant(1));
  Value readRow = arith::MinUIOp::create(b, loc, row, lastRow);
  Value unit = arith::DivUIOp::create(b, loc, readRow, constant(unitK));
  Value k = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(
          b, loc, loadIndex(rowIds, arith::AddIOp::create(b, loc, p0, unit)),
          constant(unitK)),
      arith::RemUIOp::create(b, loc, readRow, constant(unitK)));
  Value lastM = arith::SubIOp::create(b, loc, numRows, constant(1));
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(elementType));
  for (int64_t t = 0; t < elementsOfA; ++t) {
    Value i =
        arith::AddIOp::create(b, loc, firstBlockRow, constant(t * kRowGroups));
    Value m = arith::AddIOp::create(b, loc, m0, i);
    Value inside = arith::AndIOp::create(b, loc, rowInside, ult(m, numRows));
    Value readM = arith::MinUIOp::create(b, loc, m, lastM);
    Value value = memref::LoadOp::create(b, loc, a, ValueRange{readM, k});
    loaded.push_back(arith::SelectOp::create(b, loc, inside, value, zero));
  }
  if (!fullTileLoads)
    return loaded;

  auto vectorType = VectorType::get({kVectorWidth}, elementType);
  Value zeroVector =
      arith::ConstantOp::create(b, loc, b.getZeroAttr(vectorType));
  for (int64_t t = 0; t < tileN / 32; ++t) {
    auto [kkB, j] = getVectorPosition(t);
    Value rowB = arith::AddIOp::create(b, loc, firstRow, kkB);
    Value readRowB = arith::MinUIOp::create(b, loc, rowB, lastRow);
    Value offset = arith::AddIOp::create(
        b, loc, valuesOffset,
        arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, readRowB, constant(tileN)),
            j));
    auto load = vector::LoadOp::create(b, loc, vectorType, values, offset);
    load.setAlignment(16);
    loaded.push_back(arith::SelectOp::create(b, loc, ult(rowB, endRow),
                                             load.getResult(), zeroVector));
  }
  return loaded;
}

/// Stores what loadStage loaded into workgroup memory.
void WMMAKernelBuilder::storeStage(ValueRange loaded) {
  Value kk = arith::RemUIOp::create(b, loc, threadId, constant(kStageRows));
  for (int64_t t = 0; t < elementsOfA; ++t) {
    Value i =
        arith::AddIOp::create(b, loc, firstBlockRow, constant(t * kRowGroups));
    memref::StoreOp::create(b, loc, loaded[t], aShared, ValueRange{i, kk});
  }
  for (int64_t t = 0, e = loaded.size() - elementsOfA; t < e; ++t) {
    auto [kkB, j] = getVectorPosition(t);
    auto store = vector::StoreOp::create(b, loc, loaded[elementsOfA + t],
                                         bShared, ValueRange{kkB, j});
    store.setAlignment(16);
  }
}

/// Copies the packed rows firstRow .. firstRow + 32 of a partial tile of B
/// into workgroup memory, one element at a time; entries past the run or the
/// tile width are zero.
void WMMAKernelBuilder::stageB(Value firstRow) {
  Type elementType = config.elementType;
  forEachThreadElement(kStageRows * tileN, [&](Value idx) {
    Value kk = arith::DivUIOp::create(b, loc, idx, constant(tileN));
    Value j = arith::RemUIOp::create(b, loc, idx, constant(tileN));
    Value row = arith::AddIOp::create(b, loc, firstRow, kk);
    Value inside =
        arith::AndIOp::create(b, loc, ult(row, endRow), ult(j, width));
    Value value = selectLoad(inside, elementType, [&] {
      Value offset = arith::AddIOp::create(
          b, loc, valuesOffset,
          arith::AddIOp::create(b, loc,
                                arith::MulIOp::create(b, loc, row, width), j));
      return memref::LoadOp::create(b, loc, values, offset).getResult();
    });
    memref::StoreOp::create(b, loc, value, bShared, ValueRange{kk, j});
  });
}

/// The stage loop. Full tiles prefetch: the global loads of the next stage
/// are issued before the mma of the current one and carried in registers.
ValueRange WMMAKernelBuilder::emitStages(Value firstRow, Value numStages,
                                         ValueRange accs, bool fullTile) {
  fullTileLoads = fullTile;
  auto stageRow = [&](Value stage) -> Value {
    return arith::AddIOp::create(
        b, loc, firstRow,
        arith::MulIOp::create(b, loc, stage, constant(kStageRows)));
  };
  SmallVector<Value> init(accs.begin(), accs.end());
  SmallVector<Value> prefetched;
  if (fullTile) {
    prefetched = loadStage(firstRow);
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
          next = loadStage(
              stageRow(arith::AddIOp::create(b, loc, stage, constant(1))));
        } else {
          storeStage(loadStage(stageRow(stage)));
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
        ValueRange{
            arith::AddIOp::create(b, loc, warpRow, constant(fi * kFragment)),
            constant(kOffset)},
        IntegerAttr::get(IndexType::get(ctx), kStageRows), UnitAttr()));
  for (int64_t fj = 0; fj < fragmentsN; ++fj) {
    Value bFragment = gpu::SubgroupMmaLoadMatrixOp::create(
        b, loc, bType, bShared,
        ValueRange{
            constant(kOffset),
            arith::AddIOp::create(b, loc, warpCol, constant(fj * kFragment))},
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
  Value blockId = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  threadId = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  // Consecutive blocks share a work item's rows of B; items come longest
  // tile first.
  Value work = arith::DivUIOp::create(b, loc, blockId, numMTiles);
  Value mTile = arith::RemUIOp::create(b, loc, blockId, numMTiles);
  Value tile = loadIndex(workTiles, work);
  Value firstRow = loadIndex(workRows, work);
  numRows = memref::DimOp::create(b, loc, a, 0);
  m0 = arith::MulIOp::create(b, loc, mTile, constant(blockRows));
  col0 = arith::MulIOp::create(b, loc, tile, constant(tileN));
  width = arith::MinSIOp::create(
      b, loc, constant(tileN),
      arith::SubIOp::create(b, loc, numTiledColumns, col0));
  p0 = loadIndex(tilePtr, tile);
  Value p1 =
      loadIndex(tilePtr, arith::AddIOp::create(b, loc, tile, constant(1)));
  Value keptRows =
      arith::MulIOp::create(b, loc, arith::SubIOp::create(b, loc, p1, p0),
                            constant(layout.getUnitK()));
  endRow = arith::MinUIOp::create(
      b, loc, keptRows, arith::AddIOp::create(b, loc, firstRow, splitRows));
  valuesOffset =
      arith::MulIOp::create(b, loc, p0, constant(layout.getUnitK() * tileN));

  Value warp = arith::DivUIOp::create(b, loc, threadId, constant(32));
  warpRow = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, warp, constant(2)),
      constant(blockRows / 2));
  warpCol = arith::MulIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, warp, constant(2)),
      constant(tileN / 2));
  auto cType =
      gpu::MMAMatrixType::get({kFragment, kFragment}, b.getF32Type(), "COp");
  int64_t fragmentsN = tileN / 2 / kFragment;
  Value zero = gpu::SubgroupMmaConstantMatrixOp::create(
      b, loc, cType,
      arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f)));
  SmallVector<Value> accs(2 * fragmentsN, zero);

  // Only this item's kept rows of the tile, 32 at a time; full tiles (all
  // but a narrower last one) prefetch with vector loads.
  firstBlockRow =
      arith::DivUIOp::create(b, loc, threadId, constant(kStageRows));
  Value numStages = arith::CeilDivUIOp::create(
      b, loc, arith::SubIOp::create(b, loc, endRow, firstRow),
      constant(kStageRows));
  Value fullTile = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         width, constant(tileN));
  auto stages = scf::IfOp::create(
      b, loc, fullTile,
      [&](OpBuilder &, Location) {
        scf::YieldOp::create(
            b, loc, emitStages(firstRow, numStages, accs, /*fullTile=*/true));
      },
      [&](OpBuilder &, Location) {
        scf::YieldOp::create(
            b, loc, emitStages(firstRow, numStages, accs, /*fullTile=*/false));
      });

  IntegerAttr cLeading = IntegerAttr::get(IndexType::get(ctx), tileN);
  for (int64_t fj = 0; fj < fragmentsN; ++fj)
    for (int64_t fi = 0; fi < 2; ++fi)
      gpu::SubgroupMmaStoreMatrixOp::create(
          b, loc, stages.getResult(fj * 2 + fi), cShared,
          ValueRange{
              arith::AddIOp::create(b, loc, warpRow, constant(fi * kFragment)),
              arith::AddIOp::create(b, loc, warpCol, constant(fj * kFragment))},
          cLeading, UnitAttr());
  gpu::BarrierOp::create(b, loc);
  accumulateIntoC();
  gpu::ReturnOp::create(b, loc);
}

/// Name of the kernel for `config`, e.g. `tsparse_wmma_f16_g128_u1_c`.
static std::string getKernelName(const WMMAKernelConfig &config) {
  std::string name;
  llvm::raw_string_ostream os(name);
  os << "tsparse_wmma2_" << config.elementType << "_g"
     << config.layout.getTileN() << "_u" << config.layout.getUnitK()
     << (config.layout.isCompacted() ? "_c" : "") << "_m" << config.blockRows;
  return name;
}

gpu::GPUFuncOp tsparse::getOrCreateWMMAKernel(OpBuilder &b,
                                              gpu::GPUModuleOp module,
                                              const WMMAKernelConfig &config) {
  std::string name = getKernelName(config);
  if (auto existing = module.lookupSymbol<gpu::GPUFuncOp>(name))
    return existing;

  MLIRContext *ctx = b.getContext();
  Location loc = module.getLoc();
  Type index = b.getIndexType();
  Type i32 = b.getI32Type();
  auto dynamic1D = [&](Type elementType) {
    return MemRefType::get({ShapedType::kDynamic}, elementType);
  };
  SmallVector<Type> argTypes = {
      MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic},
                      config.elementType),
      dynamic1D(config.elementType),
      dynamic1D(i32),
      dynamic1D(i32),
      dynamic1D(i32),
      dynamic1D(i32),
      dynamic1D(i32),
      MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic},
                      b.getF32Type()),
      index,
      index,
      index};
  auto workgroup = gpu::AddressSpaceAttr::get(
      ctx, gpu::GPUDialect::getWorkgroupAddressSpace());
  int64_t tileN = config.layout.getTileN();
  SmallVector<Type> workgroupTypes = {
      MemRefType::get({config.blockRows, kStageRows}, config.elementType,
                      MemRefLayoutAttrInterface(), workgroup),
      MemRefType::get({kStageRows, tileN}, config.elementType,
                      MemRefLayoutAttrInterface(), workgroup),
      MemRefType::get({config.blockRows, tileN}, b.getF32Type(),
                      MemRefLayoutAttrInterface(), workgroup)};

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  auto func = gpu::GPUFuncOp::create(
      b, loc, name, b.getFunctionType(argTypes, {}), workgroupTypes);
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr(
      {static_cast<int32_t>(WMMAKernelConfig::kNumThreads), 1, 1}));
  b.setInsertionPointToStart(&func.getBody().front());
  WMMAKernelBuilder(b, loc, func, config).build();
  return func;
}
