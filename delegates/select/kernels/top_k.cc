// TopKV2: the k largest entries of each last-axis row with their indices; ties keep the lower index
// first (TF's order). TF has no Sort op of its own: tf.sort and tf.argsort lower to TopKV2.
#include <algorithm>
#include <numeric>

#include "delegates/select/kernels/common.h"

namespace edgelite::select {
namespace {

using TopKTypes = TypeList<float, double, int8_t, uint8_t, int16_t, int32_t, int64_t>;

void Check(OpContext& c) {
  const TensorView x = c.input(0);
  if (x.rank() < 1) c.Fail("input must have rank >= 1");
  Dispatch(TopKTypes{}, c, x.type(), "input", [](auto) {});
  c.ExpectOutputType(0, x.type());
  const int32_t index = LiteTypeFromTf(c.FindAttr("index_type") ? c.AttrType("index_type") : kTfInt32);
  if (index != kLiteInt32 && index != kLiteInt64) c.Unsupported("index_type", "expected int32 or int64");
  c.ExpectOutputType(1, index);
  // With sorted=false TF leaves the order unspecified; the sorted order is one valid answer.
  c.AttrBool("sorted", true);
}

void Shape2(OpContext& c) {
  const TensorView x = c.input(0);
  const int64_t k = c.InputScalarInt(1);
  if (k < 0 || k > x.dim(x.rank() - 1)) c.Fail("k = ", k, " is not in [0, ", x.dim(x.rank() - 1), "]");
  Shape s = x.shape();
  s.back() = static_cast<int32_t>(k);
  c.ResizeOutput(0, s);
  c.ResizeOutput(1, s);
}

void Eval(OpContext& c) {
  const TensorView x = c.input(0), values = c.output(0), indices = c.output(1);
  const int64_t n = x.dim(x.rank() - 1), k = values.dim(values.rank() - 1);
  const int64_t rows = n ? x.num_elements() / n : 0;
  std::vector<int32_t> order(n);
  Dispatch(TopKTypes{}, c, x.type(), "input", [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (int64_t r = 0; r < rows; ++r) {
      const T* row = x.data<T>() + r * n;
      std::iota(order.begin(), order.end(), 0);
      std::partial_sort(order.begin(), order.begin() + k, order.end(), [row](int32_t a, int32_t b) {
        return row[a] > row[b] || (row[a] == row[b] && a < b);
      });
      for (int64_t j = 0; j < k; ++j) {
        values.data<T>()[r * k + j] = row[order[j]];
        if (indices.type() == kLiteInt32) indices.data<int32_t>()[r * k + j] = order[j];
        else indices.data<int64_t>()[r * k + j] = order[j];
      }
    }
  });
}

}  // namespace

const std::vector<KernelDef>& SortKernels() {
  static const std::vector<KernelDef> kernels = {KernelDef{"TopKV2", 2, 2, 2, Check, Shape2, Eval, 1u << 1}};
  return kernels;
}

}  // namespace edgelite::select
