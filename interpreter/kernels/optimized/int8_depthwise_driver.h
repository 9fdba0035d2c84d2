// The ISA-independent part of the int8 depthwise convolution (int8_depthwise.h), compiled into each ISA's
// translation unit: packing, border and interior handling, threading. The ISA file supplies a vector
// traits class V:
//   Vec, kLanes            the int32 vector and its lane count
//   LoadInput(p, n)        n (1..kLanes) int8 inputs, sign-extended to int32 lanes
//   LoadWeights(p)         kLanes packed weights (each lane an int16 pair (w, 0))
//   Madd(acc, x, w)        acc + x * w per lane, exactly (x and w fit 16 bits)
//   Bias(h), Requant<E>(acc, h), Store(p, v, lo, hi, n), Set1(v)
//   kLogicalShift          as the GEMM's traits (the header's requantization constants)
//   kColumnDot             square 3x3 and 5x5 filters' interiors go by columns (below), with
//   Column(rows, n)        n channels of up to four rows' pixels as dot-product operands, one int32 lane a
//                          channel holding (row 0, row 1, row 2, row 3) as unsigned bytes (x + 128)
//   Dot(acc, column, w)    acc + the four-byte dot products (vpdpbusd)
// Packed layout, cp = channels rounded up to kLanes: cp / kLanes headers (the GEMM's, for kEpilogue; bias folded
// with -z_x * sum of the taps' weights), then taps x cp weights (int32 lanes), then cp bytes of the input
// zero point (the padding row); for column sweeps, from the next 64 bytes: cp column biases (the bias folded
// with -(z_x + 128) * sum of the weights) and, per filter column kx and group of four filter rows, cp lanes of
// those rows' weights (w[4g][kx], .., w[4g + 3][kx], zero past the filter).
#pragma once

#ifndef EL_ISA_NS
#error "int8_depthwise_driver.h is for the {x86,arm}/int8_depthwise_<isa>.cc sources; CMake sets EL_ISA_NS"
#endif

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "interpreter/kernels/optimized/int8_depthwise.h"
#include "interpreter/kernels/optimized/int8_gemm_driver.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace int8_depthwise {

using int8_gemm::kHeaderSlots;

// The one output stage of every depthwise layer: the multiplier with its left shift, the zero point added after
// the shift. A left shift of 0 and a separate add compute exactly what the GEMM's narrower epilogues compute
// (int8_gemm_driver.h), for two vector instructions per stored vector beside the taps' multiply-adds; one
// epilogue instead of up to five keeps a single set of row kernels per ISA.
constexpr int kEpilogue = int8_gemm::EpilogueIndex(int8_gemm::Stage::kMultiplierLeftShift, true, true);

// The K of a K x K filter swept by columns (stride 1 or 2 both ways, no dilation), or 0.
template <class V>
int ColumnSweepSize(const WindowGeometry& g) {
  const bool square = g.filter_h == g.filter_w && (g.filter_h == 3 || g.filter_h == 5);
  const bool regular = g.dilation_h == 1 && g.dilation_w == 1 && g.stride_h == g.stride_w && g.stride_w <= 2;
  return V::kColumnDot && square && regular ? g.filter_h : 0;
}
constexpr int RowGroups(int k) { return (k + 3) / 4; }

template <class V>
struct Layout {
  static constexpr size_t kHeaderBytes = kHeaderSlots * V::kLanes * 4;
  static int64_t Cp(int channels) { return (channels + V::kLanes - 1) / V::kLanes * V::kLanes; }
  static const uint8_t* Header(const uint8_t* packed, int c) { return packed + c / V::kLanes * kHeaderBytes; }
  static size_t WeightsOffset(int channels) { return Cp(channels) / V::kLanes * kHeaderBytes; }
  static size_t PadRowOffset(int channels, int taps) { return WeightsOffset(channels) + taps * Cp(channels) * 4; }
  static size_t ColumnOffset(int channels, int taps) {
    return (PadRowOffset(channels, taps) + Cp(channels) + 63) / 64 * 64;
  }
  static size_t Size(const WindowGeometry& g) {
    const int taps = g.filter_h * g.filter_w, k = ColumnSweepSize<V>(g);
    return ColumnOffset(g.out_c, taps) + (k ? (1 + k * RowGroups(k)) * Cp(g.out_c) * 4 : 0);
  }
};

