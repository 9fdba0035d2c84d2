// Status: how every fallible call in the core reports an error (no exceptions cross the C++ core,
// no aborts on bad input). The Python bindings turn a non-ok Status into our own exception types.
#pragma once

#include <string>
#include <utility>

namespace edgelite {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller passed something wrong (shape, dtype, index)
  kInvalidModel,        // the model file is corrupt or inconsistent
  kUnsupported,         // a valid model uses something this build cannot run
  kFailedPrecondition,  // a call out of order (invoke before allocate_tensors, ...)
  kInternal,
  kCancelled,           // Interpreter::Cancel stopped a running invoke
};

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Builds a message from streamable parts: Error(StatusCode::kInvalidArgument, "dim ", i, " is ", d).
template <typename... Parts>
Status MakeStatus(StatusCode code, const Parts&... parts);

inline Status InvalidArgument(std::string m) { return Status(StatusCode::kInvalidArgument, std::move(m)); }
inline Status InvalidModel(std::string m) { return Status(StatusCode::kInvalidModel, std::move(m)); }
inline Status Unsupported(std::string m) { return Status(StatusCode::kUnsupported, std::move(m)); }
inline Status FailedPrecondition(std::string m) {
  return Status(StatusCode::kFailedPrecondition, std::move(m));
}
inline Status Internal(std::string m) { return Status(StatusCode::kInternal, std::move(m)); }

}  // namespace edgelite

#include <sstream>

namespace edgelite {
template <typename... Parts>
Status MakeStatus(StatusCode code, const Parts&... parts) {
  std::ostringstream s;
  (s << ... << parts);
  return Status(code, s.str());
}

// Concatenates streamable parts into a string; used to build error messages.
template <typename... Parts>
std::string StrCat(const Parts&... parts) {
  std::ostringstream s;
  (s << ... << parts);
  return s.str();
}
}  // namespace edgelite

#define EL_RETURN_IF_ERROR(expr)              \
  do {                                        \
    ::edgelite::Status el_status_ = (expr);   \
    if (!el_status_.ok()) return el_status_;  \
  } while (0)
