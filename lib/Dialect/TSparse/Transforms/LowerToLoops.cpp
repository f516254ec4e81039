//===- LowerToLoops.cpp - Skipped-tile loops for tsparse ops --------------===//
//
// Drives the lowering of tsparse.matmul, tsparse.pack and tsparse.unpack to
// loops on tensors that never touch a pruned tile.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/Passes.h"
#include "tsparse/Dialect/TSparse/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSELOWERTOLOOPS
#include "tsparse/Dialect/TSparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;
using namespace mlir::tsparse;

namespace {
/// Lowers products and packing to loops that skip pruned tiles.
struct TSparseLowerToLoopsPass
    : public tsparse::impl::TSparseLowerToLoopsBase<TSparseLowerToLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    for (auto [name, value] : {std::pair<StringRef, int64_t>{"m-tile", mTile},
                               {"micro-rows", microRows},
                               {"micro-cols", microCols}}) {
      if (value <= 0) {
        module.emitError() << "expected " << name << " to be positive but got "
                           << value;
        return signalPassFailure();
      }
    }

    // Compile-time packs first, so that their products get static schedules.
    RewritePatternSet foldPatterns(ctx);
    PackOp::getCanonicalizationPatterns(foldPatterns, ctx);
    if (failed(applyPatternsGreedily(module, std::move(foldPatterns))))
      return signalPassFailure();

    LowerToLoopsOptions options;
    options.mTile = mTile;
    options.microRows = microRows;
    options.microCols = microCols;
    RewritePatternSet patterns(ctx);
    populateMatmulOnBuffersToTensorsPatterns(patterns);
    populateLowerMatmulToLoopsPatterns(patterns, options);
    populateLowerPackingToLoopsPatterns(patterns);
    StorageOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return signalPassFailure();

    if (failed(verifyPackedMatricesLowered(module, "loops")))
      signalPassFailure();
  }
};
} // namespace
