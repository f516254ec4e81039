//===- WGMMAKernel.cpp - Fused tile-sparse Hopper wgmma kernel ------------===//
//
// The wgmma flavour of the pipelined kernel (sm_90a): one warpgroup of 128
// threads per 64 rows of the block's C tile, each issuing
// wgmma.mma_async m64n<tile_n>k16 on operands read straight from shared
// memory through matrix descriptors, with its accumulator (tile_n / 2 f32
// per thread) in registers. The stages are laid out in the canonical
// layouts the descriptors name, 128-byte swizzled and aligned to the
// swizzle's 1024-byte repeat, in stages of 64 kept rows: B's packed rows
// MN-major in blocks of 64 columns, a K-major A's gathered rows MN-major in
// blocks of 64 rows of A, a row-major A's chunks K-major (128-byte rows). A is
// copied by cp.async as in the mma.sync kernel; B's full tiles of 64 or 128
// columns by TMA (a tensor map the host creates, whose 128-byte swizzle is the
// descriptor's), thread 0 announcing each stage's bytes on the buffer's
// mbarrier (B of a narrower last tile, or next to an unaligned A, is copied by
// cp.async). Per stage, every thread waits for its copies, makes them visible
// to the asynchronous proxy that wgmma reads through (fence.proxy.async), waits
// on the stage's mbarrier, and the block meets at a barrier; then the copies of
// a stage numStages - 2 ahead are issued into the buffer whose wgmma the
// previous iteration retired, and the stage's four wgmma are issued as one
// group, leaving it in flight while the next stage is prepared
// (wgmma.wait_group 1). As in the mma.sync kernel, iterations whose stage
// ahead is full run in a first loop without checks, unrolled by the number
// of buffers so that each is a constant; the groups in flight retire
// before the accumulator passes to the second loop.
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

void PipelineKernelBuilder::createBBarriers() {
  auto workgroup = gpu::AddressSpaceAttr::get(
      b.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
  auto groupType = nvgpu::MBarrierGroupType::get(b.getContext(), workgroup,
                                                 config.numStages);
  bBarriers = nvgpu::MBarrierCreateOp::create(b, loc, groupType);
  bTensorMap = UnrealizedConversionCastOp::create(
                   b, loc, getBTensorMapType(config), bTensorMapPointer)
                   .getResult(0);
  onFirstThread([&] {
    for (int64_t s = 0; s < config.numStages; ++s)
      nvgpu::MBarrierInitOp::create(b, loc, bBarriers, constant(1), constant(s),
                                    /*predicate=*/Value());
  });
  // The initialized barriers are visible to the block.
  gpu::BarrierOp::create(b, loc);
}

void PipelineKernelBuilder::onFirstThread(function_ref<void()> body) {
  auto ifOp =
      scf::IfOp::create(b, loc,
                        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                              threadId, constant(0)),
                        /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  body();
}

void PipelineKernelBuilder::loadBStageByTMA(Value stage, Value buffer) {
  onFirstThread([&] {
    int64_t elementBytes = config.elementType.getIntOrFloatBitWidth() / 8;
    nvgpu::MBarrierArriveExpectTxOp::create(
        b, loc, bBarriers, constant(stageRows * tileN * elementBytes), buffer,
        /*predicate=*/Value());
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
      nvgpu::TmaAsyncLoadOp::create(b, loc, destination, bBarriers, bTensorMap,
                                    coordinates, buffer,
                                    /*multicastMask=*/Value(),
                                    /*predicate=*/Value());
    }
  });
}

