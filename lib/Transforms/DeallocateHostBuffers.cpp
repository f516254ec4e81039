//===- DeallocateHostBuffers.cpp - Free non-escaping host buffers ---------===//
//
// The part of buffer deallocation that the host code around gpu.launch_func
// needs: allocations in a single-block function, or in a single-block
// region of it (a loop body), that never leave their block are freed before
// its return or yield.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSEDEALLOCATEHOSTBUFFERS
#include "tsparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;

/// Returns true if `buffer`, or a view or cast of it, may outlive the
/// function or is freed already: it is returned, yielded, passed to a call,
/// stored as a value, turned into a tensor, deallocated, or used by an op
/// that could alias it otherwise.
static bool mayEscape(Value buffer) {
  for (OpOperand &use : buffer.getUses()) {
    Operation *user = use.getOwner();
    if (isa<memref::DeallocOp>(user))
      return true;
    if (isa<ViewLikeOpInterface, memref::CastOp>(user)) {
      if (llvm::any_of(user->getResults(), mayEscape))
        return true;
      continue;
    }
    if (user->hasTrait<OpTrait::ReturnLike>() || isa<CallOpInterface>(user) ||
        isa<bufferization::ToTensorOp>(user))
      return true;
    if (auto store = dyn_cast<memref::StoreOp>(user);
        store && store.getValueToStore() == buffer)
      return true;
    // Any other op producing a memref might alias the buffer.
    if (llvm::any_of(user->getResultTypes(), llvm::IsaPred<BaseMemRefType>))
      return true;
  }
  return false;
}

namespace {
/// Frees the function's non-escaping host buffers before its return.
struct TSparseDeallocateHostBuffersPass
    : public tsparse::impl::TSparseDeallocateHostBuffersBase<
          TSparseDeallocateHostBuffersPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal() || !func.getBody().hasOneBlock())
      return;
    // Every single-block region that ends in a return or a yield (a loop
    // body, say) frees what it allocated and does not pass on.
    func.walk([](Block *block) {
      if (!block->getParent()->hasOneBlock() || !block->mightHaveTerminator())
        return;
      Operation *terminator = block->getTerminator();
      if (!terminator->hasTrait<OpTrait::ReturnLike>())
        return;
      OpBuilder b(terminator);
      for (auto alloc :
           llvm::make_early_inc_range(block->getOps<memref::AllocOp>()))
        if (!mayEscape(alloc.getResult()))
          memref::DeallocOp::create(b, alloc.getLoc(), alloc.getResult());
    });
  }
};
} // namespace
