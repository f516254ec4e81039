//===- LoopBuilder.h - Helpers for the loop lowerings -----------*- C++ -*-===//
//
// A thin builder for the index arithmetic, scalar loops and buffer accesses
// the CPU loop lowerings emit. Internal to TSparseTransforms.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_LIB_DIALECT_TSPARSE_TRANSFORMS_LOOPBUILDER_H
#define TSPARSE_LIB_DIALECT_TSPARSE_TRANSFORMS_LOOPBUILDER_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir {
namespace tsparse {

/// Builds index arithmetic, scalar loops and buffer accesses with less
/// noise, for the loop lowerings, at the insertion point of the builder it
/// wraps (the lowerings interleave it with plain builder calls). `add`,
/// `sub`, `mul`, `select` and `_and` come from upstream's
/// ArithIndexingBuilder (no signed wrap).
class LoopBuilder : public ArithIndexingBuilder {
public:
  LoopBuilder(OpBuilder &b, Location loc)
      : ArithIndexingBuilder(b, loc), b(b), loc(loc) {}

  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value div(Value lhs, Value rhs) {
    return arith::DivUIOp::create(b, loc, lhs, rhs);
  }
  Value min(Value lhs, Value rhs) {
    return arith::MinSIOp::create(b, loc, lhs, rhs);
  }
  Value rem(Value lhs, Value rhs) {
    return arith::RemSIOp::create(b, loc, lhs, rhs);
  }
  /// Size of dimension `dim` of a tensor.
  Value dim(Value tensor, int64_t dim) {
    return tensor::DimOp::create(b, loc, tensor, dim);
  }
  Value ceilDiv(Value lhs, Value rhs) {
    return arith::CeilDivSIOp::create(b, loc, lhs, rhs);
  }
  Value notI(Value value) {
    Value one = arith::ConstantIntOp::create(b, loc, 1, 1);
    return arith::XOrIOp::create(b, loc, value, one);
  }
  /// 1 if `cond` else 0, as an index.
  Value count(Value cond) { return select(cond, index(1), index(0)); }
  /// True unless `value` is +0.0 or -0.0, as `isNonZeroElement` at compile
  /// time. Compares the bits without the sign, so that no floating-point
  /// support is needed for f16 and bf16.
  Value isNonZero(Value value) {
    unsigned width = value.getType().getIntOrFloatBitWidth();
    Type intType = b.getIntegerType(width);
    Value bits = arith::BitcastOp::create(b, loc, intType, value);
    Value magnitude = arith::AndIOp::create(
        b, loc, bits,
        arith::ConstantIntOp::create(b, loc, intType,
                                     (int64_t(1) << (width - 1)) - 1));
    Value zero = arith::ConstantIntOp::create(b, loc, intType, 0);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, magnitude,
                                 zero);
  }

  /// Allocates a 1-D buffer of `size` elements.
  Value alloc(Value size, Type elementType) {
    auto type = MemRefType::get({ShapedType::kDynamic}, elementType);
    return memref::AllocOp::create(b, loc, type, ValueRange{size});
  }
  /// Allocates a 2-D buffer filled with `fill`.
  Value allocFilled(ArrayRef<int64_t> shape, Attribute fill) {
    auto type = MemRefType::get(shape, cast<TypedAttr>(fill).getType());
    Value buffer = memref::AllocOp::create(b, loc, type);
    Value value = arith::ConstantOp::create(b, loc, cast<TypedAttr>(fill));
    linalg::FillOp::create(b, loc, value, buffer);
    return buffer;
  }
  Value load(Value source, ValueRange indices) {
    if (isa<MemRefType>(source.getType()))
      return memref::LoadOp::create(b, loc, source, indices);
    return tensor::ExtractOp::create(b, loc, source, indices);
  }
  /// Loads an i32 array element as an index.
  Value loadIndex(Value source, ValueRange indices) {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                      load(source, indices));
  }
  void store(Value value, Value dest, ValueRange indices) {
    memref::StoreOp::create(b, loc, value, dest, indices);
  }
  void storeIndex(Value value, Value dest, ValueRange indices) {
    store(arith::IndexCastOp::create(b, loc, b.getI32Type(), value), dest,
          indices);
  }
  /// Wraps a buffer written here into a tensor.
  Value toTensor(Value buffer) {
    auto type = cast<MemRefType>(buffer.getType());
    auto tensorType =
        RankedTensorType::get(type.getShape(), type.getElementType());
    return bufferization::ToTensorOp::create(b, loc, tensorType, buffer,
                                             /*restrict=*/true,
                                             /*writable=*/true);
  }

  /// Emits `for (i = lb; i < ub; ++i)` carrying `init`; `body` returns the
  /// next values.
  ValueRange loop(Value lb, Value ub, ValueRange init,
                  function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    auto forOp = scf::ForOp::create(
        b, loc, lb, ub, index(1), init,
        [&](OpBuilder &, Location, Value iv, ValueRange iterArgs) {
          scf::YieldOp::create(b, loc, body(iv, iterArgs));
        });
    return forOp.getResults();
  }
  void loop(Value lb, Value ub, function_ref<void(Value)> body) {
    loop(lb, ub, ValueRange{}, [&](Value iv, ValueRange) {
      body(iv);
      return SmallVector<Value>();
    });
  }
  /// Emits `if (cond) body()`.
  void ifThen(Value cond, function_ref<void()> body) {
    auto ifOp = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    body();
  }

  OpBuilder &b;
  Location loc;
};

} // namespace tsparse
} // namespace mlir

#endif // TSPARSE_LIB_DIALECT_TSPARSE_TRANSFORMS_LOOPBUILDER_H
