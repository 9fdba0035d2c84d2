// What the integer filter kernels (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED) share: the quantization
// prepare computed, and the accumulate / requantize / clamp steps of LiteRT's reference kernels.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "interpreter/kernels/quantization_util.h"

namespace edgelite {
namespace reference {
namespace integer {

// Computed once in prepare; pointers into the kernel's node data.
struct FilterQuantization {
  int32_t input_offset = 0;   // -z_x
  int32_t filter_offset = 0;  // -z_w (uint8 filters, per-tensor FULLY_CONNECTED); 0 for symmetric filters
  int32_t output_offset = 0;  // z_y
  int32_t act_min = 0, act_max = 0;   // the fused activation's clamp, zero point included
  const int32_t* multiplier = nullptr;  // per output channel (a per-tensor filter repeats its one value)
  const int* shift = nullptr;
  const double* scale = nullptr;  // per output channel, double(s_x) * double(s_w[c]) / double(s_y)
};

// acc + (w + filter_offset) * (x + input_offset), in the accumulator's width; int32 wraps as on x86.
template <typename Acc>
EL_ALWAYS_INLINE Acc MultiplyAccumulate(Acc acc, int32_t w, int32_t x, const FilterQuantization& q) {
  return WrappingAdd(acc, static_cast<Acc>((w + q.filter_offset) * (x + q.input_offset)));
}

// The integer output stage: MultiplyByQuantizedMultiplier of the channel (the double-rounding int32 form
// for an int32 accumulator, the 15-bit single-rounding form for int64), + z_y, clamp.
template <typename Out, typename Acc>
EL_ALWAYS_INLINE Out RequantizeChannel(Acc acc, int channel, const FilterQuantization& q) {
  const int32_t scaled = MultiplyByQuantizedMultiplier(acc, q.multiplier[channel], q.shift[channel]);
  return static_cast<Out>(std::min(q.act_max, std::max(q.act_min, WrappingAdd(scaled, q.output_offset))));
}

// The floating-point output stage of LiteRT's reference FULLY_CONNECTED since April 2025 (what LiteRT 2.3.0's
// BUILTIN_REF runs): int32(round(double(acc) * scale)) with x86's conversion (INT32_MIN beyond int32),
// + z_y in int32 (wrapping), clamp.
template <typename Out, typename Acc>
EL_ALWAYS_INLINE Out RequantizeChannelInDouble(Acc acc, int channel, const FilterQuantization& q) {
  const int32_t scaled = FloatToInt32LikeX86(std::round(static_cast<double>(acc) * q.scale[channel]));
  return static_cast<Out>(std::min(q.act_max, std::max(q.act_min, WrappingAdd(scaled, q.output_offset))));
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
