// Reading, checking and writing the .tflite string buffer layout.
#include "interpreter/string_tensor.h"

#include <cstring>

#include "interpreter/kernel_api.h"

namespace edgelite {
namespace {

// Offsets may sit at any address of a mapped model; memcpy reads them without a misaligned load.
int32_t ReadInt32(const void* base, size_t index) {
  int32_t v;
  std::memcpy(&v, static_cast<const uint8_t*>(base) + index * sizeof(int32_t), sizeof v);
  return v;
}

}  // namespace

std::string CheckStringBuffer(const void* data, size_t size, int64_t count) {
  if (size < sizeof(int32_t)) return StrCat("a string buffer of ", size, " bytes has no count");
  const int32_t stored = ReadInt32(data, 0);
  if (stored != count) return StrCat("the string buffer holds ", stored, " strings but the shape needs ", count);
  const size_t header = (static_cast<size_t>(count) + 2) * sizeof(int32_t);
  if (header > size) return StrCat("the string buffer's ", count, " offsets need ", header, " bytes; it has ", size);
  int64_t previous = static_cast<int64_t>(header);
  for (int64_t i = 0; i <= count; ++i) {
    const int64_t offset = ReadInt32(data, static_cast<size_t>(i) + 1);
    if ((i == 0 && offset != previous) || offset < previous || offset > static_cast<int64_t>(size)) {
      return StrCat("string offset ", i, " is ", offset, ", outside ", previous, "..", size);
    }
    previous = offset;
  }
  return std::string();
}

StringRef GetString(const Tensor& t, int64_t i) {
  const int32_t begin = ReadInt32(t.data, static_cast<size_t>(i) + 1);
  const int32_t end = ReadInt32(t.data, static_cast<size_t>(i) + 2);
  return StringRef{static_cast<const char*>(t.data) + begin, static_cast<size_t>(end - begin)};
}

Status StringWriter::Write(KernelContext& ctx, Tensor& out, const Dims& dims) const {
  const size_t n = ends_.size();
  const size_t header = (n + 2) * sizeof(int32_t);
  const size_t total = header + bytes_.size();
  if (NumElements(dims) != static_cast<int64_t>(n)) {
    return Internal(StrCat("string tensor '", out.name, "' of shape ", DimsToString(dims), " was given ", n, " strings"));
  }
  if (total > static_cast<size_t>(INT32_MAX)) {
    return Unsupported(StrCat("string tensor '", out.name, "' would take ", total,
                              " bytes, past the 2 GiB the format's int32 offsets can address"));
  }
  EL_RETURN_IF_ERROR(ctx.ResizeStringTensor(out, dims, total));
  auto* base = static_cast<uint8_t*>(out.data);
  const int32_t words[2] = {static_cast<int32_t>(n), static_cast<int32_t>(header)};
  std::memcpy(base, words, sizeof words);
  for (size_t i = 0; i < n; ++i) {
    const int32_t end = static_cast<int32_t>(header + ends_[i]);
    std::memcpy(base + (i + 2) * sizeof(int32_t), &end, sizeof end);
  }
  if (!bytes_.empty()) std::memcpy(base + header, bytes_.data(), bytes_.size());
  return Status::Ok();
}

}  // namespace edgelite
