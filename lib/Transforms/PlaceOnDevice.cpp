//===- PlaceOnDevice.cpp - Keep a GPU program's buffers on the device -----===//
//
// After bufferization and kernel outlining, the host functions of a GPU
// program allocate host buffers and launch kernels on them. This pass moves
// every buffer that only kernels and copies touch to the device, keeps
// constant buffers resident across calls through the runtime, and forwards
// the device-to-device copies that merely stage data for a kernel.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSEPLACEONDEVICE
#include "tsparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;

/// The runtime entry that returns the device copy of a constant.
static constexpr StringLiteral kResidentPrefix = "tsparseResident_";

/// Returns the result of `op` if it is a view or cast of `source`.
static Value getViewOf(Operation *op, Value source) {
  if (auto cast = dyn_cast<memref::CastOp>(op))
    return cast.getResult();
  if (auto view = dyn_cast<ViewLikeOpInterface>(op);
      view && view.getViewSource() == source && op->getNumResults() == 1)
    return op->getResult(0);
  return Value();
}

/// Returns the buffer `memref` views: through views and casts.
static Value getRoot(Value memref) {
  while (Operation *def = memref.getDefiningOp()) {
    if (auto cast = dyn_cast<memref::CastOp>(def)) {
      memref = cast.getSource();
      continue;
    }
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view || view->getNumResults() != 1)
      break;
    memref = view.getViewSource();
  }
  return memref;
}

/// Calls `fn` on every use of `buffer`, and of its views and casts (which
/// are looked through, not reported).
static void forEachUse(Value buffer, function_ref<void(OpOperand &)> fn) {
  for (OpOperand &use : llvm::make_early_inc_range(buffer.getUses())) {
    if (Value view = getViewOf(use.getOwner(), buffer)) {
      forEachUse(view, fn);
      continue;
    }
    fn(use);
  }
}

/// Returns true if `kernel` may write through its argument `index`.
static bool mayKernelWrite(gpu::GPUFuncOp kernel, unsigned index) {
  bool written = false;
  forEachUse(kernel.getArgument(index), [&](OpOperand &use) {
    auto effects = dyn_cast<MemoryEffectOpInterface>(use.getOwner());
    if (!effects) {
      written = true;
      return;
    }
    SmallVector<SideEffects::EffectInstance<MemoryEffects::Effect>> list;
    effects.getEffectsOnValue(use.get(), list);
    written |= llvm::any_of(list, [](const auto &effect) {
      return !isa<MemoryEffects::Read>(effect.getEffect());
    });
  });
  return written;
}

/// Returns true if `use`, an operand of an op on the host, may write the
/// buffer it refers to.
static bool mayWrite(OpOperand &use) {
  Operation *user = use.getOwner();
  if (auto launch = dyn_cast<gpu::LaunchFuncOp>(user)) {
    unsigned first = launch.getKernelOperands().getBeginOperandIndex();
    if (use.getOperandNumber() < first)
      return false;
    auto kernel = SymbolTable::lookupNearestSymbolFrom<gpu::GPUFuncOp>(
        launch, launch.getKernel());
    return !kernel || mayKernelWrite(kernel, use.getOperandNumber() - first);
  }
  if (auto copy = dyn_cast<gpu::MemcpyOp>(user))
    return use.get() == copy.getDst();
  if (auto copy = dyn_cast<memref::CopyOp>(user))
    return use.get() == copy.getTarget();
  return !isa<memref::DimOp, nvgpu::TmaCreateDescriptorOp>(user);
}

/// Returns true if a copy can move `buffer` as a whole: identity layout.
static bool isContiguous(Value buffer) {
  auto type = dyn_cast<MemRefType>(buffer.getType());
  return type && type.getLayout().isIdentity();
}

/// Returns true if `use` of a buffer works on a device buffer: kernels,
/// copies, size queries, TMA tensor maps (of its address and shape) and
/// frees; the return when `returnable`.
static bool isDeviceUse(OpOperand &use, bool returnable) {
  Operation *user = use.getOwner();
  if (isa<gpu::LaunchFuncOp, gpu::MemcpyOp, gpu::DeallocOp, memref::DimOp,
          memref::DeallocOp, nvgpu::TmaCreateDescriptorOp>(user))
    return true;
  if (auto copy = dyn_cast<memref::CopyOp>(user))
    return isContiguous(copy.getSource()) && isContiguous(copy.getTarget());
  if (isa<func::ReturnOp>(user))
    return returnable && isContiguous(use.get());
  return false;
}

/// Returns true if every use of `root` works on a device buffer.
static bool onlyDeviceUses(Value root, bool returnable) {
  bool device = true;
  forEachUse(root,
             [&](OpOperand &use) { device &= isDeviceUse(use, returnable); });
  return device;
}

