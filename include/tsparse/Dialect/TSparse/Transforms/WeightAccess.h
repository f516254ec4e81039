//===- WeightAccess.h - Reading and writing constant weights ----*- C++ -*-===//
//
// Reads the elements of a constant weight matrix in the logical `K x N` order
// of the matmul that uses it, whatever order it is stored in, and builds a
// new constant of the same kind (`dense` or `dense_resource`) from them.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_WEIGHTACCESS_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_WEIGHTACCESS_H

#include "mlir/IR/BuiltinAttributes.h"

namespace mlir {
namespace tsparse {

/// Returns true for the element types tsparse matrices hold (f32, f16, bf16).
bool isSupportedWeightElementType(Type type);

/// The elements of a 2-D constant as raw bytes in `K x N` order: `attr`
/// holds `[N, K]` when `transposed`. Fails when the data is not available
/// (an elided resource).
FailureOr<SmallVector<char>> readWeightBytes(ElementsAttr attr,
                                             bool transposed);

/// Converts raw elements of `elementType` (f32, f16 or bf16) to doubles.
SmallVector<double> decodeWeightValues(ArrayRef<char> bytes, Type elementType);

/// Builds an attribute of the type and kind of `original` (a `dense_resource`
/// stays a resource, under a new blob) from `K x N` bytes, transposing them
/// back when `original` holds `[N, K]`.
ElementsAttr buildWeightAttr(ElementsAttr original, ArrayRef<char> bytes,
                             bool transposed);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_WEIGHTACCESS_H
