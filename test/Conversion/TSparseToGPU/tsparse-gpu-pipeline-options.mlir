// Options of the GPU pipeline that the NVPTX backend cannot compile are
// rejected before the pipeline runs, naming the option; the enum options
// list the values they accept.
//
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_75 mma=mma-sync" 2>&1 | FileCheck %s --check-prefix=SM75
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_61" 2>&1 | FileCheck %s --check-prefix=SM61
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="chip=foo" 2>&1 | FileCheck %s --check-prefix=FOO
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_90 features=+ptx70" 2>&1 | FileCheck %s --check-prefix=PTX
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="features=ptx80" 2>&1 | FileCheck %s --check-prefix=FEATURES
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="compute-type=bf16" 2>&1 | FileCheck %s --check-prefix=BF16
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="compute-type=f8" 2>&1 | FileCheck %s --check-prefix=F8
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="mma=hmma" 2>&1 | FileCheck %s --check-prefix=MMA
// RUN: not tsparse-opt %s --tsparse-gpu-pipeline="format=cubin" 2>&1 | FileCheck %s --check-prefix=FORMAT
//
// The lowest chips of each flavour compile, with the PTX version they need.
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_70" | FileCheck %s --check-prefix=SM70
// RUN: tsparse-opt %s --tsparse-gpu-pipeline="chip=sm_80 mma=mma-sync" | FileCheck %s --check-prefix=SM80

// SM75: error: expected chip to be sm_80 or newer for mma=mma-sync but got 'sm_75'
// SM61: error: expected chip to be a GPU with tensor cores that NVPTX targets ({{.*}}) but got 'sm_61'
// FOO: error: expected chip to be a GPU with tensor cores that NVPTX targets ({{.*}}) but got 'foo'
// PTX: error: expected features to be +ptx78 or newer for chip=sm_90 but got '+ptx70'
// FEATURES: error: expected features to be '+ptx<N>' with a PTX version NVPTX emits (60 to 90) but got 'ptx80'
// BF16: error: expected mma=mma-sync for compute-type=bf16 but got mma=wmma
// F8: for the --compute-type option: expected compute-type to be one of 'keep', 'f16', 'bf16' but got 'f8'
// MMA: for the --mma option: expected mma to be one of 'wmma', 'mma-sync' but got 'hmma'
// FORMAT: for the --format option: expected format to be one of 'isa', 'bin', 'fatbin' but got 'cubin'

// SM70: gpu.binary @tsparse_kernels  [#gpu.object<#nvvm.target<O = 3, chip = "sm_70", features = "+ptx80">
// SM80: gpu.binary @tsparse_kernels  [#gpu.object<#nvvm.target<O = 3, chip = "sm_80", features = "+ptx80">

func.func @linear(%a: tensor<64x64xf16>, %w: tensor<64x64xf16>,
                  %c: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %p = tsparse.pack %w : tensor<64x64xf16>
      -> !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 32>>
  %r = tsparse.matmul %a, %p, %c : tensor<64x64xf16>,
      !tsparse.matrix<64x64xf16, #tsparse.layout<tile_n = 32>> -> tensor<64x64xf32>
  return %r : tensor<64x64xf32>
}
