// f32 TRANSPOSE_CONV on the packed GEMM, as a GEMM and a col2im. For a band of input rows, one GEMM per filter
// tap (ky, kx) writes every input pixel's out_c contributions of that tap side by side, so each pixel's row of
// the band matrix holds its (ky, kx, oc) contributions in the order the output needs; then each output pixel of
// the band's output rows gathers the few contributions that land on it, adds the bias and clamps. Gathering by
// output pixel makes the col2im a plain parallel loop with no write conflicts; bands keep the matrix in cache
// and bounded, and recompute the input rows two bands share when the filter is taller than the stride.
#pragma once

#include <cstddef>
#include <cstdint>

#include "interpreter/kernels/optimized/vector_isa.h"
#include "interpreter/kernels/reference/transpose_conv.h"

namespace edgelite {

class ThreadPool;

namespace optimized {

using reference::TransposeConvGeometry;

// The most filter taps that may reach one output pixel (ceil(filter_h / stride_h) * ceil(filter_w / stride_w)):
// the col2im keeps their addresses on the stack. Larger filters run the reference kernel.
constexpr int kMaxTransposeConvTapsPerPixel = 256;

struct TransposeConvLayout {
  int taps = 0;              // filter_h * filter_w
  int band_rows = 0;         // input rows per band (at most in_h)
  size_t packed_floats = 0;  // one packed [out_c, in_c] matrix per tap
  size_t scratch_floats = 0;  // the band matrix: band_rows * in_w rows of taps * out_c
};

// One vector ISA's transposed convolution. plan reads only the input and filter sizes of `g` (batch, in_*,
// out_c, filter_*, stride_*), so it runs before an output shape known only at eval.
struct TransposeConvF32Kernels {
  TransposeConvLayout (*plan)(const TransposeConvGeometry& g);
  // Packs an OHWI filter into layout.packed_floats floats.
  void (*pack)(const TransposeConvGeometry& g, const TransposeConvLayout& layout, const float* filter,
               float* packed);
  // `bias` may be null; scratch holds layout.scratch_floats floats.
  void (*run)(const TransposeConvGeometry& g, const TransposeConvLayout& layout, const float* input,
              const float* packed, const float* bias, float* output, float* scratch, float out_min, float out_max,
              ThreadPool& pool);
};

EL_DECLARE_PER_VECTOR_ISA(TransposeConvF32Kernels, kTransposeConvF32)

inline const TransposeConvF32Kernels* TransposeConvF32For(Isa isa) { return EL_FOR_VECTOR_ISA(isa, kTransposeConvF32); }

}  // namespace optimized
}  // namespace edgelite
