//===- Emulator.cpp - Lock-step CPU emulation of GPU kernels --------------===//
//
// Every SSA value holds one lane of elements per thread of the block. Ops
// run for the active threads only; an `scf.if` runs each branch under its
// part of the mask and merges the results per thread. Memrefs are buffers
// shared by all threads, and the warp-collective ops gather and scatter the
// lanes of a warp following the PTX fragment layouts. Host functions run as
// a block of one thread that may also allocate, copy and launch kernels.
//
//===----------------------------------------------------------------------===//

#include "BlockEmulator.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <thread>
#include <unordered_map>

using namespace mlir;
using namespace mlir::tsparse;
using namespace mlir::tsparse::emulation;

Buffer::Buffer(Type elementType, ArrayRef<int64_t> shape)
    : elementType(elementType), shape(shape) {
  data.resize(getNumElements());
  shadow.resize(getNumElements());
}

void Buffer::forgetAccesses() {
  Buffer &elements = getStorage();
  std::fill(elements.shadow.begin(), elements.shadow.end(), Shadow());
}

Buffer Buffer::materialize() {
  Buffer copy = getStorage();
  copy.shape = shape;
  copy.storage = nullptr;
  return copy;
}

int64_t Buffer::getNumElements() const {
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  return count;
}

//===----------------------------------------------------------------------===//
// Element conversions
//===----------------------------------------------------------------------===//

/// The bits of `value` rounded to `type` (to nearest even).
static uint64_t toBits(FloatType type, double value) {
  APFloat rounded(value);
  bool losesInfo;
  rounded.convert(type.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                  &losesInfo);
  return rounded.bitcastToAPInt().getZExtValue();
}

/// The value of the bits `bits` of a `type` float.
static double fromBits(FloatType type, uint64_t bits) {
  APFloat value(type.getFloatSemantics(), APInt(type.getWidth(), bits));
  bool losesInfo;
  value.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                &losesInfo);
  return value.convertToDouble();
}

double tsparse::roundTo(Type type, double value) {
  auto floatType = dyn_cast<FloatType>(type);
  if (!floatType || floatType.isF64())
    return value;
  return fromBits(floatType, toBits(floatType, value));
}

static unsigned getIntWidth(Type type) {
  return type.isIndex() ? 64 : type.getIntOrFloatBitWidth();
}

/// Sign-extends the low `width` bits of `value`.
static int64_t normalize(uint64_t value, unsigned width) {
  if (width >= 64)
    return int64_t(value);
  uint64_t mask = (uint64_t(1) << width) - 1;
  value &= mask;
  if (width > 1 && (value >> (width - 1)) & 1)
    value |= ~mask;
  return int64_t(value);
}

static uint64_t toUnsigned(int64_t value, unsigned width) {
  if (width >= 64)
    return uint64_t(value);
  return uint64_t(value) & ((uint64_t(1) << width) - 1);
}

int64_t emulation::getLaneWidth(Type type) {
  if (auto vector = dyn_cast<VectorType>(type))
    return vector.getNumElements();
  if (isa<gpu::MMAMatrixType>(type))
    return kFragmentElements;
  if (auto structType = dyn_cast<LLVM::LLVMStructType>(type))
    return structType.getBody().size();
  if (isa<nvgpu::DeviceAsyncTokenType>(type))
    return 0;
  return 1;
}

static Type getElementType(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.getElementType();
  if (auto matrix = dyn_cast<gpu::MMAMatrixType>(type))
    return matrix.getElementType();
  return type;
}

/// The element an integer, float or bool attribute holds.
static Scalar toScalar(Attribute attr) {
  Scalar s;
  if (auto intAttr = dyn_cast<IntegerAttr>(attr))
    s.i = intAttr.getValue().getSExtValue();
  else if (auto floatAttr = dyn_cast<FloatAttr>(attr))
    s.f = floatAttr.getValueAsDouble();
  else if (auto boolAttr = dyn_cast<BoolAttr>(attr))
    s.i = boolAttr.getValue();
  return s;
}

FailureOr<int64_t> BlockEmulator::linearIndex(Operation *op, Buffer &buffer,
                                              ValueRange indices,
                                              int64_t thread, int64_t extent) {
  int64_t linear = 0;
  int64_t rank = buffer.shape.size();
  for (int64_t d = 0; d < rank; ++d) {
    int64_t index = get(indices[d]).lane(thread)->i;
    int64_t limit = buffer.shape[d] - (d == rank - 1 ? extent - 1 : 0);
    if (index < 0 || index >= limit)
      return op->emitError()
             << "thread " << thread << " of block " << blockId
             << " accesses index " << index << " of dimension " << d
             << " (size " << buffer.shape[d] << ", extent " << extent << ")";
    linear = linear * buffer.shape[d] + index;
  }
  return linear;
}

LogicalResult BlockEmulator::checkWholeWarps(Operation *op, const Mask &mask) {
  if (numThreads % kWarpLanes != 0)
    return op->emitError() << "warp-collective op in a block of " << numThreads
                           << " threads, not whole warps";
  for (int64_t warp = 0; warp < numThreads / kWarpLanes; ++warp) {
    int64_t active = 0;
    for (int64_t t = 0; t < kWarpLanes; ++t)
      active += mask[warp * kWarpLanes + t];
    if (active != 0 && active != kWarpLanes)
      return op->emitError() << "warp-collective op with " << active
                             << " of 32 threads of warp " << warp << " active";
  }
  return success();
}

LogicalResult BlockEmulator::checkAligned(Operation *op, Buffer &buffer,
                                          int64_t index, int64_t bytes) {
  int64_t elementBytes = buffer.elementType.getIntOrFloatBitWidth() / 8;
  if ((index * elementBytes) % bytes != 0)
    return op->emitError() << "address of element " << index
                           << " is not aligned to " << bytes << " bytes";
  return success();
}

LogicalResult BlockEmulator::run(ArrayRef<KernelArgument> arguments,
                                 int64_t block, int64_t gridBlocks) {
  blockId = block;
  numBlocks = gridBlocks;
  values.clear();
  buffers.clear();
  workgroupBuffers.clear();
  dynamicSharedViews.clear();
  dynamicSharedViewBuffers.clear();
  dynamicShared = nullptr;
  proxyFenceClock.assign(numThreads, -1);
  int64_t numWarpgroups = numThreads / kWarpgroupThreads;
  if (numWarpgroups > kMaxWarpgroups)
    return function.emitError()
           << "expected at most " << kMaxWarpgroups * kWarpgroupThreads
           << " threads per block";
  wgmmaCommitted.assign(numWarpgroups, 0);
  wgmmaRetired.assign(numWarpgroups, 0);
  wgmmaFenced.assign(numWarpgroups, 0);
  wgmmaRetirements.assign(numWarpgroups, {});
  // Registers per thread at entry, as ptxas gives them to a block of these
  // threads (one block per SM at least).
  int64_t entryRegisters = std::min<int64_t>(65536 / numThreads / 8 * 8, 256);
  warpgroupRegisters.assign(numWarpgroups, entryRegisters);
  freeRegisters = 65536 - entryRegisters * numThreads;
  // Orders through mbarriers are tracked in kernels that create some.
  knows.clear();
  if (function
          ->walk(
              [](nvgpu::MBarrierCreateOp) { return WalkResult::interrupt(); })
          .wasInterrupted())
    knows.assign(numThreads, std::vector<int64_t>(numThreads, -1));
  epoch = 0;
  openCopies.assign(numThreads, {});
  copyGroups.assign(numThreads, {});
  mbarrierGroups.clear();
  mbarrierGroupOf.clear();
  kernelTensorMaps.clear();
  Block &entry = function.getFunctionBody().front();
  // A kernel's entry block also holds the workgroup attributions.
  ValueRange kernelArguments =
      entry.getArguments().take_front(function.getNumArguments());
  if (kernelArguments.size() != arguments.size())
    return function.emitError()
           << "expected " << kernelArguments.size() << " arguments";
  for (auto [arg, value] : llvm::zip_equal(kernelArguments, arguments)) {
    if (isa<MemRefType>(arg.getType())) {
      buffers[arg] = value.buffer;
      continue;
    }
    if (value.tensorMap) {
      Lanes &lanes = define(arg);
      for (int64_t t = 0; t < numThreads; ++t)
        lanes.lane(t)->i = kernelTensorMaps.size();
      kernelTensorMaps.push_back(value.tensorMap);
      continue;
    }
    Lanes &lanes = define(arg);
    for (int64_t t = 0; t < numThreads; ++t) {
      lanes.lane(t)->i = value.value;
      lanes.lane(t)->f = value.floatValue;
    }
  }
  // Workgroup memory starts as NaN: reading what was never written shows.
  auto kernel = dyn_cast<gpu::GPUFuncOp>(function.getOperation());
  for (BlockArgument arg :
       kernel ? kernel.getWorkgroupAttributions() : ArrayRef<BlockArgument>()) {
    auto type = cast<MemRefType>(arg.getType());
    workgroupBuffers.push_back(
        std::make_unique<Buffer>(type.getElementType(), type.getShape()));
    for (Scalar &s : workgroupBuffers.back()->data)
      s.f = std::numeric_limits<double>::quiet_NaN();
    workgroupBuffers.back()->workgroup = true;
    buffers[arg] = workgroupBuffers.back().get();
  }
  Mask all(numThreads, 1);
  if (failed(runBlock(entry, all, nullptr)))
    return failure();
  for (int64_t t = 0; t < numThreads; ++t)
    if (!openCopies[t].empty() || !copyGroups[t].empty())
      return function.emitError() << "thread " << t << " of block " << blockId
                                  << " ends with cp.async copies in flight";
  for (const std::vector<MBarrier> &group : mbarrierGroups)
    for (const MBarrier &barrier : group)
      if (!barrier.inFlight.empty())
        return function.emitError()
               << "block " << blockId
               << " ends with TMA loads in flight (no mbarrier wait)";
  for (auto [warpgroup, committed] : llvm::enumerate(wgmmaCommitted))
    if (wgmmaRetired[warpgroup] < committed)
      return function.emitError() << "warpgroup " << warpgroup << " of block "
                                  << blockId << " ends with wgmma in flight";
  return success();
}

