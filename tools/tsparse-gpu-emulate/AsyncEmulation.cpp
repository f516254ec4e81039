//===- AsyncEmulation.cpp - wgmma, TMA and mbarriers ----------------------===//
//
// The semantics of Hopper's asynchronous units as the emulator runs them,
// after the PTX ISA: wgmma.mma_async reads its operands through shared
// memory matrix descriptors (the canonical layouts and their swizzles) and
// completes in groups that wgmma.wait_group retires; TMA loads copy a box
// of a tensor map into shared memory and complete transactions on an
// mbarrier, whose phases complete once their arrivals and bytes are in.
// Asynchronous writes land at the latest moment the program allows (the
// wait), so that a program relying on them earlier reads stale data or is
// rejected.
//
//===----------------------------------------------------------------------===//

#include "BlockEmulator.h"

using namespace mlir;
using namespace mlir::tsparse;
using namespace mlir::tsparse::emulation;

FailureOr<SmallVector<int64_t>>
BlockEmulator::getActiveWarpgroups(Operation *op, const Mask &mask) {
  if (numThreads % kWarpgroupThreads != 0)
    return op->emitError() << "warpgroup op in a block of " << numThreads
                           << " threads, not whole warpgroups";
  SmallVector<int64_t> warpgroups;
  for (int64_t warpgroup = 0; warpgroup < numThreads / kWarpgroupThreads;
       ++warpgroup) {
    int64_t active = 0;
    for (int64_t t = 0; t < kWarpgroupThreads; ++t)
      active += mask[warpgroup * kWarpgroupThreads + t];
    if (active != 0 && active != kWarpgroupThreads)
      return op->emitError()
             << "warpgroup op with " << active
             << " of 128 threads of warpgroup " << warpgroup << " active";
    if (active)
      warpgroups.push_back(warpgroup);
  }
  return warpgroups;
}

LogicalResult BlockEmulator::checkRetired(Operation *op, const Lanes &lanes,
                                          const Mask &mask) {
  for (int64_t t = 0; t < numThreads; t += kWarpgroupThreads)
    if (int64_t group = lanes.wgmmaGroups[t / kWarpgroupThreads];
        group && mask[t] && group > wgmmaRetired[t / kWarpgroupThreads])
      return op->emitError()
             << "reads the accumulators of a wgmma of warpgroup "
             << t / kWarpgroupThreads << " that no wgmma.wait_group retired";
  return success();
}

FailureOr<std::pair<Buffer *, int64_t>>
BlockEmulator::resolveSharedAddress(Operation *op, int64_t address) {
  int64_t offset = address - kDynamicSharedAddress;
  // Of overlapping views, the one that last accessed the byte; a byte no
  // view accessed yet, from any view holding it.
  Buffer *view = nullptr;
  if (dynamicShared && offset >= 0 &&
      offset < int64_t(dynamicShared->byteUses.size()))
    view = dynamicShared->byteUses[offset].second;
  for (auto [range, buffer] :
       llvm::zip_equal(dynamicSharedViews, dynamicSharedViewBuffers)) {
    if (view)
      break;
    if (offset >= range.first && offset < range.second)
      view = buffer;
  }
  if (view) {
    int64_t elementBytes = view->elementType.getIntOrFloatBitWidth() / 8;
    int64_t relative = offset - view->byteOffset;
    if (relative % elementBytes == 0)
      return std::make_pair(view, relative / elementBytes);
  }
  return op->emitError() << "addresses shared memory at " << address
                         << ", not an element of a view of dynamic shared "
                            "memory";
}

/// Byte offset of element (mn, k) from the start address of a wgmma operand
/// in the canonical layouts of the PTX ISA ("Shared Memory Matrix Layout"),
/// before the swizzle: 8 x 16-byte core matrices without swizzle, else rows
/// of `swizzleBytes` (a K-major operand's rows along k, an MN-major one's
/// along mn) in groups of 8. `leading` and `stride` are the descriptor's
/// byte offsets: K-major, the stride separates groups of 8 rows along mn
/// and (without swizzle) the leading offset core matrices along k;
/// MN-major, the leading offset separates the swizzle-wide blocks along mn
/// and the stride groups of 8 rows along k (without swizzle, the other way
/// around).
static int64_t getCanonicalOffset(bool kMajor, int64_t mn, int64_t k,
                                  int64_t elementBytes, int64_t swizzleBytes,
                                  int64_t leading, int64_t stride) {
  int64_t chunkElements = 16 / elementBytes;
  if (kMajor) {
    if (swizzleBytes == 0)
      return (mn % 8) * 16 + (mn / 8) * stride +
             (k % chunkElements) * elementBytes + (k / chunkElements) * leading;
    return (mn % 8) * swizzleBytes + (mn / 8) * stride + k * elementBytes;
  }
  if (swizzleBytes == 0)
    return (mn % chunkElements) * elementBytes + (mn / chunkElements) * stride +
           (k % 8) * 16 + (k / 8) * leading;
  int64_t rowElements = swizzleBytes / elementBytes;
  return (mn % rowElements) * elementBytes + (mn / rowElements) * leading +
         (k % 8) * swizzleBytes + (k / 8) * stride;
}

