// 8-bit SOFTMAX rows by table (softmax_int8.cc): an 8-bit input's difference from its row maximum has 256
// possible values, so prepare tabulates the fixed-point exp of each (exactly the reference's value) and a
// row costs two lookups and one multiply per element instead of the exp polynomial twice.
#pragma once

#include <cstdint>

#include "interpreter/kernels/optimized/vector_isa.h"

namespace edgelite {
namespace optimized {

// exp_by_distance[i]: the Q0.31 exp of the difference -i, 0 where the reference skips it (-i < diff_min).
struct Softmax8Table {
  int32_t exp_by_distance[256];
};

// Rows [row_begin, row_end) of [rows, depth] values.
template <typename In, typename Out>
using Softmax8RowsFn = void (*)(const In* in, Out* out, int64_t row_begin, int64_t row_end, int64_t depth,
                                const Softmax8Table& table);

struct Softmax8Kernels {
  Softmax8RowsFn<int8_t, int8_t> int8_to_int8;
  Softmax8RowsFn<int8_t, int16_t> int8_to_int16;
  Softmax8RowsFn<uint8_t, uint8_t> uint8_to_uint8;
  Softmax8RowsFn<uint8_t, int16_t> uint8_to_int16;
};

EL_DECLARE_PER_VECTOR_ISA(Softmax8Kernels, kSoftmax8)

inline const Softmax8Kernels* Softmax8For(Isa isa) { return EL_FOR_VECTOR_ISA(isa, kSoftmax8); }

}  // namespace optimized
}  // namespace edgelite
