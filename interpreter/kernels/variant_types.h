// The dtype signatures of a kernel's variant table, for `edgelite ops`: a kernel file with a table adds
// EL_KERNEL_TYPES(NAME, table) and the bindings list its rows' signatures, generated from the same table that
// SelectVariant matches. A kernel without the line is listed without dtypes (the bindings declare the
// functions weak), so adding it is never required.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "interpreter/kernels/kernel_variant.h"

namespace edgelite {

// The `types` members of a table's rows, which sit `stride` bytes apart.
struct VariantTypesView {
  const TypeSignature* first = nullptr;
  size_t stride = 0;
  int rows = 0;
  // Each distinct row signature, in table order: "(float32, int32|int64) -> float32".
  std::vector<std::string> Describe() const;
};

template <typename Data, int N>
VariantTypesView ViewOf(const KernelVariant<Data> (&table)[N]) {
  return {&table[0].types, sizeof(KernelVariant<Data>), N};
}

}  // namespace edgelite

// Defines edgelite::KernelTypes_NAME() over TABLE; use at file scope, outside any namespace.
#define EL_KERNEL_TYPES(NAME, TABLE) \
  namespace edgelite {               \
  VariantTypesView KernelTypes_##NAME() { return ViewOf(TABLE); } \
  }
