// MoveStringsByIndex: element-moving kernels on string tensors (string_moves.h).
#include "interpreter/kernels/string_moves.h"

#include <algorithm>
#include <numeric>

#include "interpreter/string_tensor.h"

namespace edgelite {

Status MoveStringsByIndex(KernelContext& ctx, Node& node, int string_input, StringMoveEval eval, void* data) {
  Tensor& in = *ctx.input(node, string_input);
  Tensor& out = *ctx.output(node, 0);
  const int64_t n = in.num_elements();
  EL_KERNEL_CHECK(ctx, node, n <= INT32_MAX, "a string tensor of ", n, " elements is too large to move");
  // The output's buffer takes at least its offsets: reserved first, so that a huge output (a TILE of many
  // copies) fails on the memory cap before the element numbers below are allocated.
  if (!out.is_dynamic) {
    EL_RETURN_IF_ERROR(ctx.ResizeStringTensor(out, out.dims, (static_cast<size_t>(out.num_elements()) + 2) * 4));
  }
  std::vector<int32_t> numbers(static_cast<size_t>(n)), picked(static_cast<size_t>(std::max<int64_t>(0, out.num_elements())));
  std::iota(numbers.begin(), numbers.end(), 0);
  void* const strings = in.data;
  const size_t string_bytes = in.bytes;
  in.type = out.type = DataType::kInt32;
  in.data = numbers.data();
  in.bytes = numbers.size() * sizeof(int32_t);
  out.data = picked.data();  // a dynamic output may be resized (and given a block of its own) by the row
  out.bytes = picked.size() * sizeof(int32_t);
  Status s = eval(ctx, node, data);
  if (s.ok() && out.data != picked.data()) picked.assign(out.data_as<int32_t>(), out.data_as<int32_t>() + out.num_elements());
  in.type = out.type = DataType::kString;
  in.data = strings;
  in.bytes = string_bytes;
  out.data = nullptr;  // holds no strings until written below
  out.bytes = 0;
  if (!s.ok()) return s;
  StringWriter writer;
  for (int32_t k : picked) {
    if (k < 0 || k >= n) return ctx.Error(node, StrCat("moved element ", k, " of ", n), StatusCode::kInternal);
    writer.Add(GetString(in, k));
  }
  return writer.Write(ctx, out, out.dims);
}

}  // namespace edgelite
