//===- LoweringUtils.cpp - Shared by the tsparse lowerings ----------------===//
//
// Products on buffers taken back to tensors, filled accumulators, and the
// check that a lowering left no packed matrix behind.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/LoweringUtils.h"
#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"
#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace mlir::tsparse;

Value tsparse::getFillValue(Value value) {
  if (auto fill = value.getDefiningOp<linalg::FillOp>())
    return fill.getInputs()[0];
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInits() != 1 ||
      generic.getNumReductionLoops() != 0)
    return Value();
  if (std::optional<Value> scalar = linalg::isaFillOpInterface(generic))
    return *scalar;
  // The body is a yield of a value from outside, written to every element.
  Block &body = *generic.getBlock();
  Value yielded = cast<linalg::YieldOp>(body.getTerminator()).getValues()[0];
  if (!llvm::hasSingleElement(body) ||
      yielded.getParentRegion() == &generic.getRegion() ||
      !generic.getMatchingIndexingMap(generic.getDpsInitOperand(0))
           .isPermutation())
    return Value();
  return yielded;
}

namespace {
/// tsparse.matmul on buffers -> the same product on tensors read from and
/// materialized into the buffers, for the tensor-level lowerings.
struct MatmulOnBuffersToTensors : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics())
      return failure();
    Location loc = op.getLoc();
    auto toTensor = [&](Value buffer, bool writable) -> Value {
      auto type = cast<MemRefType>(buffer.getType());
      return bufferization::ToTensorOp::create(
          rewriter, loc,
          RankedTensorType::get(type.getShape(), type.getElementType()), buffer,
          /*restrict=*/true, writable);
    };
    Value a = toTensor(op.getA(), /*writable=*/false);
    Value c = toTensor(op.getC(), /*writable=*/true);
    auto matmul = MatmulOp::create(rewriter, loc, a, op.getB(), c);
    SmallVector<Value> epilogueOperands;
    for (Value operand : op.getEpilogueOperands())
      epilogueOperands.push_back(toTensor(operand, /*writable=*/false));
    matmul.getEpilogueOperandsMutable().assign(epilogueOperands);
    rewriter.inlineRegionBefore(op.getEpilogue(), matmul.getEpilogue(),
                                matmul.getEpilogue().end());
    auto materialize = bufferization::MaterializeInDestinationOp::create(
        rewriter, loc, TypeRange{}, matmul.getResult(), op.getC());
    materialize.setRestrict(true);
    materialize.setWritable(true);
    rewriter.eraseOp(op);
    return success();
  }
};
} // namespace

void tsparse::populateMatmulOnBuffersToTensorsPatterns(
    RewritePatternSet &patterns) {
  // tsparse.matmul on memrefs
  patterns.add<MatmulOnBuffersToTensors>(patterns.getContext());
}

LogicalResult tsparse::verifyPackedMatricesLowered(Operation *root,
                                                   StringRef target) {
  WalkResult left = root->walk([&](Operation *op) {
    if (!isa_and_nonnull<TSparseDialect>(op->getDialect()))
      return WalkResult::advance();
    // A constant is left only when an unpack needed its elided values.
    bool elidedConstant =
        isa<ConstantOp>(op) || llvm::any_of(op->getOperands(), [](Value v) {
          return v.getDefiningOp<ConstantOp>();
        });
    if (elidedConstant)
      op->emitOpError() << "cannot be lowered to " << target
                        << ": the values of its constant matrix are not "
                           "available";
    else
      op->emitOpError() << "cannot be lowered to " << target
                        << ": its packed matrix is not built in this "
                           "function (packed matrices cannot cross function "
                           "boundaries)";
    return WalkResult::interrupt();
  });
  return failure(left.wasInterrupted());
}
