// Broadcasting element-wise TF ops: Atan2, the remainders (Mod and TruncateMod truncate like C's %,
// FloorMod takes the divisor's sign like Python's), and ClipByValue.
#include <cmath>
#include <limits>

#include "delegates/select/kernels/common.h"

namespace edgelite::select {
namespace {

enum class Fn { kAtan2, kTruncateMod, kFloorMod };

template <Fn fn, typename T>
T Apply(const OpContext& c, T x, T y) {
  if constexpr (fn == Fn::kAtan2) {
    return std::atan2(x, y);
  } else if constexpr (std::is_floating_point_v<T>) {
    const T r = std::fmod(x, y);
    if constexpr (fn == Fn::kFloorMod) {
      if (r != 0 && ((r < 0) != (y < 0))) return r + y;
    }
    return r;
  } else {
    if (y == 0) c.Fail("integer division by zero");
    if constexpr (std::is_signed_v<T>) {
      if (y == T(-1)) return T(0);  // min % -1 overflows in C++; the remainder is 0
    }
    const T r = static_cast<T>(x % y);
    if constexpr (fn == Fn::kFloorMod && std::is_signed_v<T>) {
      if (r != 0 && ((r < 0) != (y < 0))) return static_cast<T>(r + y);
    }
    return r;
  }
}

void BroadcastShape(OpContext& c) {
  c.ResizeOutput(0, BroadcastShapes(c, c.input(0).shape(), c.input(1).shape()));
}

template <typename Types>
void Check(OpContext& c) {
  const TensorView x = c.input(0), y = c.input(1);
  Dispatch(Types{}, c, x.type(), "input 'x'", [](auto) {});
  c.ExpectSameType(x, y, "x", "y");
  c.ExpectOutputType(0, x.type());
}

template <Fn fn, typename Types>
void Eval(OpContext& c) {
  const TensorView x = c.input(0), y = c.input(1), z = c.output(0);
  const Shape out = z.shape();
  Dispatch(Types{}, c, x.type(), "input 'x'", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* a = x.data<T>();
    const T* b = y.data<T>();
    T* r = z.data<T>();
    ForEachBroadcast2(out, BroadcastStrides(x.shape(), out), BroadcastStrides(y.shape(), out),
                      [&](int64_t i, int64_t ia, int64_t ib) { r[i] = Apply<fn>(c, a[ia], b[ib]); });
  });
}

template <Fn fn, typename Types>
KernelDef Binary(const char* op) {
  return KernelDef{op, 2, 2, 1, Check<Types>, BroadcastShape, Eval<fn, Types>};
}

// ClipByValue: min and max are scalars or have t's shape (TF's rule); the output has t's shape.
void ClipCheck(OpContext& c) {
  const TensorView t = c.input(0);
  Dispatch(RealTypes{}, c, t.type(), "input 't'", [](auto) {});
  for (int i = 1; i <= 2; ++i) {
    const TensorView bound = c.input(i);
    c.ExpectSameType(t, bound, "t", i == 1 ? "clip_value_min" : "clip_value_max");
    if (bound.num_elements() != 1 && bound.shape() != t.shape()) {
      c.Fail(i == 1 ? "clip_value_min" : "clip_value_max", " must be a scalar or have the shape of t");
    }
  }
  c.ExpectOutputType(0, t.type());
}

void ClipShape(OpContext& c) { c.ResizeOutput(0, c.input(0).shape()); }

void ClipEval(OpContext& c) {
  const TensorView t = c.input(0), lo = c.input(1), hi = c.input(2), out = c.output(0);
  Dispatch(RealTypes{}, c, t.type(), "input 't'", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* x = t.data<T>();
    const T* l = lo.data<T>();
    const T* h = hi.data<T>();
    T* y = out.data<T>();
    const bool l_scalar = lo.num_elements() == 1, h_scalar = hi.num_elements() == 1;
    const int64_t n = t.num_elements();
    for (int64_t i = 0; i < n; ++i) {
      const T low = l[l_scalar ? 0 : i], high = h[h_scalar ? 0 : i];
      y[i] = x[i] < low ? low : (x[i] > high ? high : x[i]);
      if (y[i] > high) y[i] = high;  // min(max(x, low), high), as TF computes it when low > high
    }
  });
}

}  // namespace

const std::vector<KernelDef>& BinaryMathKernels() {
  static const std::vector<KernelDef> kernels = {
      Binary<Fn::kAtan2, FloatTypes>("Atan2"),
      Binary<Fn::kTruncateMod, RealTypes>("Mod"),
      Binary<Fn::kTruncateMod, RealTypes>("TruncateMod"),
      Binary<Fn::kFloorMod, RealTypes>("FloorMod"),
      KernelDef{"ClipByValue", 3, 3, 1, ClipCheck, ClipShape, ClipEval},
  };
  return kernels;
}

}  // namespace edgelite::select
