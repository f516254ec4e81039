//===- SparsifyMatmul.cpp - Rewriting matmuls into tsparse.matmul ---------===//
//
// Measures the zero structure of a matmul's weights, picks the layout that
// leaves the least work and rewrites the matmul into `tsparse.matmul` on a
// packed matrix.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/Sparsify.h"
#include "tsparse/Dialect/TSparse/Transforms/WeightAccess.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::tsparse;

LogicalResult
tsparse::verifySparsifyOptions(const SparsifyOptions &options,
                               function_ref<InFlightDiagnostic()> emitError) {
  if (!(options.minSparsity >= 0.0 && options.minSparsity <= 1.0))
    return emitError() << "expected min-sparsity in [0, 1] but got "
                       << formatOptionValue(options.minSparsity);
  for (int64_t tileN : options.search.tileSizes)
    if (tileN <= 0 || tileN % 8 != 0)
      return emitError() << "expected tile-sizes to be positive multiples "
                            "of 8 but got "
                         << tileN;
  if (options.search.tileSizes.empty())
    return emitError() << "expected at least one tile size but got none";
  if (!llvm::is_contained(options.search.unitSizes, 1)) {
    SmallVector<std::string> sizes =
        llvm::map_to_vector(options.search.unitSizes,
                            [](int64_t size) { return std::to_string(size); });
    return emitError() << "expected unit-sizes to include 1 but got "
                       << llvm::join(sizes, ",");
  }
  for (int64_t unitK : options.search.unitSizes)
    if (unitK <= 0)
      return emitError() << "expected unit-sizes to be positive but got "
                         << unitK;
  if (!(options.search.costs.residual > 0.0))
    return emitError() << "expected residual-cost to be positive but got "
                       << formatOptionValue(options.search.costs.residual);
  if (!(options.search.costs.row >= 0.0))
    return emitError() << "expected row-cost to be non-negative but got "
                       << formatOptionValue(options.search.costs.row);
  return success();
}

/// Returns the `i1` mask `mask` (`[N, K]` when `transposed`) as a nonzero
/// pattern in `K x N` order.
static NonZeroPattern getMaskPattern(DenseElementsAttr mask, bool transposed) {
  auto type = cast<ShapedType>(mask.getType());
  NonZeroPattern pattern;
  pattern.numRows = type.getDimSize(transposed ? 1 : 0);
  pattern.numColumns = type.getDimSize(transposed ? 0 : 1);
  pattern.bits.resize(pattern.numRows * pattern.numColumns);
  int64_t storedColumns = type.getDimSize(1);
  for (auto [index, bit] : llvm::enumerate(mask.getValues<bool>())) {
    if (!bit)
      continue;
    int64_t row = index / storedColumns, col = index % storedColumns;
    if (transposed)
      std::swap(row, col);
    pattern.bits.set(row * pattern.numColumns + col);
  }
  return pattern;
}

LogicalResult tsparse::checkProductTypes(Type lhsType, Type rhsType,
                                         Type accType, std::string &reason) {
  if (!isSupportedWeightElementType(rhsType)) {
    reason =
        llvm::formatv("expected f32, f16 or bf16 weights but got {0}", rhsType);
    return failure();
  }
  if (lhsType != rhsType) {
    reason = llvm::formatv("expected activations of the weight type {0} but "
                           "got {1}",
                           rhsType, lhsType);
    return failure();
  }
  if (!accType.isF32() && accType != rhsType) {
    reason = llvm::formatv("expected an f32 or {0} accumulator but got {1}",
                           rhsType, accType);
    return failure();
  }
  return success();
}

LogicalResult tsparse::checkWeightShape(int64_t numRows, int64_t numColumns,
                                        std::string &reason) {
  if (numRows == 0 || numColumns == 0) {
    reason = "the weights are empty";
    return failure();
  }
  // Masks and storage index elements with 32-bit integers.
  if (numRows * numColumns > std::numeric_limits<int32_t>::max()) {
    reason = "the weights have more than 2^31 - 1 elements";
    return failure();
  }
  return success();
}

/// Checks the types and the weight shape of `match` for tsparse.matmul.
static LogicalResult checkMatchFits(const MatmulMatch &match,
                                    std::string &reason) {
  return success(
      succeeded(checkProductTypes(match.getLhsElementType(),
                                  match.getRhsElementType(),
                                  match.getAccElementType(), reason)) &&
      succeeded(checkWeightShape(match.getK(), match.getN(), reason)));
}

