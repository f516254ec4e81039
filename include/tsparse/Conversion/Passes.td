//===- Passes.td - tsparse conversion passes ---------------*- tablegen -*-===//
//
// Declares the conversions out of the tsparse dialect.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_CONVERSION_PASSES_TD
#define TSPARSE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTSparseToGPU : Pass<"convert-tsparse-to-gpu", "ModuleOp"> {
  let summary = "Lower tile-sparse products to one fused tensor-core kernel";
  let description = [{
    Rewrites every `tsparse.matmul` into a single `gpu.launch_func` of a
    kernel that computes all column tiles: one thread block per work item
    (M tile x column tile, or x run of at most `split-rows` kept rows of a
    long tile when the product has fewer than `split-blocks` blocks at run
    time, so that small M still fills the GPU), items ordered longest tile
    first (the static schedule of a `tsparse.constant`; every tile, whole,
    otherwise). A block multiplies
    A's columns gathered by `row_ids` with the packed rows of its tile on
    tensor cores and adds the result to C (gathered to the original columns
    for compacted layouts): plainly when the item is its whole tile,
    atomically otherwise. Pruned units never reach the kernel.

    The epilogue of a product of a `tsparse.constant` runs in its kernel:
    the work list then has every tile whole (empty ones included) and the
    columns a compacted layout drops, and each element of C is stored as
    `epilogue(C + A * B)`. Other products get their epilogue split off into
    an element-wise op after the launch. The output must be bufferized
    without CSE in between: each product reads its operands through its own
    `bufferization.to_buffer`.

    Flavours (`mma`): `wmma` uses `gpu.subgroup_mma_*` 16x16x16 fragments
    staged through workgroup memory; `mma-sync` uses `nvgpu.mma.sync`
    m16n8k16 (`nvvm.mma.sync` for bf16) fed by `nvgpu.ldmatrix` from a
    `stages`-deep ring of XOR-swizzled workgroup buffers filled by
    `nvgpu.device_async_copy`; `wgmma` (sm_90a) uses
    `nvvm.wgmma.mma_async` m64nNk16 on shared-memory descriptors of the same
    ring, laid out in the swizzled canonical layouts, one warpgroup per 64
    rows, and reads a row-major A with scattered kept rows transposed on
    the device.

    An A that is a `linalg.transpose` of a K x M tensor is read K-major (the
    transpose folds), and a result whose every use transposes it is written
    transposed (N x M). `feature-major` first keeps the activations between
    consecutive products in that layout (see
    `tsparse-propagate-feature-major`); `transpose-a` chooses when any
    other A is transposed on the device (a 32 x 32-tiled kernel) before the
    product: `auto` (the default) does it for a compile-time matrix with
    scattered kept rows when the transposition and the K-major reads of A
    move fewer bytes than gathering the row-major A, whose 32-byte sectors
    every column tile reads almost whole (see docs/design.md).

    Input: `tsparse.matmul` on tensors (or buffers, re-expressed on tensors)
    with f16 inputs (or bf16 with `mma-sync` or `wgmma`) and an f32, f16 or bf16 C
    (accumulated in f32, rounded once per update),
    `tile_n` a multiple of 32 and at most 128, no residual. A matrix in
    another layout is first repacked: a compile-time one into the kernel
    layout that covers its nonzeros with the least work, a runtime one (at
    run time, without masks) into the kernel layout closest to its own.
    Dense products of runtime operands, `linalg.matmul` and
    `linalg.batch_matmul` with the default indexing maps (a transposed A or
    B is transposed back first) on f16 inputs (or
    bf16 with `mma-sync`) and an f32 or like-typed C (attention's QK^T and
    PV), go to the same kernels reading B in place: every row kept, column
    tiles of up to 128 of B's columns, the batches stacked along M so that
    one launch covers them all, no index arrays. Their element-wise
    consumers run after them.

    Other element types, matrices passed across function boundaries,
    invalid options and kernels needing more than 96 KB of workgroup memory
    (what every sm_80+ chip allows a block) are diagnosed; mma-sync kernels
    above 48 KB take it as dynamic shared memory, sized by the launch. Output: the kernels in a `gpu.module` and, on the host,
    device buffers, copies and the launch, on tensors wrapped by
    `bufferization.to_buffer` / `to_tensor`. The module gets the
    `gpu.container_module` attribute.
  }];
  let options = [
    Option<"mma", "mma", "::mlir::tsparse::MmaFlavor",
           /*default=*/"::mlir::tsparse::MmaFlavor::WMMA",
           "Tensor-core flavour",
           [{::llvm::cl::values(
             clEnumValN(::mlir::tsparse::MmaFlavor::WMMA, "wmma",
                        "gpu.subgroup_mma fragments"),
             clEnumValN(::mlir::tsparse::MmaFlavor::MMASync, "mma-sync",
                        "mma.sync with ldmatrix and cp.async"),
             clEnumValN(::mlir::tsparse::MmaFlavor::WGMMA, "wgmma",
                        "wgmma.mma_async from swizzled shared memory "
                        "(sm_90a)"))}]>,
    Option<"mTile", "m-tile", "int64_t", /*default=*/"0",
           "Rows of A per thread block (wmma: 64; mma-sync, wgmma: 64 or "
           "128); 0 picks the flavour's default (64, 128, 128)">,
    Option<"stages", "stages", "int64_t", /*default=*/"0",
           "Shared-memory stages of the cp.async pipeline (mma-sync: >= 2, "
           "wgmma: >= 3); 0 picks the flavour's default (3, 4)">,
    Option<"splitRows", "split-rows", "int64_t", /*default=*/"512",
           "Kept rows per work item of a compile-time matrix (split-K), a "
           "multiple of 32">,
    Option<"splitBlocks", "split-blocks", "int64_t", /*default=*/"264",
           "Split long tiles only when a product has fewer (M tile, tile) "
           "blocks than this at run time (264: two per SM of an H100/H200); "
           "0 never splits">,
    Option<"persistentBlocks", "persistent-blocks", "int64_t",
           /*default=*/"0",
           "Launch at most this many blocks per product, each walking the "
           "work list (e.g. 264: two per SM of an H100/H200; not with "
           "wgmma); 0 launches one block per (M tile, work item)">,
    Option<"featureMajor", "feature-major", "bool", /*default=*/"false",
           "Keep the activations between consecutive products feature-major "
           "(N x M), read as K-major A">,
    Option<"transposeA", "transpose-a", "::mlir::tsparse::TransposeA",
           /*default=*/"::mlir::tsparse::TransposeA::Auto",
           "When to transpose a row-major A on the device first and read it "
           "K-major (contiguous gathers, cp.async with mma-sync)",
           [{::llvm::cl::values(
             clEnumValN(::mlir::tsparse::TransposeA::Auto, "auto",
                        "when that moves fewer bytes than gathering A "
                        "(scattered kept rows of a compile-time matrix)"),
             clEnumValN(::mlir::tsparse::TransposeA::Always, "always",
                        "for every row-major A"),
             clEnumValN(::mlir::tsparse::TransposeA::Never, "never",
                        "only where the kernel cannot gather A (wgmma)"))}]>
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::nvgpu::NVGPUDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::tsparse::TSparseDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // TSPARSE_CONVERSION_PASSES_TD
