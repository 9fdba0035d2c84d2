// f32 depthwise convolution (multiplier 1; larger ones expand the input first). Output rows of 3x3 and 5x5
// filters (dilation 1, stride 1 or 2) are swept four pixels at a time, border columns reading zeros; other filters
// set up one pointer per tap (with bounds checks at the borders) and step them along the row. Channels go in
// whole vectors.
#include "interpreter/kernels/optimized/depthwise_f32.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "interpreter/kernels/optimized/unary_f32.h"
#include "interpreter/kernels/optimized/vec_f32.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

constexpr int kW = kVecWidth;

inline int64_t PaddedChannels(int channels) { return RoundUp(channels, kW); }

// Channels [c, c + NV vectors) of one pixel: out = clamp(bias + sum_t in[t] * weights[t]). kTaps == 0
// means `taps` at run time. With kTail the last vector holds `last` (1..kW) lanes: weights are padded to
// whole vectors, input and output rows are not. With kSplit, taps alternate between two accumulator
// sets, so that even one vector keeps two FMA chains in flight (a 3x3 sum is otherwise nine FMAs in a
// row, bound by their latency).
template <int kTaps, int NV, bool kSplit, bool kTail>
inline void DepthwiseChannels(const float* const* in, int taps, const float* packed, int64_t cp, int c, int last,
                              float* out, VecF32 lo, VecF32 hi) {
  const int n = kTaps ? kTaps : taps;
  const float* w = packed + cp + c;  // packed starts with the bias
  auto input = [&](int t, int j) {
    const float* p = in[t] + c + j * kW;
    return kTail && j == NV - 1 ? LoadPartial(p, last) : Load(p);
  };
  VecF32 acc[NV], acc2[NV];
  for (int j = 0; j < NV; ++j) {
    acc[j] = Load(packed + c + j * kW);
    acc2[j] = Zero();
  }
  int t = 0;
  if (kSplit) {
    for (; t + 1 < n; t += 2) {
      for (int j = 0; j < NV; ++j) {
        acc[j] = Fma(input(t, j), Load(w + t * cp + j * kW), acc[j]);
        acc2[j] = Fma(input(t + 1, j), Load(w + (t + 1) * cp + j * kW), acc2[j]);
      }
    }
  }
  for (; t < n; ++t) {
    for (int j = 0; j < NV; ++j) acc[j] = Fma(input(t, j), Load(w + t * cp + j * kW), acc[j]);
  }
  for (int j = 0; j < NV; ++j) {
    const VecF32 v = ClampVec(kSplit ? Add(acc[j], acc2[j]) : acc[j], lo, hi);
    if (kTail && j == NV - 1) {
      StorePartial(out + c + j * kW, v, last);
    } else {
      Store(out + c + j * kW, v);
    }
  }
}

// Channels [c0, c1) of one pixel (c0 a multiple of kW): four vectors at a time, then the rest (up to four
// vectors, the last one partial) in one block.
template <int kTaps>
inline void DepthwisePixel(const float* const* in, int taps, const float* packed, int64_t cp, int c0, int c1,
                           float* out, VecF32 lo, VecF32 hi) {
  int c = c0;
  for (; c + 4 * kW <= c1; c += 4 * kW) {
    DepthwiseChannels<kTaps, 4, false, false>(in, taps, packed, cp, c, kW, out, lo, hi);
  }
  const int rest = c1 - c;
  if (rest == 0) return;
  const int last = rest - (rest - 1) / kW * kW;
  switch ((rest + kW - 1) / kW) {
    case 1: DepthwiseChannels<kTaps, 1, true, true>(in, taps, packed, cp, c, last, out, lo, hi); break;
    case 2: DepthwiseChannels<kTaps, 2, true, true>(in, taps, packed, cp, c, last, out, lo, hi); break;
    case 3: DepthwiseChannels<kTaps, 3, true, true>(in, taps, packed, cp, c, last, out, lo, hi); break;
    default: DepthwiseChannels<kTaps, 4, false, true>(in, taps, packed, cp, c, last, out, lo, hi); break;
  }
}

