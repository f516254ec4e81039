//===- prune_weights.cpp - Weights of the CPU benchmark -------------------===//
//
// Writes, for every configuration of cpu_configs.def, a K x N row-major f32
// weight matrix with random values pruned in the configuration's pattern
// (see prune.h): tw2d with tiles of 128 columns, or bw with 32 x 128 blocks.
//
//===----------------------------------------------------------------------===//

#include "prune.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
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

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output directory>\n", argv[0]);
    return 1;
  }
  for (const Config &config : kConfigs) {
    std::mt19937 rng(prune::seedOf(config.name));
    std::normal_distribution<float> normal(0.0f, 0.05f);
    std::vector<float> w(size_t(config.k) * config.n);
    for (float &value : w)
      value = normal(rng);
    if (std::strcmp(config.pattern, "tw2d") == 0)
      prune::pruneTW2D(w, config.k, config.n, kTileN, config.sparsity);
    else
      prune::pruneBW(w, config.k, config.n, kTileN, kBlockRows,
                     config.sparsity);
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
