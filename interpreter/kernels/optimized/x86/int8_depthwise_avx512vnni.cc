// int8 depthwise convolution for AVX-512 VNNI: 16 channels a vector, each input widened to int32 lanes
// (vpmovsxbd) whose int16 halves (x, sign) meet the packed (w, 0) pairs in vpdpwssd: x * w, accumulated.
// GCC 12 reports its own AVX-512 intrinsics' undefined pass-through operands as maybe-uninitialized
// wherever they inline (the unmasked forms); the warning says nothing about this code.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "interpreter/kernels/optimized/x86/int8_depthwise_driver.h"
#include "interpreter/kernels/optimized/x86/int8_requant_avx512.h"

namespace edgelite {
namespace optimized {
namespace avx512vnni {
namespace {

struct VnniVec {
  using Vec = __m512i;
  static constexpr int kLanes = 16;
  static constexpr bool kLogicalShift = false;
  static Vec LoadInput(const int8_t* p, int n) {
    const __m128i b = n >= 16 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(p))
                              : _mm_maskz_loadu_epi8(static_cast<__mmask16>((1u << n) - 1), p);
    return _mm512_cvtepi8_epi32(b);
  }
  static Vec LoadWeights(const int32_t* p) { return _mm512_load_si512(p); }
  static Vec Madd(Vec acc, Vec x, Vec w) { return _mm512_dpwssd_epi32(acc, x, w); }
  static Vec Bias(const uint8_t* h) { return int8_gemm::LoadSlot(h, int8_gemm::kBias); }
  template <int8_gemm::Stage S>
  static Vec Requant(Vec acc, const uint8_t* h) {
    return int8_gemm::Requant16<S>(acc, h);
  }
  static void Store(int8_t* p, Vec v, Vec lo, Vec hi, int n) { int8_gemm::StoreInt8x16(p, v, lo, hi, n); }
  static Vec Set1(int32_t v) { return _mm512_set1_epi32(v); }
};

}  // namespace

extern const Int8DepthwiseKernels kInt8Depthwise = int8_depthwise::MakeInt8DepthwiseKernels<VnniVec>();

}  // namespace avx512vnni
}  // namespace optimized
}  // namespace edgelite
