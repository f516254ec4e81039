//===- LowerMatmul.cpp - Skipped-tile loops for tsparse.matmul ------------===//
//
// Lowers the tile-sparse product to an scf.forall over (M tile, column tile)
// whose body visits only the kept row units of its column tile, with a
// register-blocked vector micro-kernel.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/Epilogue.h"
#include "tsparse/Dialect/TSparse/Transforms/LowerToLoops.h"
#include "tsparse/Dialect/TSparse/Transforms/LoweringUtils.h"

#include "ColumnAccess.h"
#include "LoopBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::tsparse;

/// Extends `value` (scalar or vector) to the element type `type` if needed.
static Value extendTo(OpBuilder &b, Location loc, Value value, Type type) {
  Type elementType = mlir::getElementTypeOrSelf(value.getType());
  if (elementType == type)
    return value;
  Type target = type;
  if (auto vectorType = dyn_cast<VectorType>(value.getType()))
    target = vectorType.clone(type);
  return arith::ExtFOp::create(b, loc, target, value);
}

namespace {
/// Emits the loops of one tsparse.matmul.
class MatmulLowering {
public:
  /// `epilogueOperands` are those of `op`, reduced to the kept columns for
  /// a compacted layout.
  /// A non-null `fillValue` is the initial value of every accumulator,
  /// instead of C's elements.
  MatmulLowering(OpBuilder &b, Location loc, MatmulOp op,
                 ValueRange epilogueOperands,
                 const MatrixStorageValues &storage,
                 const LowerToLoopsOptions &options, Value fillValue)
      : b(b), loc(loc), ib(b, loc), storage(storage), options(options), op(op),
        epilogueOperands(epilogueOperands), fillValue(fillValue), a(op.getA()),
        layout(op.getB().getType().getLayout()),
        inputType(op.getB().getType().getElementType()),
        accType(op.getAccumulatorType()),
        vectorType(VectorType::get({options.microCols}, accType)),
        storedVectorType(VectorType::get(
            {options.microCols},
            cast<ShapedType>(op.getC().getType()).getElementType())),
        maskType(VectorType::get({options.microCols}, b.getI1Type())) {}

  /// Returns `c + a * b` over the tiled columns, in place of `acc`.
  Value emitTiles(Value acc);

  /// Returns `acc + a * residual`.
  Value emitResidual(Value acc);

  /// Returns `acc` with the epilogue applied to the columns outside
  /// `colIds` (the `numKept` columns of a compacted layout), whose products
  /// are all pruned.
  Value emitDroppedColumns(Value acc, Value colIds, Value numKept);

  /// Returns the elements of the pruned columns of a filled C, a vector of
  /// the `lanes` columns from `col` of row `row`: the fill value, through
  /// the epilogue if any.
  Value emitFilledColumns(OpBuilder &b, Location loc, Value row, Value col,
                          Value lanes);

private:
  /// The state of one work item (M tile x column tile).
  struct TileState {
    Value m0, col0, width, p0, p1, valuesOffset;
    /// The units of this pass over the tile's rows, in [p0, p1).
    Value begin, end;
    /// With passes over chunks of rows: whether this is the first and the
    /// last pass (i1); null otherwise.
    Value isFirst, isLast;
  };

  /// Returns the epilogue of the accumulator rows `accs` of the micro-kernel
  /// at (`row`, `col`) of the tile.
  SmallVector<Value> emitEpilogueRows(OpBuilder &b, Location loc,
                                      const TileState &tile, ValueRange accs,
                                      Value row, Value col, Value mask,
                                      Value rowMask);
  Value emitTileKernel(const TileState &tile, Value cTile, Value numRows);
  Value emitColumnSweep(const TileState &tile, Value cTile, Value row,
                        int64_t rows);
  Value emitMicroKernel(OpBuilder &b, Location loc, const TileState &tile,
                        Value cTile, Value row, Value col, int64_t rows);

  OpBuilder &b;
  Location loc;
  LoopBuilder ib;
  const MatrixStorageValues &storage;
  const LowerToLoopsOptions &options;
  MatmulOp op;
  SmallVector<Value> epilogueOperands;
  Value fillValue;
  Value a;
  LayoutAttr layout;
  Type inputType, accType;
  /// The accumulators, and C's elements (narrower with a narrowing
  /// epilogue).
  VectorType vectorType, storedVectorType, maskType;
};
} // namespace