LogicalResult BlockEmulator::read(Operation *op, Buffer &view, int64_t index,
                                  int64_t thread, Scalar &value) {
  Buffer &buffer = view.getStorage();
  if (host ? buffer.device : !buffer.device && !buffer.workgroup)
    return op->emitError() << (host ? "the host reads device memory"
                                    : "a kernel reads host memory");
  Shadow &shadow = buffer.shadow[index];
  if (buffer.workgroup) {
    if (failed(touchBytes(op, buffer, index, thread)))
      return failure();
    if (shadow.tmaInFlight)
      return op->emitError() << "thread " << thread << " of block " << blockId
                             << " reads workgroup element " << index
                             << " that a TMA load in flight writes (no wait "
                                "on its mbarrier)";
    if (shadow.writeEpoch == epoch &&
        !orderedBefore(shadow.writer, shadow.writeClock, thread))
      return op->emitError()
             << "thread " << thread << " of block " << blockId
             << " reads workgroup element " << index << " that thread "
             << shadow.writer << " wrote since the last barrier";
    if (!knows.empty())
      noteReader(shadow, thread);
    shadow.reader =
        shadow.readEpoch == epoch && shadow.reader != thread ? -2 : thread;
    shadow.readEpoch = epoch;
    shadow.readClock = clock;
  } else if (shadow.ownerBlock == -2 ||
             (shadow.ownerBlock >= 0 && shadow.ownerBlock != blockId)) {
    return op->emitError() << "block " << blockId << " reads element " << index
                           << " that another block writes";
  }
  value = buffer.data[index];
  return success();
}

void BlockEmulator::noteReader(Shadow &shadow, int64_t thread) {
  if (shadow.readEpoch != epoch)
    shadow.readers.clear();
  for (auto &[reader, readClock] : shadow.readers) {
    if (reader == thread) {
      readClock = clock;
      return;
    }
  }
  shadow.readers.emplace_back(thread, clock);
}

LogicalResult BlockEmulator::touchBytes(Operation *op, Buffer &buffer,
                                        int64_t index, int64_t thread) {
  Buffer *source = buffer.byteSource;
  if (!source)
    return success();
  int64_t elementBytes = buffer.elementType.getIntOrFloatBitWidth() / 8;
  int64_t first = buffer.byteOffset + index * elementBytes;
  for (int64_t byte = first; byte < first + elementBytes; ++byte) {
    auto &[useEpoch, view] = source->byteUses[byte];
    if (useEpoch == epoch && view != &buffer)
      return op->emitError()
             << "thread " << thread << " of block " << blockId
             << " accesses byte " << byte
             << " of workgroup memory through one view while another view "
                "accessed it since the last barrier";
    useEpoch = epoch;
    view = &buffer;
  }
  return success();
}

LogicalResult BlockEmulator::checkNoAsyncReader(Operation *op, Buffer &view,
                                                int64_t index, int64_t thread) {
  Buffer &buffer = view.getStorage();
  if (!buffer.workgroup)
    return success();
  const Shadow &shadow = buffer.shadow[index];
  for (auto [warpgroup, group] : llvm::enumerate(shadow.asyncReadGroups)) {
    if (group == 0)
      continue;
    if (group > wgmmaRetired[warpgroup])
      return op->emitError() << "thread " << thread << " of block " << blockId
                             << " writes workgroup element " << index
                             << " that a wgmma of warpgroup " << warpgroup
                             << " in flight reads (no wgmma.wait_group "
                                "retired it)";
    // The retirement is ordered before the write: by a barrier since, in
    // the warpgroup's own program order, or through an mbarrier.
    auto [retireClock, retireEpoch] = wgmmaRetirements[warpgroup][group - 1];
    int64_t first = warpgroup * kWarpgroupThreads;
    if (retireEpoch < epoch ||
        thread / kWarpgroupThreads == int64_t(warpgroup) ||
        orderedBefore(first, retireClock, thread))
      continue;
    return op->emitError() << "thread " << thread << " of block " << blockId
                           << " writes workgroup element " << index
                           << " that a wgmma of warpgroup " << warpgroup
                           << " read, with nothing ordering its retirement "
                              "before the write";
  }
  return success();
}

LogicalResult BlockEmulator::write(Operation *op, Buffer &view, int64_t index,
                                   int64_t thread, Scalar value, bool atomic) {
  Buffer &buffer = view.getStorage();
  if (host ? buffer.device : !buffer.device && !buffer.workgroup)
    return op->emitError() << (host ? "the host writes device memory"
                                    : "a kernel writes host memory");
  Shadow &shadow = buffer.shadow[index];
  if (buffer.workgroup) {
    if (failed(touchBytes(op, buffer, index, thread)))
      return failure();
    if (shadow.writeEpoch == epoch &&
        !orderedBefore(shadow.writer, shadow.writeClock, thread))
      return op->emitError()
             << "threads " << shadow.writer << " and " << thread << " of block "
             << blockId << " write workgroup element " << index
             << " between barriers";
    if (shadow.readEpoch == epoch && shadow.reader != thread &&
        (knows.empty() ||
         llvm::any_of(shadow.readers, [&](std::pair<int64_t, int64_t> read) {
           return !orderedBefore(read.first, read.second, thread);
         })))
      return op->emitError() << "thread " << thread << " of block " << blockId
                             << " writes workgroup element " << index
                             << " that other threads read since the last "
                                "barrier";
    if (failed(checkNoAsyncReader(op, buffer, index, thread)))
      return failure();
    if (shadow.tmaInFlight)
      return op->emitError() << "thread " << thread << " of block " << blockId
                             << " writes workgroup element " << index
                             << " that a TMA load in flight writes";
    shadow.writeEpoch = epoch;
    shadow.writer = thread;
    shadow.writeClock = clock;
  } else if (atomic) {
    if (shadow.ownerBlock >= 0)
      return op->emitError() << "block " << blockId << " adds atomically to "
                             << "element " << index << " that block "
                             << shadow.ownerBlock << " writes plainly";
    shadow.ownerBlock = -2;
  } else {
    if (shadow.ownerBlock == -2 ||
        (shadow.ownerBlock >= 0 && shadow.ownerBlock != blockId))
      return op->emitError() << "block " << blockId << " writes element "
                             << index << " that another block writes";
    shadow.ownerBlock = blockId;
  }
  buffer.data[index] = value;
  return success();
}

LogicalResult BlockEmulator::transfer(Operation *op, Value memref,
                                      ValueRange indices, const Mask &mask,
                                      Lanes &lanes, bool store) {
  Buffer &buffer = getBuffer(memref);
  std::vector<int64_t> elements(numThreads, -1);
  for (int64_t t = 0; t < numThreads; ++t) {
    if (!mask[t])
      continue;
    FailureOr<int64_t> index = linearIndex(op, buffer, indices, t, lanes.width);
    if (failed(index))
      return failure();
    // A vector access promises its alignment to the hardware.
    if (auto alignment = op->getAttrOfType<IntegerAttr>("alignment");
        alignment &&
        failed(checkAligned(op, buffer, *index, alignment.getInt())))
      return failure();
    elements[t] = *index;
    for (int64_t e = 0; e < lanes.width; ++e) {
      Scalar &element = lanes.lane(t)[e];
      if (failed(store ? write(op, buffer, *index + e, t, element)
                       : read(op, buffer, *index + e, t, element)))
        return failure();
    }
  }
  countAccess(buffer, elements, lanes.width);
  return success();
}

void BlockEmulator::countAccess(const Buffer &buffer,
                                ArrayRef<int64_t> elements, int64_t width) {
  if (!stats)
    return;
  int64_t elementBytes = buffer.elementType.getIntOrFloatBitWidth() / 8;
  for (int64_t warp = 0; warp < numThreads / kWarpLanes; ++warp) {
    // The distinct bytes the warp accesses.
    std::set<int64_t> bytes;
    for (int64_t lane = 0; lane < kWarpLanes; ++lane) {
      int64_t first = elements[warp * kWarpLanes + lane];
      if (first < 0)
        continue;
      for (int64_t byte = first * elementBytes,
                   end = (first + width) * elementBytes;
           byte < end; ++byte)
        bytes.insert(byte);
    }
    if (bytes.empty())
      continue;
    if (!buffer.workgroup) {
      // Global memory moves in 32-byte sectors.
      std::set<int64_t> sectors;
      for (int64_t byte : bytes)
        sectors.insert(byte / 32);
      ++stats->globalRequests;
      stats->globalSectors += sectors.size();
      stats->globalIdealSectors += (int64_t(bytes.size()) + 31) / 32;
      continue;
    }
    // Shared memory: each bank serves one 4-byte word per wavefront.
    std::set<int64_t> words;
    for (int64_t byte : bytes)
      words.insert(byte / 4);
    int64_t perBank[32] = {};
    for (int64_t word : words)
      ++perBank[word % 32];
    int64_t ideal = (int64_t(words.size()) + 31) / 32;
    ++stats->accessRequests;
    stats->accessIdealWavefronts += ideal;
    stats->accessWavefronts += std::max(ideal, *llvm::max_element(perBank));
  }
}

LogicalResult BlockEmulator::transferFragment(Operation *op, Value memref,
                                              ValueRange indices, int64_t lead,
                                              bool transpose, const Mask &mask,
                                              Lanes &lanes, bool store) {
  if (failed(checkWholeWarps(op, mask)))
    return failure();
  Buffer &buffer = getBuffer(memref);
  // A fragment is warp-wide: its first lane moves it, the others share it.
  for (int64_t warp = 0; warp < numThreads; warp += kWarpLanes) {
    if (!mask[warp])
      continue;
    FailureOr<int64_t> base = linearIndex(op, buffer, indices, warp);
    if (failed(base))
      return failure();
    for (int64_t t = warp + 1; t < warp + kWarpLanes; ++t) {
      FailureOr<int64_t> laneBase = linearIndex(op, buffer, indices, t);
      if (failed(laneBase))
        return failure();
      if (*laneBase != *base)
        return op->emitError("expected the same fragment address in every "
                             "lane of a warp");
    }
    for (int64_t r = 0; r < 16; ++r)
      for (int64_t c = 0; c < 16; ++c) {
        int64_t index = *base + r * lead + c;
        if (index >= buffer.getNumElements())
          return op->emitError("fragment past the buffer");
        Scalar &element = lanes.lane(warp)[transpose ? c * 16 + r : r * 16 + c];
        if (failed(store ? write(op, buffer, index, warp, element)
                         : read(op, buffer, index, warp, element)))
          return failure();
      }
    if (!store)
      shareWithWarp(lanes, warp);
  }
  return success();
}

