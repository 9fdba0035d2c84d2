// QUANTIZE / DEQUANTIZE per tensor, compiled once per vector ISA. The AVX2 and AVX-512 loops round as
// std::round does: to nearest with ties to even in one rounding instruction (the conversion gives INT32_MIN for
// NaN and overflow exactly as the scalar x86 conversion does), then the lanes exactly half way, found by an exact
// test, stepped away from zero from their truncation. (Truncating every lane and stepping where the fraction
// was at least one half took 1.3x the time: int8 MobileNet v2's 224x224x3 input 0.014 -> 0.011 ms on a Zen 5
// core.) The portable build and the tails run the reference's scalar expressions.
#include "interpreter/kernels/optimized/quantize.h"

#include <limits>

#include "interpreter/kernels/reference/dequantize.h"
#include "interpreter/kernels/reference/integer/quantize.h"

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

template <typename T>
void QuantizeScalar(const float* in, T* out, int64_t n, float scale, int32_t zero_point) {
  for (int64_t i = 0; i < n; ++i) out[i] = reference::integer::QuantizeValue<T>(in[i], scale, zero_point);
}

template <typename T>
void DequantizeScalar(const T* in, float* out, int64_t n, float scale, int32_t zero_point) {
  for (int64_t i = 0; i < n; ++i) out[i] = scale * static_cast<float>(static_cast<int32_t>(in[i]) - zero_point);
}

#if defined(__AVX512F__)

constexpr int kLanes = 16;
// The zero-masked forms with a full mask are the plain instructions; GCC 12's unmasked intrinsics trip
// -Wmaybe-uninitialized on their undefined pass-through operand (as in vec_f32.h).
constexpr __mmask16 kAll = 0xFFFF;
using FVec = __m512;
using IVec = __m512i;
inline FVec SetF(float x) { return _mm512_set1_ps(x); }
inline IVec SetI(int32_t x) { return _mm512_set1_epi32(x); }

// kLanes values of clamp(round(x / scale) + zero_point) as int32. Rounded to nearest, ties to even (one
// instruction, INT32_MIN for NaN and overflow as the truncation gives), then the lanes exactly half way (y minus
// the rounded value is exactly representable, so the test is exact) re-rounded away from zero, as std::round
// does: the truncation plus one step outwards. Ties are rare in real inputs, so that is a branch taken seldom.
inline IVec QuantizeLanes(const float* p, FVec scale, IVec zero_point, IVec lo, IVec hi) {
  const __m512 y = _mm512_div_ps(_mm512_loadu_ps(p), scale);
  __m512i r = _mm512_maskz_cvt_roundps_epi32(kAll, y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __mmask16 tie = _mm512_cmp_ps_mask(_mm512_abs_ps(_mm512_sub_ps(y, _mm512_maskz_cvtepi32_ps(kAll, r))),
                                           _mm512_set1_ps(0.5f), _CMP_EQ_OQ);
  if (tie) {
    const __m512i t = _mm512_maskz_cvttps_epi32(kAll, y);
    const __m512i step =
        _mm512_or_si512(_mm512_maskz_srai_epi32(kAll, _mm512_castps_si512(y), 31), _mm512_set1_epi32(1));
    r = _mm512_mask_add_epi32(r, tie, t, step);
  }
  const __m512i q = _mm512_add_epi32(r, zero_point);
  return _mm512_maskz_min_epi32(kAll, _mm512_maskz_max_epi32(kAll, q, lo), hi);
}
// The lanes are already within the type's range, so truncating narrows are exact.
inline void StoreLanes(int8_t* p, IVec v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm512_maskz_cvtepi32_epi8(kAll, v)); }
inline void StoreLanes(uint8_t* p, IVec v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm512_maskz_cvtepi32_epi8(kAll, v)); }
inline void StoreLanes(int16_t* p, IVec v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm512_maskz_cvtepi32_epi16(kAll, v));
}
inline IVec LoadLanes(const int8_t* p) { return _mm512_maskz_cvtepi8_epi32(kAll, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
inline IVec LoadLanes(const uint8_t* p) {
  return _mm512_maskz_cvtepu8_epi32(kAll, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
inline IVec LoadLanes(const int16_t* p) {
  return _mm512_maskz_cvtepi16_epi32(kAll, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
inline void StoreDequantized(float* p, IVec q, IVec zero_point, FVec scale) {
  _mm512_storeu_ps(p, _mm512_mul_ps(scale, _mm512_maskz_cvtepi32_ps(kAll, _mm512_sub_epi32(q, zero_point))));
}
// kLanes halves widened by the conversion instruction, which is exact except that it quiets a signalling NaN (sets
// the mantissa's top bit): those lanes (exponent all ones, top mantissa bit clear, the rest not zero) get it cleared.
inline void StoreHalfLanes(float* p, const uint16_t* h) {
  const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(h));
  const __mmask16 snan =
      _mm256_cmpeq_epi16_mask(_mm256_and_si256(x, _mm256_set1_epi16(0x7e00)), _mm256_set1_epi16(0x7c00)) &
      _mm256_test_epi16_mask(x, _mm256_set1_epi16(0x01ff));
  const __m512i f = _mm512_castps_si512(_mm512_maskz_cvtph_ps(kAll, x));
  _mm512_storeu_si512(p, _mm512_mask_and_epi32(f, snan, f, _mm512_set1_epi32(~0x00400000)));
}

#elif defined(__AVX2__)

constexpr int kLanes = 8;
using FVec = __m256;
using IVec = __m256i;
inline FVec SetF(float x) { return _mm256_set1_ps(x); }
inline IVec SetI(int32_t x) { return _mm256_set1_epi32(x); }

// As AVX-512's: round to nearest even (the rounding instruction, so that the MXCSR mode does not matter), then
// exact ties re-rounded away from zero.
inline IVec QuantizeLanes(const float* p, FVec scale, IVec zero_point, IVec lo, IVec hi) {
  const __m256 y = _mm256_div_ps(_mm256_loadu_ps(p), scale);
  const __m256 nearest = _mm256_round_ps(y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256i r = _mm256_cvttps_epi32(nearest);
  const __m256 off = _mm256_and_ps(_mm256_sub_ps(y, nearest), _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
  const __m256 tie = _mm256_cmp_ps(off, _mm256_set1_ps(0.5f), _CMP_EQ_OQ);
  if (_mm256_movemask_ps(tie)) {
    const __m256i t = _mm256_cvttps_epi32(y);
    const __m256i step = _mm256_or_si256(_mm256_srai_epi32(_mm256_castps_si256(y), 31), _mm256_set1_epi32(1));
    r = _mm256_blendv_epi8(r, _mm256_add_epi32(t, step), _mm256_castps_si256(tie));
  }
  const __m256i q = _mm256_add_epi32(r, zero_point);
  return _mm256_min_epi32(_mm256_max_epi32(q, lo), hi);
}
// Lanes within the type's range: the saturating packs only narrow.
inline __m128i Pack16(IVec v) { return _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1)); }
inline void StoreLanes(int8_t* p, IVec v) {
  const __m128i w = Pack16(v);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_packs_epi16(w, w));
}
inline void StoreLanes(uint8_t* p, IVec v) {
  const __m128i w = Pack16(v);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_packus_epi16(w, w));
}
inline void StoreLanes(int16_t* p, IVec v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), Pack16(v)); }
inline IVec LoadLanes(const int8_t* p) { return _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))); }
inline IVec LoadLanes(const uint8_t* p) {
  return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}
