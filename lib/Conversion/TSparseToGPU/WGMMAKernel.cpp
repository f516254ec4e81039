//===- WGMMAKernel.cpp - Fused tile-sparse Hopper wgmma kernel ------------===//
//
// The wgmma flavour of the pipelined kernel (sm_90a), warp-specialized: one
// consumer warpgroup of 128 threads per 64 rows of the block's C tile,
// each issuing wgmma.mma_async m64n<tile_n>k16 on operands read straight
// from shared memory through matrix descriptors, with its accumulator
// (tile_n / 2 f32 per thread) in registers, and one producer warpgroup
// that copies the stages. The stages are laid out in the canonical layouts
// the descriptors name, 128-byte swizzled and aligned to the swizzle's
// 1024-byte repeat, in stages of 64 kept rows: B's packed rows MN-major in
// blocks of 64 columns, a K-major A's gathered rows MN-major in blocks of
// 64 rows of A, a row-major A's chunks K-major (128-byte rows). The
// producer copies A by cp.async as the mma.sync kernel does and B's full
// tiles of 64 or 128 columns by TMA (a tensor map the host creates, whose
// 128-byte swizzle is the descriptor's; B of a narrower last tile, or next
// to an unaligned A, by cp.async). The roles run loops of their own and
// meet only on two mbarriers per buffer: the producer waits on a buffer's
// `empty` one, issues a stage numStages - 1 ahead into it, waits for the
// copies of the next stage, makes them visible to the asynchronous proxy
// that wgmma reads through (fence.proxy.async) and arrives on its `full`
// one (its first thread also announces B's bytes there); the consumers wait
// on `full`, issue the stage's four wgmma as one group, leave it in flight
// while they wait for the next stage (wgmma.wait_group 1) and arrive on
// the `empty` mbarrier of the stage before. A block of three warpgroups
// moves registers between the roles with setmaxnreg. As in the mma.sync
// kernel, iterations whose stage ahead is full run in a first loop without
// checks, unrolled by the number of buffers so that each is a constant;
// the groups in flight retire before the accumulator passes to the second
// loop.
//
//===----------------------------------------------------------------------===//

#include "PipelineKernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tsparse;

/// Descriptor fields of sm_90 (PTX ISA, "Matrix Descriptor Format"): the
/// start address, leading and stride byte offsets, each in 16-byte units
/// over 14 bits, and the swizzle mode in bits 62-63.
static constexpr int64_t kDescriptorAddressMask = 0x3FFF;
static constexpr int64_t kLeadingOffsetBit = 16;
static constexpr int64_t kStrideOffsetBit = 32;
static constexpr int64_t kSwizzleModeBit = 62;

/// The descriptor's code for a swizzle of `bytes` (0: none).
static int64_t getSwizzleMode(int64_t bytes) {
  switch (bytes) {
  case 128:
    return 1;
  case 64:
    return 2;
  case 32:
    return 3;
  default:
    return 0;
  }
}

static constexpr int64_t kWGMMAStageRows = KernelConfig::kWGMMAStageRows;
/// Bytes of a 64 x 64 block of f16 or bf16 staged elements (a warpgroup's
/// rows of A, or 64 columns of B, by the stage's kept rows).
static constexpr int64_t kBlockBytes =
    kSwizzleRowElements * kWGMMAStageRows * 2;
/// Bytes between groups of 8 rows of 128 bytes, in both stage layouts.
static constexpr int64_t kGroupBytes = 8 * 128;
/// Registers per thread of the consumer and producer warpgroups in their
/// loops when a block of three warpgroups (168 registers each at entry)
/// moves registers to the consumers, which hold the accumulators, from the
/// producer, which holds addresses (setmaxnreg; 2 x 200 + 104 = 3 x 168).
/// A consumer needs about 150 (its 64 accumulators and the descriptors);
/// with 40, the producer of a K-major A copied by kept-row blocks spilled.
static constexpr int64_t kConsumerRegisters = 200;
static constexpr int64_t kProducerRegisters = 104;
/// The same for the element-wise way, whose producer needs more.
static constexpr int64_t kElementWiseConsumerRegisters = 152;
static constexpr int64_t kElementWiseProducerRegisters = 200;
/// Registers of a thread at entry, which ptxas derives from the block's
/// threads and one block per SM at least (nvvm.minctasm).
static int64_t getEntryRegisters(int64_t numThreads) {
  return std::min<int64_t>(65536 / numThreads / 8 * 8, 255);
}
/// The suspend-time hint of an mbarrier wait (its PTX loop retries).
static constexpr int64_t kMBarrierWaitTicks = 10000000;

