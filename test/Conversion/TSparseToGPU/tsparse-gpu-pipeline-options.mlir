// Options of the GPU pipeline that the NVPTX backend cannot compile are
// rejected before the pipeline runs, naming the option; the enum options
// list the values they accept.
//
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_75 mma=mma-sync" 2>&1 | FileCheck %s --check-prefix=CHECK-SM75
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_90 mma=wgmma" 2>&1 | FileCheck %s --check-prefix=CHECK-WGMMA-SM90
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_61" 2>&1 | FileCheck %s --check-prefix=CHECK-SM61
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="chip=foo" 2>&1 | FileCheck %s --check-prefix=CHECK-FOO
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_90 features=+ptx70" 2>&1 | FileCheck %s --check-prefix=CHECK-PTX
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="features=ptx80" 2>&1 | FileCheck %s --check-prefix=CHECK-FEATURES
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="compute-type=bf16" 2>&1 | FileCheck %s --check-prefix=CHECK-BF16
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="compute-type=f8" 2>&1 | FileCheck %s --check-prefix=CHECK-F8
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="mma=hmma" 2>&1 | FileCheck %s --check-prefix=CHECK-MMA
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="format=cubin" 2>&1 | FileCheck %s --check-prefix=CHECK-FORMAT
//
// The lowest chips of each flavour compile, with the PTX version they need.
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_70" | FileCheck %s --check-prefix=CHECK-SM70
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_80 mma=mma-sync" | FileCheck %s --check-prefix=CHECK-SM80
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_90a mma=wgmma" | FileCheck %s --check-prefix=CHECK-SM90A

// CHECK-SM75: error: expected chip to be sm_80 or newer for mma=mma-sync but got 'sm_75'
// CHECK-WGMMA-SM90: error: expected chip=sm_90a for mma=wgmma but got 'sm_90'
// CHECK-SM61: error: expected chip to be a GPU with tensor cores that NVPTX targets ({{.*}}) but got 'sm_61'
// CHECK-FOO: error: expected chip to be a GPU with tensor cores that NVPTX targets ({{.*}}) but got 'foo'
// CHECK-PTX: error: expected features to be +ptx78 or newer for chip=sm_90 but got '+ptx70'
// CHECK-FEATURES: error: expected features to be '+ptx<N>' with a PTX version NVPTX emits (60 to 90) but got 'ptx80'
// CHECK-BF16: error: expected mma=mma-sync for compute-type=bf16 but got mma=wmma
// CHECK-F8: for the --compute-type option: expected one of 'keep', 'f16', 'bf16' but got 'f8'
// CHECK-MMA: for the --mma option: expected one of 'wmma', 'mma-sync', 'wgmma' but got 'hmma'
// CHECK-FORMAT: for the --format option: expected one of 'isa', 'bin', 'fatbin' but got 'cubin'

// CHECK-SM70: gpu.binary @tsparse_kernels  [#gpu.object<#nvvm.target<O = 3, chip = "sm_70", features = "+ptx80">
// CHECK-SM80: gpu.binary @tsparse_kernels  [#gpu.object<#nvvm.target<O = 3, chip = "sm_80", features = "+ptx80">
// CHECK-SM90A: gpu.binary @tsparse_kernels  [#gpu.object<#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx80">

func.func @linear(%a: tensor<64x64xf16>, %w: tensor<64x64xf16>,
                  %c: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %p = tsparse.pack %w : tensor<64x64xf16>
      -> !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 32>>
  %r = tsparse.matmul %a, %p, %c : tensor<64x64xf16>,
      !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 32>> -> tensor<64x64xf32>
  return %r : tensor<64x64xf32>
}