// One vector of channels of a swept row, the last `lanes` wide when kTail (weights are padded to whole vectors,
// input and output rows are not).
template <bool kTail>
inline VecF32 LoadLanes(const float* p, int lanes) {
  return kTail ? LoadPartial(p, lanes) : Load(p);
}
template <bool kTail>
inline void StoreClamped(float* p, VecF32 v, int lanes, VecF32 lo, VecF32 hi) {
  if (kTail) {
    StorePartial(p, ClampVec(v, lo, hi), lanes);
  } else {
    Store(p, ClampVec(v, lo, hi));
  }
}

// fn(c, lanes, kTail) for each vector of channels [c0, c1) (c0 a multiple of kW): whole vectors, then the last
// partial one with kTail (std::true_type) for the sweeps' tail instantiations.
template <typename Fn>
inline void ForEachChannelVector(int c0, int c1, Fn fn) {
  for (int c = c0; c < c1; c += kW) {
    const int lanes = std::min(kW, c1 - c);
    if (lanes == kW) {
      fn(c, lanes, std::false_type{});
    } else {
      fn(c, lanes, std::true_type{});
    }
  }
}

// Interior pixels [ox_lo, ox_hi) of a 3x3, dilation-1 row with stride kStride, for one vector of
// channels at c (the last `lanes` wide when kTail): the nine weights stay in registers while the row is
// swept four output pixels at a time, and each input vector those four share is loaded once. That halves
// the loads per FMA of the tap-pointer kernel, which is bound by them.
template <int kStride, bool kTail>
void Depthwise3x3Sweep(const float* const* rows, const int64_t* steps, int pad_left, int ox_lo, int ox_hi,
                       const float* packed, int64_t cp, int c, int lanes, int channels, float* out, VecF32 lo,
                       VecF32 hi) {
  constexpr int kPixels = 4;
  constexpr int kColumns = 3 + kStride * (kPixels - 1);
  VecF32 w[9];
  for (int t = 0; t < 9; ++t) w[t] = Load(packed + (t + 1) * cp + c);
  const VecF32 bias = Load(packed + c);
  auto load = [&](const float* p) { return LoadLanes<kTail>(p, lanes); };
  auto store = [&](float* p, VecF32 v) { StoreClamped<kTail>(p, v, lanes, lo, hi); };
  int ox = ox_lo;
  for (; ox + kPixels <= ox_hi; ox += kPixels) {
    const int64_t ix = static_cast<int64_t>(ox) * kStride - pad_left;
    VecF32 acc[kPixels];
    for (int q = 0; q < kPixels; ++q) acc[q] = bias;
    for (int ky = 0; ky < 3; ++ky) {
      const float* p = rows[ky] + ix * steps[ky] + c;
      for (int j = 0; j < kColumns; ++j) {
        const VecF32 v = load(p + j * steps[ky]);
        for (int q = 0; q < kPixels; ++q) {
          const int kx = j - kStride * q;
          if (kx >= 0 && kx < 3) acc[q] = Fma(v, w[ky * 3 + kx], acc[q]);
        }
      }
    }
    for (int q = 0; q < kPixels; ++q) store(out + static_cast<int64_t>(ox + q) * channels + c, acc[q]);
  }
  for (; ox < ox_hi; ++ox) {
    const int64_t ix = static_cast<int64_t>(ox) * kStride - pad_left;
    VecF32 acc = bias;
    for (int ky = 0; ky < 3; ++ky) {
      const float* p = rows[ky] + ix * steps[ky] + c;
      for (int kx = 0; kx < 3; ++kx) acc = Fma(load(p + kx * steps[ky]), w[ky * 3 + kx], acc);
    }
    store(out + static_cast<int64_t>(ox) * channels + c, acc);
  }
}