FailureOr<double>
BlockEmulator::readWgmmaOperand(Operation *op, uint64_t descriptor, bool kMajor,
                                int64_t mn, int64_t k, int64_t elementBytes,
                                int64_t warpgroup) {
  int64_t start = (descriptor & 0x3FFF) << 4;
  int64_t leading = ((descriptor >> 16) & 0x3FFF) << 4;
  int64_t stride = ((descriptor >> 32) & 0x3FFF) << 4;
  int64_t baseOffset = (descriptor >> 49) & 0x7;
  int64_t mode = descriptor >> 62;
  if (baseOffset != 0)
    return op->emitError("expected a matrix descriptor with base offset 0");
  static constexpr int64_t swizzles[] = {0, 128, 64, 32};
  int64_t swizzleBytes = swizzles[mode];
  int64_t address = start + getCanonicalOffset(kMajor, mn, k, elementBytes,
                                               swizzleBytes, leading, stride);
  // The swizzle XORs the 16-byte chunk (address bits 4..) with the row in
  // the swizzle's repeat (bits 7..), over log2(swizzleBytes / 16) bits.
  if (swizzleBytes) {
    int64_t bits = swizzleBytes == 128 ? 3 : swizzleBytes == 64 ? 2 : 1;
    address ^= ((address >> 7) & ((1 << bits) - 1)) << 4;
  }
  FailureOr<std::pair<Buffer *, int64_t>> element =
      resolveSharedAddress(op, address);
  if (failed(element))
    return failure();
  auto [buffer, index] = *element;
  if (buffer->elementType.getIntOrFloatBitWidth() / 8 != elementBytes)
    return op->emitError("reads a view of another element type");
  Shadow &shadow = buffer->shadow[index];
  if (shadow.writer >= 0 && shadow.writeClock > proxyFenceClock[shadow.writer])
    return op->emitError()
           << "reads workgroup element " << index << " that thread "
           << shadow.writer
           << " wrote without a fence.proxy.async after the write";
  Scalar value;
  if (failed(read(op, *buffer, index, warpgroup * kWarpgroupThreads, value)))
    return failure();
  shadow.asyncReadGroups[warpgroup] = wgmmaCommitted[warpgroup] + 1;
  return value.f;
}

FailureOr<BlockEmulator::MBarrier *>
BlockEmulator::getMBarrier(Operation *op, Value group, Value id,
                           int64_t thread) {
  std::vector<MBarrier> &barriers = mbarrierGroups[get(group).lane(thread)->i];
  int64_t index = get(id).lane(thread)->i;
  if (index < 0 || index >= int64_t(barriers.size()))
    return op->emitError() << "mbarrier " << index << " of a group of "
                           << barriers.size();
  if (!isa<nvgpu::MBarrierInitOp>(op) && !barriers[index].initialized)
    return op->emitError() << "uses mbarrier " << index
                           << " before initializing it";
  return &barriers[index];
}

void BlockEmulator::completePhaseIfDone(MBarrier &barrier) {
  if (barrier.pending != 0 || barrier.tx != 0)
    return;
  ++barrier.completed;
  barrier.pending = barrier.count;
  barrier.released = std::move(barrier.releasing);
  barrier.releasing.clear();
}

LogicalResult BlockEmulator::arrive(Operation *op, MBarrier &barrier,
                                    int64_t thread) {
  if (barrier.pending == 0)
    return op->emitError("arrives on an mbarrier whose phase has all its "
                         "arrivals");
  if (!knows.empty()) {
    barrier.releasing.resize(numThreads, -1);
    for (int64_t t = 0; t < numThreads; ++t)
      barrier.releasing[t] = std::max(barrier.releasing[t], knows[thread][t]);
    barrier.releasing[thread] = clock;
  }
  --barrier.pending;
  ++arrivals;
  completePhaseIfDone(barrier);
  return success();
}

