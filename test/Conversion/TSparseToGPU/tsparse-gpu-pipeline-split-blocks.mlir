// Long tiles of a compile-time matrix are split (split-K) when the product
// has fewer blocks than two per SM of the chip (A100: 108 SMs, H100/H200:
// 132), unless split-blocks says otherwise.
//
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_80" | FileCheck %s --check-prefix=CHECK-SM80
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_90" | FileCheck %s --check-prefix=CHECK-SM90
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_80 split-blocks=7" | FileCheck %s --check-prefix=CHECK-GIVEN

// Tile 0 keeps 576 rows, more than split-rows (512), so both work lists are
// emitted and the host compares the block count with the threshold.
// CHECK-SM80-LABEL: llvm.func @matmul_split_threshold
// CHECK-SM80: %[[BLOCKS:.*]] = llvm.mlir.constant(216 : index) : i64
// CHECK-SM80: llvm.icmp "ult" %{{.*}}, %[[BLOCKS]] : i64
// CHECK-SM90-LABEL: llvm.func @matmul_split_threshold
// CHECK-SM90: %[[BLOCKS:.*]] = llvm.mlir.constant(264 : index) : i64
// CHECK-SM90: llvm.icmp "ult" %{{.*}}, %[[BLOCKS]] : i64
// CHECK-GIVEN-LABEL: llvm.func @matmul_split_threshold
// CHECK-GIVEN: %[[BLOCKS:.*]] = llvm.mlir.constant(7 : index) : i64
// CHECK-GIVEN: llvm.icmp "ult" %{{.*}}, %[[BLOCKS]] : i64
func.func @matmul_split_threshold(%a: tensor<?x640xf16>, %c: tensor<?x32xf32>) -> tensor<?x32xf32> {
  %b = tsparse.constant {tile_ptr = dense<[0, 9]> : tensor<2xi32>, row_ids = dense<[0, 1, 2, 3, 4, 5, 6, 7, 9]> : tensor<9xi32>, values = dense<1.0> : tensor<18432xf16>} : !tsparse.matrix<640x32xf16, #tsparse.layout<tile_n = 32, unit_k = 64>>
  %r = tsparse.matmul %a, %b, %c : tensor<?x640xf16>, !tsparse.matrix<640x32xf16, #tsparse.layout<tile_n = 32, unit_k = 64>> -> tensor<?x32xf32>
  return %r : tensor<?x32xf32>
}
