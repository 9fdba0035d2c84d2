// The lane-parallel folds of the reducing kernels (REDUCE_*, MEAN, SUM) and of the row kernels (softmax,
// L2 normalization): a row folded in independent partial folds so the loop vectorizes. For sources
// compiled once per vector ISA.
#pragma once

#ifndef EL_ISA_NS
#error "for sources compiled once per vector ISA (kernels/optimized/*.cc); CMake sets EL_ISA_NS"
#endif

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "interpreter/kernels/optimized/reduce.h"
#include "interpreter/kernels/reference/reduce.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {

constexpr int kSumLanes = 16;  // independent partial folds: one AVX-512 float vector, two AVX2 ones

template <typename Fold>
using FoldAcc = decltype(Fold::Identity());

// MAX and MIN on floats pick one input, and which one the in-order fold picks among a NaN or equal
// zeros depends on the order; lane-parallel folds watch for NaNs so that such rows can be redone in order.
template <typename Fold>
constexpr bool kTracksOrder = Fold::kSelects && std::is_floating_point_v<FoldAcc<Fold>>;

// Partial folds FoldRow keeps. MAX and MIN take 64: GCC unrolls a 16-lane loop completely and then
// cannot vectorize its float compare-selects, while a 64-lane loop stays a loop that it vectorizes.
template <typename Fold>
constexpr int kFoldLanes = Fold::kSelects ? 64 : kSumLanes;

// Fold of n contiguous values in kFoldLanes partial folds (a vector loop), then combined in lane order.
// Where kTracksOrder, sets *saw_nan when a NaN (or an infinity, to keep the watch a float sum of x - x
// that vectorizes with the fold) went in.
template <typename Fold, typename T>
inline FoldAcc<Fold> FoldRow(const T* p, int64_t n, bool* saw_nan = nullptr) {
  using Acc = FoldAcc<Fold>;
  constexpr int kLanes = kFoldLanes<Fold>;
  Acc lanes[kLanes];
  Acc watch[kLanes] = {};  // stays 0 until x - x is NaN
  for (int j = 0; j < kLanes; ++j) lanes[j] = Fold::Identity();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int j = 0; j < kLanes; ++j) {
      const Acc x = static_cast<Acc>(p[i + j]);
      lanes[j] = Fold::Combine(lanes[j], x);
      if constexpr (kTracksOrder<Fold>) watch[j] += x - x;
    }
  }
  for (int j = 0; i < n; ++i, ++j) {
    const Acc x = static_cast<Acc>(p[i]);
    lanes[j] = Fold::Combine(lanes[j], x);
    if constexpr (kTracksOrder<Fold>) watch[j] += x - x;
  }
  Acc acc = Fold::Identity();
  for (int j = 0; j < kLanes; ++j) acc = Fold::Combine(acc, lanes[j]);
  if constexpr (kTracksOrder<Fold>) {
    Acc any = 0;
    for (int j = 0; j < kLanes; ++j) any += watch[j];
    if (any != any && saw_nan) *saw_nan = true;
  }
  return acc;
}

// Sum of n contiguous values in kSumLanes partial sums.
template <typename Acc, typename T>
inline Acc SumRow(const T* p, int64_t n) {
  return FoldRow<reference::SumFold<Acc>>(p, n);
}

// Largest of n >= 1 contiguous floats; NaN-free inputs assumed (a NaN may or may not win).
inline float MaxRow(const float* p, int64_t n) { return FoldRow<reference::MaxFold<float>>(p, n); }

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

