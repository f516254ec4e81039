//===- LaunchUtils.cpp - Host code around the kernel launches -------------===//
//
// Device copies, launches and the copy of a result back to the host, shared
// by the conversions of tile-sparse and dense products.
//
//===----------------------------------------------------------------------===//

#include "LaunchUtils.h"

#include "tsparse/Conversion/TSparseToGPU/Kernels.h"
#include "tsparse/Dialect/TSparse/Transforms/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::tsparse;

MemRefType tsparse::getDynamicMemRefType(Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<int64_t> shape(type.getRank(), ShapedType::kDynamic);
  return MemRefType::get(shape, type.getElementType());
}

SmallVector<Value> tsparse::getSizes(OpBuilder &b, Location loc, Value memref) {
  SmallVector<Value> sizes;
  for (int64_t dim = 0, e = cast<MemRefType>(memref.getType()).getRank();
       dim < e; ++dim)
    sizes.push_back(memref::DimOp::create(b, loc, memref, dim));
  return sizes;
}

Value tsparse::allocateOnDevice(OpBuilder &b, Location loc, Value tensor) {
  SmallVector<Value> sizes = getValueOrCreateConstantIndexOp(
      b, loc, tensor::getMixedSizes(b, loc, tensor));
  return gpu::AllocOp::create(b, loc, getDynamicMemRefType(tensor),
                              /*asyncToken=*/Type(), ValueRange{}, sizes,
                              ValueRange{}, /*hostShared=*/false)
      .getMemref();
}

bool tsparse::isZeroFill(Value tensor) {
  Value value = getFillValue(tensor);
  return value && (matchPattern(value, m_AnyZeroFloat()) ||
                   matchPattern(value, m_Zero()));
}

Value tsparse::copyToDevice(OpBuilder &b, Location loc, Value tensor) {
  auto hostType = MemRefType::get(
      cast<RankedTensorType>(tensor.getType()).getShape(),
      cast<RankedTensorType>(tensor.getType()).getElementType());
  Value host = bufferization::ToBufferOp::create(b, loc, hostType, tensor,
                                                 /*read_only=*/true);
  MemRefType type = getDynamicMemRefType(tensor);
  host = memref::CastOp::create(b, loc, type, host);
  Value device = gpu::AllocOp::create(b, loc, type, /*asyncToken=*/Type(),
                                      ValueRange{}, getSizes(b, loc, host),
                                      ValueRange{}, /*hostShared=*/false)
                     .getMemref();
  gpu::MemcpyOp::create(b, loc, TypeRange{}, ValueRange{}, device, host);
  return device;
}

void tsparse::launchUnlessEmpty(OpBuilder &b, Location loc,
                                gpu::GPUFuncOp kernel, Value numBlocks,
                                int64_t numThreads, ValueRange operands,
                                int64_t dynamicSharedMemoryBytes) {
  Value anyWork =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, numBlocks,
                            arith::ConstantIndexOp::create(b, loc, 0));
  auto ifOp = scf::IfOp::create(b, loc, anyWork, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value dynamicSharedMemory;
  if (dynamicSharedMemoryBytes)
    dynamicSharedMemory =
        arith::ConstantIntOp::create(b, loc, dynamicSharedMemoryBytes, 32);
  // Buffers are cast to the kernel's types, which may know more of their
  // sizes (KernelConfig::getKernelARowLength).
  SmallVector<Value> args(operands);
  for (auto [arg, type] : llvm::zip(args, kernel.getArgumentTypes()))
    if (arg.getType() != type)
      arg = memref::CastOp::create(b, loc, type, arg);
  gpu::LaunchFuncOp::create(
      b, loc, kernel, gpu::KernelDim3{numBlocks, one, one},
      gpu::KernelDim3{arith::ConstantIndexOp::create(b, loc, numThreads), one,
                      one},
      dynamicSharedMemory, args);
}

