// int8 CONV_2D and FULLY_CONNECTED on a packed int8 GEMM with per-channel requantization, bit-exact with
// LiteRT's reference kernels. The filter is packed once into column panels of the micro-kernel's layout,
// each panel headed by its channels' bias (with the input zero point's share folded in) and requantization
// constants. A 1x1 stride-1 convolution (and FULLY_CONNECTED, a 1x1 convolution of [rows, 1, 1, depth])
// multiplies the NHWC input directly, row blocks converted into the micro-kernel's operand format; other
// shapes copy blocks of receptive fields (im2col, padding = the input zero point). One table per ISA:
// AVX-512 VNNI (vpdpbusd), AVX2 (vpmaddwd on int16) and AMX (tdpbssd) on x86-64 (optimized/x86/); NEON
// (smull + sadalp) and NEON with dot products (sdot) on AArch64 (optimized/arm/).
#pragma once

#include <cstddef>
#include <cstdint>

#include "interpreter/cpu_features.h"
#include "interpreter/kernels/reference/integer/requantize.h"
#include "interpreter/kernels/reference/window_geometry.h"

namespace edgelite {

class ThreadPool;

namespace optimized {

using reference::WindowGeometry;

// How output channel c's int32 accumulator (bias included) becomes an int8 value. Exactly one of
// `multiplier`/`shift` (CONV_2D: MultiplyByQuantizedMultiplier, docs/integer_kernels.md section 1) and
// `scale` (LiteRT 2.3.0's FULLY_CONNECTED: int32(round(double(acc) * scale[c])), x86's INT32_MIN on
// overflow) is set, one entry per output channel; then + output_zero_point, clamped to [out_min, out_max]
// (the activation range, zero point included), all as the reference does it.
struct Int8OutputStage {
  const int32_t* multiplier = nullptr;
  const int* shift = nullptr;
  const double* scale = nullptr;
  int32_t output_zero_point = 0;
  int32_t out_min = -128, out_max = 127;
};

// The output stage of a filter kernel's integer rows (quantized_filter.h prepares `q`): the multipliers, or
// with double_scale (FULLY_CONNECTED) the double scales. The filter must be symmetric (q.filter_offset 0).
inline Int8OutputStage IntegerOutputStage(const reference::integer::FilterQuantization& q, bool double_scale) {
  Int8OutputStage s;
  if (double_scale) {
    s.scale = q.scale;
  } else {
    s.multiplier = q.multiplier;
    s.shift = q.shift;
  }
  s.output_zero_point = q.output_offset;
  s.out_min = q.act_min;
  s.out_max = q.act_max;
  return s;
}

// What plan decides for one convolution: groups = in_c / filter_in_c, and per group an [m, k] x [k, n]
// product whose k is padded to the micro-kernel's step (kp).
struct Int8ConvLayout {
  int groups = 1;
  int k = 0, kp = 0, n = 0;
  bool direct = false;        // 1x1, stride 1, no padding: rows of the input are rows of A
  bool input_is_a = false;    // direct, and the input's bytes are A's operand as they are: no copy of A
  int epilogue = 0;           // the output stage's variant (the ISA's index); packing may take a cheaper one
  int32_t out_min = 0, out_max = 0;
  bool split_panels = false;  // few rows for the threads: A is converted once and the panels are shared out
  int64_t rows_per_task = 0;  // an even share of the output pixels per thread, which caps block_rows
  int block_rows = 0;         // rows of A converted at a time (a multiple of the row tile)
  size_t packed_bytes = 0;    // packed weights of all groups
  size_t scratch_bytes = 0;   // operand blocks of all threads
};

// One ISA's int8 convolution: plan, pack and run with the same table (the packed layout is the ISA's).
struct Int8ConvKernels {
  Int8ConvLayout (*plan)(const WindowGeometry& g, int filter_in_c, const Int8OutputStage& stage, int num_threads);
  // Packs an OHWI int8 filter [out_c, kh, kw, filter_in_c] (symmetric: its zero point is 0), the int32 bias
  // (may be null) and the output stage for every group into layout.packed_bytes bytes (64-byte aligned).
  void (*pack)(const Int8ConvLayout& layout, const int8_t* filter, const int32_t* bias, int32_t input_zero_point,
               const Int8OutputStage& stage, void* packed);
  // scratch: layout.scratch_bytes bytes, 64-byte aligned.
  void (*run)(const WindowGeometry& g, const Int8ConvLayout& layout, const int8_t* input, int32_t input_zero_point,
              const void* packed, int8_t* output, void* scratch, ThreadPool& pool);
};

#if defined(__x86_64__) || defined(_M_X64)
namespace avx2 { extern const Int8ConvKernels kInt8Conv; }
namespace avx512vnni { extern const Int8ConvKernels kInt8Conv; }
namespace amx { extern const Int8ConvKernels kInt8Conv; }
#elif defined(__aarch64__)
namespace neon { extern const Int8ConvKernels kInt8Conv; }
namespace neondot { extern const Int8ConvKernels kInt8Conv; }
#endif

// The table for a row's ISA (kAvx2, kAvx512Vnni, kAmxInt8; kNeon, kNeonDot), or null when this build has none
// for it.
inline const Int8ConvKernels* Int8ConvFor(Isa isa) {
#if defined(__x86_64__) || defined(_M_X64)
  switch (isa) {
    case Isa::kAvx2: return &avx2::kInt8Conv;
    case Isa::kAvx512Vnni: return &avx512vnni::kInt8Conv;
    case Isa::kAmxInt8: return &amx::kInt8Conv;
    default: return nullptr;
  }
#elif defined(__aarch64__)
  switch (isa) {
    case Isa::kNeon: return &neon::kInt8Conv;
    case Isa::kNeonDot: return &neondot::kInt8Conv;
    default: return nullptr;
  }
#else
  (void)isa;
  return nullptr;
#endif
}

// A FULLY_CONNECTED layer of `rows` input rows as the 1x1 convolution the tables run.
inline WindowGeometry FullyConnectedGeometry(int rows, int units, int depth) {
  WindowGeometry g;
  g.batch = 1;
  g.in_h = g.out_h = rows;
  g.in_w = g.out_w = 1;
  g.in_c = depth;
  g.out_c = units;
  return g;
}

}  // namespace optimized
}  // namespace edgelite
