//===- KernelBuilder.cpp - Shared parts of the fused kernels --------------===//
//
// The kernel signature, the decoding of a block's work item (an M tile and a
// run of kept rows of one column tile) and the addressing of A and C.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"

#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/Epilogue.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::tsparse;

KernelBuilder::KernelBuilder(OpBuilder &b, Location loc, gpu::GPUFuncOp func,
                             const KernelConfig &config)
    : ArithIndexingBuilder(b, loc), b(b), loc(loc), config(config),
      layout(config.layout), tileN(layout.getTileN()),
      blockRows(config.blockRows), numThreads(config.getNumThreads()) {
  auto arg = [&](KernelArg which) {
    return func.getArgument(static_cast<unsigned>(which));
  };
  a = arg(KernelArg::A);
  values = arg(KernelArg::Values);
  rowIds = arg(KernelArg::RowIds);
  tilePtr = arg(KernelArg::TilePtr);
  colIds = arg(KernelArg::ColIds);
  workTiles = arg(KernelArg::WorkTiles);
  workRows = arg(KernelArg::WorkRows);
  c = arg(KernelArg::C);
  numTiledColumns = arg(KernelArg::NumTiledColumns);
  numMTiles = arg(KernelArg::NumMTiles);
  splitRows = arg(KernelArg::SplitRows);
  if (config.denseB)
    batchRows =
        func.getArgument(kNumKernelArgs + unsigned(DenseArg::BatchRows));
  unsigned numArguments = func.getNumArguments();
  if (config.loadsBByTMA())
    bTensorMapPointer = func.getArgument(--numArguments);
  if (config.epilogue) {
    droppedIds =
        func.getArgument(kNumKernelArgs + unsigned(EpilogueArg::DroppedIds));
    numTiles =
        func.getArgument(kNumKernelArgs + unsigned(EpilogueArg::NumTiles));
    for (unsigned i = kNumKernelArgs + kNumEpilogueArgs; i < numArguments; ++i)
      epilogueOperands.push_back(func.getArgument(i));
  }
}

SmallVector<Value> KernelBuilder::getWorkgroupBuffers(gpu::GPUFuncOp func,
                                                      ArrayRef<Type> types) {
  bool dynamic = config.usesDynamicSharedMemory();
  if (config.flavor == MmaFlavor::WMMA && !dynamic)
    return SmallVector<Value>(func.getWorkgroupAttributions());
  // Views of the workgroup bytes (dynamic shared memory, or the one i8
  // attribution of a pipelined kernel), one after another (each a multiple
  // of 16 bytes).
  auto workgroup = gpu::AddressSpaceAttr::get(
      b.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
  Value base;
  if (dynamic)
    base = gpu::DynamicSharedMemoryOp::create(
        b, loc,
        MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                        MemRefLayoutAttrInterface(), workgroup));
  else
    base = func.getWorkgroupAttributions().front();
  SmallVector<Value> buffers;
  Value offset = constant(0);
  if (config.flavor == MmaFlavor::WGMMA) {
    // Stages start at multiples of kWGMMASharedAlignment in the shared
    // window, where the swizzle the descriptors name repeats.
    sharedAddress =
        memref::ExtractAlignedPointerAsIndexOp::create(b, loc, base);
    Value misalignment = rem(sharedAddress, kWGMMASharedAlignment);
    offset = rem(arith::SubIOp::create(b, loc, constant(kWGMMASharedAlignment),
                                       misalignment),
                 kWGMMASharedAlignment);
    sharedAddress = add(sharedAddress, offset);
  }
  workgroupBytes = base;
  workgroupStart = offset;
  for (Type type : types) {
    auto memrefType = cast<MemRefType>(type);
    buffers.push_back(
        memref::ViewOp::create(b, loc, memrefType, base, offset, ValueRange{}));
    offset = add(offset, getMemRefBytes(memrefType));
  }
  return buffers;
}

std::pair<Value, int64_t> KernelBuilder::splitMultiple(Value value,
                                                       int64_t divisor) {
  auto sum = value.getDefiningOp<arith::AddIOp>();
  APInt c;
  if (!sum ||
      !bitEnumContainsAll(sum.getOverflowFlags(),
                          arith::IntegerOverflowFlags::nsw) ||
      !matchPattern(sum.getRhs(), m_ConstantInt(&c)) || c.isNegative() ||
      c.getSExtValue() % divisor != 0)
    return {Value(), 0};
  return {sum.getLhs(), c.getSExtValue()};
}

