//===- StagedEpilogue.cpp - C through shared memory, coalesced ------------===//
//
// The epilogue of the pipelined kernels for items that own their tile: the
// accumulators, spread over the warps in mma fragments, are written to the
// shared memory the main loop no longer needs, and the block then stores
// C in 16-byte pieces along C's contiguous dimension: four columns of a row
// of a row-major C, four rows of a column of a transposed one, so that a
// warp writes whole rows of C (or of its transpose) instead of scattering
// single elements. C is staged in passes of rowsPerPass rows when the
// whole tile does not fit. A compacted layout scatters its columns element
// by element, each thread reading its column's original column once. Items
// that share their tile (split K) add their fragments atomically instead.
//
//===----------------------------------------------------------------------===//

#include "PipelineKernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tsparse;

/// f32 elements each thread moves at a time: 16 bytes.
static constexpr int64_t kStoreElements = 4;
/// Padding of a staged row (in f32), so that a warp's fragment writes fall
/// into distinct banks: rows of C start 8 banks apart (a warp writes pairs
/// of 8 rows), columns of a transposed C 4 banks apart (a warp writes
/// single elements of 4 pairs of columns by 8 rows).
static int64_t getStagedRowPadding(const KernelConfig &config) {
  return config.cTransposed ? 4 : 8;
}

/// Bytes of shared memory the staging of `rows` rows of C takes.
static int64_t getStagedBytes(const KernelConfig &config, int64_t rows) {
  int64_t tileN = config.layout.getTileN();
  int64_t padding = getStagedRowPadding(config);
  int64_t elements =
      config.cTransposed ? tileN * (rows + padding) : rows * (tileN + padding);
  return elements * 4;
}

int64_t tsparse::getStagedRowsPerPass(const KernelConfig &config) {
  int64_t stagesBytes = getWorkgroupBuffersBytes(config);
  // The most rows that fit where the stages were, a divisor of the block's
  // rows and a whole number of fragments.
  int64_t rows = config.blockRows;
  while (rows > kMmaM && getStagedBytes(config, rows) > stagesBytes)
    rows /= 2;
  return rows;
}

void PipelineKernelBuilder::addVectorToC(Value m, Value n, Value vector,
                                         bool alongM) {
  auto vectorType = cast<VectorType>(vector.getType());
  int64_t count = vectorType.getNumElements();
  Type accType = config.accType;
  auto accVectorType = VectorType::get({count}, accType);
  int64_t alignment = count * accType.getIntOrFloatBitWidth() / 8;
  SmallVector<Value> indices = {m, n};
  if (config.cTransposed)
    std::swap(indices[0], indices[1]);
  bool narrow = accVectorType != vectorType;
  Value sum = vector;
  if (!config.cStartsAtZero) {
    auto load = vector::LoadOp::create(b, loc, accVectorType, c, indices);
    load.setAlignment(alignment);
    Value old = load.getResult();
    if (narrow)
      old = arith::ExtFOp::create(b, loc, vectorType, old);
    sum = arith::AddFOp::create(b, loc, old, sum);
  }
  if (config.epilogue) {
    // Element by element: the epilogue is scalar code.
    Value result =
        arith::ConstantOp::create(b, loc, b.getZeroAttr(accVectorType));
    for (int64_t e = 0; e < count; ++e) {
      Value element = vector::ExtractOp::create(b, loc, sum, e);
      Value me = alongM ? add(m, e) : m;
      Value ne = alongM ? n : add(n, e);
      result = vector::InsertOp::create(b, loc, applyEpilogue(me, ne, element),
                                        result, e);
    }
    sum = result;
  } else if (narrow) {
    sum = arith::TruncFOp::create(b, loc, accVectorType, sum);
  }
  vector::StoreOp::create(b, loc, sum, c, indices).setAlignment(alignment);
}

void PipelineKernelBuilder::stageFragments(Value staged, int64_t pass,
                                           int64_t rowsPerPass,
                                           ValueRange accs) {
  Value group = div(lane, 4);
  Value pairColumn = mul(rem(lane, 4), 2);
  int64_t numPasses = blockRows / rowsPerPass;
  for (int64_t fi = 0; fi < fragmentsM; ++fi) {
    // A fragment's 16 rows lie in one pass; the warp takes the branch as a
    // whole.
    Value fragmentRow = add(warpRow, fi * kMmaM);
    OpBuilder::InsertionGuard guard(b);
    if (numPasses > 1) {
      auto ifOp = scf::IfOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                div(fragmentRow, rowsPerPass), constant(pass)),
          /*withElseRegion=*/false);
      b.setInsertionPointToStart(ifOp.thenBlock());
    }
    Value passRow = rem(fragmentRow, rowsPerPass);
    for (int64_t fj = 0; fj < fragmentsN; ++fj) {
      Value column = add(warpCol, add(pairColumn, fj * kMmaN));
      for (int64_t h = 0; h < 2; ++h) {
        Value row = add(passRow, add(group, h * 8));
        Value pair = vector::ExtractOp::create(
            b, loc, accs[fi * fragmentsN + fj], ArrayRef<int64_t>{h});
        if (!config.cTransposed) {
          vector::StoreOp::create(b, loc, pair, staged, ValueRange{row, column})
              .setAlignment(8);
          continue;
        }
        for (int64_t e = 0; e < 2; ++e)
          memref::StoreOp::create(b, loc,
                                  vector::ExtractOp::create(b, loc, pair, e),
                                  staged, ValueRange{add(column, e), row});
      }
    }
  }
}

