//===- ColumnAccess.cpp - Vector access to rows and column lists ----------===//
//
// Vector transfers of tensor rows and vectorized gathers and scatters
// through column lists, for the CPU lowering of tsparse.matmul.
//
//===----------------------------------------------------------------------===//

#include "ColumnAccess.h"
#include "LoopBuilder.h"

#include "tsparse/Dialect/TSparse/Transforms/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::tsparse;

Value tsparse::readArray(OpBuilder &b, Location loc, VectorType type,
                         Value source, Value offset, Value mask,
                         bool inBounds) {
  Value pad =
      arith::ConstantOp::create(b, loc, b.getZeroAttr(type.getElementType()));
  return vector::TransferReadOp::create(
      b, loc, type, source, offset,
      AffineMapAttr::get(b.getMultiDimIdentityMap(1)), pad, mask,
      b.getBoolArrayAttr({inBounds}));
}

Value tsparse::writeArray(OpBuilder &b, Location loc, Value vector, Value dest,
                          Value offset, Value mask) {
  return vector::TransferWriteOp::create(
             b, loc, vector, dest, offset,
             AffineMapAttr::get(b.getMultiDimIdentityMap(1)), mask,
             b.getBoolArrayAttr({false}))
      .getResult();
}

Value tsparse::readRow(OpBuilder &b, Location loc, VectorType type,
                       Value source, Value row, Value col, Value mask) {
  auto rowType =
      VectorType::get({1, type.getNumElements()}, type.getElementType());
  Value pad =
      arith::ConstantOp::create(b, loc, b.getZeroAttr(type.getElementType()));
  Value read = vector::TransferReadOp::create(
      b, loc, rowType, source, ValueRange{row, col},
      AffineMapAttr::get(b.getMultiDimIdentityMap(2)), pad, mask,
      b.getBoolArrayAttr({true, false}));
  return vector::ShapeCastOp::create(b, loc, type, read);
}

Value tsparse::writeRow(OpBuilder &b, Location loc, Value vector, Value dest,
                        Value row, Value col, Value mask) {
  auto type = cast<VectorType>(vector.getType());
  auto rowType =
      VectorType::get({1, type.getNumElements()}, type.getElementType());
  Value rowVector = vector::ShapeCastOp::create(b, loc, rowType, vector);
  return vector::TransferWriteOp::create(
             b, loc, dest.getType(), rowVector, dest, ValueRange{row, col},
             AffineMapAttr::get(b.getMultiDimIdentityMap(2)), mask,
             b.getBoolArrayAttr({true, false}))
      .getResult();
}

Value tsparse::getRowMask(OpBuilder &b, Location loc, Value count,
                          int64_t width) {
  LoopBuilder ib(b, loc);
  return vector::CreateMaskOp::create(
      b, loc, VectorType::get({1, width}, b.getI1Type()),
      ValueRange{ib.index(1), count});
}

Value tsparse::forEachColumnChunk(
    OpBuilder &b, Location loc, Value numRows, Value columns, Value count,
    int64_t width, Value init,
    function_ref<Value(OpBuilder &, Location, const ColumnChunk &, Value)>
        body) {
  LoopBuilder ib(b, loc);
  auto walk = [&](OpBuilder &b, Location loc, Value row, Value acc) {
    LoopBuilder ib(b, loc);
    auto chunks = scf::ForOp::create(
        b, loc, ib.index(0), count, ib.index(width), ValueRange{acc},
        [&](OpBuilder &b, Location loc, Value first, ValueRange args) {
          LoopBuilder ib(b, loc);
          ColumnChunk chunk;
          chunk.row = row;
          chunk.first = first;
          chunk.lanes = ib.min(ib.index(width), ib.sub(count, first));
          chunk.mask = vector::CreateMaskOp::create(
              b, loc, VectorType::get({width}, b.getI1Type()), chunk.lanes);
          Type elementType = getElementTypeOrSelf(columns.getType());
          Value read =
              readArray(b, loc, VectorType::get({width}, elementType), columns,
                        first, chunk.mask, /*inBounds=*/false);
          chunk.columns =
              elementType.isIndex()
                  ? read
                  : arith::IndexCastOp::create(
                        b, loc, VectorType::get({width}, b.getIndexType()),
                        read)
                        .getResult();
          scf::YieldOp::create(b, loc, body(b, loc, chunk, args[0]));
        });
    return chunks.getResult(0);
  };
  if (!numRows)
    return walk(b, loc, Value(), init);
  auto rows = scf::ForOp::create(
      b, loc, ib.index(0), numRows, ib.index(1), ValueRange{init},
      [&](OpBuilder &b, Location loc, Value row, ValueRange args) {
        scf::YieldOp::create(b, loc, walk(b, loc, row, args[0]));
      });
  return rows.getResult(0);
}

