// The matrix-vector products of the recurrent operators (LSTM, RNN, SVDF), one vector at a time, accumulated
// into what the caller started (a bias, or zero): float weights, and int8 weights times a row quantized on
// the fly (dynamic range), whose float result follows LiteRT's hybrid kernels: acc += float(sum_k w * (q - zp))
// * float32(row_scale * weight_scale). Plain math.
#pragma once

#include <cstdint>

#include "interpreter/kernels/quantization_util.h"
#include "interpreter/kernels/reference/integer/row_quantization.h"

namespace edgelite {
namespace reference {

// acc[r] += sum_k w[r, k] * v[k] for an [rows, cols] row-major w.
inline void MatVecAccumulate(const float* w, int rows, int cols, const float* v, float* acc) {
  for (int r = 0; r < rows; ++r) {
    const float* row = w + static_cast<int64_t>(r) * cols;
    float total = 0.f;
    for (int k = 0; k < cols; ++k) total += row[k] * v[k];
    acc[r] += total;
  }
}

// A float vector quantized to int8 for one product: values, scale and zero point (0 when symmetric).
struct QuantizedVector {
  const int8_t* values = nullptr;
  float scale = 1.f;
  int32_t zero_point = 0;
};

// Quantizes v[n] into `storage` as LiteRT's hybrid kernels do (integer/row_quantization.h).
inline QuantizedVector QuantizeVector(bool asymmetric, const float* v, int n, int8_t* storage) {
  QuantizedVector q;
  q.values = storage;
  integer::QuantizeRow(asymmetric, v, n, 1, storage, &q.scale, &q.zero_point);
  return q;
}

inline bool IsZeroVector(const float* v, int n) {
  for (int i = 0; i < n; ++i) {
    if (v[i] != 0.f) return false;
  }
  return true;
}

// int8 weights with one scale (symmetric, per tensor), as the hybrid recurrent kernels read them.
struct QuantizedMatrix {
  const int8_t* values = nullptr;
  float scale = 1.f;
};

// acc[r] += float(sum_k w[r, k] * (q[k] - zp)) * float32(q.scale * w.scale); the sum wraps in int32 as
// LiteRT's does (dot - row_sum * zp, equal modulo 2^32).
inline void HybridMatVecAccumulate(const QuantizedMatrix& w, int rows, int cols, const QuantizedVector& q,
                                   float* acc) {
  const float scale = q.scale * w.scale;
  for (int r = 0; r < rows; ++r) {
    const int8_t* row = w.values + static_cast<int64_t>(r) * cols;
    int32_t dot = 0;
    for (int k = 0; k < cols; ++k) dot = WrappingAdd(dot, row[k] * (q.values[k] - q.zero_point));
    acc[r] += static_cast<float>(dot) * scale;
  }
}

// The signature of HybridMatVecAccumulate and its vectorized twins (optimized/hybrid_matvec.h), which the
// dynamic-range steps take so one step serves every row.
using HybridMatVecFn = void (*)(const QuantizedMatrix& w, int rows, int cols, const QuantizedVector& q, float* acc);

}  // namespace reference
}  // namespace edgelite