LogicalResult BlockEmulator::landCopies(Operation *op, int64_t thread,
                                        int64_t keep) {
  auto &groups = copyGroups[thread];
  int64_t landing = std::max<int64_t>(0, int64_t(groups.size()) - keep);
  for (int64_t g = 0; g < landing; ++g)
    for (PendingCopy &copy : groups[g]) {
      if (copy.buffer->shadow[copy.index].readClock > copy.issueClock)
        return op->emitError()
               << "workgroup element " << copy.index
               << " was read while thread " << thread << " of block " << blockId
               << " had a cp.async to it in flight";
      if (failed(write(op, *copy.buffer, copy.index, thread, copy.value)))
        return failure();
    }
  groups.erase(groups.begin(), groups.begin() + landing);
  return success();
}

LogicalResult BlockEmulator::runBlock(Block &block, const Mask &mask,
                                      SmallVectorImpl<Value> *yielded) {
  for (Operation &op : block) {
    if (isa<scf::YieldOp>(op)) {
      if (yielded)
        yielded->append(op.operand_begin(), op.operand_end());
      return success();
    }
    if (isa<gpu::ReturnOp>(op))
      return success();
    if (isa<func::ReturnOp>(op)) {
      returned.assign(op.operand_begin(), op.operand_end());
      return success();
    }
    if (failed(runOp(&op, mask)))
      return failure();
  }
  return success();
}

LogicalResult BlockEmulator::runFor(scf::ForOp op, const Mask &mask) {
  // Each thread runs its own trip count; iteration j runs for the threads
  // with more than j iterations, at lb + j * step of their bounds.
  Lanes &lbs = get(op.getLowerBound()), &ubs = get(op.getUpperBound()),
        &steps = get(op.getStep());
  int64_t maxTrips = 0;
  std::vector<int64_t> trips(numThreads, 0);
  for (int64_t t = 0; t < numThreads; ++t) {
    if (!mask[t])
      continue;
    int64_t lb = lbs.lane(t)->i, ub = ubs.lane(t)->i, step = steps.lane(t)->i;
    if (step <= 0)
      return op.emitError() << "thread " << t << " steps by " << step;
    trips[t] = ub > lb ? (ub - lb + step - 1) / step : 0;
    maxTrips = std::max(maxTrips, trips[t]);
  }
  for (auto [iterArg, init] :
       llvm::zip_equal(op.getRegionIterArgs(), op.getInitArgs()))
    carry(init, iterArg);
  Value iv = op.getInductionVar();
  define(iv);
  for (int64_t j = 0; j < maxTrips; ++j) {
    Mask inner(numThreads, 0);
    Lanes &ivLanes = get(iv);
    for (int64_t t = 0; t < numThreads; ++t) {
      inner[t] = mask[t] && j < trips[t];
      ivLanes.lane(t)->i = lbs.lane(t)->i + j * steps.lane(t)->i;
    }
    SmallVector<Value> yielded;
    if (failed(runBlock(*op.getBody(), inner, &yielded)))
      return failure();
    // Threads that ran the iteration take the yielded values, all read
    // before any is assigned (a yield may permute the iteration arguments).
    SmallVector<Lanes> updated;
    SmallVector<Buffer *> updatedBuffers;
    for (auto [iterArg, next] :
         llvm::zip_equal(op.getRegionIterArgs(), yielded)) {
      if (isa<MemRefType>(iterArg.getType())) {
        updated.emplace_back();
        updatedBuffers.push_back(&getBuffer(next));
        continue;
      }
      updatedBuffers.push_back(nullptr);
      takeLanes(updated.emplace_back(get(iterArg)), get(next), inner);
    }
    for (auto [iterArg, lanes, buffer] :
         llvm::zip_equal(op.getRegionIterArgs(), updated, updatedBuffers)) {
      if (buffer)
        buffers[iterArg] = buffer;
      else
        values[iterArg] = std::move(lanes);
    }
  }
  for (auto [result, iterArg] :
       llvm::zip_equal(op.getResults(), op.getRegionIterArgs()))
    carry(iterArg, result);
  return success();
}

bool BlockEmulator::waitsOnMBarriers(scf::IfOp op) {
  auto [it, inserted] = waitingIfs.try_emplace(op, false);
  if (inserted)
    it->second = op->walk([](nvgpu::MBarrierTryWaitParityOp) {
                     return WalkResult::interrupt();
                   }).wasInterrupted();
  return it->second;
}

LogicalResult BlockEmulator::letOtherBranchRun(int64_t &progress) {
  if (!coroutines)
    return failure();
  Coroutines &co = *coroutines;
  int side = coroutineSide;
  std::unique_lock<std::mutex> lock(co.mutex);
  // The other branch finished, or ran without arriving anywhere since this
  // one last yielded to it: nothing will complete the phase.
  if (co.finished[1 - side] || progress == arrivals)
    return failure();
  progress = arrivals;
  return passTurn(lock, /*waiting=*/true);
}

LogicalResult BlockEmulator::wakeWaitingBranch() {
  if (!coroutines)
    return success();
  std::unique_lock<std::mutex> lock(coroutines->mutex);
  if (!coroutines->waiting[1 - coroutineSide])
    return success();
  return passTurn(lock, /*waiting=*/false);
}

LogicalResult BlockEmulator::passTurn(std::unique_lock<std::mutex> &lock,
                                      bool waiting) {
  Coroutines &co = *coroutines;
  int side = coroutineSide;
  co.waiting[side] = waiting;
  co.running = 1 - side;
  co.turn.notify_all();
  co.turn.wait(lock, [&] { return co.running == side || co.failed; });
  co.waiting[side] = false;
  // The other branch set these for itself.
  coroutines = &co;
  coroutineSide = side;
  return failure(co.failed);
}

LogicalResult BlockEmulator::runBranchesConcurrently(scf::IfOp op,
                                                     const Mask &thenMask,
                                                     const Mask &elseMask) {
  Coroutines co;
  Coroutines *outer = coroutines;
  int outerSide = coroutineSide;
  SmallVector<Value> yielded[2];
  LogicalResult results[2] = {success(), success()};
  auto runSide = [&](int side) {
    {
      std::unique_lock<std::mutex> lock(co.mutex);
      co.turn.wait(lock, [&] { return co.running == side || co.failed; });
      if (co.failed) {
        co.finished[side] = true;
        results[side] = failure();
        co.turn.notify_all();
        return;
      }
    }
    coroutines = &co;
    coroutineSide = side;
    Region &region = side == 0 ? op.getThenRegion() : op.getElseRegion();
    results[side] = runBlock(region.front(), side == 0 ? thenMask : elseMask,
                             &yielded[side]);
    std::unique_lock<std::mutex> lock(co.mutex);
    co.finished[side] = true;
    co.failed |= failed(results[side]);
    co.running = 1 - side;
    co.turn.notify_all();
  };
  std::thread elseThread(runSide, 1);
  runSide(0);
  elseThread.join();
  coroutines = outer;
  coroutineSide = outerSide;
  if (failed(results[0]) || failed(results[1]))
    return failure();
  for (int side : {0, 1})
    mergeBranchResults(op, yielded[side], side == 0 ? thenMask : elseMask);
  return success();
}

void BlockEmulator::mergeBranchResults(scf::IfOp op, ArrayRef<Value> yielded,
                                       const Mask &branchMask) {
  for (auto [result, value] : llvm::zip_equal(op.getResults(), yielded)) {
    // A buffer is the same for all threads (the host's one thread).
    if (isa<MemRefType>(result.getType())) {
      buffers[result] = &getBuffer(value);
      continue;
    }
    takeLanes(get(result), get(value), branchMask);
  }
}

LogicalResult BlockEmulator::runIf(scf::IfOp op, const Mask &mask) {
  Mask thenMask(numThreads, 0), elseMask(numThreads, 0);
  Lanes &cond = get(op.getCondition());
  for (int64_t t = 0; t < numThreads; ++t) {
    thenMask[t] = mask[t] && cond.lane(t)->i;
    elseMask[t] = mask[t] && !cond.lane(t)->i;
  }
  for (Value result : op.getResults())
    define(result);
  bool divergent = llvm::is_contained(thenMask, 1) &&
                   llvm::is_contained(elseMask, 1) &&
                   !op.getElseRegion().empty();
  if (divergent && waitsOnMBarriers(op))
    return runBranchesConcurrently(op, thenMask, elseMask);
  for (bool thenBranch : {true, false}) {
    const Mask &branchMask = thenBranch ? thenMask : elseMask;
    Region &region = thenBranch ? op.getThenRegion() : op.getElseRegion();
    if (region.empty() || llvm::find(branchMask, 1) == branchMask.end())
      continue;
    SmallVector<Value> yielded;
    if (failed(runBlock(region.front(), branchMask, &yielded)))
      return failure();
    mergeBranchResults(op, yielded, branchMask);
  }
  return success();
}

/// The element function of a float, conversion or math op: its result
/// element from its operand elements. Null for the ops runArith handles
/// otherwise.
using ElementFunction = std::function<Scalar(ArrayRef<Scalar>)>;

/// Reinterprets the `width` low bits of `bits` as a float of that width.
static double bitsToFloat(int64_t bits, unsigned width) {
  if (width == 64) {
    double d;
    std::memcpy(&d, &bits, sizeof(d));
    return d;
  }
  auto narrow = uint32_t(toUnsigned(bits, 32));
  float f;
  std::memcpy(&f, &narrow, sizeof(f));
  return f;
}

static int64_t floatToBits(double value, unsigned width) {
  if (width == 64) {
    int64_t bits;
    std::memcpy(&bits, &value, sizeof(bits));
    return bits;
  }
  auto f = float(value);
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  return normalize(bits, 32);
}

