//===- DenseProductToLaunch.cpp - Dense products on the fused kernels -----===//
//
// Replaces `linalg.matmul` and `linalg.batch_matmul` (default maps, or with
// transposed operands) whose operands are only known at run time
// (attention's QK^T and PV, linears of runtime weights) by one launch of the
// fused tensor-core kernel reading B in place (KernelConfig::denseB): every
// row of B is kept, so nothing is packed, and the batches are stacked along
// M so that one launch covers them all.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Conversion/TSparseToGPU/TSparseToGPU.h"

#include "LaunchUtils.h"

#include "tsparse/Dialect/TSparse/Transforms/MatmulMatch.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tsparse;

/// Column tile widths the kernels handle, widest first.
static constexpr int64_t kDenseTileWidths[] = {128, 96, 64, 32};

/// Returns the column tile width for a B of `numColumns` columns: the widest
/// that divides it (every tile full), else one tile as narrow as a kernel
/// allows for narrow matrices and the widest for the others.
static int64_t getDenseTileN(int64_t numColumns) {
  if (ShapedType::isDynamic(numColumns))
    return kMaxKernelTileN;
  for (int64_t width : kDenseTileWidths)
    if (numColumns % width == 0)
      return width;
  return std::min<int64_t>(kMaxKernelTileN,
                           llvm::alignTo(numColumns, kKernelTileNMultiple));
}

namespace {
/// Which operands of a product are given transposed (innermost two
/// dimensions swapped) with respect to the default maps.
struct OperandTransposes {
  bool a = false, b = false;
};
} // namespace

/// Returns `map` with its last two results swapped.
static AffineMap swapLastTwoResults(AffineMap map) {
  SmallVector<AffineExpr> results(map.getResults());
  std::swap(results[results.size() - 2], results.back());
  return AffineMap::get(map.getNumDims(), map.getNumSymbols(), results,
                        map.getContext());
}

/// Returns which operands of `op` are transposed if `op` is a matmul or
/// batch matmul whose maps are the default ones up to transposed A and B
/// (what frontends emit for `A^T B` or `A B^T`), or nothing.
static std::optional<OperandTransposes>
getOperandTransposes(linalg::LinalgOp op) {
  MLIRContext *context = op.getContext();
  SmallVector<AffineMap> defaults;
  if (isa<linalg::MatmulOp>(op))
    defaults = linalg::MatmulOp::getDefaultIndexingMaps(context);
  else if (isa<linalg::BatchMatmulOp>(op))
    defaults = linalg::BatchMatmulOp::getDefaultIndexingMaps(context);
  else
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[2] != defaults[2])
    return std::nullopt;
  OperandTransposes transposes;
  for (auto [map, standard, transposed] : llvm::zip_equal(
           ArrayRef(maps).take_front(2), ArrayRef(defaults).take_front(2),
           std::array<bool *, 2>{&transposes.a, &transposes.b})) {
    if (map == standard)
      continue;
    if (map != swapLastTwoResults(standard))
      return std::nullopt;
    *transposed = true;
  }
  return transposes;
}

std::optional<KernelConfig>
tsparse::getDenseProductKernelConfig(const KernelOptions &options,
                                     linalg::LinalgOp op) {
  if (!getOperandTransposes(op) || !op.hasPureTensorSemantics())
    return std::nullopt;
  Type lhsType = getElementTypeOrSelf(op.getDpsInputs()[0].getType());
  Type rhsType = getElementTypeOrSelf(op.getDpsInputs()[1].getType());
  Type accType = getElementTypeOrSelf(op.getDpsInits()[0].getType());
  bool wmma = options.flavor == MmaFlavor::WMMA;
  if (lhsType != rhsType || !(rhsType.isF16() || (rhsType.isBF16() && !wmma)))
    return std::nullopt;
  if (!accType.isF32() && accType != rhsType)
    return std::nullopt;
  auto acc = cast<RankedTensorType>(op.getDpsInits()[0].getType());
  KernelConfig config;
  config.flavor = options.flavor;
  config.layout =
      LayoutAttr::get(op.getContext(), getDenseTileN(acc.getShape().back()),
                      /*unitK=*/1, ColumnMode::Original, ResidualKind::None);
  config.elementType = rhsType;
  config.accType = accType;
  config.blockRows = options.blockRows;
  config.numStages = options.numStages;
  config.persistentBlocks = options.persistentBlocks;
  config.denseB = true;
  return config;
}

/// Returns `tensor` with its leading dimensions collapsed so that it has
/// `rank` dimensions (no-op if it has).
static Value collapseLeading(OpBuilder &b, Location loc, Value tensor,
                             int64_t rank) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (type.getRank() == rank)
    return tensor;
  SmallVector<ReassociationIndices> groups(rank);
  int64_t leading = type.getRank() - rank;
  for (int64_t dim = 0; dim <= leading; ++dim)
    groups[0].push_back(dim);
  for (int64_t group = 1; group < rank; ++group)
    groups[group].push_back(leading + group);
  return tensor::CollapseShapeOp::create(b, loc, tensor, groups);
}

