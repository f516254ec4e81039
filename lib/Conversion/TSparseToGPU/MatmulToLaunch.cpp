//===- MatmulToLaunch.cpp - tsparse.matmul to a fused kernel launch -------===//
//
// Replaces tsparse.matmul by one launch of a fused tile-sparse kernel (WMMA
// or mma.sync): the host side copies A, the storage arrays, the work list
// and C to device buffers, launches one block per (M tile, work item) and
// copies C back.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Conversion/TSparseToGPU/TSparseToGPU.h"

#include "LaunchUtils.h"

#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/Epilogue.h"
#include "tsparse/Dialect/TSparse/Transforms/LowerToLoops.h"
#include "tsparse/Dialect/TSparse/Transforms/LoweringUtils.h"
#include "tsparse/Dialect/TSparse/Transforms/MatmulMatch.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/xxhash.h"

using namespace mlir;
using namespace mlir::tsparse;

namespace {
/// A work list: per item, its column tile and its first kept row.
struct WorkItems {
  SmallVector<int32_t> tiles, rows;
};

/// The work lists of a compile-time matrix with offsets `tilePtr`: its
/// non-empty tiles longest first, whole, and split into runs of at most
/// `splitRows` kept rows.
struct StaticWorkLists {
  WorkItems whole, split;

  /// Whether a product with `numMTiles` M tiles runs the split list: when
  /// splitting changes the list and the whole list has fewer blocks than
  /// `splitBlocks` (0 never splits).
  bool useSplit(int64_t numMTiles, int64_t splitBlocks) const {
    return split.tiles.size() != whole.tiles.size() && splitBlocks != 0 &&
           numMTiles * int64_t(whole.tiles.size()) < splitBlocks;
  }
};
} // namespace

/// Splits the column tiles `order` of a matrix with offsets `tilePtr` into
/// work items of at most `splitRows` kept rows.
static WorkItems splitWorkItems(ArrayRef<int32_t> tilePtr,
                                ArrayRef<int32_t> order, int64_t unitK,
                                int64_t splitRows) {
  WorkItems items;
  for (int32_t tile : order) {
    int64_t keptRows = int64_t(tilePtr[tile + 1] - tilePtr[tile]) * unitK;
    for (int64_t row = 0; row < keptRows; row += splitRows) {
      items.tiles.push_back(tile);
      items.rows.push_back(row);
    }
  }
  return items;
}

/// Returns the work lists of a compile-time matrix with offsets `tilePtr`.
static StaticWorkLists computeStaticWorkLists(ArrayRef<int32_t> tilePtr,
                                              int64_t unitK,
                                              int64_t splitRows) {
  SmallVector<int32_t> order = computeLongestFirstTileOrder(tilePtr);
  StaticWorkLists lists;
  lists.whole = splitWorkItems(tilePtr, order, unitK, kWholeTileRows);
  lists.split = splitWorkItems(tilePtr, order, unitK, splitRows);
  return lists;
}

/// Returns the users of `result` if they all transpose it (so that the
/// product can be computed transposed), or nothing. Reads of its sizes do
/// not count.
static SmallVector<linalg::TransposeOp> getTransposingUsers(Value result) {
  SmallVector<linalg::TransposeOp> users;
  for (Operation *user : result.getUsers()) {
    // Sizes can be read from C instead.
    if (isa<tensor::DimOp>(user))
      continue;
    auto transpose = dyn_cast<linalg::TransposeOp>(user);
    if (!transpose || !isMatrixTranspose(transpose) ||
        transpose.getInput() != result)
      return {};
    users.push_back(transpose);
  }
  return users;
}

/// Returns `matrix` (M x N) transposed to `type` (N x M): a fill is refilled,
/// anything else transposed on the host.
static Value transposeOnHost(OpBuilder &b, Location loc, Value matrix,
                             RankedTensorType type) {
  auto fill = matrix.getDefiningOp<linalg::FillOp>();
  if (!fill)
    return createInnermostTranspose(b, loc, matrix);
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, matrix);
  std::swap(sizes[0], sizes[1]);
  Value empty = tensor::EmptyOp::create(b, loc, sizes, type.getElementType());
  return linalg::FillOp::create(b, loc, fill.getInputs(), empty).getResult(0);
}

namespace {
/// The work items of a product: column tile and first kept row of each
/// (i32 tensors), their number and the kept rows per item.
struct WorkList {
  Value tiles, rows, count, splitRows;
};
} // namespace

