//===- TransposeKernel.cpp - Device transposition of a matrix -------------===//
//
// out[c][r] = in[r][c] for an R x C matrix, through 32 x 32 tiles of
// workgroup memory (rows padded by one element against bank conflicts) so
// that both the reads and the writes of a warp are contiguous. Used to give
// the fused kernels a K-major A when the program holds it row-major.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::tsparse;

/// Side of a tile.
static constexpr int64_t kTile = 32;
/// Rows of a tile each thread moves (32 x 8 threads move 32 x 32).
static constexpr int64_t kRowsPerThread = kTile * kTile / kTransposeThreads;
static_assert(kTile * kTile % kTransposeThreads == 0 &&
                  kTransposeThreads % kTile == 0,
              "the threads must cover whole rows of a tile");

gpu::GPUFuncOp tsparse::getOrCreateTransposeKernel(OpBuilder &b,
                                                   gpu::GPUModuleOp module,
                                                   Type elementType) {
  std::string name;
  llvm::raw_string_ostream os(name);
  os << "tsparse_transpose_" << elementType;
  if (auto existing = module.lookupSymbol<gpu::GPUFuncOp>(name))
    return existing;

  MLIRContext *ctx = b.getContext();
  Location loc = module.getLoc();
  auto matrix = MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic},
                                elementType);
  auto workgroup = gpu::AddressSpaceAttr::get(
      ctx, gpu::GPUDialect::getWorkgroupAddressSpace());
  auto tileType = MemRefType::get({kTile, kTile + 1}, elementType,
                                  MemRefLayoutAttrInterface(), workgroup);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  auto func = gpu::GPUFuncOp::create(
      b, loc, name, b.getFunctionType({matrix, matrix}, {}), {tileType});
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  func.setKnownBlockSizeAttr(
      b.getDenseI32ArrayAttr({static_cast<int32_t>(kTransposeThreads), 1, 1}));
  b.setInsertionPointToStart(&func.getBody().front());

  Value in = func.getArgument(0), out = func.getArgument(1);
  Value tile = func.getWorkgroupAttributions()[0];
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto add = [&](Value x, Value y) -> Value {
    return arith::AddIOp::create(b, loc, x, y);
  };
  auto mul = [&](Value x, int64_t y) -> Value {
    return arith::MulIOp::create(b, loc, x, constant(y));
  };
  auto ult = [&](Value x, Value y) -> Value {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  };
  Value rows = memref::DimOp::create(b, loc, in, 0);
  Value cols = memref::DimOp::create(b, loc, in, 1);
  // Blocks walk the tiles row by row of tiles.
  Value blockId = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value threadId = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value tilesPerRow = arith::CeilDivUIOp::create(b, loc, cols, constant(kTile));
  Value row0 = mul(arith::DivUIOp::create(b, loc, blockId, tilesPerRow), kTile);
  Value col0 = mul(arith::RemUIOp::create(b, loc, blockId, tilesPerRow), kTile);
  Value tx = arith::RemUIOp::create(b, loc, threadId, constant(kTile));
  Value ty = arith::DivUIOp::create(b, loc, threadId, constant(kTile));
  int64_t threadRows = kTransposeThreads / kTile;

  // Each thread moves rows ty, ty + 8, ... of column tx of the tile: from
  // `in` into the tile, then from the tile's transpose into `out`
  // (out[col0 + i][row0 + tx] = in[row0 + tx][col0 + i]); elements outside
  // the matrix are skipped.
  auto moveRows = [&](bool intoTile) {
    for (int64_t t = 0; t < kRowsPerThread; ++t) {
      Value i = add(ty, constant(t * threadRows));
      Value r = add(intoTile ? row0 : col0, i);
      Value c = add(intoTile ? col0 : row0, tx);
      Value inside =
          arith::AndIOp::create(b, loc, ult(r, intoTile ? rows : cols),
                                ult(c, intoTile ? cols : rows));
      auto ifOp = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      if (intoTile) {
        Value value = memref::LoadOp::create(b, loc, in, ValueRange{r, c});
        memref::StoreOp::create(b, loc, value, tile, ValueRange{i, tx});
      } else {
        Value value = memref::LoadOp::create(b, loc, tile, ValueRange{tx, i});
        memref::StoreOp::create(b, loc, value, out, ValueRange{r, c});
      }
    }
  };
  moveRows(/*intoTile=*/true);
  gpu::BarrierOp::create(b, loc);
  moveRows(/*intoTile=*/false);
  gpu::ReturnOp::create(b, loc);
  return func;
}
