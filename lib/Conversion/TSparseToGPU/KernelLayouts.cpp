//===- KernelLayouts.cpp - Layouts the fused kernels handle ---------------===//
//
// The kernels stage B in tiles of a multiple of 32 columns and have no
// element-wise residual path. A matrix in another layout (the 8- or
// 16-column tiles `--tsparse-sparsify` picks for narrow weights, or TEW) is
// repacked into a kernel layout so that it still runs on the GPU: at compile
// time into the one that leaves the least work for a constant, at run time
// into the closest one otherwise.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Conversion/TSparseToGPU/TSparseToGPU.h"
#include "tsparse/Dialect/TSparse/IR/PackedStorage.h"
#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/LayoutSelection.h"

#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/MathExtras.h"

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

/// Returns the kernel layout closest to `layout`, for a matrix known only at
/// run time: tile_n rounded up to a multiple of 32 (at most 128), the same
/// units and columns, no residual.
static LayoutAttr getRuntimeKernelLayout(LayoutAttr layout) {
  unsigned tileN = std::min<unsigned>(
      llvm::alignTo(layout.getTileN(), kKernelTileNMultiple), kMaxKernelTileN);
  return LayoutAttr::get(layout.getContext(), tileN, layout.getUnitK(),
                         layout.getColumns());
}

/// Returns the runtime matrix `matrix` packed anew, right after its
/// definition, in the kernel layout closest to its own. The new pack has no
/// masks, so it keeps every nonzero: it represents the same matrix.
static Value repackRuntimeMatrix(OpBuilder &b, Value matrix) {
  auto type = cast<MatrixType>(matrix.getType());
  auto kernelType = MatrixType::get(type.getShape(), type.getElementType(),
                                    getRuntimeKernelLayout(type.getLayout()));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfterValue(matrix);
  Location loc = matrix.getLoc();
  // A pack without masks, or with a residual, represents its dense operand
  // exactly: pack that again rather than unpacking.
  Value dense;
  auto pack = matrix.getDefiningOp<PackOp>();
  if (pack && isa<RankedTensorType>(pack.getDense().getType()) &&
      (!pack.getUnitMask() || type.getLayout().hasResidual()))
    dense = pack.getDense();
  else
    dense = UnpackOp::create(b, loc, type.getDenseType(), matrix);
  return PackOp::create(b, loc, kernelType, dense, /*unit_mask=*/Value(),
                        /*column_mask=*/Value());
}

void tsparse::repackForKernels(RewriterBase &rewriter, Operation *root) {
  // One repacked matrix serves every product of the original one.
  DenseMap<Value, Value> repacked;
  root->walk([&](MatmulOp op) {
    Value matrix = op.getB();
    if (isKernelLayout(op.getB().getType().getLayout()))
      return;
    auto [it, inserted] = repacked.try_emplace(matrix);
    if (inserted) {
      if (auto constant = matrix.getDefiningOp<ConstantOp>()) {
        OpBuilder::InsertionGuard guard(rewriter);
        rewriter.setInsertionPointAfter(constant);
        if (ConstantOp replacement = repackConstant(rewriter, constant))
          it->second = replacement;
      } else {
        it->second = repackRuntimeMatrix(rewriter, matrix);
      }
    }
    if (Value replacement = it->second)
      rewriter.modifyOpInPlace(op,
                               [&] { op.getBMutable().assign(replacement); });
  });
  for (auto [original, replacement] : repacked)
    if (Operation *op = original.getDefiningOp();
        op && replacement && isa<ConstantOp>(op) && op->use_empty())
      rewriter.eraseOp(op);
}
