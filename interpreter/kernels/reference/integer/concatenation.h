// CONCATENATION's rescaling of a uint8 input whose quantization differs from the output's, as LiteRT's
// reference computes it (docs/integer_kernels.md): clamp(int32(round(q * sc + b)) + z_y, 0, 255) with
// sc = s_in * (1 / s_out) and b = -z_in * sc, all in float32. (int8 needs equal quantization; int16 copies.)
// Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "interpreter/kernels/quantization_util.h"

namespace edgelite {
namespace reference {
namespace integer {

struct ConcatRescale {
  float scale = 1.f, bias = 0.f;
  int32_t output_zero_point = 0;
};

inline ConcatRescale MakeConcatRescale(float input_scale, int32_t input_zero_point, float output_scale,
                                       int32_t output_zero_point) {
  ConcatRescale r;
  r.scale = input_scale * (1.f / output_scale);
  r.bias = static_cast<float>(-input_zero_point) * r.scale;
  r.output_zero_point = output_zero_point;
  return r;
}

inline void RescaleUint8(const ConcatRescale& r, const uint8_t* in, uint8_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = static_cast<float>(in[i]) * r.scale + r.bias;
    const int32_t q = WrappingAdd(FloatToInt32LikeX86(static_cast<double>(std::round(v))), r.output_zero_point);
    out[i] = static_cast<uint8_t>(std::min(std::max(q, int32_t{0}), int32_t{255}));
  }
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
