// The one error type of the select-ops library. Decoders and kernels throw it; the ABI entry points
// (flex/kernel.cc) catch it and hand its message to the core, so no exception ever crosses the C ABI.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace edgelite::select {

class FlexError : public std::runtime_error {
 public:
  explicit FlexError(const std::string& message) : std::runtime_error(message) {}
};

// Builds a message from any streamable pieces: Fail("attribute '", name, "' is ", value).
template <typename... Parts>
[[noreturn]] void Fail(Parts&&... parts) {
  std::ostringstream out;
  (out << ... << std::forward<Parts>(parts));
  throw FlexError(out.str());
}

}  // namespace edgelite::select
