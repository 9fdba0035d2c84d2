// 8-bit pooling: each output pixel's window is clipped to the input once, then blocks of 64 channels (one
// AVX-512 vector of bytes) sweep it into int32 sums or byte maxima that the compiler keeps in vector
// registers. The average's rounded division ((sum +- count / 2) / count, truncating) is done in float32:
// for |n| < 2^24 the correctly rounded n / count never crosses an integer (the quotient's distance to one
// is at least 1 / count, the rounding error below |n| / count * 2^-24 < 1 / count), so truncating it gives
// the integer quotient exactly; prepare keeps windows small enough (kMaxAveragePool8BitWindow).
#include "interpreter/kernels/optimized/pooling_8bit.h"

#include <algorithm>
#include <limits>

#include "interpreter/kernels/optimized/pool_windows.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

constexpr int kBlock = 64;

constexpr double kWindowValueCost = 1.0 / 16;  // a window value: one vector operation per 16 or more channels

// The rounded averages of one block of channels; kLen > 0 is a whole block, a compile-time count so that
// the loops are whole vectors; 0 is the tail of `len` channels.
template <typename T, int kLen>
inline void AverageBlock(const T* image, const WindowGeometry& g, int c0, int len, int y0, int y1, int x0, int x1,
                         int32_t lo, int32_t hi, T* out) {
  const int n = kLen > 0 ? kLen : len;
  const int32_t count = std::max(y1 - y0, 0) * std::max(x1 - x0, 0);
  const int32_t half = count / 2;
  const float divisor = static_cast<float>(std::max(count, 1));
  int32_t sum[kBlock] = {};
  for (int y = y0; y < y1; ++y) {
    const T* p = image + (static_cast<int64_t>(y) * g.in_w + x0) * g.in_c + c0;
    for (int x = x0; x < x1; ++x, p += g.in_c) {
      for (int j = 0; j < n; ++j) sum[j] += p[j];
    }
  }
  for (int j = 0; j < n; ++j) {
    const int32_t rounded = sum[j] > 0 ? sum[j] + half : sum[j] - half;
    const int32_t average = static_cast<int32_t>(static_cast<float>(rounded) / divisor);
    out[c0 + j] = static_cast<T>(average < lo ? lo : (average > hi ? hi : average));
  }
}

template <typename T>
void AveragePool(const WindowGeometry& g, const T* input, T* output, int32_t lo, int32_t hi, ThreadPool& pool) {
  const int channels = g.in_c;
  ForEachPoolOutputPixel(g, input, output, kWindowValueCost, pool,
                         [&](const T* image, T* out, int y0, int y1, int x0, int x1) {
    int c0 = 0;
    for (; c0 + kBlock <= channels; c0 += kBlock) {
      AverageBlock<T, kBlock>(image, g, c0, kBlock, y0, y1, x0, x1, lo, hi, out);
    }
    if (c0 < channels) AverageBlock<T, 0>(image, g, c0, channels - c0, y0, y1, x0, x1, lo, hi, out);
  });
}

// The maxima of one block of channels, as AverageBlock.
template <typename T, int kLen>
inline void MaxBlock(const T* image, const WindowGeometry& g, int c0, int len, int y0, int y1, int x0, int x1, T lo,
                     T hi, T* out) {
  const int n = kLen > 0 ? kLen : len;
  T best[kBlock];
  for (int j = 0; j < kBlock; ++j) best[j] = std::numeric_limits<T>::lowest();
  for (int y = y0; y < y1; ++y) {
    const T* p = image + (static_cast<int64_t>(y) * g.in_w + x0) * g.in_c + c0;
    for (int x = x0; x < x1; ++x, p += g.in_c) {
      for (int j = 0; j < n; ++j) best[j] = p[j] > best[j] ? p[j] : best[j];
    }
  }
  for (int j = 0; j < n; ++j) out[c0 + j] = best[j] < lo ? lo : (best[j] > hi ? hi : best[j]);
}

template <typename T>
void MaxPool(const WindowGeometry& g, const T* input, T* output, int32_t lo, int32_t hi, ThreadPool& pool) {
  const int channels = g.in_c;
  const T lo_t = static_cast<T>(lo), hi_t = static_cast<T>(hi);
  ForEachPoolOutputPixel(g, input, output, kWindowValueCost, pool,
                         [&](const T* image, T* out, int y0, int y1, int x0, int x1) {
    int c0 = 0;
    for (; c0 + kBlock <= channels; c0 += kBlock) {
      MaxBlock<T, kBlock>(image, g, c0, kBlock, y0, y1, x0, x1, lo_t, hi_t, out);
    }
    if (c0 < channels) MaxBlock<T, 0>(image, g, c0, channels - c0, y0, y1, x0, x1, lo_t, hi_t, out);
  });
}

}  // namespace

extern const Pooling8BitTables kPooling8Bit = {{AveragePool<int8_t>, MaxPool<int8_t>},
                                               {AveragePool<uint8_t>, MaxPool<uint8_t>}};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
