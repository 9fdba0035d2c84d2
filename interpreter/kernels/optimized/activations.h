// Fast twins of the transcendental activations in reference/activations.h: the same formulas over the
// branch-free float approximations of transcendental_f32.h, one loop each so the compiler vectorizes it.
#pragma once

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

}  // namespace optimized
}  // namespace edgelite