Value MatmulLowering::emitTiles(Value acc) {
  Value numRows = ib.dim(a, 0);
  Value mTile = ib.index(options.mTile);
  Value numMTiles = ib.ceilDiv(numRows, mTile);
  SmallVector<OpFoldResult> upperBounds = {numMTiles, storage.numScheduled};
  auto forall = scf::ForallOp::create(b, loc, upperBounds, ValueRange{acc},
                                      /*mapping=*/std::nullopt);

  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(forall.getBody());
  Value mBlock = forall.getInductionVar(0);
  Value index = forall.getInductionVar(1);
  Value tileIndex = storage.order ? ib.loadIndex(storage.order, index) : index;
  Value tileN = ib.index(layout.getTileN());

  TileState tile;
  tile.m0 = ib.mul(mBlock, mTile);
  Value mSize = ib.min(mTile, ib.sub(numRows, tile.m0));
  Value col0 = ib.mul(tileIndex, tileN);
  tile.col0 = col0;
  tile.width = ib.min(tileN, ib.sub(storage.numTiledColumns, col0));
  tile.p0 = ib.loadIndex(storage.tilePtr, tileIndex);
  tile.p1 = ib.loadIndex(storage.tilePtr, ib.add(tileIndex, ib.index(1)));
  // Every tile before this one is full width.
  tile.valuesOffset =
      ib.mul(tile.p0, ib.index(layout.getUnitK() * layout.getTileN()));

  Value out = forall.getRegionIterArgs()[0];
  SmallVector<OpFoldResult> offsets = {tile.m0, col0};
  SmallVector<OpFoldResult> sizes = {mSize, tile.width};
  SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
  Value cTile =
      tensor::ExtractSliceOp::create(b, loc, out, offsets, sizes, strides);
  tile.begin = tile.p0;
  tile.end = tile.p1;
  Value result;
  // A narrowing epilogue keeps its wider accumulators in registers over
  // all of the rows: C could not hold them between passes.
  int64_t chunkUnits = options.kChunk / layout.getUnitK();
  if (chunkUnits <= 0 || vectorType != storedVectorType) {
    result = emitTileKernel(tile, cTile, mSize);
  } else {
    // Passes over chunks of the kept rows, so that a micro-kernel's packed
    // rows stay in L1 for every row block; an empty tile still gets one.
    Value step = ib.index(chunkUnits);
    Value numChunks = arith::MaxSIOp::create(
        b, loc, ib.index(1), ib.ceilDiv(ib.sub(tile.p1, tile.p0), step));
    auto chunks = scf::ForOp::create(
        b, loc, ib.index(0), numChunks, ib.index(1), ValueRange{cTile},
        [&](OpBuilder &, Location, Value chunk, ValueRange iterArgs) {
          TileState pass = tile;
          pass.begin = ib.add(tile.p0, ib.mul(chunk, step));
          pass.end = ib.min(ib.add(pass.begin, step), tile.p1);
          pass.isFirst = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                               chunk, ib.index(0));
          pass.isLast =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, chunk,
                                    ib.sub(numChunks, ib.index(1)));
          scf::YieldOp::create(b, loc,
                               emitTileKernel(pass, iterArgs[0], mSize));
        });
    result = chunks.getResult(0);
  }

  b.setInsertionPointToStart(forall.getTerminator().getBody());
  tensor::ParallelInsertSliceOp::create(b, loc, result, out, offsets, sizes,
                                        strides);
  return forall.getResult(0);
}

