//===- e2e_check.cpp - The whole tsparse GPU path on a device -------------===//
//
// Calls host code that --tsparse-gpu-pipeline compiled ahead of time (runtime
// packing, device copies through libtsparse_cuda_runtime, one fused kernel
// launch) and compares C = C0 + A * W with a reference computed here.
//
// Usage: e2e_check   (exit status 0 when every case matches)
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

/// Rounds to the nearest f16 value.
float roundToHalf(float value) { return fromHalf(toHalf(value)); }
} // namespace

using Entry = void (*)(MemRef2D<float> *, MemRef2D<uint16_t> *,
                       MemRef2D<uint16_t> *, MemRef2D<float> *);
extern "C" void _mlir_ciface_e2e_tw2d(MemRef2D<float> *, MemRef2D<uint16_t> *,
                                      MemRef2D<uint16_t> *, MemRef2D<float> *);
extern "C" void _mlir_ciface_e2e_bw(MemRef2D<float> *, MemRef2D<uint16_t> *,
                                    MemRef2D<uint16_t> *, MemRef2D<float> *);

int main() {
  // Keep what was printed if a runtime error aborts the process.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const int k = 512, n = 1000;
  struct Case {
    const char *name;
    Entry entry;
    bool blockWise;
  };
  int failures = 0;
  for (Case c : {Case{"tw2d g128", _mlir_ciface_e2e_tw2d, false},
                 Case{"bw 16x64", _mlir_ciface_e2e_bw, true}}) {
    for (double sparsity : {0.0, 0.75, 0.95}) {
      for (int m : {1, 100, 300}) {
        std::mt19937 rng(m * 977 + int(sparsity * 100));
        std::normal_distribution<float> normal(0.0f, 0.05f);
        std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
        std::vector<float> w(size_t(k) * n), a(size_t(m) * k),
            c0(size_t(m) * n);
        for (float &v : w)
          v = roundToHalf(normal(rng));
        for (float &v : a)
          v = roundToHalf(uniform(rng));
        for (float &v : c0)
          v = uniform(rng);
        if (c.blockWise)
          prune::pruneBW(w, k, n, 64, 16, sparsity);
        else
          prune::pruneTW2D(w, k, n, 128, sparsity);

        std::vector<uint16_t> wh, ah;
        for (float v : w)
          wh.push_back(toHalf(v));
        for (float v : a)
          ah.push_back(toHalf(v));
        std::vector<float> cIn = c0;
        MemRef2D<uint16_t> aView = view(ah, m, k), wView = view(wh, k, n);
        MemRef2D<float> cView = view(cIn, m, n), result;
        c.entry(&result, &aView, &wView, &cView);

        double maxDiff = 0.0, maxRef = 1e-30;
        for (int i = 0; i < m; ++i)
          for (int j = 0; j < n; ++j) {
            double ref = c0[size_t(i) * n + j];
            for (int p = 0; p < k; ++p)
              ref += double(a[size_t(i) * k + p]) * w[size_t(p) * n + j];
            double got = result.aligned[i * result.strides[0] + j];
            maxDiff = std::max(maxDiff, std::fabs(got - ref));
            maxRef = std::max(maxRef, std::fabs(ref));
          }
        if (result.allocated != cIn.data())
          std::free(result.allocated);
        double error = maxDiff / maxRef;
        bool ok = error <= 5e-3;
        failures += !ok;
        std::printf("e2e %-9s M=%-3d s=%.2f relative error %.3g %s\n", c.name,
                    m, sparsity, error, ok ? "ok" : "MISMATCH");
      }
    }
  }
  std::printf("e2e: %d mismatches\n", failures);
  return failures == 0 ? 0 : 1;
}
