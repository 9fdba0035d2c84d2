// QUANTIZE float32 -> int8/uint8/int16 and DEQUANTIZE int8/uint8/int16/float16 -> float32, per tensor, one table
// per vector ISA (quantize.cc): the input and output conversions of full-integer models. Each loop gives
// exactly reference/integer/quantize.h's (and reference/dequantize.h's) values: the float32 division, round
// half away from zero, x86's INT32_MIN for NaN and overflow, the zero point added in wrapping int32.
#pragma once

#include <cstdint>

#include "interpreter/kernels/optimized/vector_isa.h"

namespace edgelite {
namespace optimized {

struct QuantizeKernels {
  void (*f32_to_i8)(const float* in, int8_t* out, int64_t n, float scale, int32_t zero_point);
  void (*f32_to_u8)(const float* in, uint8_t* out, int64_t n, float scale, int32_t zero_point);
  void (*f32_to_i16)(const float* in, int16_t* out, int64_t n, float scale, int32_t zero_point);
  void (*i8_to_f32)(const int8_t* in, float* out, int64_t n, float scale, int32_t zero_point);
  void (*u8_to_f32)(const uint8_t* in, float* out, int64_t n, float scale, int32_t zero_point);
  void (*i16_to_f32)(const int16_t* in, float* out, int64_t n, float scale, int32_t zero_point);
  // IEEE half -> float32 bit for bit as reference::HalfToFloat (signalling NaNs stay signalling): DEQUANTIZE's
  // float16 weights, widened once at prepare.
  void (*f16_to_f32)(const uint16_t* in, float* out, int64_t n);
};

EL_DECLARE_PER_VECTOR_ISA(QuantizeKernels, kQuantize)

inline const QuantizeKernels* QuantizeFor(Isa isa) { return EL_FOR_VECTOR_ISA(isa, kQuantize); }

}  // namespace optimized
}  // namespace edgelite
