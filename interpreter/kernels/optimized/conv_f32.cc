// f32 CONV_2D: planning the GEMM layout, packing OHWI filters per group, im2col by row blocks, threading.
#include "interpreter/kernels/optimized/conv_f32.h"

#include <algorithm>

#include "interpreter/kernels/optimized/gemm_f32.h"
#include "interpreter/kernels/optimized/vec_f32.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

// An im2col block is sized to stay in L2 while the GEMM sweeps every weight panel over it.
constexpr int64_t kIm2colBlockBytes = 128 * 1024;

int64_t NumOutputPixels(const WindowGeometry& g) {
  return static_cast<int64_t>(g.batch) * g.out_h * g.out_w;
}

// Rows [row0, row0 + rows) of group `group`'s im2col matrix: for each output pixel, its receptive
// field in (ky, kx, channel) order, which is the OHWI filter's order; padding becomes zeros.
void Im2col(const WindowGeometry& g, int filter_in_c, int group, const float* input, int64_t row0, int rows,
            float* dst) {
  const int k = g.filter_h * g.filter_w * filter_in_c;
  const int64_t pixels_per_image = static_cast<int64_t>(g.out_h) * g.out_w;
  int b = static_cast<int>(row0 / pixels_per_image);
  int oy = static_cast<int>(row0 % pixels_per_image) / g.out_w;
  int ox = static_cast<int>(row0 % pixels_per_image) % g.out_w;
  // With one group and no horizontal dilation, a filter row's taps are one contiguous run of input.
  const bool contiguous_rows = filter_in_c == g.in_c && g.dilation_w == 1;
  for (int r = 0; r < rows; ++r, dst += k) {
    const float* image = input + static_cast<int64_t>(b) * g.in_h * g.in_w * g.in_c + group * filter_in_c;
    const int iy0 = oy * g.stride_h - g.pad_top;
    const int ix0 = ox * g.stride_w - g.pad_left;
    float* out = dst;
    for (int ky = 0; ky < g.filter_h; ++ky) {
      const int iy = iy0 + ky * g.dilation_h;
      const int row_len = g.filter_w * filter_in_c;
      if (iy < 0 || iy >= g.in_h) {
        ZeroFloats(out, row_len);
      } else if (contiguous_rows) {
        const int x0 = std::max(ix0, 0), x1 = std::min(ix0 + g.filter_w, g.in_w);
        const int before = (x0 - ix0) * g.in_c;
        const int valid = std::max(x1 - x0, 0) * g.in_c;
        if (before > 0) ZeroFloats(out, before);
        if (valid > 0) CopyFloats(out + before, image + (static_cast<int64_t>(iy) * g.in_w + x0) * g.in_c, valid);
        if (before + valid < row_len) ZeroFloats(out + before + valid, row_len - before - valid);
      } else {
        for (int kx = 0; kx < g.filter_w; ++kx) {
          const int ix = ix0 + kx * g.dilation_w;
          float* tap = out + kx * filter_in_c;
          if (ix < 0 || ix >= g.in_w) {
            ZeroFloats(tap, filter_in_c);
          } else {
            CopyFloats(tap, image + (static_cast<int64_t>(iy) * g.in_w + ix) * g.in_c, filter_in_c);
          }
        }
      }
      out += row_len;
    }
    if (++ox == g.out_w) {
      ox = 0;
      if (++oy == g.out_h) {
        oy = 0;
        ++b;
      }
    }
  }
}

ConvGemmLayout PlanConvGemm(const WindowGeometry& g, int filter_in_c, int num_threads) {
  ConvGemmLayout l;
  l.groups = g.in_c / filter_in_c;
  l.k = g.filter_h * g.filter_w * filter_in_c;
  l.n = g.out_c / l.groups;
  l.direct = g.filter_h == 1 && g.filter_w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 &&
             g.pad_left == 0 && g.out_h == g.in_h && g.out_w == g.in_w;
  l.packed_floats = kGemmF32.packed_size(l.n, l.k) * l.groups;
  if (!l.direct) {
    // Blocks that fit the im2col budget, no larger than an even share of the pixels (scratch per thread).
    const int tile = kGemmF32.row_tile;
    l.rows_per_task = std::max<int64_t>(tile, RoundUp((NumOutputPixels(g) + num_threads - 1) / num_threads, tile));
    const int64_t fit = kIm2colBlockBytes / (static_cast<int64_t>(l.k) * sizeof(float)) / tile * tile;
    l.block_rows = static_cast<int>(std::max<int64_t>(tile, std::min(fit, l.rows_per_task)));
    l.scratch_floats = static_cast<size_t>(num_threads) * l.block_rows * l.k;
  }
  return l;
}

void PackConvWeights(const ConvGemmLayout& l, const float* filter, const float* bias, float* packed) {
  const size_t per_group = kGemmF32.packed_size(l.n, l.k);
  for (int grp = 0; grp < l.groups; ++grp) {
    // OHWI rows are already [n, k] with k in (ky, kx, ic) order.
    kGemmF32.pack(filter + static_cast<int64_t>(grp) * l.n * l.k, l.k, 1, bias ? bias + grp * l.n : nullptr, l.n,
                    l.k, packed + grp * per_group);
  }
}

void ConvF32(const WindowGeometry& g, const ConvGemmLayout& l, const float* input, const float* packed,
             float* output, float* scratch, float out_min, float out_max, ThreadPool& pool) {
  const int64_t m = NumOutputPixels(g);
  if (m == 0) return;
  const size_t per_group = kGemmF32.packed_size(l.n, l.k);
  const int filter_in_c = g.in_c / l.groups;
  if (l.direct) {
    const GemmShape s{static_cast<int>(m), l.n, l.k, g.in_c, g.out_c, out_min, out_max};
    for (int grp = 0; grp < l.groups; ++grp) {
      kGemmF32.gemm(s, input + grp * filter_in_c, packed + grp * per_group, output + grp * l.n, pool);
    }
    return;
  }
  // Tiles of whole GEMM row tiles go to whichever thread is free; each thread fills its own scratch block.
  // A row's cost: its n * k multiply-adds (about 16 a cycle) and copying its k inputs (about 2 a cycle).
  const int tile = kGemmF32.row_tile;
  const double tile_cost = static_cast<double>(tile) * l.groups * l.k * (l.n / 16.0 + 0.5);
  pool.ParallelFor((m + tile - 1) / tile, tile_cost, [&](int64_t t_begin, int64_t t_end, int thread) {
    float* block = scratch + static_cast<int64_t>(thread) * l.block_rows * l.k;
    const int64_t end = std::min(m, t_end * tile);
    for (int64_t row = t_begin * tile; row < end; row += l.block_rows) {
      const int rows = static_cast<int>(std::min<int64_t>(l.block_rows, end - row));
      for (int grp = 0; grp < l.groups; ++grp) {
        Im2col(g, filter_in_c, grp, input, row, rows, block);
        const GemmShape s{rows, l.n, l.k, l.k, g.out_c, out_min, out_max};
        kGemmF32.rows(s, block, packed + grp * per_group, output + row * g.out_c + grp * l.n, 0, rows);
      }
    }
  });
}

}  // namespace

extern const ConvF32Kernels kConvF32 = {PlanConvGemm, PackConvWeights, ConvF32};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