FailureOr<SparsifyPlan> tsparse::planSparsify(const MatmulMatch &match,
                                              const SparsifyOptions &options,
                                              std::string &reason) {
  Type rhsType = match.getRhsElementType();
  if (failed(checkMatchFits(match, reason)))
    return failure();

  SparsifyPlan plan;
  plan.match = match;
  plan.source = traceWeight(match);
  const WeightSource &source = plan.source;
  int64_t numRows = match.getK(), numColumns = match.getN();
  int64_t width = rhsType.getIntOrFloatBitWidth() / 8;
  NonZeroPattern nonZeros;
  if (arith::ConstantOp constant = source.constant) {
    FailureOr<SmallVector<char>> bytes = readWeightBytes(
        cast<ElementsAttr>(constant.getValue()), source.transposed);
    if (failed(bytes)) {
      reason = "the data of the constant weights is not available";
      return failure();
    }
    if (source.mask) {
      NonZeroPattern mask = getMaskPattern(source.mask, source.maskTransposed);
      for (int64_t index = 0, e = numRows * numColumns; index < e; ++index)
        if (!mask.bits.test(index))
          std::fill_n(bytes->data() + index * width, width, 0);
    }
    nonZeros = NonZeroPattern::fromBytes(*bytes, numRows, numColumns, width);
    plan.constantBytes = std::move(*bytes);
  } else if (source.mask) {
    nonZeros = getMaskPattern(source.mask, source.maskTransposed);
  } else {
    reason = "the weights are neither a constant nor masked by a constant "
             "mask";
    return failure();
  }

  FailureOr<LayoutMeasure> measure =
      chooseLayout(nonZeros, rhsType, options.search);
  if (failed(measure)) {
    reason = "no unit size divides K";
    return failure();
  }
  plan.measure = std::move(*measure);
  int64_t elements = numRows * numColumns;
  plan.sparsity =
      elements == 0 ? 0.0 : 1.0 - double(nonZeros.bits.count()) / elements;
  return plan;
}

/// Reassociation folding all dimensions but the last of a rank-`rank` tensor
/// into one.
static SmallVector<ReassociationIndices> getBatchReassociation(int64_t rank) {
  ReassociationIndices leading =
      llvm::to_vector(llvm::seq<int64_t>(0, rank - 1));
  return {leading, {rank - 1}};
}

/// Returns an `arith.constant` of the `i1` tensor `bits` of shape `shape`.
static Value createMaskConstant(OpBuilder &builder, Location loc,
                                ArrayRef<bool> bits, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, builder.getI1Type());
  return arith::ConstantOp::create(builder, loc,
                                   DenseElementsAttr::get(type, bits));
}

/// Builds the packed weights of `plan` before the matmul.
static Value createPackedWeights(OpBuilder &builder, Location loc,
                                 const SparsifyPlan &plan) {
  const LayoutMeasure &measure = plan.measure;
  MatrixType type = measure.type;
  if (plan.constantBytes) {
    PackedConstantAttrs storage = packConstant(
        type, *plan.constantBytes, measure.masks.units, measure.masks.columns);
    return ConstantOp::create(builder, loc, type, storage);
  }
  Value dense = plan.match.rhs->get();
  if (plan.match.rhsTransposed)
    dense = createInnermostTranspose(builder, loc, dense);
  // Runtime weights without a mask: packed from their zeros.
  if (!plan.source.mask)
    return PackOp::create(builder, loc, type, dense, Value(), Value());
  Value units = createMaskConstant(builder, loc, measure.masks.units,
                                   {type.getNumUnits(), type.getMaxNumTiles()});
  Value columns;
  if (type.getLayout().isCompacted())
    columns = createMaskConstant(builder, loc, measure.masks.columns,
                                 {type.getNumColumns()});
  return PackOp::create(builder, loc, type, dense, units, columns);
}

/// Returns `value` with dimension `dim` cast to the static `size` (a new
/// `tensor.cast`) when it is dynamic.
static Value castDimToStatic(OpBuilder &builder, Location loc, Value value,
                             int64_t dim, int64_t size) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.isDynamicDim(dim))
    return value;
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] = size;
  return tensor::CastOp::create(builder, loc, type.clone(shape), value);
}

/// Erases the op defining `value` if it has become unused, then its
/// producers that become unused in turn.
static void eraseDeadProducers(RewriterBase &rewriter, Value value) {
  SmallVector<Operation *> worklist;
  DenseSet<Operation *> erased;
  if (Operation *op = value.getDefiningOp())
    worklist.push_back(op);
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (erased.contains(op) || !isOpTriviallyDead(op))
      continue;
    for (Value operand : op->getOperands())
      if (Operation *producer = operand.getDefiningOp())
        worklist.push_back(producer);
    erased.insert(op);
    rewriter.eraseOp(op);
  }
}

