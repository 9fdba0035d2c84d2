// The output-pixel walk of the vectorized pooling kernels (pooling_f32.cc, pooling_8bit.cc): output rows split
// over the thread pool, each output pixel's window clipped to the image once. For sources compiled once per
// vector ISA.
#pragma once

#ifndef EL_ISA_NS
#error "for sources compiled once per vector ISA (kernels/optimized/*.cc); CMake sets EL_ISA_NS"
#endif

#include <algorithm>
#include <cstdint>

#include "interpreter/kernels/reference/window_geometry.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {

// Calls fn(image, out, y0, y1, x0, x1) for every output pixel: `image` the pixel's batch image, `out` its
// channels, the window clipped to the image's rows [y0, y1) and columns [x0, x1). `value_cost` is the thread
// pool's cost of one window value of one channel.
template <typename T, typename PixelFn>
void ForEachPoolOutputPixel(const reference::WindowGeometry& g, const T* input, T* output, double value_cost,
                            ThreadPool& pool, PixelFn&& fn) {
  const int channels = g.in_c;
  const int64_t rows = static_cast<int64_t>(g.batch) * g.out_h;
  const double row_cost = value_cost * static_cast<double>(g.out_w) * channels * g.filter_h * g.filter_w;
  pool.ParallelFor(rows, row_cost, [&](int64_t begin, int64_t end, int) {
    for (int64_t r = begin; r < end; ++r) {
      const int b = static_cast<int>(r / g.out_h), oy = static_cast<int>(r % g.out_h);
      const T* image = input + static_cast<int64_t>(b) * g.in_h * g.in_w * channels;
      const int iy0 = oy * g.stride_h - g.pad_top;
      const int y0 = std::max(iy0, 0), y1 = std::min(iy0 + g.filter_h, g.in_h);
      for (int ox = 0; ox < g.out_w; ++ox) {
        const int ix0 = ox * g.stride_w - g.pad_left;
        const int x0 = std::max(ix0, 0), x1 = std::min(ix0 + g.filter_w, g.in_w);
        fn(image, output + (r * g.out_w + ox) * channels, y0, y1, x0, x1);
      }
    }
  });
}

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
