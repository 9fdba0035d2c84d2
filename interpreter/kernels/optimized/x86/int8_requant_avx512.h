// AVX-512 requantization of 16 int32 accumulators, bit-exact with the reference: the fused
// MultiplyByQuantizedMultiplier of int8_gemm_driver.h (two 8-lane 64-bit products, one arithmetic shift),
// or FULLY_CONNECTED's double-precision scale with round-half-away; then the clamp and the int8 store. Also the
// byte copies and fills that build the GEMM's A blocks.
// Included by the AVX-512 VNNI and AMX sources, whose flags include AVX-512 F/BW/DQ/VL.
#pragma once

#include <immintrin.h>

#include "interpreter/kernels/optimized/int8_gemm_driver.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace int8_gemm {

inline __m512i LoadSlot(const uint8_t* header, int slot) {
  return _mm512_load_si512(header + slot * 64);
}

// h: one vector's header (16 lanes, kHeaderSlots slots of 64 bytes).
template <bool kLeftShift, bool kAddAfter>
inline __m512i RequantMultiplier16(__m512i x, const uint8_t* h) {
  if (kLeftShift) x = _mm512_sllv_epi32(x, LoadSlot(h, kLeft));
  // Products of the even lanes, and of the odd lanes moved down; their signs pick the negative term.
  const __m512i pe = _mm512_mul_epi32(x, LoadSlot(h, kMult));
  const __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(x, 32), LoadSlot(h, kMultOdd));
  __m512i se = _mm512_add_epi64(pe, LoadSlot(h, kAddEven));
  __m512i so = _mm512_add_epi64(po, LoadSlot(h, kAddOdd));
  se = _mm512_mask_sub_epi64(se, _mm512_movepi64_mask(pe), se, LoadSlot(h, kNegEven));
  so = _mm512_mask_sub_epi64(so, _mm512_movepi64_mask(po), so, LoadSlot(h, kNegOdd));
  se = _mm512_srav_epi64(se, LoadSlot(h, kShiftEven));
  so = _mm512_srav_epi64(so, LoadSlot(h, kShiftOdd));
  // The odd quotients' low words into the odd lanes.
  const __m512i q = _mm512_mask_shuffle_epi32(se, 0xAAAA, so, _MM_PERM_CCAA);
  return kAddAfter ? _mm512_add_epi32(q, LoadSlot(h, kAfter)) : q;
}

// The bounded multiplier (int8_gemm_driver.h, zero point included): z = floor(x m / 2^30) from the two 8-lane
// products (the even quotients' low words, the odd ones' high words), a or a - 2 by z's sign, one 32-bit shift.
inline __m512i RequantBounded16(__m512i x, const uint8_t* h) {
  const __m512i pe = _mm512_mul_epi32(x, LoadSlot(h, kMult));
  const __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(x, 32), LoadSlot(h, kMultOdd));
  const __m512i z = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(pe, 30), _mm512_slli_epi64(po, 2));
  const __m512i t = _mm512_mask_add_epi32(_mm512_add_epi32(z, LoadSlot(h, kBoundedAdd)), _mm512_movepi32_mask(z), z,
                                          LoadSlot(h, kBoundedAddNegative));
  return _mm512_srav_epi32(t, LoadSlot(h, kBoundedShift));
}

// std::round of an exact double (ties away from zero): trunc, and the exact remainder decides.
inline __m512d RoundHalfAway8(__m512d v) {
  const __m512d t = _mm512_roundscale_pd(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m512d d = _mm512_sub_pd(v, t);
  const __m512d one = _mm512_set1_pd(1.0);
  __m512d r = _mm512_mask_add_pd(t, _mm512_cmp_pd_mask(d, _mm512_set1_pd(0.5), _CMP_GE_OQ), t, one);
  return _mm512_mask_sub_pd(r, _mm512_cmp_pd_mask(d, _mm512_set1_pd(-0.5), _CMP_LE_OQ), r, one);
}

// int32(round(double(acc) * scale)) + zero point: vcvttpd2dq gives INT32_MIN for NaN and values out of
// range, as the scalar conversion on x86 does.
inline __m512i RequantDouble16(__m512i x, const uint8_t* h) {
  const __m512d lo = _mm512_mul_pd(_mm512_cvtepi32_pd(_mm512_castsi512_si256(x)),
                                   _mm512_load_pd(reinterpret_cast<const double*>(h + kMult * 64)));
  const __m512d hi = _mm512_mul_pd(_mm512_cvtepi32_pd(_mm512_extracti64x4_epi64(x, 1)),
                                   _mm512_load_pd(reinterpret_cast<const double*>(h + kMultOdd * 64)));
  const __m256i ql = _mm512_cvttpd_epi32(RoundHalfAway8(lo));
  const __m256i qh = _mm512_cvttpd_epi32(RoundHalfAway8(hi));
  return _mm512_add_epi32(_mm512_inserti64x4(_mm512_castsi256_si512(ql), qh, 1), LoadSlot(h, kAfter));
}

// Epilogue E's requantization (int8_gemm_driver.h), before the clamp.
template <int E>
inline __m512i Requant16(__m512i x, const uint8_t* h) {
  constexpr Stage S = EpilogueStage(E);
  if (S == Stage::kDoubleScale) return RequantDouble16(x, h);
  if (S == Stage::kBoundedMultiplier) return RequantBounded16(x, h);
  return RequantMultiplier16<S == Stage::kMultiplierLeftShift, EpilogueAddsAfter(E)>(x, h);
}

// Clamps to [lo, hi] (with kClamp; else [lo, hi] is the int8 range, which the saturating narrowing gives) and
// stores the first n (1..16) lanes as int8.
template <bool kClamp>
inline void StoreInt8x16(int8_t* dst, __m512i v, __m512i lo, __m512i hi, int n) {
  const __m128i b = kClamp ? _mm512_cvtepi32_epi8(_mm512_min_epi32(_mm512_max_epi32(v, lo), hi))
                           : _mm512_cvtsepi32_epi8(v);
  if (n >= 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), b);
  } else {
    _mm_mask_storeu_epi8(dst, static_cast<__mmask16>((1u << n) - 1), b);
  }
}

