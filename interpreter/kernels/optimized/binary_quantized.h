// Vectorized loops of the quantized ADD, SUB and MUL (int8, uint8, int16) for inputs that line up simply
// (binary_elementwise.h's layouts), one table per vector ISA (binary_quantized.cc): each output value is
// reference/integer's always-inlined arithmetic, or (8-bit ADD and SUB on x86-64) int8_add_sub.h's, so the results
// are the reference's, bit for bit.
#pragma once

#include "interpreter/kernels/optimized/binary_elementwise.h"

namespace edgelite {

class ThreadPool;

namespace optimized {

// out = op(a, b) over the layout with the operator's parameters (reference::integer::AddSubParams or
// MulParams), split across the pool.
using QuantizedBinaryLoop = void (*)(const BinaryLayout& layout, const void* params, const void* a, const void* b,
                                     void* out, ThreadPool& pool);

// Indexed by dtype: int8, uint8, int16.
struct QuantizedBinaryKernels {
  QuantizedBinaryLoop add[3], sub[3], mul[3];
};

EL_DECLARE_PER_VECTOR_ISA(QuantizedBinaryKernels, kQuantizedBinary)

inline const QuantizedBinaryKernels* QuantizedBinaryFor(Isa isa) { return EL_FOR_VECTOR_ISA(isa, kQuantizedBinary); }

}  // namespace optimized
}  // namespace edgelite
