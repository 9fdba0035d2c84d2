// The int8 matrix-vector product of the dynamic-range recurrent kernels (LSTM, RNN, SVDF), one table per vector
// ISA (hybrid_matvec.cc): reference/sequence_matvec.h's HybridMatVecAccumulate with its integer sums
// vectorized. Integer sums do not depend on their order, so every row equals the reference bit for bit.
#pragma once

#include "interpreter/kernels/optimized/vector_isa.h"
#include "interpreter/kernels/reference/sequence_matvec.h"

namespace edgelite {
namespace optimized {

struct HybridMatVecKernels {
  reference::HybridMatVecFn accumulate;
};

EL_DECLARE_PER_VECTOR_ISA(HybridMatVecKernels, kHybridMatVec)

inline const HybridMatVecKernels* HybridMatVecFor(Isa isa) { return EL_FOR_VECTOR_ISA(isa, kHybridMatVec); }

}  // namespace optimized
}  // namespace edgelite
