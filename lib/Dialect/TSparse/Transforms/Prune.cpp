//===- Prune.cpp - Prune the constant weights of matmuls ------------------===//
//
// The `--tsparse-prune` pass: a thin driver over `collectPruneTargets` and
// `pruneWeights`.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"
#include "tsparse/Dialect/TSparse/Transforms/Passes.h"
#include "tsparse/Dialect/TSparse/Transforms/PruneWeights.h"
#include "tsparse/Dialect/TSparse/Transforms/Transforms.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSEPRUNE
#include "tsparse/Dialect/TSparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;
using namespace mlir::tsparse;

namespace {
/// Prunes all constant weights of the module together.
struct TSparsePrunePass
    : public tsparse::impl::TSparsePruneBase<TSparsePrunePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    PruneOptions options;
    options.pattern = pattern;
    options.sparsity = sparsity;
    options.tileN = tileN;
    options.unitK = unitK;
    options.delta = delta;
    options.scope = scope;
    if (failed(verifyPruneOptions(options,
                                  [&] { return emitError(module.getLoc()); })))
      return signalPassFailure();

    // Weights broadcast over a batch are shared weights; weights cast to a
    // dynamic shape keep their static one.
    RewritePatternSet foldPatterns(&getContext());
    populateFoldWeightBroadcastPatterns(foldPatterns);
    populateFoldWeightCastPatterns(foldPatterns);
    if (failed(applyPatternsGreedily(module, std::move(foldPatterns))))
      return signalPassFailure();

    SmallVector<UnprunedMatmul> unpruned;
    FailureOr<SmallVector<PruneTarget>> targets =
        collectPruneTargets(module, &unpruned);
    if (failed(targets))
      return signalPassFailure();
    SmallVector<MatmulReport, 0> reports;
    IRRewriter rewriter(&getContext());
    if (failed(pruneWeights(rewriter, *targets, options, &reports)))
      return signalPassFailure();
    emitRemarksAndReport(*targets, unpruned, reports);
  }

  /// Emits the remarks and writes the report file, as asked. `reports` are
  /// in the order of the targets' matmuls; the unpruned ones follow.
  void emitRemarksAndReport(ArrayRef<PruneTarget> targets,
                            ArrayRef<UnprunedMatmul> unpruned,
                            SmallVectorImpl<MatmulReport> &reports) {
    size_t numPruned = reports.size();
    for (const UnprunedMatmul &matmul : unpruned)
      reports.push_back(makeDenseReport(matmul.op, matmul.reason));
    if (remarks) {
      size_t next = 0;
      for (const PruneTarget &target : targets)
        for (const MatmulMatch &match : target.matmuls)
          match.op->emitRemark()
              << "tsparse-prune: " << reports[next++].getSummary();
      for (auto [index, matmul] : llvm::enumerate(unpruned))
        matmul.op->emitRemark()
            << "tsparse-prune: " << reports[numPruned + index].getSummary();
    }
    if (!reportFile.empty() &&
        failed(writeMatmulReports(reportFile, getArgument(), reports,
                                  getOperation().getLoc())))
      signalPassFailure();
  }
};
} // namespace
