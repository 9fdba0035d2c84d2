// Integer and dynamic-range BATCH_MATMUL, as LiteRT's reference kernels compute them (docs/integer_kernels.md,
// BATCH_MATMUL and "Dynamic range"). lhs matrices are [m, k] (stored [k, m] when adj_x), rhs matrices [k, n]
// (stored [n, k] when adj_y); `operands` pairs each output matrix with its lhs and rhs matrices (broadcast
// batches, worked out at prepare).
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>

#include "interpreter/kernels/quantization_util.h"

namespace edgelite {
namespace reference {
namespace integer {

struct MatMulShape {
  int m = 0, n = 0, k = 0;
  bool adj_x = false, adj_y = false;
  const std::pair<int64_t, int64_t>* operands = nullptr;  // per output matrix: (lhs matrix, rhs matrix)
  int64_t num_outputs = 0;

  // Offsets of lhs(i, kk) and rhs(kk, j) within their matrices.
  int64_t lhs_at(int i, int kk) const {
    return adj_x ? static_cast<int64_t>(kk) * m + i : static_cast<int64_t>(i) * k + kk;
  }
  int64_t rhs_at(int kk, int j) const {
    return adj_y ? static_cast<int64_t>(j) * k + kk : static_cast<int64_t>(kk) * n + j;
  }
};

// Calls fn(o, i, j, acc) with acc = sum_k (lhs(i, k) + lhs_offset) * (rhs(k, j) + rhs_offset) in Acc.
template <typename Acc, typename L, typename R, typename Fn>
EL_ALWAYS_INLINE void ForEachProduct(const MatMulShape& s, const L* lhs, const R* rhs, int32_t lhs_offset,
                                     int32_t rhs_offset, Fn&& fn) {
  const int64_t lhs_matrix = static_cast<int64_t>(s.m) * s.k, rhs_matrix = static_cast<int64_t>(s.k) * s.n;
  for (int64_t o = 0; o < s.num_outputs; ++o) {
    const L* a = lhs + s.operands[o].first * lhs_matrix;
    const R* b = rhs + s.operands[o].second * rhs_matrix;
    for (int i = 0; i < s.m; ++i) {
      for (int j = 0; j < s.n; ++j) {
        Acc acc = 0;
        for (int kk = 0; kk < s.k; ++kk) {
          const int32_t x = a[s.lhs_at(i, kk)] + lhs_offset, y = b[s.rhs_at(kk, j)] + rhs_offset;
          acc = WrappingAdd(acc, static_cast<Acc>(x * y));
        }
        fn(o, i, j, acc);
      }
    }
  }
}

// int8 (int32 accumulator, the double-rounding multiply) and int16 (int64 accumulator, the 15-bit multiply):
// acc = sum (lhs - z_l) * (rhs - z_r), one multiplier, + z_y, clamp to the output type (no fused activation).
template <typename Acc, typename L, typename R, typename Out>
void QuantizedBatchMatMul(const MatMulShape& s, int32_t lhs_zero_point, int32_t rhs_zero_point,
                          QuantizedMultiplier multiplier, int32_t output_zero_point, int32_t lo, int32_t hi,
                          const L* lhs, const R* rhs, Out* output) {
  const int64_t out_matrix = static_cast<int64_t>(s.m) * s.n;
  ForEachProduct<Acc>(s, lhs, rhs, -lhs_zero_point, -rhs_zero_point, [&](int64_t o, int i, int j, Acc acc) {
    const int32_t scaled = MultiplyByQuantizedMultiplier(acc, multiplier.multiplier, multiplier.shift);
    output[o * out_matrix + static_cast<int64_t>(i) * s.n + j] =
        static_cast<Out>(std::min(hi, std::max(lo, WrappingAdd(scaled, output_zero_point))));
  });
}

// int8 x int8 -> int32: the raw accumulator, zero points not used (LiteRT's EvalInt8Int32).
inline void BatchMatMulInt8ToInt32(const MatMulShape& s, const int8_t* lhs, const int8_t* rhs, int32_t* output) {
  const int64_t out_matrix = static_cast<int64_t>(s.m) * s.n;
  ForEachProduct<int32_t>(s, lhs, rhs, 0, 0, [&](int64_t o, int i, int j, int32_t acc) {
    output[o * out_matrix + static_cast<int64_t>(i) * s.n + j] = acc;
  });
}

// Column sums of every rhs matrix (sum over k of rhs(k, j)), [rhs matrices, n]: the dynamic-range zero-point
// correction, computed once for constant weights.
inline void RhsColumnSums(const MatMulShape& s, int64_t rhs_matrices, const int8_t* rhs, int32_t* sums) {
  const int64_t rhs_matrix = static_cast<int64_t>(s.k) * s.n;
  for (int64_t r = 0; r < rhs_matrices; ++r) {
    for (int j = 0; j < s.n; ++j) {
      int32_t sum = 0;
      for (int kk = 0; kk < s.k; ++kk) sum += rhs[r * rhs_matrix + s.rhs_at(kk, j)];
      sums[r * s.n + j] = sum;
    }
  }
}

// Dynamic range (batch_matmul.cc EvalHybrid): lhs row (matrix a, row i) quantized into
// quantized[a * m * k + i * k ...] with row_scale / zero_point[a * m + i] (contiguous, whatever adj_x);
// total = int32(float(sum rhs * q) - float(col_sum) * float(zp)) (float32, x86's conversion),
// out = float32(scale) * total with scale = row_scale * s_r (per tensor) or row_scale * s_r[j].
inline void HybridBatchMatMul(const MatMulShape& s, bool per_channel, const int8_t* quantized,
                              const float* row_scale, const int32_t* zero_point, const int8_t* rhs,
                              const int32_t* col_sums, const float* rhs_scale, float* output) {
  const int64_t rhs_matrix = static_cast<int64_t>(s.k) * s.n, out_matrix = static_cast<int64_t>(s.m) * s.n;
  for (int64_t o = 0; o < s.num_outputs; ++o) {
    const int64_t a = s.operands[o].first, r = s.operands[o].second;
    const int8_t* b = rhs + r * rhs_matrix;
    for (int i = 0; i < s.m; ++i) {
      const int64_t row = a * s.m + i;
      const int8_t* q = quantized + row * s.k;
      const float offset = static_cast<float>(zero_point[row]);
      for (int j = 0; j < s.n; ++j) {
        int32_t dot = 0;
        for (int kk = 0; kk < s.k; ++kk) dot = WrappingAdd(dot, b[s.rhs_at(kk, j)] * q[kk]);
        const int32_t total = FloatToInt32LikeX86(
            static_cast<float>(dot) - static_cast<float>(col_sums[r * s.n + j]) * offset);
        const float scale = per_channel ? row_scale[row] * rhs_scale[j] : row_scale[row] * rhs_scale[0];
        output[o * out_matrix + static_cast<int64_t>(i) * s.n + j] = 0.f + scale * static_cast<float>(total);
      }
    }
  }
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
