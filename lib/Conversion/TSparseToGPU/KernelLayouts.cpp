//===- KernelLayouts.cpp - Layouts the fused kernels handle ---------------===//
//
// The kernels stage B in tiles of a multiple of 32 columns and have no
// element-wise residual path. A compile-time matrix in another layout (the
// 8- or 16-column tiles `--tsparse-sparsify` picks for narrow weights, or
// TEW) is repacked into the kernel layout that leaves the least work, so
// that it still runs on the GPU; runtime matrices keep their layout and are
// diagnosed.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Conversion/TSparseToGPU/TSparseToGPU.h"
#include "tsparse/Dialect/TSparse/IR/PackedStorage.h"
#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/LayoutSelection.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::tsparse;

/// Returns a constant equal to `constant` in the kernel layout that leaves
/// the least work, or null when its values are not available.
static ConstantOp repackConstant(OpBuilder &b, ConstantOp constant) {
  MatrixType type = constant.getType();
  FailureOr<DenseElementsAttr> dense =
      unpackConstant(type, constant.getStorage());
  if (failed(dense))
    return nullptr;
  FailureOr<SmallVector<char>> bytes = getRawElementData(*dense);
  if (failed(bytes))
    return nullptr;
  int64_t width = type.getElementType().getIntOrFloatBitWidth() / 8;
  NonZeroPattern nonZeros = NonZeroPattern::fromBytes(
      *bytes, type.getNumRows(), type.getNumColumns(), width);

  LayoutSearchOptions search;
  search.tileSizes = {128, 64, 32};
  search.allowResidual = false;
  FailureOr<LayoutMeasure> measure =
      chooseLayout(nonZeros, type.getElementType(), search);
  if (failed(measure))
    return nullptr;
  PackedConstantAttrs storage = packConstant(
      measure->type, *bytes, measure->masks.units, measure->masks.columns);
  return ConstantOp::create(b, constant.getLoc(), measure->type, storage);
}

void tsparse::repackConstantsForKernels(Operation *root) {
  DenseMap<Operation *, ConstantOp> repacked;
  root->walk([&](MatmulOp op) {
    auto constant = op.getB().getDefiningOp<ConstantOp>();
    if (!constant || isKernelLayout(constant.getType().getLayout()))
      return;
    auto [it, inserted] = repacked.try_emplace(constant);
    if (inserted) {
      OpBuilder b(constant);
      b.setInsertionPointAfter(constant);
      it->second = repackConstant(b, constant);
    }
    if (it->second)
      op.getBMutable().assign(it->second);
  });
  for (auto [original, replacement] : repacked)
    if (replacement && original->use_empty())
      original->erase();
}
