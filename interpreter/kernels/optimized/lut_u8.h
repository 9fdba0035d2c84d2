// 8-bit table lookup (one byte in, one byte out, 256 entries) vectorized per ISA (lut_u8.cc): the fast path
// of every 8-bit element-wise integer operator, whose output depends on the input value alone (prepare
// builds the table, exact by construction).
#pragma once

#include <cstdint>

#include "interpreter/kernels/optimized/vector_isa.h"

namespace edgelite {
namespace optimized {

// out[i] = table[in[i]] for i in [0, n); `in` and `out` do not overlap or are the same.
using LookupU8Fn = void (*)(const uint8_t* in, uint8_t* out, int64_t n, const uint8_t table[256]);

struct LutU8Kernels {
  LookupU8Fn lookup;
};

EL_DECLARE_PER_VECTOR_ISA(LutU8Kernels, kLutU8)

inline const LutU8Kernels* LutU8For(Isa isa) { return EL_FOR_VECTOR_ISA(isa, kLutU8); }

}  // namespace optimized
}  // namespace edgelite