MatmulOp tsparse::applySparsifyPlan(RewriterBase &rewriter,
                                    const SparsifyPlan &plan) {
  const MatmulMatch &match = plan.match;
  Operation *op = match.op;
  Location loc = op->getLoc();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);

  Value matrix = createPackedWeights(rewriter, loc, plan);
  Value lhs = match.lhs->get();
  if (match.lhsTransposed)
    lhs = createInnermostTranspose(rewriter, loc, lhs);
  // C^T = B^T A^T: the product is computed as C = A B and transposed back.
  Value batchedAcc = match.acc->get();
  if (match.accTransposed)
    batchedAcc = createInnermostTranspose(rewriter, loc, batchedAcc);
  Value acc = batchedAcc;
  auto accType = cast<RankedTensorType>(acc.getType());
  SmallVector<ReassociationIndices> reassociation =
      getBatchReassociation(accType.getRank());
  if (match.numBatchDims > 0) {
    lhs = tensor::CollapseShapeOp::create(rewriter, loc, lhs, reassociation);
    acc = tensor::CollapseShapeOp::create(rewriter, loc, acc, reassociation);
  }
  // tsparse.matmul needs the static K and N of the weights.
  MatrixType type = plan.measure.type;
  lhs = castDimToStatic(rewriter, loc, lhs, 1, type.getNumRows());
  Value matmulAcc =
      castDimToStatic(rewriter, loc, acc, 1, type.getNumColumns());
  auto matmul = MatmulOp::create(rewriter, loc, lhs, matrix, matmulAcc);
  Value result = matmul.getResult();
  if (result.getType() != acc.getType())
    result = tensor::CastOp::create(rewriter, loc, acc.getType(), result);
  // The explicit sizes allow several dynamic batch dimensions.
  if (match.numBatchDims > 0)
    result = tensor::ExpandShapeOp::create(
        rewriter, loc, accType, result, reassociation,
        tensor::getMixedSizes(rewriter, loc, batchedAcc));
  if (match.accTransposed)
    result = createInnermostTranspose(rewriter, loc, result);

  Value weights = match.rhs->get();
  rewriter.replaceOp(op, result);
  eraseDeadProducers(rewriter, weights);
  return matmul;
}

LayoutAttr tsparse::getDenseProductLayout(MLIRContext *context,
                                          int64_t numColumns) {
  return LayoutAttr::get(context, std::min<int64_t>(kDenseTileN, numColumns),
                         /*unitK=*/1, ColumnMode::Original, ResidualKind::None);
}

FailureOr<SparsifyPlan> tsparse::planDenseProduct(const MatmulMatch &match,
                                                  std::string &reason) {
  MLIRContext *context = match.op->getContext();
  LayoutAttr layout = getDenseProductLayout(context, match.getN());
  WeightSource source = traceWeight(match);
  if (source.constant || source.mask) {
    SparsifyOptions options;
    options.search.tileSizes = {layout.getTileN()};
    options.search.unitSizes = {1};
    options.search.allowResidual = false;
    return planSparsify(match, options, reason);
  }
  Type rhsType = match.getRhsElementType();
  if (failed(checkMatchFits(match, reason)))
    return failure();
  SparsifyPlan plan;
  plan.match = match;
  plan.source = source;
  plan.measure.type =
      MatrixType::get({match.getK(), match.getN()}, rhsType, layout);
  return plan;
}

FailureOr<SparsifyPlan> tsparse::decideSparsify(const MatmulMatch &match,
                                                const SparsifyOptions &options,
                                                MatmulReport &report) {
  FailureOr<SparsifyPlan> plan = planSparsify(match, options, report.reason);
  if (failed(plan))
    return failure();
  report.pattern = getLayoutPatternName(plan->measure.type.getLayout()).str();
  report.sparsity = plan->sparsity;
  report.measure = plan->measure;
  if (!plan->isProfitable(options.minSparsity)) {
    report.reason = llvm::formatv(
        "{0:F1}% of the multiply-adds skipped is below min-sparsity {1}",
        100.0 * plan->measure.getSkippedFraction(),
        formatOptionValue(options.minSparsity));
    return failure();
  }
  report.status = "sparsified";
  return plan;
}
