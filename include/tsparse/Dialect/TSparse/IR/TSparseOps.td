//===- TSparseOps.td - TSparse operations ------------------*- tablegen -*-===//
//
// Packing, packed constants, storage access and the tile-sparse product.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_DIALECT_TSPARSE_IR_TSPARSEOPS_TD
#define TSPARSE_DIALECT_TSPARSE_IR_TSPARSEOPS_TD

include "tsparse/Dialect/TSparse/IR/TSparseDialect.td"
include "tsparse/Dialect/TSparse/IR/TSparseAttrs.td"
include "tsparse/Dialect/TSparse/IR/TSparseTypes.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

defvar TSparse_ElementTypes = [F16, BF16, F32];

def TSparse_DenseMatrix : TensorRankOf<TSparse_ElementTypes, [2]>;
def TSparse_DenseBuffer : MemRefRankOf<TSparse_ElementTypes, [2]>;
def TSparse_DenseOperand : AnyTypeOf<[TSparse_DenseMatrix, TSparse_DenseBuffer]>;
def TSparse_UnitMask : AnyTypeOf<[TensorRankOf<[I1], [2]>,
                                  MemRefRankOf<[I1], [2]>]>;
def TSparse_ColumnMask : AnyTypeOf<[TensorRankOf<[I1], [1]>,
                                    MemRefRankOf<[I1], [1]>]>;
def TSparse_EpilogueOperand : AnyTypeOf<[AnyRankedTensor, AnyMemRef]>;
def TSparse_StorageArray : TensorRankOf<[I32, F16, BF16, F32], [1]>;

//===----------------------------------------------------------------------===//
// PackOp
//===----------------------------------------------------------------------===//

