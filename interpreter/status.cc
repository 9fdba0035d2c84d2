// StrCat's one out-of-line part: each StrPart written as an ostream writes it (status.h).
#include "interpreter/status.h"

#include <charconv>
#include <cstdio>

namespace edgelite {

void StrPart::AppendTo(std::string& out) const {
  char buf[32];
  switch (kind_) {
    case Kind::kText: out.append(text_.data, text_.size); return;
    case Kind::kChar: out.push_back(char_); return;
    case Kind::kSigned: out.append(buf, std::to_chars(buf, buf + sizeof(buf), signed_).ptr); return;
    case Kind::kUnsigned: out.append(buf, std::to_chars(buf, buf + sizeof(buf), unsigned_).ptr); return;
    case Kind::kFloat: {
      // An ostream's default: %g with precision 6 (so 0.1f is "0.1", 1e-07 and 1.5e+10 in exponent form).
      const int n = std::snprintf(buf, sizeof(buf), "%g", float_);
      out.append(buf, n > 0 ? static_cast<size_t>(n) : 0);
      return;
    }
  }
}

std::string StrCatParts(const StrPart* parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) parts[i].AppendTo(out);
  return out;
}

}  // namespace edgelite
