// Comparisons of quantized values as LiteRT's reference kernels make them (docs/integer_kernels.md,
// Comparisons): each side becomes MBQM-smaller-than-one((q - z) << 8, QuantizeMultiplier(s)), and those are
// compared, so inputs with different scales and zero points compare by their real values (to the
// rescaling's precision). Plain math, no framework types.
#pragma once

#include <cstdint>

#include "interpreter/kernels/quantization_util.h"

namespace edgelite {
namespace reference {
namespace integer {

struct ComparisonRescale {
  static constexpr int kLeftShift = 8;
  int32_t offset = 0;  // minus the zero point
  QuantizedMultiplier multiplier;  // of the scale itself, which must be below one
};

EL_ALWAYS_INLINE int32_t RescaleForComparison(const ComparisonRescale& r, int32_t q) {
  return MultiplyByQuantizedMultiplierSmallerThanOneExp((q + r.offset) * (1 << ComparisonRescale::kLeftShift),
                                                        r.multiplier.multiplier, r.multiplier.shift);
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