/// Returns the dynamic sizes of `buffer` for an allocation of its type.
static SmallVector<Value> getDynamicSizes(OpBuilder &b, Location loc,
                                          Value buffer) {
  SmallVector<Value> sizes;
  auto type = cast<MemRefType>(buffer.getType());
  for (int64_t dim = 0; dim < type.getRank(); ++dim)
    if (type.isDynamicDim(dim))
      sizes.push_back(memref::DimOp::create(b, loc, buffer, dim));
  return sizes;
}

/// Allocates a device buffer of `like`'s type and sizes.
static Value allocOnDevice(OpBuilder &b, Location loc, Value like) {
  return gpu::AllocOp::create(b, loc, cast<MemRefType>(like.getType()),
                              /*asyncToken=*/Type(), ValueRange{},
                              getDynamicSizes(b, loc, like), ValueRange{},
                              /*hostShared=*/false)
      .getMemref();
}

static void copy(OpBuilder &b, Location loc, Value dst, Value src) {
  gpu::MemcpyOp::create(b, loc, TypeRange{}, ValueRange{}, dst, src);
}

static void freeOnDevice(OpBuilder &b, Location loc, Value buffer) {
  gpu::DeallocOp::create(b, loc, TypeRange{}, ValueRange{}, buffer);
}

/// Returns the runtime function that keeps a device copy of constants of
/// `elementType`, declared in `module` if needed.
static func::FuncOp getResidentFunction(ModuleOp module, Type elementType) {
  std::string name;
  llvm::raw_string_ostream os(name);
  os << kResidentPrefix << elementType;
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  auto type = UnrankedMemRefType::get(elementType, /*memorySpace=*/0);
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  auto function = func::FuncOp::create(b, module.getLoc(), name,
                                       b.getFunctionType({type}, {type}));
  function.setPrivate();
  return function;
}

/// Returns true if `value` is a device copy of a constant.
static bool isResident(Value value) {
  auto call = value.getDefiningOp<func::CallOp>();
  return call && call.getCallee().starts_with(kResidentPrefix);
}

/// Returns true if the buffer `root` lives on the device.
static bool isOnDevice(Value root) {
  return root.getDefiningOp<gpu::AllocOp>() || isResident(root);
}

/// Kernels given a buffer that stays on the host (host code touches it)
/// get a device copy around the launch.
static LogicalResult stageHostOperands(func::FuncOp func) {
  SmallVector<gpu::LaunchFuncOp> launches;
  func.walk([&](gpu::LaunchFuncOp launch) { launches.push_back(launch); });
  for (gpu::LaunchFuncOp launch : launches) {
    unsigned first = launch.getKernelOperands().getBeginOperandIndex();
    for (OpOperand &operand : launch->getOpOperands().drop_front(first)) {
      Value host = operand.get();
      if (!isa<MemRefType>(host.getType()) || isOnDevice(getRoot(host)))
        continue;
      if (!isContiguous(host))
        return launch.emitOpError()
               << "expected a contiguous host buffer to copy to the device "
                  "for kernel operand "
               << operand.getOperandNumber() - first << " but got "
               << host.getType();
      Location loc = launch.getLoc();
      OpBuilder b(launch);
      Value device = allocOnDevice(b, loc, host);
      copy(b, loc, device, host);
      operand.set(device);
      b.setInsertionPointAfter(launch);
      if (mayWrite(operand))
        copy(b, loc, host, device);
      freeOnDevice(b, loc, device);
    }
  }
  return success();
}

namespace {
/// Places the buffers of one host function.
class FunctionPlacement {
public:
  FunctionPlacement(ModuleOp module, func::FuncOp func)
      : module(module), func(func),
        returnOp(cast<func::ReturnOp>(func.getBody().front().getTerminator())) {
  }

  LogicalResult run() {
    placeArguments();
    placeAllocations();
    placeConstants();
    copyResultsOut();
    convertCopies();
    while (forwardOneCopy()) {
    }
    return stageHostOperands(func);
  }

private:
  /// Function arguments that only kernels touch are copied in at the entry
  /// and, when a kernel writes them, back at the return.
  void placeArguments() {
    Block &entry = func.getBody().front();
    for (BlockArgument arg : entry.getArguments()) {
      if (!isContiguous(arg) || arg.use_empty() ||
          !onlyDeviceUses(arg, /*returnable=*/false))
        continue;
      bool written = false;
      forEachUse(arg, [&](OpOperand &use) { written |= mayWrite(use); });
      OpBuilder b = OpBuilder::atBlockBegin(&entry);
      Location loc = arg.getLoc();
      Value device = allocOnDevice(b, loc, arg);
      copy(b, loc, device, arg);
      // The ops just built (sizes, copy) keep reading the argument.
      SmallPtrSet<Operation *, 4> entryOps;
      for (Operation &op :
           llvm::make_range(entry.begin(), b.getInsertionPoint()))
        entryOps.insert(&op);
      arg.replaceUsesWithIf(device, [&](OpOperand &use) {
        return !entryOps.contains(use.getOwner());
      });
      b.setInsertionPoint(returnOp);
      if (written)
        copy(b, loc, arg, device);
      freeOnDevice(b, loc, device);
    }
  }

