//===- LaunchUtils.h - Host code around the kernel launches -----*- C++ -*-===//
//
// Device copies, launches and the copy of a result back to the host, shared
// by the conversions of tile-sparse and dense products. Copies are written
// plainly, one per operand; --tsparse-place-on-device later removes those
// that only stage data already on the device.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_LIB_CONVERSION_TSPARSETOGPU_LAUNCHUTILS_H
#define TSPARSE_LIB_CONVERSION_TSPARSETOGPU_LAUNCHUTILS_H

#include "tsparse/Conversion/TSparseToGPU/Kernels.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir {
namespace tsparse {

/// Returns the type of `tensor` as a memref with every dimension dynamic.
MemRefType getDynamicMemRefType(Value tensor);

/// Returns the sizes of `memref`.
SmallVector<Value> getSizes(OpBuilder &b, Location loc, Value memref);

/// Copies `tensor` into a new device buffer with dynamic dimensions.
Value copyToDevice(OpBuilder &b, Location loc, Value tensor);

/// Allocates a device buffer (dynamic dimensions) of the sizes of `tensor`,
/// whose contents are not copied.
Value allocateOnDevice(OpBuilder &b, Location loc, Value tensor);

/// Returns true if `tensor` is filled with zero (`linalg.fill`, or the
/// generic it generalizes to).
bool isZeroFill(Value tensor);

/// Launches `kernel` on `numBlocks` x 1 x 1 blocks of `numThreads`, with
/// `dynamicSharedMemoryBytes` of dynamic shared memory, unless the grid is
/// empty, which CUDA rejects.
void launchUnlessEmpty(OpBuilder &b, Location loc, gpu::GPUFuncOp kernel,
                       Value numBlocks, int64_t numThreads, ValueRange operands,
                       int64_t dynamicSharedMemoryBytes = 0);

/// Launches the kernel of `config` (created in `module` if needed) on
/// `numBlocks` blocks with `operands`, unless the grid is empty.
void launchProductKernel(OpBuilder &b, Location loc, gpu::GPUModuleOp module,
                         const KernelConfig &config, Value numBlocks,
                         ValueRange operands);

/// Returns a device copy of the transpose of the device matrix `matrix`,
/// computed by the transposition kernel of `module`.
Value transposeOnDevice(OpBuilder &b, Location loc, gpu::GPUModuleOp module,
                        Value matrix);

/// Returns a constant 1-D i32 tensor of `values`.
Value createI32Array(OpBuilder &b, Location loc, ArrayRef<int32_t> values);

/// Returns the work list (column tiles, first kept rows: i32 tensors) that
/// visits tiles 0 .. `count` - 1 whole, in order, built at run time.
std::pair<Value, Value> generateInOrderWorkList(OpBuilder &b, Location loc,
                                                Value count);

/// Returns the accumulator `c` of a product, filled again into a tensor of
/// the product's own if it is a fill: the fill's tensor may be shared with
/// other products or reused by later ops, and a buffer that dies with the
/// product's copy of it becomes that copy (--tsparse-place-on-device).
Value refillAccumulator(OpBuilder &b, Location loc, Value c);

/// Copies the device result `deviceC` into a new host buffer, frees the
/// device `temporaries` and returns the result as a tensor of `type`.
Value copyResultToHost(OpBuilder &b, Location loc, Value deviceC,
                       RankedTensorType type, ValueRange temporaries);

/// Returns `result`, the new value of the product `op` with destination
/// `dest`, materialized in `dest` if `op` is yielded from a loop: the loop's
/// iteration buffer must hold it, not a new buffer.
Value keepYieldedInDestination(OpBuilder &b, Location loc, Operation *op,
                               Value result, Value dest);

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_LIB_CONVERSION_TSPARSETOGPU_LAUNCHUTILS_H
