// MUL on quantized tensors as LiteRT's reference kernels compute it (docs/integer_kernels.md, MUL):
// out = clamp(MBQM((a - z_a) * (b - z_b), QuantizeMultiplier(float32(s_a * s_b / s_y))) + z_y). Plain
// math, no framework types.
#pragma once

#include <algorithm>
#include <cstdint>

#include "interpreter/kernels/quantization_util.h"

namespace edgelite {
namespace reference {
namespace integer {

struct MulParams {
  int32_t input1_offset = 0, input2_offset = 0;  // minus the zero points
  QuantizedMultiplier output;
  int32_t output_offset = 0;
  int32_t activation_min = 0, activation_max = 0;
};

EL_ALWAYS_INLINE int32_t MulValue(const MulParams& p, int32_t a, int32_t b) {
  const int32_t product = (a + p.input1_offset) * (b + p.input2_offset);  // fits: 8-bit offsets, int16 zero points 0
  const int32_t out = MultiplyByQuantizedMultiplier(product, p.output.multiplier, p.output.shift) + p.output_offset;
  return std::min(std::max(out, p.activation_min), p.activation_max);
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
