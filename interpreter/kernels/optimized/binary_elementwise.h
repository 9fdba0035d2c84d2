// The loops of the binary element-wise operators for inputs that line up simply (same shape, a scalar on
// either side, or b repeating along leading axes), one table per vector ISA (binary_elementwise.cc).
// Other broadcasts take the reference loop.
#pragma once

#include <cstdint>

#include "interpreter/kernels/optimized/vector_isa.h"
#include "interpreter/kernels/reference/binary_ops.h"

namespace edgelite {

class ThreadPool;

namespace optimized {

struct BinaryLayout {
  enum class Kind { kSameShape, kScalarB, kScalarA, kInnerBroadcastB };
  Kind kind = Kind::kSameShape;
  int64_t n = 0;                 // output elements
  int64_t outer = 0, inner = 0;  // kInnerBroadcastB: out = outer blocks of `inner` elements, b is one block
};

// out = clamp(op(a, b), lo, hi) over the layout, split across the pool.
using BinaryLoop = void (*)(const BinaryLayout& layout, const void* a, const void* b, void* out, float lo, float hi,
                            ThreadPool& pool);

// Indexed by reference::BinaryOp.
// i32 and i64, and every dtype's POW, FLOOR_DIV and FLOOR_MOD: in the baseline table only (null in the others:
// vector_isa.h's kBaselineBuild).
struct BinaryKernels {
  BinaryLoop f32[reference::kNumBinaryOps];
  BinaryLoop i32[reference::kNumBinaryOps];
  BinaryLoop i64[reference::kNumBinaryOps];
};

EL_DECLARE_PER_VECTOR_ISA(BinaryKernels, kBinary)

inline const BinaryKernels* BinaryFor(Isa isa) { return EL_FOR_VECTOR_ISA_WITH_BASELINE(isa, kBinary); }

}  // namespace optimized
}  // namespace edgelite
