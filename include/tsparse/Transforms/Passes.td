//===- Passes.td - Dialect-independent tsparse passes ------*- tablegen -*-===//
//
// Passes the tsparse pipelines need that work on upstream dialects only.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_TRANSFORMS_PASSES_TD
#define TSPARSE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TSparseDeallocateHostBuffers
    : Pass<"tsparse-deallocate-host-buffers", "func::FuncOp"> {
  let summary = "Free the host buffers of a function that do not escape it";
  let description = [{
    Inserts a `memref.dealloc` before the return of a single-block function,
    and before the yield of each single-block region in it (a loop body),
    for every `memref.alloc` of that block that does not escape: the buffer
    and its views and casts are never returned, yielded, passed to a call,
    stored, or turned back into a tensor. The host code around the fused
    kernels needs it because the ownership-based
    `buffer-deallocation-pipeline` rejects `gpu.launch_func`, whose memory
    effects are unknown; the temporaries of runtime packing and of host-side
    transposes would leak otherwise. Run it after bufferization and before
    `gpu-async-region`, which then waits for the GPU before the frees.
    Functions of several blocks are left alone.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def TSparseFuseElementwiseOps
    : Pass<"tsparse-fuse-elementwise-ops", "ModuleOp"> {
  let summary = "Fuse element-wise linalg ops, leaving contractions alone";
  let description = [{
    Upstream's `linalg-fuse-elementwise-ops` (producer-consumer fusion of
    element-wise ops with a single use, reshape propagation by expansion,
    the linalg canonicalizations), except that nothing is fused into or out
    of a contraction (`linalg.matmul`, `linalg.batch_matmul`, or a generic
    of that shape): upstream fuses the transpositions and casts feeding a
    product into it, which leaves a generic no tensor-core kernel runs. The
    GPU pipeline runs it before the conversion so that attention's products
    reach the kernels with their operands materialized.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def TSparseParallelLoopsToGPU
    : Pass<"tsparse-parallel-loops-to-gpu", "func::FuncOp"> {
  let summary = "Run the host's parallel loops as GPU kernels";
  let description = [{
    Turns every outermost `scf.parallel` of the function (what
    `convert-linalg-to-parallel-loops` makes of element-wise and reduction
    ops, reductions as sequential loops inside) into a `gpu.launch` on a 1-D
    grid of 1-D blocks: the loop's dimensions are collapsed into one
    (`collapseParallelLoops`), tiled by `block-size` (`tileParallelLoop`),
    the tiles mapped to blocks and their elements to threads, and upstream's
    parallel-loops-to-gpu patterns build the launch. `gpu-kernel-outlining`
    then makes kernels of the launches. Loops with results (`scf.reduce`)
    stay on the host.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def TSparsePlaceOnDevice : Pass<"tsparse-place-on-device", "ModuleOp"> {
  let summary = "Keep a GPU program's buffers on the device between kernels";
  let description = [{
    Moves the buffers of each single-block host function to the device when
    nothing on the host reads or writes them: every use (through views and
    casts) is a `gpu.launch_func`, a copy, a size query, a free or, for an
    allocation, the return. Such a
    - `memref.alloc` becomes a `gpu.alloc` (its frees `gpu.dealloc`);
    - function argument is copied to the device once at the entry, and back
      at the return only if a kernel writes it;
    - constant `memref.get_global` becomes a call to the runtime's
      `tsparseResident_<type>`, which uploads a constant the first time the
      process asks for it and returns the same device copy afterwards:
      weights stay resident;
    - returned buffer is copied to a host buffer at the return.
    `memref.copy`s of placed buffers become `gpu.memcpy`s. Device-to-device
    copies are then forwarded where they only stage data: a copy whose
    source dies with it, or whose destination is only read while the source
    is not written, becomes its source (the per-product copies of
    `--convert-tsparse-to-gpu`). A call therefore copies its inputs in and
    its results out, and nothing else. Buffers that host code does touch
    (runtime packing loops) stay on the host, and kernels get device copies
    of them around their launch, as they do in functions of several blocks,
    which the pass does not analyze.
  }];
  let dependentDialects = [
    "::mlir::func::FuncDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def TSparseMathToLLVMIntrinsics : Pass<"tsparse-math-to-llvm-intrinsics"> {
  let summary = "Lower GPU kernels' math to LLVM intrinsics instead of libdevice";
  let description = [{
    Rewrites the `math` ops that remain in kernels once the polynomial
    approximations have run (`fma`, `sqrt`, `rsqrt`, `floor`, `ceil`,
    `absf`, `roundeven`) on scalar floats into LLVM intrinsics: `llvm.fma`,
    and `llvm.call_intrinsic` of `llvm.sqrt`, `llvm.floor`, ... (`rsqrt` as
    a division by the square root). `convert-gpu-to-nvvm` would map them to
    libdevice functions (`__nv_fmaf`, `__nv_sqrtf`, ...) that the compiled
    module would then have to link; the NVPTX backend selects these
    intrinsics itself. Run it on the kernels before `convert-gpu-to-nvvm`.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def TSparseConvertKernelsToNVVM
    : Pass<"tsparse-convert-kernels-to-nvvm", "gpu::GPUModuleOp"> {
  let summary = "Lower GPU kernels to NVVM with 32-bit index arithmetic";
  let description = [{
    Lowers a `gpu.module` to the LLVM and NVVM dialects in one conversion:
    the patterns of `convert-gpu-to-nvvm`, of `convert-nvgpu-to-nvvm` and
    of every dialect with a `ConvertToLLVMPatternInterface`, sharing one
    type converter whose `index` is `index-bitwidth` wide. Upstream runs
    the nvgpu patterns in a pass of their own that always uses 64-bit
    indices, so a 32-bit lowering of the rest could not meet them.

    Offsets, sizes and strides are then 32-bit registers, as in hand-written
    kernels (`int` indices), where 64-bit address arithmetic costs two
    registers and two instructions per value. The kernels' interface does
    not change: the parameters that carry `index` values (memref offsets,
    sizes and strides, `index` arguments) stay 64-bit and are truncated on
    entry, so host code and launches are those of `convert-gpu-to-nvvm`.
    Every such value must fit the narrower type; the GPU pipeline checks
    that on the host before each launch (`tsparse-check-kernel-indices`).
    A memref argument marked `llvm.noalias` keeps it on the aligned pointer
    of its descriptor, through which the kernel accesses memory (upstream
    drops it on descriptors, whose two pointers alias each other).
  }];
  let options = [
    Option<"indexBitwidth", "index-bitwidth", "unsigned", /*default=*/"32",
           "Bit width of `index` inside the kernels (32 or 64)">,
  ];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::NVVM::NVVMDialect",
  ];
}

def TSparseSplitLoopInvariantOffsets
    : Pass<"tsparse-split-loop-invariant-offsets", "::mlir::LLVM::LLVMFuncOp"> {
  let summary = "Split loads' addresses into a loop-invariant row and a column";
  let description = [{
    Rewrites `llvm.getelementptr %p[%x * %s + %y]` feeding loads inside a
    loop as `llvm.getelementptr (llvm.getelementptr %p[%x * %s])[%y]` when
    `%p` and `%x * %s` are the same on every iteration, `%y` is not, and the
    sum has `nsw` and `nuw` (so sign-extending the sum equals adding the
    extended terms). A memref access lowered with a 32-bit index (as by
    `tsparse-convert-kernels-to-nvvm`) has that form; LLVM does not
    distribute the extension of its index to the pointer's width, so each
    access would otherwise recompute its whole 64-bit address (a widening
    multiply and a 64-bit add in PTX). Split, the row's pointer is hoisted
    and each access adds the column. Loops are found in the function's
    control-flow graph (run it after the lowering to LLVM).
  }];
}

def TSparseCheckKernelIndices
    : Pass<"tsparse-check-kernel-indices", "func::FuncOp"> {
  let summary = "Check on the host that kernel operands fit 32-bit indices";
  let description = [{
    Kernels lowered by `tsparse-convert-kernels-to-nvvm` compute offsets in
    `index-bitwidth` (32) bits. Before each `gpu.launch_func`, this pass
    asserts (`cf.assert`) that every memref operand's last element lies
    below 2^31 elements from its base (offset plus the strides times the
    sizes less one) and that every `index` operand is representable in 32
    signed bits, so that an oversized input stops the program with a
    message instead of running with wrapped offsets. Operands whose bounds
    are static are checked at compile time: an error when they cannot fit,
    no runtime code when they do.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

#endif // TSPARSE_TRANSFORMS_PASSES_TD
