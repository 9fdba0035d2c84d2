// PRELU on quantized tensors as LiteRT's reference kernel computes it (docs/integer_kernels.md, PRELU):
// x = q - z_x; x >= 0 gives MBQM(x, s_x / s_y), x < 0 gives MBQM(x * (alpha - z_alpha), s_x s_alpha / s_y)
// (both multipliers from float32 products); + z_y, clamped to the type. int16 inputs take int8 alpha.
// Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cstdint>

#include "interpreter/kernels/quantization_util.h"

namespace edgelite {
namespace reference {
namespace integer {

struct PreluParams {
  int32_t input_offset = 0, alpha_offset = 0;  // minus the zero points
  QuantizedMultiplier positive, negative;
  int32_t output_offset = 0;
  int32_t output_min = 0, output_max = 0;      // the output type's range
};

EL_ALWAYS_INLINE int32_t PreluValue(const PreluParams& p, int32_t q, int32_t alpha) {
  const int32_t x = q + p.input_offset;
  const int32_t y = x >= 0 ? MultiplyByQuantizedMultiplier(x, p.positive.multiplier, p.positive.shift)
                           : MultiplyByQuantizedMultiplier(x * (alpha + p.alpha_offset), p.negative.multiplier,
                                                           p.negative.shift);
  return std::min(std::max(y + p.output_offset, p.output_min), p.output_max);
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
