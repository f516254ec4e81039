//===- PruneWeights.cpp - Pruning the constant weights of matmuls ---------===//
//
// Finds the constant weights of matmuls, prunes them together with the
// algorithms of Pruning.h and writes the pruned values back in place.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/PruneWeights.h"
#include "tsparse/Dialect/TSparse/Transforms/WeightAccess.h"

using namespace mlir;
using namespace mlir::tsparse;

/// Returns how the weights are read, for diagnostics.
static StringRef getOrderName(bool transposed) {
  return transposed ? "[N, K]" : "[K, N]";
}

FailureOr<SmallVector<PruneTarget>>
tsparse::collectPruneTargets(Operation *root,
                             SmallVectorImpl<UnprunedMatmul> *unpruned) {
  SmallVector<PruneTarget> targets;
  DenseMap<Operation *, size_t> targetOf;
  WalkResult result = root->walk([&](linalg::LinalgOp op) {
    std::string reason;
    FailureOr<MatmulMatch> match = matchMatmul(op, &reason);
    if (failed(match)) {
      if (unpruned && linalg::isaContractionOpInterface(op))
        unpruned->push_back({op, reason});
      return WalkResult::advance();
    }
    WeightSource source = traceWeight(*match);
    if (!source.constant) {
      if (unpruned)
        unpruned->push_back({op, source.mask
                                     ? "the weights are masked, not a constant"
                                     : "the weights are not a constant"});
      return WalkResult::advance();
    }
    auto [it, inserted] =
        targetOf.try_emplace(source.constant.getOperation(), targets.size());
    if (inserted)
      targets.push_back({source.constant, source.transposed, {}, {}});
    PruneTarget &target = targets[it->second];
    if (target.transposed != source.transposed) {
      op.emitError() << "expected every matmul to read these weights as "
                     << getOrderName(target.transposed) << " but got "
                     << getOrderName(source.transposed);
      return WalkResult::interrupt();
    }
    target.matmuls.push_back(*match);
    if (!llvm::is_contained(target.weightUses, source.rootUse))
      target.weightUses.push_back(source.rootUse);
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return failure();
  return targets;
}

LogicalResult
tsparse::verifyPruneOptions(const PruneOptions &options,
                            function_ref<InFlightDiagnostic()> emitError) {
  if (!(options.sparsity >= 0.0 && options.sparsity < 1.0))
    return emitError() << "expected sparsity in [0, 1) but got "
                       << formatOptionValue(options.sparsity);
  if (options.tileN <= 0 || options.tileN % 8 != 0)
    return emitError() << "expected tile-n to be a positive multiple of 8 "
                          "but got "
                       << options.tileN;
  if (options.unitK <= 0)
    return emitError() << "expected unit-k to be positive but got "
                       << options.unitK;
  if (!(options.delta >= 0.0 && options.delta <= 1.0 - options.sparsity))
    return emitError() << "expected delta in [0, 1 - sparsity] but got "
                       << formatOptionValue(options.delta);
  return success();
}

/// Reads the weights of `target` as raw `K x N` bytes, checking what
/// pruning needs. Diagnostics go to the first matmul that reads them: a
/// weight constant is often one source line of megabytes, which the
/// diagnostic would echo.
static FailureOr<SmallVector<char>> readTarget(const PruneTarget &target,
                                               const PruneOptions &options) {
  arith::ConstantOp constant = target.constant;
  auto emitError = [&] { return target.matmuls.front().op->emitError(); };
  auto type = cast<RankedTensorType>(constant.getType());
  Type elementType = type.getElementType();
  if (!isSupportedWeightElementType(elementType))
    return emitError() << "expected f32, f16 or bf16 weights but got "
                       << elementType;
  // Masks and storage index elements with 32-bit integers.
  if (type.getNumElements() > std::numeric_limits<int32_t>::max())
    return emitError() << "expected at most 2^31 - 1 weights but got "
                       << type.getNumElements();
  int64_t numRows = type.getDimSize(target.transposed ? 1 : 0);
  if (options.pattern == PrunePattern::BW && numRows % options.unitK != 0)
    return emitError()
           << "expected the K dimension of the weights to be a multiple of "
              "unit-k ("
           << options.unitK << ") but got " << numRows;
  FailureOr<SmallVector<char>> bytes = readWeightBytes(
      cast<ElementsAttr>(constant.getValue()), target.transposed);
  if (failed(bytes))
    return emitError()
           << "expected weights with available data but got an elided "
              "resource";
  return bytes;
}

/// The layouts a report of a pruning measures: the pattern's own shape at
/// the pruning tile width.
static LayoutSearchOptions getReportSearch(const PruneOptions &options) {
  LayoutSearchOptions search;
  search.tileSizes = {options.tileN};
  search.unitSizes = {options.pattern == PrunePattern::BW ? options.unitK : 1};
  search.allowResidual = options.pattern == PrunePattern::TEW;
  return search;
}

LogicalResult tsparse::pruneWeights(RewriterBase &rewriter,
                                    ArrayRef<PruneTarget> targets,
                                    const PruneOptions &options,
                                    SmallVectorImpl<MatmulReport> *reports) {
  SmallVector<SmallVector<char>> weights;
  SmallVector<ScoredMatrix> matrices;
  for (const PruneTarget &target : targets) {
    FailureOr<SmallVector<char>> bytes = readTarget(target, options);
    if (failed(bytes))
      return failure();
    arith::ConstantOp constant = target.constant;
    auto type = cast<RankedTensorType>(constant.getType());
    ScoredMatrix &matrix = matrices.emplace_back();
    matrix.numRows = type.getDimSize(target.transposed ? 1 : 0);
    matrix.numColumns = type.getDimSize(target.transposed ? 0 : 1);
    for (double value : decodeWeightValues(*bytes, type.getElementType()))
      matrix.scores.push_back(scoreWeight(value));
    weights.push_back(std::move(*bytes));
  }

  SmallVector<llvm::BitVector> keep = computePruneMasks(matrices, options);
  for (auto [target, bytes, mask, matrix] :
       llvm::zip_equal(targets, weights, keep, matrices)) {
    arith::ConstantOp constant = target.constant;
    auto type = cast<RankedTensorType>(constant.getType());
    int64_t width = type.getElementTypeBitWidth() / 8;
    bool changed = false;
    for (int64_t index = 0, e = mask.size(); index < e; ++index) {
      char *element = bytes.data() + index * width;
      if (mask.test(index) || !isNonZeroElement(element, width))
        continue;
      std::fill_n(element, width, 0);
      changed = true;
    }
    // Unchanged weights keep their attribute (and resource name). Other
    // users of the constant (a tied embedding, say) keep the dense values.
    if (changed) {
      auto original = cast<ElementsAttr>(constant.getValue());
      auto pruned =
          cast<TypedAttr>(buildWeightAttr(original, bytes, target.transposed));
      if (constant.getResult().hasNUses(target.weightUses.size())) {
        rewriter.modifyOpInPlace(constant,
                                 [&] { constant.setValueAttr(pruned); });
      } else {
        rewriter.setInsertionPointAfter(constant);
        auto prunedConstant =
            arith::ConstantOp::create(rewriter, constant.getLoc(), pruned);
        for (OpOperand *use : target.weightUses)
          rewriter.modifyOpInPlace(use->getOwner(),
                                   [&] { use->set(prunedConstant); });
      }
    }
    if (!reports)
      continue;

    NonZeroPattern nonZeros = NonZeroPattern::fromBytes(
        bytes, matrix.numRows, matrix.numColumns, width);
    FailureOr<LayoutMeasure> measure =
        chooseLayout(nonZeros, type.getElementType(), getReportSearch(options));
    for (const MatmulMatch &match : target.matmuls) {
      MatmulReport report = makeMatmulReport(match, "pruned");
      report.pattern = stringifyPrunePattern(options.pattern).str();
      report.sparsity = mask.empty()
                            ? 0.0
                            : 1.0 - double(nonZeros.bits.count()) / mask.size();
      if (succeeded(measure))
        report.measure = *measure;
      reports->push_back(std::move(report));
    }
  }
  return success();
}
