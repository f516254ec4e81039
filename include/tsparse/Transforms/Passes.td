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

#endif // TSPARSE_TRANSFORMS_PASSES_TD
