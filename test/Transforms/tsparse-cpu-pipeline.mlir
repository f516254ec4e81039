// RUN: tsparse-opt %s --tsparse-cpu-pipeline | FileCheck %s
// RUN: tsparse-opt %s --tsparse-cpu-pipeline | FileCheck %s --check-prefix=NONE \
// RUN:   --implicit-check-not="{{[[:space:]](tsparse|scf|vector|linalg|memref)\.[a-z_]+}}"
// RUN: tsparse-opt %s --tsparse-cpu-pipeline="parallel=1" | FileCheck %s --check-prefix=OMP

// The whole program reaches the LLVM dialect; the kernel keeps its vectors:
// masked vector loads of packed B, fused multiply-adds on vectors.
// CHECK-LABEL: llvm.func @matmul_tw1d
// CHECK: llvm.intr.masked.load {{.*}} -> vector<64xf32>
// CHECK: llvm.intr.fmuladd({{.*}}) : (vector<64xf32>, vector<64xf32>, vector<64xf32>) -> vector<64xf32>
// CHECK: llvm.intr.masked.store
// No tsparse, scf, vector, linalg or memref op is left anywhere in the output.
// NONE: llvm.func @matmul_tw1d

// With parallel=1 the work items run in an OpenMP parallel loop.
// OMP-LABEL: llvm.func @matmul_tw1d
// OMP: omp.parallel
// OMP: omp.wsloop
// OMP: llvm.intr.fmuladd
func.func @matmul_tw1d(%a: tensor<?x64xf32>, %w: tensor<64x256xf32>, %m: tensor<64x2xi1>,
                       %c: tensor<?x256xf32>) -> tensor<?x256xf32> {
  %p = tsparse.pack %w, %m : tensor<64x256xf32>, tensor<64x2xi1>
      -> !tsparse.matrix<64x256xf32, #tsparse.layout<tile_n = 128>>
  %r = tsparse.matmul %a, %p, %c
      : tensor<?x64xf32>, !tsparse.matrix<64x256xf32, #tsparse.layout<tile_n = 128>>
      -> tensor<?x256xf32>
  return %r : tensor<?x256xf32>
}