static ElementFunction getElementFunction(Operation *op) {
  auto f = [](auto fn) -> ElementFunction {
    return [fn](ArrayRef<Scalar> x) {
      Scalar s;
      s.f = fn(x);
      return s;
    };
  };
  auto i = [](auto fn) -> ElementFunction {
    return [fn](ArrayRef<Scalar> x) {
      Scalar s;
      s.i = fn(x);
      return s;
    };
  };
  using X = ArrayRef<Scalar>;
  Type resultType = getElementType(op->getResult(0).getType());
  unsigned resultWidth =
      resultType.isIntOrIndexOrFloat() ? getIntWidth(resultType) : 64;
  unsigned operandWidth =
      op->getNumOperands()
          ? getIntWidth(getElementType(op->getOperand(0).getType()))
          : 64;
  return llvm::TypeSwitch<Operation *, ElementFunction>(op)
      .Case(
          [&](arith::SubFOp) { return f([](X x) { return x[0].f - x[1].f; }); })
      .Case(
          [&](arith::DivFOp) { return f([](X x) { return x[0].f / x[1].f; }); })
      .Case([&](arith::RemFOp) {
        return f([](X x) { return std::fmod(x[0].f, x[1].f); });
      })
      .Case([&](arith::NegFOp) { return f([](X x) { return -x[0].f; }); })
      .Case([&](arith::MaximumFOp) {
        return f([](X x) {
          return std::isnan(x[0].f) || std::isnan(x[1].f)
                     ? std::numeric_limits<double>::quiet_NaN()
                     : std::max(x[0].f, x[1].f);
        });
      })
      .Case([&](arith::MinimumFOp) {
        return f([](X x) {
          return std::isnan(x[0].f) || std::isnan(x[1].f)
                     ? std::numeric_limits<double>::quiet_NaN()
                     : std::min(x[0].f, x[1].f);
        });
      })
      .Case([&](arith::MaxNumFOp) {
        return f([](X x) { return std::fmax(x[0].f, x[1].f); });
      })
      .Case([&](arith::MinNumFOp) {
        return f([](X x) { return std::fmin(x[0].f, x[1].f); });
      })
      .Case([&](arith::CmpFOp cmp) {
        arith::CmpFPredicate predicate = cmp.getPredicate();
        return i([predicate](X x) {
          return int64_t(arith::applyCmpPredicate(predicate, APFloat(x[0].f),
                                                  APFloat(x[1].f)));
        });
      })
      .Case([&](arith::SIToFPOp) {
        return f([](X x) { return double(x[0].i); });
      })
      .Case([&](arith::UIToFPOp) {
        return f([operandWidth](X x) {
          return double(toUnsigned(x[0].i, operandWidth));
        });
      })
      .Case([&](arith::FPToSIOp) {
        return i([resultWidth](X x) {
          return normalize(uint64_t(int64_t(std::trunc(x[0].f))), resultWidth);
        });
      })
      .Case([&](arith::FPToUIOp) {
        return i([resultWidth](X x) {
          return normalize(uint64_t(std::trunc(x[0].f)), resultWidth);
        });
      })
      .Case([&](arith::ExtSIOp) { return i([](X x) { return x[0].i; }); })
      .Case([&](arith::ExtUIOp) {
        return i([operandWidth](X x) {
          return int64_t(toUnsigned(x[0].i, operandWidth));
        });
      })
      .Case([&](arith::TruncIOp) {
        return i([resultWidth](X x) {
          return normalize(uint64_t(x[0].i), resultWidth);
        });
      })
      .Case([&](arith::BitcastOp) -> ElementFunction {
        if (isa<FloatType>(resultType))
          return f(
              [resultWidth](X x) { return bitsToFloat(x[0].i, resultWidth); });
        return i(
            [operandWidth](X x) { return floatToBits(x[0].f, operandWidth); });
      })
      .Case([&](math::FmaOp) {
        return f([](X x) { return std::fma(x[0].f, x[1].f, x[2].f); });
      })
      .Case([&](math::AbsFOp) {
        return f([](X x) { return std::fabs(x[0].f); });
      })
      .Case([&](math::SqrtOp) {
        return f([](X x) { return std::sqrt(x[0].f); });
      })
      .Case([&](math::RsqrtOp) {
        return f([](X x) { return 1.0 / std::sqrt(x[0].f); });
      })
      .Case(
          [&](math::ExpOp) { return f([](X x) { return std::exp(x[0].f); }); })
      .Case([&](math::Exp2Op) {
        return f([](X x) { return std::exp2(x[0].f); });
      })
      .Case(
          [&](math::LogOp) { return f([](X x) { return std::log(x[0].f); }); })
      .Case([&](math::TanhOp) {
        return f([](X x) { return std::tanh(x[0].f); });
      })
      .Case(
          [&](math::ErfOp) { return f([](X x) { return std::erf(x[0].f); }); })
      .Case([&](math::FloorOp) {
        return f([](X x) { return std::floor(x[0].f); });
      })
      .Case([&](math::CeilOp) {
        return f([](X x) { return std::ceil(x[0].f); });
      })
      .Case([&](math::RoundEvenOp) {
        return f([](X x) { return std::nearbyint(x[0].f); });
      })
      .Case([&](math::PowFOp) {
        return f([](X x) { return std::pow(x[0].f, x[1].f); });
      })
      .Default([](Operation *) { return nullptr; });
}

/// Integer and float arithmetic, element-wise over vectors.
LogicalResult BlockEmulator::runArith(Operation *op, const Mask &mask) {
  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
    Lanes &lanes = define(constant.getResult());
    SmallVector<Scalar> elements;
    if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue())) {
      for (Attribute attr : dense.getValues<Attribute>())
        elements.push_back(toScalar(attr));
    } else {
      elements.push_back(toScalar(constant.getValue()));
    }
    for (int64_t t = 0; t < numThreads; ++t)
      std::copy(elements.begin(), elements.end(), lanes.lane(t));
    return success();
  }

  Value result = op->getResult(0);
  Type elementType = getElementType(result.getType());
  Lanes out;
  out.width = getLaneWidth(result.getType());
  out.data.assign(numThreads * out.width, Scalar());

  if (auto select = dyn_cast<arith::SelectOp>(op)) {
    Lanes &cond = get(select.getCondition());
    Lanes &lhs = get(select.getTrueValue()), &rhs = get(select.getFalseValue());
    for (int64_t t = 0; t < numThreads; ++t)
      for (int64_t e = 0; e < out.width; ++e)
        out.lane(t)[e] = (cond.width == 1 ? cond.lane(t)->i : cond.lane(t)[e].i)
                             ? lhs.lane(t)[e]
                             : rhs.lane(t)[e];
    values[result] = std::move(out);
    return success();
  }
  if (isa<arith::IndexCastOp, arith::IndexCastUIOp>(op)) {
    // Sign- or zero-extended from the source width.
    bool zeroExtend = isa<arith::IndexCastUIOp>(op);
    Value source = op->getOperand(0);
    unsigned from = getIntWidth(getElementType(source.getType()));
    unsigned to = getIntWidth(elementType);
    Lanes &in = get(source);
    for (int64_t t = 0; t < numThreads; ++t)
      for (int64_t e = 0; e < out.width; ++e) {
        int64_t value = in.lane(t)[e].i;
        out.lane(t)[e].i =
            normalize(zeroExtend ? toUnsigned(value, from)
                                 : uint64_t(normalize(value, from)),
                      to);
      }
    values[result] = std::move(out);
    return success();
  }
  if (auto cmp = dyn_cast<arith::CmpIOp>(op)) {
    unsigned width = getIntWidth(getElementType(cmp.getLhs().getType()));
    Lanes &lhs = get(cmp.getLhs()), &rhs = get(cmp.getRhs());
    for (int64_t t = 0; t < numThreads; ++t)
      for (int64_t e = 0; e < out.width; ++e) {
        int64_t a = lhs.lane(t)[e].i, b = rhs.lane(t)[e].i;
        bool value = arith::applyCmpPredicate(
            cmp.getPredicate(), APInt(width, toUnsigned(a, width)),
            APInt(width, toUnsigned(b, width)));
        out.lane(t)[e].i = value;
      }
    values[result] = std::move(out);
    return success();
  }
  if (isa<arith::ExtFOp, arith::TruncFOp>(op)) {
    Lanes &in = get(op->getOperand(0));
    for (int64_t t = 0; t < numThreads; ++t)
      for (int64_t e = 0; e < out.width; ++e)
        out.lane(t)[e].f = roundTo(elementType, in.lane(t)[e].f);
    values[result] = std::move(out);
    return success();
  }
  if (ElementFunction fn = getElementFunction(op)) {
    SmallVector<Lanes *> operands;
    for (Value operand : op->getOperands())
      operands.push_back(&get(operand));
    SmallVector<Scalar> elements(operands.size());
    for (int64_t t = 0; t < numThreads; ++t)
      for (int64_t e = 0; e < out.width; ++e) {
        for (auto [element, lanes] : llvm::zip_equal(elements, operands))
          element = lanes->width == 1 ? *lanes->lane(t) : lanes->lane(t)[e];
        Scalar &value = out.lane(t)[e];
        value = fn(elements);
        if (isa<FloatType>(elementType))
          value.f = roundTo(elementType, value.f);
      }
    values[result] = std::move(out);
    return success();
  }
  if (op->getNumOperands() != 2)
    return op->emitError() << op->getName()
                           << " is not supported by the emulator";

  Lanes &lhs = get(op->getOperand(0)), &rhs = get(op->getOperand(1));
  if (isa<FloatType>(elementType)) {
    std::function<double(double, double)> fn;
    if (isa<arith::AddFOp>(op))
      fn = [](double a, double b) { return a + b; };
    else if (isa<arith::MulFOp>(op))
      fn = [](double a, double b) { return a * b; };
    else
      return op->emitError()
             << op->getName() << " is not supported by the emulator";
    for (int64_t t = 0; t < numThreads; ++t)
      for (int64_t e = 0; e < out.width; ++e)
        out.lane(t)[e].f =
            roundTo(elementType, fn(lhs.lane(t)[e].f, rhs.lane(t)[e].f));
    values[result] = std::move(out);
    return success();
  }

  unsigned width = getIntWidth(elementType);
  std::function<std::optional<uint64_t>(int64_t, int64_t)> fn;
  auto u = [&](int64_t v) { return toUnsigned(v, width); };
  fn = llvm::TypeSwitch<Operation *, std::function<std::optional<uint64_t>(
                                         int64_t, int64_t)>>(op)
           .Case([&](arith::AddIOp) {
             return [](int64_t a, int64_t b) { return uint64_t(a) + b; };
           })
           .Case([&](arith::SubIOp) {
             return [](int64_t a, int64_t b) { return uint64_t(a) - b; };
           })
           .Case([&](arith::MulIOp) {
             return [](int64_t a, int64_t b) { return uint64_t(a) * b; };
           })
           .Case([&](arith::DivUIOp) {
             return [u](int64_t a, int64_t b) -> std::optional<uint64_t> {
               if (u(b) == 0)
                 return std::nullopt;
               return u(a) / u(b);
             };
           })
           .Case([&](arith::RemUIOp) {
             return [u](int64_t a, int64_t b) -> std::optional<uint64_t> {
               if (u(b) == 0)
                 return std::nullopt;
               return u(a) % u(b);
             };
           })
           .Case([&](arith::CeilDivUIOp) {
             return [u](int64_t a, int64_t b) -> std::optional<uint64_t> {
               if (u(b) == 0)
                 return std::nullopt;
               return (u(a) + u(b) - 1) / u(b);
             };
           })
           .Case([&](arith::DivSIOp) {
             return [](int64_t a, int64_t b) -> std::optional<uint64_t> {
               if (b == 0)
                 return std::nullopt;
               return uint64_t(a / b);
             };
           })
           .Case([&](arith::RemSIOp) {
             return [](int64_t a, int64_t b) -> std::optional<uint64_t> {
               if (b == 0)
                 return std::nullopt;
               return uint64_t(a % b);
             };
           })
           .Case([&](arith::MinUIOp) {
             return [u](int64_t a, int64_t b) {
               return u(a) < u(b) ? uint64_t(a) : uint64_t(b);
             };
           })
           .Case([&](arith::MaxUIOp) {
             return [u](int64_t a, int64_t b) {
               return u(a) > u(b) ? uint64_t(a) : uint64_t(b);
             };
           })
           .Case([&](arith::MinSIOp) {
             return
                 [](int64_t a, int64_t b) { return uint64_t(std::min(a, b)); };
           })
           .Case([&](arith::MaxSIOp) {
             return
                 [](int64_t a, int64_t b) { return uint64_t(std::max(a, b)); };
           })
           .Case([&](arith::AndIOp) {
             return [](int64_t a, int64_t b) { return uint64_t(a & b); };
           })
           .Case([&](arith::OrIOp) {
             return [](int64_t a, int64_t b) { return uint64_t(a | b); };
           })
           .Case([&](arith::XOrIOp) {
             return [](int64_t a, int64_t b) { return uint64_t(a ^ b); };
           })
           .Case([&](arith::ShLIOp) {
             return [](int64_t a, int64_t b) { return uint64_t(a) << b; };
           })
           .Case([&](arith::ShRUIOp) {
             return [u](int64_t a, int64_t b) { return u(a) >> b; };
           })
           .Default([](Operation *) { return nullptr; });
  if (!fn)
    return op->emitError() << op->getName()
                           << " is not supported by the emulator";
  for (int64_t t = 0; t < numThreads; ++t) {
    if (!mask[t])
      continue;
    for (int64_t e = 0; e < out.width; ++e) {
      std::optional<uint64_t> value = fn(lhs.lane(t)[e].i, rhs.lane(t)[e].i);
      if (!value)
        return op->emitError() << "thread " << t << " divides by zero";
      out.lane(t)[e].i = normalize(*value, width);
    }
  }
  values[result] = std::move(out);
  return success();
}

