//===- prune.h - Tile-wise pruning of benchmark weights ---------*- C++ -*-===//
//
// Magnitude pruning of row-major K x N weights in the patterns the
// benchmarks use, shared by the CPU and GPU drivers:
//
// - TW-2D (the paper's): columns ranked by L2 norm, the weakest s_c pruned;
//   the survivors form tiles of `tileN` columns in which the weakest s_r of
//   the row segments are pruned, with (1 - s_c)(1 - s_r) = 1 - s, s_c = s_r.
// - TW-1D: tiles of the original columns, the weakest s of each tile's row
//   segments pruned.
// - BW: blockRows x tileN blocks ranked by L2 norm, the weakest s pruned.
//
//===----------------------------------------------------------------------===//

#ifndef TSPARSE_BENCH_PRUNE_H
#define TSPARSE_BENCH_PRUNE_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

namespace prune {

/// FNV-1a: a seed that is the same on every platform.
inline uint32_t seedOf(const char *name) {
  uint32_t hash = 2166136261u;
  for (; *name; ++name)
    hash = (hash ^ uint8_t(*name)) * 16777619u;
  return hash;
}

/// Indices of the `count` smallest scores, ties broken by index.
inline std::vector<int> smallest(const std::vector<double> &scores, int count) {
  std::vector<int> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return scores[a] < scores[b]; });
  order.resize(std::min<size_t>(count, order.size()));
  return order;
}

/// Zeroes the weakest row segments of the tiles over `cols`.
inline void pruneRowSegments(std::vector<float> &w, int k, int n,
                             const std::vector<int> &cols, int tileN,
                             double sparsity) {
  for (size_t t0 = 0; t0 < cols.size(); t0 += tileN) {
    size_t t1 = std::min(cols.size(), t0 + tileN);
    std::vector<double> scores(k, 0.0);
    for (int r = 0; r < k; ++r)
      for (size_t j = t0; j < t1; ++j)
        scores[r] +=
            double(w[size_t(r) * n + cols[j]]) * w[size_t(r) * n + cols[j]];
    for (int r : smallest(scores, int(std::lround(k * sparsity))))
      for (size_t j = t0; j < t1; ++j)
        w[size_t(r) * n + cols[j]] = 0.0f;
  }
}

inline void pruneTW2D(std::vector<float> &w, int k, int n, int tileN,
                      double sparsity) {
  double keep = std::sqrt(1.0 - sparsity);
  std::vector<double> scores(n, 0.0);
  for (int r = 0; r < k; ++r)
    for (int c = 0; c < n; ++c)
      scores[c] += double(w[size_t(r) * n + c]) * w[size_t(r) * n + c];
  std::vector<bool> kept(n, true);
  for (int c : smallest(scores, int(std::lround(n * (1.0 - keep)))))
    kept[c] = false;
  std::vector<int> cols;
  for (int c = 0; c < n; ++c) {
    if (kept[c])
      cols.push_back(c);
    else
      for (int r = 0; r < k; ++r)
        w[size_t(r) * n + c] = 0.0f;
  }
  pruneRowSegments(w, k, n, cols, tileN, 1.0 - keep);
}

inline void pruneTW1D(std::vector<float> &w, int k, int n, int tileN,
                      double sparsity) {
  std::vector<int> cols(n);
  std::iota(cols.begin(), cols.end(), 0);
  pruneRowSegments(w, k, n, cols, tileN, sparsity);
}

inline void pruneBW(std::vector<float> &w, int k, int n, int tileN,
                    int blockRows, double sparsity) {
  int blocksDown = k / blockRows, blocksAcross = (n + tileN - 1) / tileN;
  std::vector<double> scores(size_t(blocksDown) * blocksAcross, 0.0);
  for (int r = 0; r < blocksDown * blockRows; ++r)
    for (int c = 0; c < n; ++c)
      scores[(r / blockRows) * blocksAcross + c / tileN] +=
          double(w[size_t(r) * n + c]) * w[size_t(r) * n + c];
  for (int b : smallest(scores, int(std::lround(scores.size() * sparsity))))
    for (int r = 0; r < blockRows; ++r)
      for (int c = 0; c < tileN && (b % blocksAcross) * tileN + c < n; ++c)
        w[size_t((b / blocksAcross) * blockRows + r) * n +
          (b % blocksAcross) * tileN + c] = 0.0f;
}

} // namespace prune

#endif // TSPARSE_BENCH_PRUNE_H
