// The mma-sync flavour through the whole GPU pipeline: PTX with cp.async
// (zero-filling), ldmatrix.trans and m16n8k16 mma.sync in f16 and bf16, for
// a row-major and a K-major A. It must assemble with ptxas for sm_80 and
// sm_90: ptxas.test assembles it (unsupported without ptxas).
//
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="mma=mma-sync chip=sm_90" -o %t.sm90.mlir
// RUN: FileCheck %s --check-prefix=CHECK-HOST --input-file %t.sm90.mlir
// RUN: %python %S/../Inputs/extract_ptx.py %t.sm90.mlir > %t.sm90.ptx
// RUN: FileCheck %s --check-prefix=CHECK-PTX --input-file %t.sm90.ptx
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="mma=mma-sync chip=sm_80 m-tile=64 stages=4" -o %t.sm80.mlir
// RUN: %python %S/../Inputs/extract_ptx.py %t.sm80.mlir > %t.sm80.ptx
// RUN: FileCheck %s --check-prefix=CHECK-PTX --input-file %t.sm80.ptx
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="mma=mma-sync chip=sm_90 transpose-a=always" -o %t.ta.mlir
// RUN: %python %S/../Inputs/extract_ptx.py %t.ta.mlir > %t.ta.ptx
// RUN: FileCheck %s --check-prefix=CHECK-TA --input-file %t.ta.ptx

// CHECK-TA: .entry tsparse_transpose_f16(

// CHECK-HOST-LABEL: llvm.func @matmul_tw2d
// CHECK-HOST: gpu.launch_func <%{{.*}} : !llvm.ptr> @tsparse_kernels::@tsparse_mma_sync_f16_g128_u1_c_k256_m128_s3
// CHECK-HOST-LABEL: llvm.func @matmul_k_major_bf16
// CHECK-HOST: gpu.launch_func <%{{.*}} : !llvm.ptr> @tsparse_kernels::@tsparse_mma_sync_bf16_g64_u1_ak_m128_s3
// CHECK-HOST: gpu.binary @tsparse_kernels

// CHECK-PTX-DAG: .entry tsparse_mma_sync_f16_g128_u1_c_k256_m
// CHECK-PTX-DAG: .entry tsparse_mma_sync_bf16_g64_u1_ak_m
// CHECK-PTX-DAG: cp.async.cg.shared.global [{{.*}}], [{{.*}}], 16, {{.*}};
// CHECK-PTX-DAG: cp.async.commit_group;
// CHECK-PTX-DAG: cp.async.wait_group
// CHECK-PTX-DAG: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// CHECK-PTX-DAG: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// CHECK-PTX-DAG: atom.global.add.f32
// CHECK-PTX-DAG: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-PTX-DAG: .entry tsparse_mma_sync_f16_g64_u1_outf16_k256_m
// CHECK-PTX-DAG: .entry tsparse_mma_sync_bf16_g64_u1_outbf16_k256_m
func.func @matmul_tw2d(%a: tensor<?x256xf16>, %w: tensor<256x384xf16>, %c: tensor<?x384xf32>) -> tensor<?x384xf32> {
  %p = tsparse.pack %w : tensor<256x384xf16> -> !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x384xf16, #tsparse.layout<tile_n = 128, columns = compacted>> -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}

func.func @matmul_k_major_bf16(%at: tensor<256x?xbf16>, %w: tensor<256x192xbf16>, %c: tensor<?x192xf32>) -> tensor<?x192xf32> {
  %p = tsparse.pack %w : tensor<256x192xbf16> -> !tsparse.matrix<256x192xbf16, #tsparse.layout<tile_n = 64>>
  %c1 = arith.constant 1 : index
  %m = tensor.dim %at, %c1 : tensor<256x?xbf16>
  %e = tensor.empty(%m) : tensor<?x256xbf16>
  %a = linalg.transpose ins(%at : tensor<256x?xbf16>) outs(%e : tensor<?x256xbf16>) permutation = [1, 0]
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xbf16>, !tsparse.matrix<256x192xbf16, #tsparse.layout<tile_n = 64>> -> tensor<?x192xf32>
  return %r : tensor<?x192xf32>
}

func.func @matmul_f16_out(%a: tensor<?x256xf16>, %w: tensor<256x192xf16>, %c: tensor<?x192xf16>) -> tensor<?x192xf16> {
  %p = tsparse.pack %w : tensor<256x192xf16> -> !tsparse.matrix<256x192xf16, #tsparse.layout<tile_n = 64>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xf16>, !tsparse.matrix<256x192xf16, #tsparse.layout<tile_n = 64>> -> tensor<?x192xf16>
  return %r : tensor<?x192xf16>
}

func.func @matmul_bf16_out(%a: tensor<?x256xbf16>, %w: tensor<256x192xbf16>, %c: tensor<?x192xbf16>) -> tensor<?x192xbf16> {
  %p = tsparse.pack %w : tensor<256x192xbf16> -> !tsparse.matrix<256x192xbf16, #tsparse.layout<tile_n = 64>>
  %r = tsparse.matmul %a, %p, %c : tensor<?x256xbf16>, !tsparse.matrix<256x192xbf16, #tsparse.layout<tile_n = 64>> -> tensor<?x192xbf16>
  return %r : tensor<?x192xbf16>
}
