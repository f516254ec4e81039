//===- MatmulMatch.cpp - Matmuls and their weights in linalg IR -----------===//
//
// Recognizes matmul-shaped linalg ops from their contraction dimensions
// rather than their names, so named, transposed, batched and generic forms
// are all seen the same way.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/MatmulMatch.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::tsparse;

int64_t MatmulMatch::getK() const {
  return cast<ShapedType>(rhs->get().getType()).getDimSize(rhsTransposed);
}

int64_t MatmulMatch::getN() const {
  return cast<ShapedType>(rhs->get().getType()).getDimSize(!rhsTransposed);
}

int64_t MatmulMatch::getM() const {
  return cast<ShapedType>(lhs->get().getType())
      .getDimSize(numBatchDims + lhsTransposed);
}

Type MatmulMatch::getLhsElementType() const {
  return getElementTypeOrSelf(lhs->get().getType());
}

Type MatmulMatch::getRhsElementType() const {
  return getElementTypeOrSelf(rhs->get().getType());
}

Type MatmulMatch::getAccElementType() const {
  return getElementTypeOrSelf(acc->get().getType());
}

/// Returns the loop dimension of every result of `map`, or nothing when a
/// result is not a plain dimension.
static std::optional<SmallVector<unsigned>> getResultDims(AffineMap map) {
  SmallVector<unsigned> dims;
  for (AffineExpr expr : map.getResults()) {
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim)
      return std::nullopt;
    dims.push_back(dim.getPosition());
  }
  return dims;
}

/// Tries `lhsMap` and `rhsMap` as the maps of `A` and `B` of a matmul with
/// loops `batch..., m, n` in the output and reduction loop `k`.
static bool matchOperandMaps(AffineMap lhsMap, AffineMap rhsMap,
                             ArrayRef<unsigned> batch, unsigned m, unsigned n,
                             unsigned k, MatmulMatch &match) {
  std::optional<SmallVector<unsigned>> rhsDims = getResultDims(rhsMap);
  if (!rhsDims || rhsDims->size() != 2)
    return false;
  if (*rhsDims == SmallVector<unsigned>{k, n})
    match.rhsTransposed = false;
  else if (*rhsDims == SmallVector<unsigned>{n, k})
    match.rhsTransposed = true;
  else
    return false;

  std::optional<SmallVector<unsigned>> lhsDims = getResultDims(lhsMap);
  if (!lhsDims || lhsDims->size() != batch.size() + 2 ||
      ArrayRef<unsigned>(*lhsDims).drop_back(2) != batch)
    return false;
  ArrayRef<unsigned> lhsTail = ArrayRef<unsigned>(*lhsDims).take_back(2);
  if (lhsTail == ArrayRef<unsigned>{m, k})
    match.lhsTransposed = false;
  else if (lhsTail == ArrayRef<unsigned>{k, m})
    match.lhsTransposed = true;
  else
    return false;
  match.numBatchDims = batch.size();
  return true;
}

