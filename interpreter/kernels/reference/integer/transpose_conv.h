// TRANSPOSE_CONV int8 as LiteRT's integer kernels compute it: each input pixel's (x - z_x) * w products
// scattered into int32 accumulators of the output (taps outside it dropped), then per output channel the bias,
// the requantizing multiply (a per-channel multiplier of s_x * s_w[c] / s_y), the output zero point and the
// fused activation's clamp. The filter is symmetric (zero point 0). NHWC input and output, OHWI filter.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "interpreter/kernels/quantization_util.h"
#include "interpreter/kernels/reference/transpose_conv.h"

namespace edgelite {
namespace reference {
namespace integer {

struct TransposeConvQuantization {
  int32_t input_offset = 0;  // -z_x
  int32_t output_offset = 0;  // z_y
  int32_t act_min = 0, act_max = 0;
  const int32_t* multiplier = nullptr;  // per output channel
  const int* shift = nullptr;
};

// `acc` holds batch * out_h * out_w * out_c int32 values (scratch); `bias` may be null.
inline void TransposeConv2D(const TransposeConvGeometry& g, const TransposeConvQuantization& q, const int8_t* input,
                            const int8_t* filter, const int32_t* bias, int8_t* output, int32_t* acc) {
  const int64_t out_size = static_cast<int64_t>(g.batch) * g.out_h * g.out_w * g.out_c;
  std::memset(acc, 0, out_size * sizeof(int32_t));
  TransposeConvScatter(g, input, filter, q.input_offset, acc);
  for (int64_t i = 0; i < out_size; ++i) {
    const int oc = static_cast<int>(i % g.out_c);
    const int32_t v = WrappingAdd(acc[i], bias ? bias[oc] : 0);
    const int32_t scaled = MultiplyByQuantizedMultiplier(v, q.multiplier[oc], q.shift[oc]) + q.output_offset;
    output[i] = static_cast<int8_t>(std::min(std::max(scaled, q.act_min), q.act_max));
  }
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