Value KernelBuilder::loadIndex(Value memref, Value index) {
  Value value = memref::LoadOp::create(b, loc, memref, index);
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), value);
}

void KernelBuilder::forEachWorkBlock(function_ref<void()> body) {
  threadId = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value blockId = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  if (!config.isPersistent()) {
    workBlock = blockId;
    body();
    return;
  }
  // Longest items first, so that striding over them balances the blocks.
  Value numWorkBlocks =
      mul(memref::DimOp::create(b, loc, workTiles, 0).getResult(), numMTiles);
  Value gridBlocks = gpu::GridDimOp::create(b, loc, gpu::Dimension::x);
  auto loop = scf::ForOp::create(b, loc, blockId, numWorkBlocks, gridBlocks);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  workBlock = loop.getInductionVar();
  body();
  // The next work block's copies overwrite the workgroup memory that the
  // last warps may still read.
  gpu::BarrierOp::create(b, loc);
}

void KernelBuilder::buildWorkItem() {
  // Consecutive blocks share a work item's rows of B; items come longest
  // tile first.
  Value work = arith::DivUIOp::create(b, loc, workBlock, numMTiles);
  Value mTile = arith::RemUIOp::create(b, loc, workBlock, numMTiles);
  Value tile = loadIndex(workTiles, work);
  firstRow = loadIndex(workRows, work);
  if (config.denseB) {
    buildDenseWorkItem(mTile, tile);
    return;
  }
  numRows = memref::DimOp::create(b, loc, a, config.aKMajor ? 1 : 0);
  m0 = mul(mTile, blockRows);
  Value numColumns = numTiledColumns;
  if (config.epilogue) {
    // Items past the tiles are groups of dropped columns: no rows, columns
    // from droppedIds.
    dropped = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, tile,
                                    numTiles);
    Value group = arith::SubIOp::create(b, loc, tile, numTiles);
    tile = arith::SelectOp::create(b, loc, dropped, group, tile);
    numColumns = arith::SelectOp::create(
        b, loc, dropped,
        memref::DimOp::create(b, loc, droppedIds, 0).getResult(),
        numTiledColumns);
  }
  col0 = mul(tile, tileN);
  width = arith::MinSIOp::create(
      b, loc, constant(tileN), arith::SubIOp::create(b, loc, numColumns, col0));
  Value arrayTile = tile;
  if (config.epilogue)
    arrayTile = arith::SelectOp::create(b, loc, dropped, constant(0), tile);
  p0 = loadIndex(tilePtr, arrayTile);
  Value p1 = loadIndex(tilePtr, add(arrayTile, 1));
  keptRows = mul(arith::SubIOp::create(b, loc, p1, p0), layout.getUnitK());
  if (config.epilogue)
    keptRows = arith::SelectOp::create(b, loc, dropped, constant(0), keptRows);
  endRow = arith::MinUIOp::create(b, loc, keptRows, add(firstRow, splitRows));
  if (!config.epilogue && !config.cStartsAtZero) {
    // The item is its whole tile: it starts at the tile's first row and
    // ends at its last (the split size covers all kept rows). Decided here,
    // so that a predicate rather than keptRows stays live across the main
    // loop, whose kernels are at 255 registers.
    wholeTile = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, firstRow,
                              constant(0)),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, keptRows,
                              splitRows));
  }
  valuesOffset = mul(p0, layout.getUnitK() * tileN);
  // Packed tiles are as wide as their rows.
  bRowStride = width;
}

void KernelBuilder::buildDenseWorkItem(Value mTile, Value tile) {
  // The M tiles of batch 0, then those of batch 1, ...
  Value tilesPerBatch =
      arith::CeilDivUIOp::create(b, loc, batchRows, constant(blockRows));
  Value batch = denseBatch =
      arith::DivUIOp::create(b, loc, mTile, tilesPerBatch);
  Value batchStart = mul(batch, batchRows);
  m0 = add(batchStart, mul(arith::RemUIOp::create(b, loc, mTile, tilesPerBatch),
                           blockRows));
  numRows = add(batchStart, batchRows);
  col0 = mul(tile, tileN);
  width = arith::MinSIOp::create(
      b, loc, constant(tileN),
      arith::SubIOp::create(b, loc, numTiledColumns, col0));
  // Every row of B is kept.
  keptRows = memref::DimOp::create(b, loc, a, config.aKMajor ? 0 : 1);
  endRow = arith::MinUIOp::create(b, loc, keptRows, add(firstRow, splitRows));
  bRowStride = numTiledColumns;
  valuesOffset = add(mul(mul(batch, keptRows), bRowStride), col0);
}

