//===- Sparsify.cpp - Rewrite matmuls into tsparse.matmul -----------------===//
//
// The `--tsparse-sparsify` pass: plans every matmul, reports the decision and
// applies the profitable plans.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/Sparsify.h"
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

    // Weights broadcast over a batch are shared weights; weights cast to a
    // dynamic shape keep their static one.
    RewritePatternSet foldPatterns(&getContext());
    populateFoldWeightBroadcastPatterns(foldPatterns);
    populateFoldWeightCastPatterns(foldPatterns);
    if (failed(applyPatternsGreedily(module, std::move(foldPatterns))))
      return signalPassFailure();

    // Every contraction gets a report entry, also those left dense because
    // no match describes them (integer products, dynamic weights).
    struct Candidate {
      linalg::LinalgOp op;
      FailureOr<MatmulMatch> match;
      std::string reason;
    };
    SmallVector<Candidate> candidates;
    module.walk([&](linalg::LinalgOp op) {
      std::string reason;
      FailureOr<MatmulMatch> match = matchMatmul(op, &reason);
      if (succeeded(match) || linalg::isaContractionOpInterface(op))
        candidates.push_back({op, match, reason});
    });

    SmallVector<MatmulReport, 0> reports;
    IRRewriter rewriter(&getContext());
    for (const Candidate &candidate : candidates) {
      if (failed(candidate.match)) {
        reports.push_back(makeDenseReport(candidate.op, candidate.reason));
        if (remarks)
          candidate.op->emitRemark()
              << "tsparse-sparsify: " << reports.back().getSummary();
        continue;
      }
      const MatmulMatch &match = *candidate.match;
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
