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

namespace {
/// Whether values are the same on every iteration of a loop: defined
/// outside it, or computed inside only from such values by operations
/// without effects (which LLVM hoists). Answers are cached: address
/// expressions share most of their operands.
class LoopInvariance {
public:
  explicit LoopInvariance(CFGLoop *loop) : loop(loop) {}

  bool isInvariant(Value value) {
    if (!loop->contains(value.getParentBlock()))
      return true;
    auto [it, inserted] = known.try_emplace(value, false);
    if (!inserted)
      return it->second;
    Operation *op = value.getDefiningOp();
    bool invariant = op && op->getNumRegions() == 0 && isMemoryEffectFree(op) &&
                     llvm::all_of(op->getOperands(), [&](Value operand) {
                       return isInvariant(operand);
                     });
    known[value] = invariant;
    return invariant;
  }

private:
  CFGLoop *loop;
  DenseMap<Value, bool> known;
};
} // namespace

/// Splits `gep` as `gep(gep(p, x), y)` if it loads `p[x * s + y]` (or
/// `p[y + x * s]`) in a loop where p and x * s are invariant and y is not,
/// and the sum wraps neither way, so that the extension of the index
/// distributes over it.
static void splitInvariantOffset(LLVM::GEPOp gep, LoopInvariance &loop) {
  if (!llvm::all_of(gep->getUsers(), llvm::IsaPred<LLVM::LoadOp>) ||
      gep.getRawConstantIndices().size() != 1 ||
      gep.getDynamicIndices().size() != 1 || !loop.isInvariant(gep.getBase()))
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
  if (!invariant.getDefiningOp<LLVM::MulOp>() || !loop.isInvariant(invariant) ||
      loop.isInvariant(variant))
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
    DenseMap<CFGLoop *, LoopInvariance> invariance;
    for (LLVM::GEPOp gep : geps)
      if (CFGLoop *loop = loops.getLoopFor(gep->getBlock()))
        splitInvariantOffset(gep,
                             invariance.try_emplace(loop, loop).first->second);
  }
};
} // namespace
