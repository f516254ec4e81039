//===- prune_weights.cpp - Weights of the CPU benchmark -------------------===//
//
// Writes, for every configuration of cpu_configs.def, a K x N row-major f32
// weight matrix with random values pruned in the configuration's pattern:
//
// - tw2d: TW-2D as in the paper. Columns are ranked by L2 norm and the
//   weakest s_c of them pruned; the survivors form tiles of 128 columns in
//   which the weakest s_r of the row segments (L2 norm over the tile) are
//   pruned, with (1 - s_c)(1 - s_r) = 1 - s and s_c = s_r.
// - bw: 32 x 128 blocks ranked by L2 norm, the weakest s of them pruned.
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace {
constexpr int kTileN = 128;
constexpr int kBlockRows = 32;

struct Config {
  const char *name;
  int k, n;
  const char *pattern;
  double sparsity;
};

const Config kConfigs[] = {
#define CPU_CONFIG(name, k, n, pattern, sparsity)                              \
  {#name, k, n, pattern, sparsity},
#include "cpu_configs.def"
#undef CPU_CONFIG
};

/// FNV-1a: a seed that is the same on every platform.
uint32_t seedOf(const char *name) {
  uint32_t hash = 2166136261u;
  for (; *name; ++name)
    hash = (hash ^ uint8_t(*name)) * 16777619u;
  return hash;
}

/// Indices of the `count` smallest scores, ties broken by index.
std::vector<int> smallest(const std::vector<double> &scores, int count) {
  std::vector<int> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return scores[a] < scores[b]; });
  order.resize(count);
  return order;
}

void pruneTW2D(std::vector<float> &w, int k, int n, double sparsity) {
  double keep = std::sqrt(1.0 - sparsity);
  std::vector<double> colScores(n, 0.0);
  for (int r = 0; r < k; ++r)
    for (int c = 0; c < n; ++c)
      colScores[c] += double(w[r * n + c]) * w[r * n + c];
  std::vector<bool> colKept(n, true);
  for (int c : smallest(colScores, int(std::lround(n * (1.0 - keep)))))
    colKept[c] = false;
  std::vector<int> cols;
  for (int c = 0; c < n; ++c) {
    if (colKept[c])
      cols.push_back(c);
    else
      for (int r = 0; r < k; ++r)
        w[r * n + c] = 0.0f;
  }
  for (size_t t0 = 0; t0 < cols.size(); t0 += kTileN) {
    size_t t1 = std::min(cols.size(), t0 + kTileN);
    std::vector<double> rowScores(k, 0.0);
    for (int r = 0; r < k; ++r)
      for (size_t j = t0; j < t1; ++j)
        rowScores[r] += double(w[r * n + cols[j]]) * w[r * n + cols[j]];
    for (int r : smallest(rowScores, int(std::lround(k * (1.0 - keep)))))
      for (size_t j = t0; j < t1; ++j)
        w[r * n + cols[j]] = 0.0f;
  }
}

void pruneBW(std::vector<float> &w, int k, int n, double sparsity) {
  int blockRows = k / kBlockRows, blockCols = (n + kTileN - 1) / kTileN;
  std::vector<double> scores(blockRows * blockCols, 0.0);
  for (int r = 0; r < k; ++r)
    for (int c = 0; c < n; ++c)
      scores[(r / kBlockRows) * blockCols + c / kTileN] +=
          double(w[r * n + c]) * w[r * n + c];
  for (int b : smallest(scores, int(std::lround(scores.size() * sparsity))))
    for (int r = 0; r < kBlockRows; ++r)
      for (int c = 0; c < kTileN && (b % blockCols) * kTileN + c < n; ++c)
        w[((b / blockCols) * kBlockRows + r) * n + (b % blockCols) * kTileN +
          c] = 0.0f;
}
} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output directory>\n", argv[0]);
    return 1;
  }
  for (const Config &config : kConfigs) {
    std::mt19937 rng(seedOf(config.name));
    std::normal_distribution<float> normal(0.0f, 0.05f);
    std::vector<float> w(size_t(config.k) * config.n);
    for (float &value : w)
      value = normal(rng);
    if (std::strcmp(config.pattern, "tw2d") == 0)
      pruneTW2D(w, config.k, config.n, config.sparsity);
    else
      pruneBW(w, config.k, config.n, config.sparsity);
    size_t zeros = std::count(w.begin(), w.end(), 0.0f);
    std::printf("%-14s %4dx%-4d %-4s target %.2f achieved %.4f\n", config.name,
                config.k, config.n, config.pattern, config.sparsity,
                double(zeros) / w.size());
    std::string path = std::string(argv[1]) + "/" + config.name + ".bin";
    FILE *file = std::fopen(path.c_str(), "wb");
    if (!file ||
        std::fwrite(w.data(), sizeof(float), w.size(), file) != w.size()) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
    std::fclose(file);
  }
  return 0;
}