Value tsparse::gatherColumns(OpBuilder &b, Location loc, Value source,
                             Value colIds, Value count, int64_t width) {
  LoopBuilder ib(b, loc);
  auto type = cast<RankedTensorType>(source.getType());
  bool is2D = type.getRank() == 2;
  SmallVector<OpFoldResult> shape;
  if (is2D)
    shape.push_back(ib.dim(source, 0));
  shape.push_back(count);
  Value init = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  if (Value scalar = getFillValue(source))
    return linalg::FillOp::create(b, loc, ValueRange{scalar}, init)
        .getResult(0);
  auto vectorType = VectorType::get({width}, type.getElementType());
  return forEachColumnChunk(
      b, loc, is2D ? ib.dim(source, 0) : Value(), colIds, count, width, init,
      [&](OpBuilder &b, Location loc, const ColumnChunk &chunk,
          Value acc) -> Value {
        LoopBuilder ib(b, loc);
        Value pass =
            arith::ConstantOp::create(b, loc, b.getZeroAttr(vectorType));
        SmallVector<Value> offsets = {ib.index(0)};
        if (is2D)
          offsets.insert(offsets.begin(), chunk.row);
        Value gathered =
            vector::GatherOp::create(b, loc, vectorType, source, offsets,
                                     chunk.columns, chunk.mask, pass);
        if (is2D)
          return writeRow(b, loc, gathered, acc, chunk.row, chunk.first,
                          getRowMask(b, loc, chunk.lanes, width));
        return writeArray(b, loc, gathered, acc, chunk.first, chunk.mask);
      });
}

Value tsparse::scatterColumns(OpBuilder &b, Location loc, Value compact,
                              Value dest, Value colIds, int64_t width) {
  LoopBuilder ib(b, loc);
  Value count = ib.dim(compact, 1);
  auto vectorType = VectorType::get(
      {width}, cast<ShapedType>(compact.getType()).getElementType());
  return forEachColumnChunk(
      b, loc, ib.dim(compact, 0), colIds, count, width, dest,
      [&](OpBuilder &b, Location loc, const ColumnChunk &chunk, Value acc) {
        LoopBuilder ib(b, loc);
        Value rowMask = getRowMask(b, loc, chunk.lanes, width);
        Value values = readRow(b, loc, vectorType, compact, chunk.row,
                               chunk.first, rowMask);
        return vector::ScatterOp::create(b, loc, acc.getType(), acc,
                                         ValueRange{chunk.row, ib.index(0)},
                                         chunk.columns, chunk.mask, values)
            .getResult();
      });
}

/// Returns whether column `n` is `colIds[next]`, the next kept column of a
/// merge walk over the ascending `colIds[0, numKept)` (false past its end).
static Value isNextKeptColumn(OpBuilder &b, Location loc, Value colIds,
                              Value numKept, Value next, Value n) {
  Value inRange =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, next, numKept);
  auto isKept = scf::IfOp::create(
      b, loc, inRange,
      [&](OpBuilder &b, Location loc) {
        LoopBuilder ib(b, loc);
        Value kept = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                           ib.loadIndex(colIds, next), n);
        scf::YieldOp::create(b, loc, kept);
      },
      [&](OpBuilder &b, Location loc) {
        scf::YieldOp::create(
            b, loc, ValueRange{arith::ConstantIntOp::create(b, loc, 0, 1)});
      });
  return isKept.getResult(0);
}

Value tsparse::computeDroppedColumns(OpBuilder &b, Location loc, Value colIds,
                                     Value numKept, Value numColumns) {
  LoopBuilder ib(b, loc);
  Value zero = ib.index(0), one = ib.index(1);
  Value init = tensor::EmptyOp::create(
      b, loc, ArrayRef<OpFoldResult>{ib.sub(numColumns, numKept)},
      b.getIndexType());
  auto merge = scf::ForOp::create(
      b, loc, zero, numColumns, one, ValueRange{zero, zero, init},
      [&](OpBuilder &b, Location loc, Value n, ValueRange args) {
        Value next = args[0], count = args[1], dropped = args[2];
        auto step = scf::IfOp::create(
            b, loc, isNextKeptColumn(b, loc, colIds, numKept, next, n),
            [&](OpBuilder &b, Location loc) {
              LoopBuilder ib(b, loc);
              scf::YieldOp::create(
                  b, loc, ValueRange{ib.add(next, one), count, dropped});
            },
            [&](OpBuilder &b, Location loc) {
              LoopBuilder ib(b, loc);
              Value inserted =
                  tensor::InsertOp::create(b, loc, n, dropped, count);
              scf::YieldOp::create(
                  b, loc, ValueRange{next, ib.add(count, one), inserted});
            });
        scf::YieldOp::create(b, loc, step.getResults());
      });
  return merge.getResult(2);
}