LogicalResult BlockEmulator::runLdMatrix(nvgpu::LdMatrixOp op,
                                         const Mask &mask) {
  if (failed(checkWholeWarps(op, mask)))
    return failure();
  Buffer &buffer = getBuffer(op.getSrcMemref());
  int64_t numTiles = op.getNumTiles();
  bool transpose = op.getTranspose();
  // Row r of 8 x 8 matrix q starts where lane 8 q + r points.
  std::vector<int64_t> rowStart(numThreads, 0);
  for (int64_t t = 0; t < numThreads; ++t) {
    if (!mask[t] || t % kWarpLanes >= 8 * numTiles)
      continue;
    FailureOr<int64_t> index =
        linearIndex(op, buffer, op.getIndices(), t, /*extent=*/8);
    if (failed(index) || failed(checkAligned(op, buffer, *index, 16)))
      return failure();
    rowStart[t] = *index;
  }
  if (stats) {
    // The 8 row addresses of a phase, in 16-byte units: rows in the same
    // group of 4 banks (unit modulo 8) are served one after the other.
    int64_t elementBytes = buffer.elementType.getIntOrFloatBitWidth() / 8;
    for (int64_t warp = 0; warp < numThreads / kWarpLanes; ++warp) {
      if (!mask[warp * kWarpLanes])
        continue;
      for (int64_t q = 0; q < numTiles; ++q) {
        int64_t rowsInGroup[8] = {};
        for (int64_t r = 0; r < 8; ++r) {
          int64_t start = rowStart[warp * kWarpLanes + 8 * q + r];
          ++rowsInGroup[start * elementBytes / 16 % 8];
        }
        ++stats->ldmatrixPhases;
        stats->ldmatrixWavefronts += *llvm::max_element(rowsInGroup);
      }
    }
  }
  Lanes &result = define(op.getResult());
  for (int64_t t = 0; t < numThreads; ++t) {
    if (!mask[t])
      continue;
    int64_t warpBase = t - t % kWarpLanes, lane = t % kWarpLanes;
    for (int64_t q = 0; q < numTiles; ++q)
      for (int64_t e = 0; e < 2; ++e) {
        // Without .trans a thread gets row lane / 4, columns 2 (lane % 4)
        // + e; with .trans the transposed element.
        int64_t row = transpose ? 2 * (lane % 4) + e : lane / 4;
        int64_t column = transpose ? lane / 4 : 2 * (lane % 4) + e;
        if (failed(read(op, buffer, rowStart[warpBase + 8 * q + row] + column,
                        t, result.lane(t)[q * 2 + e])))
          return failure();
      }
  }
  return success();
}

void BlockEmulator::runMmaM16N8K16(const Mask &mask,
                                   function_ref<double(int64_t, int64_t)> a,
                                   function_ref<double(int64_t, int64_t)> b,
                                   function_ref<double(int64_t, int64_t)> c,
                                   Lanes &result) {
  for (int64_t warp = 0; warp < numThreads / kWarpLanes; ++warp) {
    int64_t base = warp * kWarpLanes;
    if (!mask[base])
      continue;
    double A[16][16], B[16][8], C[16][8];
    for (int64_t lane = 0; lane < kWarpLanes; ++lane) {
      int64_t t = base + lane, g = lane / 4, col = 2 * (lane % 4);
      // A: a0 a1 (g, col), a2 a3 (g + 8, col), a4 a5 (g, col + 8),
      // a6 a7 (g + 8, col + 8).
      for (int64_t i = 0; i < 8; ++i)
        A[g + 8 * ((i / 2) % 2)][col + i % 2 + 8 * (i / 4)] = a(t, i);
      // B: b0 b1 (k = col, n = g), b2 b3 (k = col + 8).
      for (int64_t i = 0; i < 4; ++i)
        B[col + i % 2 + 8 * (i / 2)][g] = b(t, i);
      // C: c0 c1 (g, col), c2 c3 (g + 8, col).
      for (int64_t i = 0; i < 4; ++i)
        C[g + 8 * (i / 2)][col + i % 2] = c(t, i);
    }
    for (int64_t lane = 0; lane < kWarpLanes; ++lane) {
      int64_t t = base + lane, g = lane / 4, col = 2 * (lane % 4);
      for (int64_t i = 0; i < 4; ++i) {
        int64_t m = g + 8 * (i / 2), n = col + i % 2;
        double sum = C[m][n];
        for (int64_t k = 0; k < 16; ++k)
          sum += A[m][k] * B[k][n];
        result.lane(t)[i].f = float(sum);
      }
    }
  }
}

LogicalResult
BlockEmulator::defineIndex(Operation *op,
                           function_ref<int64_t(int64_t)> valueOfThread) {
  Lanes &lanes = define(op->getResult(0));
  for (int64_t t = 0; t < numThreads; ++t)
    lanes.lane(t)->i = valueOfThread(t);
  return success();
}

