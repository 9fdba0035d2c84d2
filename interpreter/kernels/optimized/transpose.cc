// The transpose loops, compiled once per vector ISA; the 8x8 and 4x4 register transposes where the ISA has
// AVX (both AVX ISAs here), element loops otherwise.
#include "interpreter/kernels/optimized/transpose.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#if defined(__AVX__)
#include <immintrin.h>
#endif

#include "interpreter/thread_pool.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

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

// Columns per tile: as many as rows, or, for fewer rows than a tile's, a tile's worth of values (a 3-row tile of 32
// columns spent more on finding its place than on its 96 values).
inline int64_t ColumnTile(const TransposePlan& plan, int64_t tile) {
  return plan.rows >= tile ? tile : tile * tile / plan.rows / tile * tile;
}

inline int64_t TransposeTileCount(const TransposePlan& plan, int64_t tile) {
  const int64_t col_tile = ColumnTile(plan, tile);
  return plan.matrices * ((plan.rows + tile - 1) / tile) * ((plan.cols + col_tile - 1) / col_tile);
}

#if defined(__AVX2__)
// Three rows of W = one vector's values interleaved into 3 W (row 0, 1, 2 of column 0, then of column 1, ...): lane k
// of output vector v holds row (W v + k) % 3 of column (W v + k) / 3. Permute indices and row masks per output
// vector, made at compile time.
template <int W>
struct Interleave3Tables {
  int32_t column[3][W];           // the lane's column, within its row's vector
  int32_t ab[3][W];               // AVX-512's two-row permute: the column, + W for row 1
  int32_t row1[3][W], row2[3][W];  // AVX2's blend masks: all ones where the lane holds row 1 / row 2
  uint32_t row2_bits[3];          // AVX-512's merge mask of the row-2 lanes
};
template <int W>
constexpr Interleave3Tables<W> MakeInterleave3Tables() {
  Interleave3Tables<W> t{};
  for (int v = 0; v < 3; ++v) {
    for (int k = 0; k < W; ++k) {
      const int e = W * v + k, row = e % 3, col = e / 3;
      t.column[v][k] = col;
      t.ab[v][k] = row == 1 ? W + col : col;
      t.row1[v][k] = row == 1 ? -1 : 0;
      t.row2[v][k] = row == 2 ? -1 : 0;
      if (row == 2) t.row2_bits[v] |= 1u << k;
    }
  }
  return t;
}

// out[3 j + i] = rows[i][j] for j < one vector: three loads, two permutes (AVX-512) or three permutes and two
// blends (AVX2) per output vector, three stores; element by element it is six memory accesses per column.
#if defined(__AVX512F__)
constexpr int kInterleaveWidth = 16;
constexpr Interleave3Tables<16> kInterleave3 = MakeInterleave3Tables<16>();
inline void Interleave3(const float* r0, const float* r1, const float* r2, float* out) {
  const __m512 a = _mm512_loadu_ps(r0), b = _mm512_loadu_ps(r1), c = _mm512_loadu_ps(r2);
  for (int v = 0; v < 3; ++v) {
    const __m512 ab = _mm512_permutex2var_ps(a, _mm512_loadu_si512(kInterleave3.ab[v]), b);
    const __m512i col = _mm512_loadu_si512(kInterleave3.column[v]);
    _mm512_storeu_ps(out + 16 * v,
                     _mm512_mask_permutexvar_ps(ab, static_cast<__mmask16>(kInterleave3.row2_bits[v]), col, c));
  }
}
#else
constexpr int kInterleaveWidth = 8;
constexpr Interleave3Tables<8> kInterleave3 = MakeInterleave3Tables<8>();
inline void Interleave3(const float* r0, const float* r1, const float* r2, float* out) {
  const __m256 a = _mm256_loadu_ps(r0), b = _mm256_loadu_ps(r1), c = _mm256_loadu_ps(r2);
  auto mask = [](const int32_t* m) {
    return _mm256_castsi256_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(m)));
  };
  for (int v = 0; v < 3; ++v) {
    const __m256i col = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kInterleave3.column[v]));
    __m256 x = _mm256_permutevar8x32_ps(a, col);
    x = _mm256_blendv_ps(x, _mm256_permutevar8x32_ps(b, col), mask(kInterleave3.row1[v]));
    x = _mm256_blendv_ps(x, _mm256_permutevar8x32_ps(c, col), mask(kInterleave3.row2[v]));
    _mm256_storeu_ps(out + 8 * v, x);
  }
}
#endif
#endif