Value PipelineKernelBuilder::emitWarpgroupPipeline() {
  assert(config.hasWGMMACopyableA() && "the conversion transposes such an A");
  itemStages = countStages();
  if (vectorCopies && config.loadsBByTMA())
    createBBarriers();
  else
    bBarriers = bTensorMap = Value();
  int64_t ahead = getStagesAhead();
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
  auto commit = [&] {
    return nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType,
                                                   ValueRange{});
  };
  // Prologue: the first numStages - 2 stages in flight (see emitPipeline on
  // the group token).
  Value group;
  for (int64_t s = 0; s < ahead; ++s) {
    issueIfPresent(constant(s), constant(s), prefetchRows(constant(s)));
    group = commit();
  }

  SmallVector<Value> init = {
      LLVM::ZeroOp::create(
          b, loc,
          LLVM::LLVMStructType::getLiteral(
              b.getContext(), SmallVector<Type>(tileN / 2, b.getF32Type()))),
      constant(0), constant(ahead)};
  // The parity of the phase of the read buffer's mbarrier: it flips each
  // time the ring of buffers wraps.
  if (bBarriers)
    init.push_back(constant(0));
  SmallVector<Value> prefetched = prefetchRows(constant(ahead));
  int64_t numPrefetched = prefetched.size();
  init.append(prefetched);
  // Iteration `stage` reads stage `stage` and copies stage `stage + ahead`;
  // its state is the accumulator, the buffers it reads and writes, the
  // read buffer's mbarrier phase and the prefetched rows. A steady
  // iteration (position `u` in the ring) issues a full stage without
  // checks, and its buffers are constants.
  auto emitIteration = [&](Value stage, ValueRange state,
                           std::optional<int64_t> u) {
    bool steady = u.has_value();
    Value acc = state[0];
    auto [readBuffer, writeBuffer] = getRingBuffers(u, state[1], state[2]);
    Value phase = bBarriers ? state[3] : Value();
    ValueRange rows = state.take_back(numPrefetched);
    // Stage `stage` has landed, is visible to wgmma, and every warpgroup
    // has retired the wgmma that read the buffer the next copies overwrite.
    nvgpu::DeviceAsyncWaitOp::create(b, loc, group,
                                     b.getI32IntegerAttr(ahead - 1));
    NVVM::FenceProxyOp::create(
        b, loc, NVVM::ProxyKind::async_shared,
        NVVM::SharedSpaceAttr::get(b.getContext(),
                                   NVVM::SharedSpace::shared_cta));
    if (bBarriers)
      nvgpu::MBarrierTryWaitParityOp::create(
          b, loc, bBarriers,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, phase,
                                constant(0)),
          constant(kMBarrierWaitTicks), readBuffer);
    gpu::BarrierOp::create(b, loc);
    Value next = add(stage, ahead);
    if (steady)
      issueFullStage(next, writeBuffer, rows);
    else
      issueIfPresent(next, writeBuffer, rows);
    commit();
    SmallVector<Value> results = {multiplyStageWarpgroup(readBuffer, acc)};
    // The previous stage's group is done: its buffer may be refilled after
    // the next barrier.
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 1);
    auto [nextRead, nextWrite] = getNextRingBuffers(u, state[1], state[2]);
    results.push_back(nextRead);
    results.push_back(nextWrite);
    // The phase flips each time the ring of buffers wraps (a constant
    // condition in a steady iteration, which folds).
    if (bBarriers)
      results.push_back(arith::SelectOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, nextRead,
                                constant(0)),
          arith::SubIOp::create(b, loc, constant(1), phase), phase));
    llvm::append_range(results, prefetchRows(add(next, 1)));
    return results;
  };
  // The accumulator passes to the second loop with no group in flight: a
  // register copy of it while a group is pending would make ptxas serialize
  // every wgmma of the kernel.
  SmallVector<Value> state =
      emitMainLoop(itemStages, init, emitIteration,
                   /*peelSteadyRemainder=*/true,
                   [&] { NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0); });
  // Every wgmma completes before the accumulator leaves this way of copying.
  // The two ways wait in opposite orders so that LLVM does not sink the
  // waits below the join of the ways, where the copies into the joined
  // accumulator registers would run with a wgmma group pending, which makes
  // ptxas serialize every wgmma of the kernel.
  if (vectorCopies) {
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
    nvgpu::DeviceAsyncWaitOp::create(b, loc, group, b.getI32IntegerAttr(0));
  } else {
    nvgpu::DeviceAsyncWaitOp::create(b, loc, group, b.getI32IntegerAttr(0));
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  }
  return state.front();
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
