//===- Transforms.h - TSparse rewrite patterns ------------------*- C++ -*-===//
//
// Rewrite patterns and type converters of the tsparse dialect, exported so
// that other pipelines can reuse them.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_TRANSFORMS_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_TRANSFORMS_H

#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace tsparse {

/// Converts `!tsparse.matrix<KxNxT, ...>` to `tensor<KxNxT>` and leaves every
/// other type unchanged.
class DenseMatrixTypeConverter : public TypeConverter {
public:
  DenseMatrixTypeConverter();
};

/// Collects the patterns that rewrite tsparse ops into dense upstream ops
/// (the reference path of `--tsparse-expand-to-dense`).
void populateExpandToDensePatterns(const TypeConverter &typeConverter,
                                   RewritePatternSet &patterns);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_TRANSFORMS_H
