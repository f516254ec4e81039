//===- e2e_check.cpp - The whole tsparse GPU path on a device -------------===//
//
// Calls host code that --tsparse-gpu-pipeline compiled ahead of time (runtime
// packing, device copies through libtsparse_cuda_runtime, one fused kernel
// launch), in the three tensor-core flavours (wgmma, whose host code also
// creates TMA tensor maps, with --hopper), and compares C = C0 + A * W with
// a reference computed here: TW-2D and BW in f16, TW-2D with feature-major
// (transposed) activations, TW-2D in bf16, and a two-layer feed-forward
// block compiled with feature-major=1.
//
// Usage: e2e_check [--hopper]   (exit status 0 when every case matches)
//
//===----------------------------------------------------------------------===//

#include "../prune.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

namespace {
/// A 2-D memref descriptor of MLIR's C interface.
template <typename T> struct MemRef2D {
  T *allocated;
  T *aligned;
  int64_t offset;
  int64_t sizes[2];
  int64_t strides[2];
};

/// A 1-D memref descriptor of MLIR's C interface.
template <typename T> struct MemRef1D {
  T *allocated;
  T *aligned;
  int64_t offset;
  int64_t sizes[1];
  int64_t strides[1];
};

template <typename T>
MemRef2D<T> view(std::vector<T> &data, int64_t rows, int64_t cols) {
  return {data.data(), data.data(), 0, {rows, cols}, {cols, 1}};
}

/// f32 -> f16 bits, round to nearest even (values here are normal or zero).
uint16_t toHalf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  uint32_t sign = (bits >> 16) & 0x8000;
  int32_t exponent = int32_t((bits >> 23) & 0xff) - 127 + 15;
  uint32_t mantissa = bits & 0x7fffff;
  if (exponent <= 0)
    return uint16_t(sign); // Flushes tiny values to zero.
  uint32_t half = sign | (uint32_t(exponent) << 10) | (mantissa >> 13);
  uint32_t rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half;
  return uint16_t(half);
}

/// f16 bits -> f32 (normal values and zero).
float fromHalf(uint16_t half) {
  uint32_t sign = uint32_t(half & 0x8000) << 16;
  uint32_t exponent = (half >> 10) & 0x1f;
  uint32_t mantissa = half & 0x3ff;
  uint32_t bits = exponent == 0
                      ? sign
                      : sign | ((exponent - 15 + 127) << 23) | (mantissa << 13);
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

/// f32 -> bf16 bits, round to nearest even (finite values).
uint16_t toBFloat16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  bits += 0x7fff + ((bits >> 16) & 1);
  return uint16_t(bits >> 16);
}

/// bf16 bits -> f32.
float fromBFloat16(uint16_t bf16) {
  uint32_t bits = uint32_t(bf16) << 16;
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

/// f32 -> the bits of an f16 or a bf16.
uint16_t toBits(float value, bool bf16) {
  return bf16 ? toBFloat16(value) : toHalf(value);
}

/// Rounds to the nearest f16 or bf16 value.
float round16(float value, bool bf16) {
  return bf16 ? fromBFloat16(toBFloat16(value)) : fromHalf(toHalf(value));
}
} // namespace

using Entry = void (*)(MemRef2D<float> *, MemRef2D<uint16_t> *,
                       MemRef2D<uint16_t> *, MemRef2D<float> *);
#define DECLARE_ENTRY(name)                                                    \
  extern "C" void _mlir_ciface_##name(MemRef2D<float> *, MemRef2D<uint16_t> *, \
                                      MemRef2D<uint16_t> *,                    \
                                      MemRef2D<float> *);
DECLARE_ENTRY(e2e_tw2d)
DECLARE_ENTRY(e2e_bw)
DECLARE_ENTRY(e2e_tw2d_feature_major)
DECLARE_ENTRY(e2e_mma_sync_tw2d)
DECLARE_ENTRY(e2e_mma_sync_bw)
DECLARE_ENTRY(e2e_mma_sync_tw2d_feature_major)
DECLARE_ENTRY(e2e_bf16_tw2d)
DECLARE_ENTRY(e2e_wgmma_tw2d)
DECLARE_ENTRY(e2e_wgmma_bw)
DECLARE_ENTRY(e2e_wgmma_tw2d_feature_major)
extern "C" void _mlir_ciface_e2e_ffn(MemRef2D<float> *, MemRef2D<uint16_t> *,
                                     MemRef2D<uint16_t> *, MemRef1D<float> *,
                                     MemRef2D<uint16_t> *);