Value PipelineKernelBuilder::descriptor(Value offset, int64_t leadingBytes,
                                        int64_t strideBytes,
                                        int64_t swizzleBytes) {
  Type i64 = b.getI64Type();
  Value address =
      arith::IndexCastUIOp::create(b, loc, i64, add(sharedAddress, offset));
  auto i64Constant = [&](int64_t value) -> Value {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(value));
  };
  Value start = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, address, i64Constant(4)),
      i64Constant(kDescriptorAddressMask));
  int64_t fields = (leadingBytes / 16) << kLeadingOffsetBit |
                   (strideBytes / 16) << kStrideOffsetBit |
                   getSwizzleMode(swizzleBytes) << kSwizzleModeBit;
  return arith::OrIOp::create(b, loc, start, i64Constant(fields));
}

Value PipelineKernelBuilder::multiplyStageWarpgroup(Value buffer, Value acc) {
  int64_t aStageBytes =
      getMemRefBytes(cast<MemRefType>(aShared.getType())) / config.numStages;
  int64_t bStageBytes =
      getMemRefBytes(cast<MemRefType>(bShared.getType())) / config.numStages;
  Value warpgroup = div(threadId, 128);
  // The warpgroup's 64 rows of A (aShared comes first), one MN-major block
  // or 64 K-major rows, take kBlockBytes either way.
  Value aStage = add(mul(buffer, aStageBytes), mul(warpgroup, kBlockBytes));
  Value bStage = add(mul(buffer, bStageBytes), bSharedOffset);
  NVVM::WGMMATypes type = config.elementType.isF16() ? NVVM::WGMMATypes::f16
                                                     : NVVM::WGMMATypes::bf16;
  // The stage's descriptors, then advanced by k16: a K-major A along its
  // rows (32 bytes), MN-major operands by 16 rows of 128 bytes. The start
  // address field is in 16-byte units, and the shared window (below 256 KB)
  // keeps it from carrying into the next field.
  Value aDescriptor =
      config.aKMajor
          ? descriptor(aStage, kBlockBytes, kGroupBytes, 128)
          : descriptor(aStage, /*leadingBytes=*/16, kGroupBytes, 128);
  Value bDescriptor = descriptor(bStage, kBlockBytes, kGroupBytes, 128);
  int64_t aStepBytes = config.aKMajor ? kMmaK * 128 : kMmaK * 2;
  int64_t bStepBytes = kMmaK * 128;
  auto advance = [&](Value descriptor, int64_t bytes) -> Value {
    return arith::AddIOp::create(
        b, loc, descriptor,
        arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(bytes / 16)));
  };
  NVVM::WgmmaFenceAlignedOp::create(b, loc);
  for (int64_t ks = 0; ks < stageRows; ks += kMmaK) {
    if (ks) {
      aDescriptor = advance(aDescriptor, aStepBytes);
      bDescriptor = advance(bDescriptor, bStepBytes);
    }
    acc = NVVM::WgmmaMmaAsyncOp::create(
        b, loc, acc.getType(), acc, aDescriptor, bDescriptor,
        NVVM::MMAShapeAttr::get(b.getContext(), KernelConfig::kWarpgroupRows,
                                tileN, kMmaK),
        type, type, NVVM::WGMMATypes::f32, NVVM::WGMMAScaleOut::one,
        NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one,
        // Layouts as matrices: a K-major A (in shared memory, M-major) is
        // column-major, B's K x N stage row-major.
        config.aKMajor ? NVVM::MMALayout::col : NVVM::MMALayout::row,
        NVVM::MMALayout::row, NVVM::MMAIntOverflowAttr());
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
  return acc;
}

