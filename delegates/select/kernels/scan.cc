// Cumsum and Cumprod along one axis, with TF's `exclusive` (the running value before each element) and
// `reverse` (accumulate from the end) attributes.
#include "delegates/select/kernels/common.h"

namespace edgelite::select {
namespace {

void Check(OpContext& c) {
  const TensorView x = c.input(0);
  Dispatch(RealTypes{}, c, x.type(), "input 'x'", [](auto) {});
  Dispatch(IndexTypes{}, c, c.input(1).type(), "input 'axis'", [](auto) {});
  if (c.input(1).num_elements() != 1) c.Fail("axis must be a scalar");
  c.ExpectOutputType(0, x.type());
  c.AttrBool("exclusive", false);
  c.AttrBool("reverse", false);
}

void SameShape(OpContext& c) { c.ResizeOutput(0, c.input(0).shape()); }

template <bool kProduct>
void Eval(OpContext& c) {
  const TensorView x = c.input(0), y = c.output(0);
  const Shape shape = x.shape();
  const int axis = NormalizeAxis(c, c.InputScalarInt(1), x.rank(), "axis");
  const bool exclusive = c.AttrBool("exclusive", false), reverse = c.AttrBool("reverse", false);
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= shape[d];
  for (int d = axis + 1; d < x.rank(); ++d) inner *= shape[d];
  const int64_t len = x.rank() == 0 ? 1 : shape[axis];
  Dispatch(RealTypes{}, c, x.type(), "input 'x'", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* in = x.data<T>();
    T* out = y.data<T>();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t k = 0; k < inner; ++k) {
        T acc = kProduct ? T(1) : T(0);
        for (int64_t s = 0; s < len; ++s) {
          const int64_t j = reverse ? len - 1 - s : s;
          const int64_t at = (o * len + j) * inner + k;
          if (exclusive) {
            const T v = in[at];
            out[at] = acc;
            acc = kProduct ? static_cast<T>(acc * v) : static_cast<T>(acc + v);
          } else {
            acc = kProduct ? static_cast<T>(acc * in[at]) : static_cast<T>(acc + in[at]);
            out[at] = acc;
          }
        }
      }
    }
  });
}

}  // namespace

const std::vector<KernelDef>& ScanKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"Cumsum", 2, 2, 1, Check, SameShape, Eval<false>},
      KernelDef{"Cumprod", 2, 2, 1, Check, SameShape, Eval<true>},
  };
  return kernels;
}

}  // namespace edgelite::select
