//===- PruningEnums.td - Enums of --tsparse-prune ----------*- tablegen -*-===//
//
// What `--tsparse-prune` prunes together and over what it ranks.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PRUNINGENUMS_TD
#define TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PRUNINGENUMS_TD

include "mlir/IR/EnumAttr.td"

// What is pruned together:
// - tw2d: whole columns, then 1 x G row segments of tiles of the surviving
//   columns;
// - tw1d: 1 x G row segments of tiles of the original columns;
// - bw: unit_k x G blocks;
// - tew: tw2d at sparsity + delta, then the best delta of all elements
//   restored;
// - ew: single elements (baseline);
// - vw: K vectors of `kPruneVectorLength` elements of one column (baseline).
def TSparse_PrunePattern : I32EnumAttr<"PrunePattern", "prune pattern", [
    I32EnumAttrCase<"TW2D", 0, "tw2d">,
    I32EnumAttrCase<"TW1D", 1, "tw1d">,
    I32EnumAttrCase<"BW", 2, "bw">,
    I32EnumAttrCase<"TEW", 3, "tew">,
    I32EnumAttrCase<"EW", 4, "ew">,
    I32EnumAttrCase<"VW", 5, "vw">
  ]> {
  let cppNamespace = "::mlir::tsparse";
  let genSpecializedAttr = 0;
}

// Over which elements one ranking, and so one threshold, is taken:
// - global: all weight matrices together (the paper's choice);
// - matrix: every matrix on its own;
// - tile: every column tile of every matrix on its own (all tiles equally
//   sparse).
def TSparse_PruneScope : I32EnumAttr<"PruneScope", "prune scope", [
    I32EnumAttrCase<"Global", 0, "global">,
    I32EnumAttrCase<"Matrix", 1, "matrix">,
    I32EnumAttrCase<"Tile", 2, "tile">
  ]> {
  let cppNamespace = "::mlir::tsparse";
  let genSpecializedAttr = 0;
}

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PRUNINGENUMS_TD
