// f32 DEPTHWISE_CONV_2D: a direct NHWC kernel vectorized over channels. Each output pixel sums its taps,
// one input pointer per tap; taps that fall in the padding read a row of zeros instead, so the inner loop
// never branches. A depth multiplier m > 1 first repeats each input channel m times (`expand`), which makes
// it a multiplier-1 convolution over the output's channels.
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
  // Requires g.out_c == g.in_c and filter_h * filter_w <= kMaxDepthwiseTaps. `hard_swish` applies HARD_SWISH after
  // the clamp, row by row (a fused HARD_SWISH node).
  void (*run)(const WindowGeometry& g, const float* input, const float* packed, float* output, float out_min,
              float out_max, bool hard_swish, ThreadPool& pool);
  // out[p][c * multiplier + j] = in[p][c] for `pixels` pixels of `channels` channels.
  void (*expand)(const float* in, int64_t pixels, int channels, int multiplier, float* out, ThreadPool& pool);
};

EL_DECLARE_PER_VECTOR_ISA(DepthwiseF32Kernels, kDepthwiseF32)

inline const DepthwiseF32Kernels* DepthwiseF32For(Isa isa) { return EL_FOR_VECTOR_ISA(isa, kDepthwiseF32); }

}  // namespace optimized
}  // namespace edgelite
