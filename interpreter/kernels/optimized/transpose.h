// Fast transpose. The shape is first reduced (size-1 axes dropped, axes that stay adjacent merged), then
// copied by one of three loops: a single memcpy; rows copied with memcpy when the innermost axis stays
// innermost; otherwise a batch of strided 2-D transposes between the input's innermost axis and the
// output's, in cache-sized tiles built from 8x8 (32-bit) / 4x4 (64-bit) register transposes.
// reference/transpose.h is the plain twin.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__AVX__)
#include <immintrin.h>
#endif

#include "interpreter/kernels/reference/transpose.h"

namespace edgelite {
namespace optimized {

using reference::kMaxTransposeRank;

struct TransposePlan {
  enum class Kind { kCopy, kRows, kTiles };
  Kind kind = Kind::kCopy;
  // The reduced problem: input dims and permutation after dropping and merging axes.
  int rank = 0;
  int64_t in_dims[kMaxTransposeRank] = {};
  int perm[kMaxTransposeRank] = {};
  // kTiles: `matrices` 2-D transposes. Matrix rows run along the output's innermost axis (read row_step
  // apart, written contiguously); columns along the input's innermost axis (read contiguously, written
  // col_step apart). The other axes, outermost first, place each matrix.
  int64_t rows = 0, cols = 0, row_step = 0, col_step = 0, matrices = 0;
  int outer_rank = 0;
  int64_t outer_count[kMaxTransposeRank] = {}, outer_in_step[kMaxTransposeRank] = {},
          outer_out_step[kMaxTransposeRank] = {};
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
  const int n = plan.rank;
  if (n <= 1) {
    plan.kind = TransposePlan::Kind::kCopy;
    return plan;
  }
  if (plan.perm[n - 1] == n - 1) {
    plan.kind = TransposePlan::Kind::kRows;
    return plan;
  }
  plan.kind = TransposePlan::Kind::kTiles;
  int64_t in_strides[kMaxTransposeRank], out_strides[kMaxTransposeRank];
  in_strides[n - 1] = out_strides[n - 1] = 1;
  for (int a = n - 1; a > 0; --a) {
    in_strides[a - 1] = in_strides[a] * plan.in_dims[a];
    out_strides[a - 1] = out_strides[a] * plan.in_dims[plan.perm[a]];
  }
  const int out_pos_of_last = static_cast<int>(std::find(plan.perm, plan.perm + n, n - 1) - plan.perm);
  plan.rows = plan.in_dims[plan.perm[n - 1]];
  plan.row_step = in_strides[plan.perm[n - 1]];
  plan.cols = plan.in_dims[n - 1];
  plan.col_step = out_strides[out_pos_of_last];
  plan.matrices = 1;
  for (int k = 0; k < n - 1; ++k) {
    if (k == out_pos_of_last) continue;
    plan.outer_count[plan.outer_rank] = plan.in_dims[plan.perm[k]];
    plan.outer_in_step[plan.outer_rank] = in_strides[plan.perm[k]];
    plan.outer_out_step[plan.outer_rank] = out_strides[k];
    plan.matrices *= plan.in_dims[plan.perm[k]];
    ++plan.outer_rank;
  }
  return plan;
}

// dst[j * dst_stride + i] = src[i * src_stride + j] for a kBlock x kBlock block; one register transpose
// where the instruction set has one, else plain loops.
template <typename T>
struct BlockTranspose {
  static constexpr int64_t kBlock = 1;
  static void Run(const T* src, int64_t src_stride, T* dst, int64_t dst_stride) { dst[0] = src[0]; }
};

#if defined(__AVX__)
template <>
struct BlockTranspose<uint32_t> {
  static constexpr int64_t kBlock = 8;
  // Eight rows of eight: interleave pairs, then quads within 128-bit lanes, then swap lanes. Only moves
  // bits (float shuffles never touch the values).
  static void Run(const uint32_t* src, int64_t src_stride, uint32_t* dst, int64_t dst_stride) {
    const float* s = reinterpret_cast<const float*>(src);
    float* d = reinterpret_cast<float*>(dst);
    __m256 r[8], t[8];
    for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(s + i * src_stride);
    for (int i = 0; i < 8; i += 2) {
      t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
      r[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
      r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
      r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
      r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int j = 0; j < 4; ++j) {
      _mm256_storeu_ps(d + j * dst_stride, _mm256_permute2f128_ps(r[j], r[j + 4], 0x20));
      _mm256_storeu_ps(d + (j + 4) * dst_stride, _mm256_permute2f128_ps(r[j], r[j + 4], 0x31));
    }
  }
};

template <>
struct BlockTranspose<uint64_t> {
  static constexpr int64_t kBlock = 4;
  static void Run(const uint64_t* src, int64_t src_stride, uint64_t* dst, int64_t dst_stride) {
    const double* s = reinterpret_cast<const double*>(src);
    double* d = reinterpret_cast<double*>(dst);
    const __m256d r0 = _mm256_loadu_pd(s), r1 = _mm256_loadu_pd(s + src_stride);
    const __m256d r2 = _mm256_loadu_pd(s + 2 * src_stride), r3 = _mm256_loadu_pd(s + 3 * src_stride);
    const __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
    const __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
    _mm256_storeu_pd(d, _mm256_permute2f128_pd(t0, t2, 0x20));
    _mm256_storeu_pd(d + dst_stride, _mm256_permute2f128_pd(t1, t3, 0x20));
    _mm256_storeu_pd(d + 2 * dst_stride, _mm256_permute2f128_pd(t0, t2, 0x31));
    _mm256_storeu_pd(d + 3 * dst_stride, _mm256_permute2f128_pd(t1, t3, 0x31));
  }
};
#endif

// A tile of source and destination fits in L1 together (32 x 32 elements of up to 4 bytes).
template <typename T>
constexpr int64_t TransposeTile() {
  return sizeof(T) >= 8 ? 16 : 32;
}

inline int64_t TransposeTileCount(const TransposePlan& plan, int64_t tile) {
  return plan.matrices * ((plan.rows + tile - 1) / tile) * ((plan.cols + tile - 1) / tile);
}

// Tiles [begin, end) of the kTiles problem, numbered matrix-major, then row block, then column block.
template <typename T>
void TransposeTiles(const TransposePlan& plan, int64_t begin, int64_t end, const T* in, T* out) {
  constexpr int64_t kTile = TransposeTile<T>();
  constexpr int64_t kB = BlockTranspose<T>::kBlock;
  const int64_t R = plan.rows, C = plan.cols, rs = plan.row_step, cs = plan.col_step;
  const int64_t row_blocks = (R + kTile - 1) / kTile, col_blocks = (C + kTile - 1) / kTile;
  for (int64_t t = begin; t < end; ++t) {
    int64_t m = t / (row_blocks * col_blocks);
    const int64_t i0 = (t / col_blocks) % row_blocks * kTile, j0 = t % col_blocks * kTile;
    const int64_t i1 = std::min(i0 + kTile, R), j1 = std::min(j0 + kTile, C);
    const T* src = in;
    T* dst = out;
    for (int k = plan.outer_rank - 1; k >= 0; --k) {  // place matrix m
      const int64_t idx = m % plan.outer_count[k];
      m /= plan.outer_count[k];
      src += idx * plan.outer_in_step[k];
      dst += idx * plan.outer_out_step[k];
    }
    // Whole kB x kB blocks in registers; the ragged right and bottom edges element by element.
    const int64_t i_full = i0 + (i1 - i0) / kB * kB, j_full = j0 + (j1 - j0) / kB * kB;
    for (int64_t i = i0; i < i_full; i += kB) {
      for (int64_t j = j0; j < j_full; j += kB) BlockTranspose<T>::Run(src + i * rs + j, rs, dst + j * cs + i, cs);
      for (int64_t ii = i; ii < i + kB; ++ii)
        for (int64_t j = j_full; j < j1; ++j) dst[j * cs + ii] = src[ii * rs + j];
    }
    for (int64_t i = i_full; i < i1; ++i)
      for (int64_t j = j0; j < j1; ++j) dst[j * cs + i] = src[i * rs + j];
  }
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
    case TransposePlan::Kind::kRows: {
      const int64_t inner = plan.in_dims[plan.perm[plan.rank - 1]];
      parallel_for(num_elements / inner, std::max<int64_t>(1, kMinElementsPerTask / inner),
                   [&](int64_t b, int64_t e) { TransposeRows(plan, b, e, in, out); });
      return;
    }
    case TransposePlan::Kind::kTiles: {
      constexpr int64_t kTile = TransposeTile<T>();
      parallel_for(TransposeTileCount(plan, kTile), kMinElementsPerTask / (kTile * kTile),
                   [&](int64_t b, int64_t e) { TransposeTiles(plan, b, e, in, out); });
      return;
    }
  }
}

}  // namespace optimized
}  // namespace edgelite
