//===- FuseEpilogues.cpp - Element-wise consumers into products -----------===//
//
// Drives the fusion of element-wise consumers of tsparse.matmul into its
// epilogue region.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"
#include "tsparse/Dialect/TSparse/Transforms/Epilogue.h"
#include "tsparse/Dialect/TSparse/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSEFUSEEPILOGUES
#include "tsparse/Dialect/TSparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;
using namespace mlir::tsparse;

namespace {
/// Applies the epilogue fusion patterns.
struct TSparseFuseEpiloguesPass
    : public tsparse::impl::TSparseFuseEpiloguesBase<TSparseFuseEpiloguesPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseEpiloguePatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
