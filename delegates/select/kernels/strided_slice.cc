// StridedSlice with every mask, as TF's ValidateStridedSliceOp resolves them: the slice spec (begin,
// end, strides and the masks over its entries) is expanded to one range per input dimension, an ellipsis
// standing for as many full dimensions as needed (one is implied at the end when absent), new_axis
// entries adding dimensions of 1 and shrink_axis entries taking one index and removing the dimension.
// Indices are clamped as Python slices are; a shrunk index outside the dimension is an error.
#include <cstring>

#include "delegates/select/kernels/common.h"

namespace edgelite::select {
namespace {

struct DenseSlice {
  std::vector<int64_t> begin, stride, size;  // per input dimension
  Shape output;
};

DenseSlice Resolve(const OpContext& c) {
  const Shape in = c.input(0).shape();
  const std::vector<int64_t> begin = c.InputInts(1), end = c.InputInts(2), strides = c.InputInts(3);
  const int spec = static_cast<int>(begin.size());
  if (end.size() != begin.size() || strides.size() != begin.size()) {
    c.Fail("begin, end and strides must have the same length (", begin.size(), ", ", end.size(), ", ",
           strides.size(), ")");
  }
  if (spec > 32) c.Fail("slice spec has ", spec, " entries; at most 32 fit the masks");
  const int64_t begin_mask = c.AttrInt("begin_mask", 0), end_mask = c.AttrInt("end_mask", 0);
  int64_t ellipsis_mask = c.AttrInt("ellipsis_mask", 0);
  const int64_t new_axis_mask = c.AttrInt("new_axis_mask", 0), shrink_mask = c.AttrInt("shrink_axis_mask", 0);
  if (ellipsis_mask & (ellipsis_mask - 1)) c.Unsupported("ellipsis_mask", "more than one ellipsis");
  int entries = spec, new_after_ellipsis = 0;
  bool seen = false;
  for (int i = 0; i < spec; ++i) {
    if (seen && (new_axis_mask >> i & 1)) ++new_after_ellipsis;
    if (ellipsis_mask >> i & 1) seen = true;
  }
  if (!seen) ellipsis_mask |= int64_t{1} << entries++;
  const int rank = static_cast<int>(in.size());
  DenseSlice s{std::vector<int64_t>(rank, 0), std::vector<int64_t>(rank, 1), std::vector<int64_t>(rank, 0), {}};
  // Output dims in order: an input dimension (index >= 0), a new axis (-1); shrunk ones are dropped.
  std::vector<int> layout;
  int dim = 0;
  for (int i = 0; i < entries; ++i) {
    if (ellipsis_mask >> i & 1) {
      const int stop = std::min(rank - (entries - i) + 1 + new_after_ellipsis, rank);
      for (; dim < stop; ++dim) {
        s.begin[dim] = 0, s.stride[dim] = 1, s.size[dim] = in[dim];
        layout.push_back(dim);
      }
      continue;
    }
    if (new_axis_mask >> i & 1) {
      layout.push_back(-1);
      continue;
    }
    if (dim >= rank) c.Fail("slice spec entry ", i, " is beyond the input's rank ", rank);
    const int64_t n = in[dim], stride = strides[i];
    if (stride == 0) c.Fail("strides[", i, "] must be non-zero");
    if (shrink_mask >> i & 1) {
      const int64_t index = begin[i] < 0 ? begin[i] + n : begin[i];
      if (index < 0 || index >= n) c.Fail("slice index ", begin[i], " of dimension ", dim, " is out of bounds");
      s.begin[dim] = index, s.stride[dim] = 1, s.size[dim] = 1;
    } else {
      // Python's clamping: forward ranges live in [0, n], backward ones in [-1, n - 1].
      const int64_t lo = stride > 0 ? 0 : -1, hi = stride > 0 ? n : n - 1;
      auto clamp = [&](int64_t v, bool masked, bool is_end) {
        if (masked) return stride > 0 ? (is_end ? hi : lo) : (is_end ? lo : hi);
        v = v < 0 ? v + n : v;
        return std::min(std::max(v, lo), hi);
      };
      const int64_t b = clamp(begin[i], begin_mask >> i & 1, false), e = clamp(end[i], end_mask >> i & 1, true);
      const int64_t length = e - b;
      s.begin[dim] = b, s.stride[dim] = stride;
      s.size[dim] = (length == 0 || (length < 0) != (stride < 0)) ? 0 : (length + stride + (stride > 0 ? -1 : 1)) / stride;
      layout.push_back(dim);
    }
    ++dim;
  }
  for (; dim < rank; ++dim) layout.push_back(dim), s.size[dim] = in[dim];
  for (int d : layout) s.output.push_back(d < 0 ? 1 : static_cast<int32_t>(s.size[d]));
  return s;
}

void Check(OpContext& c) {
  const TensorView x = c.input(0);
  if (LiteTypeSize(x.type()) == 0) c.Fail("input has type ", LiteTypeName(x.type()));
  c.ExpectOutputType(0, x.type());
  for (int i = 1; i < 4; ++i) Dispatch(IndexTypes{}, c, c.input(i).type(), "begin/end/strides", [](auto) {});
}

void SliceShape(OpContext& c) { c.ResizeOutput(0, Resolve(c).output); }

void Eval(OpContext& c) {
  const TensorView x = c.input(0), y = c.output(0);
  const DenseSlice s = Resolve(c);
  const int rank = x.rank();
  const int64_t total = NumElements(Shape(s.size.begin(), s.size.end()));
  if (total == 0) return;
  const std::vector<int64_t> strides = Strides(x.shape());
  const size_t elem = LiteTypeSize(x.type());
  const auto* in = static_cast<const uint8_t*>(x.info.data);
  auto* out = static_cast<uint8_t*>(y.info.data);
  std::vector<int64_t> counter(rank, 0);
  int64_t src = 0;
  for (int d = 0; d < rank; ++d) src += s.begin[d] * strides[d];
  for (int64_t i = 0; i < total; ++i) {
    std::memcpy(out + i * elem, in + src * elem, elem);
    for (int d = rank - 1; d >= 0; --d) {
      src += s.stride[d] * strides[d];
      if (++counter[d] < s.size[d]) break;
      src -= s.stride[d] * strides[d] * s.size[d];
      counter[d] = 0;
    }
  }
}

}  // namespace

const std::vector<KernelDef>& StridedSliceKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"StridedSlice", 4, 4, 1, Check, SliceShape, Eval, 0b1110u},
  };
  return kernels;
}

}  // namespace edgelite::select
