//===- SplitLoopInvariantOffsets.cpp - Loop-invariant parts of addresses --===//
//
// A memref access lowered with a 32-bit index addresses `gep(p, x + y)`:
// the sum is sign-extended to the pointer's width before it is added. When
// x is the same on every iteration of a loop (a row's offset) and y is not
// (the column), LLVM does not distribute the extension over the sum itself
// and recomputes the whole 64-bit address per access. Split as
// `gep(gep(p, x), y)`, the row's pointer is hoisted out of the loop and
// each access adds only the column.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Transforms/Passes.h"

#include "mlir/Analysis/CFGLoopInfo.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSESPLITLOOPINVARIANTOFFSETS
#include "tsparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;

/// Whether `value` is the same on every iteration of `loop`: defined
/// outside it, or computed inside only from such values by operations
/// without effects (which LLVM hoists).
static bool isLoopInvariant(Value value, CFGLoop *loop) {
  if (!loop->contains(value.getParentBlock()))
    return true;
  Operation *op = value.getDefiningOp();
  return op && op->getNumRegions() == 0 && isMemoryEffectFree(op) &&
         llvm::all_of(op->getOperands(), [&](Value operand) {
           return isLoopInvariant(operand, loop);
         });
}

/// Splits `gep` as `gep(gep(p, x), y)` if it loads `p[x * s + y]` (or
/// `p[y + x * s]`) in a loop where p and x * s are invariant and y is not,
/// and the sum wraps neither way, so that the extension of the index
/// distributes over it.
static void splitInvariantOffset(LLVM::GEPOp gep, CFGLoop *loop) {
  if (!llvm::all_of(gep->getUsers(), llvm::IsaPred<LLVM::LoadOp>) ||
      gep.getRawConstantIndices().size() != 1 ||
      gep.getDynamicIndices().size() != 1 ||
      !isLoopInvariant(gep.getBase(), loop))
    return;
  auto sum = gep.getDynamicIndices()[0].getDefiningOp<LLVM::AddOp>();
  if (!sum || !bitEnumContainsAll(sum.getOverflowFlags(),
                                  LLVM::IntegerOverflowFlags::nsw |
                                      LLVM::IntegerOverflowFlags::nuw))
    return;
  Value invariant = sum.getLhs(), variant = sum.getRhs();
  if (!invariant.getDefiningOp<LLVM::MulOp>())
    std::swap(invariant, variant);
  // Products only: splitting off any invariant term costs a 64-bit
  // register per term, which pays for rows of a 2-D access but not for the
  // offsets of 1-D ones.
  if (!invariant.getDefiningOp<LLVM::MulOp>() ||
      !isLoopInvariant(invariant, loop) || isLoopInvariant(variant, loop))
    return;
  OpBuilder b(gep);
  Value row = LLVM::GEPOp::create(b, gep.getLoc(), gep.getType(),
                                  gep.getElemType(), gep.getBase(),
                                  ValueRange{invariant}, gep.getNoWrapFlags());
  gep.getBaseMutable().assign(row);
  gep.getDynamicIndicesMutable().assign(variant);
}

namespace {
struct TSparseSplitLoopInvariantOffsets
    : tsparse::impl::TSparseSplitLoopInvariantOffsetsBase<
          TSparseSplitLoopInvariantOffsets> {
  void runOnOperation() override {
    LLVM::LLVMFuncOp func = getOperation();
    Region &body = func.getBody();
    if (body.empty() || body.hasOneBlock())
      return;
    DominanceInfo dominance(func);
    CFGLoopInfo loops(dominance.getDomTree(&body));
    SmallVector<LLVM::GEPOp> geps;
    func.walk([&](LLVM::GEPOp gep) { geps.push_back(gep); });
    for (LLVM::GEPOp gep : geps)
      if (CFGLoop *loop = loops.getLoopFor(gep->getBlock()))
        splitInvariantOffset(gep, loop);
  }
};
} // namespace