void KernelBuilder::ifItemHasRows(function_ref<void()> body) {
  // Without rows, an item still writes its block of C when the kernel
  // applies an epilogue or C is not filled (starts at zero).
  bool writesC = config.epilogue || config.cStartsAtZero;
  auto ifOp = scf::IfOp::create(b, loc, ult(firstRow, endRow),
                                /*withElseRegion=*/writesC);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  body();
  if (writesC) {
    b.setInsertionPointToStart(ifOp.elseBlock());
    writeCWithoutProduct();
  }
}

void KernelBuilder::writeCWithoutProduct() {
  // The threads stride over the rows x columns of the item's block of C.
  auto loop = scf::ForOp::create(b, loc, threadId, constant(blockRows * tileN),
                                 constant(numThreads));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value index = loop.getInductionVar();
  Value m = add(m0, div(index, tileN));
  Value j = rem(index, tileN);
  Value inside = arith::AndIOp::create(b, loc, ult(m, numRows), ult(j, width));
  auto ifOp = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
  b.setInsertionPointToStart(ifOp.thenBlock());
  Value col = add(col0, j);
  Value n;
  if (config.epilogue) {
    // Both column arrays have an element at 0: read the one that applies.
    Value droppedN = loadIndex(
        droppedIds, arith::SelectOp::create(b, loc, dropped, col, constant(0)));
    Value keptN = originalColumn(
        arith::SelectOp::create(b, loc, dropped, constant(0), col));
    n = arith::SelectOp::create(b, loc, dropped, droppedN, keptN);
  } else {
    n = originalColumn(col);
  }
  SmallVector<Value> indices = {m, n};
  if (config.cTransposed)
    std::swap(indices[0], indices[1]);
  if (!config.epilogue) {
    // Only a C that starts at zero gets here: store that zero.
    memref::StoreOp::create(b, loc, loadC(indices, config.accType), c, indices);
    return;
  }
  Type accType = cast<MatmulOp>(config.epilogue).getAccumulatorType();
  Value old = loadC(indices, accType);
  memref::StoreOp::create(b, loc, applyEpilogue(m, n, old), c, indices);
}

Value KernelBuilder::applyEpilogue(Value m, Value n, Value sum) {
  auto op = cast<MatmulOp>(config.epilogue);
  Type accType = op.getAccumulatorType();
  if (sum.getType() != accType)
    sum = arith::TruncFOp::create(b, loc, accType, sum);
  SmallVector<Value> args = {sum};
  for (Value operand : epilogueOperands) {
    SmallVector<Value> indices = {n};
    if (cast<MemRefType>(operand.getType()).getRank() == 2)
      indices.insert(indices.begin(), m);
    args.push_back(memref::LoadOp::create(b, loc, operand, indices));
  }
  return emitEpilogue(b, loc, op, args);
}

Value KernelBuilder::gatheredK(Value row) {
  if (config.denseB)
    return row;
  int64_t unitK = layout.getUnitK();
  Value unit = div(row, unitK);
  return add(mul(loadIndex(rowIds, add(p0, unit)), unitK), rem(row, unitK));
}

Value KernelBuilder::isFullTile() {
  Value full = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, width,
                                     constant(tileN));
  if (!config.denseB)
    return full;
  // Rows of B in place start 16-byte aligned only if N is a multiple of 8.
  Value aligned = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                        rem(bRowStride, 8), constant(0));
  return arith::AndIOp::create(b, loc, full, aligned);
}

Value KernelBuilder::bIndex(Value row, Value j, bool fullTile) {
  // A full packed tile's rows are tile_n long, a constant.
  Value stride = fullTile && !config.denseB ? constant(tileN) : bRowStride;
  return add(valuesOffset, add(mul(row, stride), j));
}

Value KernelBuilder::clampColumn(Value j) {
  return arith::SelectOp::create(b, loc, ult(j, width), j, constant(0));
}

