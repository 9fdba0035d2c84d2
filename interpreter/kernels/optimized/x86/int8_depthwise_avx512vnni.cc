// int8 depthwise convolution for AVX-512 VNNI: 16 channels a vector, each input widened to int32 lanes
// (vpmovsxbd) whose int16 halves (x, sign) meet the packed (w, 0) pairs in vpdpwssd: x * w, accumulated.
// GCC 12 reports its own AVX-512 intrinsics' undefined pass-through operands as maybe-uninitialized
// wherever they inline (the unmasked forms); the warning says nothing about this code.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "interpreter/kernels/optimized/int8_depthwise_driver.h"
#include "interpreter/kernels/optimized/x86/int8_requant_avx512.h"

namespace edgelite {
namespace optimized {
namespace avx512vnni {
namespace {

// vpshufb indices of Column: in each 128-bit lane L, byte 4i + j takes byte 4L + i (row j's channel 4L + i);
// the other bytes are zeroed (index -128).
struct alignas(64) ShuffleIndex {
  int8_t bytes[64];
};
constexpr ShuffleIndex MakeRowIndex(int j) {
  ShuffleIndex idx{};
  for (int b = 0; b < 64; ++b) idx.bytes[b] = b % 4 == j ? static_cast<int8_t>(4 * (b / 16) + (b % 16) / 4) : -128;
  return idx;
}
constexpr ShuffleIndex kRowIndex[4] = {MakeRowIndex(0), MakeRowIndex(1), MakeRowIndex(2), MakeRowIndex(3)};

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
  template <int E>
  static Vec Requant(Vec acc, const uint8_t* h) {
    return int8_gemm::Requant16<E>(acc, h);
  }
  template <bool kClamp>
  static void Store(int8_t* p, Vec v, Vec lo, Vec hi, int n) {
    int8_gemm::StoreInt8x16<kClamp>(p, v, lo, hi, n);
  }
  static Vec Set1(int32_t v) { return _mm512_set1_epi32(v); }

  // Each row's 16 bytes in all four 128-bit lanes; vpshufb puts channel 4L + i of row j at byte 4i + j of lane L.
  static constexpr bool kColumnDot = true;
  static Vec Column(const int8_t* const* rows, int count, int n) {
    const __mmask16 m = n >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << n) - 1);
    // A full row is one vbroadcasti32x4 from memory (a load, no shuffle); a partial one a masked load first.
    auto row = [&](int j) {
      const __m128i bytes = n >= 16 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[j]))
                                    : _mm_maskz_loadu_epi8(m, rows[j]);
      return _mm512_shuffle_epi8(_mm512_broadcast_i32x4(bytes), RowIndex(j));
    };
    __m512i v = row(0);
    for (int j = 1; j < count; ++j) v = _mm512_or_si512(v, row(j));
    return _mm512_xor_si512(v, _mm512_set1_epi8(static_cast<char>(0x80)));  // x + 128, the unsigned operand
  }
  static Vec Dot(Vec acc, Vec column, Vec w) { return _mm512_dpbusd_epi32(acc, column, w); }

 private:
  static __m512i RowIndex(int j) { return _mm512_load_si512(kRowIndex[j].bytes); }
};

}  // namespace

extern const Int8DepthwiseKernels kInt8Depthwise = int8_depthwise::MakeInt8DepthwiseKernels<VnniVec>();

}  // namespace avx512vnni
}  // namespace optimized
}  // namespace edgelite
