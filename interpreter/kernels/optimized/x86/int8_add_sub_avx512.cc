// 8-bit quantized ADD/SUB for AVX-512: 16 values a vector, 64 a step (int8_add_sub.h has the arithmetic): the
// int32 estimate and its margin test (vptestnmd) on every vector, the exact form on the vectors that fail it (the
// output's 64-bit products on even and odd lanes, vpmuldq, and vpsraq); then saturating packs to 8 bits and the
// clamp on bytes.
#include <immintrin.h>

#include <type_traits>

#include "interpreter/kernels/optimized/int8_add_sub.h"

namespace edgelite {
namespace optimized {
namespace avx512 {
namespace {

struct Consts {
  __m512i big_offset, small_offset, small_mult_high, small_madd, small_add, out_mult, out_add, out_neg;
  __m128i small_shift, small_shift2, out_shift;
  __m512i out_offset;
  __m512i lo, hi;
  __m512i est_big, est_small, est_add, est_sure;
  __m128i est_shift;
  explicit Consts(const Int8AddSubConstants& c)
      : big_offset(_mm512_set1_epi32(c.big_offset)),
        small_offset(_mm512_set1_epi32(c.small_offset)),
        small_mult_high(_mm512_set1_epi32(c.small_mult_high)),
        small_madd(_mm512_set1_epi32(c.small_madd)),
        small_add(_mm512_set1_epi32(c.small_add)),
        out_mult(_mm512_set1_epi64(c.out_mult)),
        out_add(_mm512_set1_epi64(c.out_add)),
        out_neg(_mm512_set1_epi64(c.out_neg)),
        small_shift(_mm_cvtsi32_si128(c.small_shift)),
        small_shift2(_mm_cvtsi32_si128(c.small_shift2)),
        out_shift(_mm_cvtsi32_si128(c.out_shift)),
        out_offset(_mm512_set1_epi32(c.out_offset)),
        lo(_mm512_set1_epi8(static_cast<char>(c.lo))),
        hi(_mm512_set1_epi8(static_cast<char>(c.hi))),
        est_big(_mm512_set1_epi32(c.est_big)),
        est_small(_mm512_set1_epi32(c.est_small)),
        est_add(_mm512_set1_epi32(c.est_add)),
        est_sure(_mm512_set1_epi32(c.est_sure)),
        est_shift(_mm_cvtsi32_si128(c.est_shift)) {}
};

template <typename T>
inline __m512i Widen(__m128i bytes) {
  return std::is_signed_v<T> ? _mm512_cvtepi8_epi32(bytes) : _mm512_cvtepu8_epi32(bytes);
}

// 16 outputs, exactly, as int32 (int8_add_sub.h). Out of line: the estimate leaves few vectors to it.
template <Int8AddSubForm kForm>
__attribute__((noinline)) __m512i Exact16(const Consts& k, __m512i xb, __m512i xs) {
  const __m512i big = _mm512_slli_epi32(
      kForm == Int8AddSubForm::kSubBig ? _mm512_sub_epi32(k.big_offset, xb) : _mm512_add_epi32(xb, k.big_offset), 19);
  const __m512i d = _mm512_add_epi32(xs, k.small_offset);
  const __m512i low = _mm512_sra_epi32(_mm512_add_epi32(_mm512_madd_epi16(d, k.small_madd), k.small_add), k.small_shift);
  const __m512i small = _mm512_sra_epi32(_mm512_add_epi32(_mm512_mullo_epi32(d, k.small_mult_high), low), k.small_shift2);
  const __m512i s = kForm == Int8AddSubForm::kSubSmall ? _mm512_sub_epi32(big, small) : _mm512_add_epi32(big, small);
  // The fused multiplier: the sign bit of each lane's S (bit 31 of its 64-bit lane) picks the negative term.
  const __m512i so = _mm512_srli_epi64(s, 32);
  __m512i pe = _mm512_add_epi64(_mm512_mul_epi32(s, k.out_mult), k.out_add);
  __m512i po = _mm512_add_epi64(_mm512_mul_epi32(so, k.out_mult), k.out_add);
  pe = _mm512_sub_epi64(pe, _mm512_and_si512(s, k.out_neg));
  po = _mm512_sub_epi64(po, _mm512_and_si512(so, k.out_neg));
  pe = _mm512_sra_epi64(pe, k.out_shift);
  po = _mm512_sra_epi64(po, k.out_shift);
  return _mm512_add_epi32(_mm512_mask_shuffle_epi32(pe, 0xAAAA, po, _MM_PERM_CCAA), k.out_offset);
}

// n (1..64) values (kMasked for the last, short step), through the estimate or directly in the exact form; returns
// whether a vector took the exact form.
template <typename T, Int8AddSubForm kForm, bool kMasked>
inline bool Step64(const Consts& k, const T* big, const T* small, T* out, int64_t n, bool estimate) {
  __m512i v[4], xb[4], xs[4];
  __mmask16 unsure[4];
  for (int j = 0; j < 4; ++j) {
    __m128i b, s;
    if (kMasked) {
      const int64_t left = n - 16 * j;
      const __mmask16 m = left >= 16 ? 0xFFFF : left <= 0 ? 0 : static_cast<__mmask16>((1u << left) - 1);
      b = _mm_maskz_loadu_epi8(m, big + 16 * j);
      s = _mm_maskz_loadu_epi8(m, small + 16 * j);
    } else {
      b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(big + 16 * j));
      s = _mm_loadu_si128(reinterpret_cast<const __m128i*>(small + 16 * j));
    }
    xb[j] = Widen<T>(b);
    xs[j] = Widen<T>(s);
    unsure[j] = 0xFFFF;
    if (!estimate) continue;
    const __m512i w = _mm512_add_epi32(_mm512_mullo_epi32(xb[j], k.est_big),
                                       _mm512_add_epi32(_mm512_mullo_epi32(xs[j], k.est_small), k.est_add));
    unsure[j] = _mm512_testn_epi32_mask(w, k.est_sure);
    v[j] = _mm512_sra_epi32(w, k.est_shift);
  }
  const bool exact = (unsure[0] | unsure[1] | unsure[2] | unsure[3]) != 0;
  if (__builtin_expect(exact, 0)) {
    for (int j = 0; j < 4; ++j) {
      if (unsure[j]) v[j] = Exact16<kForm>(k, xb[j], xs[j]);
    }
  }
  // Per 128-bit lane q the packs leave v0[4q..4q+3], v1[..], v2[..], v3[..]: dword 4q + j holds v_j's values.
  const __m512i w01 = _mm512_packs_epi32(v[0], v[1]);
  const __m512i w23 = _mm512_packs_epi32(v[2], v[3]);
  __m512i bytes = std::is_signed_v<T> ? _mm512_packs_epi16(w01, w23) : _mm512_packus_epi16(w01, w23);
  bytes = _mm512_permutexvar_epi32(_mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15), bytes);
  bytes = std::is_signed_v<T> ? _mm512_min_epi8(_mm512_max_epi8(bytes, k.lo), k.hi)
                              : _mm512_min_epu8(_mm512_max_epu8(bytes, k.lo), k.hi);
  if (kMasked) {
    _mm512_mask_storeu_epi8(out, n >= 64 ? ~__mmask64{0} : (__mmask64{1} << n) - 1, bytes);
  } else {
    _mm512_storeu_si512(out, bytes);
  }
  return exact;
}

template <typename T, Int8AddSubForm kForm>
void Span(const Int8AddSubConstants& c, const T* big, const T* small, T* out, int64_t n) {
  const Consts k(c);
  RunInt8AddSubSteps<64>(c.est_sure != 0, n, [&](int64_t i, int64_t count, bool estimate) {
    return count == 64 ? Step64<T, kForm, false>(k, big + i, small + i, out + i, 64, estimate)
                       : Step64<T, kForm, true>(k, big + i, small + i, out + i, count, estimate);
  });
}

}  // namespace

extern const Int8AddSubKernels kInt8AddSub = {
    {Span<int8_t, Int8AddSubForm::kAdd>, Span<int8_t, Int8AddSubForm::kSubSmall>, Span<int8_t, Int8AddSubForm::kSubBig>},
    {Span<uint8_t, Int8AddSubForm::kAdd>, Span<uint8_t, Int8AddSubForm::kSubSmall>,
     Span<uint8_t, Int8AddSubForm::kSubBig>}};

}  // namespace avx512
}  // namespace optimized
}  // namespace edgelite
