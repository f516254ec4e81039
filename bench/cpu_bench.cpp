//===- cpu_bench.cpp - tsparse against its CPU peers ----------------------===//
//
// Runs, in one process and on the same pruned weights, C = A * W with
//   - tsparse (--tsparse-cpu-pipeline, compiled ahead of time for the host
//     CPU, and for AVX2 only: the instruction set OpenBLAS picks here),
//   - OpenBLAS dense sgemm (single thread),
//   - oneDNN dense dnnl_sgemm (single thread: OMP_NUM_THREADS=1),
//   - MLIR's sparsifier with a 4x4 block-sparse (#BSR) encoding,
//   - dense linalg.matmul through --tsparse-cpu-pipeline (one per shape),
// checks every result against OpenBLAS and prints a markdown table and a
// JSON line per measurement.
//
// Usage: cpu_bench <weights directory> <json output> [name]
// (with a name, only the configurations whose name contains it).
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <cblas.h>
#include <dnnl.h>

extern "C" void openblas_set_num_threads(int);
extern "C" char *openblas_get_corename();

namespace {
/// A ranked memref descriptor, as MLIR's C interface passes it.
struct MemRef2D {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[2];
  int64_t strides[2];
};

MemRef2D view(std::vector<float> &data, int64_t rows, int64_t cols) {
  return {data.data(), data.data(), 0, {rows, cols}, {cols, 1}};
}
} // namespace

#define CPU_CONFIG(name, k, n, pattern, sparsity)                              \
  extern "C" void _mlir_ciface_tsparse_##name(MemRef2D *, MemRef2D *);         \
  extern "C" void _mlir_ciface_tsparse_avx2_##name(MemRef2D *, MemRef2D *);    \
  extern "C" void _mlir_ciface_dense_##name(MemRef2D *, MemRef2D *)            \
      __attribute__((weak));                                                   \
  extern "C" void *_mlir_ciface_sparsifier_weights_##name();                   \
  extern "C" void _mlir_ciface_sparsifier_##name(MemRef2D *, MemRef2D *,       \
                                                 void *, MemRef2D *);
#include "cpu_configs.def"
#undef CPU_CONFIG

namespace {
struct Config {
  const char *name;
  int k, n;
  const char *pattern;
  double sparsity;
  void (*tsparse)(MemRef2D *, MemRef2D *);
  void (*tsparseAVX2)(MemRef2D *, MemRef2D *);
  void (*dense)(MemRef2D *, MemRef2D *);
  void *(*sparsifierWeights)();
  void (*sparsifier)(MemRef2D *, MemRef2D *, void *, MemRef2D *);
};

const Config kConfigs[] = {
#define CPU_CONFIG(name, k, n, pattern, sparsity)                              \
  {#name,                                                                      \
   k,                                                                          \
   n,                                                                          \
   pattern,                                                                    \
   sparsity,                                                                   \
   _mlir_ciface_tsparse_##name,                                                \
   _mlir_ciface_tsparse_avx2_##name,                                           \
   _mlir_ciface_dense_##name,                                                  \
   _mlir_ciface_sparsifier_weights_##name,                                     \
   _mlir_ciface_sparsifier_##name},
#include "cpu_configs.def"
#undef CPU_CONFIG
};

const int kBatchSizes[] = {128, 512};

/// Median time of `fn` in milliseconds: one warm-up run, then at least three
/// runs and at least half a second.
double timeMs(const std::function<void()> &fn) {
  using Clock = std::chrono::steady_clock;
  fn();
  std::vector<double> times;
  Clock::time_point start = Clock::now();
  while (times.size() < 3 ||
         (Clock::now() - start < std::chrono::milliseconds(500) &&
          times.size() < 50)) {
    Clock::time_point t0 = Clock::now();
    fn();
    times.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

/// Largest |x - ref| relative to the largest |ref|.
double relativeError(const std::vector<float> &x,
                     const std::vector<float> &ref) {
  double maxDiff = 0.0, maxRef = 1e-30;
  for (size_t i = 0; i < ref.size(); ++i) {
    maxDiff = std::max(maxDiff, double(std::fabs(x[i] - ref[i])));
    maxRef = std::max(maxRef, double(std::fabs(ref[i])));
  }
  return maxDiff / maxRef;
}

bool readWeights(const std::string &path, std::vector<float> &w) {
  FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    return false;
  size_t read = std::fread(w.data(), sizeof(float), w.size(), file);
  std::fclose(file);
  return read == w.size();
}
} // namespace

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: %s <weights directory> <json output> [name]\n",
                 argv[0]);
    return 1;
  }
  openblas_set_num_threads(1);
  FILE *json = std::fopen(argv[2], "w");
  if (!json)
    return 1;
  const double kTolerance = 1e-4;
  bool allCorrect = true;

