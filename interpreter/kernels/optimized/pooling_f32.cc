// f32 pooling: each output pixel's window is clipped to the input once, then every channel vector
// sweeps it; the average divides by the clipped count, as .tflite does for SAME padding.
#include "interpreter/kernels/optimized/pooling_f32.h"

#include <algorithm>
#include <limits>

#include "interpreter/kernels/optimized/vec_f32.h"
#include "interpreter/thread_pool.h"

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
  const int64_t rows = static_cast<int64_t>(g.batch) * g.out_h;
  const int64_t row_work = std::max<int64_t>(1, static_cast<int64_t>(g.out_w) * channels * g.filter_h * g.filter_w);
  constexpr int64_t kMinWorkPerTask = 32 * 1024;
  pool.ParallelFor(rows, std::max<int64_t>(1, kMinWorkPerTask / row_work), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int b = static_cast<int>(r / g.out_h), oy = static_cast<int>(r % g.out_h);
      const float* image = input + static_cast<int64_t>(b) * g.in_h * g.in_w * channels;
      const int iy0 = oy * g.stride_h - g.pad_top;
      const int y0 = std::max(iy0, 0), y1 = std::min(iy0 + g.filter_h, g.in_h);
      for (int ox = 0; ox < g.out_w; ++ox) {
        const int ix0 = ox * g.stride_w - g.pad_left;
        const int x0 = std::max(ix0, 0), x1 = std::min(ix0 + g.filter_w, g.in_w);
        const int count = std::max(y1 - y0, 0) * std::max(x1 - x0, 0);
        float* out = output + (r * g.out_w + ox) * channels;
        for (int c = 0; c < channels; c += kW) {
          const int lanes = std::min(kW, channels - c);
          VecF32 acc = Op::Init();
          for (int y = y0; y < y1; ++y) {
            const float* p = image + (static_cast<int64_t>(y) * g.in_w + x0) * channels + c;
            for (int x = x0; x < x1; ++x, p += channels) {
              acc = Op::Step(acc, lanes == kW ? Load(p) : LoadPartial(p, lanes));
            }
          }
          const VecF32 v = ClampVec(Op::Finish(acc, count), lo, hi);
          if (lanes == kW) {
            Store(out + c, v);
          } else {
            StorePartial(out + c, v, lanes);
          }
        }
      }
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