template <class V>
size_t PackedSize(const WindowGeometry& g) {
  return Layout<V>::Size(g);
}

template <class V>
void Pack(const WindowGeometry& g, const int8_t* filter, const int32_t* bias, int32_t input_zero_point,
          const Int8OutputStage& stage, void* packed) {
  using L = Layout<V>;
  const int channels = g.out_c, taps = g.filter_h * g.filter_w;
  auto* dst = static_cast<uint8_t*>(packed);
  std::memset(dst, 0, L::Size(g));
  const int64_t cp = L::Cp(channels);
  auto weight = [&](int t, int c) { return filter[static_cast<int64_t>(t) * channels + c]; };
  for (int c0 = 0; c0 < channels; c0 += V::kLanes) {
    const int lanes = std::min(V::kLanes, channels - c0);
    int64_t folded[V::kLanes];
    for (int j = 0; j < lanes; ++j) {
      int64_t sum = 0;
      for (int t = 0; t < taps; ++t) sum += weight(t, c0 + j);
      folded[j] = (bias ? bias[c0 + j] : 0) - static_cast<int64_t>(input_zero_point) * sum;
    }
    int8_gemm::PackHeader<V::kLanes, V::kLogicalShift>(dst + c0 / V::kLanes * L::kHeaderBytes, lanes, folded, stage,
                                                       c0, kEpilogue);
  }
  auto* w = reinterpret_cast<uint32_t*>(dst + L::WeightsOffset(channels));
  for (int t = 0; t < taps; ++t) {
    for (int c = 0; c < channels; ++c) w[t * cp + c] = static_cast<uint16_t>(static_cast<int16_t>(weight(t, c)));
  }
  std::memset(dst + L::PadRowOffset(channels, taps), static_cast<uint8_t>(input_zero_point), cp);
  const int k = ColumnSweepSize<V>(g);
  if (!k) return;
  auto* column = reinterpret_cast<int32_t*>(dst + L::ColumnOffset(channels, taps));
  for (int c = 0; c < channels; ++c) {
    int64_t sum = 0;
    for (int t = 0; t < taps; ++t) sum += weight(t, c);
    const int64_t folded = (bias ? bias[c] : 0) - (static_cast<int64_t>(input_zero_point) + 128) * sum;
    column[c] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(folded)));
    for (int kx = 0; kx < k; ++kx) {
      for (int grp = 0; grp < RowGroups(k); ++grp) {
        uint32_t lane = 0;
        for (int i = 0; i < 4 && 4 * grp + i < k; ++i) {
          lane |= static_cast<uint32_t>(static_cast<uint8_t>(weight((4 * grp + i) * k + kx, c))) << (8 * i);
        }
        column[(1 + kx * RowGroups(k) + grp) * cp + c] = static_cast<int32_t>(lane);
      }
    }
  }
}

// The channels of one pixel: out[c] = requant(bias + sum_t in[t][c] * w[t][c]).
template <class V, int kTaps>
inline void Pixel(const int8_t* const* in, int taps, const uint8_t* packed, int channels, int8_t* out,
                  typename V::Vec lo, typename V::Vec hi) {
  using L = Layout<V>;
  using Vec = typename V::Vec;
  const int n = kTaps ? kTaps : taps;
  const int64_t cp = L::Cp(channels);
  const auto* w = reinterpret_cast<const int32_t*>(packed + L::WeightsOffset(channels));
  for (int c = 0; c < channels; c += V::kLanes) {
    const int lanes = std::min(V::kLanes, channels - c);
    const uint8_t* h = L::Header(packed, c);
    Vec acc = V::Bias(h);
    for (int t = 0; t < n; ++t) acc = V::Madd(acc, V::LoadInput(in[t] + c, lanes), V::LoadWeights(w + t * cp + c));
    V::template Store<true>(out + c, V::template Requant<kEpilogue>(acc, h), lo, hi, lanes);
  }
}

// A border pixel: out of line, one copy per filter size (as the float kernel's DepthwiseBorderPixel).
template <class V, int kTaps>
__attribute__((noinline)) void BorderPixel(const int8_t* const* in, int taps, const uint8_t* packed, int channels,
                                           int8_t* out, typename V::Vec lo, typename V::Vec hi) {
  Pixel<V, kTaps>(in, taps, packed, channels, out, lo, hi);
}

