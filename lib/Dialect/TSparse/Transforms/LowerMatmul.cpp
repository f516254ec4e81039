//===- LowerMatmul.cpp - Skipped-tile loops for tsparse.matmul ------------===//
//
// Lowers the tile-sparse product to an scf.forall over (M tile, column tile)
// whose body visits only the kept row units of its column tile, with a
// register-blocked vector micro-kernel.
//
//===----------------------------------------------------------------------===//

#include "tsparse/Dialect/TSparse/IR/TSparseOps.h"
#include "tsparse/Dialect/TSparse/Transforms/Epilogue.h"
#include "tsparse/Dialect/TSparse/Transforms/Transforms.h"

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

/// Reads `type` from the 1-D tensor `source` at `offset`; lanes off in `mask`
/// are not accessed. `inBounds` asserts that all lanes are inside `source`.
static Value readArray(OpBuilder &b, Location loc, VectorType type,
                       Value source, Value offset, Value mask, bool inBounds) {
  Value pad =
      arith::ConstantOp::create(b, loc, b.getZeroAttr(type.getElementType()));
  return vector::TransferReadOp::create(
      b, loc, type, source, offset,
      AffineMapAttr::get(b.getMultiDimIdentityMap(1)), pad, mask,
      b.getBoolArrayAttr({inBounds}));
}