/// Builds the work list of `op`, whose A has `numMTiles` M tiles. A
/// compile-time matrix visits its non-empty tiles longest first; when the
/// product has fewer than `options.splitBlocks` blocks (known at run time),
/// its long tiles are split into runs of `options.splitRows` kept rows so
/// that small M still fills the GPU, at the price of atomic updates of C. A
/// runtime matrix visits every tile in order, whole.
static WorkList buildWorkList(OpBuilder &b, Location loc, MatmulOp op,
                              const MatrixStorageValues &storage,
                              Value numMTiles, const KernelOptions &options) {
  auto constantIndex = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  WorkList work;
  if (auto constant = op.getB().getDefiningOp<ConstantOp>()) {
    SmallVector<int32_t> tilePtr =
        llvm::to_vector(constant.getTilePtr().getValues<int32_t>());
    int64_t unitK = op.getB().getType().getLayout().getUnitK();
    StaticWorkLists lists =
        computeStaticWorkLists(tilePtr, unitK, options.splitRows);
    work.tiles = createI32Array(b, loc, lists.whole.tiles);
    work.rows = createI32Array(b, loc, lists.whole.rows);
    work.count = constantIndex(lists.whole.tiles.size());
    work.splitRows = constantIndex(kWholeTileRows);
    // No split list, or enough blocks with a single M tile already.
    if (!lists.useSplit(/*numMTiles=*/1, options.splitBlocks))
      return work;
    // Both lists; the number of blocks picks one, as useSplit does.
    Value useSplit = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ult,
        arith::MulIOp::create(b, loc, numMTiles, work.count),
        constantIndex(options.splitBlocks));
    auto dynamicType =
        RankedTensorType::get({ShapedType::kDynamic}, b.getI32Type());
    auto choose = [&](ArrayRef<int32_t> split, Value unsplit) -> Value {
      auto ifOp = scf::IfOp::create(
          b, loc, useSplit,
          [&](OpBuilder &b, Location loc) {
            scf::YieldOp::create(
                b, loc,
                ValueRange{tensor::CastOp::create(
                    b, loc, dynamicType, createI32Array(b, loc, split))});
          },
          [&](OpBuilder &b, Location loc) {
            scf::YieldOp::create(b, loc,
                                 ValueRange{tensor::CastOp::create(
                                     b, loc, dynamicType, unsplit)});
          });
      return ifOp.getResult(0);
    };
    work.tiles = choose(lists.split.tiles, work.tiles);
    work.rows = choose(lists.split.rows, work.rows);
    work.count = arith::SelectOp::create(
        b, loc, useSplit, constantIndex(lists.split.tiles.size()), work.count);
    work.splitRows = arith::SelectOp::create(
        b, loc, useSplit, constantIndex(options.splitRows), work.splitRows);
    return work;
  }
  std::tie(work.tiles, work.rows) =
      generateInOrderWorkList(b, loc, storage.numScheduled);
  work.count = storage.numScheduled;
  work.splitRows = constantIndex(kWholeTileRows);
  return work;
}

/// The work list of a product whose kernel applies its epilogue: every tile
/// whole, longest first and empty ones last, then the groups of `tileN`
/// dropped columns as tiles `numTiles`, `numTiles + 1`, ... (see
/// EpilogueArg).
static WorkItems getEpilogueWorkItems(ArrayRef<int32_t> tilePtr,
                                      int64_t numDropped, int64_t tileN) {
  WorkItems items;
  int64_t numTiles = static_cast<int64_t>(tilePtr.size()) - 1;
  for (int32_t tile :
       computeLongestFirstTileOrder(tilePtr, /*keepEmptyTiles=*/true)) {
    items.tiles.push_back(tile);
    items.rows.push_back(0);
  }
  for (int64_t group = 0; group * tileN < numDropped; ++group) {
    items.tiles.push_back(static_cast<int32_t>(numTiles + group));
    items.rows.push_back(0);
  }
  return items;
}

/// Returns the columns of `constant` that its compacted layout drops: those
/// missing from its ascending `col_ids`.
static SmallVector<int32_t> getDroppedColumns(ConstantOp constant) {
  SmallVector<int32_t> dropped;
  MatrixType type = constant.getType();
  if (!type.getLayout().isCompacted())
    return dropped;
  auto kept = constant.getColIdsAttr().getValues<int32_t>();
  auto next = kept.begin();
  for (int32_t col = 0, e = type.getShape()[1]; col < e; ++col) {
    if (next != kept.end() && *next == col)
      ++next;
    else
      dropped.push_back(col);
  }
  return dropped;
}

