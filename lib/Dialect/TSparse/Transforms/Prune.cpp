//===- Prune.cpp - Prune the constant weights of matmuls ------------------===//
//
// The `--tsparse-prune` pass: a thin driver over `collectPruneTargets` and
// `pruneWeights`.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"
#include "tsparse/Dialect/TSparse/Transforms/Passes.h"
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

    // Weights broadcast over a batch are shared weights.
    RewritePatternSet foldPatterns(&getContext());
    populateFoldWeightBroadcastPatterns(foldPatterns);
    if (failed(applyPatternsGreedily(module, std::move(foldPatterns))))
      return signalPassFailure();

    FailureOr<SmallVector<PruneTarget>> targets = collectPruneTargets(module);
    if (failed(targets))
      return signalPassFailure();
    SmallVector<MatmulReport, 0> reports;
    IRRewriter rewriter(&getContext());
    if (failed(pruneWeights(rewriter, *targets, options, &reports)))
      return signalPassFailure();
    emitRemarksAndReport(*targets, reports);
  }

  /// Emits the remarks and writes the report file, as asked. `reports` are
  /// in the order of the targets' matmuls.
  void emitRemarksAndReport(ArrayRef<PruneTarget> targets,
                            ArrayRef<MatmulReport> reports) {
    if (remarks) {
      size_t next = 0;
      for (const PruneTarget &target : targets)
        for (const MatmulMatch &match : target.matmuls)
          match.op->emitRemark()
              << "tsparse-prune: " << reports[next++].getSummary();
    }
    if (!reportFile.empty() &&
        failed(writeMatmulReports(reportFile, getArgument(), reports,
                                  getOperation().getLoc())))
      signalPassFailure();
  }
};
} // namespace
