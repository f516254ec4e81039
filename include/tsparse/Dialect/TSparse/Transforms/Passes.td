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

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PASSES_TD