// The input rows under filter rows 0..k-1 of an output row whose window starts at input row iy0, each with its step
// per input column: rows outside the input read the zero row without stepping.
inline void FilterRowInputs(const WindowGeometry& g, const float* image, int iy0, int k, const float* zeros,
                            const float** rows, int64_t* steps) {
  for (int ky = 0; ky < k; ++ky) {
    const int iy = iy0 + ky;
    const bool ok = iy >= 0 && iy < g.in_h;
    rows[ky] = ok ? image + static_cast<int64_t>(iy) * g.in_w * g.in_c : zeros;
    steps[ky] = ok ? g.in_c : 0;
  }
}

// The interior of a 3x3, dilation-1 row.
template <int kStride>
void Depthwise3x3Interior(const WindowGeometry& g, const float* image, int iy0, int ox_lo, int ox_hi,
                          const float* packed, int64_t cp, const float* zeros, int c0, int c1, float* out, VecF32 lo,
                          VecF32 hi) {
  const float* rows[3];
  int64_t steps[3];
  FilterRowInputs(g, image, iy0, 3, zeros, rows, steps);
  ForEachChannelVector(c0, c1, [&](int c, int lanes, auto tail) {
    Depthwise3x3Sweep<kStride, decltype(tail)::value>(rows, steps, g.pad_left, ox_lo, ox_hi, packed, cp, c, lanes,
                                                      g.in_c, out, lo, hi);
  });
}

// One output row of a 5x5, dilation-1 filter with stride kStride, for one vector of channels at c (the last
// `lanes` wide when kTail): swept four output pixels at a time, each input vector those four share loaded once, and
// one filter row's five weights loaded per row of input (25 would not fit beside the accumulators in AVX2's 16
// registers): 13 loads for 20 FMAs at stride 1 where the tap-pointer kernel, bound by its loads, makes two per FMA.
// The whole row is swept, borders included (a 5x5 row of 7 or 14 has four border pixels): groups reaching into the
// left or right padding read the zero row there, and the last group overlaps the one before (its pixels computed
// twice, the same values). Rows under four pixels go pixel by pixel.
template <int kStride, bool kTail>
void Depthwise5x5Sweep(const float* const* rows, const int64_t* steps, const float* zeros, int pad_left, int in_w,
                       int out_w, const float* packed, int64_t cp, int c, int lanes, int channels, float* out,
                       VecF32 lo, VecF32 hi) {
  constexpr int K = 5;
  constexpr int kPixels = 4;
  constexpr int kColumns = K + kStride * (kPixels - 1);
  const VecF32 bias = Load(packed + c);
  auto weight = [&](int ky, int kx) { return Load(packed + (ky * K + kx + 1) * cp + c); };
  auto load = [&](const float* p) { return LoadLanes<kTail>(p, lanes); };
  auto store = [&](float* p, VecF32 v) { StoreClamped<kTail>(p, v, lanes, lo, hi); };
  // Column x of filter row ky's input row, or the zero row where x is in the padding.
  auto column = [&](int ky, int64_t x) { return x >= 0 && x < in_w ? rows[ky] + x * steps[ky] + c : zeros + c; };
  // Four pixels from ox. Interior groups skip the column tests; each instantiation of this unrolled body is
  // kilobytes (per stride, tail and ISA), so the filter rows stay a loop.
  auto group = [&](int ox, auto checked) {
    constexpr bool kChecked = decltype(checked)::value;
    const int64_t ix = static_cast<int64_t>(ox) * kStride - pad_left;
    VecF32 acc[kPixels];
#pragma GCC unroll 4
    for (int q = 0; q < kPixels; ++q) acc[q] = bias;
#pragma GCC unroll 1
    for (int ky = 0; ky < K; ++ky) {
      VecF32 w[K];
#pragma GCC unroll 5
      for (int kx = 0; kx < K; ++kx) w[kx] = weight(ky, kx);
#pragma GCC unroll 16
      for (int j = 0; j < kColumns; ++j) {
        const VecF32 v = load(kChecked ? column(ky, ix + j) : rows[ky] + (ix + j) * steps[ky] + c);
#pragma GCC unroll 4
        for (int q = 0; q < kPixels; ++q) {
          const int kx = j - kStride * q;
          if (kx >= 0 && kx < K) acc[q] = Fma(v, w[kx], acc[q]);
        }
      }
    }
#pragma GCC unroll 4
    for (int q = 0; q < kPixels; ++q) store(out + static_cast<int64_t>(ox + q) * channels + c, acc[q]);
  };
  if (out_w < kPixels) {
    for (int ox = 0; ox < out_w; ++ox) {
      const int64_t ix = static_cast<int64_t>(ox) * kStride - pad_left;
      VecF32 acc = bias;
#pragma GCC unroll 1
      for (int ky = 0; ky < K; ++ky) {
#pragma GCC unroll 1
        for (int kx = 0; kx < K; ++kx) acc = Fma(load(column(ky, ix + kx)), weight(ky, kx), acc);
      }
      store(out + static_cast<int64_t>(ox) * channels + c, acc);
    }
    return;
  }
  for (int ox = 0;; ox += kPixels) {
    const int start = std::min(ox, out_w - kPixels);
    const int64_t ix = static_cast<int64_t>(start) * kStride - pad_left;
    if (ix >= 0 && ix + kColumns <= in_w) {
      group(start, std::false_type{});
    } else {
      group(start, std::true_type{});
    }
    if (start == out_w - kPixels) return;
  }
}