void PipelineKernelBuilder::createStageBarriers() {
  auto workgroup = gpu::AddressSpaceAttr::get(
      b.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
  auto groupType = nvgpu::MBarrierGroupType::get(b.getContext(), workgroup,
                                                 config.numStages);
  fullBarriers = nvgpu::MBarrierCreateOp::create(b, loc, groupType);
  emptyBarriers = nvgpu::MBarrierCreateOp::create(b, loc, groupType);
  bool tma = vectorCopies && config.loadsBByTMA();
  bTensorMap = tma ? UnrealizedConversionCastOp::create(
                         b, loc, getBTensorMapType(config), bTensorMapPointer)
                         .getResult(0)
                   : Value();
  // A stage is full once every copy thread saw its copies land (and, with
  // TMA, B's bytes are in: the first copy thread's arrive.expect_tx); a
  // buffer is empty once every consumer thread retired its wgmma.
  int64_t fullArrivals = copyThreads + (tma ? 1 : 0);
  onFirstCopyThread([&] {
    for (int64_t s = 0; s < config.numStages; ++s) {
      nvgpu::MBarrierInitOp::create(b, loc, fullBarriers,
                                    constant(fullArrivals), constant(s),
                                    /*predicate=*/Value());
      nvgpu::MBarrierInitOp::create(b, loc, emptyBarriers,
                                    constant(config.getMmaThreads()),
                                    constant(s), /*predicate=*/Value());
    }
  });
  // The initialized barriers are visible to the block.
  gpu::BarrierOp::create(b, loc);
}

void PipelineKernelBuilder::onFirstCopyThread(function_ref<void()> body) {
  auto ifOp =
      scf::IfOp::create(b, loc,
                        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                              copyThread, constant(0)),
                        /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  body();
}

void PipelineKernelBuilder::loadBStageByTMA(Value stage, Value buffer) {
  onFirstCopyThread([&] {
    int64_t elementBytes = config.elementType.getIntOrFloatBitWidth() / 8;
    nvgpu::MBarrierArriveExpectTxOp::create(
        b, loc, fullBarriers, constant(stageRows * tileN * elementBytes),
        buffer, /*predicate=*/Value());
    // A box of 64 kept rows by 64 columns (of one batch of a dense B).
    MemRefType viewType = getBTensorMapType(config).getTensor();
    // B's packed rows are tile_n-element rows of the values (from row p0 *
    // unit_k on for the item's tile); a dense B's are the rows of its batch.
    Value row = stageStart(stage);
    if (!config.denseB)
      row = add(mul(p0, layout.getUnitK()), row);
    int64_t blocks = tileN / kSwizzleRowElements;
    for (int64_t block = 0; block < blocks; ++block) {
      Value offset =
          add(add(workgroupStart, bSharedOffset),
              add(mul(buffer, blocks * kBlockBytes), block * kBlockBytes));
      Value destination = memref::ViewOp::create(
          b, loc, viewType, workgroupBytes, offset, ValueRange{});
      // Coordinates innermost first.
      SmallVector<Value> coordinates = {constant(block * kSwizzleRowElements),
                                        row};
      if (config.denseB) {
        coordinates[0] = add(col0, coordinates[0]);
        coordinates.push_back(denseBatch);
      }
      nvgpu::TmaAsyncLoadOp::create(b, loc, destination, fullBarriers,
                                    bTensorMap, coordinates, buffer,
                                    /*multicastMask=*/Value(),
                                    /*predicate=*/Value());
    }
  });
}

Value PipelineKernelBuilder::emitWarpgroupPipeline() {
  assert(config.hasWGMMACopyableA() && "the conversion transposes such an A");
  itemStages = countStages();
  createStageBarriers();
  int64_t ahead = getStagesAhead();
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
  auto commit = [&] {
    return nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType,
                                                   ValueRange{});
  };
  auto waitOn = [&](Value barriers, Value parity, Value buffer) {
    nvgpu::MBarrierTryWaitParityOp::create(
        b, loc, barriers,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, parity,
                              constant(0)),
        constant(kMBarrierWaitTicks), buffer);
  };
  auto arriveOn = [&](Value barriers, Value buffer) {
    nvgpu::MBarrierArriveOp::create(b, loc, barriers, buffer);
  };
  // The producer announces stage `stage` in `buffer` once its copies (all
  // but the `ahead - 1` newer groups) have landed and are visible to the
  // asynchronous proxy that wgmma reads through.
  auto announceLanded = [&](Value group, Value buffer) {
    nvgpu::DeviceAsyncWaitOp::create(b, loc, group,
                                     b.getI32IntegerAttr(ahead - 1));
    NVVM::FenceProxyOp::create(
        b, loc, NVVM::ProxyKind::async_shared,
        NVVM::SharedSpaceAttr::get(b.getContext(),
                                   NVVM::SharedSpace::shared_cta));
    arriveOn(fullBarriers, buffer);
  };

  auto flipOnWrap = [&](Value next, Value parity) -> Value {
    return arith::SelectOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, next,
                              constant(0)),
        arith::SubIOp::create(b, loc, constant(1), parity), parity);
  };
  Type accType = LLVM::LLVMStructType::getLiteral(
      b.getContext(), SmallVector<Type>(tileN / 2, b.getF32Type()));
  Value zeroAcc = LLVM::ZeroOp::create(b, loc, accType);
  // With three warpgroups or more, the roles move registers to the one
  // that needs them: the consumers in the vector way, the producer in the
  // element-wise way, which copies B one element at a time. With two
  // warpgroups, every thread has enough.
  int64_t entryRegisters = getEntryRegisters(numThreads);
  int64_t consumerRegisters =
      vectorCopies ? kConsumerRegisters : kElementWiseConsumerRegisters;
  int64_t producerRegisters =
      vectorCopies ? kProducerRegisters : kElementWiseProducerRegisters;
  bool movesRegisters =
      entryRegisters < std::max(consumerRegisters, producerRegisters);
  auto setMaxRegisters = [&](int64_t from, int64_t to) {
    if (!movesRegisters)
      return;
    NVVM::SetMaxRegisterOp::create(b, loc, to,
                                   to > from
                                       ? NVVM::SetMaxRegisterAction::increase
                                       : NVVM::SetMaxRegisterAction::decrease);
  };
  // Each role runs its own loop over the item's stages; they meet only on
  // the mbarriers. The state of a loop: the buffers read and written (a
  // steady iteration's are constants) and the parity of the phase it waits
  // for, with the consumers' accumulator first.
  auto role = scf::IfOp::create(b, loc, accType, isMmaThread(),
                                /*withElseRegion=*/true);
  {
    // Consumers: iteration `stage` waits for stage `stage` to be full,
    // issues its wgmma as one group and, once the group before it retired,
    // releases that group's buffer (the one the producer refills next).
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(role.thenBlock());
    setMaxRegisters(entryRegisters, consumerRegisters);
    SmallVector<Value> init = {zeroAcc, constant(0), constant(ahead),
                               constant(0)};
    auto emitIteration = [&](Value stage, ValueRange state,
                             std::optional<int64_t> u) {
      auto [readBuffer, writeBuffer] = getRingBuffers(u, state[1], state[2]);
      auto [nextRead, nextWrite] = getNextRingBuffers(u, state[1], state[2]);
      waitOn(fullBarriers, state[3], readBuffer);
      Value acc = multiplyStageWarpgroup(readBuffer, state[0]);
      NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 1);
      auto release = scf::IfOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, stage,
                                constant(0)),
          /*withElseRegion=*/false);
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(release.thenBlock());
        arriveOn(emptyBarriers, writeBuffer);
      }
      return SmallVector<Value>{acc, nextRead, nextWrite,
                                flipOnWrap(nextRead, state[3])};
    };
    // The accumulator passes to the second loop with no group in flight: a
    // register copy of it while a group is pending would make ptxas
    // serialize every wgmma of the kernel.
    SmallVector<Value> state =
        emitMainLoop(itemStages, init, emitIteration,
                     /*peelSteadyRemainder=*/true,
                     [&] { NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0); });
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
    // Both roles leave with the registers they entered with: the code
    // after them runs on every warp.
    setMaxRegisters(consumerRegisters, entryRegisters);
    scf::YieldOp::create(b, loc, state.front());
  }
  {
    // Producer: the first `ahead` stages in flight and the first announced;
    // then iteration `stage` refills the buffer of stage `stage - 1` with
    // stage `stage + ahead` once the consumers released it, and announces
    // stage `stage + 1`. It reads a stage's row_ids as it issues its copies
    // (it runs stages ahead of the consumers).
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(role.elseBlock());
    setMaxRegisters(entryRegisters, producerRegisters);
    Value group;
    for (int64_t s = 0; s < ahead; ++s) {
      issueIfPresent(constant(s), constant(s), prefetchRows(constant(s)));
      group = commit();
    }
    announceLanded(group, constant(0));
    // A buffer's first use waits on parity 1, which a fresh mbarrier counts
    // as complete.
    SmallVector<Value> init = {constant(0), constant(ahead), constant(1)};
    auto emitIteration = [&](Value stage, ValueRange state,
                             std::optional<int64_t> u) {
      Value writeBuffer = getRingBuffers(u, state[0], state[1]).second;
      auto [nextRead, nextWrite] = getNextRingBuffers(u, state[0], state[1]);
      Value issued = add(stage, ahead);
      waitOn(emptyBarriers, state[2], writeBuffer);
      if (u)
        issueFullStage(issued, writeBuffer, prefetchRows(issued));
      else
        issueIfPresent(issued, writeBuffer, prefetchRows(issued));
      announceLanded(commit(), nextRead);
      return SmallVector<Value>{nextRead, nextWrite,
                                flipOnWrap(nextWrite, state[2])};
    };
    emitMainLoop(itemStages, init, emitIteration,
                 /*peelSteadyRemainder=*/true);
    // Its last groups (past the item's stages, empty) retire; the wait
    // names a group of its own, as the lowering keeps only the count.
    nvgpu::DeviceAsyncWaitOp::create(b, loc, commit(), b.getI32IntegerAttr(0));
    setMaxRegisters(producerRegisters, entryRegisters);
    scf::YieldOp::create(b, loc, zeroAcc);
  }
  return role.getResult(0);
}

