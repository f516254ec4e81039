//===- DecomposeAggregatedOps.cpp - linalg.softmax and kin to linalg ------===//
//
// Decomposes ops of linalg::AggregatedOpInterface through the interface, so
// that every pipeline compiles them.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSEDECOMPOSEAGGREGATEDOPS
#include "tsparse/Dialect/TSparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;

namespace {
/// Replaces each aggregated op by its decomposition.
struct TSparseDecomposeAggregatedOpsPass
    : public tsparse::impl::TSparseDecomposeAggregatedOpsBase<
          TSparseDecomposeAggregatedOpsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::AggregatedOpInterface> ops;
    getOperation()->walk(
        [&](linalg::AggregatedOpInterface op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::AggregatedOpInterface op : ops) {
      rewriter.setInsertionPoint(op);
      FailureOr<SmallVector<Value>> results = op.decomposeOperation(rewriter);
      if (failed(results)) {
        op->emitOpError() << "could not be decomposed";
        return signalPassFailure();
      }
      rewriter.replaceOp(op, *results);
    }
  }
};
} // namespace