  /// Host allocations that only kernels touch become device allocations.
  void placeAllocations() {
    SmallVector<memref::AllocOp> allocs;
    func.walk([&](memref::AllocOp alloc) { allocs.push_back(alloc); });
    for (memref::AllocOp alloc : allocs) {
      if (!isContiguous(alloc.getResult()) ||
          !alloc.getSymbolOperands().empty() ||
          !onlyDeviceUses(alloc.getResult(), /*returnable=*/true))
        continue;
      OpBuilder b(alloc);
      Value device = gpu::AllocOp::create(b, alloc.getLoc(), alloc.getType(),
                                          /*asyncToken=*/Type(), ValueRange{},
                                          alloc.getDynamicSizes(), ValueRange{},
                                          /*hostShared=*/false)
                         .getMemref();
      alloc.getResult().replaceAllUsesWith(device);
      alloc.erase();
      forEachUse(device, [&](OpOperand &use) {
        if (auto dealloc = dyn_cast<memref::DeallocOp>(use.getOwner())) {
          OpBuilder b(dealloc);
          freeOnDevice(b, dealloc.getLoc(), dealloc.getMemref());
          dealloc.erase();
        }
      });
    }
  }

  /// Constants that only kernels read come from the runtime's resident
  /// copies.
  void placeConstants() {
    SmallVector<memref::GetGlobalOp> constants;
    func.walk([&](memref::GetGlobalOp get) {
      auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
          get, get.getNameAttr());
      if (global && global.getConstant() && isContiguous(get.getResult()) &&
          onlyDeviceUses(get.getResult(), /*returnable=*/false))
        constants.push_back(get);
    });
    for (memref::GetGlobalOp get : constants) {
      bool written = false;
      forEachUse(get.getResult(),
                 [&](OpOperand &use) { written |= mayWrite(use); });
      if (written)
        continue;
      MemRefType type = get.getType();
      func::FuncOp resident =
          getResidentFunction(module, type.getElementType());
      // At the entry, before any GPU work: the asynchronous host code then
      // runs the whole call on one stream.
      Block &entry = func.getBody().front();
      if (get->getBlock() == &entry)
        get->moveBefore(&entry, entry.begin());
      OpBuilder b(get->getBlock(), std::next(get->getIterator()));
      Location loc = get.getLoc();
      Type unranked = resident.getFunctionType().getInput(0);
      Value host = memref::CastOp::create(b, loc, unranked, get.getResult());
      Value device = func::CallOp::create(b, loc, resident, host).getResult(0);
      Value shaped = memref::CastOp::create(b, loc, type, device);
      get.getResult().replaceAllUsesExcept(shaped, host.getDefiningOp());
    }
  }

  /// Results on the device are copied to host buffers at the return.
  void copyResultsOut() {
    OpBuilder b(returnOp);
    llvm::SmallSetVector<Value, 4> roots;
    for (OpOperand &operand : returnOp->getOpOperands()) {
      Value root = getRoot(operand.get());
      if (!root.getDefiningOp<gpu::AllocOp>())
        continue;
      Location loc = operand.get().getLoc();
      auto type = cast<MemRefType>(operand.get().getType());
      // A static result buffer is allocated before the GPU work starts,
      // which would otherwise wait for it.
      OpBuilder::InsertionGuard guard(b);
      if (type.hasStaticShape())
        b.setInsertionPointToStart(&func.getBody().front());
      Value host = memref::AllocOp::create(
          b, loc, type, getDynamicSizes(b, loc, operand.get()));
      b.setInsertionPoint(returnOp);
      copy(b, loc, host, operand.get());
      operand.set(host);
      roots.insert(root);
    }
    for (Value root : roots)
      freeOnDevice(b, root.getLoc(), root);
  }

  /// Copies with a device buffer on either side become GPU copies.
  void convertCopies() {
    SmallVector<memref::CopyOp> copies;
    func.walk([&](memref::CopyOp copyOp) {
      if (isOnDevice(getRoot(copyOp.getSource())) ||
          isOnDevice(getRoot(copyOp.getTarget())))
        copies.push_back(copyOp);
    });
    for (memref::CopyOp copyOp : copies) {
      OpBuilder b(copyOp);
      copy(b, copyOp.getLoc(), copyOp.getTarget(), copyOp.getSource());
      copyOp.erase();
    }
  }