// Interior pixels [ox_lo, ox_hi) of a 3x3, dilation-1 row with stride kStride, one vector of channels at c:
// the nine weights stay in registers while the row is swept four output pixels at a time, each input
// vector those pixels share loaded and widened once.
template <class V, int kStride>
void Sweep3x3(const int8_t* const* rows, const int64_t* steps, int pad_left, int ox_lo, int ox_hi,
              const uint8_t* packed, int c, int lanes, int channels, int8_t* out, typename V::Vec lo,
              typename V::Vec hi) {
  using L = Layout<V>;
  using Vec = typename V::Vec;
  constexpr int kPixels = 4;
  constexpr int kColumns = 3 + kStride * (kPixels - 1);
  const int64_t cp = L::Cp(channels);
  const auto* wp = reinterpret_cast<const int32_t*>(packed + L::WeightsOffset(channels));
  Vec w[9];
  for (int t = 0; t < 9; ++t) w[t] = V::LoadWeights(wp + t * cp + c);
  const uint8_t* h = L::Header(packed, c);
  const Vec bias = V::Bias(h);
  int ox = ox_lo;
  for (; ox + kPixels <= ox_hi; ox += kPixels) {
    const int64_t ix = static_cast<int64_t>(ox) * kStride - pad_left;
    Vec acc[kPixels];
    for (int q = 0; q < kPixels; ++q) acc[q] = bias;
    for (int ky = 0; ky < 3; ++ky) {
      const int8_t* p = rows[ky] + ix * steps[ky] + c;
      for (int j = 0; j < kColumns; ++j) {
        const Vec v = V::LoadInput(p + j * steps[ky], lanes);
        for (int q = 0; q < kPixels; ++q) {
          const int kx = j - kStride * q;
          if (kx >= 0 && kx < 3) acc[q] = V::Madd(acc[q], v, w[ky * 3 + kx]);
        }
      }
    }
    for (int q = 0; q < kPixels; ++q) {
      V::template Store<true>(out + static_cast<int64_t>(ox + q) * channels + c,
                              V::template Requant<kEpilogue>(acc[q], h), lo, hi, lanes);
    }
  }
  for (; ox < ox_hi; ++ox) {
    const int64_t ix = static_cast<int64_t>(ox) * kStride - pad_left;
    Vec acc = bias;
    for (int ky = 0; ky < 3; ++ky) {
      const int8_t* p = rows[ky] + ix * steps[ky] + c;
      for (int kx = 0; kx < 3; ++kx) acc = V::Madd(acc, V::LoadInput(p + kx * steps[ky], lanes), w[ky * 3 + kx]);
    }
    V::template Store<true>(out + static_cast<int64_t>(ox) * channels + c, V::template Requant<kEpilogue>(acc, h), lo,
                            hi, lanes);
  }
}