Value MatmulLowering::emitTileKernel(const TileState &tile, Value cTile,
                                     Value numRows) {
  // Full blocks of micro-rows, then the remaining rows one at a time.
  Value microRows = ib.index(options.microRows);
  Value fullRows = ib.sub(numRows, ib.rem(numRows, microRows));
  auto blocks = scf::ForOp::create(
      b, loc, ib.index(0), fullRows, microRows, ValueRange{cTile},
      [&](OpBuilder &, Location, Value row, ValueRange iterArgs) {
        scf::YieldOp::create(
            b, loc, emitColumnSweep(tile, iterArgs[0], row, options.microRows));
      });
  // The remaining rows are one block of their own height: row by row, a
  // 6-row tile's leftover rows would each reload the packed B rows.
  Value blocked = blocks.getResult(0);
  if (options.microRows == 1)
    return blocked;
  SmallVector<int64_t> heights =
      llvm::to_vector(llvm::seq<int64_t>(1, options.microRows));
  auto remainder = scf::IndexSwitchOp::create(
      b, loc, TypeRange{blocked.getType()}, ib.sub(numRows, fullRows), heights,
      heights.size());
  for (auto [height, region] :
       llvm::zip_equal(heights, remainder.getCaseRegions())) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&region.emplaceBlock());
    scf::YieldOp::create(b, loc,
                         emitColumnSweep(tile, blocked, fullRows, height));
  }
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&remainder.getDefaultRegion().emplaceBlock());
  scf::YieldOp::create(b, loc, blocked);
  return remainder.getResult(0);
}

Value MatmulLowering::emitColumnSweep(const TileState &tile, Value cTile,
                                      Value row, int64_t rows) {
  auto sweep = scf::ForOp::create(
      b, loc, ib.index(0), tile.width, ib.index(options.microCols),
      ValueRange{cTile},
      [&](OpBuilder &nested, Location nestedLoc, Value col,
          ValueRange iterArgs) {
        scf::YieldOp::create(nested, nestedLoc,
                             emitMicroKernel(nested, nestedLoc, tile,
                                             iterArgs[0], row, col, rows));
      });
  return sweep.getResult(0);
}

Value MatmulLowering::emitMicroKernel(OpBuilder &b, Location loc,
                                      const TileState &tile, Value cTile,
                                      Value row, Value col, int64_t rows) {
  LoopBuilder ib(b, loc);
  // Columns past the tile edge are masked off in every access.
  Value numCols = ib.min(ib.index(options.microCols), ib.sub(tile.width, col));
  Value mask = vector::CreateMaskOp::create(b, loc, maskType, numCols);
  Value rowMask = vector::CreateMaskOp::create(
      b, loc, VectorType::get({1, options.microCols}, b.getI1Type()),
      ValueRange{ib.index(1), numCols});
  // A filled C starts from its scalar, in the first pass over the rows.
  Value splat;
  if (fillValue)
    splat = vector::BroadcastOp::create(b, loc, vectorType, fillValue);
  SmallVector<Value> accs;
  for (int64_t r = 0; r < rows; ++r) {
    if (splat && !tile.isFirst) {
      accs.push_back(splat);
      continue;
    }
    Value read = extendTo(b, loc,
                          readRow(b, loc, storedVectorType, cTile,
                                  ib.add(row, ib.index(r)), col, rowMask),
                          accType);
    accs.push_back(
        splat ? arith::SelectOp::create(b, loc, tile.isFirst, splat, read)
              : read);
  }

  int64_t unitK = layout.getUnitK();
  Value width = tile.width;
  // One kept row `k` of the tile, stored at row `storedRow` of its block.
  // With panels, this micro-kernel's columns of the tile's rows are
  // contiguous and zero-padded: the reads need no mask.
  Value panelOffset, panelMask = mask;
  if (storage.panelWidth) {
    Value tileRows = ib.mul(ib.sub(tile.p1, tile.p0), ib.index(unitK));
    panelOffset = ib.add(tile.valuesOffset, ib.mul(col, tileRows));
    panelMask = nullptr;
  }
  auto emitRow = [&](OpBuilder &b, Location loc, Value k, Value storedRow,
                     ValueRange current) {
    LoopBuilder ib(b, loc);
    Value offset =
        storage.panelWidth
            ? ib.add(panelOffset,
                     ib.mul(storedRow, ib.index(options.microCols)))
            : ib.add(ib.add(tile.valuesOffset, ib.mul(storedRow, width)), col);
    Value packed = extendTo(
        b, loc,
        readArray(b, loc, vectorType.clone(inputType), storage.values, offset,
                  panelMask, storage.valuesPadded || storage.panelWidth),
        accType);
    SmallVector<Value> next;
    for (int64_t r = 0; r < rows; ++r) {
      Value m = ib.add(tile.m0, ib.add(row, ib.index(r)));
      Value scalar = tensor::ExtractOp::create(b, loc, a, ValueRange{m, k});
      Value lhs = vector::BroadcastOp::create(
          b, loc, vectorType, extendTo(b, loc, scalar, accType));
      next.push_back(vector::FMAOp::create(b, loc, lhs, packed, current[r]));
    }
    return next;
  };

  // Only the kept units of this tile: pruned rows never appear.
  auto units = scf::ForOp::create(
      b, loc, tile.begin, tile.end, ib.index(1), accs,
      [&](OpBuilder &b, Location loc, Value p, ValueRange iterArgs) {
        LoopBuilder ib(b, loc);
        Value unit = ib.loadIndex(storage.rowIds, p);
        Value firstRow = ib.mul(unit, ib.index(unitK));
        Value firstStored = ib.mul(ib.sub(p, tile.p0), ib.index(unitK));
        if (unitK == 1) {
          scf::YieldOp::create(
              b, loc, emitRow(b, loc, firstRow, firstStored, iterArgs));
          return;
        }
        auto rowsOfUnit = scf::ForOp::create(
            b, loc, ib.index(0), ib.index(unitK), ib.index(1), iterArgs,
            [&](OpBuilder &b, Location loc, Value r, ValueRange inner) {
              LoopBuilder ib(b, loc);
              scf::YieldOp::create(b, loc,
                                   emitRow(b, loc, ib.add(firstRow, r),
                                           ib.add(firstStored, r), inner));
            });
        scf::YieldOp::create(b, loc, rowsOfUnit.getResults());
      });

  SmallVector<Value> values = units.getResults();
  if (op.hasEpilogue() && !tile.isLast) {
    values = emitEpilogueRows(b, loc, tile, values, row, col, mask, rowMask);
  } else if (op.hasEpilogue()) {
    // Only after the last pass over the rows.
    auto last = scf::IfOp::create(
        b, loc, tile.isLast,
        [&](OpBuilder &b, Location loc) {
          scf::YieldOp::create(
              b, loc,
              emitEpilogueRows(b, loc, tile, values, row, col, mask, rowMask));
        },
        [&](OpBuilder &b, Location loc) {
          scf::YieldOp::create(b, loc, values);
        });
    values = last.getResults();
  }
  Value result = cTile;
  for (auto [r, value] : llvm::enumerate(values))
    result =
        writeRow(b, loc, value, result, ib.add(row, ib.index(r)), col, rowMask);
  return result;
}