  std::printf("OpenBLAS core: %s\n\n", openblas_get_corename());
  std::printf("| layer (K x N) | M | pattern | sparsity | OpenBLAS ms | "
              "oneDNN ms | tsparse ms | vs best BLAS | tsparse AVX2 ms | "
              "AVX2 vs best BLAS | ideal | MLIR sparsifier ms | vs sparsifier "
              "| dense linalg (ours) ms |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const Config &config : kConfigs) {
    if (argc == 4 && !std::strstr(config.name, argv[3]))
      continue;
    std::vector<float> w(size_t(config.k) * config.n);
    if (!readWeights(std::string(argv[1]) + "/" + config.name + ".bin", w)) {
      std::fprintf(stderr, "cannot read the weights of %s\n", config.name);
      return 1;
    }
    void *sparseWeights = config.sparsifierWeights();
    for (int m : kBatchSizes) {
      std::mt19937 rng(m * 7919 + config.k);
      std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
      std::vector<float> a(size_t(m) * config.k);
      for (float &value : a)
        value = uniform(rng);
      std::vector<float> ref(size_t(m) * config.n), c(ref.size());
      MemRef2D aView = view(a, m, config.k);

      double blasMs = timeMs([&] {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, config.n,
                    config.k, 1.0f, a.data(), config.k, w.data(), config.n,
                    0.0f, ref.data(), config.n);
      });

      std::vector<float> dnnlC(ref.size());
      double dnnlMs = timeMs([&] {
        dnnl_sgemm('N', 'N', m, config.n, config.k, 1.0f, a.data(), config.k,
                   w.data(), config.n, 0.0f, dnnlC.data(), config.n);
      });
      double dnnlError = relativeError(dnnlC, ref);
      double bestBlasMs = std::min(blasMs, dnnlMs);

      auto runOurs = [&](void (*fn)(MemRef2D *, MemRef2D *)) {
        std::fill(c.begin(), c.end(), 0.0f);
        MemRef2D cView = view(c, m, config.n);
        fn(&aView, &cView);
      };
      runOurs(config.tsparse);
      double tsparseError = relativeError(c, ref);
      double tsparseMs = timeMs([&] {
        MemRef2D cView = view(c, m, config.n);
        config.tsparse(&aView, &cView);
      });

      runOurs(config.tsparseAVX2);
      double avx2Error = relativeError(c, ref);
      double avx2Ms = timeMs([&] {
        MemRef2D cView = view(c, m, config.n);
        config.tsparseAVX2(&aView, &cView);
      });

      auto runSparsifier = [&] {
        std::fill(c.begin(), c.end(), 0.0f);
        MemRef2D cView = view(c, m, config.n), result;
        config.sparsifier(&result, &aView, sparseWeights, &cView);
        if (result.aligned != c.data()) {
          std::memcpy(c.data(), result.aligned, c.size() * sizeof(float));
          std::free(result.allocated);
        }
      };
      runSparsifier();
      double sparsifierError = relativeError(c, ref);
      double sparsifierMs = timeMs(runSparsifier);

      double denseMs = 0.0, denseError = 0.0;
      if (config.dense) {
        runOurs(config.dense);
        denseError = relativeError(c, ref);
        denseMs = timeMs([&] {
          MemRef2D cView = view(c, m, config.n);
          config.dense(&aView, &cView);
        });
      }

      bool correct = dnnlError <= kTolerance && tsparseError <= kTolerance &&
                     avx2Error <= kTolerance && sparsifierError <= kTolerance &&
                     denseError <= kTolerance;
      allCorrect &= correct;
      char dense[32] = "-";
      if (config.dense)
        std::snprintf(dense, sizeof(dense), "%.2f", denseMs);
      std::printf("| %d x %d | %d | %s | %.2f | %.2f | %.2f | %.2f | %.2fx | "
                  "%.2f | %.2fx | %.1fx | %.2f | %.1fx | %s |%s\n",
                  config.k, config.n, m, config.pattern, config.sparsity,
                  blasMs, dnnlMs, tsparseMs, bestBlasMs / tsparseMs, avx2Ms,
                  bestBlasMs / avx2Ms, 1.0 / (1.0 - config.sparsity),
                  sparsifierMs, sparsifierMs / tsparseMs, dense,
                  correct ? "" : " MISMATCH");
      std::fprintf(json,
                   "{\"name\": \"%s\", \"k\": %d, \"n\": %d, \"m\": %d, "
                   "\"pattern\": \"%s\", \"sparsity\": %.2f, "
                   "\"openblas_ms\": %.4f, \"onednn_ms\": %.4f, "
                   "\"tsparse_ms\": %.4f, "
                   "\"tsparse_avx2_ms\": %.4f, "
                   "\"sparsifier_ms\": %.4f, \"dense_linalg_ms\": %.4f, "
                   "\"tsparse_rel_error\": %.3g, "
                   "\"sparsifier_rel_error\": %.3g, "
                   "\"dense_linalg_rel_error\": %.3g}\n",
                   config.name, config.k, config.n, m, config.pattern,
                   config.sparsity, blasMs, dnnlMs, tsparseMs, avx2Ms,
                   sparsifierMs, denseMs, tsparseError, sparsifierError,
                   denseError);
      std::fflush(stdout);
    }
  }
  std::fclose(json);
  if (!allCorrect) {
    std::fprintf(stderr,
                 "some results differ from OpenBLAS by more than "
                 "%g (relative)\n",
                 kTolerance);
    return 1;
  }
  return 0;
}
