//===- Passes.td - TSparse transformation passes -----------*- tablegen -*-===//
//
// Declares the passes of the tsparse dialect.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PASSES_TD
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TSparseExpandToDense : Pass<"tsparse-expand-to-dense", "ModuleOp"> {
  let summary = "Rewrite tsparse ops into dense upstream ops (reference path)";
  let description = [{
    Replaces every `!tsparse.matrix` value by the dense tensor it represents
    and every tsparse op by plain upstream ops, so that any tsparse program can
    be executed with the standard MLIR lowering. The result is the golden
    reference that the optimized lowerings are checked against; it does
    *not* skip pruned work.

    - `tsparse.constant` becomes an `arith.constant` of the unpacked matrix;
    - `tsparse.pack` becomes a `linalg.generic` that zeroes the elements of
      dropped units (for compacted layouts the tile of every kept column is
      computed first with an `scf.for` prefix count; with a residual, packing
      is lossless and the dense operand is used as is);
    - `tsparse.unpack` disappears;
    - `tsparse.matmul` becomes `linalg.matmul`;
    - `tsparse.storage` of a constant becomes an `arith.constant`;
    - function signatures, calls and returns carrying `!tsparse.matrix` are
      converted to the dense tensor type.

    Input: any verified IR. Output: IR without tsparse ops or types. The pass
    fails with a diagnostic on a `tsparse.storage` of a matrix that is not a
    compile-time constant, whose arrays cannot be recovered from the dense
    form.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def TSparseLowerToLoops : Pass<"tsparse-lower-to-loops", "ModuleOp"> {
  let summary = "Lower tile-sparse products to loops that skip pruned tiles";
  let description = [{
    Rewrites every `tsparse.matmul` into an `scf.forall` over (M tile,
    column tile) whose body loops over the kept row units of that column tile
    only: a pruned unit is never loaded or multiplied. The innermost work is a
    register-blocked micro-kernel on `vector` ops: `micro-rows` rows of `A`
    (broadcast scalars, gathered by `row_ids`) against `micro-cols` packed
    values of `B` (contiguous, masked at the tile edge), accumulated with
    `vector.fma` in the accumulator's element type.

    With a `tsparse.constant` operand the schedule is static: the index
    arrays become constants and the forall visits only non-empty column
    tiles, longest first (most kept units), so parallel workers stay
    balanced. With a runtime matrix the loops read its storage
    (`tsparse.storage`) and visit every tile in order.

    Compacted (TW-2D) layouts compute on the kept columns, gathered from and
    scattered back to `C` by `col_ids`; pruned columns keep `C`'s value.
    Residual (TEW) layouts add the CSR residual with a second loop nest.

    `tsparse.pack` becomes loops that compute the storage arrays
    (`tsparse.assemble`), `tsparse.unpack` loops that scatter them, and
    `tsparse.storage` folds away. The output is on tensors, ready for
    one-shot bufferization; it contains no tsparse op unless a packed matrix
    crosses a function boundary, which is reported as an error.
  }];
  let options = [
    Option<"mTile", "m-tile", "int64_t", /*default=*/"64",
           "Rows of A per parallel work item">,
    Option<"microRows", "micro-rows", "int64_t", /*default=*/"6",
           "Rows of A in the register-blocked micro-kernel">,
    Option<"microCols", "micro-cols", "int64_t", /*default=*/"32",
           "Columns of B per micro-kernel vector">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PASSES_TD
