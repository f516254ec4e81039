//===- MathToLLVMIntrinsics.cpp - Kernel math without libdevice -----------===//
//
// convert-gpu-to-nvvm maps math ops to libdevice calls, which a module that
// links no libdevice cannot resolve. The ops left after the polynomial
// approximations are rewritten into LLVM intrinsics that NVPTX selects.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSEMATHTOLLVMINTRINSICS
#include "tsparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;

namespace {
/// math.fma -> llvm.intr.fma on scalar floats.
struct FmaToIntrinsic : OpRewritePattern<math::FmaOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::FmaOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<FloatType>(op.getType()))
      return rewriter.notifyMatchFailure(op, "expected a scalar float");
    rewriter.replaceOpWithNewOp<LLVM::FMAOp>(op, op.getA(), op.getB(),
                                             op.getC());
    return success();
  }
};

/// A one-operand math op -> `llvm.call_intrinsic` of `intrinsic` on scalar
/// floats.
template <typename MathOp> struct UnaryToIntrinsic : OpRewritePattern<MathOp> {
  UnaryToIntrinsic(MLIRContext *context, StringRef intrinsic)
      : OpRewritePattern<MathOp>(context), intrinsic(intrinsic) {}

  LogicalResult matchAndRewrite(MathOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<FloatType>(op.getType()))
      return rewriter.notifyMatchFailure(op, "expected a scalar float");
    rewriter.replaceOp(op,
                       call(rewriter, op.getLoc(), intrinsic, op.getOperand()));
    return success();
  }

  static Value call(OpBuilder &b, Location loc, StringRef intrinsic,
                    Value operand) {
    return LLVM::CallIntrinsicOp::create(b, loc, operand.getType(),
                                         b.getStringAttr(intrinsic),
                                         ValueRange{operand})
        .getResult(0);
  }

  std::string intrinsic;
};

/// math.rsqrt -> 1 / llvm.sqrt on scalar floats.
struct RsqrtToIntrinsic : OpRewritePattern<math::RsqrtOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::RsqrtOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<FloatType>(op.getType());
    if (!type)
      return rewriter.notifyMatchFailure(op, "expected a scalar float");
    Location loc = op.getLoc();
    Value root = UnaryToIntrinsic<math::SqrtOp>::call(
        rewriter, loc, "llvm.sqrt", op.getOperand());
    Value one = arith::ConstantOp::create(rewriter, loc,
                                          rewriter.getFloatAttr(type, 1));
    rewriter.replaceOpWithNewOp<arith::DivFOp>(op, one, root);
    return success();
  }
};

struct TSparseMathToLLVMIntrinsicsPass
    : public tsparse::impl::TSparseMathToLLVMIntrinsicsBase<
          TSparseMathToLLVMIntrinsicsPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<FmaToIntrinsic, RsqrtToIntrinsic>(context);
    patterns.add<UnaryToIntrinsic<math::SqrtOp>>(context, "llvm.sqrt");
    patterns.add<UnaryToIntrinsic<math::FloorOp>>(context, "llvm.floor");
    patterns.add<UnaryToIntrinsic<math::CeilOp>>(context, "llvm.ceil");
    patterns.add<UnaryToIntrinsic<math::AbsFOp>>(context, "llvm.fabs");
    patterns.add<UnaryToIntrinsic<math::RoundEvenOp>>(context,
                                                      "llvm.roundeven");
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
