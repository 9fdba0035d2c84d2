// f32 pooling: each output pixel's window is clipped to the input once, then every channel vector
// sweeps it; the average divides by the clipped count, as .tflite does for SAME padding.
#include "interpreter/kernels/optimized/pooling_f32.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "interpreter/kernels/optimized/pool_windows.h"
#include "interpreter/kernels/optimized/vec_f32.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

constexpr int kW = kVecWidth;

struct MaxOp {
  static VecF32 Init() { return Broadcast(std::numeric_limits<float>::lowest()); }
  // The input goes first so that a NaN input is skipped, as std::max(best, x) skips it in the reference.
  static VecF32 Step(VecF32 acc, VecF32 x) { return Max(x, acc); }
  static VecF32 Finish(VecF32 acc, int) { return acc; }
};

struct AverageOp {
  static VecF32 Init() { return Zero(); }
  static VecF32 Step(VecF32 acc, VecF32 x) { return Add(acc, x); }
  static VecF32 Finish(VecF32 acc, int count) { return Div(acc, Broadcast(static_cast<float>(count))); }
};

template <typename Op>
void Pool(const WindowGeometry& g, const float* input, float* output, float out_min, float out_max,
          ThreadPool& pool) {
  const VecF32 lo = Broadcast(out_min), hi = Broadcast(out_max);
  const int channels = g.in_c;
  // A window value is one vector operation per kW channels.
  ForEachPoolOutputPixel(g, input, output, 1.0 / kW, pool,
                         [&](const float* image, float* out, int y0, int y1, int x0, int x1) {
    const int count = std::max(y1 - y0, 0) * std::max(x1 - x0, 0);
    // Blocks of up to kBlock vectors, each its own chain through the window (one chain waits out the max's or
    // add's latency at every window value: ResNet's and DenseNet's 3x3 max pool over 64 channels ran at half
    // ONNX Runtime's speed, SqueezeNet's over 24 channels, a whole vector and a partial one in turn, 4x the
    // time of its loads); the last vector of the last block partial. Per lane the same operations in the same
    // order either way.
    constexpr int kBlock = 4;
    // NV vectors from channel c; with kTail the last holds `last` lanes (whole blocks load and store plainly).
    auto block = [&](int c, auto nv_constant, auto tail, int last) {
      constexpr int NV = decltype(nv_constant)::value;
      constexpr bool kTail = decltype(tail)::value;
      VecF32 acc[NV];
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[j] = Op::Init();
      for (int y = y0; y < y1; ++y) {
        const float* p = image + (static_cast<int64_t>(y) * g.in_w + x0) * channels + c;
        for (int x = x0; x < x1; ++x, p += channels) {
#pragma GCC unroll 4
          for (int j = 0; j < NV; ++j) {
            acc[j] = Op::Step(acc[j], kTail && j == NV - 1 ? LoadUpTo(p + j * kW, last) : Load(p + j * kW));
          }
        }
      }
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) {
        const VecF32 v = ClampVec(Op::Finish(acc[j], count), lo, hi);
        if (kTail && j == NV - 1) {
          StoreUpTo(out + c + j * kW, v, last);
        } else {
          Store(out + c + j * kW, v);
        }
      }
    };
    int c = 0;
    for (; c + kBlock * kW <= channels; c += kBlock * kW) {
      block(c, std::integral_constant<int, kBlock>{}, std::false_type{}, kW);
    }
    const int rest = channels - c;
    if (rest == 0) return;
    const int last = rest - (rest - 1) / kW * kW;
    switch ((rest + kW - 1) / kW) {
      case 1: block(c, std::integral_constant<int, 1>{}, std::true_type{}, last); break;
      case 2: block(c, std::integral_constant<int, 2>{}, std::true_type{}, last); break;
      case 3: block(c, std::integral_constant<int, 3>{}, std::true_type{}, last); break;
      default: block(c, std::integral_constant<int, 4>{}, std::true_type{}, last); break;
    }
  });
}

void AveragePoolF32(const WindowGeometry& g, const float* input, float* output, float out_min, float out_max,
                    ThreadPool& pool) {
  Pool<AverageOp>(g, input, output, out_min, out_max, pool);
}

void MaxPoolF32(const WindowGeometry& g, const float* input, float* output, float out_min, float out_max,
                ThreadPool& pool) {
  Pool<MaxOp>(g, input, output, out_min, out_max, pool);
}

}  // namespace

extern const PoolingF32Kernels kPoolingF32 = {AveragePoolF32, MaxPoolF32};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
