//===- LowerToLoops.cpp - Skipped-tile loops for tsparse ops --------------===//
//
// Drives the lowering of tsparse.matmul, tsparse.pack and tsparse.unpack to
// loops on tensors that never touch a pruned tile.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/LowerToLoops.h"
#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/LoweringUtils.h"
#include "tsparse/Dialect/TSparse/Transforms/Passes.h"

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
    // The register tile is micro-rows vectors of micro-cols lanes: past a
    // few hundred lanes it no longer fits any register file, and LLVM gives
    // up on the vectors long before.
    struct Bound {
      StringRef name;
      int64_t value, max;
    };
    for (Bound bound : {Bound{"m-tile", mTile, int64_t(1) << 20},
                        Bound{"micro-rows", microRows, 32},
                        Bound{"micro-cols", microCols, 256}}) {
      if (bound.value <= 0 || bound.value > bound.max) {
        mlir::emitError(module.getLoc())
            << "expected " << bound.name << " to be in [1, " << bound.max
            << "] but got " << bound.value;
        return signalPassFailure();
      }
    }

    if (kChunk < 0) {
      mlir::emitError(module.getLoc())
          << "expected k-chunk to be non-negative but got " << kChunk;
      return signalPassFailure();
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
    options.kChunk = kChunk;
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
