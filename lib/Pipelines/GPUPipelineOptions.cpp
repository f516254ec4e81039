//===- GPUPipelineOptions.cpp - Checks of the GPU pipeline's options ------===//
//
// Rejects combinations of `--tsparse-gpu-pipeline` options that the NVPTX
// backend cannot compile (it aborts instead of diagnosing them), naming the
// option the user wrote.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Pipelines/Pipelines.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace mlir::tsparse;

namespace {
/// A compute capability as `chip` spells it.
struct SMVersion {
  /// 80 for sm_80, 90 for sm_90a.
  unsigned version = 0;
  /// The lowest PTX ISA version (as in +ptx78) that targets the chip.
  unsigned minimumPTX = 0;
};
} // namespace

/// Returns the chips NVPTX targets from Volta on (the first with tensor
/// cores), or nullopt.
static std::optional<SMVersion> parseChip(StringRef chip) {
  return llvm::StringSwitch<std::optional<SMVersion>>(chip)
      .Case("sm_70", SMVersion{70, 60})
      .Case("sm_72", SMVersion{72, 61})
      .Case("sm_75", SMVersion{75, 63})
      .Case("sm_80", SMVersion{80, 70})
      .Case("sm_86", SMVersion{86, 71})
      .Case("sm_87", SMVersion{87, 74})
      .Case("sm_88", SMVersion{88, 90})
      .Case("sm_89", SMVersion{89, 78})
      .Case("sm_90", SMVersion{90, 78})
      .Case("sm_90a", SMVersion{90, 80})
      .Cases({"sm_100", "sm_100a", "sm_101", "sm_101a"}, SMVersion{100, 86})
      .Cases({"sm_100f", "sm_101f", "sm_103", "sm_103a", "sm_103f"},
             SMVersion{100, 88})
      .Cases({"sm_110", "sm_110a", "sm_110f"}, SMVersion{110, 90})
      .Cases({"sm_120", "sm_120a"}, SMVersion{120, 87})
      .Cases({"sm_120f", "sm_121", "sm_121a", "sm_121f"}, SMVersion{120, 88})
      .Default(std::nullopt);
}

/// PTX ISA versions the NVPTX backend of LLVM 22 emits.
static bool isKnownPTXVersion(unsigned version) {
  return llvm::is_contained({60u, 61u, 62u, 63u, 64u, 65u, 70u, 71u, 72u,
                             73u, 74u, 75u, 76u, 77u, 78u, 80u, 81u, 82u,
                             83u, 84u, 85u, 86u, 87u, 88u, 90u},
                            version);
}

StringRef tsparse::stringifyComputeType(ComputeType type) {
  switch (type) {
  case ComputeType::Keep:
    return "keep";
  case ComputeType::F16:
    return "f16";
  case ComputeType::BF16:
    return "bf16";
  }
  llvm_unreachable("unknown compute type");
}

StringRef tsparse::stringifyKernelFormat(KernelFormat format) {
  switch (format) {
  case KernelFormat::Isa:
    return "isa";
  case KernelFormat::Bin:
    return "bin";
  case KernelFormat::Fatbin:
    return "fatbin";
  }
  llvm_unreachable("unknown kernel format");
}

std::string tsparse::getGPUFeatures(const GPUPipelineOptions &options) {
  if (!options.features.empty())
    return options.features;
  std::optional<SMVersion> chip = parseChip(options.chip);
  unsigned ptx = chip ? std::max(chip->minimumPTX, 80u) : 80u;
  return "+ptx" + std::to_string(ptx);
}

LogicalResult tsparse::verifyGPUPipelineOptions(
    const GPUPipelineOptions &options,
    function_ref<LogicalResult(const Twine &)> emitError) {
  std::optional<SMVersion> chip = parseChip(options.chip);
  if (!chip)
    return emitError("expected chip to be a GPU with tensor cores that NVPTX "
                     "targets (sm_70, sm_75, sm_80, sm_86, sm_89, sm_90, "
                     "sm_90a, sm_100, sm_120, ...) but got '" +
                     options.chip + "'");
  MmaFlavor flavor = options.mma;
  // wgmma is an architecture-specific feature of sm_90a alone.
  if (flavor == MmaFlavor::WGMMA && options.chip != "sm_90a")
    return emitError("expected chip=sm_90a for mma=wgmma but got '" +
                     options.chip + "'");
  if (chip->version < getMinimumSMVersion(flavor))
    return emitError("expected chip to be sm_" +
                     Twine(getMinimumSMVersion(flavor)) +
                     " or newer for mma=" + stringifyMmaFlavor(flavor) +
                     " but got '" + options.chip + "'");
  if (options.computeType == ComputeType::BF16 && flavor == MmaFlavor::WMMA)
    return emitError("expected mma=mma-sync for compute-type=bf16 but got "
                     "mma=wmma (there are no bf16 WMMA fragments)");

  StringRef features = options.features;
  if (features.empty())
    return success();
  unsigned ptx = 0;
  if (!features.consume_front("+ptx") || features.getAsInteger(10, ptx) ||
      !isKnownPTXVersion(ptx))
    return emitError("expected features to be '+ptx<N>' with a PTX version "
                     "NVPTX emits (60 to 90) but got '" +
                     options.features + "'");
  if (ptx < chip->minimumPTX)
    return emitError("expected features to be +ptx" + Twine(chip->minimumPTX) +
                     " or newer for chip=" + options.chip + " but got '" +
                     options.features + "'");
  return success();
}
