// The quantized ADD, SUB and MUL loops, compiled once per vector ISA: straight loops over
// reference/integer's per-value arithmetic (always inlined), which the compiler vectorizes (64-bit
// products for the rounding high multiplies, shifts per lane).
#include "interpreter/kernels/optimized/binary_quantized.h"

#include <algorithm>

#include "interpreter/kernels/reference/integer/add_sub.h"
#include "interpreter/kernels/reference/integer/mul.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

namespace ri = reference::integer;

// Fewest values worth a thread-pool task.
constexpr int64_t kGrain = 8192;

// One task's values. Pointers and parameters are copied into locals first: stores through an 8-bit pointer
// may alias anything, so values read through the captures would be reloaded after every store, and the loop
// would stay scalar.
template <typename T, typename Value>
void RunRange(const BinaryLayout& l, const T* pa, const T* pb, T* po, Value value, int64_t s, int64_t e) {
  using K = BinaryLayout::Kind;
  switch (l.kind) {
    case K::kSameShape:
      for (int64_t i = s; i < e; ++i) po[i] = static_cast<T>(value(pa[i], pb[i]));
      return;
    // A scalar side is spread over a short buffer and the runs go through the same-shape loop: with the
    // scalar folded into the loop GCC stops vectorizing the 64-bit products.
    case K::kScalarB:
    case K::kScalarA: {
      constexpr int64_t kChunk = 256;
      T spread[kChunk];
      const bool scalar_b = l.kind == K::kScalarB;
      std::fill(spread, spread + kChunk, scalar_b ? pb[0] : pa[0]);
      for (int64_t c = s; c < e; c += kChunk) {
        const int64_t n = std::min(kChunk, e - c);
        const T* x = scalar_b ? pa + c : spread;
        const T* y = scalar_b ? spread : pb + c;
        T* z = po + c;
        for (int64_t i = 0; i < n; ++i) z[i] = static_cast<T>(value(x[i], y[i]));
      }
      return;
    }
    case K::kInnerBroadcastB: {
      const int64_t inner = l.inner;
      constexpr int64_t kSpread = 256;
      if (inner >= kSpread / 4) {
        for (int64_t o = s; o < e; ++o) {
          const T* x = pa + o * inner;
          T* y = po + o * inner;
          for (int64_t i = 0; i < inner; ++i) y[i] = static_cast<T>(value(x[i], pb[i]));
        }
        return;
      }
      // Short rows (a squeeze-excite scale per channel): b repeated over several rows, so one vector loop
      // covers them instead of a loop of a few iterations per row.
      T spread[kSpread];
      const int64_t rows_per_run = kSpread / inner;
      for (int64_t r = 0; r < rows_per_run; ++r) std::copy(pb, pb + inner, spread + r * inner);
      for (int64_t o = s; o < e; o += rows_per_run) {
        const int64_t n = std::min(rows_per_run, e - o) * inner;
        const T* x = pa + o * inner;
        T* y = po + o * inner;
        for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(value(x[i], spread[i]));
      }
      return;
    }
  }
}

template <typename T, typename Value>
void Run(const BinaryLayout& l, const T* pa, const T* pb, T* po, ThreadPool& pool, Value value) {
  const bool rows = l.kind == BinaryLayout::Kind::kInnerBroadcastB;
  const int64_t total = rows ? l.outer : l.n;
  const int64_t grain = rows ? std::max<int64_t>(1, kGrain / std::max<int64_t>(l.inner, 1)) : kGrain;
  const BinaryLayout layout = l;
  pool.ParallelFor(total, grain, [=](int64_t s, int64_t e) { RunRange(layout, pa, pb, po, value, s, e); });
}

template <typename T, int kSign>
void AddSub(const BinaryLayout& l, const void* params, const void* a, const void* b, void* out, ThreadPool& pool) {
  const ri::AddSubParams p = *static_cast<const ri::AddSubParams*>(params);
  Run(l, static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(out), pool,
      [p](int32_t x, int32_t y) { return ri::AddSubValue<kSign>(p, x, y); });
}

template <typename T>
void Mul(const BinaryLayout& l, const void* params, const void* a, const void* b, void* out, ThreadPool& pool) {
  const ri::MulParams p = *static_cast<const ri::MulParams*>(params);
  Run(l, static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(out), pool,
      [p](int32_t x, int32_t y) { return ri::MulValue(p, x, y); });
}

}  // namespace

extern const QuantizedBinaryKernels kQuantizedBinary = {
    {AddSub<int8_t, 1>, AddSub<uint8_t, 1>, AddSub<int16_t, 1>},
    {AddSub<int8_t, -1>, AddSub<uint8_t, -1>, AddSub<int16_t, -1>},
    {Mul<int8_t>, Mul<uint8_t>, Mul<int16_t>},
};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
