// int8 convolution / fully-connected GEMM for NEON without dot products (Armv8.0, e.g. Cortex-A53): smull
// multiplies 8 int8 pairs into int16 exactly (|-128 * -128| < 2^15), sadalp adds each adjacent pair into an
// int32 lane, so a lane sums two k values of one column per step (kKGroup 2).
#include <arm_neon.h>

#include <cstring>

#include "interpreter/kernels/optimized/arm/int8_gemm_neon_traits.h"

namespace edgelite {
namespace optimized {
namespace neon {
namespace {

struct MullPairs {
  static constexpr int kKGroup = 2;
  static constexpr int kWeightBytes = 8;  // 4 columns x 2 k values
  static constexpr int kMinChains = 8;
  static int8x8_t LoadWeights(const uint8_t* p) { return vld1_s8(reinterpret_cast<const int8_t*>(p)); }
  static int8x8_t BroadcastA(const int8_t* p) {
    int16_t v;
    std::memcpy(&v, p, 2);
    return vreinterpret_s8_s16(vdup_n_s16(v));
  }
  static int32x4_t Dot(int32x4_t acc, int8x8_t a, int8x8_t w) { return vpadalq_s16(acc, vmull_s8(a, w)); }
};

}  // namespace

extern const Int8ConvKernels kInt8Conv = int8_gemm::MakeInt8ConvKernels<int8_gemm::NeonTraits<MullPairs>>();

}  // namespace neon
}  // namespace optimized
}  // namespace edgelite
