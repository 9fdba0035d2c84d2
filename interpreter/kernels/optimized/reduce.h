// Sum-reductions laid out once for fast loops: axes of size 1 are dropped and neighbouring axes with the
// same role merged, so MEAN over H, W of NHWC becomes rows of C-vectors to add, and a reduction over the
// last axes becomes contiguous runs to sum. Also the row sum/max helpers other kernels (softmax) share.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "interpreter/thread_pool.h"

namespace edgelite {
namespace optimized {

constexpr int kSumLanes = 16;  // independent partial sums: one AVX-512 float vector, two AVX2 ones

// Sum of n contiguous values in kSumLanes partial sums (a vector loop), then added together.
template <typename Acc, typename T>
inline Acc SumRow(const T* p, int64_t n) {
  Acc lanes[kSumLanes] = {};
  int64_t i = 0;
  for (; i + kSumLanes <= n; i += kSumLanes)
    for (int j = 0; j < kSumLanes; ++j) lanes[j] += static_cast<Acc>(p[i + j]);
  for (int j = 0; i < n; ++i, ++j) lanes[j] += static_cast<Acc>(p[i]);
  Acc sum = Acc(0);
  for (int j = 0; j < kSumLanes; ++j) sum += lanes[j];
  return sum;
}

// Largest of n >= 1 contiguous floats; NaN-free inputs assumed (a NaN may or may not win).
inline float MaxRow(const float* p, int64_t n) {
  float lanes[kSumLanes];
  for (int j = 0; j < kSumLanes; ++j) lanes[j] = p[0];
  int64_t i = 0;
  for (; i + kSumLanes <= n; i += kSumLanes)
    for (int j = 0; j < kSumLanes; ++j) lanes[j] = std::max(lanes[j], p[i + j]);
  for (int j = 0; i < n; ++i, ++j) lanes[j] = std::max(lanes[j], p[i]);
  float m = lanes[0];
  for (int j = 1; j < kSumLanes; ++j) m = std::max(m, lanes[j]);
  return m;
}

// How a reduction runs, computed once in prepare. After merging, the input is a sequence of groups;
// the last one ("inner") is contiguous. Outer kept groups number the output rows, outer reduced groups
// are the loop each output row runs over.
struct ReducePlan {
  bool inner_reduced = false;  // true: each output sums runs of `inner`; false: adds vectors of `inner`
  int64_t inner = 1;
  std::vector<int64_t> kept_size, kept_stride;  // outer kept groups (input strides)
  std::vector<int64_t> red_size, red_stride;    // outer reduced groups
  int64_t rows = 1;       // product of kept_size
  int64_t red_count = 1;  // product of red_size
};

inline ReducePlan MakeReducePlan(const std::vector<int32_t>& dims, const std::vector<bool>& reduced) {
  std::vector<int64_t> size;
  std::vector<bool> role;
  for (size_t a = 0; a < dims.size(); ++a) {
    if (dims[a] == 1) continue;
    if (!size.empty() && role.back() == reduced[a]) {
      size.back() *= dims[a];
    } else {
      size.push_back(dims[a]);
      role.push_back(reduced[a]);
    }
  }
  ReducePlan plan;
  if (size.empty()) return plan;  // one element in, one out
  plan.inner = size.back();
  plan.inner_reduced = role.back();
  int64_t stride = plan.inner;
  for (int g = static_cast<int>(size.size()) - 2; g >= 0; --g) {
    auto& sizes = role[g] ? plan.red_size : plan.kept_size;
    auto& strides = role[g] ? plan.red_stride : plan.kept_stride;
    sizes.insert(sizes.begin(), size[g]);
    strides.insert(strides.begin(), stride);
    stride *= size[g];
  }
  for (int64_t s : plan.kept_size) plan.rows *= s;
  for (int64_t s : plan.red_size) plan.red_count *= s;
  return plan;
}

// Input offset of the multi-index `linear` (row-major over `size`) with the given strides.
inline int64_t GroupOffset(int64_t linear, const std::vector<int64_t>& size,
                           const std::vector<int64_t>& stride) {
  if (size.size() == 1) return linear * stride[0];
  int64_t off = 0;
  for (int i = static_cast<int>(size.size()) - 1; i >= 0; --i) {
    off += (linear % size[i]) * stride[i];
    linear /= size[i];
  }
  return off;
}

// out = finish(sum) per output, over a non-empty input laid out by `plan`.
template <typename T, typename Acc, typename Finish>
void ReduceSum(const ReducePlan& plan, const T* in, T* out, Finish finish, ThreadPool& pool) {
  constexpr int64_t kWorkPerTask = 16384;  // input elements a pool task should at least cover
  if (!plan.inner_reduced) {
    // Rows of inner-wide vectors: each output row adds red_count input vectors, in input order, in
    // chunks of kChunk accumulators kept on the stack. Work items are (row, chunk) pairs.
    constexpr int64_t kChunk = 512;
    const int64_t chunks = (plan.inner + kChunk - 1) / kChunk;
    const int64_t item_work = plan.red_count * std::min(plan.inner, kChunk);
    const int64_t grain = std::max<int64_t>(1, kWorkPerTask / std::max<int64_t>(item_work, 1));
    pool.ParallelFor(plan.rows * chunks, grain, [&](int64_t b, int64_t e) {
      Acc acc[kChunk];
      for (int64_t item = b; item < e; ++item) {
        const int64_t row = item / chunks;
        const int64_t c0 = (item % chunks) * kChunk;
        const int64_t len = std::min(kChunk, plan.inner - c0);
        const T* base = in + GroupOffset(row, plan.kept_size, plan.kept_stride) + c0;
        for (int64_t j = 0; j < len; ++j) acc[j] = Acc(0);
        for (int64_t r = 0; r < plan.red_count; ++r) {
          const T* src = base + GroupOffset(r, plan.red_size, plan.red_stride);
          for (int64_t j = 0; j < len; ++j) acc[j] += static_cast<Acc>(src[j]);
        }
        T* dst = out + row * plan.inner + c0;
        for (int64_t j = 0; j < len; ++j) dst[j] = finish(acc[j]);
      }
    });
    return;
  }
  if (plan.rows == 1 && plan.red_count == 1) {
    // Everything into one value: fixed blocks summed in parallel, then added in block order, so the
    // result does not depend on the thread count.
    constexpr int kMaxBlocks = 64;
    const int64_t n = plan.inner;
    const int64_t blocks = std::min<int64_t>(kMaxBlocks, (n + kWorkPerTask - 1) / kWorkPerTask);
    Acc partial[kMaxBlocks];
    pool.ParallelFor(blocks, 1, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; ++k) {
        const int64_t begin = n * k / blocks, end = n * (k + 1) / blocks;
        partial[k] = SumRow<Acc>(in + begin, end - begin);
      }
    });
    Acc sum = Acc(0);
    for (int64_t k = 0; k < blocks; ++k) sum += partial[k];
    out[0] = finish(sum);
    return;
  }
  // Each output sums red_count contiguous runs of `inner`.
  const int64_t row_work = plan.red_count * plan.inner;
  const int64_t grain = std::max<int64_t>(1, kWorkPerTask / std::max<int64_t>(row_work, 1));
  pool.ParallelFor(plan.rows, grain, [&](int64_t b, int64_t e) {
    for (int64_t row = b; row < e; ++row) {
      const T* base = in + GroupOffset(row, plan.kept_size, plan.kept_stride);
      Acc sum = Acc(0);
      for (int64_t r = 0; r < plan.red_count; ++r) {
        const T* src = base + GroupOffset(r, plan.red_size, plan.red_stride);
        sum += SumRow<Acc>(src, plan.inner);
      }
      out[row] = finish(sum);
    }
  });
}

}  // namespace optimized
}  // namespace edgelite
