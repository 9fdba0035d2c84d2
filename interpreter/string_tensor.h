// String tensors in the .tflite layout (LiteRT's string_util): an int32 count N, int32 offsets[N + 1] (where
// string i starts, counted from the buffer's first byte; offsets[N] is where the last one ends), then the bytes,
// little endian, no terminators. The shape does not fix the size, so a string tensor never lives in the arena:
// its buffer is a block of its own, written whole by set_tensor or by the kernel that produces it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "interpreter/status.h"
#include "interpreter/tensor.h"

namespace edgelite {

class KernelContext;

struct StringRef {
  const char* data;
  size_t size;
};

// Empty when `size` bytes at `data` are a well-formed buffer of exactly `count` strings: the count field equal
// to `count`, the offsets inside the buffer, the first at the end of the header, none smaller than the one
// before, the last at most `size`. Otherwise what is wrong, for a message. Every buffer a string tensor holds
// passed this check (model constants at build, set_tensor) or was written by StringWriter, so readers trust it.
std::string CheckStringBuffer(const void* data, size_t size, int64_t count);

// Whether a string tensor holds a buffer (a graph input before set_tensor, or an output before its node ran,
// holds none).
inline bool HoldsStrings(const Tensor& t) { return t.data && t.bytes >= 2 * sizeof(int32_t); }
// String i of a tensor that HoldsStrings, 0 <= i < its element count.
StringRef GetString(const Tensor& t, int64_t i);

// Collects strings, then writes them as a tensor's buffer in one go (as LiteRT's DynamicBuffer). Kernels with
// string outputs allocate while they run: the output's size is known only once its strings are.
class StringWriter {
 public:
  // Appends bytes to the string being built; End() closes it as the next string.
  void Append(const char* data, size_t size) { bytes_.append(data, size); }
  void End() { ends_.push_back(bytes_.size()); }
  void Add(const char* data, size_t size) {
    Append(data, size);
    End();
  }
  void Add(StringRef s) { Add(s.data, s.size); }
  int64_t count() const { return static_cast<int64_t>(ends_.size()); }
  // The buffer's size so far (a kernel that could make very many strings stops past the format's 2 GiB).
  size_t bytes() const { return bytes_.size() + (ends_.size() + 2) * sizeof(int32_t); }
  // Gives `out` the shape `dims` (whose element count is count()) and a buffer holding the strings, within
  // the interpreter's memory cap; fails when the buffer would pass 2 GiB (the format's offsets are int32).
  Status Write(KernelContext& ctx, Tensor& out, const Dims& dims) const;

 private:
  std::string bytes_;
  std::vector<size_t> ends_;  // where each string ends in bytes_
};

}  // namespace edgelite