// One output row of a 5x5, dilation-1 filter.
template <int kStride>
void Depthwise5x5Row(const WindowGeometry& g, const float* image, int iy0, const float* packed, int64_t cp,
                     const float* zeros, int c0, int c1, float* out, VecF32 lo, VecF32 hi) {
  const float* rows[5];
  int64_t steps[5];
  FilterRowInputs(g, image, iy0, 5, zeros, rows, steps);
  ForEachChannelVector(c0, c1, [&](int c, int lanes, auto tail) {
    Depthwise5x5Sweep<kStride, decltype(tail)::value>(rows, steps, zeros, g.pad_left, g.in_w, g.out_w, packed, cp, c,
                                                      lanes, g.in_c, out, lo, hi);
  });
}

// A border pixel (taps set up one by one): out of line, one copy per filter size, so that each row kind does not
// inline the five channel blocks of DepthwisePixel twice more for the few pixels at its ends.
template <int kTaps>
__attribute__((noinline)) void DepthwiseBorderPixel(const float* const* in, int taps, const float* packed, int64_t cp,
                                                    int c0, int c1, float* out, VecF32 lo, VecF32 hi) {
  DepthwisePixel<kTaps>(in, taps, packed, cp, c0, c1, out, lo, hi);
}

// Channels [c0, c1) of one output row of one image (c0 a multiple of kW). kSweepStride (1 or 2) selects the swept
// rows of 3x3 (kTaps 9) and 5x5 (kTaps 25), dilation-1 filters with that stride in both directions; 0 the
// tap-pointer kernel for every filter.
template <int kTaps, int kSweepStride>
void DepthwiseRow(const WindowGeometry& g, const float* image, int oy, const float* packed, int c0, int c1,
                  float* out, VecF32 lo, VecF32 hi) {
  const int taps = g.filter_h * g.filter_w;
  const int channels = g.in_c;
  const int64_t cp = PaddedChannels(channels);
  const float* zeros = packed + (taps + 1) * cp;
  const int iy0 = oy * g.stride_h - g.pad_top;
  if (kSweepStride && kTaps == 25) {  // the whole row
    Depthwise5x5Row<kSweepStride>(g, image, iy0, packed, cp, zeros, c0, c1, out, lo, hi);
    return;
  }
  const float* ptr[kMaxDepthwiseTaps];
  int64_t step[kMaxDepthwiseTaps];
  const int64_t pixel_step = static_cast<int64_t>(g.stride_w) * channels;
  auto setup = [&](int ox) {
    const int ix0 = ox * g.stride_w - g.pad_left;
    for (int ky = 0, t = 0; ky < g.filter_h; ++ky) {
      const int iy = iy0 + ky * g.dilation_h;
      const bool row_ok = iy >= 0 && iy < g.in_h;
      for (int kx = 0; kx < g.filter_w; ++kx, ++t) {
        const int ix = ix0 + kx * g.dilation_w;
        const bool ok = row_ok && ix >= 0 && ix < g.in_w;
        ptr[t] = ok ? image + (static_cast<int64_t>(iy) * g.in_w + ix) * channels : zeros;
        step[t] = row_ok ? pixel_step : 0;
      }
    }
  };
  // Interior columns: every tap lies inside the input horizontally, so pointers only step.
  int ox_lo, ox_hi;
  reference::InteriorColumns(g, &ox_lo, &ox_hi);
  for (int ox = 0; ox < ox_lo; ++ox) {
    setup(ox);
    DepthwiseBorderPixel<kTaps>(ptr, taps, packed, cp, c0, c1, out + static_cast<int64_t>(ox) * channels, lo, hi);
  }
  if (kSweepStride && ox_lo < ox_hi) {  // 3x3: the interior swept, the border columns pixel by pixel
    Depthwise3x3Interior<kSweepStride>(g, image, iy0, ox_lo, ox_hi, packed, cp, zeros, c0, c1, out, lo, hi);
  } else if (ox_lo < ox_hi) {
    setup(ox_lo);
    for (int ox = ox_lo; ox < ox_hi; ++ox) {
      DepthwisePixel<kTaps>(ptr, taps, packed, cp, c0, c1, out + static_cast<int64_t>(ox) * channels, lo, hi);
      for (int t = 0; t < taps; ++t) ptr[t] += step[t];
    }
  }
  for (int ox = ox_hi; ox < g.out_w; ++ox) {
    setup(ox);
    DepthwiseBorderPixel<kTaps>(ptr, taps, packed, cp, c0, c1, out + static_cast<int64_t>(ox) * channels, lo, hi);
  }
}

