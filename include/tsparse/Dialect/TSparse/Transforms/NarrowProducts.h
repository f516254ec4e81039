//===- NarrowProducts.h - f32 products on narrower inputs -------*- C++ -*-===//
//
// The input types `--tsparse-narrow-products` rounds f32 products to, and
// its patterns.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_NARROWPRODUCTS_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_NARROWPRODUCTS_H

#include "tsparse/Support/EnumOptionParser.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace tsparse {

/// The input type of narrowed products.
enum class NarrowType { F16, BF16 };

/// Returns the float type `type` stands for.
FloatType getNarrowFloatType(MLIRContext *context, NarrowType type);

/// Collects the pattern computing `tsparse.matmul` on f32 inputs with inputs
/// rounded to `type` (f16 or bf16) instead, still accumulating in its f32 C
/// (see `--tsparse-narrow-products`).
void populateNarrowProductsPatterns(RewritePatternSet &patterns,
                                    FloatType type);

} // namespace tsparse
} // namespace mlir

TSPARSE_ENUM_OPTION_PARSER(mlir::tsparse::NarrowType)

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_NARROWPRODUCTS_H
