// AVX2 requantization of 8 int32 accumulators, bit-exact with the reference: the fused
// MultiplyByQuantizedMultiplier of int8_gemm_driver.h with a logical 64-bit shift (AVX2 has no vpsravq), its
// bounded 32-bit form, or FULLY_CONNECTED's double-precision scale with round-half-away; then the clamp and the int8 store.
#pragma once

#include <immintrin.h>

#include <cstring>

#include "interpreter/kernels/optimized/int8_gemm_driver.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace int8_gemm {

// h: one vector's header (8 lanes, kHeaderSlots slots of 32 bytes).
inline __m256i Slot(const uint8_t* h, int slot) {
  return _mm256_load_si256(reinterpret_cast<const __m256i*>(h + slot * 32));
}

template <bool kLeftShift, bool kAddAfter>
inline __m256i RequantMultiplier8(__m256i x, const uint8_t* h) {
  if (kLeftShift) x = _mm256_sllv_epi32(x, Slot(h, kLeft));
  const __m256i zero = _mm256_setzero_si256();
  const __m256i pe = _mm256_mul_epi32(x, Slot(h, kMult));
  const __m256i po = _mm256_mul_epi32(_mm256_srli_epi64(x, 32), Slot(h, kMultOdd));
  __m256i se = _mm256_add_epi64(pe, Slot(h, kAddEven));
  __m256i so = _mm256_add_epi64(po, Slot(h, kAddOdd));
  se = _mm256_sub_epi64(se, _mm256_and_si256(_mm256_cmpgt_epi64(zero, pe), Slot(h, kNegEven)));
  so = _mm256_sub_epi64(so, _mm256_and_si256(_mm256_cmpgt_epi64(zero, po), Slot(h, kNegOdd)));
  se = _mm256_srlv_epi64(se, Slot(h, kShiftEven));
  so = _mm256_srlv_epi64(so, Slot(h, kShiftOdd));
  const __m256i q = _mm256_blend_epi32(se, _mm256_slli_epi64(so, 32), 0xAA);
  return _mm256_add_epi32(q, Slot(h, kAfter));
}

// The bounded multiplier (int8_gemm_driver.h, zero point included): z = floor(x m / 2^30) from the two 4-lane
// products, a or a - 2 by z's sign (blendv's), one 32-bit arithmetic shift; no 64-bit shift to emulate.
inline __m256i RequantBounded8(__m256i x, const uint8_t* h) {
  const __m256i pe = _mm256_mul_epi32(x, Slot(h, kMult));
  const __m256i po = _mm256_mul_epi32(_mm256_srli_epi64(x, 32), Slot(h, kMultOdd));
  const __m256i z = _mm256_blend_epi32(_mm256_srli_epi64(pe, 30), _mm256_slli_epi64(po, 2), 0xAA);
  const __m256 add = _mm256_blendv_ps(_mm256_castsi256_ps(Slot(h, kBoundedAdd)),
                                      _mm256_castsi256_ps(Slot(h, kBoundedAddNegative)), _mm256_castsi256_ps(z));
  return _mm256_srav_epi32(_mm256_add_epi32(z, _mm256_castps_si256(add)), Slot(h, kBoundedShift));
}

inline __m256d RoundHalfAway4(__m256d v) {
  const __m256d t = _mm256_round_pd(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m256d d = _mm256_sub_pd(v, t);
  const __m256d one = _mm256_set1_pd(1.0);
  const __m256d up = _mm256_and_pd(_mm256_cmp_pd(d, _mm256_set1_pd(0.5), _CMP_GE_OQ), one);
  const __m256d down = _mm256_and_pd(_mm256_cmp_pd(d, _mm256_set1_pd(-0.5), _CMP_LE_OQ), one);
  return _mm256_sub_pd(_mm256_add_pd(t, up), down);
}

inline __m256i RequantDouble8(__m256i x, const uint8_t* h) {
  const __m256d lo = _mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(x)),
                                   _mm256_load_pd(reinterpret_cast<const double*>(h + kMult * 32)));
  const __m256d hi = _mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(x, 1)),
                                   _mm256_load_pd(reinterpret_cast<const double*>(h + kMultOdd * 32)));
  const __m256i q = _mm256_set_m128i(_mm256_cvttpd_epi32(RoundHalfAway4(hi)), _mm256_cvttpd_epi32(RoundHalfAway4(lo)));
  return _mm256_add_epi32(q, Slot(h, kAfter));
}

// Epilogue E's requantization (int8_gemm_driver.h), before the clamp.
template <int E>
inline __m256i Requant8(__m256i x, const uint8_t* h) {
  constexpr Stage S = EpilogueStage(E);
  if (S == Stage::kDoubleScale) return RequantDouble8(x, h);
  if (S == Stage::kBoundedMultiplier) return RequantBounded8(x, h);
  return RequantMultiplier8<S == Stage::kMultiplierLeftShift, EpilogueAddsAfter(E)>(x, h);
}

// Clamps to [lo, hi] (with kClamp; else [lo, hi] is the int8 range, which the saturating packs give) and
// stores the first n (1..8) lanes as int8.
template <bool kClamp>
inline void StoreInt8x8(int8_t* dst, __m256i v, __m256i lo, __m256i hi, int n) {
  if (kClamp) v = _mm256_min_epi32(_mm256_max_epi32(v, lo), hi);
  const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  const __m128i b = _mm_packs_epi16(w, w);
  if (n >= 8) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(dst), b);
  } else {
    alignas(16) int8_t tmp[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(tmp), b);
    std::memcpy(dst, tmp, n);
  }
}

// Two vectors' lanes as the first n (9..16) int8 values: saturating packs (per 128-bit lane: a's four then b's),
// a dword permute into order, then the clamp on bytes, which commutes with the saturation.
template <bool kClamp>
inline void StoreInt8x16(int8_t* dst, __m256i a, __m256i b, __m128i lo, __m128i hi, int n) {
  const __m256i w = _mm256_packs_epi32(a, b);
  const __m256i p = _mm256_packs_epi16(w, w);
  __m128i v = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 0, 0, 0, 0)));
  if (kClamp) v = _mm_min_epi8(_mm_max_epi8(v, lo), hi);
  if (n >= 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), v);
  } else {
    alignas(16) int8_t tmp[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(tmp), v);
    std::memcpy(dst, tmp, n);
  }
}

}  // namespace int8_gemm
}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