/// Reads `type` from row `row` of the 2-D tensor `source`, starting at column
/// `col`, under the 1 x N `mask`. The transfer is 2-D (1 x N) so that
/// bufferization sees it covers one row only.
static Value readRow(OpBuilder &b, Location loc, VectorType type, Value source,
                     Value row, Value col, Value mask) {
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

/// Writes the 1-D `vector` into row `row` of `dest` from column `col` on,
/// under the 1 x N `mask`.
static Value writeRow(OpBuilder &b, Location loc, Value vector, Value dest,
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

/// Returns `source` (1-D or 2-D) reduced to its columns `colIds` along its
/// last dimension, in order; a fill of the same value when `source` is a
/// `linalg.fill`.
static Value gatherColumns(OpBuilder &b, Location loc, Value source,
                           Value colIds, Value numColumns) {
  LoopBuilder ib(b, loc);
  auto type = cast<RankedTensorType>(source.getType());
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> shape;
  for (int64_t dim = 0; dim + 1 < rank; ++dim)
    shape.push_back(ib.dim(source, dim));
  shape.push_back(numColumns);
  Value init = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  if (auto fill = source.getDefiningOp<linalg::FillOp>())
    return linalg::FillOp::create(b, loc, fill.getInputs(), init).getResult(0);
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto gather = linalg::GenericOp::create(
      b, loc, init.getType(), ValueRange{}, ValueRange{init},
      ArrayRef<AffineMap>{identity}, iterators,
      [&](OpBuilder &b, Location loc, ValueRange) {
        LoopBuilder ib(b, loc);
        SmallVector<Value> indices;
        for (int64_t dim = 0; dim + 1 < rank; ++dim)
          indices.push_back(linalg::IndexOp::create(b, loc, dim));
        indices.push_back(
            ib.loadIndex(colIds, {linalg::IndexOp::create(b, loc, rank - 1)}));
        linalg::YieldOp::create(
            b, loc,
            tensor::ExtractOp::create(b, loc, source, indices).getResult());
      });
  return gather.getResult(0);
}

/// Writes the columns of `compact` back to columns `colIds` of `c`, row by
/// row.
static Value scatterColumns(OpBuilder &b, Location loc, Value compact, Value c,
                            Value colIds, Value numColumns) {
  LoopBuilder ib(b, loc);
  Value zero = ib.index(0), one = ib.index(1);
  auto rows = scf::ForOp::create(
      b, loc, zero, ib.dim(c, 0), one, ValueRange{c},
      [&](OpBuilder &b, Location loc, Value row, ValueRange rowArgs) {
        auto cols = scf::ForOp::create(
            b, loc, zero, numColumns, one, rowArgs,
            [&](OpBuilder &b, Location loc, Value j, ValueRange colArgs) {
              LoopBuilder ib(b, loc);
              Value value = tensor::ExtractOp::create(b, loc, compact,
                                                      ValueRange{row, j});
              Value inserted = tensor::InsertOp::create(
                  b, loc, value, colArgs[0],
                  ValueRange{row, ib.loadIndex(colIds, j)});
              scf::YieldOp::create(b, loc, inserted);
            });
        scf::YieldOp::create(b, loc, cols.getResults());
      });
  return rows.getResult(0);
}

namespace {
/// Emits the loops of one tsparse.matmul.
class MatmulLowering {
public:
  /// `epilogueOperands` are those of `op`, reduced to the kept columns for
  /// a compacted layout.
  MatmulLowering(OpBuilder &b, Location loc, MatmulOp op,
                 ValueRange epilogueOperands,
                 const MatrixStorageValues &storage,
                 const LowerToLoopsOptions &options)
      : b(b), loc(loc), ib(b, loc), storage(storage), options(options), op(op),
        epilogueOperands(epilogueOperands), a(op.getA()),
        layout(op.getB().getType().getLayout()),
        inputType(op.getB().getType().getElementType()),
        accType(cast<ShapedType>(op.getC().getType()).getElementType()),
        vectorType(VectorType::get({options.microCols}, accType)),
        maskType(VectorType::get({options.microCols}, b.getI1Type())) {}

  /// Returns `c + a * b` over the tiled columns, in place of `acc`.
  Value emitTiles(Value acc);

  /// Returns `acc + a * residual`.
  Value emitResidual(Value acc);

  /// Returns `acc` with the epilogue applied to the columns outside
  /// `colIds` (the `numKept` columns of a compacted layout), whose products
  /// are all pruned.
  Value emitDroppedColumns(Value acc, Value colIds, Value numKept);

private:
  /// The state of one work item (M tile x column tile).
  struct TileState {
    Value m0, col0, width, p0, p1, valuesOffset;
  };

  Value emitEpilogueRow(OpBuilder &b, Location loc, const TileState &tile,
                        Value acc, Value row, Value col, Value mask,
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
  Value a;
  LayoutAttr layout;
  Type inputType, accType;
  VectorType vectorType, maskType;
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
  Value result = emitTileKernel(tile, cTile, mSize);

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
  SmallVector<Value> accs;
  for (int64_t r = 0; r < rows; ++r)
    accs.push_back(readRow(b, loc, vectorType, cTile, ib.add(row, ib.index(r)),
                           col, rowMask));

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
      b, loc, tile.p0, tile.p1, ib.index(1), accs,
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

  Value result = cTile;
  for (int64_t r = 0; r < rows; ++r) {
    Value tileRow = ib.add(row, ib.index(r));
    Value value = units.getResult(r);
    if (op.hasEpilogue())
      value = emitEpilogueRow(b, loc, tile, value, tileRow, col, mask, rowMask);
    result = writeRow(b, loc, value, result, tileRow, col, rowMask);
  }
  return result;
}

Value MatmulLowering::emitEpilogueRow(OpBuilder &b, Location loc,
                                      const TileState &tile, Value acc,
                                      Value row, Value col, Value mask,
                                      Value rowMask) {
  LoopBuilder ib(b, loc);
  Value m = ib.add(tile.m0, row);
  Value column = ib.add(tile.col0, col);
  SmallVector<Value> args = {acc};
  for (Value operand : epilogueOperands) {
    auto type = cast<RankedTensorType>(operand.getType());
    VectorType elementsType = vectorType.clone(type.getElementType());
    args.push_back(
        type.getRank() == 1
            ? readArray(b, loc, elementsType, operand, column, mask,
                        /*inBounds=*/false)
            : readRow(b, loc, elementsType, operand, m, column, rowMask));
  }
  return emitEpilogue(b, loc, op, args);
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

/// Returns the columns of `[0, numColumns)` missing from the ascending
/// `colIds[0, numKept)`, in order, as a 1-D index tensor.
static Value computeDroppedColumns(OpBuilder &b, Location loc, Value colIds,
                                   Value numKept, Value numColumns) {
  LoopBuilder ib(b, loc);
  Value zero = ib.index(0), one = ib.index(1);
  Value init = tensor::EmptyOp::create(
      b, loc, ArrayRef<OpFoldResult>{ib.sub(numColumns, numKept)},
      b.getIndexType());
  auto merge = scf::ForOp::create(
      b, loc, zero, numColumns, one, ValueRange{zero, zero, init},
      [&](OpBuilder &b, Location loc, Value n, ValueRange args) {
        LoopBuilder ib(b, loc);
        Value next = args[0], count = args[1], dropped = args[2];
        Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                              next, numKept);
        auto isKept = scf::IfOp::create(
            b, loc, inRange,
            [&](OpBuilder &b, Location loc) {
              LoopBuilder ib(b, loc);
              Value kept =
                  arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                        ib.loadIndex(colIds, next), n);
              scf::YieldOp::create(b, loc, kept);
            },
            [&](OpBuilder &b, Location loc) {
              scf::YieldOp::create(
                  b, loc,
                  ValueRange{arith::ConstantIntOp::create(b, loc, 0, 1)});
            });
        auto step = scf::IfOp::create(
            b, loc, isKept.getResult(0),
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

Value MatmulLowering::emitDroppedColumns(Value acc, Value colIds,
                                         Value numKept) {
  Value dropped =
      computeDroppedColumns(b, loc, colIds, numKept, ib.dim(acc, 1));
  Value numDropped = ib.dim(dropped, 0);
  int64_t width = options.microCols;
  auto indexType = VectorType::get({width}, b.getIndexType());
  Value zero = ib.index(0), one = ib.index(1);
  // Row by row, a vector of dropped columns at a time.
  auto rows = scf::ForOp::create(
      b, loc, zero, ib.dim(acc, 0), one, ValueRange{acc},
      [&](OpBuilder &b, Location loc, Value m, ValueRange rowArgs) {
        auto chunks = scf::ForOp::create(
            b, loc, zero, numDropped, ib.index(width), rowArgs,
            [&](OpBuilder &b, Location loc, Value j, ValueRange args) {
              LoopBuilder ib(b, loc);
              Value count = ib.min(ib.index(width), ib.sub(numDropped, j));
              Value mask =
                  vector::CreateMaskOp::create(b, loc, maskType, count);
              Value columns = readArray(b, loc, indexType, dropped, j, mask,
                                        /*inBounds=*/false);
              auto gather = [&](Value source, ValueRange offsets) -> Value {
                Type elementType = getElementTypeOrSelf(source.getType());
                VectorType type = vectorType.clone(elementType);
                Value pass =
                    arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
                return vector::GatherOp::create(b, loc, type, source, offsets,
                                                columns, mask, pass);
              };
              SmallVector<Value> epilogueArgs = {gather(args[0], {m, zero})};
              for (Value operand : op.getEpilogueOperands()) {
                if (cast<ShapedType>(operand.getType()).getRank() == 1)
                  epilogueArgs.push_back(gather(operand, {zero}));
                else
                  epilogueArgs.push_back(gather(operand, {m, zero}));
              }
              Value value = emitEpilogue(b, loc, op, epilogueArgs);
              Value scattered = vector::ScatterOp::create(
                                    b, loc, args[0].getType(), args[0],
                                    ValueRange{m, zero}, columns, mask, value)
                                    .getResult();
              scf::YieldOp::create(b, loc, scattered);
            });
        scf::YieldOp::create(b, loc, chunks.getResults());
      });
  return rows.getResult(0);
}

namespace {
/// tsparse.matmul -> scf.forall over (M tile, column tile) with loops over
/// the kept units only.
struct LowerMatmul : OpRewritePattern<MatmulOp> {
  LowerMatmul(MLIRContext *context, const LowerToLoopsOptions &options)
      : OpRewritePattern(context), options(options) {}

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "expected tensor operands");
    Location loc = op.getLoc();
    LayoutAttr layout = op.getB().getType().getLayout();
    // The residual is added after the tiles: its epilogue comes after it.
    if (op.hasEpilogue() && layout.hasResidual()) {
      splitEpilogue(rewriter, op);
      return success();
    }
    MatrixStorageValues storage =
        materializeMatrixStorage(rewriter, loc, op.getB(), options.microCols,
                                 /*keepEmptyTiles=*/op.hasEpilogue(),
                                 /*panelWidth=*/options.microCols);

    // Compacted layouts work on the kept columns, then put them back; the
    // epilogue then runs over the dropped ones.
    Value c = op.getC();
    Value acc = c;
    SmallVector<Value> epilogueOperands = op.getEpilogueOperands();
    if (layout.isCompacted()) {
      auto gather = [&](Value source) {
        return gatherColumns(rewriter, loc, source, storage.colIds,
                             storage.numTiledColumns);
      };
      acc = gather(c);
      for (Value &operand : epilogueOperands)
        operand = gather(operand);
    }
    MatmulLowering lowering(rewriter, loc, op, epilogueOperands, storage,
                            options);
    acc = lowering.emitTiles(acc);
    if (layout.isCompacted()) {
      acc = scatterColumns(rewriter, loc, acc, c, storage.colIds,
                           storage.numTiledColumns);
      if (op.hasEpilogue())
        acc = lowering.emitDroppedColumns(acc, storage.colIds,
                                          storage.numTiledColumns);
    }
    if (layout.hasResidual())
      acc = lowering.emitResidual(acc);
    rewriter.replaceOp(op, acc);
    return success();
  }

  LowerToLoopsOptions options;
};
} // namespace

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

void tsparse::populateLowerMatmulToLoopsPatterns(
    RewritePatternSet &patterns, const LowerToLoopsOptions &options) {
  // tsparse.matmul
  patterns.add<LowerMatmul>(patterns.getContext(), options);
}
