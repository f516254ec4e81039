//===- LoweringUtils.h - Shared by the tsparse lowerings --------*- C++ -*-===//
//
// What the loop lowering and the GPU conversion share: taking products on
// buffers back to tensors, recognizing filled accumulators, and the check
// that nothing packed is left.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_LOWERINGUTILS_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_LOWERINGUTILS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace tsparse {

/// Collects the pattern rewriting `tsparse.matmul` on buffers into the same
/// product on tensors (`bufferization.to_tensor`, then
/// `materialize_in_destination`), which the lowerings take.
void populateMatmulOnBuffersToTensorsPatterns(RewritePatternSet &patterns);

/// Returns the scalar every element of `value` is set to by its producer, a
/// `linalg.fill` or a `linalg.generic` that writes all of its one output
/// with a value from outside its body (a generalized fill), or null. Either
/// op verifies that the scalar has `value`'s element type.
Value getFillValue(Value value);

/// Checks that no tsparse op is left under `root` after a lowering, or emits
/// on the first one that it cannot be lowered to `target`: what is left reads
/// a packed matrix that was not built in its function, or a constant one
/// whose values are elided.
LogicalResult verifyPackedMatricesLowered(Operation *root, StringRef target);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_LOWERINGUTILS_H
