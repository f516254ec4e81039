//===- LowerPacking.cpp - Loops for tsparse.pack and tsparse.unpack -------===//
//
// Runtime packing computes the storage arrays with scalar loops on freshly
// allocated buffers and wraps them in tsparse.assemble; unpacking scatters
// the arrays into a zero-filled dense buffer. Neither is on the hot path of a
// model with compile-time weights, where both fold away.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::tsparse;

namespace {
/// Builds the scalar loop code of packing and unpacking.
class LoopBuilder {
public:
  LoopBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value add(Value lhs, Value rhs) {
    return arith::AddIOp::create(b, loc, lhs, rhs);
  }
  Value sub(Value lhs, Value rhs) {
    return arith::SubIOp::create(b, loc, lhs, rhs);
  }
  Value mul(Value lhs, Value rhs) {
    return arith::MulIOp::create(b, loc, lhs, rhs);
  }
  Value div(Value lhs, Value rhs) {
    return arith::DivUIOp::create(b, loc, lhs, rhs);
  }
  Value min(Value lhs, Value rhs) {
    return arith::MinSIOp::create(b, loc, lhs, rhs);
  }
  Value ceilDiv(Value lhs, Value rhs) {
    return arith::CeilDivSIOp::create(b, loc, lhs, rhs);
  }
  Value select(Value cond, Value lhs, Value rhs) {
    return arith::SelectOp::create(b, loc, cond, lhs, rhs);
  }
  Value andI(Value lhs, Value rhs) {
    return arith::AndIOp::create(b, loc, lhs, rhs);
  }
  Value notI(Value value) {
    Value one = arith::ConstantIntOp::create(b, loc, 1, 1);
    return arith::XOrIOp::create(b, loc, value, one);
  }
  /// 1 if `cond` else 0, as an index.
  Value count(Value cond) { return select(cond, index(1), index(0)); }
  /// True unless `value` is +0.0 or -0.0. Compares the bits without the sign,
  /// so that no floating-point support is needed for f16 and bf16.
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

/// Masks of a runtime pack, as buffers or tensors of i1, and the column tile
/// of every column.
struct RuntimeMasks {
  Value units;   // [numUnits x maxNumTiles]
  Value columns; // [N], compacted layouts only
  Value tileOf;  // [N] index buffer
};
} // namespace

/// Computes the tile of every column: `col / tileN`, or the rank of the
/// column among kept ones divided by `tileN` for compacted layouts.
static Value buildTileOfColumns(LoopBuilder &lb, MatrixType type,
                                Value columns) {
  LayoutAttr layout = type.getLayout();
  Value tileN = lb.index(layout.getTileN());
  Value tileOf = lb.alloc(lb.index(type.getNumColumns()), lb.b.getIndexType());
  lb.loop(lb.index(0), lb.index(type.getNumColumns()), lb.index(0),
          [&](Value col, ValueRange rank) -> SmallVector<Value> {
            if (!layout.isCompacted()) {
              lb.store(lb.div(col, tileN), tileOf, col);
              return {rank[0]};
            }
            lb.store(lb.div(rank[0], tileN), tileOf, col);
            return {lb.add(rank[0], lb.count(lb.load(columns, col)))};
          });
  return tileOf;
}

/// Returns the smallest masks covering the nonzeros of `dense`.
static RuntimeMasks inferMasks(LoopBuilder &lb, MatrixType type, Value dense) {
  LayoutAttr layout = type.getLayout();
  Value numRows = lb.index(type.getNumRows());
  Value numColumns = lb.index(type.getNumColumns());
  RuntimeMasks masks;
  if (layout.isCompacted()) {
    masks.columns =
        lb.allocFilled({type.getNumColumns()}, lb.b.getBoolAttr(false));
    lb.loop(lb.index(0), numColumns, [&](Value col) {
      lb.loop(lb.index(0), numRows, [&](Value row) {
        lb.ifThen(lb.isNonZero(lb.load(dense, {row, col})), [&] {
          lb.store(arith::ConstantIntOp::create(lb.b, lb.loc, 1, 1),
                   masks.columns, col);
        });
      });
    });
  }
  masks.tileOf = buildTileOfColumns(lb, type, masks.columns);
  masks.units = lb.allocFilled({type.getNumUnits(), type.getMaxNumTiles()},
                               lb.b.getBoolAttr(false));
  Value unitK = lb.index(layout.getUnitK());
  lb.loop(lb.index(0), numRows, [&](Value row) {
    lb.loop(lb.index(0), numColumns, [&](Value col) {
      lb.ifThen(lb.isNonZero(lb.load(dense, {row, col})), [&] {
        lb.store(arith::ConstantIntOp::create(lb.b, lb.loc, 1, 1), masks.units,
                 {lb.div(row, unitK), lb.load(masks.tileOf, col)});
      });
    });
  });
  return masks;
}

/// Emits the loops computing the storage arrays of `op` and returns them in
/// the order of getStorageFields.
static SmallVector<Value> buildStorageArrays(LoopBuilder &lb, PackOp op) {
  MatrixType type = op.getType();
  LayoutAttr layout = type.getLayout();
  Type i32 = lb.b.getI32Type();
  Value dense = op.getDense();
  Value zero = lb.index(0), one = lb.index(1);
  Value numRows = lb.index(type.getNumRows());
  Value numColumns = lb.index(type.getNumColumns());
  Value tileN = lb.index(layout.getTileN());
  Value unitK = lb.index(layout.getUnitK());

  RuntimeMasks masks;
  if (op.getUnitMask()) {
    masks.units = op.getUnitMask();
    masks.columns = op.getColumnMask();
    masks.tileOf = buildTileOfColumns(lb, type, masks.columns);
  } else {
    masks = inferMasks(lb, type, dense);
  }

  SmallVector<Value> arrays;
  Value colIds;
  Value numTiled = numColumns;
  if (layout.isCompacted()) {
    numTiled = lb.loop(
        zero, numColumns, zero,
        [&](Value col, ValueRange count) -> SmallVector<Value> {
          return {lb.add(count[0], lb.count(lb.load(masks.columns, col)))};
        })[0];
    colIds = lb.alloc(numTiled, i32);
    lb.loop(zero, numColumns, zero,
            [&](Value col, ValueRange next) -> SmallVector<Value> {
              Value kept = lb.load(masks.columns, col);
              lb.ifThen(kept, [&] { lb.storeIndex(col, colIds, next[0]); });
              return {lb.add(next[0], lb.count(kept))};
            });
    arrays.push_back(lb.toTensor(colIds));
  }

  // tile_ptr, counting the values on the way.
  Value numTiles = lb.ceilDiv(numTiled, tileN);
  Value tilePtr = lb.alloc(lb.add(numTiles, one), i32);
  lb.storeIndex(zero, tilePtr, zero);
  Value numUnits = lb.index(type.getNumUnits());
  ValueRange totals = lb.loop(
      zero, numTiles, ValueRange{zero, zero},
      [&](Value tile, ValueRange acc) -> SmallVector<Value> {
        Value kept = lb.loop(
            zero, numUnits, zero,
            [&](Value unit, ValueRange count) -> SmallVector<Value> {
              return {lb.add(count[0],
                             lb.count(lb.load(masks.units, {unit, tile})))};
            })[0];
        Value end = lb.add(acc[0], kept);
        lb.storeIndex(end, tilePtr, lb.add(tile, one));
        Value width = lb.min(tileN, lb.sub(numTiled, lb.mul(tile, tileN)));
        return {end, lb.add(acc[1], lb.mul(lb.mul(kept, unitK), width))};
      });
  Value numKept = totals[0], numValues = totals[1];

  Value rowIds = lb.alloc(numKept, i32);
  Value values = lb.alloc(numValues, type.getElementType());
  lb.loop(zero, numTiles, [&](Value tile) {
    Value p0 = lb.loadIndex(tilePtr, tile);
    Value col0 = lb.mul(tile, tileN);
    Value width = lb.min(tileN, lb.sub(numTiled, col0));
    Value valuesOffset = lb.mul(p0, lb.mul(unitK, tileN));
    lb.loop(
        zero, numUnits, p0,
        [&](Value unit, ValueRange next) -> SmallVector<Value> {
          Value kept = lb.load(masks.units, {unit, tile});
          lb.ifThen(kept, [&] {
            Value p = next[0];
            lb.storeIndex(unit, rowIds, p);
            Value stored = lb.mul(lb.sub(p, p0), unitK);
            lb.loop(zero, unitK, [&](Value r) {
              Value row = lb.add(lb.mul(unit, unitK), r);
              Value base =
                  lb.add(valuesOffset, lb.mul(lb.add(stored, r), width));
              lb.loop(zero, width, [&](Value j) {
                Value col = lb.add(col0, j);
                if (colIds)
                  col = lb.loadIndex(colIds, col);
                lb.store(lb.load(dense, {row, col}), values, lb.add(base, j));
              });
            });
          });
          return {lb.add(next[0], lb.count(kept))};
        });
  });
  arrays.append(
      {lb.toTensor(tilePtr), lb.toTensor(rowIds), lb.toTensor(values)});
  if (!layout.hasResidual())
    return arrays;

  // The residual holds the nonzeros outside the kept units.
  auto isResidual = [&](Value row, Value col) {
    Value unitKept =
        lb.load(masks.units, {lb.div(row, unitK), lb.load(masks.tileOf, col)});
    if (masks.columns)
      unitKept = lb.andI(unitKept, lb.load(masks.columns, col));
    return lb.andI(lb.notI(unitKept), lb.isNonZero(lb.load(dense, {row, col})));
  };
  Value residualPtr = lb.alloc(lb.add(numRows, one), i32);
  lb.storeIndex(zero, residualPtr, zero);
  Value numResidual =
      lb.loop(zero, numRows, zero,
              [&](Value row, ValueRange acc) -> SmallVector<Value> {
                Value end = lb.loop(
                    zero, numColumns, acc[0],
                    [&](Value col, ValueRange count) -> SmallVector<Value> {
                      return {lb.add(count[0], lb.count(isResidual(row, col)))};
                    })[0];
                lb.storeIndex(end, residualPtr, lb.add(row, one));
                return {end};
              })[0];
  Value residualCols = lb.alloc(numResidual, i32);
  Value residualValues = lb.alloc(numResidual, type.getElementType());
  lb.loop(
      zero, numRows, zero,
      [&](Value row, ValueRange acc) -> SmallVector<Value> {
        return {lb.loop(
            zero, numColumns, acc[0],
            [&](Value col, ValueRange next) -> SmallVector<Value> {
              Value take = isResidual(row, col);
              lb.ifThen(take, [&] {
                lb.storeIndex(col, residualCols, next[0]);
                lb.store(lb.load(dense, {row, col}), residualValues, next[0]);
              });
              return {lb.add(next[0], lb.count(take))};
            })[0]};
      });
  arrays.append({lb.toTensor(residualPtr), lb.toTensor(residualCols),
                 lb.toTensor(residualValues)});
  return arrays;
}

namespace {
/// tsparse.pack -> loops computing the storage arrays + tsparse.assemble.
struct LowerPack : OpRewritePattern<PackOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(PackOp op,
                                PatternRewriter &rewriter) const override {
    LoopBuilder lb(rewriter, op.getLoc());
    SmallVector<Value> arrays = buildStorageArrays(lb, op);
    rewriter.replaceOpWithNewOp<AssembleOp>(op, op.getType(), arrays);
    return success();
  }
};

/// tsparse.unpack -> a zero-filled buffer with the stored values scattered.
struct LowerUnpack : OpRewritePattern<UnpackOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(UnpackOp op,
                                PatternRewriter &rewriter) const override {
    MatrixType type = op.getMatrix().getType();
    if (auto constant = op.getMatrix().getDefiningOp<ConstantOp>()) {
      FailureOr<DenseElementsAttr> dense =
          unpackConstant(type, constant.getStorage());
      if (failed(dense))
        return rewriter.notifyMatchFailure(op, "constant data not available");
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, *dense);
      return success();
    }

