// Status: how every fallible call in the core reports an error (no exceptions cross the C++ core,
// no aborts on bad input). The Python bindings turn a non-ok Status into our own exception types.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
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

// One part of a message: text, or a number or character kept to be written as an ostream would write it
// (integers in decimal, floating point as %g with 6 digits, bool as 1/0, signed and unsigned char as the
// character, enums as their value). StrCat's parts become these, so every message is one call of one
// out-of-line function (StrCatParts) rather than an ostringstream per argument list (~300 of them, 30+ KB).
class StrPart {
 public:
  enum class Kind : unsigned char { kText, kSigned, kUnsigned, kFloat, kChar };
  StrPart(const char* s) : kind_(Kind::kText), text_{s ? s : "", s ? std::char_traits<char>::length(s) : 0} {}
  StrPart(const std::string& s) : kind_(Kind::kText), text_{s.data(), s.size()} {}
  StrPart(std::string_view s) : kind_(Kind::kText), text_{s.data(), s.size()} {}
  StrPart(char c) : kind_(Kind::kChar), char_(c) {}
  StrPart(signed char c) : kind_(Kind::kChar), char_(static_cast<char>(c)) {}
  StrPart(unsigned char c) : kind_(Kind::kChar), char_(static_cast<char>(c)) {}
  StrPart(bool b) : kind_(Kind::kSigned), signed_(b ? 1 : 0) {}
  StrPart(float v) : kind_(Kind::kFloat), float_(v) {}
  StrPart(double v) : kind_(Kind::kFloat), float_(v) {}
  template <typename T, std::enable_if_t<std::is_integral_v<T> && std::is_signed_v<T>, int> = 0>
  StrPart(T v) : kind_(Kind::kSigned), signed_(v) {}
  template <typename T, std::enable_if_t<std::is_integral_v<T> && std::is_unsigned_v<T>, int> = 0>
  StrPart(T v) : kind_(Kind::kUnsigned), unsigned_(v) {}
  template <typename T, std::enable_if_t<std::is_enum_v<T>, int> = 0>
  StrPart(T v) : StrPart(static_cast<std::underlying_type_t<T>>(v)) {}

  // Appends the part to `out`.
  void AppendTo(std::string& out) const;

 private:
  struct Text {
    const char* data;
    size_t size;
  };
  Kind kind_;
  union {
    Text text_;
    long long signed_;
    unsigned long long unsigned_;
    double float_;
    char char_;
  };
};

std::string StrCatParts(const StrPart* parts, size_t count);

// Concatenates parts (text, numbers, characters: StrPart) into a string; used to build error messages.
template <typename... Parts>
std::string StrCat(const Parts&... parts) {
  static_assert(sizeof...(Parts) > 0, "StrCat of nothing");
  const StrPart list[] = {StrPart(parts)...};
  return StrCatParts(list, sizeof...(Parts));
}

template <typename... Parts>
Status MakeStatus(StatusCode code, const Parts&... parts) {
  return Status(code, StrCat(parts...));
}
}  // namespace edgelite

#define EL_RETURN_IF_ERROR(expr)              \
  do {                                        \
    ::edgelite::Status el_status_ = (expr);   \
    if (!el_status_.ok()) return el_status_;  \
  } while (0)
