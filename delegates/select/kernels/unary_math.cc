// Element-wise TF ops of one input: special functions (Erf, Erfc, Lgamma, Digamma), rounding (Round is
// banker's, as TF's), Sign, Softplus, Softsign, Selu and the IsNan / IsFinite predicates.
#include <cmath>
#include <limits>

#include "delegates/select/kernels/common.h"

namespace edgelite::select {
namespace {

// Digamma by recurrence up to x >= 6 then the asymptotic series; reflection for negative x. Poles
// (0, -1, -2, ...) give NaN, as Eigen's digamma (TF's kernel) does.
template <typename T>
T Digamma(T x) {
  double v = static_cast<double>(x);
  if (std::isnan(v)) return x;
  double result = 0;
  if (v <= 0) {
    if (v == std::floor(v)) return std::numeric_limits<T>::quiet_NaN();
    const double pi = 3.14159265358979323846;
    result = -pi / std::tan(pi * v);
    v = 1 - v;
  }
  while (v < 6) {
    result -= 1 / v;
    v += 1;
  }
  const double inv2 = 1 / (v * v);
  const double series = inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132))));
  result += std::log(v) - 0.5 / v - series;
  return static_cast<T>(result);
}

// TF's softplus: log1p(exp(x)) with the cut-offs of its kernel, where x or exp(x) are exact in T.
template <typename T>
T Softplus(T x) {
  const T threshold = std::log(std::numeric_limits<T>::epsilon()) + T(2);
  if (x > -threshold) return x;
  if (x < threshold) return std::exp(x);
  return std::log1p(std::exp(x));
}

template <typename T>
T Sign(T x) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x)) return x;
  }
  if constexpr (std::is_unsigned_v<T>) {
    return x > 0 ? T(1) : T(0);
  } else {
    return x > 0 ? T(1) : (x < 0 ? T(-1) : T(0));
  }
}

template <typename T>
T Round(T x) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::nearbyint(x);  // the default rounding mode: half to even
  } else {
    return x;
  }
}

template <typename T>
T Selu(T x) {
  const T scale = T(1.0507009873554804934193349852946);
  const T alpha = T(1.6732632423543772848170429916717);
  return x > 0 ? scale * x : scale * alpha * std::expm1(x);
}

enum class Fn { kErf, kErfc, kLgamma, kDigamma, kSign, kRound, kRint, kSoftplus, kSoftsign, kSelu,
                kIsNan, kIsFinite, kIsInf };

template <Fn fn, typename T>
auto Apply(T x) {
  if constexpr (fn == Fn::kErf) return std::erf(x);
  if constexpr (fn == Fn::kErfc) return std::erfc(x);
  if constexpr (fn == Fn::kLgamma) return std::lgamma(x);
  if constexpr (fn == Fn::kDigamma) return Digamma(x);
  if constexpr (fn == Fn::kSign) return Sign(x);
  if constexpr (fn == Fn::kRound) return Round(x);
  if constexpr (fn == Fn::kRint) return std::nearbyint(x);
  if constexpr (fn == Fn::kSoftplus) return Softplus(x);
  if constexpr (fn == Fn::kSoftsign) return x / (T(1) + std::abs(x));
  if constexpr (fn == Fn::kSelu) return Selu(x);
  if constexpr (fn == Fn::kIsNan) return static_cast<bool>(std::isnan(x));
  if constexpr (fn == Fn::kIsFinite) return static_cast<bool>(std::isfinite(x));
  if constexpr (fn == Fn::kIsInf) return static_cast<bool>(std::isinf(x));
}

constexpr bool IsPredicate(Fn fn) { return fn == Fn::kIsNan || fn == Fn::kIsFinite || fn == Fn::kIsInf; }

void SameShape(OpContext& c) { c.ResizeOutput(0, c.input(0).shape()); }

template <Fn fn, typename Types>
void Check(OpContext& c) {
  const TensorView x = c.input(0);
  Dispatch(Types{}, c, x.type(), "input 'x'", [](auto) {});
  c.ExpectOutputType(0, IsPredicate(fn) ? kLiteBool : x.type());
}

template <Fn fn, typename Types>
void Eval(OpContext& c) {
  const TensorView x = c.input(0);
  const TensorView y = c.output(0);
  Dispatch(Types{}, c, x.type(), "input 'x'", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using R = std::conditional_t<IsPredicate(fn), bool, T>;
    const T* in = x.data<T>();
    R* out = y.data<R>();
    const int64_t n = x.num_elements();
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<R>(Apply<fn>(in[i]));
  });
}

template <Fn fn, typename Types>
KernelDef Unary(const char* op) {
  return KernelDef{op, 1, 1, 1, Check<fn, Types>, SameShape, Eval<fn, Types>};
}

}  // namespace

const std::vector<KernelDef>& UnaryMathKernels() {
  static const std::vector<KernelDef> kernels = {
      Unary<Fn::kErf, FloatTypes>("Erf"),
      Unary<Fn::kErfc, FloatTypes>("Erfc"),
      Unary<Fn::kLgamma, FloatTypes>("Lgamma"),
      Unary<Fn::kDigamma, FloatTypes>("Digamma"),
      Unary<Fn::kSign, SignedTypes>("Sign"),
      Unary<Fn::kRound, SignedTypes>("Round"),
      Unary<Fn::kRint, FloatTypes>("Rint"),
      Unary<Fn::kSoftplus, FloatTypes>("Softplus"),
      Unary<Fn::kSoftsign, FloatTypes>("Softsign"),
      Unary<Fn::kSelu, FloatTypes>("Selu"),
      Unary<Fn::kIsNan, FloatTypes>("IsNan"),
      Unary<Fn::kIsFinite, FloatTypes>("IsFinite"),
      Unary<Fn::kIsInf, FloatTypes>("IsInf"),
  };
  return kernels;
}

}  // namespace edgelite::select