Value KernelBuilder::loadA(Value m, Value k) {
  if (config.aKMajor)
    return memref::LoadOp::create(b, loc, a, ValueRange{k, m});
  return memref::LoadOp::create(b, loc, a, ValueRange{m, k});
}

Value KernelBuilder::originalColumn(Value col) {
  return layout.isCompacted() ? loadIndex(colIds, col) : col;
}

void KernelBuilder::addToC(Value m, Value j, Value value, bool exclusive,
                           Value n) {
  if (!n)
    n = originalColumn(add(col0, j));
  SmallVector<Value> indices = {m, n};
  if (config.cTransposed)
    std::swap(indices[0], indices[1]);
  Type accType = config.accType;
  bool narrow = accType != value.getType();
  if (!exclusive) {
    if (narrow)
      value = arith::TruncFOp::create(b, loc, accType, value);
    memref::AtomicRMWOp::create(b, loc, arith::AtomicRMWKind::addf, value, c,
                                indices);
    return;
  }
  // One rounding to a narrow C, after the f32 sum.
  Value sum = value;
  if (!config.cStartsAtZero)
    sum = arith::AddFOp::create(b, loc, loadC(indices, value.getType()), value);
  if (config.epilogue)
    sum = applyEpilogue(m, n, sum);
  else if (narrow)
    sum = arith::TruncFOp::create(b, loc, accType, sum);
  memref::StoreOp::create(b, loc, sum, c, indices);
}

void KernelBuilder::addToCIfInside(Value m, Value j, Value value,
                                   bool exclusive, Value n) {
  Value inside = arith::AndIOp::create(b, loc, ult(m, numRows), ult(j, width));
  auto ifOp = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  addToC(m, j, value, exclusive, n);
}

Value KernelBuilder::loadC(ValueRange indices, Type type) {
  if (config.cStartsAtZero)
    return arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
  Value old = memref::LoadOp::create(b, loc, c, indices);
  if (old.getType() != type)
    old = arith::ExtFOp::create(b, loc, type, old);
  return old;
}

void KernelBuilder::forEachWayToAddToC(function_ref<void(bool)> body) {
  // Kernels with an epilogue, of a dense B or of a zero C only ever run
  // whole tiles.
  if (config.epilogue || config.denseB || config.cStartsAtZero) {
    body(/*exclusive=*/true);
    return;
  }
  scf::IfOp::create(
      b, loc, wholeTile,
      [&](OpBuilder &, Location) {
        body(/*exclusive=*/true);
        scf::YieldOp::create(b, loc);
      },
      [&](OpBuilder &, Location) {
        body(/*exclusive=*/false);
        scf::YieldOp::create(b, loc);
      });
}

/// Name of the kernel for `config`, e.g.
/// `tsparse_mma_sync_f16_g128_u1_c_ak_m128_s3`.
static std::string getKernelName(const KernelConfig &config) {
  std::string name;
  llvm::raw_string_ostream os(name);
  os << "tsparse_";
  for (char ch : stringifyMmaFlavor(config.flavor))
    os << (ch == '-' ? '_' : ch);
  os << "_" << config.elementType << "_g" << config.layout.getTileN() << "_u"
     << config.layout.getUnitK() << (config.layout.isCompacted() ? "_c" : "")
     << (config.aKMajor ? "_ak" : "") << (config.cTransposed ? "_ct" : "")
     << (config.denseB ? "_dense" : "")
     << (config.keptRowsInRunsOf8 && config.copiesRowMajorAChunks() ? "_r8"
                                                                    : "")
     << (config.cStartsAtZero ? "_z" : "");
  if (!config.accType.isF32())
    os << "_out" << config.accType;
  if (!ShapedType::isDynamic(config.getKernelARowLength()))
    os << "_k" << config.getKernelARowLength();
  os << "_m" << config.blockRows;
  if (config.flavor != MmaFlavor::WMMA)
    os << "_s" << config.numStages;
  if (config.isPersistent())
    os << "_p";
  if (config.epilogue)
    os << "_e" << config.epilogueKey;
  return name;
}

