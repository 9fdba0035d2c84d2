// f32 CONV_2D on the packed GEMM. A 1x1 stride-1 convolution is one GEMM straight on the NHWC input
// (pixels are rows, channels columns). Every other shape runs the GEMM on the input in place (implicit
// GEMM, no im2col copy): per block of output pixels, one pointer per pixel and filter tap to the tap's input
// channels, or to a row of zeros in the padding. Filters over few channels (a network's first layer: 3) take
// one pointer per filter row instead, its filter_w * in_c floats being contiguous in NHWC; only rows cut by
// the padding at the image's sides are copied.
#pragma once

#include <cstddef>
#include <cstdint>

#include "interpreter/kernels/optimized/vector_isa.h"
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
  bool direct = false;  // 1x1, stride 1: the input is the GEMM's A as it is
  // 3x3, stride 1: Winograd F(2x2, 3x3) (conv_f32_winograd.h) over blocks of winograd_tiles 2x2 output tiles;
  // the packed weights are its 16 transformed filters.
  bool winograd = false;
  int winograd_tiles = 0;
  // Otherwise an implicit GEMM whose A rows are segments read in place: one per filter row (filter_w * in_c
  // contiguous floats) when row_segments, else one per tap (the tap's filter_in_c channels).
  bool row_segments = false;
  int segments = 0, segment_len = 0;
  int64_t rows_per_task = 0;  // an even share of the output pixels per thread, which caps block_rows
  int block_rows = 0;   // rows per block (a multiple of the GEMM row tile, at most rows_per_task)
  size_t packed_floats = 0;   // packed weights for all groups
  size_t scratch_floats = 0;  // per-thread scratch: segment pointers, a zero row, copies of cut segments
  size_t task_scratch_floats = 0;  // one thread's part of it
};

// One vector ISA's convolution (its GEMM's packing and tiles, so plan, pack and run with one table).
struct ConvF32Kernels {
  ConvGemmLayout (*plan)(const WindowGeometry& g, int filter_in_c, int num_threads);
  // Packs an OHWI filter (and optional bias) for every group into layout.packed_floats floats.
  void (*pack)(const ConvGemmLayout& layout, const float* filter, const float* bias, float* packed);
  // scratch needs layout.scratch_floats floats (none when direct). `addend`, when not null, is added to the
  // output before the clamp (a fused residual ADD, laid out as the output); `hard_swish` applies HARD_SWISH after
  // it (a fused HARD_SWISH node).
  void (*run)(const WindowGeometry& g, const ConvGemmLayout& layout, const float* input, const float* packed,
              const float* addend, float* output, float* scratch, float out_min, float out_max, bool hard_swish,
              ThreadPool& pool);
};

EL_DECLARE_PER_VECTOR_ISA(ConvF32Kernels, kConvF32)

inline const ConvF32Kernels* ConvF32For(Isa isa) { return EL_FOR_VECTOR_ISA(isa, kConvF32); }

}  // namespace optimized
}  // namespace edgelite
