// VariantTypesView::Describe: a table's signatures as text, each once (rows per ISA repeat them).
#include "interpreter/kernels/variant_types.h"

#include <algorithm>

namespace edgelite {

std::vector<std::string> VariantTypesView::Describe() const {
  std::vector<std::string> out;
  const char* row = reinterpret_cast<const char*>(first);
  for (int i = 0; i < rows; ++i, row += stride) {
    std::string s = reinterpret_cast<const TypeSignature*>(row)->ToString();
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace edgelite
