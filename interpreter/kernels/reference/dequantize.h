// DEQUANTIZE math: IEEE half to float, and affine integer to float (real = scale * (q - zero_point)),
// per tensor or per channel. Branch-free loops that vectorize as written. Plain math, no framework types.
#pragma once

#include <cstdint>
#include <cstring>

namespace edgelite {
namespace reference {

// Exact for every half value: normals rebias the exponent, subnormals are q * 2^-24, Inf/NaN keep their
// payload. Written with selects, not branches, so a loop over it vectorizes.
inline float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t magnitude = h & 0x7fffu;  // exponent and mantissa
  uint32_t bits = (magnitude << 13) + (112u << 23);             // exponent bias 15 -> 127
  bits = magnitude >= 0x7c00u ? bits + (112u << 23) : bits;     // Inf/NaN: exponent 31 -> 255
  const float subnormal = static_cast<float>(magnitude) * 5.9604644775390625e-8f;  // * 2^-24
  uint32_t subnormal_bits;
  std::memcpy(&subnormal_bits, &subnormal, sizeof subnormal_bits);
  bits = (magnitude < 0x0400u ? subnormal_bits : bits) | sign;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

inline void HalfToFloat(const uint16_t* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = HalfToFloat(in[i]);
}

// (q - zero_point) is exact in float for 8- and 16-bit q, so the one float product rounds like
// .tflite's double product converted to float.
template <typename Q>
void DequantizePerTensor(const Q* in, float* out, int64_t n, float scale, int32_t zero_point) {
  for (int64_t i = 0; i < n; ++i) out[i] = scale * static_cast<float>(static_cast<int32_t>(in[i]) - zero_point);
}

// Input viewed as [outer, channels, inner]; channel c uses scales[c] and zero_points[c].
template <typename Q>
void DequantizePerChannel(const Q* in, float* out, int64_t outer, int64_t channels, int64_t inner,
                          const float* scales, const int32_t* zero_points) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < channels; ++c) {
      const float scale = scales[c];
      const int32_t zero_point = zero_points[c];
      const int64_t base = (o * channels + c) * inner;
      for (int64_t i = 0; i < inner; ++i)
        out[base + i] = scale * static_cast<float>(static_cast<int32_t>(in[base + i]) - zero_point);
    }
  }
}

}  // namespace reference
}  // namespace edgelite
