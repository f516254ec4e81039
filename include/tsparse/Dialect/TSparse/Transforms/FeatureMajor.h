//===- FeatureMajor.h - Feature-major activations ---------------*- C++ -*-===//
//
// Rewrites chains of tile-sparse products so that the activations between
// them stay transposed (N x M).
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_FEATUREMAJOR_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_FEATUREMAJOR_H

namespace mlir {
class Operation;
class RewriterBase;

namespace tsparse {

/// Keeps the activations between consecutive products under `root`
/// feature-major: where the A of a `tsparse.matmul` on tensors comes, with
/// no other use, from another product, possibly through element-wise 2-D
/// `linalg.generic`s, the chain is rebuilt on the N x M transpose (the
/// producer's result transposed, the generics with swapped loops) and the
/// consumer reads the transpose of that. A backend that computes products
/// transposed and reads A K-major (the GPU conversion) then folds the
/// transposes: no transposition runs.
void propagateFeatureMajorActivations(RewriterBase &rewriter, Operation *root);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_FEATUREMAJOR_H