  /// Forwards one device-to-device copy into a fresh device buffer, if one
  /// only stages data; returns false when none does.
  bool forwardOneCopy() {
    SmallVector<gpu::MemcpyOp> copies;
    func.walk([&](gpu::MemcpyOp copyOp) { copies.push_back(copyOp); });
    for (gpu::MemcpyOp copyOp : copies)
      if (tryForward(copyOp))
        return true;
    return false;
  }

  bool tryForward(gpu::MemcpyOp copyOp) {
    if (copyOp.getAsyncToken() || !copyOp.getAsyncDependencies().empty())
      return false;
    Value dst = copyOp.getDst(), src = copyOp.getSrc();
    auto dstAlloc = dst.getDefiningOp<gpu::AllocOp>();
    Block *block = copyOp->getBlock();
    Value srcRoot = getRoot(src);
    if (!dstAlloc || dstAlloc->getBlock() != block ||
        !memref::CastOp::areCastCompatible(src.getType(), dst.getType()) ||
        !isOnDevice(srcRoot))
      return false;
    // Every other use of the destination comes after the copy.
    SmallVector<OpOperand *> dstUses, srcUses;
    bool dstWritten = false, ordered = true;
    forEachUse(dst, [&](OpOperand &use) {
      if (use.getOwner() == copyOp)
        return;
      Operation *at = block->findAncestorOpInBlock(*use.getOwner());
      ordered &= at && copyOp->isBeforeInBlock(at);
      dstWritten |= mayWrite(use) && !isa<gpu::DeallocOp>(use.getOwner());
      dstUses.push_back(&use);
    });
    forEachUse(srcRoot, [&](OpOperand &use) {
      if (use.getOwner() != copyOp)
        srcUses.push_back(&use);
    });
    if (!ordered)
      return false;
    auto after = [&](OpOperand *use) -> Operation * {
      Operation *at = block->findAncestorOpInBlock(*use->getOwner());
      return at && copyOp->isBeforeInBlock(at) ? at : nullptr;
    };

    // The source dies with the copy: the destination takes it over.
    if (srcRoot.getDefiningOp<gpu::AllocOp>() &&
        llvm::all_of(srcUses, [&](OpOperand *use) {
          Operation *at = block->findAncestorOpInBlock(*use->getOwner());
          return at && (at->isBeforeInBlock(copyOp) ||
                        isa<gpu::DeallocOp>(use->getOwner()));
        })) {
      for (OpOperand *use : srcUses)
        if (after(use))
          use->getOwner()->erase();
      replaceDestination(copyOp, dstAlloc, src);
      return true;
    }

    // The destination is only read while the source stays the same.
    if (dstWritten)
      return false;
    Operation *lastRead = copyOp;
    for (OpOperand *use : dstUses)
      if (!isa<gpu::DeallocOp>(use->getOwner())) {
        Operation *at = block->findAncestorOpInBlock(*use->getOwner());
        if (lastRead->isBeforeInBlock(at))
          lastRead = at;
      }
    for (OpOperand *use : srcUses) {
      Operation *at = after(use);
      if (at && (at == lastRead || at->isBeforeInBlock(lastRead)) &&
          (mayWrite(*use) || isa<gpu::DeallocOp>(use->getOwner())))
        return false;
    }
    for (OpOperand *use : dstUses)
      if (isa<gpu::DeallocOp>(use->getOwner()))
        use->getOwner()->erase();
    replaceDestination(copyOp, dstAlloc, src);
    return true;
  }

  static void replaceDestination(gpu::MemcpyOp copyOp, gpu::AllocOp dstAlloc,
                                 Value src) {
    Value dst = dstAlloc.getMemref();
    if (src.getType() != dst.getType()) {
      OpBuilder b(copyOp);
      src = memref::CastOp::create(b, copyOp.getLoc(), dst.getType(), src);
    }
    copyOp.erase();
    dst.replaceAllUsesWith(src);
    dstAlloc.erase();
  }

  ModuleOp module;
  func::FuncOp func;
  func::ReturnOp returnOp;
};

struct TSparsePlaceOnDevicePass
    : public tsparse::impl::TSparsePlaceOnDeviceBase<TSparsePlaceOnDevicePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> functions;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal())
        functions.push_back(func);
    for (func::FuncOp func : functions) {
      // Functions of several blocks are not analyzed: their kernels still
      // get device copies of what they use.
      bool analyzable =
          func.getBody().hasOneBlock() &&
          isa<func::ReturnOp>(func.getBody().front().getTerminator());
      if (failed(analyzable ? FunctionPlacement(module, func).run()
                            : stageHostOperands(func)))
        return signalPassFailure();
    }
  }
};
} // namespace
