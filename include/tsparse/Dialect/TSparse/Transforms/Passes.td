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

    Input: verified IR on tensors. Output: IR without tsparse ops or types.
    The pass fails with a diagnostic on ops on buffers, on a
    `tsparse.storage` of a matrix that is not a compile-time constant (its
    arrays cannot be recovered from the dense form), on a
    `tsparse.assemble` (a matrix built from runtime arrays, which only the
    lowering of packing produces) and on constants whose values are elided.
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
    `vector.fma` in the accumulator's element type. A product whose tiles are
    narrower than `micro-cols` uses vectors of the tile width rounded up to a
    power of two, and up to twice the rows; the M tile is rounded down to a
    multiple of the micro-kernel's rows. `micro-cols` should be a power of
    two (other vector lengths legalize poorly).

    With a `tsparse.constant` operand the schedule is static: the index
    arrays become constants and the forall visits only non-empty column
    tiles, longest first (most kept units), so parallel workers stay
    balanced. With a runtime matrix the loops read its storage
    (`tsparse.storage`) and visit every tile in order.

    Compacted (TW-2D) layouts compute on the kept columns, gathered from and
    scattered back to `C` by `col_ids`; pruned columns keep `C`'s value.
    Residual (TEW) layouts add the CSR residual with a second loop nest.

    A `C` filled with a scalar (`linalg.fill` or its generalized form) is
    never read: the accumulators start from the scalar and the product is
    written into the fill's tensor, so the fill dies; a compacted layout then
    writes each row once, expanded from the kept columns with
    `vector.expandload` and the fill value (through the epilogue) in the
    pruned ones. An epilogue is applied to the accumulator rows before their
    single store; a narrowing one (f32 accumulators, f16 or bf16 `C`) keeps
    them in registers over all kept rows whatever `k-chunk` says.

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
    Option<"microCols", "micro-cols", "int64_t", /*default=*/"64",
           "Columns of B per micro-kernel vector">,
    Option<"kChunk", "k-chunk", "int64_t", /*default=*/"0",
           "Kept rows of B per pass of the micro-kernels over a tile, so "
           "that their packed rows stay in L1 across row blocks; 0 makes "
           "one pass">
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

def TSparsePackDenseProducts
    : Pass<"tsparse-pack-dense-products", "ModuleOp"> {
  let summary = "Run dense matmuls through the tile-sparse micro-kernel";
  let description = [{
    Rewrites the floating-point matmuls left dense (every form
    `--tsparse-sparsify` recognizes, whatever their weights) into
    `tsparse.matmul` on a dense layout: TW-1D tiles of 128 columns (one tile
    for narrower matrices) with every row kept. Constant weights are packed
    at compile time; runtime weights by a `tsparse.pack` without masks. A
    `linalg.batch_matmul` whose right operand differs per batch (attention's
    `Q K^T` and `P V`) becomes an `scf.forall` over the batch of such
    products.

    `--tsparse-lower-to-loops` then runs every product of a model through
    the same register-blocked micro-kernel, instead of the scalar loops of
    `convert-linalg-to-loops`. Products with integer types, dynamic `K` or
    `N`, or mixed input types stay as they are.

    With `constant-weights-only`, only products with compile-time weights
    (behind transposes and a constant mask) are rewritten: the GPU pipeline
    runs them on its tensor-core kernels, while runtime packing would run
    on the host.
  }];
  let options = [
    Option<"constantWeightsOnly", "constant-weights-only", "bool",
           /*default=*/"false",
           "Rewrite only products whose weights are compile-time constants">,
  ];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::tsparse::TSparseDialect"
  ];
}