// The interior of a K x K row by columns (stride kStride): each input column's K pixels (one per filter row,
// in groups of four) become dot-product operands per channel, built once and used by every output pixel whose
// window covers the column, so a 3x3 pixel costs three vpdpbusd and (stride 1) one new column instead of nine
// multiply-adds and their widened inputs. kWholeRow: pixels [ox_lo, ox_hi) are the whole row, borders included,
// columns in the padding left or right reading the padding row (the input zero point, as rows above and below
// do): for short rows (a 7x7 layer's border pixels through the tap-pointer kernel had been a third of its time);
// long rows keep the interior loop free of the column tests.
template <class V, int K, int kStride, bool kWholeRow>
void SweepColumns(const int8_t* const* rows, const int64_t* steps, const int8_t* pad, int in_w, int pad_left,
                  int ox_lo, int ox_hi, const uint8_t* packed, int c, int lanes, int channels, int8_t* out,
                  typename V::Vec lo, typename V::Vec hi) {
  using L = Layout<V>;
  using Vec = typename V::Vec;
  constexpr int G = RowGroups(K);
  const int64_t cp = L::Cp(channels);
  const auto* cw = reinterpret_cast<const int32_t*>(packed + L::ColumnOffset(channels, K * K));
  const Vec bias = V::LoadWeights(cw + c);
  Vec w[K][G];
  for (int kx = 0; kx < K; ++kx) {
    for (int grp = 0; grp < G; ++grp) w[kx][grp] = V::LoadWeights(cw + (1 + kx * G + grp) * cp + c);
  }
  const uint8_t* h = L::Header(packed, c);
  // Window of the current pixel: columns ix .. ix + K - 1.
  Vec win[K][G];
  auto column = [&](int64_t ix, Vec* dst) {
    for (int grp = 0; grp < G; ++grp) {
      const int8_t* p[4];
      const int count = std::min(4, K - 4 * grp);
      const bool inside = !kWholeRow || (ix >= 0 && ix < in_w);
      for (int i = 0; i < count; ++i) p[i] = (inside ? rows[4 * grp + i] + ix * steps[4 * grp + i] : pad) + c;
      dst[grp] = V::Column(p, count, lanes);
    }
  };
  int64_t ix = static_cast<int64_t>(ox_lo) * kStride - pad_left;
  for (int j = 0; j < K - kStride; ++j) column(ix + j, win[j]);
  for (int ox = ox_lo; ox < ox_hi; ++ox, ix += kStride) {
    for (int j = K - kStride; j < K; ++j) column(ix + j, win[j]);
    Vec acc = bias;
    for (int kx = 0; kx < K; ++kx) {
      for (int grp = 0; grp < G; ++grp) acc = V::Dot(acc, win[kx][grp], w[kx][grp]);
    }
    V::template Store<true>(out + static_cast<int64_t>(ox) * channels + c, V::template Requant<kEpilogue>(acc, h), lo,
                            hi, lanes);
    for (int j = 0; j < K - kStride; ++j) {
      for (int grp = 0; grp < G; ++grp) win[j][grp] = win[j + kStride][grp];
    }
  }
}

// One output row of one image. kSweep: 0 runs the tap-pointer kernel everywhere; K (3 or 5) sweeps the
// interior of K x K filters by columns (kColumnDot ISAs); -3 sweeps 3x3 interiors with the nine weights in
// registers (the others). kStride is the sweep's stride (both directions).
template <class V, int kTaps, int kSweep, int kStride>
void Row(const WindowGeometry& g, const int8_t* image, int oy, const uint8_t* packed, int8_t* out,
         typename V::Vec lo, typename V::Vec hi) {
  const int taps = g.filter_h * g.filter_w;
  const int channels = g.in_c;
  const int8_t* pad = reinterpret_cast<const int8_t*>(packed + Layout<V>::PadRowOffset(channels, taps));
  const int8_t* ptr[kMaxInt8DepthwiseTaps];
  int64_t step[kMaxInt8DepthwiseTaps];
  const int iy0 = oy * g.stride_h - g.pad_top;
  const int64_t pixel_step = static_cast<int64_t>(g.stride_w) * channels;
  auto setup = [&](int ox) {
    const int ix0 = ox * g.stride_w - g.pad_left;
    for (int ky = 0, t = 0; ky < g.filter_h; ++ky) {
      const int iy = iy0 + ky * g.dilation_h;
      const bool row_ok = iy >= 0 && iy < g.in_h;
      for (int kx = 0; kx < g.filter_w; ++kx, ++t) {
        const int ix = ix0 + kx * g.dilation_w;
        const bool ok = row_ok && ix >= 0 && ix < g.in_w;
        ptr[t] = ok ? image + (static_cast<int64_t>(iy) * g.in_w + ix) * channels : pad;
        step[t] = row_ok ? pixel_step : 0;
      }
    }
  };
  // Interior columns: every tap lies inside the input horizontally, so pointers only step. Column sweeps of rows
  // up to kWholeRowWidth pixels take the whole row.
  constexpr int kWholeRowWidth = 16;
  int ox_lo, ox_hi;
  reference::InteriorColumns(g, &ox_lo, &ox_hi);
  const bool whole_row = kSweep > 0 && g.out_w <= kWholeRowWidth;
  if (whole_row) ox_lo = 0, ox_hi = g.out_w;
  for (int ox = 0; ox < ox_lo; ++ox) {
    setup(ox);
    BorderPixel<V, kTaps>(ptr, taps, packed, channels, out + static_cast<int64_t>(ox) * channels, lo, hi);
  }
  if (kSweep != 0 && ox_lo < ox_hi) {
    constexpr int K = kSweep < 0 ? -kSweep : kSweep;
    const int8_t* rows[K];
    int64_t steps[K];
    for (int ky = 0; ky < K; ++ky) {
      const int iy = iy0 + ky;
      const bool ok = iy >= 0 && iy < g.in_h;
      rows[ky] = ok ? image + static_cast<int64_t>(iy) * g.in_w * channels : pad;
      steps[ky] = ok ? channels : 0;
    }
    for (int c = 0; c < channels; c += V::kLanes) {
      const int lanes = std::min(V::kLanes, channels - c);
      if constexpr (kSweep > 0) {
        if (whole_row) {
          SweepColumns<V, K, kStride, true>(rows, steps, pad, g.in_w, g.pad_left, ox_lo, ox_hi, packed, c, lanes,
                                            channels, out, lo, hi);
        } else {
          SweepColumns<V, K, kStride, false>(rows, steps, pad, g.in_w, g.pad_left, ox_lo, ox_hi, packed, c, lanes,
                                             channels, out, lo, hi);
        }
      } else {
        Sweep3x3<V, kStride>(rows, steps, g.pad_left, ox_lo, ox_hi, packed, c, lanes, channels, out, lo, hi);
      }
    }
  } else if (ox_lo < ox_hi) {
    setup(ox_lo);
    for (int ox = ox_lo; ox < ox_hi; ++ox) {
      Pixel<V, kTaps>(ptr, taps, packed, channels, out + static_cast<int64_t>(ox) * channels, lo, hi);
      for (int t = 0; t < taps; ++t) ptr[t] += step[t];
    }
  }
  for (int ox = ox_hi; ox < g.out_w; ++ox) {
    setup(ox);
    BorderPixel<V, kTaps>(ptr, taps, packed, channels, out + static_cast<int64_t>(ox) * channels, lo, hi);
  }
}

