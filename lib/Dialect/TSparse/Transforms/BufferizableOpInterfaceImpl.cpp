//===- BufferizableOpInterfaceImpl.cpp - tsparse bufferization ------------===//
//
// tsparse.matmul bufferizes in place into its accumulator, like linalg ops;
// tsparse.pack only reads its operands. Both keep their packed matrix
// operand or result, which is not a tensor.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/Transforms/BufferizableOpInterfaceImpl.h"
#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace mlir::bufferization;
using namespace mlir::tsparse;

/// Returns the buffers of the tensor operands of `op`, and the other
/// operands unchanged; leaves the insertion point at `op`.
static FailureOr<SmallVector<Value>>
getOperandBuffers(Operation *op, RewriterBase &rewriter,
                  const BufferizationOptions &options,
                  BufferizationState &state) {
  SmallVector<Value> operands;
  for (Value operand : op->getOperands()) {
    if (!isa<TensorType>(operand.getType())) {
      operands.push_back(operand);
      continue;
    }
    FailureOr<Value> buffer = getBuffer(rewriter, operand, options, state);
    if (failed(buffer))
      return failure();
    operands.push_back(*buffer);
  }
  rewriter.setInsertionPoint(op);
  return operands;
}

namespace {
/// tsparse.matmul on tensors -> tsparse.matmul on buffers, in place into C.
struct MatmulOpInterface
    : public DstBufferizableOpInterfaceExternalModel<MatmulOpInterface,
                                                     MatmulOp> {
  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    FailureOr<SmallVector<Value>> operands =
        getOperandBuffers(op, rewriter, options, state);
    if (failed(operands))
      return failure();
    auto bufferized = MatmulOp::create(rewriter, op->getLoc(), TypeRange{},
                                       *operands, op->getAttrs());
    rewriter.inlineRegionBefore(cast<MatmulOp>(op).getEpilogue(),
                                bufferized.getEpilogue(),
                                bufferized.getEpilogue().end());
    replaceOpWithBufferizedValues(rewriter, op, (*operands)[2]);
    return success();
  }
};

/// tsparse.pack reads its tensor operands and writes nothing.
struct PackOpInterface
    : public BufferizableOpInterface::ExternalModel<PackOpInterface, PackOp> {
  bool bufferizesToMemoryRead(Operation *, OpOperand &,
                              const AnalysisState &) const {
    return true;
  }
  bool bufferizesToMemoryWrite(Operation *, OpOperand &,
                               const AnalysisState &) const {
    return false;
  }
  AliasingValueList getAliasingValues(Operation *, OpOperand &,
                                      const AnalysisState &) const {
    return {};
  }
  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    FailureOr<SmallVector<Value>> operands =
        getOperandBuffers(op, rewriter, options, state);
    if (failed(operands))
      return failure();
    IRMapping mapping;
    mapping.map(op->getOperands(), *operands);
    replaceOpWithBufferizedValues(rewriter, op,
                                  rewriter.clone(*op, mapping)->getResults());
    return success();
  }
};
} // namespace

void tsparse::registerBufferizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, TSparseDialect *) {
    MatmulOp::attachInterface<MatmulOpInterface>(*ctx);
    PackOp::attachInterface<PackOpInterface>(*ctx);
  });
}