LogicalResult BlockEmulator::runOp(Operation *op, const Mask &mask) {
  ++clock;
  if (isa_and_nonnull<arith::ArithDialect, math::MathDialect>(op->getDialect()))
    return runArith(op, mask);

  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](scf::ForOp forOp) { return runFor(forOp, mask); })
      .Case([&](scf::IfOp ifOp) { return runIf(ifOp, mask); })
      .Case([&](gpu::ThreadIdOp idOp) {
        bool x = idOp.getDimension() == gpu::Dimension::x;
        return defineIndex(idOp, [&](int64_t t) { return x ? t : 0; });
      })
      .Case([&](gpu::GridDimOp dimOp) {
        bool x = dimOp.getDimension() == gpu::Dimension::x;
        return defineIndex(dimOp, [&](int64_t) { return x ? numBlocks : 1; });
      })
      .Case([&](gpu::LaneIdOp idOp) {
        return defineIndex(idOp, [](int64_t t) { return t % 32; });
      })
      .Case([&](gpu::BlockIdOp idOp) {
        bool x = idOp.getDimension() == gpu::Dimension::x;
        return defineIndex(idOp, [&](int64_t) { return x ? blockId : 0; });
      })
      .Case([&](gpu::BarrierOp barrier) -> LogicalResult {
        if (llvm::find(mask, 0) != mask.end())
          return barrier.emitError("barrier reached by part of the block");
        ++epoch;
        return success();
      })
      .Case([&](memref::DimOp dim) -> LogicalResult {
        std::optional<int64_t> index = dim.getConstantIndex();
        if (!index)
          return dim.emitError("expected a constant dimension");
        Lanes &lanes = define(dim.getResult());
        int64_t size = getBuffer(dim.getSource()).shape[*index];
        for (int64_t t = 0; t < numThreads; ++t)
          lanes.lane(t)->i = size;
        return success();
      })
      .Case([&](memref::LoadOp load) {
        return transfer(op, load.getMemRef(), load.getIndices(), mask,
                        define(load.getResult()), /*store=*/false);
      })
      .Case([&](memref::StoreOp store) {
        return transfer(op, store.getMemRef(), store.getIndices(), mask,
                        get(store.getValueToStore()), /*store=*/true);
      })
      .Case([&](memref::AtomicRMWOp rmw) -> LogicalResult {
        if (rmw.getKind() != arith::AtomicRMWKind::addf)
          return rmw.emitError("unsupported atomic kind");
        Buffer &buffer = getBuffer(rmw.getMemref());
        Lanes &value = get(rmw.getValue());
        Lanes &old = define(rmw.getResult());
        // Threads apply their updates one after the other.
        for (int64_t t = 0; t < numThreads; ++t) {
          if (!mask[t])
            continue;
          FailureOr<int64_t> index =
              linearIndex(op, buffer, rmw.getIndices(), t);
          if (failed(index))
            return failure();
          *old.lane(t) = buffer.getStorage().data[*index];
          Scalar sum;
          sum.f =
              roundTo(buffer.elementType, old.lane(t)->f + value.lane(t)->f);
          if (failed(write(op, buffer, *index, t, sum, /*atomic=*/true)))
            return failure();
        }
        return success();
      })
      .Case([&](vector::LoadOp load) {
        return transfer(op, load.getBase(), load.getIndices(), mask,
                        define(load.getResult()), /*store=*/false);
      })
      .Case([&](vector::StoreOp store) {
        return transfer(op, store.getBase(), store.getIndices(), mask,
                        get(store.getValueToStore()), /*store=*/true);
      })
      .Case([&](vector::FromElementsOp from) {
        Lanes &lanes = define(from.getResult());
        for (auto [e, element] : llvm::enumerate(from.getElements())) {
          Lanes &source = get(element);
          for (int64_t t = 0; t < numThreads; ++t)
            lanes.lane(t)[e] = *source.lane(t);
        }
        return success();
      })
      .Case([&](vector::ToElementsOp to) {
        Lanes &source = get(to.getSource());
        for (auto [e, result] : llvm::enumerate(to.getResults())) {
          Lanes &lanes = define(result);
          for (int64_t t = 0; t < numThreads; ++t)
            *lanes.lane(t) = source.lane(t)[e];
        }
        return success();
      })
      .Case([&](vector::ExtractOp extract) -> LogicalResult {
        if (!extract.getDynamicPosition().empty())
          return extract.emitError("expected a static position");
        auto sourceType = cast<VectorType>(extract.getSource().getType());
        int64_t offset = 0, stride = sourceType.getNumElements();
        ArrayRef<int64_t> position = extract.getStaticPosition();
        for (auto [d, p] : llvm::enumerate(position)) {
          stride /= sourceType.getDimSize(d);
          offset += p * stride;
        }
        Lanes &source = get(extract.getSource());
        Lanes &lanes = define(extract.getResult());
        for (int64_t t = 0; t < numThreads; ++t)
          std::copy_n(source.lane(t) + offset, lanes.width, lanes.lane(t));
        return success();
      })
      .Case([&](vector::InsertOp insert) -> LogicalResult {
        if (!insert.getDynamicPosition().empty())
          return insert.emitError("expected a static position");
        auto destType = cast<VectorType>(insert.getDest().getType());
        int64_t offset = 0, stride = destType.getNumElements();
        for (auto [d, p] : llvm::enumerate(insert.getStaticPosition())) {
          stride /= destType.getDimSize(d);
          offset += p * stride;
        }
        Lanes lanes = get(insert.getDest());
        Lanes &value = get(insert.getValueToStore());
        for (int64_t t = 0; t < numThreads; ++t)
          std::copy_n(value.lane(t), value.width, lanes.lane(t) + offset);
        values[insert.getResult()] = std::move(lanes);
        return success();
      })
      .Case([&](vector::BitCastOp cast) -> LogicalResult {
        Type from = getElementType(cast.getSource().getType());
        Type to = getElementType(cast.getResult().getType());
        if (!(from.isF16() || from.isBF16()) || !to.isInteger(32))
          return cast.emitError("unsupported bitcast");
        Lanes &source = get(cast.getSource());
        Lanes &lanes = define(cast.getResult());
        auto halfType = llvm::cast<FloatType>(from);
        for (int64_t t = 0; t < numThreads; ++t)
          for (int64_t e = 0; e < lanes.width; ++e) {
            auto bits = [&](double v) { return toBits(halfType, v); };
            lanes.lane(t)[e].i =
                normalize(bits(source.lane(t)[2 * e].f) |
                              (bits(source.lane(t)[2 * e + 1].f) << 16),
                          32);
          }
        return success();
      })
      .Case([&](nvgpu::DeviceAsyncCopyOp copy) -> LogicalResult {
        Buffer &dst = getBuffer(copy.getDst()), &src = getBuffer(copy.getSrc());
        int64_t dstElements = copy.getDstElements().getZExtValue();
        int64_t bytes =
            dstElements * dst.elementType.getIntOrFloatBitWidth() / 8;
        if (bytes != 4 && bytes != 8 && bytes != 16)
          return copy.emitError() << "cp.async of " << bytes << " bytes";
        std::vector<int64_t> copyElements(numThreads, -1),
            sourceElements(numThreads, -1);
        for (int64_t t = 0; t < numThreads; ++t) {
          if (!mask[t])
            continue;
          int64_t srcElements = copy.getSrcElements()
                                    ? get(copy.getSrcElements()).lane(t)->i
                                    : dstElements;
          if (srcElements < 0 || srcElements > dstElements)
            return copy.emitError() << "thread " << t << " copies "
                                    << srcElements << " source elements";
          FailureOr<int64_t> to =
              linearIndex(op, dst, copy.getDstIndices(), t, dstElements);
          if (succeeded(to))
            copyElements[t] = *to;
          FailureOr<int64_t> from =
              linearIndex(op, src, copy.getSrcIndices(), t,
                          std::max<int64_t>(srcElements, 1));
          if (succeeded(from) && srcElements > 0)
            sourceElements[t] = *from;
          if (failed(to) || failed(from) ||
              failed(checkAligned(op, dst, *to, bytes)) ||
              failed(checkAligned(op, src, *from, bytes)))
            return failure();
          // The source is read now; the destination is written when the
          // copy's group is waited for, but may land any time from now on,
          // so no wgmma in flight may read it.
          for (int64_t e = 0; e < dstElements; ++e) {
            Scalar value;
            if (e < srcElements && failed(read(op, src, *from + e, t, value)))
              return failure();
            if (failed(checkNoAsyncReader(op, dst, *to + e, t)))
              return failure();
            openCopies[t].push_back({&dst, *to + e, value, clock});
          }
        }
        countAccess(dst, copyElements, dstElements);
        // Zero-filled lanes may read fewer elements; count the full width.
        countAccess(src, sourceElements, dstElements);
        return success();
      })
      .Case([&](nvgpu::DeviceAsyncCreateGroupOp) {
        for (int64_t t = 0; t < numThreads; ++t) {
          if (!mask[t])
            continue;
          copyGroups[t].push_back(std::move(openCopies[t]));
          openCopies[t].clear();
        }
        return success();
      })
      .Case([&](nvgpu::DeviceAsyncWaitOp wait) -> LogicalResult {
        int64_t keep = wait.getNumGroups() ? *wait.getNumGroups() : 0;
        for (int64_t t = 0; t < numThreads; ++t)
          if (mask[t] && failed(landCopies(op, t, keep)))
            return failure();
        return success();
      })
      .Case([&](nvgpu::LdMatrixOp ld) { return runLdMatrix(ld, mask); })
      .Case([&](memref::AllocOp alloc) {
        return allocate(op, alloc.getResult(), alloc.getType(),
                        alloc.getDynamicSizes());
      })
      .Case([&](memref::AllocaOp alloca) {
        return allocate(op, alloca.getResult(), alloca.getType(),
                        alloca.getDynamicSizes());
      })
      .Case([&](gpu::DynamicSharedMemoryOp dynamic) -> LogicalResult {
        if (dynamicSharedBytes == 0)
          return dynamic.emitError(
              "uses dynamic shared memory but the launch gives none");
        // Only its views are accessed (each a buffer of its own).
        workgroupBuffers.push_back(
            std::make_unique<Buffer>(IntegerType::get(op->getContext(), 8),
                                     ArrayRef<int64_t>{dynamicSharedBytes}));
        workgroupBuffers.back()->workgroup = true;
        dynamicShared = workgroupBuffers.back().get();
        buffers[dynamic.getResult()] = dynamicShared;
        return success();
      })
      .Case([&](memref::ViewOp view) -> LogicalResult {
        Buffer &source = getBuffer(view.getSource());
        if (!source.workgroup || source.shape.size() != 1 ||
            !source.elementType.isInteger(8))
          return view.emitError("expected a view of workgroup bytes");
        MemRefType type = view.getType();
        if (!type.hasStaticShape())
          return view.emitError("expected a view of static shape");
        // One view for the active threads (all of them, or the one that
        // issues a TMA load).
        Lanes &shift = get(view.getByteShift());
        int64_t firstActive = llvm::find(mask, 1) - mask.begin();
        int64_t first = shift.lane(firstActive)->i;
        for (int64_t t = 0; t < numThreads; ++t)
          if (mask[t] && shift.lane(t)->i != first)
            return view.emitError("expected the same byte shift in every "
                                  "thread");
        int64_t bytes = type.getNumElements() *
                        type.getElementType().getIntOrFloatBitWidth() / 8;
        if (first < 0 || first % 16 != 0 || first + bytes > source.shape[0])
          return view.emitError()
                 << "views bytes [" << first << ", " << first + bytes << ") of "
                 << source.shape[0]
                 << " bytes of workgroup memory, or is not 16-byte aligned";
        if (source.byteUses.empty())
          source.byteUses.assign(source.shape[0], {-1, nullptr});
        workgroupBuffers.push_back(
            std::make_unique<Buffer>(type.getElementType(), type.getShape()));
        Buffer *result = workgroupBuffers.back().get();
        for (Scalar &s : result->data)
          s.f = std::numeric_limits<double>::quiet_NaN();
        result->workgroup = true;
        result->byteSource = &source;
        result->byteOffset = first;
        if (&source == dynamicShared) {
          dynamicSharedViews.push_back({first, first + bytes});
          dynamicSharedViewBuffers.push_back(result);
        }
        buffers[view.getResult()] = result;
        return success();
      })
      .Case([&](memref::ReinterpretCastOp reinterpret) -> LogicalResult {
        // A row-major view of a prefix of a contiguous buffer (the packed
        // values as rows of a tile).
        MemRefType type = reinterpret.getType();
        SmallVector<int64_t> shape;
        for (OpFoldResult size : reinterpret.getMixedSizes())
          shape.push_back(isa<Attribute>(size)
                              ? getConstantIntValue(size).value_or(0)
                              : get(cast<Value>(size)).lane(0)->i);
        SmallVector<int64_t> strides;
        for (OpFoldResult stride : reinterpret.getMixedStrides())
          strides.push_back(isa<Attribute>(stride)
                                ? getConstantIntValue(stride).value_or(0)
                                : get(cast<Value>(stride)).lane(0)->i);
        int64_t expected = 1;
        for (int64_t d = type.getRank() - 1; d >= 0; --d) {
          if (strides[d] != expected)
            return reinterpret.emitError("expected a row-major view");
          expected *= shape[d];
        }
        std::optional<int64_t> offset =
            getConstantIntValue(reinterpret.getMixedOffsets().front());
        Buffer &base = getBuffer(reinterpret.getSource());
        if (offset != 0 || expected > base.getNumElements())
          return reinterpret.emitError(
              "expected a view of a prefix of the buffer");
        auto view = std::make_unique<Buffer>();
        view->elementType = base.elementType;
        view->shape = shape;
        view->storage = &base.getStorage();
        buffers[reinterpret.getResult()] = view.get();
        hostBuffers.push_back(std::move(view));
        return success();
      })
      .Case([&](nvgpu::TmaCreateDescriptorOp create) -> LogicalResult {
        auto map = std::make_unique<TensorMap>();
        map->tensor = &getBuffer(create.getTensor());
        map->shape = map->tensor->shape;
        for (Value size : create.getBoxDimensions())
          map->box.push_back(get(size).lane(0)->i);
        nvgpu::TensorMapDescriptorType type = create.getTensorMap().getType();
        if (type.getSwizzle() == nvgpu::TensorMapSwizzleKind::SWIZZLE_128B)
          map->swizzleBytes = 128;
        else if (type.getSwizzle() != nvgpu::TensorMapSwizzleKind::SWIZZLE_NONE)
          return create.emitError("expected no swizzle or the 128-byte one");
        if (type.getOob() != nvgpu::TensorMapOOBKind::OOB_ZERO ||
            map->box.size() != map->shape.size())
          return create.emitError("expected a box of the tensor's rank, "
                                  "zero-filled out of bounds");
        // The driver's conditions: 16-byte strides, boxes of at most 256.
        int64_t elementBytes =
            map->tensor->elementType.getIntOrFloatBitWidth() / 8;
        int64_t stride = elementBytes;
        for (int64_t d = map->shape.size() - 1; d >= 0; --d) {
          if (map->box[d] < 1 || map->box[d] > 256 || map->shape[d] < 1)
            return create.emitError("expected boxes of 1 to 256 of a "
                                    "non-empty tensor");
          if (d + 1 < int64_t(map->shape.size()) && stride % 16 != 0)
            return create.emitError("expected 16-byte multiples of strides");
          stride *= map->shape[d];
        }
        Lanes &lanes = define(create.getTensorMap());
        for (int64_t t = 0; t < numThreads; ++t)
          lanes.lane(t)->i = tensorMaps.size();
        tensorMaps.push_back(std::move(map));
        return success();
      })
      .Case([&](UnrealizedConversionCastOp cast) -> LogicalResult {
        // The tensor map passed to a kernel as a pointer and back.
        if (cast.getNumOperands() != 1 || cast.getNumResults() != 1)
          return cast.emitError("expected a one-to-one cast");
        carry(cast.getOperand(0), cast.getResult(0));
        return success();
      })
      .Case([&](nvgpu::MBarrierCreateOp create) {
        auto [it, created] =
            mbarrierGroupOf.try_emplace(create, mbarrierGroups.size());
        int64_t group = it->second;
        if (created)
          mbarrierGroups.emplace_back(
              create.getBarriers().getType().getNumBarriers());
        return defineIndex(create, [&](int64_t) { return group; });
      })
      .Case([&](nvgpu::MBarrierInitOp init) {
        return runMBarrierInit(init, mask);
      })
      .Case([&](nvgpu::MBarrierArriveExpectTxOp arrive) {
        return runMBarrierArriveExpectTx(arrive, mask);
      })
      .Case([&](nvgpu::MBarrierArriveOp arrive) {
        return runMBarrierArrive(arrive, mask);
      })
      .Case([&](nvgpu::TmaAsyncLoadOp load) { return runTmaLoad(load, mask); })
      .Case([&](nvgpu::MBarrierTryWaitParityOp wait) {
        return runMBarrierWait(wait, mask);
      })
      .Case(
          [&](memref::ExtractAlignedPointerAsIndexOp extract) -> LogicalResult {
            // Only the shared-window address of dynamic shared memory, which
            // the wgmma kernel aligns its views from.
            if (&getBuffer(extract.getSource()) != dynamicShared)
              return extract.emitError(
                  "expected the address of dynamic shared memory");
            Lanes &lanes = define(extract.getResult());
            for (int64_t t = 0; t < numThreads; ++t)
              lanes.lane(t)->i = kDynamicSharedAddress;
            return success();
          })
      .Case([&](LLVM::ZeroOp zero) {
        define(zero.getResult());
        return success();
      })
      .Case([&](NVVM::FenceProxyOp fence) -> LogicalResult {
        if (fence.getKind() != NVVM::ProxyKind::async_shared)
          return fence.emitError("expected a fence.proxy.async.shared");
        for (int64_t t = 0; t < numThreads; ++t)
          if (mask[t])
            proxyFenceClock[t] = clock;
        return success();
      })
      .Case([&](NVVM::WgmmaFenceAlignedOp) -> LogicalResult {
        FailureOr<SmallVector<int64_t>> warpgroups =
            getActiveWarpgroups(op, mask);
        if (failed(warpgroups))
          return failure();
        for (int64_t warpgroup : *warpgroups)
          wgmmaFenced[warpgroup] = 1;
        return success();
      })
      .Case([&](NVVM::WgmmaMmaAsyncOp wgmma) { return runWgmma(wgmma, mask); })
      .Case([&](NVVM::SetMaxRegisterOp set) {
        return runSetMaxRegister(set, mask);
      })
      .Case([&](NVVM::WgmmaGroupSyncAlignedOp) -> LogicalResult {
        FailureOr<SmallVector<int64_t>> warpgroups =
            getActiveWarpgroups(op, mask);
        if (failed(warpgroups))
          return failure();
        for (int64_t warpgroup : *warpgroups) {
          ++wgmmaCommitted[warpgroup];
          wgmmaFenced[warpgroup] = 0;
          wgmmaRetirements[warpgroup].emplace_back(-1, -1);
        }
        return success();
      })
      .Case([&](NVVM::WgmmaWaitGroupSyncOp wait) -> LogicalResult {
        FailureOr<SmallVector<int64_t>> warpgroups =
            getActiveWarpgroups(op, mask);
        if (failed(warpgroups))
          return failure();
        for (int64_t warpgroup : *warpgroups) {
          int64_t retired =
              std::max(wgmmaRetired[warpgroup],
                       wgmmaCommitted[warpgroup] - int64_t(wait.getGroup()));
          for (int64_t g = wgmmaRetired[warpgroup]; g < retired; ++g)
            wgmmaRetirements[warpgroup][g] = {clock, epoch};
          wgmmaRetired[warpgroup] = retired;
        }
        return success();
      })
      .Case([&](gpu::AllocOp alloc) -> LogicalResult {
        if (alloc.getAsyncToken() || !alloc.getSymbolOperands().empty())
          return alloc.emitError("expected a synchronous allocation");
        if (failed(allocate(op, alloc.getMemref(), alloc.getType(),
                            alloc.getDynamicSizes())))
          return failure();
        getBuffer(alloc.getMemref()).device = true;
        return success();
      })
      .Case([&](func::CallOp call) -> LogicalResult {
        // The runtime's device copy of a constant (--tsparse-place-on-device).
        if (!call.getCallee().starts_with("tsparseResident_") ||
            call.getNumOperands() != 1 || call.getNumResults() != 1)
          return call.emitError("unsupported call");
        auto copy = std::make_unique<Buffer>(
            getBuffer(call.getOperand(0)).materialize());
        copy->device = true;
        copy->forgetAccesses();
        buffers[call.getResult(0)] = copy.get();
        hostBuffers.push_back(std::move(copy));
        return success();
      })
      .Case([&](memref::GetGlobalOp global) { return runGetGlobal(global); })
      .Case([&](memref::ExpandShapeOp expand) {
        SmallVector<int64_t> shape;
        for (OpFoldResult size : expand.getMixedOutputShape())
          shape.push_back(isa<Attribute>(size)
                              ? getConstantIntValue(size).value_or(0)
                              : get(cast<Value>(size)).lane(0)->i);
        return makeView(op, expand.getSrc(), expand.getResult(), shape);
      })
      .Case([&](memref::CollapseShapeOp collapse) {
        Buffer &source = getBuffer(collapse.getSrc());
        SmallVector<int64_t> shape;
        for (const ReassociationIndices &group :
             collapse.getReassociationIndices()) {
          int64_t size = 1;
          for (int64_t dim : group)
            size *= source.shape[dim];
          shape.push_back(size);
        }
        return makeView(op, collapse.getSrc(), collapse.getResult(), shape);
      })
      .Case([&](memref::CastOp cast) {
        buffers[cast.getResult()] = &getBuffer(cast.getSource());
        return success();
      })
      .Case([&](memref::CopyOp copyOp) {
        return copy(op, copyOp.getSource(), copyOp.getTarget());
      })
      .Case([&](gpu::MemcpyOp memcpy) -> LogicalResult {
        if (memcpy.getAsyncToken())
          return memcpy.emitError("expected a synchronous copy");
        return copy(op, memcpy.getSrc(), memcpy.getDst());
      })
      // Buffers live as long as the host function's emulation.
      .Case<memref::DeallocOp, gpu::DeallocOp>(
          [](Operation *) { return success(); })
      .Case([&](gpu::LaunchFuncOp launch) { return runLaunch(launch); })
      .Case([&](nvgpu::MmaSyncOp mma) -> LogicalResult {
        if (mma.getMmaShapeAsArray() != std::array<int64_t, 3>{16, 8, 16} ||
            failed(checkWholeWarps(op, mask)))
          return mma.emitError("expected m16n8k16 on whole warps");
        Lanes &a = get(mma.getMatrixA()), &b = get(mma.getMatrixB()),
              &c = get(mma.getMatrixC());
        Lanes &result = define(mma.getRes());
        runMmaM16N8K16(
            mask, [&](int64_t t, int64_t i) { return a.lane(t)[i].f; },
            [&](int64_t t, int64_t i) { return b.lane(t)[i].f; },
            [&](int64_t t, int64_t i) { return c.lane(t)[i].f; }, result);
        return success();
      })
      .Case([&](NVVM::MmaOp mma) -> LogicalResult {
        std::optional<NVVM::MMATypes> type = mma.getMultiplicandAPtxType();
        if (failed(checkWholeWarps(op, mask)) || !type ||
            (*type != NVVM::MMATypes::bf16 && *type != NVVM::MMATypes::f16) ||
            mma.getOperandA().size() != 4)
          return mma.emitError("expected a bf16 or f16 m16n8k16 mma");
        Builder builder(mma.getContext());
        FloatType halfType = *type == NVVM::MMATypes::bf16
                                 ? FloatType(builder.getBF16Type())
                                 : FloatType(builder.getF16Type());
        auto unpack = [&](ValueRange registers, int64_t t, int64_t i) {
          uint64_t bits = toUnsigned(get(registers[i / 2]).lane(t)->i, 32);
          return fromBits(halfType, i % 2 ? bits >> 16 : bits & 0xffff);
        };
        Lanes &result = define(mma.getRes());
        runMmaM16N8K16(
            mask,
            [&](int64_t t, int64_t i) {
              return unpack(mma.getOperandA(), t, i);
            },
            [&](int64_t t, int64_t i) {
              return unpack(mma.getOperandB(), t, i);
            },
            [&](int64_t t, int64_t i) {
              return get(mma.getOperandC()[i]).lane(t)->f;
            },
            result);
        return success();
      })
      .Case([&](LLVM::ExtractValueOp extract) -> LogicalResult {
        if (extract.getPosition().size() != 1)
          return extract.emitError("expected one position");
        if (failed(checkRetired(op, get(extract.getContainer()), mask)))
          return failure();
        Lanes &source = get(extract.getContainer());
        Lanes &lanes = define(extract.getResult());
        for (int64_t t = 0; t < numThreads; ++t)
          *lanes.lane(t) = source.lane(t)[extract.getPosition()[0]];
        return success();
      })
      .Case([&](gpu::SubgroupMmaConstantMatrixOp constant) {
        Lanes &lanes = define(constant.getRes());
        Scalar value = *get(constant.getValue()).lane(0);
        for (Scalar &s : lanes.data)
          s = value;
        return success();
      })
      .Case([&](gpu::SubgroupMmaLoadMatrixOp load) {
        return transferFragment(op, load.getSrcMemref(), load.getIndices(),
                                load.getLeadDimension().getZExtValue(),
                                load.getTranspose().has_value(), mask,
                                define(load.getRes()), /*store=*/false);
      })
      .Case([&](gpu::SubgroupMmaComputeOp compute) -> LogicalResult {
        if (failed(checkWholeWarps(op, mask)))
          return failure();
        Lanes &a = get(compute.getOpA()), &b = get(compute.getOpB()),
              &c = get(compute.getOpC());
        bool aT = compute.getATranspose().has_value();
        bool bT = compute.getBTranspose().has_value();
        Lanes &lanes = define(compute.getRes());
        // Computed once per warp, in its first lane.
        for (int64_t warp = 0; warp < numThreads; warp += kWarpLanes) {
          if (!mask[warp])
            continue;
          for (int64_t m = 0; m < 16; ++m)
            for (int64_t n = 0; n < 16; ++n) {
              double sum = c.lane(warp)[m * 16 + n].f;
              for (int64_t k = 0; k < 16; ++k)
                sum += a.lane(warp)[aT ? k * 16 + m : m * 16 + k].f *
                       b.lane(warp)[bT ? n * 16 + k : k * 16 + n].f;
              lanes.lane(warp)[m * 16 + n].f = float(sum);
            }
          shareWithWarp(lanes, warp);
        }
        return success();
      })
      .Case([&](gpu::SubgroupMmaStoreMatrixOp store) {
        return transferFragment(op, store.getDstMemref(), store.getIndices(),
                                store.getLeadDimension().getZExtValue(),
                                store.getTranspose().has_value(), mask,
                                get(store.getSrc()), /*store=*/true);
      })
      .Default([&](Operation *op) {
        return op->emitError()
               << op->getName() << " is not supported by the emulator";
      });
}