void PipelineKernelBuilder::storeStagedRows(Value staged, int64_t pass,
                                            int64_t rowsPerPass,
                                            Value threadColumn) {
  Value passM0 = add(m0, pass * rowsPerPass);
  auto vectorType = VectorType::get({kStoreElements}, b.getF32Type());
  bool alongM = config.cTransposed;
  // Staged element (r, j) of the pass: row r, tile column j.
  auto loadStaged = [&](Value r, Value j, Type type) -> Value {
    SmallVector<Value> indices = {r, j};
    if (alongM)
      std::swap(indices[0], indices[1]);
    if (auto vector = dyn_cast<VectorType>(type))
      return vector::LoadOp::create(b, loc, vector, staged, indices);
    return memref::LoadOp::create(b, loc, staged, indices);
  };
  // One element, if inside C; `n` (optional) is the original column.
  auto storeElement = [&](Value r, Value j, Value value, Value n) {
    addToCIfInside(add(passM0, r), j, value, /*exclusive=*/true, n);
  };

  // Element by element, consecutive threads on consecutive elements of C's
  // contiguous dimension: when C's rows do not keep 16-byte pieces aligned,
  // and for a compacted row-major C, whose columns scatter.
  auto storeElements = [&] {
    int64_t inner = alongM ? rowsPerPass : tileN;
    forEachThreadChunk(rowsPerPass * tileN, [&](Value q) {
      Value outer = div(q, inner), innerIndex = rem(q, inner);
      Value r = alongM ? innerIndex : outer;
      Value j = alongM ? outer : innerIndex;
      storeElement(r, j, loadStaged(r, j, b.getF32Type()), threadColumn);
    });
  };
  if (layout.isCompacted() && !alongM) {
    storeElements();
    return;
  }
  // Otherwise 16 bytes per thread: four columns of a row (or four rows of
  // a column of a transposed C), so that a warp writes 512 consecutive
  // bytes; a piece that crosses the edge of C goes element by element.
  Value aligned = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq,
      rem(memref::DimOp::create(b, loc, c, 1), kStoreElements), constant(0));
  auto ways = scf::IfOp::create(b, loc, aligned, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ways.elseBlock());
  storeElements();
  b.setInsertionPointToStart(ways.thenBlock());
  int64_t inner = (alongM ? rowsPerPass : tileN) / kStoreElements;
  forEachThreadChunk(rowsPerPass * tileN / kStoreElements, [&](Value q) {
    Value outer = div(q, inner);
    Value innerIndex = mul(rem(q, inner), kStoreElements);
    Value r = alongM ? innerIndex : outer;
    Value j = alongM ? outer : innerIndex;
    auto piece =
        cast<vector::LoadOp>(loadStaged(r, j, vectorType).getDefiningOp());
    piece.setAlignment(16);
    Value m = add(passM0, r);
    Value n = clampedOriginalColumn(j);
    // The piece's last row or column is inside C.
    Value whole =
        alongM ? arith::AndIOp::create(b, loc, ult(j, width),
                                       ult(add(m, kStoreElements - 1), numRows))
               : arith::AndIOp::create(b, loc, ult(m, numRows),
                                       ult(add(j, kStoreElements - 1), width));
    auto ifOp = scf::IfOp::create(b, loc, whole, /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    addVectorToC(m, n, piece, alongM);
    b.setInsertionPointToStart(ifOp.elseBlock());
    for (int64_t e = 0; e < kStoreElements; ++e) {
      Value value = vector::ExtractOp::create(b, loc, piece, e);
      if (alongM)
        storeElement(add(r, e), j, value, n);
      else
        storeElement(r, add(j, e), value, Value());
    }
  });
}

void PipelineKernelBuilder::storeTileThroughSharedMemory(ValueRange accs) {
  int64_t rowsPerPass = getStagedRowsPerPass(config);
  auto workgroup = gpu::AddressSpaceAttr::get(
      b.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
  int64_t padding = getStagedRowPadding(config);
  SmallVector<int64_t> shape = {rowsPerPass, tileN + padding};
  if (config.cTransposed)
    shape = {tileN, rowsPerPass + padding};
  Value staged = memref::ViewOp::create(
      b, loc,
      MemRefType::get(shape, b.getF32Type(), MemRefLayoutAttrInterface(),
                      workgroup),
      workgroupBytes, workgroupStart, ValueRange{});
  // A compacted row-major C, stored element by element: a thread's column
  // is the same in every row when the threads cover whole rows, so its
  // original column is read once.
  Value threadColumn;
  if (layout.isCompacted() && !config.cTransposed && numThreads % tileN == 0)
    threadColumn = clampedOriginalColumn(rem(threadId, tileN));
  for (int64_t pass = 0; pass < blockRows / rowsPerPass; ++pass) {
    // The stages (or the previous pass) are no longer read.
    gpu::BarrierOp::create(b, loc);
    onMmaThreads([&] { stageFragments(staged, pass, rowsPerPass, accs); });
    gpu::BarrierOp::create(b, loc);
    storeStagedRows(staged, pass, rowsPerPass, threadColumn);
  }
}
