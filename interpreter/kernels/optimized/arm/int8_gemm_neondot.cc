// int8 convolution / fully-connected GEMM with the Armv8.2 dot products: sdot sums four int8 x int8 products
// into each int32 lane, signed on both sides (unlike x86's vpdpbusd, so A needs no +128 offset), one lane a
// column and four k values (kKGroup 4). Built with -march=armv8.2-a+dotprod; chosen where HWCAP_ASIMDDP is set.
#include <arm_neon.h>

#include <cstring>

#include "interpreter/kernels/optimized/arm/int8_gemm_neon_traits.h"

namespace edgelite {
namespace optimized {
namespace neondot {
namespace {

struct SignedDot {
  static constexpr int kKGroup = 4;
  static constexpr int kWeightBytes = 16;  // 4 columns x 4 k values
  static constexpr int kMinChains = 8;
  static int8x16_t LoadWeights(const uint8_t* p) { return vld1q_s8(reinterpret_cast<const int8_t*>(p)); }
  static int8x16_t BroadcastA(const int8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return vreinterpretq_s8_s32(vdupq_n_s32(v));
  }
  static int32x4_t Dot(int32x4_t acc, int8x16_t a, int8x16_t w) { return vdotq_s32(acc, a, w); }
};

}  // namespace

extern const Int8ConvKernels kInt8Conv = int8_gemm::MakeInt8ConvKernels<int8_gemm::NeonTraits<SignedDot>>();

}  // namespace neondot
}  // namespace optimized
}  // namespace edgelite
