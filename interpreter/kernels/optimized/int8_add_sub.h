// The 8-bit quantized ADD and SUB in 32-bit vector lanes, bit for bit reference::integer::AddSubValue: the
// constants (made per call from AddSubParams) and the span micro-kernels of x86/int8_add_sub_<isa>.cc.
//
// With d = x + input offset (|d| <= 255) and left shift 20, the reference scales each input by
//   RDBPOT(SRDHM(d << 20, m), e) = floor((d m + 2^10 + [e > 0] (2^(10+e) - [d < 0] 2^11)) / 2^(11+e))
// (int8_gemm_driver.h's FusedMultiplier formula divided by 2^20; m >= 2^30, so d m < 0 exactly when d < 0).
//  - The input of the larger scale has m = 2^30, e = 0 (its ratio is exactly 1/2): the value is d << 19.
//  - The other ("small") one: with m = mh 2^P + ml (P = min(11 + e, 15), ml < 2^15) the nested floors give
//    (d mh + ((d ml - [d < 0] 2^11 + c) >> P)) >> (11 + e - P), and d ml - [d < 0] 2^11 is one vpmaddwd of d's
//    int16 halves (d, sign) with (ml, 2^11). Every term fits int32 while e <= kMaxSmallShift.
// Their sum S (|S| < 2^28) goes through the output's fused multiplier in 64-bit lanes, exactly as the reference.
//
// That exact form is the fallback of a cheaper one. The reference output is zp + round(Z) (ties away from zero)
// with Z = s / 2^eo, s = SRDHM(S, mo); Z is within 1.5 2^-eo of the real Y = sum of +-d rho over both inputs
// (S is within 1 of its real value, SRDHM within 1/2, and mo / 2^(31+eo) < 2^-eo). The estimate
//   w = x_big R_big + x_small R_small + C,  R = round(rho 2^F), C = round((offset terms + zp + 1/2) 2^F) + 2^j
// (raw x, int32, F as large as keeps |w| < 2^30): w - 2^j is within 255.5 + 1.5 2^(F-eo) (+1 for the doubles)
// < 2^j of 2^F (Z + zp + 1/2), as each R's rounding moves it by at most 127.5 and C's by 1/2. Where w's fraction
// (its low F bits) is at least 2^(j+1), w - 2^j lies at least 2^j from every multiple of 2^F, so no rounding
// boundary lies between it and the reference's value (which is no tie either), and w >> F = zp + round(Z) is the
// output. A vector with a lane under that margin (1 in 2^(F-j-1) of values at random) takes the exact form.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "interpreter/kernels/optimized/vector_isa.h"
#include "interpreter/kernels/reference/integer/add_sub.h"

