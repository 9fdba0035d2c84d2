// HASHTABLE_LOOKUP (the old three-input operator): for each int32 id of `lookup`, the row of `values` whose
// entry in the sorted int32 `keys` equals it (zeros, or an empty string, when none does), and `hits` (uint8)
// saying which were found. Values of any fixed-size type are copied as bytes; string values are 1-D.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/string_tensor.h"

namespace edgelite {
namespace {

// The index of `key` in `keys`, or -1. Probes exactly as glibc's bsearch, which LiteRT calls, so that
// repeated or unsorted keys find the same entry.
int64_t FindKey(const int32_t* keys, int64_t n, int32_t key) {
  int64_t low = 0, high = n;
  while (low < high) {
    const int64_t mid = (low + high) / 2;
    if (key < keys[mid]) {
      high = mid;
    } else if (key > keys[mid]) {
      low = mid + 1;
    } else {
      return mid;
    }
  }
  return -1;
}

Status Prepare(KernelContext& ctx, Node& node) {
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 3, 3));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 2));
  Tensor *lookup, *keys, *values, *out, *hits;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &lookup));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &keys));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 2, &values));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 1, &hits));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *lookup, DataType::kInt32, "lookup"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *keys, DataType::kInt32, "keys"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *hits, DataType::kUInt8, "hits"));
  EL_KERNEL_CHECK(ctx, node, lookup->rank() == 1 && keys->rank() == 1, "lookup '", lookup->name, "' and keys '",
                  keys->name, "' must be 1-D, got shapes ", DimsToString(lookup->dims), " and ", DimsToString(keys->dims));
  EL_KERNEL_CHECK(ctx, node, values->rank() >= 1 && values->dim(0) == keys->dim(0), "values '", values->name,
                  "' of shape ", DimsToString(values->dims), " must have one row per key (", keys->dim(0), ")");
  EL_KERNEL_CHECK(ctx, node, out->type == values->type && values->type != DataType::kResource, "output '", out->name,
                  "' is ", DataTypeName(out->type), " but values '", values->name, "' are ", DataTypeName(values->type));
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*hits, Dims{lookup->dim(0)}));
  EL_KERNEL_CHECK(ctx, node, values->type != DataType::kString || values->rank() == 1, "string values '",
                  values->name, "' must be 1-D, got shape ", DimsToString(values->dims));
  Dims out_dims = values->dims;  // (a string output gets its buffer when written)
  out_dims[0] = lookup->dim(0);
  return ctx.ResizeTensor(*out, out_dims);
}

Status Eval(KernelContext& ctx, Node& node) {
  const Tensor& lookup = *ctx.input(node, 0);
  const Tensor& keys = *ctx.input(node, 1);
  const Tensor& values = *ctx.input(node, 2);
  Tensor& out = *ctx.output(node, 0);
  uint8_t* hits = ctx.output(node, 1)->data_as<uint8_t>();
  const int64_t n = lookup.dim(0), rows = keys.dim(0);
  const bool strings = values.type == DataType::kString;
  const size_t row_bytes = strings || rows == 0 ? 0 : values.RequiredBytes() / static_cast<size_t>(rows);
  StringWriter writer;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t row = FindKey(keys.data_as<int32_t>(), rows, lookup.data_as<int32_t>()[i]);
    hits[i] = row >= 0;
    if (strings) {
      writer.Add(row >= 0 ? GetString(values, row) : StringRef{"", 0});
    } else if (row_bytes) {
      uint8_t* dst = out.data_as<uint8_t>() + i * row_bytes;
      if (row >= 0) {
        std::memcpy(dst, values.data_as<uint8_t>() + row * row_bytes, row_bytes);
      } else {
        std::memset(dst, 0, row_bytes);
      }
    }
  }
  return strings ? writer.Write(ctx, out, Dims{static_cast<int32_t>(n)}) : Status::Ok();
}

}  // namespace

const KernelRegistration* Register_HASHTABLE_LOOKUP() {
  static const KernelRegistration reg{nullptr, nullptr, Prepare, Eval, false, false, /*handles_strings=*/true};
  return &reg;
}

}  // namespace edgelite
