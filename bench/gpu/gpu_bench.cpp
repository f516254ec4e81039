//===- gpu_bench.cpp - tsparse GPU kernels against cuBLAS -----------------===//
//
// Loads the PTX that --tsparse-gpu-pipeline generated for the fused
// tile-sparse kernels (WMMA, mma.sync and wgmma flavours, f16 and bf16,
// row-major and K-major A, row-major and transposed C) and, on one GPU:
//   1. checks every kernel on a sweep of shapes, sparsities and patterns
//      against cuBLAS on the same pruned weights (any mismatch fails);
//   2. times the TW-2D kernels against cuBLAS dense (cublasGemmEx, f16 in,
//      f32 accumulate) on BERT-large / GPT-style layers;
//   3. writes the pruned benchmark weights for the PyTorch BSR comparison.
// Weights are packed here into tsparse's storage format (the lossless pack
// of tsparse.pack without masks) and uploaded once, so only kernels are
// timed.
//
// cuSPARSE (cusparseSpMM on the CSR form of the same weights) is timed as
// another peer unless built with -DTSPARSE_NO_CUSPARSE.
//
// Usage: gpu_bench <weights dir> <results.json> <kernels.ptx>...
//
//===----------------------------------------------------------------------===//

#include "../prune.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <cublas_v2.h>
#include <cuda.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#ifndef TSPARSE_NO_CUSPARSE
#include <cusparse.h>
#endif