/// The two-layer block of e2e-ffn.mlir (feature-major between the layers)
/// against y = f16(relu(x W1 + bias)) W2 computed here; returns the number
/// of mismatches.
static int checkFeedForward() {
  const int k = 512, hidden = 1000;
  int failures = 0;
  for (double sparsity : {0.0, 0.75}) {
    for (int m : {1, 100, 300}) {
      std::mt19937 rng(m * 131 + int(sparsity * 100));
      std::normal_distribution<float> normal(0.0f, 0.05f);
      std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
      std::vector<float> x(size_t(m) * k), w1(size_t(k) * hidden),
          w2(size_t(hidden) * k), bias(hidden);
      for (float &v : x)
        v = round16(uniform(rng), false);
      for (float &v : w1)
        v = round16(normal(rng), false);
      for (float &v : w2)
        v = round16(normal(rng), false);
      for (float &v : bias)
        v = 0.1f * uniform(rng);
      prune::pruneTW2D(w1, k, hidden, 128, sparsity);
      prune::pruneTW2D(w2, hidden, k, 128, sparsity);
      std::vector<uint16_t> xh, w1h, w2h;
      for (float v : x)
        xh.push_back(toHalf(v));
      for (float v : w1)
        w1h.push_back(toHalf(v));
      for (float v : w2)
        w2h.push_back(toHalf(v));
      MemRef2D<uint16_t> xView = view(xh, m, k), w1View = view(w1h, k, hidden),
                         w2View = view(w2h, hidden, k);
      MemRef1D<float> biasView = {bias.data(), bias.data(), 0, {hidden}, {1}};
      MemRef2D<float> result;
      _mlir_ciface_e2e_ffn(&result, &xView, &w1View, &biasView, &w2View);
      double maxDiff = 0.0, maxRef = 1e-30;
      std::vector<float> act(hidden);
      for (int i = 0; i < m; ++i) {
        for (int j = 0; j < hidden; ++j) {
          double h = bias[j];
          for (int p = 0; p < k; ++p)
            h += double(x[size_t(i) * k + p]) * w1[size_t(p) * hidden + j];
          act[j] = round16(float(std::max(h, 0.0)), false);
        }
        for (int j = 0; j < k; ++j) {
          double ref = 0.0;
          for (int p = 0; p < hidden; ++p)
            ref += double(act[p]) * w2[size_t(p) * k + j];
          double got = result.aligned[i * result.strides[0] + j];
          maxDiff = std::max(maxDiff, std::fabs(got - ref));
          maxRef = std::max(maxRef, std::fabs(ref));
        }
      }
      std::free(result.allocated);
      double error = maxDiff / maxRef;
      bool ok = error <= 5e-3;
      failures += !ok;
      std::printf("e2e %-18s M=%-3d s=%.2f relative error %.3g %s\n",
                  "ffn feature-major", m, sparsity, error,
                  ok ? "ok" : "MISMATCH");
    }
  }
  return failures;
}

