// SQUARED_DIFFERENCE on int8 as LiteRT's kernel computes it (docs/integer_kernels.md): like ADD with a left
// shift of 7, the difference at the common scale squared in int32, then scaled to the output by
// (2 max(s_a, s_b))^2 / (2^14 s_y); no fused activation. Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cstdint>

#include "interpreter/kernels/quantization_util.h"

namespace edgelite {
namespace reference {
namespace integer {

struct SquaredDifferenceParams {
  static constexpr int kLeftShift = 7;
  int32_t input1_offset = 0, input2_offset = 0;
  QuantizedMultiplier input1, input2, output;  // all below one
  int32_t output_offset = 0;
};

EL_ALWAYS_INLINE int8_t SquaredDifferenceValue(const SquaredDifferenceParams& p, int32_t a, int32_t b) {
  const int32_t scaled_a = MultiplyByQuantizedMultiplierSmallerThanOneExp(
      (a + p.input1_offset) * (1 << SquaredDifferenceParams::kLeftShift), p.input1.multiplier, p.input1.shift);
  const int32_t scaled_b = MultiplyByQuantizedMultiplierSmallerThanOneExp(
      (b + p.input2_offset) * (1 << SquaredDifferenceParams::kLeftShift), p.input2.multiplier, p.input2.shift);
  const int32_t diff = scaled_a - scaled_b;
  const int32_t out =
      MultiplyByQuantizedMultiplierSmallerThanOneExp(diff * diff, p.output.multiplier, p.output.shift) +
      p.output_offset;
  return static_cast<int8_t>(std::min(std::max(out, int32_t{-128}), int32_t{127}));
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