LogicalResult BlockEmulator::runTmaLoad(nvgpu::TmaAsyncLoadOp op,
                                        const Mask &mask) {
  if (op.getMulticastMask() || op.getPredicate())
    return op.emitError("expected a TMA load without multicast or predicate");
  Buffer &destination = getBuffer(op.getDst());
  if (destination.byteSource != dynamicShared || !dynamicShared)
    return op.emitError("expected a destination viewing dynamic shared "
                        "memory");
  return forEachBarrierThread(
      op, mask, /*predicate=*/Value(), op.getBarriers(), op.getMbarId(),
      [&](int64_t t, MBarrier &barrier) -> LogicalResult {
        const TensorMap &map =
            *kernelTensorMaps[get(op.getTensorMapDescriptor()).lane(t)->i];
        int64_t rank = map.shape.size();
        if (int64_t(op.getCoordinates().size()) != rank)
          return op.emitError("expected a coordinate per dimension");
        int64_t elementBytes =
            map.tensor->elementType.getIntOrFloatBitWidth() / 8;
        int64_t boxElements = 1;
        for (int64_t size : map.box)
          boxElements *= size;
        if (boxElements != destination.getNumElements() ||
            destination.elementType != map.tensor->elementType)
          return op.emitError("expected a destination of the box's elements");
        int64_t start = kDynamicSharedAddress + destination.byteOffset;
        // The swizzle permutes 16-byte chunks inside 1024-byte repeats.
        if (start % (map.swizzleBytes ? 1024 : 128) != 0)
          return op.emitError() << "TMA destination at shared address " << start
                                << " is not aligned to its swizzle";
        // Coordinates come innermost first.
        SmallVector<int64_t> origin(rank);
        for (int64_t d = 0; d < rank; ++d)
          origin[rank - 1 - d] = get(op.getCoordinates()[d]).lane(t)->i;
        for (int64_t e = 0; e < boxElements; ++e) {
          int64_t linear = 0, rest = e;
          bool inside = true;
          SmallVector<int64_t> position(rank);
          for (int64_t d = rank - 1; d >= 0; --d) {
            position[d] = origin[d] + rest % map.box[d];
            rest /= map.box[d];
            inside &= position[d] >= 0 && position[d] < map.shape[d];
          }
          for (int64_t d = 0; d < rank; ++d)
            linear = linear * map.shape[d] + position[d];
          Scalar value;
          if (inside && failed(read(op, *map.tensor, linear, t, value)))
            return failure();
          int64_t address = start + e * elementBytes;
          if (map.swizzleBytes)
            address ^= ((address >> 7) & 7) << 4;
          int64_t index = (address - start) / elementBytes;
          if (failed(checkNoAsyncReader(op, destination, index, t)))
            return failure();
          ++destination.shadow[index].tmaInFlight;
          barrier.inFlight.push_back({&destination, index, value});
        }
        barrier.inFlightBytes += boxElements * elementBytes;
        return success();
      });
}

LogicalResult BlockEmulator::forEachBarrierThread(
    Operation *op, const Mask &mask, Value predicate, Value group, Value id,
    function_ref<LogicalResult(int64_t, MBarrier &)> fn) {
  for (int64_t t = 0; t < numThreads; ++t) {
    if (!mask[t] || (predicate && !get(predicate).lane(t)->i))
      continue;
    FailureOr<MBarrier *> barrier = getMBarrier(op, group, id, t);
    if (failed(barrier) || failed(fn(t, **barrier)))
      return failure();
  }
  return success();
}

LogicalResult BlockEmulator::runMBarrierInit(nvgpu::MBarrierInitOp op,
                                             const Mask &mask) {
  return forEachBarrierThread(
      op, mask, op.getPredicate(), op.getBarriers(), op.getMbarId(),
      [&](int64_t t, MBarrier &barrier) -> LogicalResult {
        // PTX: an mbarrier object is invalidated (mbarrier.inval) before
        // its memory is initialized again.
        if (barrier.initialized)
          return op.emitError()
                 << "thread " << t
                 << " initializes an mbarrier that is already initialized";
        barrier = MBarrier();
        barrier.initialized = true;
        barrier.count = barrier.pending = get(op.getCount()).lane(t)->i;
        return success();
      });
}

LogicalResult
BlockEmulator::runMBarrierArriveExpectTx(nvgpu::MBarrierArriveExpectTxOp op,
                                         const Mask &mask) {
  return forEachBarrierThread(
      op, mask, op.getPredicate(), op.getBarriers(), op.getMbarId(),
      [&](int64_t t, MBarrier &barrier) -> LogicalResult {
        // The bytes are expected before the arrival may complete the phase.
        barrier.tx += get(op.getTxcount()).lane(t)->i;
        return arrive(op, barrier, t);
      });
}

