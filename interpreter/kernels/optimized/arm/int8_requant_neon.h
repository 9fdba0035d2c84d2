// NEON requantization of 4 int32 accumulators, bit-exact with the reference: the fused
// MultiplyByQuantizedMultiplier of int8_gemm_driver.h with an arithmetic 64-bit shift (sshl by a negative
// count), or FULLY_CONNECTED's double-precision scale with std::round's ties away from zero and x86's
// INT32_MIN beyond int32 (FloatToInt32LikeX86, what the stored LiteRT outputs were computed with); then the
// clamp and the int8 stores. Shared by the int8 GEMM (neon, neondot) and depthwise kernels.
#pragma once

#include <arm_neon.h>

#include <cstring>

#include "interpreter/kernels/optimized/int8_gemm_driver.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace int8_gemm {

// h: one vector's header (4 lanes, kHeaderSlots slots of 16 bytes).
inline int32x4_t Slot(const uint8_t* h, int slot) { return vld1q_s32(reinterpret_cast<const int32_t*>(h + slot * 16)); }
inline int64x2_t Slot64(const uint8_t* h, int slot) {
  return vld1q_s64(reinterpret_cast<const int64_t*>(h + slot * 16));
}

// The header keeps lanes 0 and 2 in the *Even slots (qwords 0, 1) and lanes 1 and 3 in the *Odd ones: xtn takes
// the even lanes of a vector, shrn #32 the odd ones, and vmull_s32 multiplies two of them into int64.
template <bool kLeftShift>
inline int32x4_t RequantMultiplier4(int32x4_t x, const uint8_t* h) {
  if (kLeftShift) x = vshlq_s32(x, Slot(h, kLeft));  // wraps, as the reference's int32 shift
  const int64x2_t x64 = vreinterpretq_s64_s32(x), m64 = vreinterpretq_s64_s32(Slot(h, kMult));
  const int64x2_t pe = vmull_s32(vmovn_s64(x64), vmovn_s64(m64));
  const int64x2_t po = vmull_s32(vshrn_n_s64(x64, 32), vshrn_n_s64(m64, 32));
  int64x2_t se = vaddq_s64(pe, Slot64(h, kAddEven));
  int64x2_t so = vaddq_s64(po, Slot64(h, kAddOdd));
  se = vsubq_s64(se, vandq_s64(vreinterpretq_s64_u64(vcltzq_s64(pe)), Slot64(h, kNegEven)));
  so = vsubq_s64(so, vandq_s64(vreinterpretq_s64_u64(vcltzq_s64(po)), Slot64(h, kNegOdd)));
  se = vshlq_s64(se, vnegq_s64(Slot64(h, kShiftEven)));
  so = vshlq_s64(so, vnegq_s64(Slot64(h, kShiftOdd)));
  const int32x2_t qe = vmovn_s64(se), qo = vmovn_s64(so);
  const int32x4_t q = vcombine_s32(vzip1_s32(qe, qo), vzip2_s32(qe, qo));
  return vaddq_s32(q, Slot(h, kAfter));
}

// int32(std::round(v)) as x86 converts: INT32_MIN for NaN and values beyond int32.
inline int32x2_t RoundToInt32LikeX86(float64x2_t v) {
  const float64x2_t r = vrndaq_f64(v);
  const uint64x2_t in_range = vandq_u64(vcgtq_f64(r, vdupq_n_f64(-2147483649.0)), vcltq_f64(r, vdupq_n_f64(2147483648.0)));
  const int64x2_t t = vbslq_s64(in_range, vcvtq_s64_f64(r), vdupq_n_s64(INT32_MIN));
  return vmovn_s64(t);
}

// Double-scale stage: the scales of lanes 0, 1 in slot kMult, of lanes 2, 3 in kMultOdd (as doubles).
inline int32x4_t RequantDouble4(int32x4_t x, const uint8_t* h) {
  const float64x2_t lo = vmulq_f64(vcvtq_f64_s64(vmovl_s32(vget_low_s32(x))),
                                   vld1q_f64(reinterpret_cast<const double*>(h + kMult * 16)));
  const float64x2_t hi = vmulq_f64(vcvtq_f64_s64(vmovl_high_s32(x)),
                                   vld1q_f64(reinterpret_cast<const double*>(h + kMultOdd * 16)));
  return vaddq_s32(vcombine_s32(RoundToInt32LikeX86(lo), RoundToInt32LikeX86(hi)), Slot(h, kAfter));
}

// Epilogue E's requantization (int8_gemm_driver.h), before the clamp. With the zero point folded into the add
// term, kAfter holds 0, so one code path serves both.
template <int E>
inline int32x4_t Requant4(int32x4_t x, const uint8_t* h) {
  constexpr Stage S = EpilogueStage(E);
  if (S == Stage::kDoubleScale) return RequantDouble4(x, h);
  return RequantMultiplier4<S == Stage::kMultiplierLeftShift>(x, h);
}

inline void StoreBytes(int8_t* dst, int8x8_t b, int n) {
  if (n >= 8) {
    vst1_s8(dst, b);
  } else if (n == 4) {
    vst1_lane_s32(reinterpret_cast<int32_t*>(dst), vreinterpret_s32_s8(b), 0);
  } else {
    int8_t tmp[8];
    vst1_s8(tmp, b);
    std::memcpy(dst, tmp, n);
  }
}

// Clamps to [lo, hi] (with kClamp; else [lo, hi] is the int8 range, which the saturating narrowing gives) and
// stores the first n (1..4) lanes as int8.
template <bool kClamp>
inline void StoreInt8x4(int8_t* dst, int32x4_t v, int32x4_t lo, int32x4_t hi, int n) {
  if (kClamp) v = vminq_s32(vmaxq_s32(v, lo), hi);
  const int16x4_t w = vqmovn_s32(v);
  StoreBytes(dst, vqmovn_s16(vcombine_s16(w, w)), n < 4 ? n : 4);
}

// Two vectors' lanes as the first n (5..8) int8 values: saturating narrowing, then the clamp on bytes, which
// commutes with the saturation.
template <bool kClamp>
inline void StoreInt8x8(int8_t* dst, int32x4_t a, int32x4_t b, int8x8_t lo, int8x8_t hi, int n) {
  int8x8_t v = vqmovn_s16(vcombine_s16(vqmovn_s32(a), vqmovn_s32(b)));
  if (kClamp) v = vmin_s8(vmax_s8(v, lo), hi);
  StoreBytes(dst, v, n);
}

}  // namespace int8_gemm
}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