/// Prepares `op`'s epilogue to be applied by its kernel, or returns failure
/// when the kernel cannot: the matrix must be a compile-time constant (its
/// work list visits every tile whole), and the epilogue may use only its
/// arguments and constants, which are moved into it.
static LogicalResult prepareKernelEpilogue(RewriterBase &rewriter,
                                           MatmulOp op) {
  if (!op.getB().getDefiningOp<ConstantOp>())
    return failure();
  Block &block = op.getEpilogueBlock();
  SmallVector<Operation *> captured;
  WalkResult walk = block.walk([&](Operation *inner) {
    for (Value operand : inner->getOperands()) {
      if (block.getParent()->isAncestor(operand.getParentRegion()))
        continue;
      Operation *def = operand.getDefiningOp();
      if (!def || !def->hasTrait<OpTrait::ConstantLike>())
        return WalkResult::interrupt();
      captured.push_back(def);
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(&block);
  for (Operation *def : captured) {
    Operation *clone = rewriter.clone(*def);
    rewriter.replaceUsesWithIf(def->getResults(), clone->getResults(),
                               [&](OpOperand &use) {
                                 return block.getParent()->isAncestor(
                                     use.getOwner()->getParentRegion());
                               });
  }
  return success();
}

/// A key of `op`'s epilogue (its ops and operand types) for kernel names.
static std::string getEpilogueKey(MatmulOp op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  OpPrintingFlags flags;
  flags.printGenericOpForm().useLocalScope();
  for (Operation &inner : op.getEpilogue().front())
    inner.print(os, flags);
  for (Value operand : op.getEpilogueOperands())
    os << operand.getType();
  return llvm::utohexstr(llvm::xxh3_64bits(text));
}

/// Returns true if the kept rows of every tile of `constant` come in runs of
/// 8 consecutive rows of B starting at multiples of 8, as on a dense layout:
/// the kernel can then copy a row-major A in 16-byte chunks along K.
static bool hasKeptRowsInRunsOf8(ConstantOp constant) {
  int64_t unitK = constant.getType().getLayout().getUnitK();
  if (unitK % 8 == 0)
    return false; // Already implied by the layout.
  if (8 % unitK != 0)
    return false;
  int64_t unitsPerRun = 8 / unitK;
  auto tilePtr = llvm::to_vector(constant.getTilePtr().getValues<int32_t>());
  auto rowIds = llvm::to_vector(constant.getRowIds().getValues<int32_t>());
  for (size_t tile = 0; tile + 1 < tilePtr.size(); ++tile) {
    int64_t begin = tilePtr[tile], end = tilePtr[tile + 1];
    if ((end - begin) % unitsPerRun != 0)
      return false;
    for (int64_t run = begin; run < end; run += unitsPerRun) {
      if (int64_t(rowIds[run]) % unitsPerRun != 0)
        return false;
      for (int64_t i = 1; i < unitsPerRun; ++i)
        if (rowIds[run + i] != rowIds[run] + i)
          return false;
    }
  }
  return true;
}

/// Bytes of a DRAM round trip weighed against bytes read from L2: the
/// transposition reads and writes all of A once, while the products' reads
/// of A mostly hit L2 (A is shared by every column tile).
static constexpr int64_t kDRAMByteWeight = 2;
/// Elements of a 16-bit A in a 32-byte sector, the unit of L2 reads.
static constexpr int64_t kSectorElements = 16;

/// Whether transposing A on the device and reading its kept rows K-major
/// moves fewer bytes than gathering them from the row-major A, per row of
/// A (so for any M). A warp's gather reads whole 32-byte sectors of a row
/// of A: each column tile reads every sector that holds one of its kept
/// rows (at 25 % of rows kept at random, 99 % of them). K-major, a tile
/// reads exactly its kept rows, after the transposition moved A twice.
static bool transposingAMovesFewerBytes(ConstantOp constant) {
  MatrixType type = constant.getType();
  int64_t numRows = type.getNumRows();
  int64_t unitK = type.getLayout().getUnitK();
  auto tilePtr = llvm::to_vector(constant.getTilePtr().getValues<int32_t>());
  auto rowIds = llvm::to_vector(constant.getRowIds().getValues<int32_t>());
  int64_t numSectors = llvm::divideCeil(numRows, kSectorElements);
  // The last tile that read each sector.
  SmallVector<int64_t> readBy(numSectors, -1);
  int64_t gatheredElements = 0, keptElements = 0;
  for (int64_t tile = 0; tile + 1 < static_cast<int64_t>(tilePtr.size());
       ++tile) {
    for (int64_t unit = tilePtr[tile]; unit < tilePtr[tile + 1]; ++unit) {
      for (int64_t k = rowIds[unit] * unitK, e = k + unitK; k < e; ++k) {
        int64_t sector = k / kSectorElements;
        if (readBy[sector] != tile)
          gatheredElements +=
              std::min(kSectorElements, numRows - sector * kSectorElements);
        readBy[sector] = tile;
      }
      keptElements += unitK;
    }
  }
  return 2 * kDRAMByteWeight * numRows + keptElements < gatheredElements;
}

namespace {
/// tsparse.matmul -> device copies + one launch of the fused kernel. A
/// transposed A (a linalg.transpose of a K x M matrix) is read K-major, and
/// a result only ever transposed is computed transposed, so that neither
/// transposition is executed.
struct MatmulToGPULaunch : OpRewritePattern<MatmulOp> {
  MatmulToGPULaunch(MLIRContext *context, gpu::GPUModuleOp module,
                    const KernelOptions &options)
      : OpRewritePattern(context), module(module), options(options) {}

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "expected tensor operands");
    Location loc = op.getLoc();
    MatrixType matrixType = op.getB().getType();
    KernelConfig config =
        getKernelConfig(options, matrixType,
                        cast<ShapedType>(op.getC().getType()).getElementType());
    auto constant = op.getB().getDefiningOp<ConstantOp>();
    if (constant)
      config.keptRowsInRunsOf8 = hasKeptRowsInRunsOf8(constant);

    SmallVector<linalg::TransposeOp> resultTransposes =
        getTransposingUsers(op.getResult());
    // Whole-tile kernels apply the epilogue as they store C; otherwise it
    // runs after the product, as an element-wise op.
    if (op.hasEpilogue()) {
      if (!resultTransposes.empty() ||
          failed(prepareKernelEpilogue(rewriter, op))) {
        splitEpilogue(rewriter, op);
        return success();
      }
      config.epilogue = op;
      config.epilogueKey = getEpilogueKey(op);
    }

    Value a = op.getA();
    if (auto transpose = a.getDefiningOp<linalg::TransposeOp>();
        transpose && isMatrixTranspose(transpose)) {
      a = transpose.getInput();
      config.aKMajor = true;
    }
    // A kernel that visits every tile whole, dropped columns included,
    // writes all of a zero C without reading it: C is then not filled.
    config.cStartsAtZero = config.epilogue && isZeroFill(op.getC());
    Value c = config.cStartsAtZero
                  ? op.getC()
                  : refillAccumulator(rewriter, loc, op.getC());
    if (!resultTransposes.empty()) {
      config.cTransposed = true;
      c = transposeOnHost(rewriter, loc, c,
                          cast<RankedTensorType>(
                              resultTransposes.front()->getResultTypes()[0]));
    }

    MatrixStorageValues storage =
        materializeMatrixStorage(rewriter, loc, op.getB(), /*padding=*/0);
    // M, from A as the kernel will read it.
    Value numRows =
        tensor::DimOp::create(rewriter, loc, a, config.aKMajor ? 1 : 0);
    Value numMTiles = arith::CeilDivUIOp::create(
        rewriter, loc, numRows,
        arith::ConstantIndexOp::create(rewriter, loc, config.blockRows));
    WorkList work;
    SmallVector<int32_t> droppedColumns;
    int64_t numTiles = 0;
    if (config.epilogue) {
      SmallVector<int32_t> tilePtr =
          llvm::to_vector(constant.getTilePtr().getValues<int32_t>());
      numTiles = static_cast<int64_t>(tilePtr.size()) - 1;
      droppedColumns = getDroppedColumns(constant);
      WorkItems items = getEpilogueWorkItems(tilePtr, droppedColumns.size(),
                                             matrixType.getLayout().getTileN());
      work.tiles = createI32Array(rewriter, loc, items.tiles);
      work.rows = createI32Array(rewriter, loc, items.rows);
      work.count =
          arith::ConstantIndexOp::create(rewriter, loc, items.tiles.size());
      work.splitRows =
          arith::ConstantIndexOp::create(rewriter, loc, kWholeTileRows);
      if (droppedColumns.empty())
        droppedColumns.push_back(0);
    } else {
      work = buildWorkList(rewriter, loc, op, storage, numMTiles, options);
    }
    Value colIds = storage.colIds;
    if (!colIds)
      colIds = createI32Array(rewriter, loc, {0});

    // Device copies of the buffer arguments, in kernel argument order.
    SmallVector<Value> operands(kNumKernelArgs);
    auto operand = [&](KernelArg which) -> Value & {
      return operands[static_cast<unsigned>(which)];
    };
    std::pair<KernelArg, Value> buffers[] = {
        {KernelArg::A, a},
        {KernelArg::Values, storage.values},
        {KernelArg::RowIds, storage.rowIds},
        {KernelArg::TilePtr, storage.tilePtr},
        {KernelArg::ColIds, colIds},
        {KernelArg::WorkTiles, work.tiles},
        {KernelArg::WorkRows, work.rows},
        {KernelArg::C, c}};
    SmallVector<Value> temporaries;
    for (auto [which, tensor] : buffers) {
      operand(which) = which == KernelArg::C && config.cStartsAtZero
                           ? allocateOnDevice(rewriter, loc, tensor)
                           : copyToDevice(rewriter, loc, tensor);
      temporaries.push_back(operand(which));
    }
    Value deviceC = operand(KernelArg::C);
    if (transposesA(config, constant)) {
      operand(KernelArg::A) =
          transposeOnDevice(rewriter, loc, module, operand(KernelArg::A));
      temporaries.push_back(operand(KernelArg::A));
      config.aKMajor = true;
    }

    Value numBlocks =
        arith::MulIOp::create(rewriter, loc, numMTiles, work.count);
    operand(KernelArg::NumTiledColumns) = storage.numTiledColumns;
    operand(KernelArg::NumMTiles) = numMTiles;
    operand(KernelArg::SplitRows) = work.splitRows;
    if (config.epilogue) {
      operands.push_back(copyToDevice(
          rewriter, loc, createI32Array(rewriter, loc, droppedColumns)));
      temporaries.push_back(operands.back());
      operands.push_back(
          arith::ConstantIndexOp::create(rewriter, loc, numTiles));
      for (Value epilogueOperand : op.getEpilogueOperands()) {
        operands.push_back(copyToDevice(rewriter, loc, epilogueOperand));
        temporaries.push_back(operands.back());
      }
    }
    // A fully pruned matrix or an empty A launches nothing.
    launchProductKernel(rewriter, loc, module, config, numBlocks, operands);

    auto cType = cast<RankedTensorType>(c.getType());
    Value result = copyResultToHost(rewriter, loc, deviceC, cType, temporaries);
    if (!config.cTransposed) {
      rewriter.replaceOp(
          op, keepYieldedInDestination(rewriter, loc, op, result, op.getC()));
      return success();
    }
    for (Operation *user : llvm::make_early_inc_range(op->getUsers()))
      if (auto dim = dyn_cast<tensor::DimOp>(user))
        rewriter.replaceOpWithNewOp<tensor::DimOp>(dim, op.getC(),
                                                   dim.getIndex());
    for (linalg::TransposeOp transpose : resultTransposes) {
      Value replacement = result;
      if (replacement.getType() != transpose.getResult()[0].getType())
        replacement = tensor::CastOp::create(
            rewriter, loc, transpose.getResult()[0].getType(), replacement);
      rewriter.replaceOp(transpose, replacement);
    }
    rewriter.eraseOp(op);
    return success();
  }

  /// Whether the product reads its A through a device transposition. The
  /// wgmma kernel copies A into shared memory whole-chunk, so a row-major A
  /// whose gathered rows are scattered is always transposed for it.
  bool transposesA(const KernelConfig &config, ConstantOp constant) const {
    if (config.aKMajor || config.copiesRowMajorAChunks())
      return options.transposeA == TransposeA::Always && !config.aKMajor;
    switch (options.transposeA) {
    case TransposeA::Always:
      return true;
    case TransposeA::Never:
      return config.flavor == MmaFlavor::WGMMA;
    case TransposeA::Auto:
      return config.flavor == MmaFlavor::WGMMA ||
             (constant && transposingAMovesFewerBytes(constant));
    }
    llvm_unreachable("unknown transposition mode");
  }

  gpu::GPUModuleOp module;
  KernelOptions options;
};
} // namespace

void tsparse::populateTSparseToGPUPatterns(RewritePatternSet &patterns,
                                           gpu::GPUModuleOp module,
                                           const KernelOptions &options) {
  // tsparse.matmul
  patterns.add<MatmulToGPULaunch>(patterns.getContext(), module, options);
}