LogicalResult BlockEmulator::runMBarrierArrive(nvgpu::MBarrierArriveOp op,
                                               const Mask &mask) {
  // The token (the phase arrived on) is not read by the kernels run here.
  define(op.getToken());
  return forEachBarrierThread(
      op, mask, /*predicate=*/Value(), op.getBarriers(), op.getMbarId(),
      [&](int64_t t, MBarrier &barrier) { return arrive(op, barrier, t); });
}

LogicalResult BlockEmulator::runMBarrierWait(nvgpu::MBarrierTryWaitParityOp op,
                                             const Mask &mask) {
  // The phase of parity p has completed once the barrier is in a phase of
  // the other parity. A wait that finds it incomplete lets the other branch
  // of a warp-specialized kernel run, if any, and tries again.
  int64_t progress = -1;
  while (true) {
    int64_t waiting = -1;
    MBarrier *incomplete = nullptr;
    if (failed(forEachBarrierThread(
            op, mask, /*predicate=*/Value(), op.getBarriers(), op.getMbarId(),
            [&](int64_t t, MBarrier &barrier) -> LogicalResult {
              if (failed(landTmaLoads(op, barrier)))
                return failure();
              int64_t parity = get(op.getPhaseParity()).lane(t)->i & 1;
              if (barrier.completed % 2 == parity && !incomplete) {
                waiting = t;
                incomplete = &barrier;
              }
              return success();
            })))
      return failure();
    if (!incomplete)
      break;
    if (failed(letOtherBranchRun(progress))) {
      // The other branch failed, with its own diagnostic.
      if (coroutines && coroutines->failed)
        return failure();
      return op.emitError()
             << "thread " << waiting << " of block " << blockId
             << " waits on an mbarrier phase that nothing completes ("
             << incomplete->pending << " arrivals and " << incomplete->tx
             << " bytes missing)";
    }
  }
  // What the phase's arrivals knew is ordered before what follows.
  return forEachBarrierThread(
      op, mask, /*predicate=*/Value(), op.getBarriers(), op.getMbarId(),
      [&](int64_t t, MBarrier &barrier) -> LogicalResult {
        if (!knows.empty())
          for (auto [known, released] : llvm::zip(knows[t], barrier.released))
            known = std::max(known, released);
        return success();
      });
}

LogicalResult BlockEmulator::landTmaLoads(Operation *op, MBarrier &barrier) {
  // The loads land now, the latest they may.
  for (PendingTma &pending : barrier.inFlight) {
    Buffer &buffer = *pending.buffer;
    Shadow &shadow = buffer.shadow[pending.index];
    --shadow.tmaInFlight;
    // Written by the async proxy, ordered by the wait, not by a thread.
    shadow.writer = -1;
    shadow.writeEpoch = -1;
    shadow.writeClock = clock;
    buffer.data[pending.index] = pending.value;
    // This view now holds the bytes.
    int64_t elementBytes = buffer.elementType.getIntOrFloatBitWidth() / 8;
    for (int64_t byte = buffer.byteOffset + pending.index * elementBytes,
                 end = byte + elementBytes;
         byte < end; ++byte)
      buffer.byteSource->byteUses[byte] = {epoch, &buffer};
  }
  barrier.inFlight.clear();
  barrier.tx -= barrier.inFlightBytes;
  barrier.inFlightBytes = 0;
  if (barrier.tx < 0)
    return op->emitError() << "TMA loads on an mbarrier complete "
                           << -barrier.tx
                           << " bytes more than arrive.expect_tx announced";
  completePhaseIfDone(barrier);
  return success();
}

