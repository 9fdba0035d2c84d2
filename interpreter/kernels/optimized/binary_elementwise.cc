// The binary element-wise loops, compiled once per vector ISA: one straight loop per (operation, layout,
// dtype), which the compiler vectorizes to the ISA's width.
#include "interpreter/kernels/optimized/binary_elementwise.h"

#include <algorithm>

#include "interpreter/thread_pool.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

using reference::ApplyBinary;
using reference::BinaryOp;
using reference::ClampBinary;

// One output value: two loads, the operation and a store in vectorized code.
constexpr double kValueCost = ThreadPool::kCostVectorValue;

template <BinaryOp op, typename T>
void Run(const BinaryLayout& l, const void* a_bytes, const void* b_bytes, void* out_bytes, float lo, float hi,
         ThreadPool& pool) {
  const T* pa = static_cast<const T*>(a_bytes);
  const T* pb = static_cast<const T*>(b_bytes);
  T* po = static_cast<T*>(out_bytes);
  using K = BinaryLayout::Kind;
  switch (l.kind) {
    case K::kSameShape:
      pool.ParallelFor(l.n, kValueCost, [&](int64_t s, int64_t e, int) {
        for (int64_t i = s; i < e; ++i) po[i] = ClampBinary(ApplyBinary<op>(pa[i], pb[i]), lo, hi);
      });
      return;
    case K::kScalarB: {
      const T v = pb[0];
      pool.ParallelFor(l.n, kValueCost, [&](int64_t s, int64_t e, int) {
        for (int64_t i = s; i < e; ++i) po[i] = ClampBinary(ApplyBinary<op>(pa[i], v), lo, hi);
      });
      return;
    }
    case K::kScalarA: {
      const T v = pa[0];
      pool.ParallelFor(l.n, kValueCost, [&](int64_t s, int64_t e, int) {
        for (int64_t i = s; i < e; ++i) po[i] = ClampBinary(ApplyBinary<op>(v, pb[i]), lo, hi);
      });
      return;
    }
    case K::kInnerBroadcastB: {
      const int64_t inner = l.inner;
      pool.ParallelFor(l.outer, kValueCost * static_cast<double>(inner), [&](int64_t s, int64_t e, int) {
        for (int64_t o = s; o < e; ++o) {
          const T* x = pa + o * inner;
          T* y = po + o * inner;
          for (int64_t i = 0; i < inner; ++i) y[i] = ClampBinary(ApplyBinary<op>(x[i], pb[i]), lo, hi);
        }
      });
      return;
    }
  }
}

// int32 and int64 only in the baseline build (vector_isa.h's kBaselineBuild), and POW, FLOOR_DIV and FLOOR_MOD
// for every dtype (powf is a call per value in every build; the floor operators are rare).
template <BinaryOp op>
struct RunOf {
  template <typename T>
  static constexpr BinaryLoop Get() { return Run<op, T>; }
};

// Every operation in reference::BinaryOp order.
#define EL_BINARY_LOOP(op, T) LoopIfBuilt<T, RunOf<BinaryOp::op>>()
#define EL_BASELINE_LOOP(op, T) LoopIfBuilt<T, RunOf<BinaryOp::op>, true>()
#define EL_BINARY_LOOPS(T)                                                                                   \
  {EL_BINARY_LOOP(kAdd, T), EL_BINARY_LOOP(kSub, T), EL_BINARY_LOOP(kMul, T), EL_BINARY_LOOP(kDiv, T),      \
   EL_BINARY_LOOP(kSquaredDifference, T), EL_BINARY_LOOP(kMaximum, T), EL_BINARY_LOOP(kMinimum, T),         \
   EL_BASELINE_LOOP(kPow, T), EL_BASELINE_LOOP(kFloorDiv, T), EL_BASELINE_LOOP(kFloorMod, T),              \
   EL_BINARY_LOOP(kPRelu, T)}

}  // namespace

extern const BinaryKernels kBinary = {EL_BINARY_LOOPS(float), EL_BINARY_LOOPS(int32_t), EL_BINARY_LOOPS(int64_t)};
#undef EL_BINARY_LOOPS
#undef EL_BINARY_LOOP
#undef EL_BASELINE_LOOP

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
