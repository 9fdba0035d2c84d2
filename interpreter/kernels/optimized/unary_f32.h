// Element-wise float32 loops of the unary operators, one table per vector ISA (unary_f32.cc). The
// transcendental ones use the branch-free functions of transcendental_f32.h, so each loop compiles to
// full-width vector code; the rest are reference/activations.h's formulas, which vectorize as written.
#pragma once

#include <cstdint>

#include "interpreter/kernels/optimized/vector_isa.h"

namespace edgelite {
namespace optimized {

// out[i] = f(in[i]) for i in [0, n); `param` is LEAKY_RELU's alpha, ignored by the others. `in` and
// `out` do not overlap or are the same.
using UnaryLoopF32 = void (*)(const float* in, float* out, int64_t n, float param);

struct UnaryF32Kernels {
  UnaryLoopF32 logistic, tanh, gelu_exact, gelu_tanh, exp, log, sin, cos, elu, floor, ceil;
  UnaryLoopF32 relu, relu6, hard_swish, rsqrt, sqrt, square, leaky_relu, neg, abs;
  UnaryLoopF32 relu_n1_to_1, relu_0_to_1, round, sign;
};

EL_DECLARE_PER_VECTOR_ISA(UnaryF32Kernels, kUnaryF32)

inline const UnaryF32Kernels* UnaryF32For(Isa isa) { return EL_FOR_VECTOR_ISA(isa, kUnaryF32); }

}  // namespace optimized
}  // namespace edgelite
