// f32 CONV_2D: planning the GEMM layout, packing OHWI filters per group, the implicit GEMM's segment
// pointers by row blocks, threading.
#include "interpreter/kernels/optimized/conv_f32.h"

#include <algorithm>

#include "interpreter/kernels/optimized/conv_f32_winograd.h"
#include "interpreter/kernels/optimized/gemm_f32.h"
#include "interpreter/kernels/optimized/vec_f32.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

// Filter-row segments below this many input channels: a tap's run of channels is too short for the
// micro-kernel's per-segment pointer loads to pay (a network's first layer: 3 channels).
constexpr int kMinTapSegmentChannels = 8;
// Per block of rows: its segment pointers and, for filter-row segments, copies of those cut by the padding.
// The block's rows are many (each pass over the weights serves all of them, which matters when the weights
// outgrow L2: 3x3 over 512 channels is 9.4 MB) while its scratch stays in L2.
constexpr int64_t kBlockScratchBytes = 128 * 1024;

int64_t NumOutputPixels(const WindowGeometry& g) {
  return static_cast<int64_t>(g.batch) * g.out_h * g.out_w;
}

// One output pixel's segment pointers (to dst, `tile` apart) where part of its window may lie in the padding:
// segments wholly in it read `zeros`; filter-row segments cut by it are copied, zero-filled, to `spill`.
// Returns the spill's next free float. Out of line and small: only pixels at the image's borders come here.
__attribute__((noinline, optimize("Os"))) float* PaddedPixelPointers(const WindowGeometry& g, const ConvGemmLayout& l,
                                                                     const float* image, int iy0, int ix0,
                                                                     const float* zeros, float* spill, int tile,
                                                                     const float** dst) {
  const int kx_count = l.row_segments ? 1 : g.filter_w;  // segments per filter row
  for (int ky = 0; ky < g.filter_h; ++ky) {
    const int iy = iy0 + ky * g.dilation_h;
    // The filter row's input row, or none in the padding above or below.
    const float* row = iy >= 0 && iy < g.in_h ? image + static_cast<int64_t>(iy) * g.in_w * g.in_c : nullptr;
    for (int kx = 0, ix = ix0; kx < kx_count; ++kx, ix += g.dilation_w, dst += tile) {
      const int x_end = l.row_segments ? ix + g.filter_w : ix + 1;  // input columns the segment spans
      if (!row) {
        *dst = zeros;
      } else if (ix >= 0 && x_end <= g.in_w) {
        *dst = row + static_cast<int64_t>(ix) * g.in_c;
      } else if (!l.row_segments) {
        *dst = zeros;
      } else {  // part of the filter row in the padding left or right
        const int x0 = std::max(ix, 0), x1 = std::min(x_end, g.in_w);
        const int before = (x0 - ix) * g.in_c, valid = std::max(x1 - x0, 0) * g.in_c;
        ZeroFloats(spill, l.segment_len);
        if (valid > 0) CopyFloats(spill + before, row + static_cast<int64_t>(x0) * g.in_c, valid);
        *dst = spill;
        spill += l.segment_len;
      }
    }
  }
  return spill;
}