int main(int argc, char **argv) {
  // Keep what was printed if a runtime error aborts the process.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  // The wgmma build runs only on sm_90 (its binary is for sm_90a).
  bool hopper = argc > 1 && std::strcmp(argv[1], "--hopper") == 0;
  const int k = 512, n = 1000;
  struct Case {
    const char *name;
    Entry entry;
    bool blockWise = false;
    /// A is passed K x M, C is passed and returned N x M.
    bool featureMajor = false;
    bool bf16 = false;
    /// Needs Hopper (the wgmma build).
    bool wgmma = false;
  };
  int failures = 0;
  for (Case c :
       {Case{"wmma tw2d", _mlir_ciface_e2e_tw2d},
        Case{"wmma bw", _mlir_ciface_e2e_bw, true},
        Case{"wmma tw2d fm", _mlir_ciface_e2e_tw2d_feature_major, false, true},
        Case{"mma.sync tw2d", _mlir_ciface_e2e_mma_sync_tw2d},
        Case{"mma.sync bw", _mlir_ciface_e2e_mma_sync_bw, true},
        Case{"mma.sync tw2d fm", _mlir_ciface_e2e_mma_sync_tw2d_feature_major,
             false, true},
        Case{"mma.sync tw2d bf16", _mlir_ciface_e2e_bf16_tw2d, false, false,
             true},
        Case{"wgmma tw2d", _mlir_ciface_e2e_wgmma_tw2d, false, false, false,
             true},
        Case{"wgmma bw", _mlir_ciface_e2e_wgmma_bw, true, false, false, true},
        Case{"wgmma tw2d fm", _mlir_ciface_e2e_wgmma_tw2d_feature_major, false,
             true, false, true}}) {
    if (c.wgmma && !hopper) {
      std::printf("e2e %s: skipped (needs sm_90; run with --hopper)\n", c.name);
      continue;
    }
    for (double sparsity : {0.0, 0.75, 0.95}) {
      for (int m : {1, 100, 300}) {
        std::mt19937 rng(m * 977 + int(sparsity * 100));
        std::normal_distribution<float> normal(0.0f, 0.05f);
        std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
        std::vector<float> w(size_t(k) * n), a(size_t(m) * k),
            c0(size_t(m) * n);
        for (float &v : w)
          v = round16(normal(rng), c.bf16);
        for (float &v : a)
          v = round16(uniform(rng), c.bf16);
        for (float &v : c0)
          v = uniform(rng);
        if (c.blockWise)
          prune::pruneBW(w, k, n, 64, 16, sparsity);
        else
          prune::pruneTW2D(w, k, n, 128, sparsity);
        // Operands in the layout the entry takes.
        std::vector<uint16_t> wh, ah(a.size());
        std::vector<float> cIn(c0.size());
        for (float v : w)
          wh.push_back(toBits(v, c.bf16));
        for (int i = 0; i < m; ++i) {
          for (int p = 0; p < k; ++p)
            ah[c.featureMajor ? size_t(p) * m + i : size_t(i) * k + p] =
                toBits(a[size_t(i) * k + p], c.bf16);
          for (int j = 0; j < n; ++j)
            cIn[c.featureMajor ? size_t(j) * m + i : size_t(i) * n + j] =
                c0[size_t(i) * n + j];
        }
        MemRef2D<uint16_t> aView =
                               c.featureMajor ? view(ah, k, m) : view(ah, m, k),
                           wView = view(wh, k, n);
        MemRef2D<float> cView =
                            c.featureMajor ? view(cIn, n, m) : view(cIn, m, n),
                        result;
        c.entry(&result, &aView, &wView, &cView);
        double maxDiff = 0.0, maxRef = 1e-30;
        for (int i = 0; i < m; ++i)
          for (int j = 0; j < n; ++j) {
            double ref = c0[size_t(i) * n + j];
            for (int p = 0; p < k; ++p)
              ref += double(a[size_t(i) * k + p]) * w[size_t(p) * n + j];
            double got = c.featureMajor
                             ? result.aligned[j * result.strides[0] + i]
                             : result.aligned[i * result.strides[0] + j];
            maxDiff = std::max(maxDiff, std::fabs(got - ref));
            maxRef = std::max(maxRef, std::fabs(ref));
          }
        if (result.allocated != cIn.data())
          std::free(result.allocated);
        double error = maxDiff / maxRef;
        bool ok = error <= 5e-3;
        failures += !ok;
        std::printf("e2e %-18s M=%-3d s=%.2f relative error %.3g %s\n", c.name,
                    m, sparsity, error, ok ? "ok" : "MISMATCH");
      }
    }
  }
  failures += checkFeedForward();
  std::printf("e2e: %d mismatches\n", failures);
  return failures == 0 ? 0 : 1;
}