FailureOr<MatmulMatch> tsparse::matchMatmul(linalg::LinalgOp op,
                                            std::string *reason) {
  auto fail = [&](const Twine &why) -> FailureOr<MatmulMatch> {
    if (reason)
      *reason = why.str();
    return failure();
  };
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return fail("not a matmul: expected two inputs and one init");
  if (!op.hasPureTensorSemantics())
    return fail("not on tensors");
  if (!linalg::isaContractionOpInterface(op))
    return fail("not a matmul: expected a multiply-add body over "
                "projected-permutation indexing maps");
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->k.size() != 1)
    return fail("not a matmul: expected exactly one reduction loop");
  if (!dims->batch.empty())
    return fail("not a matmul with weights shared across the batch: both "
                "factors are batched");
  unsigned k = dims->k.front();

  // The weights are the factor with a single free loop `n`: input 1 (`X W`)
  // or input 0 (`W X`). The output is C[batch..., m, n], or C[batch..., n, m]
  // when `n` comes first (convolutions lowered through im2col compute `W X`).
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  auto matchWeightsAt = [&](unsigned weights) -> std::optional<MatmulMatch> {
    ArrayRef<unsigned> free = weights == 1 ? dims->n : dims->m;
    std::optional<SmallVector<unsigned>> accDims = getResultDims(maps[2]);
    if (free.size() != 1 || !accDims || accDims->size() < 2 ||
        accDims->size() != op.getNumLoops() - 1)
      return std::nullopt;
    unsigned n = free.front();
    unsigned rows = (*accDims)[accDims->size() - 2], columns = accDims->back();
    if (n != rows && n != columns)
      return std::nullopt;
    MatmulMatch candidate;
    candidate.op = op;
    candidate.acc = op.getDpsInitOperand(0);
    candidate.accTransposed = n == rows;
    candidate.lhs = op.getDpsInputOperand(1 - weights);
    candidate.rhs = op.getDpsInputOperand(weights);
    unsigned m = candidate.accTransposed ? columns : rows;
    ArrayRef<unsigned> batch = ArrayRef<unsigned>(*accDims).drop_back(2);
    if (!matchOperandMaps(maps[1 - weights], maps[weights], batch, m, n, k,
                          candidate))
      return std::nullopt;
    return candidate;
  };
  std::optional<MatmulMatch> direct = matchWeightsAt(1);
  std::optional<MatmulMatch> swapped = matchWeightsAt(0);
  if (!direct && !swapped)
    return fail("not a matmul with weights shared across the batch: "
                "unsupported indexing maps");
  auto holdsWeights = [](const MatmulMatch &candidate) {
    WeightSource source = traceWeight(candidate);
    return source.constant || source.mask;
  };
  MatmulMatch match =
      direct && (!swapped || holdsWeights(*direct) || !holdsWeights(*swapped))
          ? *direct
          : *swapped;

  if (!isa<FloatType>(match.getLhsElementType()) ||
      !isa<FloatType>(match.getRhsElementType()) ||
      !isa<FloatType>(match.getAccElementType()))
    return fail(llvm::formatv("expected a floating-point matmul but got "
                              "{0} x {1} -> {2}",
                              match.getLhsElementType(),
                              match.getRhsElementType(),
                              match.getAccElementType()));
  if (!cast<ShapedType>(match.rhs->get().getType()).hasStaticShape())
    return fail("the weights have a dynamic shape");
  return match;
}

/// A value masked element-wise by a constant.
struct MaskedValue {
  Value value;
  /// `i1`, of the shape of `value`.
  DenseElementsAttr mask;
};

/// Returns the constant `i1` mask that `value` holds, either as `i1` or as a
/// float tensor of zeros and ones (converted to `i1`).
static DenseElementsAttr getConstantMask(Value value) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return {};
  if (attr.getElementType().isInteger(1))
    return attr;
  if (!isa<FloatType>(attr.getElementType()))
    return {};
  SmallVector<bool> bits;
  for (const APFloat &element : attr.getValues<APFloat>()) {
    if (!element.isZero() && !element.isExactlyValue(1.0))
      return {};
    bits.push_back(!element.isZero());
  }
  auto type = RankedTensorType::get(attr.getType().getShape(),
                                    IntegerType::get(value.getContext(), 1));
  return DenseElementsAttr::get(type, bits);
}