size_t PackedDepthwiseWeightsSize(int channels, int taps) {
  return static_cast<size_t>(taps + 2) * PaddedChannels(channels);
}

void PackDepthwiseWeights(const float* filter, const float* bias, int channels, int taps, float* packed) {
  const int64_t cp = PaddedChannels(channels);
  std::memset(packed, 0, PackedDepthwiseWeightsSize(channels, taps) * sizeof(float));
  if (bias) std::memcpy(packed, bias, channels * sizeof(float));
  for (int t = 0; t < taps; ++t) {
    std::memcpy(packed + (t + 1) * cp, filter + static_cast<int64_t>(t) * channels, channels * sizeof(float));
  }
}

void DepthwiseConvF32(const WindowGeometry& g, const float* input, const float* packed, float* output,
                      float out_min, float out_max, bool hard_swish, ThreadPool& pool) {
  const int taps = g.filter_h * g.filter_w;
  // Square 3x3 and 5x5 filters, dilation 1, the same stride 1 or 2 both ways: swept interiors.
  const bool swept = g.filter_h == g.filter_w && g.dilation_h == 1 && g.dilation_w == 1 &&
                     g.stride_h == g.stride_w && (g.stride_w == 1 || g.stride_w == 2);
  const int sweep = swept ? g.stride_w : 0;
  auto row_fn = DepthwiseRow<0, 0>;
  if (taps == 9) row_fn = sweep == 1 ? DepthwiseRow<9, 1> : sweep == 2 ? DepthwiseRow<9, 2> : DepthwiseRow<9, 0>;
  if (taps == 25) row_fn = sweep == 1 ? DepthwiseRow<25, 1> : sweep == 2 ? DepthwiseRow<25, 2> : DepthwiseRow<25, 0>;
  const VecF32 lo = Broadcast(out_min), hi = Broadcast(out_max);
  const int64_t rows = static_cast<int64_t>(g.batch) * g.out_h;
  // An output row costs about a cycle per vector of channels per tap (the multiply-add and its loads), and the
  // bytes it brings in (its stride's new input rows) and writes: on the small late layers those are most of the
  // time (a 14x14x576 stride-2 layer took 2.5x its multiply-adds' cycles, so it had been left on one thread).
  const double row_floats = static_cast<double>(g.stride_h) * g.in_w * g.in_c + static_cast<double>(g.out_w) * g.in_c;
  const double row_cost = static_cast<double>(g.out_w) * g.in_c * taps / kVecWidth +
                          row_floats * sizeof(float) * ThreadPool::kCostByteCopied;
  // Rows, and where they are too few to share evenly (a 7x7 layer's 7 rows over two threads went 4 and 3) blocks
  // of channels too: a tile is rows x blocks of four channel vectors, the blocks DepthwisePixel goes by (so each
  // channel's sum runs in the same order at any thread count).
  constexpr int kBlock = 4 * kW;
  const int blocks = (g.in_c + kBlock - 1) / kBlock;
  const bool split_channels = rows < 4 * pool.num_threads() && blocks >= 2 * pool.num_threads();
  const int64_t cols = split_channels ? blocks : 1;
  pool.ParallelFor2D(rows, cols, row_cost / static_cast<double>(cols),
                     [&](int64_t r0, int64_t r1, int64_t k0, int64_t k1, int) {
    const int c0 = split_channels ? static_cast<int>(k0) * kBlock : 0;
    const int c1 = split_channels ? std::min(g.in_c, static_cast<int>(k1) * kBlock) : g.in_c;
    for (int64_t r = r0; r < r1; ++r) {
      const int b = static_cast<int>(r / g.out_h), oy = static_cast<int>(r % g.out_h);
      const float* image = input + static_cast<int64_t>(b) * g.in_h * g.in_w * g.in_c;
      float* out = output + r * g.out_w * g.in_c;
      row_fn(g, image, oy, packed, c0, c1, out, lo, hi);
      if (!hard_swish) continue;
      if (c0 == 0 && c1 == g.in_c) {
        kUnaryF32.hard_swish(out, out, static_cast<int64_t>(g.out_w) * g.in_c, 0.f);  // while in L1
      } else {
        for (int ox = 0; ox < g.out_w; ++ox) {
          float* p = out + static_cast<int64_t>(ox) * g.in_c + c0;
          kUnaryF32.hard_swish(p, p, c1 - c0, 0.f);
        }
      }
    }
  });
}

void ExpandChannels(const float* in, int64_t pixels, int channels, int multiplier, float* out, ThreadPool& pool) {
  const int64_t out_c = static_cast<int64_t>(channels) * multiplier;
  const double pixel_cost = static_cast<double>(out_c) * ThreadPool::kCostScalarValue;
  pool.ParallelFor(pixels, pixel_cost, [&](int64_t begin, int64_t end, int) {
    for (int64_t p = begin; p < end; ++p) {
      const float* src = in + p * channels;
      float* dst = out + p * out_c;
      for (int c = 0; c < channels; ++c, dst += multiplier) {
        for (int j = 0; j < multiplier; ++j) dst[j] = src[c];
      }
    }
  });
}

}  // namespace

extern const DepthwiseF32Kernels kDepthwiseF32 = {PackedDepthwiseWeightsSize, PackDepthwiseWeights, DepthwiseConvF32,
                                                  ExpandChannels};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