/// The tensor map of B (getBTensorMapType) for the kernel `operands`, as
/// the `!llvm.ptr` the kernel takes. The packed values are viewed as rows
/// of tile_n (a narrower last tile is copied by cp.async and left out); a
/// dense B as batches x K x N, or, when N % 8 != 0 (rows not 16-byte
/// aligned, so its tiles are copied by cp.async), as one valid dummy box.
static Value createBTensorMap(OpBuilder &b, Location loc,
                              const KernelConfig &config, ValueRange operands) {
  auto operand = [&](KernelArg which) {
    return operands[static_cast<unsigned>(which)];
  };
  auto constant = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(b, loc, value);
  };
  Value values = operand(KernelArg::Values);
  Value length = memref::DimOp::create(b, loc, values, 0);
  auto valuesType = cast<MemRefType>(values.getType());
  SmallVector<OpFoldResult> sizes, strides;
  if (!config.denseB) {
    int64_t tileN = config.layout.getTileN();
    Value rows = arith::MaxUIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, length, constant(tileN)),
        constant(1));
    sizes = {rows, b.getIndexAttr(tileN)};
    strides = {b.getIndexAttr(tileN), b.getIndexAttr(1)};
  } else {
    Value a = operand(KernelArg::A);
    Value k = memref::DimOp::create(b, loc, a, config.aKMajor ? 0 : 1);
    Value n = operand(KernelArg::NumTiledColumns);
    Value usable = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                              arith::RemUIOp::create(b, loc, n, constant(8)),
                              constant(0)),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                              arith::MulIOp::create(b, loc, k, n),
                              constant(0)));
    auto pick = [&](Value value, int64_t dummy) -> Value {
      return arith::SelectOp::create(b, loc, usable, value, constant(dummy));
    };
    Value mapN = pick(n, 64), mapK = pick(k, 1);
    Value rowElements = arith::MulIOp::create(b, loc, mapK, mapN);
    Value batches =
        pick(arith::MaxUIOp::create(
                 b, loc,
                 arith::DivUIOp::create(
                     b, loc, length,
                     arith::MaxUIOp::create(b, loc, rowElements, constant(1))),
                 constant(1)),
             1);
    sizes = {batches, mapK, mapN};
    strides = {rowElements, mapN, b.getIndexAttr(1)};
  }
  SmallVector<int64_t> staticShape(sizes.size(), ShapedType::kDynamic);
  if (!config.denseB)
    staticShape[1] = config.layout.getTileN();
  Value view = memref::ReinterpretCastOp::create(
      b, loc, MemRefType::get(staticShape, valuesType.getElementType()), values,
      b.getIndexAttr(0), sizes, strides);
  Value unranked = memref::CastOp::create(
      b, loc, UnrankedMemRefType::get(valuesType.getElementType(), 0), view);
  nvgpu::TensorMapDescriptorType mapType = getBTensorMapType(config);
  SmallVector<Value> box;
  for (int64_t size : mapType.getTensor().getShape())
    box.push_back(constant(size));
  Value map =
      nvgpu::TmaCreateDescriptorOp::create(b, loc, mapType, unranked, box);
  return UnrealizedConversionCastOp::create(
             b, loc, LLVM::LLVMPointerType::get(b.getContext()), map)
      .getResult(0);
}

void tsparse::launchProductKernel(OpBuilder &b, Location loc,
                                  gpu::GPUModuleOp module,
                                  const KernelConfig &config, Value numBlocks,
                                  ValueRange operands) {
  SmallVector<Value> arguments(operands);
  if (config.isPersistent())
    numBlocks = arith::MinUIOp::create(
        b, loc, numBlocks,
        arith::ConstantIndexOp::create(b, loc, config.persistentBlocks));
  if (config.loadsBByTMA())
    arguments.push_back(createBTensorMap(b, loc, config, operands));
  launchUnlessEmpty(
      b, loc, getOrCreateKernel(b, module, config), numBlocks,
      config.getNumThreads(), arguments,
      config.usesDynamicSharedMemory() ? config.getSharedMemoryBytes() : 0);
}

