// Float to IEEE half, round to nearest even (reference/half.h): the one copy the float16 rows call.
#include <cstring>

#include "interpreter/kernels/reference/half.h"

namespace edgelite {
namespace reference {

uint16_t FloatToHalf(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  bits &= 0x7fffffffu;
  if (bits >= 0x47800000u) return sign | (bits > 0x7f800000u ? 0x7e00u : 0x7c00u);  // >= 2^16: Inf or NaN
  if (bits < 0x38800000u) {
    // Below 2^-14 (half subnormals): in v + 0.5 the float addition rounds v to the half's 2^-24 steps (to
    // even), and the low mantissa bits are then the subnormal half.
    float v;
    std::memcpy(&v, &bits, sizeof v);
    v += 0.5f;
    uint32_t r;
    std::memcpy(&r, &v, sizeof r);
    return sign | static_cast<uint16_t>(r - 0x3f000000u);
  }
  // Normal: rebias the exponent (127 -> 15) and round the 13 dropped mantissa bits to even; a carry out of
  // the mantissa moves to the next exponent, up to infinity.
  const uint32_t odd = (bits >> 13) & 1u;
  bits += (static_cast<uint32_t>(15 - 127) << 23) + 0xfffu + odd;
  return sign | static_cast<uint16_t>(bits >> 13);
}

void FloatToHalf(const float* in, uint16_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = FloatToHalf(in[i]);
}

}  // namespace reference
}  // namespace edgelite
