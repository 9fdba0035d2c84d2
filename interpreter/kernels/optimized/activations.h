// Fast twins of the transcendental (and rounding) unary operators in reference/activations.h: the same
// formulas over the branch-free float functions of transcendental_f32.h, one loop each so the compiler
// vectorizes it. `in` and `out` do not overlap.
#pragma once

#include <cmath>
#include <cstdint>

#include "interpreter/kernels/optimized/transcendental_f32.h"

namespace edgelite {
namespace optimized {

inline void LogisticF32(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = LogisticF(in[i]);
}

inline void TanhF32(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = TanhF(in[i]);
}

inline void GeluExactF32(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = 0.5f * in[i] * ErfcF(in[i] * -0.70710678118654752f);
}

inline void GeluTanhF32(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = 0.5f * x * (1.f + TanhF(0.79788456080286536f * (x + 0.044715f * x * x * x)));
  }
}

inline void ExpF32(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = ExpF(in[i]);
}

inline void LogF32(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = LogF(in[i]);
}

inline void EluF32(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = in[i] < 0.f ? ExpM1F(in[i]) : in[i];
}

// sin and cos: the vector loop, then libm for the rare arguments beyond kMaxTrigArgF (and inf, NaN).
inline void SinF32(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = SinF(in[i]);
  for (int64_t i = 0; i < n; ++i)
    if (!(std::fabs(in[i]) <= kMaxTrigArgF)) out[i] = std::sin(in[i]);
}

inline void CosF32(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = CosF(in[i]);
  for (int64_t i = 0; i < n; ++i)
    if (!(std::fabs(in[i]) <= kMaxTrigArgF)) out[i] = std::cos(in[i]);
}

inline void FloorF32(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = FloorF(in[i]);
}

inline void CeilF32(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = CeilF(in[i]);
}

}  // namespace optimized
}  // namespace edgelite
