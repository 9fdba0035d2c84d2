// 8-bit SOFTMAX by the table of exps (softmax_int8.h). A skipped difference has exp 0 in the table, and
// 0 gives the output minimum and adds nothing to the sum, which is what the reference does for it; so the
// loops need no branch and equal reference/integer/softmax.h value for value.
#include "interpreter/kernels/optimized/softmax_int8.h"

#include <algorithm>
#include <limits>

#include "interpreter/kernels/reference/integer/softmax.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

namespace ri = reference::integer;

template <typename In, typename Out>
void SoftmaxRows(const In* in, Out* out, int64_t row_begin, int64_t row_end, int64_t depth,
                 const Softmax8Table& table) {
  constexpr int kOutBits = 8 * sizeof(Out);
  constexpr int32_t kOutMin = std::numeric_limits<Out>::min(), kOutMax = std::numeric_limits<Out>::max();
  const int32_t* exp_by_distance = table.exp_by_distance;
  for (int64_t r = row_begin; r < row_end; ++r) {
    const In* x = in + r * depth;
    Out* y = out + r * depth;
    In max = std::numeric_limits<In>::lowest();
    for (int64_t c = 0; c < depth; ++c) max = std::max(max, x[c]);
    uint32_t sum = 0;  // wraps, as the reference's int32 sum
    for (int64_t c = 0; c < depth; ++c) {
      sum += static_cast<uint32_t>(
          RoundingDivideByPOT(exp_by_distance[max - x[c]], ri::kSoftmaxAccumulationIntegerBits));
    }
    int num_bits_over_unit = 0;
    const int32_t reciprocal = ri::GetReciprocal(static_cast<int32_t>(sum), ri::kSoftmaxAccumulationIntegerBits,
                                                 &num_bits_over_unit);
    const int exponent = num_bits_over_unit + 31 - kOutBits;
    for (int64_t c = 0; c < depth; ++c) {
      const int32_t v = ri::SoftmaxScaledExp(reciprocal, exp_by_distance[max - x[c]], exponent) + kOutMin;
      y[c] = static_cast<Out>(std::min(std::max(v, kOutMin), kOutMax));
    }
  }
}

}  // namespace

extern const Softmax8Kernels kSoftmax8 = {SoftmaxRows<int8_t, int8_t>, SoftmaxRows<int8_t, int16_t>,
                                          SoftmaxRows<uint8_t, uint8_t>, SoftmaxRows<uint8_t, int16_t>};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