SmallVector<Value> MatmulLowering::emitEpilogueRows(OpBuilder &b, Location loc,
                                                    const TileState &tile,
                                                    ValueRange accs, Value row,
                                                    Value col, Value mask,
                                                    Value rowMask) {
  LoopBuilder ib(b, loc);
  Value column = ib.add(tile.col0, col);
  // Per-column operands are read once for all the rows.
  SmallVector<Value> columnValues(epilogueOperands.size());
  for (auto [operand, value] :
       llvm::zip_equal(epilogueOperands, columnValues)) {
    auto type = cast<RankedTensorType>(operand.getType());
    if (type.getRank() == 1)
      value = readArray(b, loc, vectorType.clone(type.getElementType()),
                        operand, column, mask, /*inBounds=*/false);
  }
  SmallVector<Value> results;
  for (auto [r, acc] : llvm::enumerate(accs)) {
    Value m = ib.add(tile.m0, ib.add(row, ib.index(r)));
    SmallVector<Value> args = {acc};
    for (auto [operand, value] :
         llvm::zip_equal(epilogueOperands, columnValues)) {
      auto type = cast<RankedTensorType>(operand.getType());
      args.push_back(value ? value
                           : readRow(b, loc,
                                     vectorType.clone(type.getElementType()),
                                     operand, m, column, rowMask));
    }
    results.push_back(emitEpilogue(b, loc, op, args));
  }
  return results;
}

