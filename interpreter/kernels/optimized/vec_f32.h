// VecF32: the widest float vector of the ISA this source is being compiled for (AVX-512: 16 lanes,
// AVX2+FMA: 8, AArch64 NEON: 4, otherwise a 4-lane portable fallback), with the handful of operations the f32
// micro-kernels need. Micro-kernels are written once against it; only sources in kernels/optimized/
// include it, and each is compiled once per vector ISA (vector_isa.h).
#pragma once

#ifndef EL_ISA_NS
#error "vec_f32.h is for sources compiled once per vector ISA (kernels/optimized/*.cc); CMake sets EL_ISA_NS"
#endif

#include <algorithm>
#include <cstdint>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#elif defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>
#endif

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {

#if defined(__AVX512F__)

struct VecF32 {
  static constexpr int kWidth = 16;
  static constexpr const char* kIsa = "avx512f";
  __m512 v;
};
inline __mmask16 TailMask(int n) { return static_cast<__mmask16>((1u << n) - 1u); }
inline VecF32 Zero() { return {_mm512_setzero_ps()}; }
inline VecF32 Broadcast(float x) { return {_mm512_set1_ps(x)}; }
inline VecF32 Load(const float* p) { return {_mm512_loadu_ps(p)}; }
// Loads the first n (< kWidth) lanes; the rest are zero and memory past p + n is not touched.
inline VecF32 LoadPartial(const float* p, int n) { return {_mm512_maskz_loadu_ps(TailMask(n), p)}; }
inline void Store(float* p, VecF32 a) { _mm512_storeu_ps(p, a.v); }
inline void StorePartial(float* p, VecF32 a, int n) { _mm512_mask_storeu_ps(p, TailMask(n), a.v); }
inline VecF32 Fma(VecF32 a, VecF32 b, VecF32 acc) { return {_mm512_fmadd_ps(a.v, b.v, acc.v)}; }
inline VecF32 Add(VecF32 a, VecF32 b) { return {_mm512_add_ps(a.v, b.v)}; }
inline VecF32 Sub(VecF32 a, VecF32 b) { return {_mm512_sub_ps(a.v, b.v)}; }
inline VecF32 Div(VecF32 a, VecF32 b) { return {_mm512_div_ps(a.v, b.v)}; }
// The zero-masked forms with a full mask are plain vminps/vmaxps; GCC 12's _mm512_min_ps/_mm512_max_ps
// trip -Wmaybe-uninitialized on their undefined pass-through operand wherever they inline.
inline VecF32 Min(VecF32 a, VecF32 b) { return {_mm512_maskz_min_ps(0xFFFF, a.v, b.v)}; }
inline VecF32 Max(VecF32 a, VecF32 b) { return {_mm512_maskz_max_ps(0xFFFF, a.v, b.v)}; }

#elif defined(__AVX2__) && defined(__FMA__)

struct VecF32 {
  static constexpr int kWidth = 8;
  static constexpr const char* kIsa = "avx2+fma";
  __m256 v;
};
inline __m256i TailMask(int n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
inline VecF32 Zero() { return {_mm256_setzero_ps()}; }
inline VecF32 Broadcast(float x) { return {_mm256_set1_ps(x)}; }
inline VecF32 Load(const float* p) { return {_mm256_loadu_ps(p)}; }
inline VecF32 LoadPartial(const float* p, int n) { return {_mm256_maskload_ps(p, TailMask(n))}; }
inline void Store(float* p, VecF32 a) { _mm256_storeu_ps(p, a.v); }
inline void StorePartial(float* p, VecF32 a, int n) { _mm256_maskstore_ps(p, TailMask(n), a.v); }
inline VecF32 Fma(VecF32 a, VecF32 b, VecF32 acc) { return {_mm256_fmadd_ps(a.v, b.v, acc.v)}; }
inline VecF32 Add(VecF32 a, VecF32 b) { return {_mm256_add_ps(a.v, b.v)}; }
inline VecF32 Sub(VecF32 a, VecF32 b) { return {_mm256_sub_ps(a.v, b.v)}; }
inline VecF32 Div(VecF32 a, VecF32 b) { return {_mm256_div_ps(a.v, b.v)}; }
inline VecF32 Min(VecF32 a, VecF32 b) { return {_mm256_min_ps(a.v, b.v)}; }
inline VecF32 Max(VecF32 a, VecF32 b) { return {_mm256_max_ps(a.v, b.v)}; }

#elif defined(__aarch64__) && defined(__ARM_NEON)

struct VecF32 {
  static constexpr int kWidth = 4;
  static constexpr const char* kIsa = "neon";
  float32x4_t v;
};
inline VecF32 Zero() { return {vdupq_n_f32(0.f)}; }
inline VecF32 Broadcast(float x) { return {vdupq_n_f32(x)}; }
inline VecF32 Load(const float* p) { return {vld1q_f32(p)}; }
// NEON has no masked loads: the tail goes through a zeroed buffer, so memory past p + n is not touched.
inline VecF32 LoadPartial(const float* p, int n) {
  float tmp[4] = {0.f, 0.f, 0.f, 0.f};
  for (int i = 0; i < n; ++i) tmp[i] = p[i];
  return {vld1q_f32(tmp)};
}
inline void Store(float* p, VecF32 a) { vst1q_f32(p, a.v); }
inline void StorePartial(float* p, VecF32 a, int n) {
  float tmp[4];
  vst1q_f32(tmp, a.v);
  for (int i = 0; i < n; ++i) p[i] = tmp[i];
}
inline VecF32 Fma(VecF32 a, VecF32 b, VecF32 acc) { return {vfmaq_f32(acc.v, a.v, b.v)}; }
inline VecF32 Add(VecF32 a, VecF32 b) { return {vaddq_f32(a.v, b.v)}; }
inline VecF32 Sub(VecF32 a, VecF32 b) { return {vsubq_f32(a.v, b.v)}; }
inline VecF32 Div(VecF32 a, VecF32 b) { return {vdivq_f32(a.v, b.v)}; }
// x86's NaN rule, kept so every ISA clamps and pools alike: the second operand wins when either is NaN
// (fmin/fmax would return the NaN whichever side it is on).
inline VecF32 Min(VecF32 a, VecF32 b) { return {vbslq_f32(vcltq_f32(a.v, b.v), a.v, b.v)}; }
inline VecF32 Max(VecF32 a, VecF32 b) { return {vbslq_f32(vcgtq_f32(a.v, b.v), a.v, b.v)}; }

#else

// Portable fallback: plain arrays the compiler may vectorize for whatever the target has.
struct VecF32 {
  static constexpr int kWidth = 4;
  static constexpr const char* kIsa = "portable";
  float v[4];
};
inline VecF32 Zero() { return {{0.f, 0.f, 0.f, 0.f}}; }
inline VecF32 Broadcast(float x) { return {{x, x, x, x}}; }
inline VecF32 Load(const float* p) { return {{p[0], p[1], p[2], p[3]}}; }
inline VecF32 LoadPartial(const float* p, int n) {
  VecF32 r = Zero();
  for (int i = 0; i < n; ++i) r.v[i] = p[i];
  return r;
}
inline void Store(float* p, VecF32 a) {
  for (int i = 0; i < 4; ++i) p[i] = a.v[i];
}
inline void StorePartial(float* p, VecF32 a, int n) {
  for (int i = 0; i < n; ++i) p[i] = a.v[i];
}
#define EL_VEC_LANEWISE(NAME, EXPR)                       \
  inline VecF32 NAME(VecF32 a, VecF32 b) {                \
    VecF32 r;                                             \
    for (int i = 0; i < 4; ++i) r.v[i] = (EXPR);          \
    return r;                                             \
  }
EL_VEC_LANEWISE(Add, a.v[i] + b.v[i])
EL_VEC_LANEWISE(Sub, a.v[i] - b.v[i])
EL_VEC_LANEWISE(Div, a.v[i] / b.v[i])
// Same NaN rule as x86 min/max: the second operand wins when either is NaN.
EL_VEC_LANEWISE(Min, a.v[i] < b.v[i] ? a.v[i] : b.v[i])
EL_VEC_LANEWISE(Max, a.v[i] > b.v[i] ? a.v[i] : b.v[i])
#undef EL_VEC_LANEWISE
inline VecF32 Fma(VecF32 a, VecF32 b, VecF32 acc) {
  VecF32 r;
  for (int i = 0; i < 4; ++i) r.v[i] = a.v[i] * b.v[i] + acc.v[i];
  return r;
}

#endif

constexpr int kVecWidth = VecF32::kWidth;

// Clamp to a fused activation's [lo, hi]. The value goes second so that a NaN passes through, as it
// does through the scalar std::min(std::max(v, lo), hi) of the reference kernels.
inline VecF32 ClampVec(VecF32 a, VecF32 lo, VecF32 hi) { return Min(hi, Max(lo, a)); }

// n <= kWidth lanes, whole vectors and tails alike: on AVX-512 one masked load or store (as fast as a plain one,
// and one copy of a loop's body instead of two); elsewhere a branch (AVX2's masked stores are slow on AMD cores).
inline VecF32 LoadUpTo(const float* p, int n) {
#if defined(__AVX512F__)
  return LoadPartial(p, n);
#else
  return n == kVecWidth ? Load(p) : LoadPartial(p, n);
#endif
}
inline void StoreUpTo(float* p, VecF32 a, int n) {
#if defined(__AVX512F__)
  StorePartial(p, a, n);
#else
  if (n == kVecWidth) {
    Store(p, a);
  } else {
    StorePartial(p, a, n);
  }
#endif
}

inline int64_t RoundUp(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

// Copies / zeroes n floats inline. For the short runs of im2col (a few channels) a libc memcpy call
// costs more than the copy.
inline void CopyFloats(float* dst, const float* src, int64_t n) {
  int64_t i = 0;
  for (; i + kVecWidth <= n; i += kVecWidth) Store(dst + i, Load(src + i));
  if (i < n) StorePartial(dst + i, LoadPartial(src + i, static_cast<int>(n - i)), static_cast<int>(n - i));
}
inline void ZeroFloats(float* dst, int64_t n) {
  int64_t i = 0;
  for (; i + kVecWidth <= n; i += kVecWidth) Store(dst + i, Zero());
  if (i < n) StorePartial(dst + i, Zero(), static_cast<int>(n - i));
}

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