// Segment pointers for rows [row0, row0 + rows) of group `group`, in gemm_f32.h's indirect layout: per tile
// of `tile` rows, per segment (ky, kx order, the OHWI filter's), one pointer per row. A tap segment is the
// tap's filter_in_c channels of the input pixel; a filter-row segment (l.row_segments) the filter_w * in_c
// contiguous floats of one filter row. The last tile's rows past `rows` repeat the last pixel. Per output row,
// the pixels whose window lies inside the image (most of them) take their pointers by additions only: with 3
// input channels a pixel's pointers cost as much as its products, so index math stays out of that loop.
__attribute__((noinline, optimize("O2"))) void BuildSegmentPointers(const WindowGeometry& g, const ConvGemmLayout& l,
                                                                    int group, const float* input, const float* zeros,
                                                                    float* spill, int64_t row0, int rows, int tile,
                                                                    const float** ptrs) {
  const int segments = l.segments;
  const int kx_count = l.row_segments ? 1 : g.filter_w;
  const int64_t pixels_per_image = static_cast<int64_t>(g.out_h) * g.out_w;
  const int64_t row_floats = static_cast<int64_t>(g.in_w) * g.in_c;
  const int64_t step_y = g.dilation_h * row_floats, step_x = static_cast<int64_t>(g.dilation_w) * g.in_c;
  const int64_t step_pixel = static_cast<int64_t>(g.stride_w) * g.in_c;
  const int span_h = (g.filter_h - 1) * g.dilation_h + 1, span_w = (g.filter_w - 1) * g.dilation_w + 1;
  // Output columns [x_lo, x_hi) have their window inside the image horizontally.
  const int x_lo = (g.pad_left + g.stride_w - 1) / g.stride_w;
  const int x_hi = g.in_w - span_w + g.pad_left >= 0 ? (g.in_w - span_w + g.pad_left) / g.stride_w + 1 : 0;
  int b = static_cast<int>(row0 / pixels_per_image);
  int oy = static_cast<int>(row0 % pixels_per_image) / g.out_w;
  int ox = static_cast<int>(row0 % pixels_per_image) % g.out_w;
  const float** tile_ptrs = ptrs;  // the current tile's pointers
  int lane = 0;                    // the row's place in its tile
  for (int r = 0; r < rows;) {
    const float* image = input + static_cast<int64_t>(b) * g.in_h * row_floats + group * (g.in_c / l.groups);
    const int iy0 = oy * g.stride_h - g.pad_top;
    const int run_end = ox + std::min(rows - r, g.out_w - ox);  // this output row's pixels in the block
    int fast_begin = run_end, fast_end = run_end;
    if (iy0 >= 0 && iy0 + span_h <= g.in_h) {
      fast_begin = std::min(std::max(ox, x_lo), run_end);
      fast_end = std::max(fast_begin, std::min(run_end, x_hi));
    }
    // Columns [ox, fast_begin) and [fast_end, run_end) through PaddedPixelPointers, the middle inline.
    for (int part = 0; part < 3; ++part) {
      const int stop = part == 0 ? fast_begin : part == 1 ? fast_end : run_end;
      if (part == 1 && ox < stop) {
        const float* p = image + static_cast<int64_t>(iy0) * row_floats +
                         static_cast<int64_t>(ox * g.stride_w - g.pad_left) * g.in_c;
        // The pixels up to the end of the tile at a time, segment by segment: each segment's pointers for
        // them are one run of its row of the tile, a pixel's stride apart (pixel by pixel, the loops over
        // the segments had taken a fifth of a 3-channel stem's time).
        while (ox < stop) {
          const int run = std::min(stop - ox, tile - lane);
          const float** dst = tile_ptrs + lane;
          const float* q = p;
          for (int ky = 0; ky < g.filter_h; ++ky, q += step_y) {
            const float* t = q;
            for (int kx = 0; kx < kx_count; ++kx, t += step_x, dst += tile) {
              const float* u = t;
              for (int i = 0; i < run; ++i, u += step_pixel) dst[i] = u;
            }
          }
          ox += run, r += run, lane += run, p += run * step_pixel;
          if (lane == tile) lane = 0, tile_ptrs += static_cast<int64_t>(segments) * tile;
        }
      }
      for (; ox < stop; ++ox, ++r) {
        spill = PaddedPixelPointers(g, l, image, iy0, ox * g.stride_w - g.pad_left, zeros, spill, tile,
                                    tile_ptrs + lane);
        if (++lane == tile) lane = 0, tile_ptrs += static_cast<int64_t>(segments) * tile;
      }
    }
    if (ox == g.out_w) {
      ox = 0;
      if (++oy == g.out_h) oy = 0, ++b;
    }
  }
  if (lane > 0) {  // the last tile's remaining rows: the last pixel again
    for (int r = lane; r < tile; ++r) {
      for (int t = 0; t < segments; ++t) tile_ptrs[t * tile + r] = tile_ptrs[t * tile + lane - 1];
    }
  }
}

// Floats' worth of one block's segment pointers, rounded up to 64 bytes.
int64_t PointerFloats(const ConvGemmLayout& l) {
  return RoundUp(static_cast<int64_t>(l.block_rows) * l.segments * sizeof(float*) / sizeof(float), 16);
}

