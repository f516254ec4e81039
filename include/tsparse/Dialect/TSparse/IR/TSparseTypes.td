//===- TSparseTypes.td - TSparse types ---------------------*- tablegen -*-===//
//
// The packed tile-sparse matrix type.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_IR_TSPARSETYPES_TD
#define TSPARSE_DIALECT_TSPARSE_IR_TSPARSETYPES_TD

include "tsparse/Dialect/TSparse/IR/TSparseAttrs.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

class TSparse_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<TSparse_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def TSparse_MatrixType : TSparse_Type<"Matrix", "matrix"> {
  let summary = "A packed tile-sparse matrix";
  let description = [{
    A value of this type is a `K x N` matrix of `f32`, `f16` or `bf16`
    elements stored in the tile-compressed form described by its layout
    (see `#tsparse.layout`): only the kept row units of every column tile are
    stored, compacted one tile after the other. `K` and `N` are static and
    must be compatible with the layout (`K` a multiple of `unit_k`). The
    number of kept units is a property of the value, not of the type.

    Example:

    ```mlir
    !tsparse.matrix<768x3072xf16, #tsparse.layout<tile_n = 128, columns = compacted>>
    ```
  }];

  let parameters = (ins
    ArrayRefParameter<"int64_t", "logical K x N shape">:$shape,
    "::mlir::Type":$elementType,
    "::mlir::tsparse::LayoutAttr":$layout
  );

  let builders = [
    TypeBuilderWithInferredContext<(ins "::llvm::ArrayRef<int64_t>":$shape,
                                        "::mlir::Type":$elementType,
                                        "::mlir::tsparse::LayoutAttr":$layout), [{
      return $_get(elementType.getContext(), shape, elementType, layout);
    }]>
  ];

  let extraClassDeclaration = [{
    /// Number of rows (the reduction dimension K).
    int64_t getNumRows() const { return getShape()[0]; }
    /// Number of columns (the output features N).
    int64_t getNumColumns() const { return getShape()[1]; }
    /// Number of row units (K / unit_k).
    int64_t getNumUnits() const {
      return getNumRows() / getLayout().getUnitK();
    }
    /// Upper bound on the number of column tiles (exact unless compacted).
    int64_t getMaxNumTiles() const {
      return getLayout().getNumTiles(getNumColumns());
    }
    /// The dense tensor type this matrix packs.
    ::mlir::RankedTensorType getDenseType() const {
      return ::mlir::RankedTensorType::get(getShape(), getElementType());
    }
  }];

  let genVerifyDecl = 1;
  let hasCustomAssemblyFormat = 1;
}

#endif // TSPARSE_DIALECT_TSPARSE_IR_TSPARSETYPES_TD
