// IEEE half (float16) values held as uint16_t: conversion to and from float, and the float16 rows of kernels
// that compute in float32, as LiteRT's half kernels do (each value widened, the float operation, the result
// rounded back to the nearest half, ties to even).
#pragma once

#include <cstdint>

#include "interpreter/kernels/reference/dequantize.h"  // HalfToFloat

namespace edgelite {
namespace reference {

// Round to nearest, ties to even; beyond the largest half (65504 + half a step) infinity, NaN a quiet NaN.
// Out of line (float16.cc): the float16 rows are rare, so one copy of it is worth more than its inlining.
uint16_t FloatToHalf(float f);
void FloatToHalf(const float* in, uint16_t* out, int64_t n);

inline float RoundToHalf(float f) { return HalfToFloat(FloatToHalf(f)); }

}  // namespace reference
}  // namespace edgelite