// out = finish(fold) per output, over a non-empty input laid out by `plan`. Sums and products may
// round differently from the in-order fold (lanes reassociate them); MAX and MIN give exactly its result.
template <typename Fold, typename T, typename Finish>
void Reduce(const ReducePlan& plan, const T* in, T* out, Finish finish, ThreadPool& pool) {
  using Acc = FoldAcc<Fold>;
  constexpr double kValueCost = ThreadPool::kCostVectorValue;  // folding one input value
  // True when lanes may have picked another NaN or zero than the in-order fold: then fold in order.
  auto redo = [](Acc acc, bool saw_nan) { return kTracksOrder<Fold> && (saw_nan || acc == Acc(0)); };
  auto fold_in_order = [&](const T* base) {
    Acc acc = Fold::Identity();
    for (int64_t r = 0; r < plan.red_count; ++r) {
      const T* src = base + GroupOffset(r, plan.red_size, plan.red_stride);
      for (int64_t j = 0; j < plan.inner; ++j) acc = Fold::Combine(acc, static_cast<Acc>(src[j]));
    }
    return acc;
  };
  if (!plan.inner_reduced) {
    // Rows of inner-wide vectors: each output row combines red_count input vectors, in input order
    // (so each output is the in-order fold), in chunks of kChunk accumulators kept on the stack. Work
    // items are (row, chunk) pairs.
    constexpr int64_t kChunk = 512;
    const int64_t chunks = (plan.inner + kChunk - 1) / kChunk;
    const double item_cost = kValueCost * static_cast<double>(plan.red_count * std::min(plan.inner, kChunk));
    pool.ParallelFor(plan.rows * chunks, item_cost, [&](int64_t b, int64_t e, int) {
      Acc acc[kChunk];
      for (int64_t item = b; item < e; ++item) {
        const int64_t row = item / chunks;
        const int64_t c0 = (item % chunks) * kChunk;
        const int64_t len = std::min(kChunk, plan.inner - c0);
        const T* base = in + GroupOffset(row, plan.kept_size, plan.kept_stride) + c0;
        T* dst = out + row * plan.inner + c0;
        // Blocks of kFoldLanes columns whose accumulators stay in registers for the whole fold: through
        // acc[] every step waited on the store of the step before (a global average pool over 56x56x16
        // took 3x XNNPACK's time). Wide rows, where that wait overlaps, and the rest take acc[].
        int64_t j0 = 0;
        constexpr int kLanes = kFoldLanes<Fold>;
        if (len < 4 * kLanes) {
          for (; j0 + kLanes <= len; j0 += kLanes) {
            Acc lanes[kLanes];
            for (int j = 0; j < kLanes; ++j) lanes[j] = Fold::Identity();
            for (int64_t r = 0; r < plan.red_count; ++r) {
              const T* src = base + j0 + GroupOffset(r, plan.red_size, plan.red_stride);
              for (int j = 0; j < kLanes; ++j) lanes[j] = Fold::Combine(lanes[j], static_cast<Acc>(src[j]));
            }
            for (int j = 0; j < kLanes; ++j) dst[j0 + j] = finish(lanes[j]);
          }
        }
        if (j0 == len) continue;
        for (int64_t j = j0; j < len; ++j) acc[j] = Fold::Identity();
        for (int64_t r = 0; r < plan.red_count; ++r) {
          const T* src = base + GroupOffset(r, plan.red_size, plan.red_stride);
          for (int64_t j = j0; j < len; ++j) acc[j] = Fold::Combine(acc[j], static_cast<Acc>(src[j]));
        }
        for (int64_t j = j0; j < len; ++j) dst[j] = finish(acc[j]);
      }
    });
    return;
  }
  if (plan.rows == 1 && plan.red_count == 1) {
    // Everything into one value: fixed blocks folded in parallel, then combined in block order, so the
    // result does not depend on the thread count.
    constexpr int kMaxBlocks = 64;
    const int64_t n = plan.inner;
    constexpr int64_t kBlockValues = 16384;
    const int64_t blocks = std::min<int64_t>(kMaxBlocks, (n + kBlockValues - 1) / kBlockValues);
    Acc partial[kMaxBlocks];
    bool partial_nan[kMaxBlocks] = {};
    pool.ParallelFor(blocks, kValueCost * static_cast<double>(n) / static_cast<double>(blocks),
                     [&](int64_t b, int64_t e, int) {
      for (int64_t k = b; k < e; ++k) {
        const int64_t begin = n * k / blocks, end = n * (k + 1) / blocks;
        partial[k] = FoldRow<Fold>(in + begin, end - begin, &partial_nan[k]);
      }
    });
    Acc acc = Fold::Identity();
    bool saw_nan = false;
    for (int64_t k = 0; k < blocks; ++k) {
      acc = Fold::Combine(acc, partial[k]);
      saw_nan = saw_nan || partial_nan[k];
    }
    out[0] = finish(redo(acc, saw_nan) ? fold_in_order(in) : acc);
    return;
  }
  // Each output folds red_count contiguous runs of `inner`.
  const double row_cost = kValueCost * static_cast<double>(plan.red_count * plan.inner);
  pool.ParallelFor(plan.rows, row_cost, [&](int64_t b, int64_t e, int) {
    for (int64_t row = b; row < e; ++row) {
      const T* base = in + GroupOffset(row, plan.kept_size, plan.kept_stride);
      Acc acc = Fold::Identity();
      bool saw_nan = false;
      for (int64_t r = 0; r < plan.red_count; ++r) {
        const T* src = base + GroupOffset(r, plan.red_size, plan.red_stride);
        acc = Fold::Combine(acc, FoldRow<Fold>(src, plan.inner, &saw_nan));
      }
      out[row] = finish(redo(acc, saw_nan) ? fold_in_order(base) : acc);
    }
  });
}

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