Value MatmulLowering::emitResidual(Value acc) {
  Value numRows = ib.dim(a, 0);
  Value numK = ib.dim(a, 1);
  Value zero = ib.index(0), one = ib.index(1);
  auto rowsOfB = scf::ForOp::create(
      b, loc, zero, numK, one, ValueRange{acc},
      [&](OpBuilder &b, Location loc, Value k, ValueRange kArgs) {
        LoopBuilder ib(b, loc);
        Value begin = ib.loadIndex(storage.residualPtr, k);
        Value end = ib.loadIndex(storage.residualPtr, ib.add(k, one));
        auto elements = scf::ForOp::create(
            b, loc, begin, end, one, kArgs,
            [&](OpBuilder &b, Location loc, Value pos, ValueRange pArgs) {
              LoopBuilder ib(b, loc);
              Value n = ib.loadIndex(storage.residualCols, pos);
              Value value = extendTo(b, loc,
                                     tensor::ExtractOp::create(
                                         b, loc, storage.residualValues, pos),
                                     accType);
              auto rowsOfA = scf::ForOp::create(
                  b, loc, zero, numRows, one, pArgs,
                  [&](OpBuilder &b, Location loc, Value m, ValueRange mArgs) {
                    Value lhs = extendTo(
                        b, loc,
                        tensor::ExtractOp::create(b, loc, a, ValueRange{m, k}),
                        accType);
                    Value old = tensor::ExtractOp::create(b, loc, mArgs[0],
                                                          ValueRange{m, n});
                    Value product = arith::MulFOp::create(b, loc, lhs, value);
                    Value sum = arith::AddFOp::create(b, loc, old, product);
                    scf::YieldOp::create(
                        b, loc,
                        tensor::InsertOp::create(b, loc, sum, mArgs[0],
                                                 ValueRange{m, n})
                            .getResult());
                  });
              scf::YieldOp::create(b, loc, rowsOfA.getResults());
            });
        scf::YieldOp::create(b, loc, elements.getResults());
      });
  return rowsOfB.getResult(0);
}

Value MatmulLowering::emitDroppedColumns(Value acc, Value colIds,
                                         Value numKept) {
  Value dropped =
      computeDroppedColumns(b, loc, colIds, numKept, ib.dim(acc, 1));
  // Row by row, a vector of dropped columns at a time.
  return forEachColumnChunk(
      b, loc, ib.dim(acc, 0), dropped, ib.dim(dropped, 0), options.microCols,
      acc,
      [&](OpBuilder &b, Location loc, const ColumnChunk &chunk, Value acc) {
        LoopBuilder ib(b, loc);
        Value zero = ib.index(0);
        auto gather = [&](Value source, ValueRange offsets) -> Value {
          VectorType type =
              vectorType.clone(getElementTypeOrSelf(source.getType()));
          Value pass = arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
          return vector::GatherOp::create(b, loc, type, source, offsets,
                                          chunk.columns, chunk.mask, pass);
        };
        SmallVector<Value> epilogueArgs = {
            extendTo(b, loc, gather(acc, {chunk.row, zero}), accType)};
        for (Value operand : op.getEpilogueOperands()) {
          if (cast<ShapedType>(operand.getType()).getRank() == 1)
            epilogueArgs.push_back(gather(operand, {zero}));
          else
            epilogueArgs.push_back(gather(operand, {chunk.row, zero}));
        }
        Value value = emitEpilogue(b, loc, op, epilogueArgs);
        return vector::ScatterOp::create(b, loc, acc.getType(), acc,
                                         ValueRange{chunk.row, zero},
                                         chunk.columns, chunk.mask, value)
            .getResult();
      });
}

Value MatmulLowering::emitFilledColumns(OpBuilder &b, Location loc, Value row,
                                        Value col, Value lanes) {
  Value fill = vector::BroadcastOp::create(b, loc, vectorType, fillValue);
  if (!op.hasEpilogue())
    return fill;
  Value mask = vector::CreateMaskOp::create(b, loc, maskType, lanes);
  Value rowMask = getRowMask(b, loc, lanes, options.microCols);
  SmallVector<Value> args = {fill};
  for (Value operand : op.getEpilogueOperands()) {
    auto type = cast<RankedTensorType>(operand.getType());
    VectorType operandType = vectorType.clone(type.getElementType());
    args.push_back(
        type.getRank() == 1
            ? readArray(b, loc, operandType, operand, col, mask,
                        /*inBounds=*/false)
            : readRow(b, loc, operandType, operand, row, col, rowMask));
  }
  return emitEpilogue(b, loc, op, args);
}

