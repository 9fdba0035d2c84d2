// Ops that move elements without arithmetic: Roll (shifts summed per axis, as TF allows repeated axes)
// and BroadcastTo (NumPy broadcasting to a shape given as a tensor).
#include <cstring>

#include "delegates/select/kernels/common.h"

namespace edgelite::select {
namespace {

void RollCheck(OpContext& c) {
  c.ExpectOutputType(0, c.input(0).type());
  Dispatch(IndexTypes{}, c, c.input(1).type(), "input 'shift'", [](auto) {});
  Dispatch(IndexTypes{}, c, c.input(2).type(), "input 'axis'", [](auto) {});
  if (c.input(1).num_elements() != c.input(2).num_elements()) c.Fail("shift and axis must have the same length");
  if (LiteTypeSize(c.input(0).type()) == 0) c.Fail("input has type ", LiteTypeName(c.input(0).type()));
}

void SameShape(OpContext& c) { c.ResizeOutput(0, c.input(0).shape()); }

void RollEval(OpContext& c) {
  const TensorView x = c.input(0), y = c.output(0);
  const Shape shape = x.shape();
  const int rank = x.rank();
  const std::vector<int64_t> shifts = c.InputInts(1), axes = c.InputInts(2);
  std::vector<int64_t> shift(rank, 0);
  for (size_t k = 0; k < axes.size(); ++k) shift[NormalizeAxis(c, axes[k], rank, "axis")] += shifts[k];
  const std::vector<int64_t> strides = Strides(shape);
  const size_t elem = LiteTypeSize(x.type());
  const int64_t n = x.num_elements();
  const auto* in = static_cast<const uint8_t*>(x.info.data);
  auto* out = static_cast<uint8_t*>(y.info.data);
  // Each element moves to (index + shift) mod dim along every axis; walk input indices with a counter.
  std::vector<int64_t> counter(rank, 0);
  for (int d = 0; d < rank; ++d) shift[d] = shape[d] ? ((shift[d] % shape[d]) + shape[d]) % shape[d] : 0;
  for (int64_t i = 0; i < n; ++i) {
    int64_t dst = 0;
    for (int d = 0; d < rank; ++d) {
      int64_t j = counter[d] + shift[d];
      if (j >= shape[d]) j -= shape[d];
      dst += j * strides[d];
    }
    std::memcpy(out + dst * elem, in + i * elem, elem);
    for (int d = rank - 1; d >= 0; --d) {
      if (++counter[d] < shape[d]) break;
      counter[d] = 0;
    }
  }
}

void BroadcastToCheck(OpContext& c) {
  c.ExpectOutputType(0, c.input(0).type());
  Dispatch(IndexTypes{}, c, c.input(1).type(), "input 'shape'", [](auto) {});
  if (LiteTypeSize(c.input(0).type()) == 0) c.Fail("input has type ", LiteTypeName(c.input(0).type()));
}

void BroadcastToShape(OpContext& c) {
  const std::vector<int64_t> dims = c.InputInts(1);
  const Shape in = c.input(0).shape();
  if (dims.size() < in.size()) c.Fail("cannot broadcast rank ", in.size(), " to rank ", dims.size());
  Shape target(dims.begin(), dims.end());
  for (size_t i = 0; i < in.size(); ++i) {
    const int32_t d = in[in.size() - 1 - i], t = target[target.size() - 1 - i];
    if (d != t && d != 1) c.Fail("input dimension ", d, " does not broadcast to ", t);
  }
  c.ResizeOutput(0, target);
}

void BroadcastToEval(OpContext& c) {
  const TensorView x = c.input(0), y = c.output(0);
  const Shape out = y.shape();
  const std::vector<int64_t> sx = BroadcastStrides(x.shape(), out), none(out.size(), 0);
  const size_t elem = LiteTypeSize(x.type());
  const auto* in = static_cast<const uint8_t*>(x.info.data);
  auto* dst = static_cast<uint8_t*>(y.info.data);
  ForEachBroadcast2(out, sx, none, [&](int64_t i, int64_t ix, int64_t) {
    std::memcpy(dst + i * elem, in + ix * elem, elem);
  });
}

}  // namespace

const std::vector<KernelDef>& ShapeKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"Roll", 3, 3, 1, RollCheck, SameShape, RollEval},
      KernelDef{"BroadcastTo", 2, 2, 1, BroadcastToCheck, BroadcastToShape, BroadcastToEval, 1u << 1},
  };
  return kernels;
}

}  // namespace edgelite::select
