// QUANTIZE as LiteRT's reference kernel computes it (docs/integer_kernels.md, QUANTIZE / DEQUANTIZE): float32
// to int8/uint8/int16 per tensor or per channel, and the integer-to-integer requantization. Plain math, no
// framework types.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "interpreter/kernels/quantization_util.h"

namespace edgelite {
namespace reference {
namespace integer {

// clamp(int32(round(x / scale)) + zero_point): the division in float32, std::round (ties away from zero),
// the x86 conversion (NaN, infinities and values past int32 give INT32_MIN), the zero point added in
// wrapping int32 arithmetic (so a NaN with a negative zero point lands at the top of the range, as there).
template <typename T>
EL_ALWAYS_INLINE T QuantizeValue(float x, float scale, int32_t zero_point) {
  const int32_t rounded = FloatToInt32LikeX86(static_cast<double>(std::round(x / scale)));
  const int32_t shifted = WrappingAdd(rounded, zero_point);
  constexpr int32_t lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  return static_cast<T>(std::min(std::max(shifted, lo), hi));
}

template <typename T>
void QuantizePerTensor(const float* in, T* out, int64_t n, float scale, int32_t zero_point) {
  for (int64_t i = 0; i < n; ++i) out[i] = QuantizeValue<T>(in[i], scale, zero_point);
}

// Input viewed as [outer, channels, inner]; channel c uses scales[c] and zero_points[c].
template <typename T>
void QuantizePerChannel(const float* in, T* out, int64_t outer, int64_t channels, int64_t inner,
                        const float* scales, const int32_t* zero_points) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t base = (o * channels + c) * inner;
      for (int64_t i = 0; i < inner; ++i) out[base + i] = QuantizeValue<T>(in[base + i], scales[c], zero_points[c]);
    }
  }
}

// Requantize: clamp(MBQM(q - z_in, m) + z_out) with m = QuantizeMultiplier(double(s_in) / double(s_out)). (LiteRT's
// sign-bit XOR for int8 <-> uint8 with equal scales and zero points 128 apart gives the same values.)
template <typename In, typename Out>
void Requantize(const In* in, Out* out, int64_t n, QuantizedMultiplier m, int32_t input_zero_point,
                int32_t output_zero_point) {
  constexpr int32_t lo = std::numeric_limits<Out>::min(), hi = std::numeric_limits<Out>::max();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = WrappingSub(static_cast<int32_t>(in[i]), input_zero_point);
    const int32_t y = WrappingAdd(MultiplyByQuantizedMultiplier(x, m.multiplier, m.shift), output_zero_point);
    out[i] = static_cast<Out>(std::min(std::max(y, lo), hi));
  }
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