#define CHECK_CU(call)                                                         \
  do {                                                                         \
    CUresult status = (call);                                                  \
    if (status != CUDA_SUCCESS) {                                              \
      const char *name = nullptr;                                              \
      cuGetErrorName(status, &name);                                           \
      std::fprintf(stderr, "%s failed: %s\n", #call, name);                    \
      std::exit(1);                                                            \
    }                                                                          \
  } while (0)
#define CHECK_CUDA(call)                                                       \
  do {                                                                         \
    cudaError_t status = (call);                                               \
    if (status != cudaSuccess) {                                               \
      std::fprintf(stderr, "%s failed: %s\n", #call,                           \
                   cudaGetErrorString(status));                                \
      std::exit(1);                                                            \
    }                                                                          \
  } while (0)
#define CHECK_CUBLAS(call)                                                     \
  do {                                                                         \
    cublasStatus_t status = (call);                                            \
    if (status != CUBLAS_STATUS_SUCCESS) {                                     \
      std::fprintf(stderr, "%s failed: %d\n", #call, int(status));             \
      std::exit(1);                                                            \
    }                                                                          \
  } while (0)

namespace {
enum class Pattern { TW1D, TW2D, BW };

const char *name(Pattern pattern) {
  switch (pattern) {
  case Pattern::TW1D:
    return "tw1d";
  case Pattern::TW2D:
    return "tw2d";
  case Pattern::BW:
    return "bw";
  }
  return "?";
}

/// A layout of the weights.
struct Layout {
  Pattern pattern;
  int tileN, unitK;
  bool compacted() const { return pattern == Pattern::TW2D; }
};

/// The tensor-core flavours of the kernels.
enum class Flavour { WMMA, MMASync, WGMMA };

/// A kernel --tsparse-gpu-pipeline generated: a layout and what the kernel
/// was specialized for.
struct Variant {
  Layout layout;
  Flavour flavour = Flavour::WMMA;
  bool bf16 = false;
  /// A is K x M.
  bool aKMajor = false;
  /// C is N x M.
  bool cTransposed = false;
  /// C is f16 (f32 otherwise).
  bool f16Out = false;
  /// A kernel compiled with persistent-blocks (`_p`): the launch has at
  /// most this many blocks, which walk the work list.
  int persistentBlocks = 0;

  int blockRows() const { return flavour == Flavour::WMMA ? 64 : 128; }
  /// As KernelConfig::gathersRowMajorA: the mma.sync kernel gathers a
  /// row-major A whose kept rows are not in runs of 8 through registers,
  /// and is then specialized on K (its name ends in `_k<K>`).
  bool gathersA() const {
    return flavour == Flavour::MMASync && !aKMajor && layout.unitK % 8 != 0;
  }
  /// As KernelConfig::loadsBByTMA: the kernel takes B's tensor map last.
  bool loadsBByTMA() const {
    return flavour == Flavour::WGMMA && layout.tileN % 64 == 0;
  }
  /// Pipeline stages of the kernels prepare-gpu-check.sh compiles.
  int stages() const { return flavour == Flavour::WGMMA ? 4 : 3; }
  /// As KernelConfig::getNumThreads.
  int threads() const {
    switch (flavour) {
    case Flavour::WMMA:
      return 128;
    case Flavour::MMASync:
      return blockRows() / 64 * 2 * 32;
    case Flavour::WGMMA:
      // Consumer warpgroups and the producer warpgroup.
      return (blockRows() / 64 + 1) * 128;
    }
    return 0;
  }
  /// Dynamic shared memory of the launch, as KernelConfig's
  /// getSharedMemoryBytes (the three-stage mma.sync kernels and WMMA take
  /// static shared memory): wgmma stages of 64 kept rows of A and B plus
  /// 1024 bytes of alignment.
  int sharedBytes() const {
    if (flavour != Flavour::WGMMA)
      return 0;
    int bBlocks = (layout.tileN + 63) / 64;
    return 1024 + stages() * (blockRows() * 64 + bBlocks * 64 * 64) * 2;
  }
  /// The kernel's name for products of depth `k`.
  std::string kernel(int k) const {
    const char *prefix[] = {"tsparse_wmma_", "tsparse_mma_sync_",
                            "tsparse_wgmma_"};
    return std::string(prefix[int(flavour)]) + (bf16 ? "bf16" : "f16") + "_g" +
           std::to_string(layout.tileN) + "_u" + std::to_string(layout.unitK) +
           (layout.compacted() ? "_c" : "") + (aKMajor ? "_ak" : "") +
           (cTransposed ? "_ct" : "") + (f16Out ? "_outf16" : "") +
           (gathersA() ? "_k" + std::to_string(k) : "") + "_m" +
           std::to_string(blockRows()) +
           (flavour == Flavour::WMMA ? "" : "_s" + std::to_string(stages())) +
           (persistentBlocks ? "_p" : "");
  }
};
/// Kept rows per work item (split-K) and the number of blocks below which
/// long tiles are split, as the compiler does for constants by default.
constexpr int kSplitRows = 512;
constexpr int kSplitBlocks = 264;

/// f32 -> the 16-bit bits of an f16 or a bf16.
uint16_t toBits(float value, bool bf16) {
  uint16_t bits;
  if (bf16) {
    __nv_bfloat16 v = __float2bfloat16(value);
    std::memcpy(&bits, &v, 2);
  } else {
    __half v = __float2half(value);
    std::memcpy(&bits, &v, 2);
  }
  return bits;
}

/// tsparse's tile-compressed storage, with masks inferred from the zeros.
struct Packed {
  std::vector<int32_t> colIds, tilePtr, rowIds, order;
  /// Work lists: whole tiles, and long tiles split into kSplitRows runs.
  std::vector<int32_t> wholeTiles, wholeRows, splitTiles, splitRows;
  std::vector<uint16_t> values;
  int numTiled = 0;
};

Packed pack(const std::vector<float> &w, int k, int n, const Layout &layout,
            bool bf16) {
  auto nonZero = [&](int r, int c) { return w[size_t(r) * n + c] != 0.0f; };
  Packed p;
  std::vector<int> cols;
  for (int c = 0; c < n; ++c) {
    bool kept = !layout.compacted();
    for (int r = 0; r < k && !kept; ++r)
      kept = nonZero(r, c);
    if (kept)
      cols.push_back(c);
  }
  if (layout.compacted())
    p.colIds.assign(cols.begin(), cols.end());
  p.numTiled = int(cols.size());
  int numTiles = (p.numTiled + layout.tileN - 1) / layout.tileN;
  p.tilePtr.push_back(0);
  for (int t = 0; t < numTiles; ++t) {
    int c0 = t * layout.tileN, c1 = std::min(p.numTiled, c0 + layout.tileN);
    for (int u = 0; u < k / layout.unitK; ++u) {
      bool kept = false;
      for (int r = u * layout.unitK; r < (u + 1) * layout.unitK && !kept; ++r)
        for (int j = c0; j < c1 && !kept; ++j)
          kept = nonZero(r, cols[j]);
      if (!kept)
        continue;
      p.rowIds.push_back(u);
      for (int r = u * layout.unitK; r < (u + 1) * layout.unitK; ++r)
        for (int j = c0; j < c1; ++j)
          p.values.push_back(toBits(w[size_t(r) * n + cols[j]], bf16));
    }
    p.tilePtr.push_back(int32_t(p.rowIds.size()));
    if (p.tilePtr[t + 1] > p.tilePtr[t])
      p.order.push_back(t);
  }
  // Longest first, as the compiler schedules constant matrices.
  std::stable_sort(p.order.begin(), p.order.end(), [&](int a, int b) {
    return p.tilePtr[a + 1] - p.tilePtr[a] > p.tilePtr[b + 1] - p.tilePtr[b];
  });
  for (int32_t t : p.order) {
    p.wholeTiles.push_back(t);
    p.wholeRows.push_back(0);
    for (int r = 0; r < (p.tilePtr[t + 1] - p.tilePtr[t]) * layout.unitK;
         r += kSplitRows) {
      p.splitTiles.push_back(t);
      p.splitRows.push_back(r);
    }
  }
  if (p.colIds.empty())
    p.colIds.push_back(0);
  return p;
}

template <typename T> T *upload(const std::vector<T> &host) {
  T *device = nullptr;
  size_t bytes = std::max<size_t>(1, host.size()) * sizeof(T);
  CHECK_CUDA(cudaMalloc(&device, bytes));
  if (!host.empty())
    CHECK_CUDA(cudaMemcpy(device, host.data(), host.size() * sizeof(T),
                          cudaMemcpyHostToDevice));
  return device;
}

/// Kernel arguments in MLIR's memref calling convention: a rank-r memref is
/// (allocated, aligned, offset, sizes[r], strides[r]).
struct KernelArgs {
  std::vector<uint64_t> storage;
  std::vector<void *> pointers;

  void memref(const void *data, std::vector<int64_t> sizes) {
    storage.push_back(uint64_t(data));
    storage.push_back(uint64_t(data));
    storage.push_back(0);
    for (int64_t size : sizes)
      storage.push_back(uint64_t(size));
    int64_t stride = 1;
    std::vector<int64_t> strides(sizes.size());
    for (int i = int(sizes.size()) - 1; i >= 0; --i) {
      strides[i] = stride;
      stride *= sizes[i];
    }
    for (int64_t s : strides)
      storage.push_back(uint64_t(s));
  }
  void index(int64_t value) { storage.push_back(uint64_t(value)); }
  void pointer(const void *value) { storage.push_back(uint64_t(value)); }
  void **finish() {
    for (uint64_t &slot : storage)
      pointers.push_back(&slot);
    return pointers.data();
  }
};

/// A packed weight matrix on the device, ready to launch.
struct DeviceMatrix {
  int k, n;
  Packed packed;
  uint16_t *values;
  int32_t *rowIds, *tilePtr, *colIds, *wholeTiles, *wholeRows, *splitTiles,
      *splitRows;
  /// The tensor map of the values that TMA-loading (wgmma) kernels take, as
  /// the compiler's host code creates it: rows of tile_n, boxes of 64 kept
  /// rows x 64 columns, 128-byte swizzle, zero fill; in device memory.
  void *tensorMap = nullptr;

  void *getTensorMap(bool bf16, int tileN) {
    if (tensorMap)
      return tensorMap;
    CUtensorMap map;
    cuuint64_t dims[2] = {
        cuuint64_t(tileN),
        std::max<cuuint64_t>(packed.values.size() / tileN, 1)};
    cuuint64_t strides[1] = {cuuint64_t(tileN) * 2};
    cuuint32_t box[2] = {64, 64}, elementStrides[2] = {1, 1};
    CHECK_CU(cuTensorMapEncodeTiled(
        &map,
        bf16 ? CU_TENSOR_MAP_DATA_TYPE_BFLOAT16
             : CU_TENSOR_MAP_DATA_TYPE_FLOAT16,
        2, values, dims, strides, box, elementStrides,
        CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
        CU_TENSOR_MAP_L2_PROMOTION_NONE, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE));
    CHECK_CUDA(cudaMalloc(&tensorMap, sizeof(map)));
    CHECK_CUDA(
        cudaMemcpy(tensorMap, &map, sizeof(map), cudaMemcpyHostToDevice));
    return tensorMap;
  }

  DeviceMatrix(const std::vector<float> &w, int k, int n, const Layout &layout,
               bool bf16)
      : k(k), n(n), packed(pack(w, k, n, layout, bf16)) {
    values = upload(packed.values);
    rowIds = upload(packed.rowIds);
    tilePtr = upload(packed.tilePtr);
    colIds = upload(packed.colIds);
    wholeTiles = upload(packed.wholeTiles);
    wholeRows = upload(packed.wholeRows);
    splitTiles = upload(packed.splitTiles);
    splitRows = upload(packed.splitRows);
  }
  ~DeviceMatrix() {
    if (tensorMap)
      cudaFree(tensorMap);
    cudaFree(values);
    cudaFree(rowIds);
    cudaFree(tilePtr);
    cudaFree(colIds);
    cudaFree(wholeTiles);
    cudaFree(wholeRows);
    cudaFree(splitTiles);
    cudaFree(splitRows);
  }

  /// C (f32 or f16, M x N or N x M) += A (M x K or K x M) * this.
  void launch(CUfunction kernel, const Variant &variant, const uint16_t *a,
              void *c, int m) {
    int numMTiles = (m + variant.blockRows() - 1) / variant.blockRows();
    // Split long tiles only when whole tiles leave the GPU short of blocks.
    bool split = numMTiles * int64_t(packed.wholeTiles.size()) < kSplitBlocks;
    const std::vector<int32_t> &items =
        split ? packed.splitTiles : packed.wholeTiles;
    int numBlocks = numMTiles * int(items.size());
    if (numBlocks == 0)
      return;
    KernelArgs args;
    args.memref(a, variant.aKMajor ? std::vector<int64_t>{k, m}
                                   : std::vector<int64_t>{m, k});
    args.memref(values, {int64_t(packed.values.size())});
    args.memref(rowIds, {int64_t(packed.rowIds.size())});
    args.memref(tilePtr, {int64_t(packed.tilePtr.size())});
    args.memref(colIds, {int64_t(packed.colIds.size())});
    args.memref(split ? splitTiles : wholeTiles, {int64_t(items.size())});
    args.memref(split ? splitRows : wholeRows, {int64_t(items.size())});
    args.memref(c, variant.cTransposed ? std::vector<int64_t>{n, m}
                                       : std::vector<int64_t>{m, n});
    args.index(packed.numTiled);
    args.index(numMTiles);
    args.index(split ? kSplitRows : std::numeric_limits<int32_t>::max());
    if (variant.loadsBByTMA())
      args.pointer(getTensorMap(variant.bf16, variant.layout.tileN));
    if (int bytes = variant.sharedBytes())
      CHECK_CU(cuFuncSetAttribute(
          kernel, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes));
    if (variant.persistentBlocks)
      numBlocks = std::min(numBlocks, variant.persistentBlocks);
    CHECK_CU(cuLaunchKernel(kernel, numBlocks, 1, 1, variant.threads(), 1, 1,
                            variant.sharedBytes(), nullptr, args.finish(),
                            nullptr));
  }
};

std::vector<float> randomWeights(int k, int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 0.05f);
  std::vector<float> w(size_t(k) * n);
  for (float &value : w)
    value = __half2float(__float2half(normal(rng)));
  return w;
}

void prunePattern(std::vector<float> &w, int k, int n, const Layout &layout,
                  double sparsity) {
  switch (layout.pattern) {
  case Pattern::TW2D:
    prune::pruneTW2D(w, k, n, layout.tileN, sparsity);
    break;
  case Pattern::TW1D:
    prune::pruneTW1D(w, k, n, layout.tileN, sparsity);
    break;
  case Pattern::BW:
    prune::pruneBW(w, k, n, layout.tileN, layout.unitK, sparsity);
    break;
  }
}

/// cuBLAS dense C = A * W (row major), f16 or bf16 in, f32 accumulate.
void cublasProduct(cublasHandle_t handle, const uint16_t *a, const uint16_t *w,
                   float *c, int m, int k, int n, bool bf16 = false) {
  float alpha = 1.0f, beta = 0.0f;
  cudaDataType type = bf16 ? CUDA_R_16BF : CUDA_R_16F;
  CHECK_CUBLAS(cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &alpha,
                            w, type, n, a, type, k, &beta, c, CUDA_R_32F, n,
                            CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
}

#ifndef TSPARSE_NO_CUSPARSE
/// cuSPARSE's C = A W on the CSR form of W: cusparseSpMM computes
/// C^T (N x M, column-major, which is C row-major) = W^T (CSR, N x K) times
/// A^T (K x M, column-major, which is A row-major); f16 in, f32 out and
/// compute. `ok` is false where this cuSPARSE does not support it.
struct CusparseProduct {
  cusparseHandle_t handle = nullptr;
  cusparseSpMatDescr_t weights = nullptr;
  cusparseDnMatDescr_t input = nullptr, output = nullptr;
  int32_t *rowPtr = nullptr, *cols = nullptr;
  uint16_t *values = nullptr;
  void *buffer = nullptr;
  bool ok = false;

  CusparseProduct(const std::vector<float> &w, int k, int n, const uint16_t *a,
                  float *c, int m) {
    std::vector<int32_t> hostRowPtr{0}, hostCols;
    std::vector<uint16_t> hostValues;
    for (int j = 0; j < n; ++j) {
      for (int p = 0; p < k; ++p)
        if (float v = w[size_t(p) * n + j]; v != 0.0f) {
          hostCols.push_back(p);
          hostValues.push_back(toBits(v, /*bf16=*/false));
        }
      hostRowPtr.push_back(int32_t(hostCols.size()));
    }
    rowPtr = upload(hostRowPtr);
    cols = upload(hostCols);
    values = upload(hostValues);
    float alpha = 1.0f, beta = 0.0f;
    size_t bytes = 0;
    ok = cusparseCreate(&handle) == CUSPARSE_STATUS_SUCCESS &&
         cusparseCreateCsr(&weights, n, k, int64_t(hostCols.size()), rowPtr,
                           cols, values, CUSPARSE_INDEX_32I, CUSPARSE_INDEX_32I,
                           CUSPARSE_INDEX_BASE_ZERO,
                           CUDA_R_16F) == CUSPARSE_STATUS_SUCCESS &&
         cusparseCreateDnMat(&input, k, m, k, const_cast<uint16_t *>(a),
                             CUDA_R_16F,
                             CUSPARSE_ORDER_COL) == CUSPARSE_STATUS_SUCCESS &&
         cusparseCreateDnMat(&output, n, m, n, c, CUDA_R_32F,
                             CUSPARSE_ORDER_COL) == CUSPARSE_STATUS_SUCCESS &&
         cusparseSpMM_bufferSize(handle, CUSPARSE_OPERATION_NON_TRANSPOSE,
                                 CUSPARSE_OPERATION_NON_TRANSPOSE, &alpha,
                                 weights, input, &beta, output, CUDA_R_32F,
                                 CUSPARSE_SPMM_ALG_DEFAULT,
                                 &bytes) == CUSPARSE_STATUS_SUCCESS &&
         cudaMalloc(&buffer, std::max<size_t>(bytes, 1)) == cudaSuccess;
    ok = ok && run();
  }
  ~CusparseProduct() {
    if (weights)
      cusparseDestroySpMat(weights);
    if (input)
      cusparseDestroyDnMat(input);
    if (output)
      cusparseDestroyDnMat(output);
    if (handle)
      cusparseDestroy(handle);
    cudaFree(buffer);
    cudaFree(rowPtr);
    cudaFree(cols);
    cudaFree(values);
  }
  bool run() {
    float alpha = 1.0f, beta = 0.0f;
    return cusparseSpMM(handle, CUSPARSE_OPERATION_NON_TRANSPOSE,
                        CUSPARSE_OPERATION_NON_TRANSPOSE, &alpha, weights,
                        input, &beta, output, CUDA_R_32F,
                        CUSPARSE_SPMM_ALG_DEFAULT,
                        buffer) == CUSPARSE_STATUS_SUCCESS;
  }
};

/// Max |x - y| / max |y| of two device arrays of `count` floats.
double relativeDifference(const float *x, const float *y, size_t count) {
  std::vector<float> hx(count), hy(count);
  CHECK_CUDA(cudaMemcpy(hx.data(), x, count * 4, cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaMemcpy(hy.data(), y, count * 4, cudaMemcpyDeviceToHost));
  double maxDiff = 0.0, maxRef = 1e-30;
  for (size_t i = 0; i < count; ++i) {
    maxDiff = std::max(maxDiff, double(std::fabs(hx[i] - hy[i])));
    maxRef = std::max(maxRef, double(std::fabs(hy[i])));
  }
  return maxDiff / maxRef;
}
#endif // TSPARSE_NO_CUSPARSE

/// Average milliseconds of `fn` over enough launches, after a warm-up.
template <typename Fn> double timeMs(Fn fn) {
  fn();
  CHECK_CUDA(cudaDeviceSynchronize());
  cudaEvent_t start, stop;
  CHECK_CUDA(cudaEventCreate(&start));
  CHECK_CUDA(cudaEventCreate(&stop));
  int reps = 1;
  float ms = 0.0f;
  while (true) {
    CHECK_CUDA(cudaEventRecord(start));
    for (int i = 0; i < reps; ++i)
      fn();
    CHECK_CUDA(cudaEventRecord(stop));
    CHECK_CUDA(cudaEventSynchronize(stop));
    CHECK_CUDA(cudaEventElapsedTime(&ms, start, stop));
    if (ms > 50.0f || reps >= 1000)
      break;
    reps *= 4;
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return double(ms) / reps;
}

/// A 16-bit (f16 or bf16) operand and its device copy.
struct DeviceHalf {
  std::vector<uint16_t> host;
  uint16_t *device = nullptr;
  DeviceHalf(const std::vector<float> &values, bool bf16 = false) {
    for (float v : values)
      host.push_back(toBits(v, bf16));
    device = upload(host);
  }
  ~DeviceHalf() { cudaFree(device); }
};

/// The K x M transpose of the M x K matrix `a`.
std::vector<float> transpose(const std::vector<float> &a, int m, int k) {
  std::vector<float> t(a.size());
  for (int i = 0; i < m; ++i)
    for (int p = 0; p < k; ++p)
      t[size_t(p) * m + i] = a[size_t(i) * k + p];
  return t;
}

/// Runs tsparse and cuBLAS on one problem; returns max |diff| / max |ref|.
double compare(CUfunction kernel, const Variant &variant, cublasHandle_t handle,
               const std::vector<float> &w, int m, int k, int n,
               uint32_t seed) {
  DeviceMatrix matrix(w, k, n, variant.layout, variant.bf16);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> a(size_t(m) * k);
  for (float &v : a)
    v = uniform(rng);
  DeviceHalf da(a, variant.bf16), dw(w, variant.bf16);
  DeviceHalf daKMajor(transpose(a, m, k), variant.bf16);
  std::vector<float> hc(size_t(m) * n), href(hc.size());
  float *ref = upload(std::vector<float>(size_t(m) * n, 0.0f));
  cublasProduct(handle, da.device, dw.device, ref, m, k, n, variant.bf16);
  const uint16_t *deviceA = variant.aKMajor ? daKMajor.device : da.device;
  if (variant.f16Out) {
    uint16_t *c = upload(std::vector<uint16_t>(size_t(m) * n, 0));
    matrix.launch(kernel, variant, deviceA, c, m);
    std::vector<uint16_t> bits(hc.size());
    CHECK_CUDA(
        cudaMemcpy(bits.data(), c, bits.size() * 2, cudaMemcpyDeviceToHost));
    cudaFree(c);
    for (size_t i = 0; i < bits.size(); ++i) {
      __half h;
      std::memcpy(&h, &bits[i], 2);
      hc[i] = __half2float(h);
    }
  } else {
    float *c = upload(std::vector<float>(size_t(m) * n, 0.0f));
    matrix.launch(kernel, variant, deviceA, c, m);
    CHECK_CUDA(cudaMemcpy(hc.data(), c, hc.size() * 4, cudaMemcpyDeviceToHost));
    cudaFree(c);
  }
  CHECK_CUDA(
      cudaMemcpy(href.data(), ref, href.size() * 4, cudaMemcpyDeviceToHost));
  cudaFree(ref);
  if (variant.cTransposed)
    hc = transpose(hc, n, m);
  double maxDiff = 0.0, maxRef = 1e-30;
  for (size_t i = 0; i < hc.size(); ++i) {
    maxDiff = std::max(maxDiff, double(std::fabs(hc[i] - href[i])));
    maxRef = std::max(maxRef, double(std::fabs(href[i])));
  }
  return maxDiff / maxRef;
}
} // namespace

int main(int argc, char **argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s <weights dir> <json> <kernels.ptx>...\n",
                 argv[0]);
    return 1;
  }
  CHECK_CUDA(cudaFree(nullptr)); // Creates the primary context.
  std::vector<CUmodule> modules;
  for (int i = 3; i < argc; ++i) {
    std::ifstream ptxFile(argv[i]);
    std::stringstream ptx;
    ptx << ptxFile.rdbuf();
    CUmodule module;
    CHECK_CU(cuModuleLoadData(&module, ptx.str().c_str()));
    modules.push_back(module);
  }
  auto functionNamed = [&](const std::string &name) -> CUfunction {
    for (CUmodule module : modules) {
      CUfunction fn;
      if (cuModuleGetFunction(&fn, module, name.c_str()) == CUDA_SUCCESS)
        return fn;
    }
    return nullptr;
  };
  // The kernel of `variant`, or null if no loaded PTX has it (each flavour
  // can be run on its own, so that a fault in one keeps the other's results).
  auto kernelFor = [&](const Variant &variant, int k) {
    return functionNamed(variant.kernel(k));
  };
  cublasHandle_t handle;
  CHECK_CUBLAS(cublasCreate(&handle));
  cudaDeviceProp prop;
  CHECK_CUDA(cudaGetDeviceProperties(&prop, 0));
  std::printf("GPU: %s\n\n", prop.name);
  FILE *json = std::fopen(argv[2], "w");

  // 1. Correctness: every kernel variant, awkward shapes (M not a multiple
  // of 8 takes the element-wise path of a K-major A), 0 to 95 %. The
  // row-major variants of both flavours get the full sparsity sweep, the
  // others 0, 75 and 95 %.
  const double kTolerance = 5e-3;
  struct Case {
    Variant variant;
    int m, k, n;
    double sparsity;
  };
  struct Shape {
    int m, k, n;
  };
  std::vector<Case> cases;
  auto addCases = [&](Variant variant, std::vector<double> sparsities) {
    for (double s : sparsities)
      // The last shape has enough blocks for whole-tile work items.
      for (Shape shape :
           {Shape{100, 768, 1000}, Shape{1, 256, 384}, Shape{16, 1024, 4096},
            Shape{513, 512, 200}, Shape{4096, 1024, 2048}})
        cases.push_back({variant, shape.m, shape.k, shape.n, s});
  };
  const std::vector<double> kFullSweep = {0.0, 0.5, 0.75, 0.9, 0.95};
  const std::vector<double> kShortSweep = {0.0, 0.75, 0.95};
  const Layout kTW2D{Pattern::TW2D, 128, 1};
  const Layout kBW{Pattern::BW, 128, 32};
  // The wgmma kernels of a row-major A with scattered kept rows read it
  // transposed (the compiler transposes it first): they have K-major A only.
  for (Flavour flavour : {Flavour::WMMA, Flavour::MMASync, Flavour::WGMMA}) {
    bool wgmma = flavour == Flavour::WGMMA;
    for (Layout layout :
         {kTW2D, Layout{Pattern::TW1D, 128, 1}, Layout{Pattern::TW1D, 64, 1},
          Layout{Pattern::TW2D, 64, 1}, kBW}) {
      if (!wgmma || layout.unitK % 8 == 0)
        addCases({layout, flavour}, kFullSweep);
      addCases({layout, flavour, false, /*aKMajor=*/true},
               wgmma ? kFullSweep : kShortSweep);
    }
    addCases({kTW2D, flavour, false, true, /*cTransposed=*/true}, kShortSweep);
    addCases({kTW2D, flavour, false, wgmma, false, /*f16Out=*/true},
             kShortSweep);
  }
  addCases({kTW2D, Flavour::MMASync, /*bf16=*/true}, kShortSweep);
  addCases({kTW2D, Flavour::MMASync, true, /*aKMajor=*/true}, kShortSweep);
  addCases({kBW, Flavour::MMASync, true}, kShortSweep);
  // Persistent blocks, as many as two per SM (a 255-register block of 128
  // threads leaves room for two): a gathered and a K-major A, B in blocks.
  const int persistentBlocks = 2 * prop.multiProcessorCount;
  const Variant mmaSyncPersistent{kTW2D, Flavour::MMASync, false, false, false,
                                  false, persistentBlocks};
  const Variant mmaSyncKMajorPersistent{
      kTW2D, Flavour::MMASync, false, /*aKMajor=*/true, false,
      false, persistentBlocks};
  addCases(mmaSyncPersistent, kShortSweep);
  addCases(mmaSyncKMajorPersistent, kShortSweep);
  addCases(
      {kBW, Flavour::MMASync, false, false, false, false, persistentBlocks},
      kShortSweep);
  int failures = 0;
  double worst = 0.0;
  // Only the variants of the loaded PTX.
  cases.erase(
      std::remove_if(cases.begin(), cases.end(),
                     [&](const Case &c) { return !kernelFor(c.variant, c.k); }),
      cases.end());
  std::printf("correctness: %zu cases against cuBLAS (tolerance %.0e)\n",
              cases.size(), kTolerance);
  for (const Case &c : cases) {
    std::vector<float> w = randomWeights(c.k, c.n, c.m * 31 + c.n);
    prunePattern(w, c.k, c.n, c.variant.layout, c.sparsity);
    double error = compare(kernelFor(c.variant, c.k), c.variant, handle, w, c.m,
                           c.k, c.n, c.k * 7 + c.n);
    worst = std::max(worst, error);
    bool ok = error <= kTolerance;
    failures += !ok;
    std::fprintf(json,
                 "{\"kind\": \"check\", \"kernel\": \"%s\", \"pattern\": "
                 "\"%s\", \"m\": %d, \"k\": %d, \"n\": %d, \"sparsity\": "
                 "%.2f, \"rel_error\": %.3g, \"ok\": %s}\n",
                 c.variant.kernel(c.k).c_str(), name(c.variant.layout.pattern),
                 c.m, c.k, c.n, c.sparsity, error, ok ? "true" : "false");
    std::fflush(json);
    if (!ok)
      std::printf("MISMATCH %s %dx%dx%d s=%.2f rel error %.3g\n",
                  c.variant.kernel(c.k).c_str(), c.m, c.k, c.n, c.sparsity,
                  error);
  }
  std::printf("correctness: %d of %zu mismatched, worst relative error "
              "%.3g\n\n",
              failures, cases.size(), worst);

  // 2. Benchmark: TW-2D, tiles of 128, f16, against cuBLAS dense: WMMA and
  // mma.sync on a row-major A, mma.sync and wgmma on a K-major A, and the
  // device transposition of a row-major A followed by the K-major kernel
  // (what the compiler emits for wgmma, and for mma.sync with transpose-a),
  // and the mma.sync kernels with persistent blocks: the gather, the
  // K-major one alone and after the transposition.
  std::printf(
      "| layer (K x N) | M | sparsity | cuBLAS ms | cuSPARSE ms | WMMA ms | "
      "mma.sync ms | mma.sync K-major A ms | transpose + mma.sync ms | "
      "wgmma K-major A ms | transpose + wgmma ms | mma.sync persistent ms | "
      "mma.sync K-major A persistent ms | transpose + mma.sync persistent ms "
      "| best speedup | ideal |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  const Variant wmma{kTW2D}, mmaSync{kTW2D, Flavour::MMASync},
      mmaSyncKMajor{kTW2D, Flavour::MMASync, false, true},
      wgmmaKMajor{kTW2D, Flavour::WGMMA, false, true};
  for (std::pair<int, int> shape :
       {std::pair{1024, 4096}, std::pair{4096, 1024}, std::pair{4096, 4096}}) {
    int k = shape.first, n = shape.second;
    std::vector<float> dense = randomWeights(k, n, k * 131 + n);
    for (double s : {0.5, 0.75, 0.9}) {
      std::vector<float> w = dense;
      prune::pruneTW2D(w, k, n, 128, s);
      char path[512];
      std::snprintf(path, sizeof(path), "%s/w_%d_%d_s%02d.f16", argv[1], k, n,
                    int(s * 100 + 0.5));
      DeviceHalf dw(w);
      if (FILE *out = std::fopen(path, "wb")) {
        std::fwrite(dw.host.data(), sizeof(uint16_t), dw.host.size(), out);
        std::fclose(out);
      }
      DeviceMatrix matrix(w, k, n, kTW2D, /*bf16=*/false);
      for (int m : {4096, 16}) {
        std::vector<float> a(size_t(m) * k, 0.5f);
        DeviceHalf da(a);
        float *c = upload(std::vector<float>(size_t(m) * n, 0.0f));
        // Milliseconds of `variant`, or -1 if its kernel is not loaded.
        auto timeVariant = [&](const Variant &variant) {
          CUfunction kernel = kernelFor(variant, k);
          if (!kernel)
            return -1.0;
          return timeMs(
              [&] { matrix.launch(kernel, variant, da.device, c, m); });
        };
        // The device transposition of a row-major A, then the K-major
        // `variant`; -1 if either kernel is not loaded.
        CUfunction transposeKernel = functionNamed("tsparse_transpose_f16");
        auto timeTransposed = [&](const Variant &variant) {
          CUfunction kMajorKernel = kernelFor(variant, k);
          if (!transposeKernel || !kMajorKernel)
            return -1.0;
          uint16_t *transposed = upload(std::vector<uint16_t>(size_t(m) * k));
          double ms = timeMs([&] {
            KernelArgs args;
            args.memref(da.device, {m, k});
            args.memref(transposed, {k, m});
            int blocks = ((m + 31) / 32) * ((k + 31) / 32);
            CHECK_CU(cuLaunchKernel(transposeKernel, blocks, 1, 1, 256, 1, 1, 0,
                                    nullptr, args.finish(), nullptr));
            matrix.launch(kMajorKernel, variant, transposed, c, m);
          });
          cudaFree(transposed);
          return ms;
        };
        // A is constant, so the K-major runs read the same values.
        double times[] = {timeVariant(wmma),
                          timeVariant(mmaSync),
                          timeVariant(mmaSyncKMajor),
                          timeTransposed(mmaSyncKMajor),
                          timeVariant(wgmmaKMajor),
                          timeTransposed(wgmmaKMajor),
                          timeVariant(mmaSyncPersistent),
                          timeVariant(mmaSyncKMajorPersistent),
                          timeTransposed(mmaSyncKMajorPersistent)};
        double denseMs = timeMs(
            [&] { cublasProduct(handle, da.device, dw.device, c, m, k, n); });
        // cuSPARSE, checked against cuBLAS's result (left in c).
        double cusparseMs = -1.0;
#ifndef TSPARSE_NO_CUSPARSE
        {
          float *sparseC = upload(std::vector<float>(size_t(m) * n, 0.0f));
          CusparseProduct cusparse(w, k, n, da.device, sparseC, m);
          if (!cusparse.ok)
            std::printf("cuSPARSE SpMM (CSR, f16 -> f32) not available\n");
          else if (double error = relativeDifference(sparseC, c, size_t(m) * n);
                   error > 1e-2)
            std::printf("cuSPARSE result differs from cuBLAS (%.3g)\n", error);
          else
            cusparseMs = timeMs([&] { cusparse.run(); });
          cudaFree(sparseC);
        }
#endif
        cudaFree(c);
        double best = 1e30;
        std::string cells, fields;
        const char *names[] = {"tsparse_wmma_ms",
                               "tsparse_mma_sync_ms",
                               "tsparse_mma_sync_kmajor_ms",
                               "tsparse_mma_sync_transpose_a_ms",
                               "tsparse_wgmma_kmajor_ms",
                               "tsparse_wgmma_transpose_a_ms",
                               "tsparse_mma_sync_persistent_ms",
                               "tsparse_mma_sync_kmajor_persistent_ms",
                               "tsparse_mma_sync_transpose_a_persistent_ms"};
        static_assert(std::size(names) == std::size(times));
        for (size_t i = 0; i < std::size(times); ++i) {
          char cell[64];
          if (times[i] < 0) {
            cells += " n/a |";
            continue;
          }
          best = std::min(best, times[i]);
          std::snprintf(cell, sizeof(cell), " %.4f |", times[i]);
          cells += cell;
          std::snprintf(cell, sizeof(cell), ", \"%s\": %.5f", names[i],
                        times[i]);
          fields += cell;
        }
        char sparseCell[64] = " n/a |";
        if (cusparseMs > 0) {
          std::snprintf(sparseCell, sizeof(sparseCell), " %.4f |", cusparseMs);
          char field[64];
          std::snprintf(field, sizeof(field), ", \"cusparse_ms\": %.5f",
                        cusparseMs);
          fields += field;
        }
        std::printf("| %d x %d | %d | %.2f | %.4f |%s%s %.2fx | %.1fx |\n", k,
                    n, m, s, denseMs, sparseCell, cells.c_str(), denseMs / best,
                    1.0 / (1.0 - s));
        std::fprintf(json,
                     "{\"kind\": \"bench\", \"k\": %d, \"n\": %d, \"m\": %d, "
                     "\"sparsity\": %.2f, \"cublas_ms\": %.5f%s, \"gpu\": "
                     "\"%s\"}\n",
                     k, n, m, s, denseMs, fields.c_str(), prop.name);
        std::fflush(json);
        std::fflush(stdout);
      }
    }
  }
  std::fclose(json);
  cublasDestroy(handle);
  return failures == 0 ? 0 : 1;
}