template <class V>
using RowFn = void (*)(const WindowGeometry&, const int8_t*, int, const uint8_t*, int8_t*, typename V::Vec,
                       typename V::Vec);

template <class V>
RowFn<V> ChooseRow(const WindowGeometry& g) {
  const int taps = g.filter_h * g.filter_w;
  const int k = ColumnSweepSize<V>(g);
  const bool stride1 = g.stride_w == 1;
  if (k == 3) return stride1 ? Row<V, 9, 3, 1> : Row<V, 9, 3, 2>;
  if (k == 5) return stride1 ? Row<V, 25, 5, 1> : Row<V, 25, 5, 2>;
  // With column sweeps every 3x3 filter this path could take went by columns above: no row sweep instantiated.
  if (taps == 9 && !V::kColumnDot) {
    const bool swept = g.filter_h == 3 && g.dilation_h == 1 && g.dilation_w == 1 && g.stride_h == g.stride_w;
    if (swept && g.stride_w == 1) return Row<V, 9, -3, 1>;
    if (swept && g.stride_w == 2) return Row<V, 9, -3, 2>;
    return Row<V, 9, 0, 1>;
  }
  if (taps == 9) return Row<V, 9, 0, 1>;
  return taps == 25 ? Row<V, 25, 0, 1> : Row<V, 0, 0, 1>;
}

template <class V>
void Run(const WindowGeometry& g, const int8_t* input, const void* packed, int8_t* output, int32_t out_min,
         int32_t out_max, ThreadPool& pool) {
  const auto* p = static_cast<const uint8_t*>(packed);
  const RowFn<V> row_fn = ChooseRow<V>(g);
  const typename V::Vec lo = V::Set1(out_min), hi = V::Set1(out_max);
  const int64_t rows = static_cast<int64_t>(g.batch) * g.out_h;
  // An output row: one vector multiply-add per 16 or more channels per tap.
  const double row_cost = static_cast<double>(g.out_w) * g.in_c * g.filter_h * g.filter_w / 16;
  pool.ParallelFor(rows, row_cost, [&](int64_t begin, int64_t end, int) {
    for (int64_t r = begin; r < end; ++r) {
      const int b = static_cast<int>(r / g.out_h), oy = static_cast<int>(r % g.out_h);
      const int8_t* image = input + static_cast<int64_t>(b) * g.in_h * g.in_w * g.in_c;
      row_fn(g, image, oy, p, output + r * g.out_w * g.in_c, lo, hi);
    }
  });
}

template <class V>
constexpr Int8DepthwiseKernels MakeInt8DepthwiseKernels() {
  return {PackedSize<V>, Pack<V>, Run<V>};
}

}  // namespace int8_depthwise
}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