inline IVec LoadLanes(const int16_t* p) { return _mm256_cvtepi16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
inline void StoreDequantized(float* p, IVec q, IVec zero_point, FVec scale) {
  _mm256_storeu_ps(p, _mm256_mul_ps(scale, _mm256_cvtepi32_ps(_mm256_sub_epi32(q, zero_point))));
}
// As AVX-512's: F16C's conversion, with the quiet bit it sets on signalling NaNs cleared again.
inline void StoreHalfLanes(float* p, const uint16_t* h) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h));
  const __m128i nan_exponent = _mm_cmpeq_epi16(_mm_and_si128(x, _mm_set1_epi16(0x7e00)), _mm_set1_epi16(0x7c00));
  const __m128i no_payload = _mm_cmpeq_epi16(_mm_and_si128(x, _mm_set1_epi16(0x01ff)), _mm_setzero_si128());
  const __m256i snan = _mm256_cvtepi16_epi32(_mm_andnot_si128(no_payload, nan_exponent));  // all ones or zero
  const __m256i f = _mm256_castps_si256(_mm256_cvtph_ps(x));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p),
                      _mm256_andnot_si256(_mm256_and_si256(snan, _mm256_set1_epi32(0x00400000)), f));
}

#endif

template <typename T>
void Quantize(const float* in, T* out, int64_t n, float scale, int32_t zero_point) {
  int64_t i = 0;
#if defined(__AVX512F__) || defined(__AVX2__)
  const FVec vscale = SetF(scale);
  const IVec vzero = SetI(zero_point), lo = SetI(std::numeric_limits<T>::min()), hi = SetI(std::numeric_limits<T>::max());
  for (; i + kLanes <= n; i += kLanes) StoreLanes(out + i, QuantizeLanes(in + i, vscale, vzero, lo, hi));
#endif
  QuantizeScalar(in + i, out + i, n - i, scale, zero_point);
}

template <typename T>
void Dequantize(const T* in, float* out, int64_t n, float scale, int32_t zero_point) {
  int64_t i = 0;
#if defined(__AVX512F__) || defined(__AVX2__)
  const FVec vscale = SetF(scale);
  const IVec vzero = SetI(zero_point);
  for (; i + kLanes <= n; i += kLanes) StoreDequantized(out + i, LoadLanes(in + i), vzero, vscale);
#endif
  DequantizeScalar(in + i, out + i, n - i, scale, zero_point);
}

void HalfToFloat(const uint16_t* in, float* out, int64_t n) {
  int64_t i = 0;
#if defined(__AVX512F__) || defined(__AVX2__)
  for (; i + kLanes <= n; i += kLanes) StoreHalfLanes(out + i, in + i);
#endif
  reference::HalfToFloat(in + i, out + i, n - i);
}

}  // namespace

extern const QuantizeKernels kQuantize = {
    Quantize<int8_t>,   Quantize<uint8_t>,   Quantize<int16_t>,
    Dequantize<int8_t>, Dequantize<uint8_t>, Dequantize<int16_t>, HalfToFloat,
};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
