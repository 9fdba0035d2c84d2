// LiteRT's two StableHLO-style builtins with a TFLite code (tensorflow/lite/kernels/dilate.cc and
// reduce_window.cc of LiteRT 2.3.0 for the rules, measured against LiteRT itself in
// tests/delegates/select/test_window_builtins.py):
//
// DILATE(input, dilations int32 [rank], padding_value scalar): the input with d - 1 padding values inserted
// between neighbours along each dimension, so a dimension of size n becomes (n - 1) * d + 1 (an empty one
// stays empty). Any element type; the output's shape follows the dilations' values (dynamic when they are not
// constant).
//
// REDUCE_WINDOW(input, init_value, window_shape, window_strides, window_dilations): each output element is
// init_value reduced with the input elements of one strided, dilated window (no padding): output dimension
// floor((n - ((w - 1) * dilation + 1)) / stride) + 1, or 0 when the window does not fit. reduce_function
// (ReduceWindowOptions) is ADD, MUL, MINIMUM, MAXIMUM, ALL or ANY; elements bool, int8, int16, int32, int64,
// uint8, float32, float64 (LiteRT's list), rank 1 to 6. As LiteRT's kernel, the accumulator has the element
// type, windows are walked in row-major order (so float sums round as LiteRT's do), MINIMUM / MAXIMUM keep
// the accumulator when it compares <= / >= the element (NaN handling follows), and ALL / ANY give 0 or 1 of
// the element type. Integer sums and products wrap; a bool window is reduced as int8 (as LiteRT does) and
// stored as (result != 0).
#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "delegates/select/builtins/custom_ops.h"