namespace edgelite {
namespace optimized {

struct Int8AddSubConstants {
  int32_t big_offset = 0;    // the 2^19 side's input offset, negated when that side is subtracted
  int32_t small_offset = 0;  // the other side's input offset
  int32_t small_mult_high = 0;
  int32_t small_madd = 0;    // int16 pair (ml, [e > 0] 2^11)
  int32_t small_add = 0;     // c = 2^10 + [e > 0] 2^(10+e)
  int small_shift = 0, small_shift2 = 0;
  int32_t out_mult = 0;
  int64_t out_add = 0, out_neg = 0;  // FusedMultiplier's add and neg
  int out_shift = 31;
  int32_t out_offset = 0, lo = 0, hi = 0;
  int32_t est_big = 0, est_small = 0, est_add = 0;  // R_big, R_small, C
  int est_shift = 0;                                // F
  int32_t est_sure = 0;  // bits j+1 .. F-1: a lane of w with none of them set takes the exact form (0: every lane)
};

constexpr int kMaxSmallShift = 19;

// The three sign patterns of S: ADD (+big +small), SUB with a the 2^19 side (+big -small), SUB with b (-big +small).
enum class Int8AddSubForm { kAdd = 0, kSubSmall = 1, kSubBig = 2 };

// The estimate's constants (above), or none (est_sure 0) where its margin would cover more than 1 in 2^8 values.
inline void MakeInt8AddSubEstimate(const QuantizedMultiplier& small, const reference::integer::AddSubParams& p,
                                   Int8AddSubForm form, bool swap, Int8AddSubConstants* c) {
  const int e = -small.shift, eo = -p.output.shift;
  const double rho_big = std::ldexp(static_cast<double>(p.output.multiplier), -(12 + eo)) *
                         (form == Int8AddSubForm::kSubBig ? -1 : 1);
  const double rho_small = std::ldexp(static_cast<double>(small.multiplier) * p.output.multiplier, -(42 + e + eo)) *
                           (form == Int8AddSubForm::kSubSmall ? -1 : 1);
  const int32_t off_big = swap ? p.input2_offset : p.input1_offset;
  const int32_t off_small = swap ? p.input1_offset : p.input2_offset;
  const double base = off_big * rho_big + off_small * rho_small + p.output_offset + 0.5;
  const double y_max = 255 * (std::fabs(rho_big) + std::fabs(rho_small)) + std::abs(p.output_offset) + 1;
  // One frexp each, not a loop of ldexp calls: this runs on every call, and a 7x7x160 ADD takes 1.5 us.
  int exponent;
  std::frexp(y_max + 2, &exponent);  // y_max + 2 < 2^exponent
  const int f = std::min(29, 30 - exponent);
  // |x| <= 255: each R's rounding moves w by up to 127.5, C's by 1/2, the reference by 1.5 2^(F-eo); 1 for
  // the doubles' rounding.
  const double error = 2 * 127.5 + 0.5 + 1 + 1.5 * std::ldexp(1.0, f - eo);
  int j;
  std::frexp(error, &j);  // error < 2^j
  if (j + 1 > f - 8) return;
  const double scale = static_cast<double>(int64_t{1} << f);
  c->est_big = static_cast<int32_t>(std::llround(rho_big * scale));
  c->est_small = static_cast<int32_t>(std::llround(rho_small * scale));
  c->est_add = static_cast<int32_t>(std::llround(base * scale) + (int64_t{1} << j));
  c->est_shift = f;
  c->est_sure = static_cast<int32_t>(((uint32_t{1} << f) - 1) & ~((uint32_t{1} << (j + 1)) - 1));
}

// Fills c and returns whether the vector form applies (8-bit types only); *swap: b is the 2^19 side (the
// micro-kernel takes it first).
inline bool MakeInt8AddSubConstants(const reference::integer::AddSubParams& p, bool subtract, Int8AddSubConstants* c,
                                    Int8AddSubForm* form, bool* swap) {
  const auto half = [](const QuantizedMultiplier& q) { return q.multiplier == (1 << 30) && q.shift == 0; };
  if (p.left_shift != 20 || !(half(p.input1) || half(p.input2))) return false;
  *swap = !half(p.input1);
  const QuantizedMultiplier small = *swap ? p.input1 : p.input2;
  const int e = -small.shift;
  const int eo = -p.output.shift;
  if (small.multiplier < (1 << 30) || e < 0 || e > kMaxSmallShift || p.output.multiplier < (1 << 30) || eo < 0 ||
      eo > 31) {
    return false;
  }
  *form = !subtract ? Int8AddSubForm::kAdd : *swap ? Int8AddSubForm::kSubBig : Int8AddSubForm::kSubSmall;
  const int32_t big_offset = *swap ? p.input2_offset : p.input1_offset;
  c->big_offset = *form == Int8AddSubForm::kSubBig ? -big_offset : big_offset;
  c->small_offset = *swap ? p.input1_offset : p.input2_offset;
  const int t = 11 + e;
  c->small_shift = t < 15 ? t : 15;
  c->small_shift2 = t - c->small_shift;
  c->small_mult_high = small.multiplier >> c->small_shift;
  const int32_t ml = small.multiplier & ((1 << c->small_shift) - 1);
  c->small_madd = static_cast<int32_t>(static_cast<uint32_t>(ml) | (e > 0 ? uint32_t{1} << 27 : 0));
  c->small_add = (1 << 10) + (e > 0 ? 1 << (10 + e) : 0);
  c->out_mult = p.output.multiplier;
  c->out_add = (int64_t{1} << 30) + (eo > 0 ? int64_t{1} << (30 + eo) : 0);
  c->out_neg = eo > 0 ? int64_t{1} << 31 : 0;
  c->out_shift = 31 + eo;
  c->out_offset = p.output_offset;
  c->lo = p.activation_min;
  c->hi = p.activation_max;
  MakeInt8AddSubEstimate(small, p, *form, *swap, c);
  return true;
}

// The spans' loop over steps of kStep values: step(i, count, estimate) computes values i .. i + count - 1 and says
// whether a vector of them took the exact form. Where those are not rare (scales whose ratios make many values
// land near a rounding boundary: ties of simple ratios), the estimate costs more than it saves: after 4 such
// steps that are a quarter of those run, the rest go to the exact form directly.
template <int kStep, typename StepFn>
inline void RunInt8AddSubSteps(bool estimate, int64_t n, const StepFn& step) {
  int64_t steps = 0, exact = 0;
  for (int64_t i = 0; i < n; i += kStep) {
    const int64_t count = n - i < kStep ? n - i : kStep;
    if (!estimate) {
      step(i, count, false);
      continue;
    }
    exact += step(i, count, true) ? 1 : 0;
    ++steps;
    estimate = !(exact >= 4 && 4 * exact >= steps);
  }
}

// out[i] = AddSubValue of (big[i], small[i]) for i < n (`big` is the 2^19 side), T int8_t or uint8_t.
template <typename T>
using Int8AddSubSpan = void (*)(const Int8AddSubConstants& c, const T* big, const T* small, T* out, int64_t n);

// Indexed by Int8AddSubForm.
struct Int8AddSubKernels {
  Int8AddSubSpan<int8_t> s8[3];
  Int8AddSubSpan<uint8_t> u8[3];
};

EL_IF_X86(namespace avx2 { extern const Int8AddSubKernels kInt8AddSub; }
          namespace avx512 { extern const Int8AddSubKernels kInt8AddSub; })

}  // namespace optimized
}  // namespace edgelite
