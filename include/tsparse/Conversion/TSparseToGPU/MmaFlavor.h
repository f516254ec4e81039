//===- MmaFlavor.h - Tensor-core instruction flavours -----------*- C++ -*-===//
//
// The tensor-core instructions a fused kernel is built from, and the names
// the options of the GPU conversion and pipeline spell them with.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_CONVERSION_TSPARSETOGPU_MMAFLAVOR_H
#define TSPARSE_CONVERSION_TSPARSETOGPU_MMAFLAVOR_H

#include "tsparse/Support/EnumOptionParser.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir {
namespace tsparse {

/// The tensor-core instructions a kernel is built from.
enum class MmaFlavor {
  /// gpu.subgroup_mma_* 16x16x16 fragments.
  WMMA,
  /// nvgpu.mma.sync m16n8k16 fed by ldmatrix from a cp.async pipeline.
  MMASync,
  /// Hopper wgmma.mma_async m64nNk16 reading both operands from swizzled
  /// shared memory filled by a cp.async pipeline (sm_90a only).
  WGMMA,
};

/// The option spelling of `flavor`: "wmma", "mma-sync" or "wgmma".
inline llvm::StringRef stringifyMmaFlavor(MmaFlavor flavor) {
  switch (flavor) {
  case MmaFlavor::WMMA:
    return "wmma";
  case MmaFlavor::MMASync:
    return "mma-sync";
  case MmaFlavor::WGMMA:
    return "wgmma";
  }
  llvm_unreachable("unknown flavour");
}

/// Prints the option spelling of `flavor` (pass options print their values).
inline llvm::raw_ostream &operator<<(llvm::raw_ostream &os, MmaFlavor flavor) {
  return os << stringifyMmaFlavor(flavor);
}

/// The lowest compute capability (`sm_<N>`) whose tensor cores run `flavor`:
/// WMMA needs Volta, cp.async and ldmatrix need Ampere, wgmma Hopper's
/// architecture-specific features (sm_90a).
inline unsigned getMinimumSMVersion(MmaFlavor flavor) {
  switch (flavor) {
  case MmaFlavor::WMMA:
    return 70;
  case MmaFlavor::MMASync:
    return 80;
  case MmaFlavor::WGMMA:
    return 90;
  }
  llvm_unreachable("unknown flavour");
}

} // namespace tsparse
} // namespace mlir

TSPARSE_ENUM_OPTION_PARSER(mlir::tsparse::MmaFlavor)

#endif // TSPARSE_CONVERSION_TSPARSETOGPU_MMAFLAVOR_H
