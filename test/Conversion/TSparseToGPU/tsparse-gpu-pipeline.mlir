// The whole GPU pipeline: kernels to PTX inside a gpu.binary, host code to
// the LLVM dialect around one gpu.launch_func, all of it translatable to
// LLVM IR (the host's runtime packing included). The PTX must assemble with
// ptxas for sm_80 and sm_90: ptxas.test assembles it (unsupported without
// ptxas).
//
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_90" -o %t.sm90.mlir
// RUN: mlir-translate --mlir-to-llvmir %t.sm90.mlir -o /dev/null
// RUN: FileCheck %s --check-prefix=CHECK-HOST --input-file %t.sm90.mlir
// RUN: %python %S/../Inputs/extract_ptx.py %t.sm90.mlir > %t.sm90.ptx
// RUN: FileCheck %s --check-prefix=CHECK-PTX --input-file %t.sm90.ptx
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_80" -o %t.sm80.mlir
// RUN: %python %S/../Inputs/extract_ptx.py %t.sm80.mlir > %t.sm80.ptx

// CHECK-HOST-LABEL: llvm.func @matmul_tw2d
// CHECK-HOST: gpu.launch_func <%{{.*}} : !llvm.ptr> @tsparse_kernels::@tsparse_wmma_f16_g128_u1_c_m64
// CHECK-HOST-NOT: gpu.launch_func
// CHECK-HOST: gpu.binary @tsparse_kernels  [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">

// CHECK-PTX: .target sm_90
// CHECK-PTX: .visible .entry tsparse_wmma_f16_g128_u1_c_m64(
// B's packed values are read-only and noalias: read through the
// non-coherent (read-only) path.
// CHECK-PTX-DAG: ld.global.nc.v4.b32
// CHECK-PTX-DAG: atom.global.add.f32
// CHECK-PTX-DAG: wmma.mma.sync.aligned.row.row.m16n16k16.f32.f32
// CHECK-PTX-DAG: wmma.store.d.sync.aligned.row.m16n16k16
func.func @matmul_tw2d(%a: tensor<?x256xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}
