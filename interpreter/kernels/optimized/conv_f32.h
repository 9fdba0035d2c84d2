// f32 CONV_2D on the packed GEMM. A 1x1 stride-1 convolution is one GEMM straight on the NHWC input
// (pixels are rows, channels columns); every other shape copies blocks of output rows' receptive
// fields into per-thread scratch (im2col) and runs the same GEMM on each block.
#pragma once

#include <cstddef>
#include <cstdint>

#include "interpreter/kernels/reference/window_geometry.h"

namespace edgelite {

class ThreadPool;

namespace optimized {

using reference::WindowGeometry;

// Layout of a convolution's GEMM: groups = in_c / filter_in_c, and per group a [k, n] product.
struct ConvGemmLayout {
  int groups = 1;
  int k = 0;  // filter_h * filter_w * filter_in_c
  int n = 0;  // out_c / groups
  bool direct = false;  // 1x1, stride 1: the input is the GEMM's A, no im2col
  int64_t rows_per_task = 0;  // output pixels per thread (im2col only)
  int block_rows = 0;   // im2col rows per block (a multiple of the GEMM row tile, at most rows_per_task)
  size_t packed_floats = 0;   // packed weights for all groups
  size_t scratch_floats = 0;  // im2col scratch for all threads
};

ConvGemmLayout PlanConvGemm(const WindowGeometry& g, int filter_in_c, int num_threads);

// Packs an OHWI filter (and optional bias) for every group into layout.packed_floats floats.
void PackConvWeights(const ConvGemmLayout& layout, const float* filter, const float* bias, float* packed);

// scratch needs layout.scratch_floats floats (none when direct).
void ConvF32(const WindowGeometry& g, const ConvGemmLayout& layout, const float* input, const float* packed,
             float* output, float* scratch, float out_min, float out_max, ThreadPool& pool);

}  // namespace optimized
}  // namespace edgelite
