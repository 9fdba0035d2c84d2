// int8 depthwise convolution for NEON: 4 channels a vector, inputs sign-extended to int32 lanes, weights
// (packed as int16 (w, 0) pairs for x86's vpmaddwd) sign-extended from their low half once per load, and mla
// accumulating x * w exactly. The same kernel serves CPUs with and without dot products: the column sweep of
// x86's VNNI kernel needs unsigned x signed products, and sdot's signed form would need -128 * sum(w) folded,
// which int8 cannot hold.
#include <arm_neon.h>

#include <cstring>

#include "interpreter/kernels/optimized/arm/int8_requant_neon.h"
#include "interpreter/kernels/optimized/int8_depthwise_driver.h"

namespace edgelite {
namespace optimized {
namespace neon {
namespace {

struct NeonVec {
  using Vec = int32x4_t;
  static constexpr int kLanes = 4;
  static constexpr bool kLogicalShift = false;
  static Vec LoadInput(const int8_t* p, int n) {
    int32_t bytes = 0;
    std::memcpy(&bytes, p, n < 4 ? n : 4);
    const int16x8_t w = vmovl_s8(vreinterpret_s8_s32(vdup_n_s32(bytes)));
    return vmovl_s16(vget_low_s16(w));
  }
  static Vec LoadWeights(const int32_t* p) { return vshrq_n_s32(vshlq_n_s32(vld1q_s32(p), 16), 16); }
  static Vec Madd(Vec acc, Vec x, Vec w) { return vmlaq_s32(acc, x, w); }
  static Vec Bias(const uint8_t* h) { return int8_gemm::Slot(h, int8_gemm::kBias); }
  template <int E>
  static Vec Requant(Vec acc, const uint8_t* h) {
    return int8_gemm::Requant4<E>(acc, h);
  }
  template <bool kClamp>
  static void Store(int8_t* p, Vec v, Vec lo, Vec hi, int n) {
    int8_gemm::StoreInt8x4<kClamp>(p, v, lo, hi, n);
  }
  static Vec Set1(int32_t v) { return vdupq_n_s32(v); }
  static constexpr bool kColumnDot = false;
  static Vec Column(const int8_t* const*, int, int) { return vdupq_n_s32(0); }
  static Vec Dot(Vec acc, Vec, Vec) { return acc; }
};

}  // namespace

extern const Int8DepthwiseKernels kInt8Depthwise = int8_depthwise::MakeInt8DepthwiseKernels<NeonVec>();

}  // namespace neon
}  // namespace optimized
}  // namespace edgelite
