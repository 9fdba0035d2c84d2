// Float32 kernels over the rows of the last axis, one table per vector ISA (rows_f32.cc): the fast twins
// of reference/softmax.h and reference/l2_normalization.h, with lane-parallel max and sum and the
// branch-free ExpF (they round differently from the in-order sums).
#pragma once

#include <cstdint>

#include "interpreter/kernels/optimized/vector_isa.h"

namespace edgelite {
namespace optimized {

// Each works on rows [row_begin, row_end) of a [rows, depth] row-major matrix; depth >= 1; `in` and `out`
// do not overlap.
struct RowsF32Kernels {
  void (*softmax)(const float* in, float* out, int64_t row_begin, int64_t row_end, int64_t depth, float beta);
  void (*log_softmax)(const float* in, float* out, int64_t row_begin, int64_t row_end, int64_t depth);
  // Outputs clamped to [lo, hi] (the fused activation).
  void (*l2_normalize)(const float* in, float* out, int64_t row_begin, int64_t row_end, int64_t depth, float lo,
                       float hi);
};

EL_DECLARE_PER_VECTOR_ISA(RowsF32Kernels, kRowsF32)

inline const RowsF32Kernels* RowsF32For(Isa isa) { return EL_FOR_VECTOR_ISA(isa, kRowsF32); }

}  // namespace optimized
}  // namespace edgelite
