//===- Epilogue.h - Epilogues of tsparse.matmul -----------------*- C++ -*-===//
//
// Builds, fuses and splits the element-wise epilogue of tsparse.matmul.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_EPILOGUE_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_EPILOGUE_H

#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace tsparse {

/// Emits the epilogue of `op` at the insertion point of `b` on `args`: the
/// accumulated value, then one element of each epilogue operand. The
/// arguments are all scalars or all vectors of one shape; with vectors,
/// every op of the epilogue computes on vectors of that shape (constants and
/// captured scalars are broadcast). Returns the value to store.
Value emitEpilogue(OpBuilder &b, Location loc, MatmulOp op, ValueRange args);

/// Replaces `op`, which must have an epilogue, by the same product without
/// it followed by a `linalg.generic` applying the epilogue in place, for
/// lowerings that cannot apply it while the accumulator is live.
void splitEpilogue(RewriterBase &rewriter, MatmulOp op);

/// Collects the pattern applying splitEpilogue to every tsparse.matmul with
/// an epilogue.
void populateSplitEpiloguePatterns(RewritePatternSet &patterns);

/// Fuses `consumer`, an element-wise `linalg.generic` over the result of a
/// `tsparse.matmul` (its only use), into the product's epilogue. Its other
/// inputs must be indexed like the result (a residual) or by the column
/// only (a bias), and it must write a tensor of the result's type without
/// reading it. Returns the new product, or fails without changing the IR.
FailureOr<MatmulOp> fuseEpilogue(RewriterBase &rewriter,
                                 linalg::GenericOp consumer);

/// Collects the patterns of `--tsparse-fuse-epilogues`: fuseEpilogue, and
/// upstream's collapsing of element-wise consumers of a `tensor.expand_shape`
/// of a product, so that consumers of the reshaped result fuse too.
void populateFuseEpiloguePatterns(RewritePatternSet &patterns);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_EPILOGUE_H