// Two vectors' lanes as the first n (17..32) int8 values: saturating packs to int16 and int8 (in 128-bit lanes:
// a's four lanes then b's, per lane), a dword permute into order, then the clamp on bytes, which commutes with
// the saturation since [lo, hi] lies within int8.
template <bool kClamp>
inline void StoreInt8x32(int8_t* dst, __m512i a, __m512i b, __m256i lo, __m256i hi, int n) {
  const __m512i w = _mm512_packs_epi32(a, b);
  const __m512i p = _mm512_packs_epi16(w, w);
  const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0);
  __m256i v = _mm512_castsi512_si256(_mm512_permutexvar_epi32(order, p));
  if (kClamp) v = _mm256_min_epi8(_mm256_max_epi8(v, lo), hi);
  if (n >= 32) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), v);
  } else {
    _mm256_mask_storeu_epi8(dst, static_cast<__mmask32>((uint64_t{1} << n) - 1), v);
  }
}

// StoreInt8x32 of two rows, ldc bytes apart: four vectors narrow together (three packs and one permute, the clamp
// on 64 bytes), the rows the two halves.
template <bool kClamp>
inline void StoreInt8x32TwoRows(int8_t* dst, int64_t ldc, __m512i a0, __m512i b0, __m512i a1, __m512i b1,
                                __m512i lo, __m512i hi, int n) {
  // Per 128-bit lane j: a0, b0, a1 and b1's lanes 4j..4j+3 as four dwords of bytes.
  const __m512i p = _mm512_packs_epi16(_mm512_packs_epi32(a0, b0), _mm512_packs_epi32(a1, b1));
  const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  __m512i v = _mm512_permutexvar_epi32(order, p);
  if (kClamp) {
    v = _mm512_min_epi8(_mm512_max_epi8(v, lo), hi);
  }
  if (n >= 32) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), _mm512_castsi512_si256(v));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + ldc), _mm512_extracti64x4_epi64(v, 1));
  } else {
    const __mmask32 m = static_cast<__mmask32>((uint64_t{1} << n) - 1);
    _mm256_mask_storeu_epi8(dst, m, _mm512_castsi512_si256(v));
    _mm256_mask_storeu_epi8(dst + ldc, m, _mm512_extracti64x4_epi64(v, 1));
  }
}

// n input bytes into A, each XOR kFlip (0x80: x + 128 for an unsigned operand; 0: a copy). Short runs (im2col
// of a few channels) use 16-byte accesses: a 64-byte masked access touches every cache line its width spans.
template <uint8_t kFlip>
inline void CopyBytes(uint8_t* dst, const int8_t* src, int n) {
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(kFlip));
  int i = 0;
  for (; i + 64 <= n; i += 64) _mm512_storeu_si512(dst + i, _mm512_xor_si512(_mm512_loadu_si512(src + i), flip));
  if (n - i > 16) {
    const __mmask64 m = (uint64_t{1} << (n - i)) - 1;
    _mm512_mask_storeu_epi8(dst + i, m, _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, src + i), flip));
  } else if (i < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
    _mm_mask_storeu_epi8(dst + i, m, _mm_xor_si128(_mm_maskz_loadu_epi8(m, src + i), _mm512_castsi512_si128(flip)));
  }
}

// The same for n <= 16 bytes where 16 may be read from src.
template <uint8_t kFlip>
inline void CopyShortRun(uint8_t* dst, const int8_t* src, int n) {
  const __m128i v = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src)),
                                  _mm_set1_epi8(static_cast<char>(kFlip)));
  _mm_mask_storeu_epi8(dst, static_cast<__mmask16>((1u << n) - 1), v);
}

inline void FillBytes(uint8_t* dst, uint8_t value, int n) {
  const __m512i v = _mm512_set1_epi8(static_cast<char>(value));
  int i = 0;
  for (; i + 64 <= n; i += 64) _mm512_storeu_si512(dst + i, v);
  if (n - i > 16) {
    _mm512_mask_storeu_epi8(dst + i, (uint64_t{1} << (n - i)) - 1, v);
  } else if (i < n) {
    _mm_mask_storeu_epi8(dst + i, static_cast<__mmask16>((1u << (n - i)) - 1), _mm512_castsi512_si128(v));
  }
}

}  // namespace int8_gemm
}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
