// f32 DEPTHWISE_CONV_2D with depth multiplier 1: a direct NHWC kernel vectorized over channels. Each
// output pixel sums its taps, one input pointer per tap; taps that fall in the padding read a row of
// zeros instead, so the inner loop never branches.
#pragma once

#include <cstddef>

#include "interpreter/kernels/reference/window_geometry.h"

namespace edgelite {

class ThreadPool;

namespace optimized {

using reference::WindowGeometry;

// Tap pointers live on the stack; larger filters (beyond 8x8) go to the reference kernel.
constexpr int kMaxDepthwiseTaps = 64;

// Packed layout: bias[cp], then weights[tap][cp], then cp zeros (the padding row), cp = channels
// rounded up to a whole vector.
size_t PackedDepthwiseWeightsSize(int channels, int taps);

// filter is [taps][channels] (the .tflite [1, h, w, c] layout); bias may be null.
void PackDepthwiseWeights(const float* filter, const float* bias, int channels, int taps, float* packed);

// Requires g.out_c == g.in_c and filter_h * filter_w <= kMaxDepthwiseTaps.
void DepthwiseConvF32(const WindowGeometry& g, const float* input, const float* packed, float* output,
                      float out_min, float out_max, ThreadPool& pool);

}  // namespace optimized
}  // namespace edgelite