//===----------------------------------------------------------------------===//
// Host code
//===----------------------------------------------------------------------===//

LogicalResult BlockEmulator::allocate(Operation *op, Value result,
                                      MemRefType type, ValueRange sizes) {
  SmallVector<int64_t> shape;
  auto size = sizes.begin();
  for (int64_t extent : type.getShape()) {
    shape.push_back(ShapedType::isDynamic(extent) ? get(*size++).lane(0)->i
                                                  : extent);
    if (shape.back() < 0)
      return op->emitError() << "allocates a dimension of " << shape.back();
  }
  auto buffer = std::make_unique<Buffer>(type.getElementType(), shape);
  // Like workgroup memory, what was never written reads as NaN.
  for (Scalar &s : buffer->data)
    s.f = std::numeric_limits<double>::quiet_NaN();
  buffers[result] = buffer.get();
  hostBuffers.push_back(std::move(buffer));
  return success();
}

LogicalResult BlockEmulator::runGetGlobal(memref::GetGlobalOp op) {
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      op, op.getNameAttr());
  Attribute initial = global ? global.getInitialValueAttr() : Attribute();
  Type elementType = op.getType().getElementType();
  auto buffer = std::make_unique<Buffer>(elementType, op.getType().getShape());
  if (auto init = dyn_cast_or_null<DenseElementsAttr>(initial)) {
    for (auto [s, attr] :
         llvm::zip_equal(buffer->data, init.getValues<Attribute>()))
      s = toScalar(attr);
  } else if (auto resource =
                 dyn_cast_or_null<DenseResourceElementsAttr>(initial)) {
    // A blob of raw little-endian elements (what frontends emit).
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    unsigned bits = elementType.getIntOrFloatBitWidth();
    unsigned bytes = std::max(bits / 8, 1u);
    if (!blob || blob->getData().size() != buffer->data.size() * bytes)
      return op.emitError("expected a resource blob of the global's size");
    ArrayRef<char> data = blob->getData();
    for (auto [i, s] : llvm::enumerate(buffer->data)) {
      uint64_t raw = 0;
      std::memcpy(&raw, data.data() + i * bytes, bytes);
      if (auto floatType = dyn_cast<FloatType>(elementType))
        s.f = APFloat(floatType.getFloatSemantics(), APInt(bits, raw))
                  .convertToDouble();
      else
        s.i = normalize(raw, bits);
    }
  } else {
    return op.emitError("expected a global with a dense initial value");
  }
  buffers[op.getResult()] = buffer.get();
  hostBuffers.push_back(std::move(buffer));
  return success();
}

