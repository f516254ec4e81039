//===- FeatureMajor.cpp - Feature-major activations between layers -------===//
//
// Between consecutive tile-sparse layers the activations can stay
// feature-major (N x M): the producing product writes C transposed, the
// element-wise ops in between (bias, activation functions) run on the
// transposed tensor, and the consuming product reads it as a K-major A,
// whose kept rows are contiguous. This file rewrites such chains into
// explicit transposes that a backend folds away (the GPU conversion does).
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/FeatureMajor.h"
#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/MatmulMatch.h"
#include "tsparse/Dialect/TSparse/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace tsparse {
#define GEN_PASS_DEF_TSPARSEPROPAGATEFEATUREMAJOR
#include "tsparse/Dialect/TSparse/Transforms/Passes.h.inc"
} // namespace tsparse
} // namespace mlir

using namespace mlir;
using namespace mlir::tsparse;

/// Returns true if `op` is an element-wise 2-D generic with one result whose
/// payload reads neither its output nor the loop indices (which swapping
/// the loops would change).
static bool isElementwise2D(linalg::GenericOp op) {
  return op.getNumDpsInits() == 1 && op.getNumLoops() == 2 &&
         op.getBody()->getOps<linalg::IndexOp>().empty() &&
         op.getNumParallelLoops() == 2 &&
         op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity() &&
         !op.payloadUsesValueFromOperand(op.getDpsInitOperand(0)) &&
         llvm::all_of(op.getIndexingMapsArray(), [](AffineMap map) {
           return map.isProjectedPermutation();
         });
}

/// Returns true if buildTransposed succeeds on `value`: it has no other use
/// and is a product, or an element-wise generic whose 2-D operands are.
static bool canBuildTransposed(Value value) {
  if (!value.hasOneUse())
    return false;
  if (value.getDefiningOp<MatmulOp>())
    return true;
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  return generic && isElementwise2D(generic) &&
         llvm::all_of(generic.getDpsInputOperands(), [&](OpOperand *input) {
           return !generic.getMatchingIndexingMap(input).isIdentity() ||
                  canBuildTransposed(input->get());
         });
}

/// Builds the N x M transpose of `value` (M x N) without transposing, where
/// canBuildTransposed holds: a transpose of a product (which the conversion
/// computes transposed), or an element-wise generic rebuilt on transposed
/// operands.
static Value buildTransposed(OpBuilder &b, Value value) {
  Location loc = value.getLoc();
  OpBuilder::InsertionGuard guard(b);
  if (auto matmul = value.getDefiningOp<MatmulOp>()) {
    b.setInsertionPointAfter(matmul);
    return createInnermostTranspose(b, loc, value, matmul.getC());
  }
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  // Swapping the two loops transposes every operand access.
  MLIRContext *ctx = b.getContext();
  AffineMap swap = AffineMap::getPermutationMap(ArrayRef<unsigned>{1, 0}, ctx);
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    AffineMap map = generic.getMatchingIndexingMap(input);
    if (map.isIdentity()) {
      inputs.push_back(buildTransposed(b, input->get()));
      maps.push_back(map);
    } else {
      inputs.push_back(input->get());
      maps.push_back(map.compose(swap));
    }
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(2, ctx));

  b.setInsertionPoint(generic);
  Value init = generic.getDpsInitOperand(0)->get();
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, init);
  std::swap(sizes[0], sizes[1]);
  Value empty = tensor::EmptyOp::create(
      b, loc, sizes, cast<RankedTensorType>(init.getType()).getElementType());
  auto transposed = linalg::GenericOp::create(
      b, loc, TypeRange{empty.getType()}, inputs, ValueRange{empty}, maps,
      SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel));
  IRMapping mapping;
  generic.getRegion().cloneInto(&transposed.getRegion(), mapping);
  return transposed.getResult(0);
}

/// Erases the element-wise generics of a chain buildTransposed replaced.
static void eraseReplacedChain(RewriterBase &rewriter, Value value) {
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic || !generic->use_empty())
    return;
  SmallVector<Value> inputs = generic.getDpsInputs();
  rewriter.eraseOp(generic);
  for (Value input : inputs)
    eraseReplacedChain(rewriter, input);
}

void tsparse::propagateFeatureMajorActivations(RewriterBase &rewriter,
                                               Operation *root) {
  SmallVector<MatmulOp> consumers;
  root->walk([&](MatmulOp op) {
    if (op.hasPureTensorSemantics())
      consumers.push_back(op);
  });
  OpBuilder::InsertionGuard guard(rewriter);
  for (MatmulOp consumer : consumers) {
    Value a = consumer.getA();
    if (!canBuildTransposed(a))
      continue;
    Value transposed = buildTransposed(rewriter, a);
    rewriter.setInsertionPoint(consumer);
    Value aTransposed =
        createInnermostTranspose(rewriter, consumer.getLoc(), transposed);
    rewriter.modifyOpInPlace(
        consumer, [&] { consumer.getAMutable().assign(aTransposed); });
    eraseReplacedChain(rewriter, a);
  }
}

namespace {
/// Keeps the activations between products feature-major.
struct TSparsePropagateFeatureMajorPass
    : public tsparse::impl::TSparsePropagateFeatureMajorBase<
          TSparsePropagateFeatureMajorPass> {
  using Base::Base;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    propagateFeatureMajorActivations(rewriter, getOperation());
  }
};
} // namespace