ConvGemmLayout PlanConvGemm(const WindowGeometry& g, int filter_in_c, int num_threads) {
  ConvGemmLayout l;
  l.groups = g.in_c / filter_in_c;
  l.k = g.filter_h * g.filter_w * filter_in_c;
  l.n = g.out_c / l.groups;
  l.direct = g.filter_h == 1 && g.filter_w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 &&
             g.pad_left == 0 && g.out_h == g.in_h && g.out_w == g.in_w;
  l.packed_floats = kGemmF32.packed_size(l.n, l.k) * l.groups;
  if (!l.direct && PlanWinograd(g, num_threads, &l)) return l;
  if (!l.direct) {
    // One filter row's taps are contiguous input with one group and no horizontal dilation.
    l.row_segments = filter_in_c < kMinTapSegmentChannels && l.groups == 1 && g.dilation_w == 1;
    l.segments = l.row_segments ? g.filter_h : g.filter_h * g.filter_w;
    l.segment_len = l.k / l.segments;
    // Blocks that fit the scratch budget, no larger than an even share of the pixels (scratch per thread): per
    // row its pointers, and with filter-row segments room for all of them cut by the padding (the worst case).
    const int tile = kGemmF32.row_tile;
    l.rows_per_task = std::max<int64_t>(tile, RoundUp((NumOutputPixels(g) + num_threads - 1) / num_threads, tile));
    const int64_t spill_bytes = l.row_segments ? l.segment_len * static_cast<int64_t>(sizeof(float)) : 0;
    const int64_t row_bytes = l.segments * (static_cast<int64_t>(sizeof(float*)) + spill_bytes);
    const int64_t fit = kBlockScratchBytes / row_bytes / tile * tile;
    l.block_rows = static_cast<int>(std::max<int64_t>(tile, std::min(fit, l.rows_per_task)));
    // Per task, 64-byte aligned parts: the block's pointers (in floats' worth), the zero row, the spill.
    l.task_scratch_floats = PointerFloats(l) + RoundUp(l.segment_len, 16) +
                            (l.row_segments ? static_cast<size_t>(l.block_rows) * l.k : 0);
    l.scratch_floats = static_cast<size_t>(num_threads) * l.task_scratch_floats;
  }
  return l;
}

void PackConvWeights(const ConvGemmLayout& l, const float* filter, const float* bias, float* packed) {
  if (l.winograd) {
    PackWinograd(l, filter, bias, packed);
    return;
  }
  const size_t per_group = kGemmF32.packed_size(l.n, l.k);
  for (int grp = 0; grp < l.groups; ++grp) {
    // OHWI rows are already [n, k] with k in (ky, kx, ic) order.
    kGemmF32.pack(filter + static_cast<int64_t>(grp) * l.n * l.k, l.k, 1, bias ? bias + grp * l.n : nullptr, l.n,
                    l.k, packed + grp * per_group);
  }
}

void ConvF32(const WindowGeometry& g, const ConvGemmLayout& l, const float* input, const float* packed,
             const float* addend, float* output, float* scratch, float out_min, float out_max, bool hard_swish,
             ThreadPool& pool) {
  const int64_t m = NumOutputPixels(g);
  if (m == 0) return;
  if (l.winograd) {
    RunWinograd(g, l, input, packed, addend, output, scratch, out_min, out_max, hard_swish, pool);
    return;
  }
  const size_t per_group = kGemmF32.packed_size(l.n, l.k);
  if (l.direct) {
    const int filter_in_c = g.in_c / l.groups;
    GemmShape s{static_cast<int>(m), l.n, l.k, g.in_c, g.out_c, out_min, out_max};
    s.hard_swish = hard_swish;
    for (int grp = 0; grp < l.groups; ++grp) {
      s.addend = addend ? addend + grp * l.n : nullptr;
      kGemmF32.gemm(s, input + grp * filter_in_c, packed + grp * per_group, output + grp * l.n, pool);
    }
    return;
  }
  // Tiles of whole GEMM row tiles go to whichever thread is free; each thread has its own scratch block.
  // A row's cost: its n * k multiply-adds and setting up its segment pointers (scalar index math).
  const int tile = kGemmF32.row_tile;
  const double tile_cost = static_cast<double>(tile) * l.groups *
                           (static_cast<double>(l.k) * l.n * ThreadPool::kCostMultiplyAdd +
                            l.segments * ThreadPool::kCostScalarValue);
  pool.ParallelFor((m + tile - 1) / tile, tile_cost, [&](int64_t t_begin, int64_t t_end, int thread) {
    float* block = scratch + static_cast<int64_t>(thread) * l.task_scratch_floats;
    const float** ptrs = reinterpret_cast<const float**>(block);
    float* zeros = block + PointerFloats(l);
    float* spill = zeros + RoundUp(l.segment_len, 16);
    ZeroFloats(zeros, l.segment_len);
    const int64_t end = std::min(m, t_end * tile);
    for (int64_t row = t_begin * tile; row < end; row += l.block_rows) {
      const int rows = static_cast<int>(std::min<int64_t>(l.block_rows, end - row));
      for (int grp = 0; grp < l.groups; ++grp) {
        BuildSegmentPointers(g, l, grp, input, zeros, spill, row, rows, tile, ptrs);
        GemmShape s{rows, l.n, l.k, 0, g.out_c, out_min, out_max};
        s.hard_swish = hard_swish;
        if (addend) s.addend = addend + row * g.out_c + grp * l.n;
        kGemmF32.indirect(s, l.segments, ptrs, packed + grp * per_group, output + row * g.out_c + grp * l.n);
      }
    }
  });
}

}  // namespace

extern const ConvF32Kernels kConvF32 = {PlanConvGemm, PackConvWeights, ConvF32};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