    LayoutAttr layout = type.getLayout();
    LoopBuilder lb(rewriter, op.getLoc());
    auto array = [&](StorageField field) -> Value {
      auto arrayType = RankedTensorType::get(
          {ShapedType::kDynamic}, getStorageElementType(type, field));
      return StorageOp::create(rewriter, op.getLoc(), arrayType, op.getMatrix(),
                               field);
    };
    Value colIds = layout.isCompacted() ? array(StorageField::ColIds) : Value();
    Value tilePtr = array(StorageField::TilePtr);
    Value rowIds = array(StorageField::RowIds);
    Value values = array(StorageField::Values);

    Value zero = lb.index(0), one = lb.index(1);
    Value tileN = lb.index(layout.getTileN());
    Value unitK = lb.index(layout.getUnitK());
    Value dense = lb.allocFilled(type.getShape(),
                                 rewriter.getZeroAttr(type.getElementType()));
    Value numTiled =
        colIds ? tensor::DimOp::create(rewriter, op.getLoc(), colIds, 0)
                     .getResult()
               : lb.index(type.getNumColumns());
    Value numTiles = lb.ceilDiv(numTiled, tileN);
    lb.loop(zero, numTiles, [&](Value tile) {
      Value p0 = lb.loadIndex(tilePtr, tile);
      Value p1 = lb.loadIndex(tilePtr, lb.add(tile, one));
      Value col0 = lb.mul(tile, tileN);
      Value width = lb.min(tileN, lb.sub(numTiled, col0));
      Value valuesOffset = lb.mul(p0, lb.mul(unitK, tileN));
      lb.loop(p0, p1, [&](Value p) {
        Value unit = lb.loadIndex(rowIds, p);
        lb.loop(zero, unitK, [&](Value r) {
          Value row = lb.add(lb.mul(unit, unitK), r);
          Value base =
              lb.add(valuesOffset,
                     lb.mul(lb.add(lb.mul(lb.sub(p, p0), unitK), r), width));
          lb.loop(zero, width, [&](Value j) {
            Value col = lb.add(col0, j);
            if (colIds)
              col = lb.loadIndex(colIds, col);
            lb.store(lb.load(values, lb.add(base, j)), dense, {row, col});
          });
        });
      });
    });
    if (layout.hasResidual()) {
      Value residualPtr = array(StorageField::ResidualPtr);
      Value residualCols = array(StorageField::ResidualCols);
      Value residualValues = array(StorageField::ResidualValues);
      lb.loop(zero, lb.index(type.getNumRows()), [&](Value row) {
        lb.loop(lb.loadIndex(residualPtr, row),
                lb.loadIndex(residualPtr, lb.add(row, one)), [&](Value pos) {
                  lb.store(lb.load(residualValues, pos), dense,
                           {row, lb.loadIndex(residualCols, pos)});
                });
      });
    }
    rewriter.replaceOp(op, lb.toTensor(dense));
    return success();
  }
};
} // namespace

void tsparse::populateLowerPackingToLoopsPatterns(RewritePatternSet &patterns) {
  patterns.add<
      // tsparse.pack
      LowerPack,
      // tsparse.unpack
      LowerUnpack>(patterns.getContext());
}
