// RUN: tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync stages=7" --verify-diagnostics
// RUN: not tsparse-opt %s --convert-tsparse-to-gpu="mma=tensor-cores" 2>&1 | FileCheck %s --check-prefix=CHECK-MMA
// RUN: not tsparse-opt %s --convert-tsparse-to-gpu="m-tile=128" 2>&1 | FileCheck %s --check-prefix=CHECK-WMMA-M
// RUN: not tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync m-tile=32" 2>&1 | FileCheck %s --check-prefix=CHECK-MMA-SYNC-M
// RUN: not tsparse-opt %s --convert-tsparse-to-gpu="mma=mma-sync stages=1" 2>&1 | FileCheck %s --check-prefix=CHECK-STAGES
// RUN: not tsparse-opt %s --convert-tsparse-to-gpu="mma=wgmma stages=2" 2>&1 | FileCheck %s --check-prefix=CHECK-WGMMA-STAGES
// RUN: not tsparse-opt %s --convert-tsparse-to-gpu="mma=wgmma m-tile=256" 2>&1 | FileCheck %s --check-prefix=CHECK-WGMMA-M
// RUN: not tsparse-opt %s --convert-tsparse-to-gpu="mma=wgmma stages=8" 2>&1 | FileCheck %s --check-prefix=CHECK-WGMMA-SMEM
// RUN: not tsparse-opt %s --convert-tsparse-to-gpu="split-rows=100" 2>&1 | FileCheck %s --check-prefix=CHECK-SPLIT
// RUN: not tsparse-opt %s --convert-tsparse-to-gpu="split-blocks=-1" 2>&1 | FileCheck %s --check-prefix=CHECK-SPLIT-BLOCKS
// RUN: not tsparse-opt %s --convert-tsparse-to-gpu="persistent-blocks=-2" 2>&1 | FileCheck %s --check-prefix=CHECK-PERSISTENT
// RUN: not tsparse-opt %s --convert-tsparse-to-gpu="mma=wgmma persistent-blocks=264" 2>&1 | FileCheck %s --check-prefix=CHECK-PERSISTENT-WGMMA

// CHECK-MMA: expected one of 'wmma', 'mma-sync', 'wgmma' but got 'tensor-cores'
// CHECK-WMMA-M: expected m-tile to be 64 for mma=wmma but got 128
// CHECK-MMA-SYNC-M: expected m-tile to be 64 or 128 for mma=mma-sync but got 32
// CHECK-STAGES: expected at least 2 stages for mma=mma-sync but got 1
// CHECK-WGMMA-STAGES: expected at least 3 stages for mma=wgmma but got 2
// CHECK-WGMMA-M: expected m-tile to be 64 or 128 for mma=wgmma but got 256
// Eight wgmma stages of 64 kept rows of a 128 x 128 block need 256 KB and
// the alignment kilobyte, more than the 227 KB an sm_90 block may take.
// CHECK-WGMMA-SMEM: cannot be lowered to the GPU: its kernel would need 263168 bytes of workgroup memory, more than 232448 (use fewer stages or a smaller m-tile)
// CHECK-SPLIT: expected split-rows to be a positive multiple of 32 but got 100
// CHECK-SPLIT-BLOCKS: expected split-blocks to be non-negative but got -1
// CHECK-PERSISTENT: expected persistent-blocks to be non-negative but got -2
// CHECK-PERSISTENT-WGMMA: persistent-blocks is not supported with mma=wgmma

// Seven stages of a 128 x 128 block need 112 KB of workgroup memory, more
// than the 96 KB of dynamic shared memory every sm_80+ chip allows.
func.func @too_much_shared_memory(%a: tensor<4x64xf16>, %b: !tsparse.matrix<64x128xf16, #tsparse.layout<tile_n = 128>>, %c: tensor<4x128xf32>) -> tensor<4x128xf32> {
  // expected-error @+1 {{cannot be lowered to the GPU: its kernel would need 114688 bytes of workgroup memory, more than 98304 (use fewer stages or a smaller m-tile)}}
  %r = tsparse.matmul %a, %b, %c : tensor<4x64xf16>, !tsparse.matrix<64x128xf16, #tsparse.layout<tile_n = 128>> -> tensor<4x128xf32>
  return %r : tensor<4x128xf32>
}
