// f32 DEPTHWISE_CONV_2D with depth multiplier 1: a direct NHWC kernel vectorized over channels. Each
// output pixel sums its taps, one input pointer per tap; taps that fall in the padding read a row of
// zeros instead, so the inner loop never branches.
#pragma once

#include <cstddef>

#include "interpreter/kernels/optimized/vector_isa.h"
#include "interpreter/kernels/reference/window_geometry.h"

namespace edgelite {

class ThreadPool;

namespace optimized {

using reference::WindowGeometry;

// Tap pointers live on the stack; larger filters (beyond 8x8) go to the reference kernel.
constexpr int kMaxDepthwiseTaps = 64;

// One vector ISA's depthwise convolution. Packed layout: bias[cp], then weights[tap][cp], then cp zeros
// (the padding row), cp = channels rounded up to a whole vector of the ISA.
struct DepthwiseF32Kernels {
  size_t (*packed_size)(int channels, int taps);
  // filter is [taps][channels] (the .tflite [1, h, w, c] layout); bias may be null.
  void (*pack)(const float* filter, const float* bias, int channels, int taps, float* packed);
  // Requires g.out_c == g.in_c and filter_h * filter_w <= kMaxDepthwiseTaps.
  void (*run)(const WindowGeometry& g, const float* input, const float* packed, float* output, float out_min,
              float out_max, ThreadPool& pool);
};

EL_DECLARE_PER_VECTOR_ISA(DepthwiseF32Kernels, kDepthwiseF32)

inline const DepthwiseF32Kernels* DepthwiseF32For(Isa isa) { return EL_FOR_VECTOR_ISA(isa, kDepthwiseF32); }

}  // namespace optimized
}  // namespace edgelite
