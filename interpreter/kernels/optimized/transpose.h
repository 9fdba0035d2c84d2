// Fast transpose: the shape is first reduced (size-1 axes dropped, axes that stay adjacent merged), then
// copied by the cheapest loop that fits: one memcpy, cache-blocked tiles for a (batched) swap of the
// last two axes, or row by row with memcpy when the innermost axis stays innermost. Other permutations
// run the reference loop (reference/transpose.h) on the reduced shape.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "interpreter/kernels/reference/transpose.h"

namespace edgelite {
namespace optimized {

using reference::kMaxTransposeRank;

struct TransposePlan {
  enum class Kind { kCopy, kTile2D, kRows, kReference };
  Kind kind = Kind::kCopy;
  // The reduced problem: input dims and permutation after dropping and merging axes.
  int rank = 0;
  int64_t in_dims[kMaxTransposeRank] = {};
  int perm[kMaxTransposeRank] = {};
  // kTile2D: `batch` row-major matrices [rows, cols], each written transposed as [cols, rows].
  int64_t batch = 1, rows = 0, cols = 0;
};

// Plans the transpose of `in_dims` (rank <= kMaxTransposeRank) by the permutation `perm`.
inline TransposePlan PlanTranspose(int rank, const int64_t* in_dims, const int* perm) {
  TransposePlan plan;
  // Size-1 axes move nothing: drop them and renumber the remaining input axes.
  int kept_index[kMaxTransposeRank];
  int64_t dims[kMaxTransposeRank];
  int r = 0;
  for (int a = 0; a < rank; ++a) {
    kept_index[a] = in_dims[a] == 1 ? -1 : r;
    if (in_dims[a] != 1) dims[r++] = in_dims[a];
  }
  int p[kMaxTransposeRank];
  int pr = 0;
  for (int k = 0; k < rank; ++k)
    if (kept_index[perm[k]] >= 0) p[pr++] = kept_index[perm[k]];
  // Output axes k, k+1 reading input axes j, j+1 form one contiguous axis: merge such runs.
  int group_first[kMaxTransposeRank];  // input axis starting each merged group, in output order
  int64_t group_size[kMaxTransposeRank];
  int groups = 0;
  for (int k = 0; k < r; ++k) {
    if (groups > 0 && p[k] == p[k - 1] + 1) {
      group_size[groups - 1] *= dims[p[k]];
    } else {
      group_first[groups] = p[k];
      group_size[groups] = dims[p[k]];
      ++groups;
    }
  }
  // The merged input axes are the groups ordered by where they start in the input.
  plan.rank = groups;
  for (int g = 0; g < groups; ++g) {
    int input_axis = 0;
    for (int h = 0; h < groups; ++h) input_axis += group_first[h] < group_first[g];
    plan.perm[g] = input_axis;
    plan.in_dims[input_axis] = group_size[g];
  }
  if (plan.rank <= 1) {
    plan.kind = TransposePlan::Kind::kCopy;
  } else if (plan.rank == 2) {
    plan.kind = TransposePlan::Kind::kTile2D;
    plan.rows = plan.in_dims[0];
    plan.cols = plan.in_dims[1];
  } else if (plan.rank == 3 && plan.perm[0] == 0 && plan.perm[1] == 2 && plan.perm[2] == 1) {
    plan.kind = TransposePlan::Kind::kTile2D;
    plan.batch = plan.in_dims[0];
    plan.rows = plan.in_dims[1];
    plan.cols = plan.in_dims[2];
  } else if (plan.perm[plan.rank - 1] == plan.rank - 1) {
    plan.kind = TransposePlan::Kind::kRows;
  } else {
    plan.kind = TransposePlan::Kind::kReference;
  }
  return plan;
}

// Tiles small enough that a tile of the source and of the destination both stay in L1.
template <typename T>
constexpr int64_t TransposeTile() {
  return sizeof(T) >= 8 ? 8 : 16;
}

// Tiles [begin, end) of the kTile2D problem; tiles are numbered batch-major, then row block, then column
// block.
template <typename T>
void TransposeTiles(const TransposePlan& plan, int64_t begin, int64_t end, const T* in, T* out) {
  constexpr int64_t kTile = TransposeTile<T>();
  const int64_t R = plan.rows, C = plan.cols;
  const int64_t row_blocks = (R + kTile - 1) / kTile, col_blocks = (C + kTile - 1) / kTile;
  for (int64_t t = begin; t < end; ++t) {
    const int64_t b = t / (row_blocks * col_blocks);
    const int64_t i0 = (t / col_blocks) % row_blocks * kTile, j0 = t % col_blocks * kTile;
    const int64_t i1 = std::min(i0 + kTile, R), j1 = std::min(j0 + kTile, C);
    const T* src = in + b * R * C;
    T* dst = out + b * R * C;
    for (int64_t j = j0; j < j1; ++j) {
      for (int64_t i = i0; i < i1; ++i) dst[j * R + i] = src[i * C + j];
    }
  }
}

inline int64_t TransposeTileCount(const TransposePlan& plan, int64_t tile) {
  return plan.batch * ((plan.rows + tile - 1) / tile) * ((plan.cols + tile - 1) / tile);
}

// Output rows [begin, end) of the kRows problem: a row is one run along the last axis, which is
// contiguous in both tensors.
template <typename T>
void TransposeRows(const TransposePlan& plan, int64_t begin, int64_t end, const T* in, T* out) {
  const int r = plan.rank;
  int64_t in_strides[kMaxTransposeRank] = {}, out_dims[kMaxTransposeRank] = {}, step[kMaxTransposeRank] = {};
  int64_t stride = 1;
  for (int a = r - 1; a >= 0; --a) {
    in_strides[a] = stride;
    stride *= plan.in_dims[a];
  }
  for (int k = 0; k < r; ++k) {
    out_dims[k] = plan.in_dims[plan.perm[k]];
    step[k] = in_strides[plan.perm[k]];
  }
  const int64_t inner = out_dims[r - 1];
  // Position of row `begin` in the outer output axes, and where it starts in the input.
  int64_t idx[kMaxTransposeRank] = {};
  int64_t src = 0;
  for (int64_t rest = begin, k = r - 2; k >= 0; --k) {
    idx[k] = rest % out_dims[k];
    rest /= out_dims[k];
    src += idx[k] * step[k];
  }
  for (int64_t row = begin; row < end; ++row) {
    std::memcpy(out + row * inner, in + src, inner * sizeof(T));
    for (int k = r - 2; k >= 0; --k) {
      src += step[k];
      if (++idx[k] < out_dims[k]) break;
      src -= step[k] * out_dims[k];
      idx[k] = 0;
    }
  }
}

// Runs the plan; `parallel_for(total, min_per_task, fn(begin, end))` splits independent work.
template <typename T, typename ParallelFor>
void Transpose(const TransposePlan& plan, const T* in, T* out, int64_t num_elements, ParallelFor&& parallel_for) {
  if (num_elements == 0) return;
  constexpr int64_t kMinElementsPerTask = 16384;
  switch (plan.kind) {
    case TransposePlan::Kind::kCopy:
      std::memcpy(out, in, num_elements * sizeof(T));
      return;
    case TransposePlan::Kind::kTile2D: {
      constexpr int64_t kTile = TransposeTile<T>();
      parallel_for(TransposeTileCount(plan, kTile), kMinElementsPerTask / (kTile * kTile),
                   [&](int64_t b, int64_t e) { TransposeTiles(plan, b, e, in, out); });
      return;
    }
    case TransposePlan::Kind::kRows: {
      const int64_t inner = plan.in_dims[plan.perm[plan.rank - 1]];
      parallel_for(num_elements / inner, std::max<int64_t>(1, kMinElementsPerTask / inner),
                   [&](int64_t b, int64_t e) { TransposeRows(plan, b, e, in, out); });
      return;
    }
    case TransposePlan::Kind::kReference:
      reference::Transpose(plan.rank, plan.in_dims, plan.perm, in, out);
      return;
  }
}

}  // namespace optimized
}  // namespace edgelite