// Columns [j0, j1) of a tile of R rows: dst[j * cs + i] = src[i * rs + j], the R values of a column stored side by
// side. An NCHW -> NHWC transpose of a 3-channel image (a converted ONNX model's input) has three rows, which as row
// loops of strided stores took 1 ns a value (0.15 ms for 3 x 229 x 229); three rows of 32-bit values written
// contiguously (cs 3) go a vector of columns at a time where the ISA has AVX2.
template <typename T, int R>
void FewRows(const T* src, int64_t rs, T* dst, int64_t cs, int64_t j0, int64_t j1) {
#if defined(__AVX2__)
  if constexpr (std::is_same_v<T, uint32_t> && R == 3) {
    if (cs == 3) {
      const float* s = reinterpret_cast<const float*>(src);
      float* d = reinterpret_cast<float*>(dst);
      for (; j0 + kInterleaveWidth <= j1; j0 += kInterleaveWidth) {
        Interleave3(s + j0, s + rs + j0, s + 2 * rs + j0, d + 3 * j0);
      }
    }
  }
#endif
  for (int64_t j = j0; j < j1; ++j) {
#pragma GCC unroll 4
    for (int i = 0; i < R; ++i) dst[j * cs + i] = src[i * rs + j];
  }
}

// Tiles [begin, end) of the kTiles problem, numbered matrix-major, then row block, then column block.
template <typename T>
void TransposeTiles(const TransposePlan& plan, int64_t begin, int64_t end, const T* in, T* out) {
  constexpr int64_t kTile = TransposeTile<T>();
  constexpr int64_t kB = BlockTranspose<T>::kBlock;
  const int64_t R = plan.rows, C = plan.cols, rs = plan.row_step, cs = plan.col_step;
  const int64_t col_tile = ColumnTile(plan, kTile);
  const int64_t row_blocks = (R + kTile - 1) / kTile, col_blocks = (C + col_tile - 1) / col_tile;
  for (int64_t t = begin; t < end; ++t) {
    int64_t m = t / (row_blocks * col_blocks);
    const int64_t i0 = (t / col_blocks) % row_blocks * kTile, j0 = t % col_blocks * col_tile;
    const int64_t i1 = std::min(i0 + kTile, R), j1 = std::min(j0 + col_tile, C);
    const T* src = in;
    T* dst = out;
    for (int k = plan.outer_rank - 1; k >= 0; --k) {  // place matrix m
      const int64_t idx = m % plan.outer_count[k];
      m /= plan.outer_count[k];
      src += idx * plan.outer_in_step[k];
      dst += idx * plan.outer_out_step[k];
    }
    if (i1 - i0 < kB || kB == 1) {  // too few rows for a block: column by column
      switch (i1 - i0) {
        case 1: FewRows<T, 1>(src + i0 * rs, rs, dst + i0, cs, j0, j1); continue;
        case 2: FewRows<T, 2>(src + i0 * rs, rs, dst + i0, cs, j0, j1); continue;
        case 3: FewRows<T, 3>(src + i0 * rs, rs, dst + i0, cs, j0, j1); continue;
        case 4: FewRows<T, 4>(src + i0 * rs, rs, dst + i0, cs, j0, j1); continue;
        default: break;
      }
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

template <typename T>
void Transpose(const TransposePlan& plan, const void* in_bytes, void* out_bytes, int64_t num_elements,
               ThreadPool& pool) {
  const T* in = static_cast<const T*>(in_bytes);
  T* out = static_cast<T*>(out_bytes);
  if (num_elements == 0) return;
  constexpr double kValueCost = ThreadPool::kCostScalarValue;  // one value moved with index math
  switch (plan.kind) {
    case TransposePlan::Kind::kCopy:
      std::memcpy(out, in, num_elements * sizeof(T));
      return;
    case TransposePlan::Kind::kRows: {
      const int64_t inner = plan.in_dims[plan.perm[plan.rank - 1]];
      pool.ParallelFor(num_elements / inner, kValueCost * static_cast<double>(inner),
                       [&](int64_t b, int64_t e, int) { TransposeRows(plan, b, e, in, out); });
      return;
    }
    case TransposePlan::Kind::kTiles: {
      constexpr int64_t kTile = TransposeTile<T>();
      pool.ParallelFor(TransposeTileCount(plan, kTile), kValueCost * static_cast<double>(kTile * kTile),
                       [&](int64_t b, int64_t e, int) { TransposeTiles(plan, b, e, in, out); });
      return;
    }
  }
}

}  // namespace

extern const TransposeKernels kTranspose = {{Transpose<uint8_t>, Transpose<uint16_t>, Transpose<uint32_t>,
                                             Transpose<uint64_t>}};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
