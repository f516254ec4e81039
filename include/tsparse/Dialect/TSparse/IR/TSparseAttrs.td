//===- TSparseAttrs.td - TSparse attributes ----------------*- tablegen -*-===//
//
// The layout attribute that describes a tile-wise sparsity pattern.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_IR_TSPARSEATTRS_TD
#define TSPARSE_DIALECT_TSPARSE_IR_TSPARSEATTRS_TD

include "tsparse/Dialect/TSparse/IR/TSparseDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

// How the columns of a tile-sparse matrix are grouped into tiles.
def TSparse_ColumnMode : I32EnumAttr<"ColumnMode", "column mode", [
      I32EnumAttrCase<"Original", 0, "original">,
      I32EnumAttrCase<"Compacted", 1, "compacted">
    ]> {
  let cppNamespace = "::mlir::tsparse";
  let genSpecializedAttr = 0;
}

// Storage of the element-wise residual of a TEW matrix.
def TSparse_ResidualKind : I32EnumAttr<"ResidualKind", "residual kind", [
      I32EnumAttrCase<"None", 0, "none">,
      I32EnumAttrCase<"CSR", 1, "csr">
    ]> {
  let cppNamespace = "::mlir::tsparse";
  let genSpecializedAttr = 0;
}

def TSparse_StorageField : I32EnumAttr<"StorageField",
    "one array of the tile-compressed storage", [
      I32EnumAttrCase<"ColIds", 0, "col_ids">,
      I32EnumAttrCase<"TilePtr", 1, "tile_ptr">,
      I32EnumAttrCase<"RowIds", 2, "row_ids">,
      I32EnumAttrCase<"Values", 3, "values">,
      I32EnumAttrCase<"ResidualPtr", 4, "residual_ptr">,
      I32EnumAttrCase<"ResidualCols", 5, "residual_cols">,
      I32EnumAttrCase<"ResidualValues", 6, "residual_values">
    ]> {
  let cppNamespace = "::mlir::tsparse";
  let genSpecializedAttr = 0;
}

def TSparse_StorageFieldAttr : EnumAttr<TSparse_Dialect, TSparse_StorageField,
                                        "field">;

//===----------------------------------------------------------------------===//
// LayoutAttr
//===----------------------------------------------------------------------===//

class TSparse_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<TSparse_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def TSparse_LayoutAttr : TSparse_Attr<"Layout", "layout"> {
  let summary = "Tile-wise sparsity pattern of a matrix";
  let description = [{
    Describes how a weight matrix `B[K x N]` is pruned and packed. The columns
    are cut into *column tiles* of `tile_n` columns; inside a tile the unit of
    pruning is a row segment of `unit_k` consecutive rows spanning the whole
    tile. The last column tile may be narrower when `tile_n` does not divide
    the number of columns.

    Parameters (all optional; defaults are omitted when printed):

    - `tile_n` (default 128): columns per tile, `G` in the paper.
    - `unit_k` (default 1): rows per pruning unit. `1` is tile-wise (TW)
      sparsity; larger values give block-wise (BW) sparsity with
      `unit_k x tile_n` blocks. `K` must be a multiple of `unit_k`.
    - `columns` (default `original`): `original` tiles the original columns
      (TW-1D); `compacted` first drops whole columns and tiles the surviving
      columns (TW-2D, what the paper's kernels run), recording the original
      index of every kept column.
    - `residual` (default `none`): `csr` adds an element-wise residual stored
      in CSR form (TEW: tile-wise plus a few irregular elements).

    The packed ("tile-compressed") storage of a matrix with this layout is:

    - `col_ids[N_kept]` (compacted only): original column of each kept column;
    - `tile_ptr[T + 1]`: offsets of each tile's kept units in `row_ids`;
    - `row_ids[R]`: kept unit indices per tile, ascending (unit `u` covers rows
      `u * unit_k` to `u * unit_k + unit_k - 1`);
    - `values`: per tile a dense, row-major `[K_t * unit_k x width_t]` block,
      where `K_t` is the tile's number of kept units and `width_t` its width,
      stored one tile after the other;
    - `residual_ptr[K + 1]`, `residual_cols`, `residual_values` (residual
      only): CSR over the rows of `B` of the elements outside the kept units.

    Examples:

    ```mlir
    // TW-1D, 128-wide tiles.
    #tw1d = #tsparse.layout<tile_n = 128>
    // TW-2D: columns pruned globally, survivors tiled by 128.
    #tw2d = #tsparse.layout<tile_n = 128, columns = compacted>
    // Block-wise 32x64.
    #bw = #tsparse.layout<tile_n = 64, unit_k = 32>
    // TEW: TW-1D plus an element-wise residual.
    #tew = #tsparse.layout<tile_n = 128, residual = csr>
    ```
  }];

  let parameters = (ins
    DefaultValuedParameter<"unsigned", "128", "columns per tile">:$tile_n,
    DefaultValuedParameter<"unsigned", "1", "rows per pruning unit">:$unit_k,
    DefaultValuedParameter<"::mlir::tsparse::ColumnMode",
                           "::mlir::tsparse::ColumnMode::Original",
                           "column mode">:$columns,
    DefaultValuedParameter<"::mlir::tsparse::ResidualKind",
                           "::mlir::tsparse::ResidualKind::None",
                           "residual kind">:$residual
  );

  let skipDefaultBuilders = 1;
  let builders = [
    AttrBuilder<(ins CArg<"unsigned", "128">:$tileN,
                     CArg<"unsigned", "1">:$unitK,
                     CArg<"ColumnMode", "ColumnMode::Original">:$columns,
                     CArg<"ResidualKind", "ResidualKind::None">:$residual), [{
      return $_get($_ctxt, tileN, unitK, columns, residual);
    }]>
  ];

  let extraClassDeclaration = [{
    /// Returns a copy of this layout with one parameter replaced.
    LayoutAttr withTileN(unsigned tileN) const;
    LayoutAttr withUnitK(unsigned unitK) const;
    LayoutAttr withColumns(ColumnMode columns) const;
    LayoutAttr withResidual(ResidualKind residual) const;

    /// True for TW-2D: whole columns are dropped before tiling.
    bool isCompacted() const { return getColumns() == ColumnMode::Compacted; }
    /// True for TEW: an element-wise residual is stored.
    bool hasResidual() const { return getResidual() != ResidualKind::None; }
    /// True for block-wise sparsity (units of more than one row).
    bool isBlockWise() const { return getUnitK() > 1; }

    /// Number of column tiles needed for `numColumns` columns.
    int64_t getNumTiles(int64_t numColumns) const {
      return (numColumns + getTileN() - 1) / getTileN();
    }

    /// Checks that a `rows x cols` matrix can use this layout.
    ::llvm::LogicalResult
    verifyShape(::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError,
                int64_t rows, int64_t cols) const;
  }];

  let genVerifyDecl = 1;
  let assemblyFormat = "`<` struct(params) `>`";
}

#endif // TSPARSE_DIALECT_TSPARSE_IR_TSPARSEATTRS_TD
