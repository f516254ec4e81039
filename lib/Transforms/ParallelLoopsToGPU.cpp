//===- ParallelLoopsToGPU.cpp - Host parallel loops as GPU kernels --------===//
//
// Maps each outermost scf.parallel of a host function onto a 1-D grid of 1-D
// blocks with upstream's loop utilities and parallel-loops-to-gpu patterns.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Transforms/Passes.h"

#include "mlir/Conversion/SCFToGPU/SCFToGPU.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <numeric>

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSEPARALLELLOOPSTOGPU
#include "tsparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;

/// The most threads a CUDA block may have.
static constexpr int64_t kMaxThreadsPerBlock = 1024;

/// Collapses the dimensions of `loop` into one; returns the new loop.
static FailureOr<scf::ParallelOp> collapseToOneDimension(RewriterBase &rewriter,
                                                         scf::ParallelOp loop) {
  if (loop.getNumLoops() == 1)
    return loop;
  std::vector<unsigned> dims(loop.getNumLoops());
  std::iota(dims.begin(), dims.end(), 0);
  // The collapsed loop takes the place of the original.
  Operation *next = loop->getNextNode();
  rewriter.setInsertionPoint(loop);
  collapseParallelLoops(rewriter, loop, {dims});
  auto collapsed = dyn_cast_or_null<scf::ParallelOp>(next->getPrevNode());
  if (!collapsed || collapsed.getNumLoops() != 1)
    return failure();
  return collapsed;
}

/// Maps the single dimension of `loop` to `processor`.
static void mapTo(scf::ParallelOp loop, gpu::Processor processor) {
  MLIRContext *context = loop.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(1, context);
  (void)gpu::setMappingAttr(loop, {gpu::ParallelLoopDimMappingAttr::get(
                                      context, processor, identity, identity)});
}

namespace {
struct TSparseParallelLoopsToGPUPass
    : public tsparse::impl::TSparseParallelLoopsToGPUBase<
          TSparseParallelLoopsToGPUPass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *context) override {
    if (blockSize > 0 && blockSize <= kMaxThreadsPerBlock)
      return success();
    return emitError(UnknownLoc::get(context))
           << "expected block-size to be in [1, " << kMaxThreadsPerBlock
           << "] but got " << static_cast<int64_t>(blockSize);
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<scf::ParallelOp> loops;
    func.walk<WalkOrder::PreOrder>([&](scf::ParallelOp loop) {
      if (loop.getNumResults() == 0 && !loop->getParentOfType<gpu::LaunchOp>())
        loops.push_back(loop);
      return WalkResult::skip();
    });
    IRRewriter rewriter(&getContext());
    for (scf::ParallelOp loop : loops) {
      FailureOr<scf::ParallelOp> collapsed =
          collapseToOneDimension(rewriter, loop);
      if (failed(collapsed)) {
        func.emitError("failed to collapse a parallel loop");
        return signalPassFailure();
      }
      auto [blocks, threads] = scf::tileParallelLoop(*collapsed, {blockSize},
                                                     /*noMinMaxBounds=*/false);
      mapTo(blocks, gpu::Processor::BlockX);
      mapTo(threads, gpu::Processor::ThreadX);
    }
    // The launch's block size must fold to a constant: the tiling leaves
    // products of constants behind.
    RewritePatternSet folds(&getContext());
    for (Dialect *dialect : getContext().getLoadedDialects())
      dialect->getCanonicalizationPatterns(folds);
    for (RegisteredOperationName op : getContext().getRegisteredOperations())
      op.getCanonicalizationPatterns(folds, &getContext());
    if (failed(applyPatternsGreedily(func, std::move(folds))))
      return signalPassFailure();

    RewritePatternSet patterns(&getContext());
    populateParallelLoopToGPUPatterns(patterns);
    ConversionTarget target(getContext());
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    configureParallelLoopToGPULegality(target);
    if (failed(applyPartialConversion(func, target, std::move(patterns))))
      return signalPassFailure();
    finalizeParallelLoopToGPUConversion(func);
  }
};
} // namespace
