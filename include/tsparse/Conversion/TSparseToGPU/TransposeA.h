//===- TransposeA.h - When the GPU conversion transposes A ------*- C++ -*-===//
//
// Whether a product reads a row-major A through a device transposition
// (K-major, contiguous gathers) or gathers it as it is, and the names the
// options of the GPU conversion and pipeline spell that with.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_CONVERSION_TSPARSETOGPU_TRANSPOSEA_H
#define TSPARSE_CONVERSION_TSPARSETOGPU_TRANSPOSEA_H

#include "tsparse/Support/EnumOptionParser.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir {
namespace tsparse {

/// When a row-major A whose gathered elements are not contiguous (scattered
/// kept rows of B) is transposed on the device before its product.
enum class TransposeA {
  /// When the transposition and the K-major reads move fewer bytes than
  /// the gather of the row-major A (estimated from B's kept rows).
  Auto,
  /// For every row-major A, dense products' included.
  Always,
  /// Never, except where the kernel cannot gather it (wgmma).
  Never,
};

/// The option spelling of `mode`: "auto", "always" or "never".
inline llvm::StringRef stringifyTransposeA(TransposeA mode) {
  switch (mode) {
  case TransposeA::Auto:
    return "auto";
  case TransposeA::Always:
    return "always";
  case TransposeA::Never:
    return "never";
  }
  llvm_unreachable("unknown transposition mode");
}

/// Prints the option spelling of `mode` (pass options print their values).
inline llvm::raw_ostream &operator<<(llvm::raw_ostream &os, TransposeA mode) {
  return os << stringifyTransposeA(mode);
}

} // namespace tsparse
} // namespace mlir

TSPARSE_ENUM_OPTION_PARSER(mlir::tsparse::TransposeA)

#endif // TSPARSE_CONVERSION_TSPARSETOGPU_TRANSPOSEA_H