namespace {
/// A dense product on narrow inputs -> one launch of the kernel reading B in
/// place, batches stacked along M.
struct DenseProductToGPULaunch : OpInterfaceRewritePattern<linalg::LinalgOp> {
  DenseProductToGPULaunch(MLIRContext *context, gpu::GPUModuleOp module,
                          const KernelOptions &options)
      : OpInterfaceRewritePattern(context), module(module), options(options) {}

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<KernelConfig> config =
        getDenseProductKernelConfig(options, op);
    if (!config)
      return rewriter.notifyMatchFailure(
          op, "not a plain (batch) matmul of f16 or bf16 tensors");
    Location loc = op.getLoc();
    Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
    // A transposed operand is transposed back (an element-wise kernel), so
    // that A is M x K and B is read in place as K x N.
    OperandTransposes transposes = *getOperandTransposes(op);
    if (transposes.a)
      lhs = createInnermostTranspose(rewriter, loc, lhs);
    if (transposes.b)
      rhs = createInnermostTranspose(rewriter, loc, rhs);
    // Every tile is visited whole: a zero C is written without being read,
    // and not filled.
    config->cStartsAtZero = isZeroFill(op.getDpsInits()[0]);
    Value c = config->cStartsAtZero
                  ? op.getDpsInits()[0]
                  : refillAccumulator(rewriter, loc, op.getDpsInits()[0]);
    auto cType = cast<RankedTensorType>(c.getType());
    bool batched = cType.getRank() == 3;

    // M, N and the number of batches, before A and C are stacked.
    Value batchRows = tensor::DimOp::create(rewriter, loc, c, batched ? 1 : 0);
    Value numColumns = tensor::DimOp::create(rewriter, loc, c, batched ? 2 : 1);
    Value numBatches =
        batched ? tensor::DimOp::create(rewriter, loc, c, 0)
                : arith::ConstantIndexOp::create(rewriter, loc, 1).getResult();
    Value stackedA = collapseLeading(rewriter, loc, lhs, 2);
    Value stackedC = collapseLeading(rewriter, loc, c, 2);
    Value flatB = collapseLeading(rewriter, loc, rhs, 1);

    int64_t tileN = config->layout.getTileN();
    Value numTiles = arith::CeilDivUIOp::create(
        rewriter, loc, numColumns,
        arith::ConstantIndexOp::create(rewriter, loc, tileN));
    // Every tile whole, in order.
    Value workTiles, workRows;
    int64_t staticColumns = cType.getShape().back();
    if (!ShapedType::isDynamic(staticColumns)) {
      int64_t count = llvm::divideCeil(staticColumns, tileN);
      workTiles = createI32Array(rewriter, loc,
                                 llvm::to_vector(llvm::seq<int32_t>(0, count)));
      workRows = createI32Array(rewriter, loc, SmallVector<int32_t>(count, 0));
    } else {
      std::tie(workTiles, workRows) =
          generateInOrderWorkList(rewriter, loc, numTiles);
    }
    // row_ids, tile_ptr and col_ids are not read: one dummy for all three.
    Value unused = createI32Array(rewriter, loc, {0});

    SmallVector<Value> operands(kNumKernelArgs);
    auto operand = [&](KernelArg which) -> Value & {
      return operands[static_cast<unsigned>(which)];
    };
    std::pair<KernelArg, Value> buffers[] = {
        {KernelArg::A, stackedA},        {KernelArg::Values, flatB},
        {KernelArg::RowIds, unused},     {KernelArg::WorkTiles, workTiles},
        {KernelArg::WorkRows, workRows}, {KernelArg::C, stackedC}};
    SmallVector<Value> temporaries;
    for (auto [which, tensor] : buffers) {
      operand(which) = which == KernelArg::C && config->cStartsAtZero
                           ? allocateOnDevice(rewriter, loc, tensor)
                           : copyToDevice(rewriter, loc, tensor);
      temporaries.push_back(operand(which));
    }
    operand(KernelArg::TilePtr) = operand(KernelArg::RowIds);
    operand(KernelArg::ColIds) = operand(KernelArg::RowIds);
    Value deviceC = operand(KernelArg::C);
    // Stacked batches stay stacked along the contiguous dimension.
    if (options.transposeA == TransposeA::Always) {
      operand(KernelArg::A) =
          transposeOnDevice(rewriter, loc, module, operand(KernelArg::A));
      temporaries.push_back(operand(KernelArg::A));
      config->aKMajor = true;
    }
    Value numMTiles = arith::MulIOp::create(
        rewriter, loc, numBatches,
        arith::CeilDivUIOp::create(
            rewriter, loc, batchRows,
            arith::ConstantIndexOp::create(rewriter, loc, config->blockRows)));
    operand(KernelArg::NumTiledColumns) = numColumns;
    operand(KernelArg::NumMTiles) = numMTiles;
    operand(KernelArg::SplitRows) =
        arith::ConstantIndexOp::create(rewriter, loc, kWholeTileRows);
    operands.push_back(batchRows);
    launchProductKernel(
        rewriter, loc, module, *config,
        arith::MulIOp::create(rewriter, loc, numMTiles, numTiles), operands);

    Value result = copyResultToHost(rewriter, loc, deviceC,
                                    cast<RankedTensorType>(stackedC.getType()),
                                    temporaries);
    if (batched)
      result = tensor::ExpandShapeOp::create(
          rewriter, loc, cType, result,
          cast<tensor::CollapseShapeOp>(stackedC.getDefiningOp())
              .getReassociationIndices(),
          tensor::getMixedSizes(rewriter, loc, c));
    if (result.getType() != op->getResultTypes()[0])
      result = tensor::CastOp::create(rewriter, loc, op->getResultTypes()[0],
                                      result);
    rewriter.replaceOp(op, keepYieldedInDestination(rewriter, loc, op, result,
                                                    op.getDpsInits()[0]));
    return success();
  }

  gpu::GPUModuleOp module;
  KernelOptions options;
};
} // namespace

void tsparse::populateDenseProductToGPUPatterns(RewritePatternSet &patterns,
                                                gpu::GPUModuleOp module,
                                                const KernelOptions &options) {
  patterns.add<DenseProductToGPULaunch>(patterns.getContext(), module, options);
}
