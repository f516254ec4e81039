//===- KernelConfig.cpp - Options and checks of the fused kernels ---------===//
//
// Parses the kernel options of the GPU conversion, derives the configuration
// of a product's kernel and checks that it can be built. Shared by the pass
// and by tsparse-gpu-emulate, so both reject the same configurations.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Conversion/TSparseToGPU/Kernels.h"

#include "KernelBuilder.h"

using namespace mlir;
using namespace mlir::tsparse;

SmallVector<Type> tsparse::getWorkgroupTypes(const KernelConfig &config) {
  switch (config.flavor) {
  case MmaFlavor::WMMA:
    return getWMMAWorkgroupTypes(config);
  case MmaFlavor::MMASync:
    return getMMASyncWorkgroupTypes(config);
  case MmaFlavor::WGMMA:
    return getWGMMAWorkgroupTypes(config);
  }
  llvm_unreachable("unknown flavour");
}

int64_t tsparse::getWorkgroupBuffersBytes(const KernelConfig &config) {
  int64_t bytes = 0;
  for (Type type : getWorkgroupTypes(config))
    bytes += getMemRefBytes(cast<MemRefType>(type));
  return bytes;
}

int64_t KernelConfig::getSharedMemoryBytes() const {
  // The wgmma kernel aligns its buffers to the 1024-byte repeat of the
  // 128-byte swizzle itself, from wherever dynamic shared memory starts.
  return (flavor == MmaFlavor::WGMMA ? kWGMMASharedAlignment : 0) +
         getWorkgroupBuffersBytes(*this);
}

nvgpu::TensorMapDescriptorType
tsparse::getBTensorMapType(const KernelConfig &config) {
  MLIRContext *context = config.elementType.getContext();
  auto workgroup = gpu::AddressSpaceAttr::get(
      context, gpu::GPUDialect::getWorkgroupAddressSpace());
  SmallVector<int64_t> box = {config.getStageRows(), 64};
  if (config.denseB)
    box.insert(box.begin(), 1);
  return nvgpu::TensorMapDescriptorType::get(
      context,
      MemRefType::get(box, config.elementType, MemRefLayoutAttrInterface(),
                      workgroup),
      nvgpu::TensorMapSwizzleKind::SWIZZLE_128B,
      nvgpu::TensorMapL2PromoKind::L2PROMO_NONE,
      nvgpu::TensorMapOOBKind::OOB_ZERO,
      nvgpu::TensorMapInterleaveKind::INTERLEAVE_NONE);
}

bool tsparse::isKernelLayout(LayoutAttr layout) {
  return layout.getTileN() % kKernelTileNMultiple == 0 &&
         layout.getTileN() <= kMaxKernelTileN && !layout.hasResidual();
}

/// Workgroup memory a kernel may declare statically.
static constexpr int64_t kMaxStaticSharedMemoryBytes = 48 * 1024;
/// Workgroup memory a block may take with the dynamic opt-in on every chip
/// the mma.sync kernel targets (sm_86 and sm_89 allow 99 KB, sm_80 163 KB,
/// sm_90 227 KB).
static constexpr int64_t kMaxSharedMemoryBytes = 96 * 1024;
/// The same for the wgmma kernel, which runs on sm_90a only.
static constexpr int64_t kMaxHopperSharedMemoryBytes = 227 * 1024;

bool KernelConfig::usesDynamicSharedMemory() const {
  return flavor == MmaFlavor::WGMMA ||
         getSharedMemoryBytes() > kMaxStaticSharedMemoryBytes;
}

KernelConfig tsparse::getKernelConfig(const KernelOptions &options,
                                      MatrixType matrixType, Type accType) {
  KernelConfig config;
  config.flavor = options.flavor;
  config.layout = matrixType.getLayout();
  config.elementType = matrixType.getElementType();
  config.accType = accType;
  config.k = matrixType.getNumRows();
  config.blockRows = options.blockRows;
  config.numStages = options.numStages;
  config.persistentBlocks = options.persistentBlocks;
  return config;
}

LogicalResult
tsparse::verifyKernelConfig(function_ref<InFlightDiagnostic()> emitError,
                            const KernelConfig &config) {
  LayoutAttr layout = config.layout;
  Type elementType = config.elementType;
  bool wmma = config.flavor == MmaFlavor::WMMA;
  if (!elementType.isF16() && !(elementType.isBF16() && !wmma))
    return emitError()
           << "cannot be lowered to the GPU: expected f16 inputs"
           << (wmma ? " (bf16 needs mma=mma-sync)" : " or bf16 inputs")
           << " but got " << elementType
           << (elementType.isF32()
                   ? " (compute-type=f16 or bf16 of the GPU pipeline, or "
                     "--tsparse-narrow-products, rounds them)"
                   : "");
  if (!isKernelLayout(layout))
    return emitError() << "cannot be lowered to the GPU: expected tile_n to "
                          "be a multiple of 32 up to 128 and no residual, or "
                          "constant values to repack, but got "
                       << layout;
  int64_t limit = wmma ? kMaxStaticSharedMemoryBytes
                  : config.flavor == MmaFlavor::WGMMA
                      ? kMaxHopperSharedMemoryBytes
                      : kMaxSharedMemoryBytes;
  if (int64_t bytes = config.getSharedMemoryBytes(); bytes > limit)
    return emitError() << "cannot be lowered to the GPU: its kernel would "
                          "need "
                       << bytes << " bytes of workgroup memory, more than "
                       << limit << " (use fewer stages or a smaller m-tile)";
  return success();
}

LogicalResult
tsparse::parseKernelOptions(function_ref<InFlightDiagnostic()> emitError,
                            MmaFlavor mma, int64_t mTile, int64_t stages,
                            int64_t splitRows, int64_t splitBlocks,
                            int64_t persistentBlocks, KernelOptions &options) {
  options.flavor = mma;
  bool wmma = options.flavor == MmaFlavor::WMMA;
  options.blockRows = mTile ? mTile : (wmma ? 64 : 128);
  if (wmma ? options.blockRows != 64
           : options.blockRows != 64 && options.blockRows != 128)
    return emitError() << "expected m-tile to be "
                       << (wmma ? "64" : "64 or 128")
                       << " for mma=" << stringifyMmaFlavor(mma) << " but got "
                       << mTile;
  // The wgmma consumers keep one stage's group in flight while they wait for
  // the next stage, so two buffers are held while the producer fills a
  // third; by default the producer runs three stages ahead.
  bool wgmma = mma == MmaFlavor::WGMMA;
  int64_t minStages = wgmma ? 3 : 2;
  options.numStages = stages ? stages : (wgmma ? 4 : 3);
  if (!wmma && options.numStages < minStages)
    return emitError() << "expected at least " << minStages
                       << " stages for mma=" << stringifyMmaFlavor(mma)
                       << " but got " << stages;
  if (splitRows <= 0 || splitRows % KernelConfig::kStageRows != 0)
    return emitError() << "expected split-rows to be a positive multiple of "
                       << KernelConfig::kStageRows << " but got " << splitRows;
  options.splitRows = splitRows;
  if (splitBlocks < 0)
    return emitError() << "expected split-blocks to be non-negative but got "
                       << splitBlocks;
  options.splitBlocks = splitBlocks;
  if (persistentBlocks < 0)
    return emitError() << "expected persistent-blocks to be non-negative but "
                          "got "
                       << persistentBlocks;
  // The wgmma kernel initializes its mbarriers once per work item.
  if (persistentBlocks && wgmma)
    return emitError() << "persistent-blocks is not supported with mma=wgmma";
  options.persistentBlocks = persistentBlocks;
  return success();
}