gpu::GPUFuncOp tsparse::getOrCreateKernel(OpBuilder &b, gpu::GPUModuleOp module,
                                          const KernelConfig &config) {
  std::string name = getKernelName(config);
  if (auto existing = module.lookupSymbol<gpu::GPUFuncOp>(name))
    return existing;

  Location loc = module.getLoc();
  Type index = b.getIndexType();
  Type i32 = b.getI32Type();
  auto dynamic1D = [&](Type elementType) {
    return MemRefType::get({ShapedType::kDynamic}, elementType);
  };
  auto dynamic2D = [&](Type elementType) {
    return MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic},
                           elementType);
  };
  SmallVector<Type> argTypes(kNumKernelArgs);
  auto setType = [&](KernelArg which, Type type) {
    argTypes[static_cast<unsigned>(which)] = type;
  };
  setType(KernelArg::A,
          MemRefType::get({ShapedType::kDynamic, config.getKernelARowLength()},
                          config.elementType));
  setType(KernelArg::Values, dynamic1D(config.elementType));
  for (KernelArg array :
       {KernelArg::RowIds, KernelArg::TilePtr, KernelArg::ColIds,
        KernelArg::WorkTiles, KernelArg::WorkRows})
    setType(array, dynamic1D(i32));
  setType(KernelArg::C, dynamic2D(config.accType));
  for (KernelArg size :
       {KernelArg::NumTiledColumns, KernelArg::NumMTiles, KernelArg::SplitRows})
    setType(size, index);
  assert(!(config.denseB && config.epilogue) &&
         "kernels with a dense B apply no epilogue");
  if (config.denseB)
    argTypes.push_back(index);
  if (auto op = dyn_cast_or_null<MatmulOp>(config.epilogue)) {
    argTypes.push_back(dynamic1D(i32));
    argTypes.push_back(index);
    for (Value operand : op.getEpilogueOperands()) {
      auto type = cast<ShapedType>(operand.getType());
      argTypes.push_back(type.getRank() == 1
                             ? dynamic1D(type.getElementType())
                             : dynamic2D(type.getElementType()));
    }
  }
  // The pipelined kernels view one i8 buffer (their stages and the
  // epilogue's staging of C overlap).
  if (config.loadsBByTMA())
    argTypes.push_back(LLVM::LLVMPointerType::get(b.getContext()));
  SmallVector<Type> workgroupTypes;
  if (!config.usesDynamicSharedMemory())
    workgroupTypes =
        config.flavor == MmaFlavor::WMMA
            ? getWorkgroupTypes(config)
            : SmallVector<Type>{MemRefType::get(
                  {config.getSharedMemoryBytes()}, b.getI8Type(),
                  MemRefLayoutAttrInterface(),
                  gpu::AddressSpaceAttr::get(
                      b.getContext(),
                      gpu::GPUDialect::getWorkgroupAddressSpace()))};

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  auto func = gpu::GPUFuncOp::create(
      b, loc, name, b.getFunctionType(argTypes, {}), workgroupTypes);
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr(
      {static_cast<int32_t>(config.getNumThreads()), 1, 1}));
  // One block per SM at least: ptxas then knows the registers a thread has
  // at entry (65536 over the block's threads), from which the wgmma
  // kernel's warpgroups move registers to one another (setmaxnreg). An
  // mma.sync kernel of 64-column tiles (half the accumulators of 128) is
  // otherwise given about 128 registers, for three blocks per SM, and
  // recomputes its loop-invariant shared addresses in the main loop (2.4 to
  // 4.3 other SASS instructions per mma.sync instead of 1.96 to 2.61); the
  // 128-column ones take 246 to 255 anyway, and their K-major main loops
  // spilled with the hint.
  if (config.flavor == MmaFlavor::WGMMA ||
      (config.flavor == MmaFlavor::MMASync && config.layout.getTileN() < 128))
    func->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                  b.getI32IntegerAttr(1));
  // The operands before C are only read, and nothing the kernel writes
  // overlaps them, so that the backend may read them through the read-only
  // data path. (Epilogue operands are not marked: a residual may share C's
  // buffer.)
  for (unsigned i = 0; i < static_cast<unsigned>(KernelArg::C); ++i) {
    func.setArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName(),
                    b.getUnitAttr());
    func.setArgAttr(i, LLVM::LLVMDialect::getReadonlyAttrName(),
                    b.getUnitAttr());
  }
  b.setInsertionPointToStart(&func.getBody().front());
  switch (config.flavor) {
  case MmaFlavor::WMMA:
    buildWMMAKernel(b, loc, func, config);
    break;
  case MmaFlavor::MMASync:
  case MmaFlavor::WGMMA:
    buildMMASyncKernel(b, loc, func, config);
    break;
  }
  return func;
}