LogicalResult BlockEmulator::copy(Operation *op, Value source, Value target) {
  Buffer &from = getBuffer(source), &to = getBuffer(target);
  if (from.shape != to.shape || from.elementType != to.elementType)
    return op->emitError("copies between buffers of different shapes");
  // Views span all of their storage.
  to.getStorage().data = from.getStorage().data;
  to.forgetAccesses();
  return success();
}

LogicalResult BlockEmulator::makeView(Operation *op, Value source, Value result,
                                      ArrayRef<int64_t> shape) {
  if (!cast<MemRefType>(source.getType()).getLayout().isIdentity())
    return op->emitError("expected a view of a contiguous buffer");
  Buffer &base = getBuffer(source);
  auto view = std::make_unique<Buffer>();
  view->elementType = base.elementType;
  view->shape.assign(shape.begin(), shape.end());
  view->storage = &base.getStorage();
  if (view->getNumElements() != base.getNumElements())
    return op->emitError("expected a view of every element");
  buffers[result] = view.get();
  hostBuffers.push_back(std::move(view));
  return success();
}

LogicalResult BlockEmulator::runLaunch(gpu::LaunchFuncOp op) {
  auto kernel =
      SymbolTable::lookupNearestSymbolFrom<gpu::GPUFuncOp>(op, op.getKernel());
  if (!kernel)
    return op.emitError("expected the kernel in a gpu.module");
  if (op.getAsyncToken() || op.hasClusterSize())
    return op.emitError("expected a synchronous launch without clusters");
  auto scalar = [&](Value value) { return get(value).lane(0)->i; };
  int64_t dynamicSharedBytes = 0;
  if (Value size = op.getDynamicSharedMemorySize())
    dynamicSharedBytes = scalar(size);
  gpu::KernelDim3 grid = op.getGridSizeOperandValues();
  gpu::KernelDim3 block = op.getBlockSizeOperandValues();
  if (scalar(grid.y) != 1 || scalar(grid.z) != 1 || scalar(block.y) != 1 ||
      scalar(block.z) != 1)
    return op.emitError("expected a 1-D grid of 1-D blocks");
  KernelLaunch launch{kernel, scalar(grid.x), scalar(block.x), {}};
  SmallVector<KernelArgument> arguments;
  for (Value operand : op.getKernelOperands()) {
    bool isBuffer = isa<MemRefType>(operand.getType());
    arguments.push_back(isBuffer ? KernelArgument{&getBuffer(operand), 0, 0.0}
                                 : KernelArgument{nullptr, scalar(operand),
                                                  get(operand).lane(0)->f});
    // A pointer argument is a tensor map the host created.
    if (isa<LLVM::LLVMPointerType>(operand.getType())) {
      int64_t index = scalar(operand);
      if (index < 0 || index >= int64_t(tensorMaps.size()))
        return op.emitError("expected a tensor map for a pointer argument");
      arguments.back().tensorMap = tensorMaps[index].get();
      arguments.back().value = 0;
    }
    launch.values.push_back(arguments.back().value);
  }
  if (failed(emulateKernel(kernel, arguments, launch.numBlocks,
                           launch.numThreads, launchStats, dynamicSharedBytes)))
    return failure();
  if (launches)
    launches->push_back(std::move(launch));
  return success();
}

FailureOr<SmallVector<Buffer>> BlockEmulator::getReturnedBuffers() {
  SmallVector<Buffer> results;
  for (Value value : returned) {
    if (!isa<MemRefType>(value.getType()))
      return function.emitError("expected memref results");
    results.push_back(getBuffer(value).materialize());
  }
  return results;
}

FailureOr<SmallVector<Buffer>> tsparse::emulateHostFunction(
    FunctionOpInterface function, ArrayRef<Buffer *> arguments,
    SmallVectorImpl<KernelLaunch> *launches, MemoryStats *stats) {
  if (function.isExternal())
    return function.emitError("expected a function with a body");
  SmallVector<KernelArgument> kernelArguments;
  for (Buffer *buffer : arguments)
    kernelArguments.push_back({buffer, 0});
  BlockEmulator emulator = BlockEmulator::forHost(function, launches, stats);
  if (failed(emulator.run(kernelArguments, /*blockId=*/0)))
    return failure();
  return emulator.getReturnedBuffers();
}

LogicalResult tsparse::emulateKernel(gpu::GPUFuncOp kernel,
                                     ArrayRef<KernelArgument> arguments,
                                     int64_t numBlocks, int64_t numThreads,
                                     MemoryStats *stats,
                                     int64_t dynamicSharedBytes) {
  // Launches are ordered: what the host or another kernel does before or
  // after this one races with nothing in it.
  auto forgetAccesses = [&] {
    for (const KernelArgument &argument : arguments)
      if (argument.buffer)
        argument.buffer->forgetAccesses();
  };
  forgetAccesses();
  BlockEmulator emulator(kernel, numThreads, stats, dynamicSharedBytes);
  for (int64_t block = 0; block < numBlocks; ++block)
    if (failed(emulator.run(arguments, block, numBlocks)))
      return failure();
  forgetAccesses();
  return success();
}