/// Register 4 i + 2 h + e of the accumulator is row 16 (warp % 4) + lane /
/// 4 + 8 h and column 8 i + 2 (lane % 4) + e of the warpgroup's m64 (PTX
/// ISA, wgmma .m64nNk16 D fragments): element (h, e) of m16n8 fragment i.
SmallVector<Value> PipelineKernelBuilder::splitAccumulator(Value acc) {
  auto fragmentType = VectorType::get({2, 2}, b.getF32Type());
  SmallVector<Value> fragments;
  for (int64_t i = 0; i < fragmentsN; ++i) {
    SmallVector<Value> elements;
    for (int64_t r = 0; r < 4; ++r)
      elements.push_back(LLVM::ExtractValueOp::create(b, loc, acc, 4 * i + r));
    fragments.push_back(
        vector::FromElementsOp::create(b, loc, fragmentType, elements));
  }
  return fragments;
}

SmallVector<Type> tsparse::getWGMMAWorkgroupTypes(const KernelConfig &config) {
  auto workgroup =
      gpu::AddressSpaceAttr::get(config.elementType.getContext(),
                                 gpu::GPUDialect::getWorkgroupAddressSpace());
  auto staged = [&](ArrayRef<int64_t> shape) {
    return MemRefType::get(shape, config.elementType,
                           MemRefLayoutAttrInterface(), workgroup);
  };
  int64_t aBlocks = config.blockRows / kSwizzleRowElements;
  int64_t bBlocks =
      llvm::divideCeil(config.layout.getTileN(), kSwizzleRowElements);
  Type aType =
      config.aKMajor
          ? staged({config.numStages, aBlocks, kWGMMAStageRows,
                    kSwizzleRowElements})
          : staged({config.numStages, config.blockRows, kWGMMAStageRows});
  return {aType, staged({config.numStages, bBlocks, kWGMMAStageRows,
                         kSwizzleRowElements})};
}
