//===- CheckKernelIndices.cpp - Kernel operands fit 32-bit indices --------===//
//
// Kernels index with 32 bits. Before each launch the host asserts that the
// memref and index operands fit, checking static bounds at compile time.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSECHECKKERNELINDICES
#include "tsparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;

/// The first element offset 32-bit signed indices cannot reach.
static constexpr int64_t kIndexLimit = int64_t(1) << 31;

/// Returns the offset of the last element of a memref of `type` from its
/// base pointer, if static.
static std::optional<int64_t> getStaticLastOffset(MemRefType type) {
  int64_t offset;
  SmallVector<int64_t> strides;
  if (failed(type.getStridesAndOffset(strides, offset)) ||
      !type.hasStaticShape() || ShapedType::isDynamic(offset) ||
      llvm::any_of(strides, ShapedType::isDynamic))
    return std::nullopt;
  int64_t last = offset;
  for (auto [size, stride] : llvm::zip(type.getShape(), strides)) {
    if (size == 0)
      return 0;
    last += (size - 1) * stride;
  }
  return last;
}

/// Returns the offset of the last element of `memref` from its base pointer
/// (the offset when it is empty).
static Value getLastOffset(OpBuilder &b, Location loc, Value memref) {
  auto metadata = memref::ExtractStridedMetadataOp::create(b, loc, memref);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value last = metadata.getOffset();
  for (auto [size, stride] :
       llvm::zip(metadata.getSizes(), metadata.getStrides())) {
    Value steps = arith::MaxSIOp::create(
        b, loc, arith::SubIOp::create(b, loc, size, one), zero);
    last = arith::AddIOp::create(b, loc, last,
                                 arith::MulIOp::create(b, loc, steps, stride));
  }
  return last;
}

/// Returns whether `value` is known to lie in [-limit, limit) at compile
/// time (true or false), or nullopt.
static std::optional<bool> isStaticallyInRange(Value value) {
  APInt constant;
  if (!matchPattern(value, m_ConstantInt(&constant)))
    return std::nullopt;
  int64_t v = constant.getSExtValue();
  return v >= -kIndexLimit && v < kIndexLimit;
}

/// Returns the condition that `launch`'s operands fit 32-bit indices, or a
/// null value when they do statically; fails with an error when one cannot.
static FailureOr<Value> buildFitCondition(OpBuilder &b,
                                          gpu::LaunchFuncOp launch) {
  Location loc = launch.getLoc();
  Value fits;
  auto require = [&](Value condition) {
    fits = fits ? arith::AndIOp::create(b, loc, fits, condition) : condition;
  };
  // `value pred bound`, the bound created once.
  llvm::SmallDenseMap<int64_t, Value> bounds;
  auto compare = [&](Value value, int64_t bound, arith::CmpIPredicate pred) {
    Value &constant = bounds[bound];
    if (!constant)
      constant = arith::ConstantIndexOp::create(b, loc, bound);
    return arith::CmpIOp::create(b, loc, pred, value, constant);
  };
  for (auto [i, operand] : llvm::enumerate(launch.getKernelOperands())) {
    if (auto type = dyn_cast<MemRefType>(operand.getType())) {
      if (std::optional<int64_t> last = getStaticLastOffset(type)) {
        if (*last >= kIndexLimit)
          return launch.emitOpError("operand ")
                 << i << " spans " << *last + 1
                 << " elements, beyond the kernels' 32-bit indices";
        continue;
      }
      require(compare(getLastOffset(b, loc, operand), kIndexLimit,
                      arith::CmpIPredicate::slt));
      continue;
    }
    if (!operand.getType().isIndex())
      continue;
    if (std::optional<bool> inRange = isStaticallyInRange(operand)) {
      if (!*inRange)
        return launch.emitOpError("operand ")
               << i << " does not fit the kernels' 32-bit indices";
      continue;
    }
    require(compare(operand, kIndexLimit, arith::CmpIPredicate::slt));
    require(compare(operand, -kIndexLimit, arith::CmpIPredicate::sge));
  }
  return fits;
}

namespace {
struct TSparseCheckKernelIndices
    : tsparse::impl::TSparseCheckKernelIndicesBase<TSparseCheckKernelIndices> {
  void runOnOperation() override {
    WalkResult result = getOperation().walk([](gpu::LaunchFuncOp launch) {
      OpBuilder b(launch);
      FailureOr<Value> fits = buildFitCondition(b, launch);
      if (failed(fits))
        return WalkResult::interrupt();
      if (*fits)
        cf::AssertOp::create(b, launch.getLoc(), *fits,
                             (Twine("tsparse: an operand of kernel ") +
                              launch.getKernelModuleName().getValue() +
                              "::" + launch.getKernelName().getValue() +
                              " does not fit the kernels' 32-bit indices")
                                 .str());
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
