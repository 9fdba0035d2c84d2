// int8 depthwise convolution for AVX2: 8 channels a vector, each input widened to int32 lanes
// (vpmovsxbd) whose int16 halves (x, sign) meet the packed (w, 0) pairs in vpmaddwd: x * w exactly.
#include <immintrin.h>

#include "interpreter/kernels/optimized/int8_depthwise_driver.h"
#include "interpreter/kernels/optimized/x86/int8_requant_avx2.h"

namespace edgelite {
namespace optimized {
namespace avx2 {
namespace {

struct Avx2Vec {
  using Vec = __m256i;
  static constexpr int kLanes = 8;
  static constexpr bool kLogicalShift = true;
  static Vec LoadInput(const int8_t* p, int n) {
    if (n >= 8) return _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
    uint64_t bytes = 0;
    for (int i = 0; i < n; ++i) bytes |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
    return _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(static_cast<int64_t>(bytes)));
  }
  static Vec LoadWeights(const int32_t* p) { return _mm256_load_si256(reinterpret_cast<const __m256i*>(p)); }
  static Vec Madd(Vec acc, Vec x, Vec w) { return _mm256_add_epi32(acc, _mm256_madd_epi16(x, w)); }
  static Vec Bias(const uint8_t* h) { return int8_gemm::Slot(h, int8_gemm::kBias); }
  template <int E>
  static Vec Requant(Vec acc, const uint8_t* h) {
    return int8_gemm::Requant8<E>(acc, h);
  }
  template <bool kClamp>
  static void Store(int8_t* p, Vec v, Vec lo, Vec hi, int n) {
    int8_gemm::StoreInt8x8<kClamp>(p, v, lo, hi, n);
  }
  static Vec Set1(int32_t v) { return _mm256_set1_epi32(v); }
  static constexpr bool kColumnDot = false;
  static Vec Column(const int8_t* const*, int, int) { return _mm256_setzero_si256(); }
  static Vec Dot(Vec acc, Vec, Vec) { return acc; }
};

}  // namespace

extern const Int8DepthwiseKernels kInt8Depthwise = int8_depthwise::MakeInt8DepthwiseKernels<Avx2Vec>();

}  // namespace avx2
}  // namespace optimized
}  // namespace edgelite