Value tsparse::transposeOnDevice(OpBuilder &b, Location loc,
                                 gpu::GPUModuleOp module, Value matrix) {
  auto type = cast<MemRefType>(matrix.getType());
  Value rows = memref::DimOp::create(b, loc, matrix, 0);
  Value cols = memref::DimOp::create(b, loc, matrix, 1);
  Value transposed =
      gpu::AllocOp::create(b, loc, type, /*asyncToken=*/Type(), ValueRange{},
                           ValueRange{cols, rows}, ValueRange{},
                           /*hostShared=*/false)
          .getMemref();
  Value tile = arith::ConstantIndexOp::create(b, loc, 32);
  Value numBlocks = arith::MulIOp::create(
      b, loc, arith::CeilDivUIOp::create(b, loc, rows, tile),
      arith::CeilDivUIOp::create(b, loc, cols, tile));
  launchUnlessEmpty(
      b, loc, getOrCreateTransposeKernel(b, module, type.getElementType()),
      numBlocks, kTransposeThreads, ValueRange{matrix, transposed});
  return transposed;
}

Value tsparse::createI32Array(OpBuilder &b, Location loc,
                              ArrayRef<int32_t> values) {
  return arith::ConstantOp::create(
      b, loc,
      DenseIntElementsAttr::get(
          RankedTensorType::get({static_cast<int64_t>(values.size())},
                                b.getI32Type()),
          values));
}

std::pair<Value, Value>
tsparse::generateInOrderWorkList(OpBuilder &b, Location loc, Value count) {
  auto generate = [&](bool identity) -> Value {
    return tensor::GenerateOp::create(
        b, loc, RankedTensorType::get({ShapedType::kDynamic}, b.getI32Type()),
        ValueRange{count}, [&](OpBuilder &b, Location loc, ValueRange indices) {
          Value value =
              identity
                  ? arith::IndexCastOp::create(b, loc, b.getI32Type(),
                                               indices[0])
                        .getResult()
                  : arith::ConstantIntOp::create(b, loc, 0, 32).getResult();
          tensor::YieldOp::create(b, loc, value);
        });
  };
  return {generate(/*identity=*/true), generate(/*identity=*/false)};
}

Value tsparse::refillAccumulator(OpBuilder &b, Location loc, Value c) {
  Value fillValue = getFillValue(c);
  if (!fillValue)
    return c;
  Value empty = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, c), fillValue.getType());
  return linalg::FillOp::create(b, loc, fillValue, empty).getResult(0);
}

Value tsparse::copyResultToHost(OpBuilder &b, Location loc, Value deviceC,
                                RankedTensorType type, ValueRange temporaries) {
  Value result = memref::AllocOp::create(
      b, loc, cast<MemRefType>(deviceC.getType()), getSizes(b, loc, deviceC));
  gpu::MemcpyOp::create(b, loc, TypeRange{}, ValueRange{}, result, deviceC);
  for (Value device : temporaries)
    gpu::DeallocOp::create(b, loc, TypeRange{}, ValueRange{}, device);
  result = memref::CastOp::create(
      b, loc, MemRefType::get(type.getShape(), type.getElementType()), result);
  return bufferization::ToTensorOp::create(b, loc, type, result,
                                           /*restrict=*/true,
                                           /*writable=*/true);
}

Value tsparse::keepYieldedInDestination(OpBuilder &b, Location loc,
                                        Operation *op, Value result,
                                        Value dest) {
  if (llvm::none_of(op->getUsers(), [](Operation *user) {
        return user->hasTrait<OpTrait::ReturnLike>() &&
               !isa<func::ReturnOp>(user);
      }))
    return result;
  return bufferization::MaterializeInDestinationOp::create(b, loc, result, dest)
      .getResult();
}
