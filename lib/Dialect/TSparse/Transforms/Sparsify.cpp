//===- Sparsify.cpp - Rewrite matmuls into tsparse.matmul -----------------===//
//
// The `--tsparse-sparsify` pass: plans every matmul, reports the decision and
// applies the profitable plans.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"
#include "tsparse/Dialect/TSparse/Transforms/Passes.h"
#include "tsparse/Dialect/TSparse/Transforms/Transforms.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSESPARSIFY
#include "tsparse/Dialect/TSparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;
using namespace mlir::tsparse;

namespace {
/// Plans every matmul, reports the decision and applies profitable plans.
struct TSparseSparsifyPass
    : public tsparse::impl::TSparseSparsifyBase<TSparseSparsifyPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SparsifyOptions options;
    options.minSparsity = minSparsity;
    if (!tileSizes.empty())
      options.search.tileSizes.assign(tileSizes.begin(), tileSizes.end());
    if (!unitSizes.empty())
      options.search.unitSizes.assign(unitSizes.begin(), unitSizes.end());
    options.search.allowResidual = residual;
    options.search.costs.residual = residualCost;
    options.search.costs.row = rowCost;
    if (failed(verifySparsifyOptions(
            options, [&] { return emitError(module.getLoc()); })))
      return signalPassFailure();

    // Weights broadcast over a batch are shared weights.
    RewritePatternSet foldPatterns(&getContext());
    populateFoldWeightBroadcastPatterns(foldPatterns);
    if (failed(applyPatternsGreedily(module, std::move(foldPatterns))))
      return signalPassFailure();

    SmallVector<MatmulMatch> matches;
    module.walk([&](linalg::LinalgOp op) {
      if (FailureOr<MatmulMatch> match = matchMatmul(op, /*reason=*/nullptr);
          succeeded(match))
        matches.push_back(*match);
    });

    SmallVector<MatmulReport, 0> reports;
    IRRewriter rewriter(&getContext());
    for (const MatmulMatch &match : matches) {
      MatmulReport &entry =
          reports.emplace_back(makeMatmulReport(match, "dense"));
      FailureOr<SparsifyPlan> plan = decideSparsify(match, options, entry);
      if (remarks)
        match.op->emitRemark() << "tsparse-sparsify: " << entry.getSummary();
      if (succeeded(plan))
        applySparsifyPlan(rewriter, *plan);
    }

    if (!reportFile.empty() &&
        failed(writeMatmulReports(reportFile, getArgument(), reports,
                                  module.getLoc())))
      signalPassFailure();
  }
};
} // namespace
