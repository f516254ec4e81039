//===- BufferizableOpInterfaceImpl.h - tsparse bufferization ----*- C++ -*-===//
//
// External models of BufferizableOpInterface for the tsparse ops that take
// tensors, so that one-shot bufferization handles programs mixing them with
// linalg.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H

namespace mlir {
class DialectRegistry;

namespace tsparse {
/// Registers the bufferization models of tsparse.matmul (in place into its
/// accumulator) and tsparse.pack (reads its dense operand and masks).
void registerBufferizableOpInterfaceExternalModels(DialectRegistry &registry);
} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H