/// Matches the masking of a value by a constant mask:
/// - `arith.select %mask, %w, %zero` on tensors;
/// - an element-wise `linalg.generic` computing `select(mask, w, 0)` or
///   `w * mask` (a mask of zeros and ones, as `torch.nn.utils.prune`
///   applies it).
static std::optional<MaskedValue> matchMasking(Value value) {
  if (auto select = value.getDefiningOp<arith::SelectOp>()) {
    DenseElementsAttr mask = getConstantMask(select.getCondition());
    if (!mask || !isa<RankedTensorType>(select.getCondition().getType()) ||
        !matchPattern(select.getFalseValue(), m_AnyZeroFloat()))
      return std::nullopt;
    return MaskedValue{select.getTrueValue(), mask};
  }

  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInputs() != 2 ||
      generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops() ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return std::nullopt;
  Block *body = generic.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  Operation *op = yield.getOperand(0).getDefiningOp();
  // The masking op is the only op of the body besides constants (the zero).
  if (!op || op->getBlock() != body ||
      llvm::count_if(body->without_terminator(), [](Operation &other) {
        return !isa<arith::ConstantOp>(other);
      }) != 1)
    return std::nullopt;
  // Operand `i` of the op as the index of the input it reads, or -1.
  auto inputIndex = [&](Value operand) -> int {
    auto arg = dyn_cast<BlockArgument>(operand);
    return arg && arg.getOwner() == body && arg.getArgNumber() < 2
               ? arg.getArgNumber()
               : -1;
  };
  Value inputs[] = {generic.getDpsInputOperand(0)->get(),
                    generic.getDpsInputOperand(1)->get()};
  if (auto mul = dyn_cast<arith::MulFOp>(op)) {
    int lhs = inputIndex(mul.getLhs()), rhs = inputIndex(mul.getRhs());
    if (lhs < 0 || rhs < 0 || lhs == rhs)
      return std::nullopt;
    for (auto [maskIndex, valueIndex] : {std::pair(lhs, rhs), {rhs, lhs}})
      if (DenseElementsAttr mask = getConstantMask(inputs[maskIndex]))
        return MaskedValue{inputs[valueIndex], mask};
    return std::nullopt;
  }
  auto select = dyn_cast<arith::SelectOp>(op);
  if (!select || !matchPattern(select.getFalseValue(), m_AnyZeroFloat()))
    return std::nullopt;
  int maskIndex = inputIndex(select.getCondition());
  int valueIndex = inputIndex(select.getTrueValue());
  if (maskIndex < 0 || valueIndex < 0 || maskIndex == valueIndex)
    return std::nullopt;
  if (DenseElementsAttr mask = getConstantMask(inputs[maskIndex]))
    return MaskedValue{inputs[valueIndex], mask};
  return std::nullopt;
}

WeightSource tsparse::traceWeight(const MatmulMatch &match) {
  WeightSource source;
  OpOperand *use = match.rhs;
  bool transposed = match.rhsTransposed;
  while (true) {
    Value value = use->get();
    if (auto transpose = value.getDefiningOp<linalg::TransposeOp>()) {
      if (!isMatrixTranspose(transpose))
        break;
      use = &transpose.getInputMutable();
      transposed = !transposed;
      continue;
    }
    if (!source.mask) {
      if (std::optional<MaskedValue> masked = matchMasking(value)) {
        MutableArrayRef<OpOperand> operands =
            value.getDefiningOp()->getOpOperands();
        auto maskedUse = llvm::find_if(operands, [&](OpOperand &operand) {
          return operand.get() == masked->value;
        });
        if (maskedUse == operands.end())
          break;
        source.mask = masked->mask;
        source.maskTransposed = transposed;
        use = &*maskedUse;
        continue;
      }
    }
    break;
  }
  Value value = use->get();
  source.root = value;
  source.rootUse = use;
  source.transposed = transposed;
  if (auto constant = value.getDefiningOp<arith::ConstantOp>())
    if (isa<DenseElementsAttr, DenseResourceElementsAttr>(constant.getValue()))
      source.constant = constant;
  return source;
}

bool tsparse::isMatrixTranspose(linalg::TransposeOp op) {
  return op.getPermutation() == ArrayRef<int64_t>{1, 0};
}

Value tsparse::createInnermostTranspose(OpBuilder &b, Location loc, Value value,
                                        Value sizesFrom) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> permutation =
      llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(permutation[rank - 2], permutation[rank - 1]);
  SmallVector<OpFoldResult> sizes =
      tensor::getMixedSizes(b, loc, sizesFrom ? sizesFrom : value);
  std::swap(sizes[rank - 2], sizes[rank - 1]);
  Value init = tensor::EmptyOp::create(b, loc, sizes, type.getElementType());
  return linalg::TransposeOp::create(b, loc, value, init, permutation)
      .getResult()[0];
}
