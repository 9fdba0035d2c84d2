// 8-bit quantized ADD/SUB for AVX2: 8 values a vector, 32 a step (int8_add_sub.h has the arithmetic): the int32
// estimate and its margin test on every vector, the exact form on the vectors that fail it. AVX2 has no 64-bit
// arithmetic shift: the exact form's 64-bit sums take 2^62 more and a logical shift, which adds 2^(31 - r) to each
// quotient (r = out_shift - 31); the zero point's add takes it away again, in int32 before the packs.
#include <immintrin.h>

#include <cstring>
#include <type_traits>

#include "interpreter/kernels/optimized/int8_add_sub.h"

namespace edgelite {
namespace optimized {
namespace avx2 {
namespace {

struct Consts {
  __m256i big_offset, small_offset, small_mult_high, small_madd, small_add, out_mult, out_add, out_neg;
  __m128i small_shift, small_shift2, out_shift;
  __m256i out_after;
  __m256i lo, hi;
  __m256i est_big, est_small, est_add, est_sure;
  __m128i est_shift;
  explicit Consts(const Int8AddSubConstants& c)
      : big_offset(_mm256_set1_epi32(c.big_offset)),
        small_offset(_mm256_set1_epi32(c.small_offset)),
        small_mult_high(_mm256_set1_epi32(c.small_mult_high)),
        small_madd(_mm256_set1_epi32(c.small_madd)),
        small_add(_mm256_set1_epi32(c.small_add)),
        out_mult(_mm256_set1_epi64x(c.out_mult)),
        out_add(_mm256_set1_epi64x(c.out_add + (int64_t{1} << 62))),
        out_neg(_mm256_set1_epi64x(c.out_neg)),
        small_shift(_mm_cvtsi32_si128(c.small_shift)),
        small_shift2(_mm_cvtsi32_si128(c.small_shift2)),
        out_shift(_mm_cvtsi32_si128(c.out_shift)),
        out_after(_mm256_set1_epi32(static_cast<int32_t>(static_cast<uint32_t>(c.out_offset) -
                                                         (uint32_t{1} << (62 - c.out_shift))))),
        lo(_mm256_set1_epi8(static_cast<char>(c.lo))),
        hi(_mm256_set1_epi8(static_cast<char>(c.hi))),
        est_big(_mm256_set1_epi32(c.est_big)),
        est_small(_mm256_set1_epi32(c.est_small)),
        est_add(_mm256_set1_epi32(c.est_add)),
        est_sure(_mm256_set1_epi32(c.est_sure)),
        est_shift(_mm_cvtsi32_si128(c.est_shift)) {}
};

template <typename T>
inline __m256i Load8(const T* p) {
  const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
  return std::is_signed_v<T> ? _mm256_cvtepi8_epi32(bytes) : _mm256_cvtepu8_epi32(bytes);
}

// 8 outputs with the zero point, exactly, as int32 (int8_add_sub.h). Out of line: the estimate leaves few vectors
// to it.
template <Int8AddSubForm kForm>
__attribute__((noinline)) __m256i Exact8(const Consts& k, __m256i xb, __m256i xs) {
  const __m256i big = _mm256_slli_epi32(
      kForm == Int8AddSubForm::kSubBig ? _mm256_sub_epi32(k.big_offset, xb) : _mm256_add_epi32(xb, k.big_offset), 19);
  const __m256i d = _mm256_add_epi32(xs, k.small_offset);
  const __m256i low = _mm256_sra_epi32(_mm256_add_epi32(_mm256_madd_epi16(d, k.small_madd), k.small_add), k.small_shift);
  const __m256i small = _mm256_sra_epi32(_mm256_add_epi32(_mm256_mullo_epi32(d, k.small_mult_high), low), k.small_shift2);
  const __m256i s = kForm == Int8AddSubForm::kSubSmall ? _mm256_sub_epi32(big, small) : _mm256_add_epi32(big, small);
  const __m256i so = _mm256_srli_epi64(s, 32);
  __m256i pe = _mm256_add_epi64(_mm256_mul_epi32(s, k.out_mult), k.out_add);
  __m256i po = _mm256_add_epi64(_mm256_mul_epi32(so, k.out_mult), k.out_add);
  pe = _mm256_srl_epi64(_mm256_sub_epi64(pe, _mm256_and_si256(s, k.out_neg)), k.out_shift);
  po = _mm256_srl_epi64(_mm256_sub_epi64(po, _mm256_and_si256(so, k.out_neg)), k.out_shift);
  return _mm256_add_epi32(_mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA), k.out_after);
}

// 32 values through the estimate or directly in the exact form; returns whether a vector took the exact form.
template <typename T, Int8AddSubForm kForm>
inline bool Step32(const Consts& k, const T* big, const T* small, T* out, bool estimate) {
  __m256i v[4], xb[4], xs[4], unsure[4];
  for (int j = 0; j < 4; ++j) {
    xb[j] = Load8(big + 8 * j);
    xs[j] = Load8(small + 8 * j);
    unsure[j] = _mm256_set1_epi32(-1);
    if (!estimate) continue;
    const __m256i w = _mm256_add_epi32(_mm256_mullo_epi32(xb[j], k.est_big),
                                       _mm256_add_epi32(_mm256_mullo_epi32(xs[j], k.est_small), k.est_add));
    unsure[j] = _mm256_cmpeq_epi32(_mm256_and_si256(w, k.est_sure), _mm256_setzero_si256());
    v[j] = _mm256_sra_epi32(w, k.est_shift);
  }
  const __m256i any = _mm256_or_si256(_mm256_or_si256(unsure[0], unsure[1]), _mm256_or_si256(unsure[2], unsure[3]));
  const bool exact = !_mm256_testz_si256(any, any);
  if (__builtin_expect(exact, 0)) {
    for (int j = 0; j < 4; ++j) {
      if (!_mm256_testz_si256(unsure[j], unsure[j])) v[j] = Exact8<kForm>(k, xb[j], xs[j]);
    }
  }
  // Per 128-bit lane q the packs leave v0[4q..4q+3], v1[..], v2[..], v3[..]: dword 4q + j holds v_j's values.
  const __m256i w01 = _mm256_packs_epi32(v[0], v[1]);
  const __m256i w23 = _mm256_packs_epi32(v[2], v[3]);
  __m256i bytes = std::is_signed_v<T> ? _mm256_packs_epi16(w01, w23) : _mm256_packus_epi16(w01, w23);
  bytes = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
  bytes = std::is_signed_v<T> ? _mm256_min_epi8(_mm256_max_epi8(bytes, k.lo), k.hi)
                              : _mm256_min_epu8(_mm256_max_epu8(bytes, k.lo), k.hi);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), bytes);
  return exact;
}

template <typename T, Int8AddSubForm kForm>
void Span(const Int8AddSubConstants& c, const T* big, const T* small, T* out, int64_t n) {
  const Consts k(c);
  RunInt8AddSubSteps<32>(c.est_sure != 0, n, [&](int64_t i, int64_t count, bool estimate) {
    // The last values through the step on copies (AVX2 has no masked byte loads and stores): one call site, so
    // one copy of the step.
    alignas(32) T b[32], s[32], o[32];
    const bool whole = count == 32;
    if (!whole) {
      std::memset(b, 0, sizeof(b));
      std::memset(s, 0, sizeof(s));
      std::memcpy(b, big + i, count);
      std::memcpy(s, small + i, count);
    }
    const bool exact = Step32<T, kForm>(k, whole ? big + i : b, whole ? small + i : s, whole ? out + i : o, estimate);
    if (!whole) std::memcpy(out + i, o, count);
    return exact;
  });
}

}  // namespace

extern const Int8AddSubKernels kInt8AddSub = {
    {Span<int8_t, Int8AddSubForm::kAdd>, Span<int8_t, Int8AddSubForm::kSubSmall>, Span<int8_t, Int8AddSubForm::kSubBig>},
    {Span<uint8_t, Int8AddSubForm::kAdd>, Span<uint8_t, Int8AddSubForm::kSubSmall>,
     Span<uint8_t, Int8AddSubForm::kSubBig>}};

}  // namespace avx2
}  // namespace optimized
}  // namespace edgelite
