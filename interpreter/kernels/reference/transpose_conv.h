// TRANSPOSE_CONV (float32) as .tflite defines it: every input pixel adds filter[:, ky, kx, :] x its channels
// into output pixel (y*stride_h - pad_top + ky, x*stride_w - pad_left + kx), taps outside the output dropped;
// then bias and the fused activation's clamp. NHWC input and output, OHWI filter. Plain math, no framework
// types.
#pragma once

#include <algorithm>
#include <cstdint>

namespace edgelite {
namespace reference {

struct TransposeConvGeometry {
  int batch = 0, in_h = 0, in_w = 0, in_c = 0;  // the data input
  int out_h = 0, out_w = 0, out_c = 0;          // the output
  int filter_h = 0, filter_w = 0;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0;  // output rows (columns) of the full result cropped off before the first
};

// The scatter form (each input pixel's contributions in turn) into `acc`, which the caller zeroed: every input
// pixel's (x + input_offset) * w products over the taps that land inside the output. Shared by the float and the
// integer kernels (input_offset 0 for float).
template <typename T, typename Acc>
inline void TransposeConvScatter(const TransposeConvGeometry& g, const T* input, const T* filter, Acc input_offset,
                                 Acc* acc) {
  for (int b = 0; b < g.batch; ++b) {
    for (int y = 0; y < g.in_h; ++y) {
      for (int x = 0; x < g.in_w; ++x) {
        const T* px = input + ((static_cast<int64_t>(b) * g.in_h + y) * g.in_w + x) * g.in_c;
        for (int ky = 0; ky < g.filter_h; ++ky) {
          const int oy = y * g.stride_h - g.pad_top + ky;
          if (oy < 0 || oy >= g.out_h) continue;
          for (int kx = 0; kx < g.filter_w; ++kx) {
            const int ox = x * g.stride_w - g.pad_left + kx;
            if (ox < 0 || ox >= g.out_w) continue;
            Acc* out = acc + ((static_cast<int64_t>(b) * g.out_h + oy) * g.out_w + ox) * g.out_c;
            for (int oc = 0; oc < g.out_c; ++oc) {
              const T* w = filter + ((static_cast<int64_t>(oc) * g.filter_h + ky) * g.filter_w + kx) * g.in_c;
              Acc sum = 0;
              for (int ic = 0; ic < g.in_c; ++ic) sum += (px[ic] + input_offset) * w[ic];
              out[oc] += sum;
            }
          }
        }
      }
    }
  }
}

// `output` is overwritten. `bias` may be null.
inline void TransposeConv2D(const TransposeConvGeometry& g, const float* input, const float* filter,
                            const float* bias, float* output, float out_min, float out_max) {
  const int64_t out_size = static_cast<int64_t>(g.batch) * g.out_h * g.out_w * g.out_c;
  std::fill(output, output + out_size, 0.f);
  TransposeConvScatter(g, input, filter, 0.f, output);
  for (int64_t i = 0; i < out_size; ++i) {
    const float v = output[i] + (bias ? bias[i % g.out_c] : 0.f);
    output[i] = std::min(std::max(v, out_min), out_max);
  }
}

}  // namespace reference
}  // namespace edgelite
