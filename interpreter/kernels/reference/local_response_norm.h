// Local response normalization across channels (the last, contiguous axis), as .tflite defines it:
//   out[c] = in[c] / (bias + alpha * sum_{k=c-r}^{c+r} in[k]^2) ^ beta,
// with the window clipped at the channel edges. Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace edgelite {
namespace reference {

inline void LocalResponseNormalization(const float* in, float* out, int64_t outer, int channels, int radius,
                                       float bias, float alpha, float beta) {
  for (int64_t o = 0; o < outer; ++o) {
    const float* x = in + o * channels;
    float* y = out + o * channels;
    for (int c = 0; c < channels; ++c) {
      const int begin = std::max(0, c - radius), end = std::min(channels - 1, c + radius);
      float sum = 0.f;
      for (int k = begin; k <= end; ++k) sum += x[k] * x[k];
      y[c] = x[c] / std::pow(bias + alpha * sum, beta);
    }
  }
}

}  // namespace reference
}  // namespace edgelite