def TSparseFuseEpilogues : Pass<"tsparse-fuse-epilogues"> {
  let summary = "Fuse element-wise consumers of products into their epilogue";
  let description = [{
    Moves the element-wise `linalg.generic` that consumes a `tsparse.matmul`
    (its only use) into the product's `epilogue` region, so that bias adds,
    activations and residual adds are applied while the accumulator tile is
    live instead of in a second pass over memory. The consumer's other
    inputs become epilogue operands: tensors indexed like the product
    (residuals) or by its column only (biases); scalar inputs are used
    directly. Consumers of a product reshaped by `tensor.expand_shape` (the
    `[1, M, N]` results frontends emit) are first collapsed back to two
    dimensions with upstream's reshape-by-collapsing fusion. Chains of
    consumers fuse one after the other.

    A consumer that stores f16 or bf16 from an f32 product (the cast ending
    a mixed-precision linear) fuses when the product's `C` is filled with a
    constant the narrow type holds exactly: the fill is converted into the
    consumer's output and the epilogue takes the f32 accumulator. Consumers
    that reduce, transpose, change the element type otherwise, read their
    output, or hold ops that are not element-wise stay as they are, as do
    products of layouts with a residual (its elements are added after the
    tiles). Run it after `linalg-fuse-elementwise-ops`, which merges the
    consumers into one.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::tsparse::TSparseDialect"
  ];
}

def TSparseDecomposeAggregatedOps : Pass<"tsparse-decompose-aggregated-ops"> {
  let summary = "Decompose aggregated linalg ops such as linalg.softmax";
  let description = [{
    Rewrites every op implementing `linalg::AggregatedOpInterface`
    (`linalg.softmax`: max, subtract and exp, sum, divide) into the linalg
    ops it decomposes into, which the loop and vector lowerings handle;
    `convert-linalg-to-loops` does not lower them itself.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def TSparseVectorizeLinalg
    : Pass<"tsparse-vectorize-linalg"> {
  let summary = "Tile and vectorize the linalg ops around the products";
  let description = [{
    Vectorizes the element-wise, reduction and data-movement linalg ops on
    tensors that surround the products of a model (bias, activations,
    softmax, LayerNorm, residual adds, transposes, fills) for the host CPU:
    each op is tiled with `scf.for` (upstream `TilingInterface`) so that its
    innermost loop is one vector of `vector-size` elements (every outer loop
    a single iteration), and the tile is vectorized with `linalg::vectorize`.
    The vector is the largest divisor of the innermost size up to
    `vector-size` lanes, so that no tile is partial; an innermost reduction
    (softmax and LayerNorm reduce over the last dimension) is tiled alike,
    its loop carrying the partial result. Ops with a dynamic innermost
    dimension keep their scalar loops. With `parallel-chunks`, the outermost
    parallel loop of static size above 1 is first split into that many
    chunks (a divisor of its size) of an `scf.forall`, which the parallel
    CPU pipeline runs on OpenMP threads.

    Contractions are left alone (`--tsparse-pack-dense-products` and
    `--tsparse-lower-to-loops` handle them), as are ops the vectorizer
    rejects, which keep their scalar loops. Run
    `--tsparse-approximate-math` afterwards so that `math` ops on the
    vectors do not become calls.
  }];
  let options = [
    Option<"vectorSize", "vector-size", "int64_t", /*default=*/"16",
           "Most elements of the innermost dimension per vector">,
    Option<"parallelChunks", "parallel-chunks", "int64_t", /*default=*/"0",
           "Split the outermost parallel loop of static size above 1 into "
           "about this many scf.forall iterations (0: none)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def TSparseApproximateMath : Pass<"tsparse-approximate-math"> {
  let summary = "Replace math functions by polynomial approximations";
  let description = [{
    Rewrites `math.exp`, `math.erf`, `math.tanh`, `math.log`, `math.rsqrt`
    (where the target has a fast instruction), ... on f32 scalars and
    vectors, and on f16/bf16 through f32, into the polynomial
    approximations of upstream MLIR
    (`populateMathPolynomialApproximationPatterns`), so that vectorized
    activations and normalizations stay in registers instead of calling
    `libm` per element. The approximations are accurate to a few ulp of f32.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def TSparseStaticWorkspace : Pass<"tsparse-static-workspace", "ModuleOp"> {
  let summary = "Give the temporaries of functions static buffers";
  let description = [{
    Replaces every `memref.alloc` of a static shape in the entry block of a
    function whose buffer does not leave the function (it is not returned,
    passed to a call or yielded out of a region, also through views) by a
    `memref.get_global` of a private uninitialized `memref.global` of its
    own. Run on bufferized code before buffer deallocation, which then
    frees nothing of these.

    A call then allocates only its results: the temporaries of a model
    (MB-sized activations, attention scores) are not obtained from `malloc`
    and page-faulted in again on every call. The price is reentrancy: two
    calls of the same function must not run at the same time (calls from
    several threads need a lock, or code compiled without this pass).
    Allocations inside loops or conditionals keep `memref.alloc`.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def TSparseNarrowProducts : Pass<"tsparse-narrow-products", "ModuleOp"> {
  let summary = "Compute f32 products with f16 or bf16 inputs";
  let description = [{
    Rewrites every `tsparse.matmul`, `linalg.matmul` and
    `linalg.batch_matmul` (any indexing maps) whose inputs are f32 to
    take inputs of the narrower type `to` (`f16` or `bf16`), rounded to
    nearest even, and to accumulate in its f32 C as before: what tensor
    cores need, and what a mixed-precision (autocast) run of the model
    does. It is opt-in because it changes the numbers.

    A `tsparse.constant` is converted at compile time (its values arrays;
    the index arrays are kept), a `tsparse.pack` of a tensor packs the
    converted tensor with the same masks, and A is converted by an
    element-wise `linalg.generic` (behind its `linalg.transpose`, if any,
    so that a K-major read still folds). Products whose matrix is neither,
    or whose C is not f32, are left alone. The linalg products get both
    inputs converted by element-wise `linalg.generic`s, which fusion merges
    into their producers.

    `--tsparse-gpu-pipeline="compute-type=f16"` runs this pass first, so
    that f32 models reach the tensor-core kernels.
  }];
  let options = [
    Option<"to", "to", "::mlir::tsparse::NarrowType",
           /*default=*/"::mlir::tsparse::NarrowType::F16",
           "Input type of the products",
           [{::llvm::cl::values(
             clEnumValN(::mlir::tsparse::NarrowType::F16, "f16",
                        "round f32 inputs to f16"),
             clEnumValN(::mlir::tsparse::NarrowType::BF16, "bf16",
                        "round f32 inputs to bf16"))}]>
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def TSparseLowerExpandShape
    : Pass<"tsparse-lower-expand-shape", "func::FuncOp"> {
  let summary = "Lower memref.expand_shape ops that expand-strided-metadata "
                "cannot handle";
  let description = [{
    Rewrites every `memref.expand_shape` that expands one dimension into
    several dynamic sizes (e.g. `memref<?x768xf32>` into
    `memref<?x?x768xf32>`, how frontends restore a dynamic batch and
    sequence length) into `memref.extract_strided_metadata` of its source
    and a `memref.reinterpret_cast` with the sizes of its `output_shape`:
    within a group the innermost size keeps the source dimension's stride
    and each outer one multiplies it by the sizes inside it. MLIR 22's
    `expand-strided-metadata` assumes at most one dynamic size per group and
    crashes on these ops (llvm-project issue 186830), so every tsparse
    pipeline runs this pass first. Other `expand_shape` ops are left alone.
  }];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::memref::MemRefDialect"];
}

def TSparsePrune : Pass<"tsparse-prune", "ModuleOp"> {
  let summary = "Prune the constant weights of matmuls tile-wise";
  let description = [{
    Prunes the constant weights `B[K x N]` of every matmul of the module in
    place, to the target `sparsity`, in one of the patterns of the tile-wise
    sparsity paper (Guo et al., SC'20) or a baseline: pruned elements become
    zero and the constant keeps its type and kind (`dense` or
    `dense_resource`); a constant that other ops read too keeps its values
    for them, and the matmuls read a pruned copy. `--tsparse-sparsify` then
    finds the structure and packs the weights.

    Matmuls are recognized from their indexing maps and body:
    `linalg.matmul` (also with transposed `indexing_maps`),
    `linalg.batch_matmul` with a broadcast weight, and matmul-shaped
    `linalg.generic`. The weights may be read through a `linalg.transpose`
    (`nn.Linear` stores `W[N x K]`): `K`, the reduction dimension, is always
    the one pruned along.

    Patterns (`pattern=`):
    - `tw2d` (default): whole columns are ranked and pruned first, the
      surviving columns are grouped into tiles of `tile-n`, and 1 x G row
      segments of each tile are ranked and pruned; the target is split
      evenly, (1 - s_col)(1 - s_row) = 1 - s.
    - `tw1d`: 1 x G row segments of tiles of the original columns.
    - `bw`: `unit-k` x G blocks.
    - `tew`: `tw2d` at `sparsity + delta`, then the `delta` of all elements
      with the best scores restored (per matrix under the tile scope).
    - `ew` (single elements) and `vw` (16-long K vectors of one column):
      baselines.

    A unit's score is the root mean square of the magnitudes of its
    elements, so that units of different sizes (partial tiles, columns of
    matrices of different K) compare fairly. `scope=global` (the paper's
    choice) ranks all matrices of the module together, `matrix` each matrix
    on its own and `tile` each column tile on its own (every tile equally
    sparse). Ties are broken by position, so the result is deterministic, and
    in each scope the pruned fraction is the closest to `sparsity` that whole
    units reach.

    Input: any IR. Output: the same IR with pruned weight constants. Fails,
    before any weight is changed, on bad options, weights of another element
    type than f32, f16 or bf16, weights whose data is elided, and for `bw`
    on a `K` that is not a multiple of `unit-k` (batched matmuls of
    broadcast weights may already read the 2-D weights directly then). With `report=<file>` it
    writes a JSON record per matmul; with `remarks` it emits one remark per
    matmul.
  }];
  let options = [
    Option<"pattern", "pattern", "::mlir::tsparse::PrunePattern",
           "::mlir::tsparse::PrunePattern::TW2D", "Pruning pattern",
           [{::llvm::cl::values(
             clEnumValN(::mlir::tsparse::PrunePattern::TW2D, "tw2d",
                        "columns, then row segments of tiles of survivors"),
             clEnumValN(::mlir::tsparse::PrunePattern::TW1D, "tw1d",
                        "row segments of tiles of the original columns"),
             clEnumValN(::mlir::tsparse::PrunePattern::BW, "bw",
                        "unit-k x tile-n blocks"),
             clEnumValN(::mlir::tsparse::PrunePattern::TEW, "tew",
                        "tw2d plus delta of the elements restored"),
             clEnumValN(::mlir::tsparse::PrunePattern::EW, "ew",
                        "single elements"),
             clEnumValN(::mlir::tsparse::PrunePattern::VW, "vw",
                        "16-long K vectors of one column"))}]>,
    Option<"sparsity", "sparsity", "double", "0.75",
           "Fraction of the weights to prune, in [0, 1)">,
    Option<"tileN", "tile-n", "int64_t", "128",
           "Columns per tile (G), a positive multiple of 8">,
    Option<"unitK", "unit-k", "int64_t", "16",
           "Rows per block of the bw pattern">,
    Option<"delta", "delta", "double", "0.02",
           "Fraction of the elements restored by the tew pattern">,
    Option<"scope", "scope", "::mlir::tsparse::PruneScope",
           "::mlir::tsparse::PruneScope::Global", "Ranking scope",
           [{::llvm::cl::values(
             clEnumValN(::mlir::tsparse::PruneScope::Global, "global",
                        "one ranking over all matrices of the module"),
             clEnumValN(::mlir::tsparse::PruneScope::Matrix, "matrix",
                        "one ranking per matrix"),
             clEnumValN(::mlir::tsparse::PruneScope::Tile, "tile",
                        "one ranking per column tile"))}]>,
    Option<"reportFile", "report", "std::string", "",
           "Write a JSON report of every matmul to this file ('-' for "
           "stdout)">,
    Option<"remarks", "remarks", "bool", "false",
           "Emit one remark per matmul">
  ];
  // Reports describe the pruned weights with `#tsparse.layout`.
  let dependentDialects = ["::mlir::tsparse::TSparseDialect"];
}

def TSparseSparsify : Pass<"tsparse-sparsify", "ModuleOp"> {
  let summary = "Rewrite matmuls with tile-sparse weights into tsparse.matmul";
  let description = [{
    Finds the matmuls whose weights `B[K x N]` have tile-wise zero structure
    and rewrites them into `tsparse.matmul` on packed weights, keeping their
    accumulator (e.g. a `linalg.fill` with 0).

    Matched forms (recognized from indexing maps and body, as in
    `--tsparse-prune`): `linalg.matmul`, also with transposed
    `indexing_maps` for either operand; `linalg.batch_matmul` whose weights
    are broadcast across the batch (the batch is folded into `M` with
    `tensor.collapse_shape` and restored with `tensor.expand_shape`); any
    matmul-shaped `linalg.generic`; and weights read through
    `linalg.transpose`. Inputs of f16 or bf16 with an f32 accumulator are
    kept as they are.

    Weights are either
    - a constant (`dense` or `dense_resource`): its zeros are measured and
      the matmul gets a `tsparse.constant`; or
    - a runtime value masked by a constant mask: `arith.select %mask, %w,
      %zero` on tensors with a constant `i1` mask and a zero splat, or an
      element-wise `linalg.generic` computing `select(mask, w, 0)` or
      `w * mask` with a constant float mask of zeros and ones (as
      `torch.nn.utils.prune` applies masks), possibly with
      `linalg.transpose` on either side. The mask's true elements are
      measured and the matmul gets a `tsparse.pack` of the masked weights
      with constant unit and column masks. A constant masked this way is
      masked at compile time and packed like any constant.

    The layout is chosen among TW-1D, TW-2D and block-wise layouts of every
    size of `tile-sizes` and `unit-sizes`, with an element-wise residual
    (TEW) when `residual` is set: the one that leaves the least work while
    covering every nonzero. Work counts multiply-adds per row of `A`: one
    per stored value, `row-cost` per kept row of a tile (its index and the
    gathered element of `A`) and `residual-cost` per residual element. Ties
    go to the earlier tile size and unit size, then to original columns and
    no residual. A matmul whose chosen layout skips less
    than `min-sparsity` of the multiply-adds stays dense.

    Input: any IR. Output: the same IR with matmuls rewritten; weight ops
    left unused are erased. Matmuls that do not fit (other element types,
    runtime weights without a constant mask) are left alone; with `remarks`
    each gets a remark saying why. Linalg ops that are not matmuls by their
    maps and body are not considered. With
    `report=<file>` it writes a JSON record per matmul.
  }];
  let options = [
    Option<"minSparsity", "min-sparsity", "double", "0.3",
           "Smallest fraction of skipped multiply-adds worth a rewrite">,
    ListOption<"tileSizes", "tile-sizes", "int64_t",
               "Tile widths tried, in order of preference (default "
               "128,64,32,16,8)">,
    ListOption<"unitSizes", "unit-sizes", "int64_t",
               "Unit heights tried, in order of preference; must include 1 "
               "(default 64,32,16,1)">,
    Option<"residual", "residual", "bool", "true",
           "Also try layouts with an element-wise residual (TEW)">,
    Option<"residualCost", "residual-cost", "double", "4.0",
           "Cost of a residual element relative to a stored value">,
    Option<"rowCost", "row-cost", "double", "1.0",
           "Cost of a kept row of a tile (index and gather) relative to a "
           "stored value">,
    Option<"reportFile", "report", "std::string", "",
           "Write a JSON report of every matmul to this file ('-' for "
           "stdout)">,
    Option<"remarks", "remarks", "bool", "false",
           "Emit one remark per matmul">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::tsparse::TSparseDialect"
  ];
}

def TSparsePropagateFeatureMajor
    : Pass<"tsparse-propagate-feature-major", "ModuleOp"> {
  let summary = "Keep activations between tile-sparse products feature-major";
  let description = [{
    Where the A operand of a `tsparse.matmul` on tensors comes, with no other
    use, from another `tsparse.matmul`, directly or through element-wise 2-D
    `linalg.generic`s (bias, activation, casts; payloads that read neither
    their output nor `linalg.index`), rebuilds that chain on the
    transposed (N x M, feature-major) tensor: the producer's result is
    transposed, the generics run with their loops swapped (1-D operands such
    as a bias re-indexed accordingly), and the consumer reads the transpose
    of the chain's result. Only explicit `linalg.transpose` ops are added;
    `convert-tsparse-to-gpu` folds them, computing the producer transposed
    and reading the consumer's A K-major, so that no transposition runs and
    the gather of A is contiguous. Run by `convert-tsparse-to-gpu` with
    `feature-major=1`.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // TSPARSE_DIALECT_TSPARSE_TRANSFORMS_PASSES_TD
