// Reference FULLY_CONNECTED: output[b, u] = clamp(sum_k input[b, k] * weights[u, k] + bias[u]).
#pragma once

#include <cstdint>

#include "interpreter/kernels/reference/fused_activation.h"

namespace edgelite {
namespace reference {

// bias may be null.
inline void FullyConnected(int batch, int units, int depth, const float* input, const float* weights,
                           const float* bias, float* output, float lo, float hi) {
  for (int b = 0; b < batch; ++b) {
    for (int u = 0; u < units; ++u) {
      float total = 0.f;
      const float* in = input + static_cast<int64_t>(b) * depth;
      const float* w = weights + static_cast<int64_t>(u) * depth;
      for (int k = 0; k < depth; ++k) total += in[k] * w[k];
      if (bias) total += bias[u];
      output[static_cast<int64_t>(b) * units + u] = ClampToRange(total, lo, hi);
    }
  }
}

}  // namespace reference
}  // namespace edgelite
