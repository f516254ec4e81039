//===- TSparseDialect.td - TSparse dialect definition ------*- tablegen -*-===//
//
// The tsparse dialect: tile-sparse matrix multiplication.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_IR_TSPARSEDIALECT_TD
#define TSPARSE_DIALECT_TSPARSE_IR_TSPARSEDIALECT_TD

include "mlir/IR/OpBase.td"

def TSparse_Dialect : Dialect {
  let name = "tsparse";
  let cppNamespace = "::mlir::tsparse";
  let summary = "Tile-sparse matrix multiplication for tensor-core hardware";
  let description = [{
    The `tsparse` dialect represents matrix products `C = A * B (+ C)` whose
    right-hand operand `B[K x N]` (the weights) is *tile-wise sparse*
    (Guo et al., SC'20): the columns of `B` are cut into tiles of `tile_n`
    columns and inside each tile whole rows (or blocks of `unit_k` rows) are
    pruned. Every surviving tile is a small dense matrix, so the product is a
    sequence of dense GEMMs over gathered rows of `A` and pruned work is never
    done.

    The dialect provides a layout attribute describing the pattern
    (`#tsparse.layout`), a type for packed tile-compressed matrices
    (`!tsparse.matrix`), operations that pack and unpack such matrices, a
    packed constant for weights known at compile time, and the tile-sparse
    product itself (`tsparse.matmul`).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
    void registerTypes();
  }];
}

class TSparse_Op<string mnemonic, list<Trait> traits = []>
    : Op<TSparse_Dialect, mnemonic, traits>;

#endif // TSPARSE_DIALECT_TSPARSE_IR_TSPARSEDIALECT_TD