LogicalResult BlockEmulator::runWgmma(NVVM::WgmmaMmaAsyncOp op,
                                      const Mask &mask) {
  FailureOr<SmallVector<int64_t>> warpgroups = getActiveWarpgroups(op, mask);
  if (failed(warpgroups))
    return failure();
  NVVM::MMAShapeAttr shape = op.getShape();
  bool half = op.getTypeA() == NVVM::WGMMATypes::f16 ||
              op.getTypeA() == NVVM::WGMMATypes::bf16;
  if (shape.getM() != 64 || shape.getK() != 16 || !half ||
      op.getTypeB() != op.getTypeA() ||
      op.getTypeD() != NVVM::WGMMATypes::f32 ||
      op.getScaleA() != NVVM::WGMMAScaleIn::one ||
      op.getScaleB() != NVVM::WGMMAScaleIn::one)
    return op.emitError("expected an f16 or bf16 m64nNk16 wgmma into f32");
  int64_t n = shape.getN();
  Lanes &c = get(op.getInouts());
  if (c.width != n / 2)
    return op.emitError("expected N / 2 accumulators per thread");
  // Matrices as the layouts name them: a row-major A and a column-major B
  // are K-major.
  bool aKMajor = op.getLayoutA() == NVVM::MMALayout::row;
  bool bKMajor = op.getLayoutB() == NVVM::MMALayout::col;
  bool accumulate = op.getScaleD() == NVVM::WGMMAScaleOut::one;
  Lanes result = c;
  for (int64_t warpgroup : *warpgroups) {
    if (!wgmmaFenced[warpgroup])
      return op.emitError() << "warpgroup " << warpgroup
                            << " issues a wgmma without a wgmma.fence since "
                               "its last commit";
    int64_t first = warpgroup * kWarpgroupThreads;
    uint64_t aDescriptor = get(op.getDescriptorA()).lane(first)->i;
    uint64_t bDescriptor = get(op.getDescriptorB()).lane(first)->i;
    for (int64_t t = first; t < first + kWarpgroupThreads; ++t)
      if (uint64_t(get(op.getDescriptorA()).lane(t)->i) != aDescriptor ||
          uint64_t(get(op.getDescriptorB()).lane(t)->i) != bDescriptor)
        return op.emitError() << "threads of warpgroup " << warpgroup
                              << " give different descriptors";
    std::vector<double> a(64 * 16), b(16 * n);
    for (int64_t k = 0; k < 16; ++k) {
      for (int64_t m = 0; m < 64; ++m) {
        FailureOr<double> value =
            readWgmmaOperand(op, aDescriptor, aKMajor, m, k, 2, warpgroup);
        if (failed(value))
          return failure();
        a[m * 16 + k] = *value;
      }
      for (int64_t j = 0; j < n; ++j) {
        FailureOr<double> value =
            readWgmmaOperand(op, bDescriptor, bKMajor, j, k, 2, warpgroup);
        if (failed(value))
          return failure();
        b[k * n + j] = *value;
      }
    }
    // Register 4 i + 2 h + e of thread t is row 16 (t / 32) + (t % 32) / 4
    // + 8 h, column 8 i + 2 (t % 4) + e.
    for (int64_t t = 0; t < kWarpgroupThreads; ++t) {
      Scalar *d = result.lane(first + t);
      for (int64_t r = 0; r < n / 2; ++r) {
        int64_t i = r / 4, h = (r / 2) % 2, e = r % 2;
        int64_t m = 16 * (t / 32) + (t % 32) / 4 + 8 * h;
        int64_t j = 8 * i + 2 * (t % 4) + e;
        double sum = accumulate ? d[r].f : 0.0;
        for (int64_t k = 0; k < 16; ++k)
          sum += a[m * 16 + k] * b[k * n + j];
        d[r].f = float(sum);
      }
    }
  }
  for (int64_t warpgroup : *warpgroups)
    result.wgmmaGroups[warpgroup] = wgmmaCommitted[warpgroup] + 1;
  values[op.getResult()] = std::move(result);
  return success();
}

LogicalResult BlockEmulator::runSetMaxRegister(NVVM::SetMaxRegisterOp op,
                                               const Mask &mask) {
  FailureOr<SmallVector<int64_t>> warpgroups = getActiveWarpgroups(op, mask);
  if (failed(warpgroups))
    return failure();
  int64_t count = op.getRegCount();
  if (count < 24 || count > 256 || count % 8 != 0)
    return op.emitError() << "setmaxnreg to " << count
                          << " registers, not a multiple of 8 in [24, 256]";
  bool increase = op.getAction() == NVVM::SetMaxRegisterAction::increase;
  int64_t needed = 0;
  for (int64_t warpgroup : *warpgroups) {
    int64_t held = warpgroupRegisters[warpgroup];
    if (increase ? count < held : count > held)
      return op.emitError() << "setmaxnreg." << (increase ? "inc" : "dec")
                            << " to " << count << " registers from " << held;
    needed += (count - held) * kWarpgroupThreads;
  }
  // An increase waits until the pool holds the registers (another branch
  // gives them back).
  int64_t progress = -1;
  while (needed > freeRegisters) {
    if (failed(letOtherBranchRun(progress))) {
      if (coroutines && coroutines->failed)
        return failure();
      return op.emitError()
             << "setmaxnreg.inc to " << count << " registers waits for "
             << needed << " registers that no warpgroup gives back ("
             << freeRegisters << " free)";
    }
  }
  freeRegisters -= needed;
  for (int64_t warpgroup : *warpgroups)
    warpgroupRegisters[warpgroup] = count;
  if (needed >= 0)
    return success();
  // Registers given back go first to a branch that waits for them.
  ++arrivals;
  return wakeWaitingBranch();
}