/// Returns the kept columns before each column of `[0, numColumns]` (one
/// more entry than columns), from the ascending `colIds[0, numKept)`.
static Value computeKeptBefore(OpBuilder &b, Location loc, Value colIds,
                               Value numKept, Value numColumns) {
  LoopBuilder ib(b, loc);
  Value zero = ib.index(0), one = ib.index(1);
  Value init = tensor::EmptyOp::create(
      b, loc, ArrayRef<OpFoldResult>{ib.add(numColumns, one)},
      b.getIndexType());
  auto walk = scf::ForOp::create(
      b, loc, zero, ib.add(numColumns, one), one, ValueRange{zero, init},
      [&](OpBuilder &b, Location loc, Value n, ValueRange args) {
        LoopBuilder ib(b, loc);
        Value next = args[0];
        Value before = tensor::InsertOp::create(b, loc, next, args[1], n);
        Value kept = isNextKeptColumn(b, loc, colIds, numKept, next, n);
        scf::YieldOp::create(b, loc,
                             ValueRange{ib.add(next, ib.count(kept)), before});
      });
  return walk.getResult(1);
}

Value tsparse::expandColumns(
    OpBuilder &b, Location loc, Value compact, Value dest, Value colIds,
    Value count, int64_t width,
    function_ref<Value(OpBuilder &, Location, Value, Value, Value)> dropped) {
  LoopBuilder ib(b, loc);
  auto compactType = cast<RankedTensorType>(compact.getType());
  Value keptBefore = computeKeptBefore(b, loc, colIds, count, ib.dim(dest, 1));
  // The expanding loads read the compact rows from memory.
  Value compactBuffer = bufferization::ToBufferOp::create(
      b, loc,
      MemRefType::get(compactType.getShape(), compactType.getElementType()),
      compact, /*read_only=*/true);
  VectorType valueType = VectorType::get({width}, compactType.getElementType());
  VectorType indexType = VectorType::get({width}, b.getIndexType());
  Value numColumns = ib.dim(dest, 1);
  // Rows are independent: a parallel loop, each row written as a slice.
  auto rows = scf::ForallOp::create(
      b, loc, ArrayRef<OpFoldResult>{ib.dim(dest, 0)}, ValueRange{dest},
      /*mapping=*/std::nullopt);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(rows.getBody());
    Value row = rows.getInductionVar(0);
    Value out = rows.getRegionIterArgs()[0];
    SmallVector<OpFoldResult> offsets = {row, b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), numColumns};
    SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
    Value rowSlice =
        tensor::ExtractSliceOp::create(b, loc, out, offsets, sizes, strides);
    Value zero = ib.index(0);
    auto chunks = scf::ForOp::create(
        b, loc, zero, numColumns, ib.index(width), ValueRange{rowSlice},
        [&](OpBuilder &b, Location loc, Value col, ValueRange args) {
          LoopBuilder ib(b, loc);
          Value lanes = ib.min(ib.index(width), ib.sub(numColumns, col));
          Value mask = vector::CreateMaskOp::create(
              b, loc, VectorType::get({width}, b.getI1Type()), lanes);
          // Column j is kept when keptBefore grows after it.
          Value first = ib.loadIndex(keptBefore, col);
          Value lo = readArray(b, loc, indexType, keptBefore, col, mask,
                               /*inBounds=*/false);
          Value hi = readArray(b, loc, indexType, keptBefore,
                               ib.add(col, ib.index(1)), mask,
                               /*inBounds=*/false);
          Value kept =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, lo, hi);
          Value numKept =
              ib.sub(ib.loadIndex(keptBefore, ib.add(col, lanes)), first);
          Value anyDropped = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::ult, numKept, lanes);
          auto pass = scf::IfOp::create(
              b, loc, anyDropped,
              [&](OpBuilder &b, Location loc) {
                scf::YieldOp::create(b, loc, dropped(b, loc, row, col, lanes));
              },
              [&](OpBuilder &b, Location loc) {
                scf::YieldOp::create(b, loc,
                                     ValueRange{arith::ConstantOp::create(
                                         b, loc, b.getZeroAttr(valueType))});
              });
          Value value = vector::ExpandLoadOp::create(
              b, loc, valueType, compactBuffer, ValueRange{row, first}, kept,
              pass.getResult(0));
          scf::YieldOp::create(b, loc,
                               writeRow(b, loc, value, args[0], zero, col,
                                        getRowMask(b, loc, lanes, width)));
        });
    b.setInsertionPointToStart(rows.getTerminator().getBody());
    tensor::ParallelInsertSliceOp::create(b, loc, chunks.getResult(0), out,
                                          offsets, sizes, strides);
  }
  return rows.getResult(0);
}
