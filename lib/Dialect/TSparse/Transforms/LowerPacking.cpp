//===- LowerPacking.cpp - Loops for tsparse.pack and tsparse.unpack -------===//
//
// Runtime packing computes the storage arrays with scalar loops on freshly
// allocated buffers and wraps them in tsparse.assemble; unpacking scatters
// the arrays into a zero-filled dense buffer. Neither is on the hot path of a
// model with compile-time weights, where both fold away.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseDialect.h"
#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/LowerToLoops.h"

#include "ColumnAccess.h"
#include "LoopBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::tsparse;

namespace {
/// Masks of a runtime pack, as buffers or tensors of i1, and the column tile
/// of every column.
struct RuntimeMasks {
  Value units;   // [numUnits x maxNumTiles]
  Value columns; // [N], compacted layouts only
  Value tileOf;  // [N] index buffer
};
} // namespace

/// The widest row segment copied as one vector when packing at run time.
constexpr int64_t kMaxCopyVectorWidth = 256;

/// Copies `width` (at most `vectorWidth`) elements of row `row` of `dense`
/// from column `col` on to `values[base...]`, as one masked vector.
static void copyRowSegment(OpBuilder &b, Location loc, Value dense, Value row,
                           Value col, Value width, Value values, Value base,
                           int64_t vectorWidth) {
  Type elementType = getElementTypeOrSelf(dense.getType());
  Value segment =
      readRow(b, loc, VectorType::get({vectorWidth}, elementType), dense, row,
              col, getRowMask(b, loc, width, vectorWidth));
  Value mask = vector::CreateMaskOp::create(
      b, loc, VectorType::get({vectorWidth}, b.getI1Type()), width);
  writeArray(b, loc, segment, values, base, mask);
}

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
  // Rows of original columns are copied one masked vector at a time.
  int64_t copyVectorWidth =
      !layout.isCompacted() && layout.getTileN() <= kMaxCopyVectorWidth
          ? layout.getTileN()
          : 0;
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
              if (copyVectorWidth) {
                copyRowSegment(lb.b, lb.loc, dense, row, col0, width, values,
                               base, copyVectorWidth);
                return;
              }
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
      unitKept = lb._and(unitKept, lb.load(masks.columns, col));
    return lb._and(lb.notI(unitKept), lb.isNonZero(lb.load(dense, {row, col})));
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