namespace edgelite::select {
namespace {

constexpr int kMaxWindowRank = 6;

// Row-major strides (in elements) of `shape`.
std::vector<int64_t> Strides(const Shape& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

// ---- DILATE ----
void DilateCheck(OpContext& c) {
  const TensorView x = c.input(0), pad = c.input(2);
  if (x.rank() < 1) c.Fail("input must have rank >= 1");
  if (LiteTypeSize(x.type()) == 0) c.Fail("input has type ", LiteTypeName(x.type()));
  c.ExpectSameType(x, pad, "input", "padding_value");
  if (pad.num_elements() < 1) c.Fail("padding_value must hold one value");
  if (c.input(1).type() != kLiteInt32) c.Fail("dilations must be int32, has ", LiteTypeName(c.input(1).type()));
  c.ExpectOutputType(0, x.type());
}

void DilateShape(OpContext& c) {
  const TensorView x = c.input(0), d = c.input(1);
  if (d.rank() != 1 || d.dim(0) != x.rank()) c.Fail("dilations must be a vector of ", x.rank(), " values");
  Shape out = x.shape();
  const int32_t* dil = d.data<int32_t>();
  for (int i = 0; i < x.rank(); ++i) {
    if (dil[i] < 1) c.Fail("dilations[", i, "] = ", dil[i], " must be >= 1");
    const int64_t n = out[i] == 0 ? 0 : (static_cast<int64_t>(out[i]) - 1) * dil[i] + 1;
    if (n > INT32_MAX) c.Fail("dimension ", i, " would have ", n, " elements");
    out[i] = static_cast<int32_t>(n);
  }
  c.ResizeOutput(0, out);
}

void DilateEval(OpContext& c) {
  const TensorView x = c.input(0), y = c.output(0);
  const size_t elem = LiteTypeSize(x.type());
  const int rank = x.rank();
  const int32_t* dil = c.input(1).data<int32_t>();
  const auto* in = static_cast<const uint8_t*>(x.info.data);
  auto* out = static_cast<uint8_t*>(y.info.data);
  const auto* pad = static_cast<const uint8_t*>(c.input(2).info.data);
  const int64_t total = y.num_elements();
  for (int64_t i = 0; i < total; ++i) std::memcpy(out + i * elem, pad, elem);
  if (x.num_elements() == 0) return;
  // Scatter each input element to its dilated position; the last dimension's run is copied as one block
  // when its dilation is 1.
  const std::vector<int64_t> out_strides = Strides(y.shape());
  const int64_t inner = x.dim(rank - 1), run = dil[rank - 1] == 1 ? inner : 1;
  std::vector<int32_t> index(rank, 0);
  for (int64_t i = 0; i < x.num_elements(); i += run) {
    int64_t at = 0;
    for (int k = 0; k < rank; ++k) at += static_cast<int64_t>(index[k]) * dil[k] * out_strides[k];
    std::memcpy(out + at * elem, in + i * elem, run * elem);
    index[rank - 1] += static_cast<int32_t>(run);
    for (int k = rank - 1; k > 0 && index[k] >= x.dim(k); --k) index[k] = 0, ++index[k - 1];
  }
}

// ---- REDUCE_WINDOW ----
enum Function { kAdd = 1, kMul = 2, kMinimum = 3, kMaximum = 4, kAll = 5, kAny = 6 };

using WindowTypes = TypeList<bool, int8_t, int16_t, int32_t, int64_t, uint8_t, float, double>;

struct WindowGeometry {
  Shape out;
  std::vector<int64_t> shape, strides, dilations;
};

WindowGeometry Geometry(OpContext& c) {
  const TensorView x = c.input(0);
  WindowGeometry g;
  const char* names[] = {"window_shape", "window_strides", "window_dilations"};
  std::vector<int64_t>* parts[] = {&g.shape, &g.strides, &g.dilations};
  for (int k = 0; k < 3; ++k) {
    const TensorView t = c.input(2 + k);
    if (t.rank() != 1 || t.dim(0) != x.rank()) c.Fail(names[k], " must be a vector of ", x.rank(), " values");
    *parts[k] = c.InputInts(2 + k);
    for (int64_t v : *parts[k]) {
      if (v < 1) c.Fail(names[k], " has ", v, "; every value must be >= 1");
    }
  }
  for (int i = 0; i < x.rank(); ++i) {
    const int64_t span = (g.shape[i] - 1) * g.dilations[i] + 1;
    g.out.push_back(static_cast<int32_t>(x.dim(i) < span ? 0 : (x.dim(i) - span) / g.strides[i] + 1));
  }
  return g;
}

void WindowCheck(OpContext& c) {
  const TensorView x = c.input(0);
  if (x.rank() < 1 || x.rank() > kMaxWindowRank) c.Fail("input must have rank 1 to 6, has ", x.rank());
  Dispatch(WindowTypes{}, c, x.type(), "input", [](auto) {});
  c.ExpectSameType(x, c.input(1), "input", "init_value");
  if (c.input(1).num_elements() < 1) c.Fail("init_value must hold one value");
  for (int k = 2; k < 5; ++k) {
    const int32_t t = c.input(k).type();
    if (t != kLiteInt64 && t != kLiteInt32) c.Fail("input ", k, " must be int64, has ", LiteTypeName(t));
  }
  c.ExpectOutputType(0, x.type());
  const int64_t f = c.AttrInt("reduce_function");
  if (f < kAdd || f > kAny) c.Fail("reduce_function ", f, " is not ADD, MUL, MINIMUM, MAXIMUM, ALL or ANY");
}

void WindowShape(OpContext& c) { c.ResizeOutput(0, Geometry(c).out); }

// The accumulator step of LiteRT's kernel; integer sums and products are taken in the unsigned type of the
// same width (after the usual promotions), so they wrap instead of overflowing. One loop per element type,
// the function a switch inside it (a rare operator: code size over speed; the branch is the same each step).
template <typename T>
T Step(Function f, T a, T b) {
  switch (f) {
    case kAll: return static_cast<T>(a != T(0) && b != T(0));
    case kAny: return static_cast<T>(a != T(0) || b != T(0));
    case kMinimum: return a <= b ? a : b;
    case kMaximum: return a >= b ? a : b;
    default: break;
  }
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<decltype(a + b)>;
    return static_cast<T>(f == kAdd ? static_cast<U>(a) + static_cast<U>(b) : static_cast<U>(a) * static_cast<U>(b));
  } else {
    return f == kAdd ? a + b : a * b;
  }
}

template <typename T>
void ReduceWindows(Function f, const T* in, T* out, const WindowGeometry& g, const Shape& in_shape, T init) {
  const int rank = static_cast<int>(in_shape.size());
  const std::vector<int64_t> in_strides = Strides(in_shape);
  int64_t outputs = 1, taps = 1;
  for (int i = 0; i < rank; ++i) outputs *= g.out[i], taps *= g.shape[i];
  std::vector<int64_t> o(rank, 0), w(rank, 0);
  for (int64_t n = 0; n < outputs; ++n) {
    int64_t origin = 0;
    for (int i = 0; i < rank; ++i) origin += o[i] * g.strides[i] * in_strides[i];
    T acc = init;
    std::fill(w.begin(), w.end(), 0);
    for (int64_t t = 0; t < taps; ++t) {
      int64_t at = origin;
      for (int i = 0; i < rank; ++i) at += w[i] * g.dilations[i] * in_strides[i];
      acc = Step(f, acc, in[at]);
      for (int i = rank - 1; i >= 0 && ++w[i] == g.shape[i]; --i) w[i] = 0;
    }
    out[n] = acc;
    for (int i = rank - 1; i >= 0 && ++o[i] == g.out[i]; --i) o[i] = 0;
  }
}

void WindowEval(OpContext& c) {
  const TensorView x = c.input(0), y = c.output(0);
  const WindowGeometry g = Geometry(c);
  const auto f = static_cast<Function>(c.AttrInt("reduce_function"));
  if (x.type() == kLiteBool) {
    const auto* in = x.data<int8_t>();
    std::vector<int8_t> sums(y.num_elements());
    ReduceWindows<int8_t>(f, in, sums.data(), g, x.shape(), c.input(1).data<int8_t>()[0]);
    for (size_t i = 0; i < sums.size(); ++i) y.data<bool>()[i] = sums[i] != 0;
    return;
  }
  Dispatch(WindowTypes{}, c, x.type(), "input", [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (!std::is_same_v<T, bool>) {
      ReduceWindows<T>(f, x.data<T>(), y.data<T>(), g, x.shape(), c.input(1).data<T>()[0]);
    }
  });
}

}  // namespace

const std::vector<KernelDef>& LiteRtWindowKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"DILATE", 3, 3, 1, DilateCheck, DilateShape, DilateEval, 1u << 1},
      KernelDef{"REDUCE_WINDOW", 5, 5, 1, WindowCheck, WindowShape, WindowEval, 0x1cu},
  };
  return kernels;
}

}  // namespace edgelite::select
