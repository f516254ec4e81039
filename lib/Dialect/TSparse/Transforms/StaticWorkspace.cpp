//===- StaticWorkspace.cpp - Static buffers for function temporaries ------===//
//
// Gives each non-escaping, statically shaped allocation at the top level of
// a function a private global buffer, so that calls do not allocate and
// page-fault their temporaries again every time.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSESTATICWORKSPACE
#include "tsparse/Dialect/TSparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;

/// Returns true if the buffer `value` (or a view of it) may outlive the
/// call: returned, passed to a call, yielded from a region, or used by an
/// op this analysis does not know to keep it inside.
static bool mayEscape(Value value) {
  SmallVector<Value> worklist = {value};
  while (!worklist.empty()) {
    Value current = worklist.pop_back_val();
    for (OpOperand &use : current.getUses()) {
      Operation *user = use.getOwner();
      if (auto view = dyn_cast<ViewLikeOpInterface>(user)) {
        if (view.getViewSource() == current) {
          worklist.append(user->result_begin(), user->result_end());
          continue;
        }
      }
      if (user->hasTrait<OpTrait::IsTerminator>() || isa<CallOpInterface>(user))
        return true;
      // Ops that only read or write the buffer's elements.
      if (isa<memref::MemRefDialect>(user->getDialect()) &&
          !isa<memref::StoreOp>(user))
        continue;
      auto effects = dyn_cast<MemoryEffectOpInterface>(user);
      if (!effects && !user->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
        return true;
      // A value stored into memory escapes; one stored to is fine.
      if (auto store = dyn_cast<memref::StoreOp>(user))
        if (store.getValueToStore() == current)
          return true;
    }
  }
  return false;
}

namespace {
/// Moves the temporaries of every function into private globals.
struct TSparseStaticWorkspacePass
    : public tsparse::impl::TSparseStaticWorkspaceBase<
          TSparseStaticWorkspacePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    IRRewriter rewriter(&getContext());
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      SmallVector<memref::AllocOp> allocs;
      for (auto alloc : func.getBody().front().getOps<memref::AllocOp>())
        if (alloc.getType().hasStaticShape() &&
            alloc.getType().getLayout().isIdentity() &&
            !mayEscape(alloc.getResult()))
          allocs.push_back(alloc);
      for (memref::AllocOp alloc : allocs) {
        rewriter.setInsertionPoint(func);
        MemRefType type = alloc.getType();
        auto global = memref::GlobalOp::create(
            rewriter, alloc.getLoc(), (func.getName() + "_workspace").str(),
            rewriter.getStringAttr("private"), type, rewriter.getUnitAttr(),
            /*constant=*/false,
            rewriter.getI64IntegerAttr(alloc.getAlignment().value_or(64)));
        symbols.insert(global);
        rewriter.setInsertionPoint(alloc);
        rewriter.replaceOpWithNewOp<memref::GetGlobalOp>(alloc, type,
                                                         global.getSymName());
      }
    }
  }
};
} // namespace