/// The micro-kernel shape for column tiles of `tileN` columns. A tile
/// narrower than `micro-cols` gets vectors of its own width rounded up to a
/// power of two (masked lanes would be multiply-adds thrown away) and
/// proportionally more rows, up to twice as many, to keep enough independent
/// accumulators live. The M tile is rounded down to whole micro-kernel
/// blocks so that only the last M tile has leftover rows.
static LowerToLoopsOptions fitToTiles(LowerToLoopsOptions options,
                                      int64_t tileN) {
  int64_t width = llvm::PowerOf2Ceil(tileN);
  if (width < options.microCols) {
    options.microRows = std::min(options.microRows * 2,
                                 options.microRows * options.microCols / width);
    options.microCols = width;
  }
  if (options.mTile > options.microRows)
    options.mTile -= options.mTile % options.microRows;
  return options;
}

namespace {
/// tsparse.matmul -> scf.forall over (M tile, column tile) with loops over
/// the kept units only.
struct LowerMatmul : OpRewritePattern<MatmulOp> {
  LowerMatmul(MLIRContext *context, const LowerToLoopsOptions &options)
      : OpRewritePattern(context), requested(options) {}

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "expected tensor operands");
    Location loc = op.getLoc();
    LayoutAttr layout = op.getB().getType().getLayout();
    LowerToLoopsOptions options = fitToTiles(requested, layout.getTileN());
    // The residual is added after the tiles: its epilogue comes after it.
    if (op.hasEpilogue() && layout.hasResidual()) {
      splitEpilogue(rewriter, op);
      return success();
    }
    // A filled C is never read: the tiles start from the scalar and, with
    // every tile scheduled, write all of the (kept) columns into the tensor
    // the fill would have filled.
    Value c = op.getC();
    Value fillValue = getFillValue(c);
    Value dest = c;
    if (fillValue) {
      dest =
          cast<DestinationStyleOpInterface>(c.getDefiningOp()).getDpsInits()[0];
      fillValue = extendTo(rewriter, loc, fillValue, op.getAccumulatorType());
    }
    MatrixStorageValues storage = materializeMatrixStorage(
        rewriter, loc, op.getB(), options.microCols,
        /*keepEmptyTiles=*/op.hasEpilogue() || fillValue,
        /*panelWidth=*/options.microCols);
    auto emptyLike = [&](Value tensor, OpFoldResult numColumns) -> Value {
      auto type = cast<RankedTensorType>(tensor.getType());
      SmallVector<OpFoldResult> shape = {
          tensor::getMixedSize(rewriter, loc, tensor, 0), numColumns};
      return tensor::EmptyOp::create(rewriter, loc, shape,
                                     type.getElementType());
    };

    // Compacted layouts work on the kept columns, then put them back; the
    // dropped ones then get the epilogue, or the fill value.
    Value acc = c;
    SmallVector<Value> epilogueOperands = op.getEpilogueOperands();
    if (layout.isCompacted()) {
      auto gather = [&](Value source) {
        return gatherColumns(rewriter, loc, source, storage.colIds,
                             storage.numTiledColumns, options.microCols);
      };
      acc = fillValue ? emptyLike(dest, storage.numTiledColumns) : gather(c);
      for (Value &operand : epilogueOperands)
        operand = gather(operand);
    } else if (fillValue) {
      acc = dest;
    }
    MatmulLowering lowering(rewriter, loc, op, epilogueOperands, storage,
                            options, fillValue);
    acc = lowering.emitTiles(acc);
    if (layout.isCompacted()) {
      if (fillValue) {
        // Every column is written: each row expanded from the kept ones.
        acc = expandColumns(
            rewriter, loc, acc, dest, storage.colIds, storage.numTiledColumns,
            options.microCols,
            [&](OpBuilder &b, Location loc, Value row, Value col, Value lanes) {
              return lowering.emitFilledColumns(b, loc, row, col, lanes);
            });
      } else {
        acc = scatterColumns(rewriter, loc, acc, c, storage.colIds,
                             options.microCols);
        if (op.hasEpilogue())
          acc = lowering.emitDroppedColumns(acc, storage.colIds,
                                            storage.numTiledColumns);
      }
    }
    if (layout.hasResidual())
      acc = lowering.emitResidual(acc);
    rewriter.replaceOp(op, acc);
    return success();
  }

  LowerToLoopsOptions requested;
};
} // namespace

void tsparse::populateLowerMatmulToLoopsPatterns(
    RewritePatternSet &patterns, const LowerToLoopsOptions &options) {
  // tsparse.matmul
  patterns.add<LowerMatmul>(patterns.getContext(), options);
}