def TSparse_PackOp : TSparse_Op<"pack", [
    AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "Packs a dense matrix into tile-compressed storage";
  let description = [{
    Packs the dense matrix `dense[K x N]` into a `!tsparse.matrix` at run
    time.

    With masks, `unit_mask[K / unit_k x T]`, where `T = ceil(N / tile_n)`,
    tells which row units of which column tile are kept; elements of dropped
    units are discarded (whatever their value) unless the layout has a
    residual, in which case every nonzero element outside the kept units goes
    to the residual. With a `compacted` layout (TW-2D) a `columns` mask of `N`
    elements tells which columns survive; the survivors are then tiled in
    order and `unit_mask` is indexed by those tiles (its tiles past the last
    one in use are ignored).

    Without masks, the masks follow the zeros of `dense`: a column survives
    if it has a nonzero and a unit is kept if it holds a nonzero. Packing is
    then lossless for every layout.

    When the operands are constants the op canonicalizes to a
    `tsparse.constant`. The operands may be tensors or, after bufferization,
    memrefs, which the op reads (on tensors it has no memory effects).

    Example:

    ```mlir
    %packed = tsparse.pack %w, %units
        : tensor<256x512xf16>, tensor<256x4xi1>
          -> !tsparse.matrix<256x512xf16, #tsparse.layout<tile_n = 128>>
    %packed2d = tsparse.pack %w, %units columns %cols
        : tensor<256x512xf16>, tensor<256x4xi1>, tensor<512xi1>
          -> !tsparse.matrix<256x512xf16,
                             #tsparse.layout<tile_n = 128, columns = compacted>>
    // Masks from the zeros of %w.
    %lossless = tsparse.pack %w : tensor<256x512xf16>
        -> !tsparse.matrix<256x512xf16, #tsparse.layout<tile_n = 128>>
    ```
  }];

  let arguments = (ins TSparse_DenseOperand:$dense,
                       Optional<TSparse_UnitMask>:$unit_mask,
                       Optional<TSparse_ColumnMask>:$column_mask);
  let results = (outs TSparse_MatrixType:$result);

  let assemblyFormat = [{
    $dense (`,` $unit_mask^)? (`columns` $column_mask^)? attr-dict `:`
    type($dense) (`,` type($unit_mask)^)? (`,` type($column_mask)^)?
    `->` qualified(type($result))
  }];

  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// UnpackOp
//===----------------------------------------------------------------------===//

def TSparse_UnpackOp : TSparse_Op<"unpack", [
    Pure,
    TypesMatchWith<"result is the dense tensor type of the matrix",
                   "matrix", "result",
                   "::llvm::cast<::mlir::tsparse::MatrixType>($_self)"
                   ".getDenseType()">]> {
  let summary = "Expands a packed matrix into a dense tensor";
  let description = [{
    Returns the dense `K x N` matrix a `!tsparse.matrix` represents: stored
    values at their original positions (and residual elements, if any), zero
    everywhere else.

    Example:

    ```mlir
    %dense = tsparse.unpack %packed
        : !tsparse.matrix<256x512xf16, #tsparse.layout<tile_n = 128>>
          -> tensor<256x512xf16>
    ```
  }];

  let arguments = (ins TSparse_MatrixType:$matrix);
  let results = (outs TSparse_DenseMatrix:$result);

  let assemblyFormat = [{
    $matrix attr-dict `:` qualified(type($matrix)) `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

def TSparse_ConstantOp : TSparse_Op<"constant", [Pure]> {
  let summary = "A packed matrix known at compile time";
  let description = [{
    Holds the tile-compressed storage of a matrix whose values are known at
    compile time (pruned weights). The attributes are the storage arrays of
    `#tsparse.layout`: `tile_ptr`, `row_ids` and `values` always, `col_ids`
    for a `compacted` layout and the three `residual_*` arrays for a layout
    with a residual. Index arrays are 1-D `i32` tensors; value arrays are 1-D
    tensors of the matrix element type and may be `dense` or `dense_resource`.

    The verifier checks that the arrays describe a valid matrix of the result
    type: sizes agree, indices are in range and ascending.

    Example (a 4x6 TW-1D matrix with tiles of 4 columns; tile 0 keeps row 1,
    tile 1, two columns wide, keeps rows 0 and 3):

    ```mlir
    %w = tsparse.constant {
           tile_ptr = dense<[0, 1, 3]> : tensor<3xi32>,
           row_ids = dense<[1, 0, 3]> : tensor<3xi32>,
           values = dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]>
                    : tensor<8xf32>}
        : !tsparse.matrix<4x6xf32, #tsparse.layout<tile_n = 4>>
    ```
  }];

  let arguments = (ins I32ElementsAttr:$tile_ptr,
                       I32ElementsAttr:$row_ids,
                       ElementsAttr:$values,
                       OptionalAttr<I32ElementsAttr>:$col_ids,
                       OptionalAttr<I32ElementsAttr>:$residual_ptr,
                       OptionalAttr<I32ElementsAttr>:$residual_cols,
                       OptionalAttr<ElementsAttr>:$residual_values);
  let results = (outs TSparse_MatrixType:$result);

  let assemblyFormat = "attr-dict `:` qualified(type($result))";

  let builders = [
    OpBuilder<(ins "MatrixType":$type, "const PackedConstantAttrs &":$storage)>
  ];

  let extraClassDeclaration = [{
    /// Returns the storage arrays held by this constant.
    PackedConstantAttrs getStorage();
  }];

  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// AssembleOp
//===----------------------------------------------------------------------===//

def TSparse_AssembleOp : TSparse_Op<"assemble", [Pure]> {
  let summary = "Builds a packed matrix from its storage arrays";
  let description = [{
    Wraps storage arrays computed at run time into a `!tsparse.matrix`. The
    arrays are those of the layout (see `#tsparse.layout`), in this order:
    `col_ids` (compacted layouts only), `tile_ptr`, `row_ids`, `values`, then
    `residual_ptr`, `residual_cols`, `residual_values` (residual layouts
    only). Index arrays are `i32`, value arrays have the matrix element type.
    The arrays must describe a valid matrix; nothing is checked at run time.
    `tsparse.storage` of an assembled matrix folds to the array.

    Lowerings of `tsparse.pack` produce this op.

    Example:

    ```mlir
    %m = tsparse.assemble %tile_ptr, %row_ids, %values
        : tensor<?xi32>, tensor<?xi32>, tensor<?xf16>
          -> !tsparse.matrix<256x512xf16, #tsparse.layout<tile_n = 128>>
    ```
  }];

  let arguments = (ins Variadic<TSparse_StorageArray>:$arrays);
  let results = (outs TSparse_MatrixType:$result);

  let assemblyFormat = [{
    $arrays attr-dict `:` type($arrays) `->` qualified(type($result))
  }];

  let extraClassDeclaration = [{
    /// Returns the array holding `field`, or null if the layout has none.
    ::mlir::Value getArray(StorageField field);
  }];

  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// StorageOp
//===----------------------------------------------------------------------===//

def TSparse_StorageOp : TSparse_Op<"storage", [Pure]> {
  let summary = "Returns one array of a packed matrix's storage";
  let description = [{
    Exposes one array of the tile-compressed storage of a packed matrix (see
    `#tsparse.layout`) as a 1-D tensor, for lowerings that compute on the
    storage directly. Index arrays are `i32`; `values` and `residual_values`
    have the matrix element type. `col_ids` exists only for `compacted`
    layouts and the `residual_*` arrays only for layouts with a residual.
    Canonicalizes to an `arith.constant` when the matrix is a
    `tsparse.constant` and to the array itself when it is a
    `tsparse.assemble`.

    Example:

    ```mlir
    %rows = tsparse.storage %packed[row_ids]
        : !tsparse.matrix<256x512xf16, #tsparse.layout<tile_n = 128>>
          -> tensor<?xi32>
    ```
  }];

  let arguments = (ins TSparse_MatrixType:$matrix,
                       TSparse_StorageFieldAttr:$field);
  let results = (outs TSparse_StorageArray:$result);

  let assemblyFormat = [{
    $matrix `[` custom<StorageField>($field) `]` attr-dict `:` qualified(type($matrix)) `->`
    type($result)
  }];

  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

def TSparse_MatmulOp : TSparse_Op<"matmul", [
    DestinationStyleOpInterface,
    DeclareOpInterfaceMethods<InferTypeOpInterface>,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "Tile-sparse matrix product C = epilogue(A * B + C)";
  let description = [{
    Multiplies the dense matrix `A[M x K]` by the packed tile-sparse matrix
    `B[K x N]` and accumulates into `C[M x N]`, in destination style: the
    result is `C + A * B` (fill `C` with zeros for a plain product). `A` and
    `B` have the same element type (`f32`, `f16` or `bf16`); `C` is `f32` or
    of the input element type, and products are accumulated in `C`'s type, as
    `linalg.matmul` does (an epilogue may accumulate wider, see below). `M`
    may be dynamic; `K` and `N` must match `B`.

    Like `linalg` ops, the op works on tensors (returning the new `C`) or on
    buffers (updating `C` in place, no result); one-shot bufferization turns
    the first form into the second.

    Pruned units of `B` contribute nothing: a lowering never loads or
    multiplies them.

    An optional `epilogue` region maps each accumulated element to the
    element stored, so that bias adds, activations and residual adds run
    while the accumulator tile is still in registers. Its block takes the
    accumulated value of `C[m, n]`, then one element of each epilogue
    operand: `operand[n]` for a 1-D operand of `N` elements (a per-column
    bias), `operand[m, n]` for a 2-D operand of `C`'s shape (a residual). It
    yields the value stored in `C[m, n]`, of `C`'s element type, with
    `tsparse.yield`. The accumulated value may be wider than `C`: an
    epilogue whose first argument is `f32` over an `f16` or `bf16` `C`
    accumulates in `f32`, starting from `C`'s elements extended, and narrows
    in its body (a dtype cast applied while the accumulator is live). The body is element-wise: only scalar operations that
    are elementwise-mappable (`arith`, `math`), so that a lowering can apply
    it to a vector or a fragment of elements at once. Columns whose products
    are all pruned still get the epilogue (of `C[m, n]` alone).

    Example:

    ```mlir
    %r = tsparse.matmul %a, %b, %c
        : tensor<?x768xf16>,
          !tsparse.matrix<768x3072xf16, #tsparse.layout<tile_n = 128>>
          -> tensor<?x3072xf32>
    tsparse.matmul %a_buf, %b, %c_buf
        : memref<?x768xf16>,
          !tsparse.matrix<768x3072xf16, #tsparse.layout<tile_n = 128>>
          -> memref<?x3072xf32>
    // C = relu(A * B + C + bias), bias broadcast along M.
    %relu = tsparse.matmul %a32, %b32, %c epilogue(%bias : tensor<3072xf32>) {
    ^bb0(%acc: f32, %bias_n: f32):
      %sum = arith.addf %acc, %bias_n : f32
      %zero = arith.constant 0.0 : f32
      %max = arith.maximumf %sum, %zero : f32
      tsparse.yield %max : f32
    } : tensor<?x768xf32>,
        !tsparse.matrix<768x3072xf32, #tsparse.layout<tile_n = 128>>
        -> tensor<?x3072xf32>
    // bf16 = truncf(A * B + C + bias), accumulated in f32.
    %h = tsparse.matmul %a32, %b32, %c16 epilogue(%bias : tensor<3072xf32>) {
    ^bb0(%acc: f32, %bias_n: f32):
      %sum = arith.addf %acc, %bias_n : f32
      %narrow = arith.truncf %sum : f32 to bf16
      tsparse.yield %narrow : bf16
    } : tensor<?x768xf32>,
        !tsparse.matrix<768x3072xf32, #tsparse.layout<tile_n = 128>>
        -> tensor<?x3072xbf16>
    ```
  }];

  let arguments = (ins TSparse_DenseOperand:$a,
                       TSparse_MatrixType:$b,
                       TSparse_DenseOperand:$c,
                       Variadic<TSparse_EpilogueOperand>:$epilogue_operands);
  let results = (outs Optional<TSparse_DenseMatrix>:$result);
  let regions = (region AnyRegion:$epilogue);

  let assemblyFormat = [{
    $a `,` $b `,` $c
    (`epilogue` `` custom<EpilogueOperands>($epilogue_operands,
                                           type($epilogue_operands))
     $epilogue^)?
    attr-dict `:` type($a) `,` qualified(type($b)) `->` type($c)
  }];

  let builders = [
    /// A plain product, without epilogue.
    OpBuilder<(ins "::mlir::Value":$a, "::mlir::Value":$b, "::mlir::Value":$c),
    [{ build($_builder, $_state, a, b, c, ::mlir::ValueRange{}); }]>
  ];

  let extraClassDeclaration = [{
    /// DestinationStyleOpInterface: `c` is the only init.
    ::mlir::MutableOperandRange getDpsInitsMutable() { return getCMutable(); }

    /// Returns true if the op has an epilogue region.
    bool hasEpilogue() { return !getEpilogue().empty(); }

    /// Returns the epilogue's block; the op must have an epilogue.
    ::mlir::Block &getEpilogueBlock() { return getEpilogue().front(); }

    /// Returns the type products are accumulated in: the epilogue's first
    /// argument type, or C's element type without an epilogue.
    ::mlir::Type getAccumulatorType();

    /// Returns true if `op` may appear in an epilogue: an
    /// elementwise-mappable op or a constant, on scalars, without regions.
    static bool isEpilogueOp(::mlir::Operation *op);
  }];

  let hasVerifier = 1;
  let hasRegionVerifier = 1;
}

//===----------------------------------------------------------------------===//
// YieldOp
//===----------------------------------------------------------------------===//

def TSparse_YieldOp : TSparse_Op<"yield", [
    Pure, ReturnLike, Terminator, HasParent<"MatmulOp">]> {
  let summary = "Yields the stored element from a product's epilogue";
  let description = [{
    Terminates the `epilogue` region of `tsparse.matmul` with the element to
    store, of `C`'s element type.

    Example:

    ```mlir
    tsparse.yield %value : f32
    ```
  }];

  let arguments = (ins AnyType:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

#endif // TSPARSE_DIALECT_TSPARSE_IR_TSPARSEOPS_TD
