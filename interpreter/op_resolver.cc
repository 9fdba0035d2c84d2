// The operator table and the builtin resolver built from the one operator list.
#include "interpreter/op_resolver.h"

#include "interpreter/kernels/builtin_ops.h"
#include "schema/edgelite_generated.h"

namespace edgelite {

void OpResolver::AddBuiltin(int code, const KernelRegistration* reg, int min_version, int max_version) {
  builtins_[code] = Entry{reg, min_version, max_version};
}

void OpResolver::AddCustom(const std::string& name, const KernelRegistration* reg, int min_version,
                           int max_version) {
  customs_[name] = Entry{reg, min_version, max_version};
}

const KernelRegistration* OpResolver::FindBuiltin(int code, int version) const {
  auto it = builtins_.find(code);
  if (it == builtins_.end() || version < it->second.min_version || version > it->second.max_version)
    return nullptr;
  return it->second.reg;
}

const KernelRegistration* OpResolver::FindCustom(const std::string& name, int version) const {
  auto it = customs_.find(name);
  if (it == customs_.end() || version < it->second.min_version || version > it->second.max_version)
    return nullptr;
  return it->second.reg;
}

int OpResolver::MaxBuiltinVersion(int code) const {
  auto it = builtins_.find(code);
  return it == builtins_.end() ? 0 : it->second.max_version;
}

int OpResolver::MaxCustomVersion(const std::string& name) const {
  auto it = customs_.find(name);
  return it == customs_.end() ? 0 : it->second.max_version;
}

OpResolver MakeBuiltinOpResolver() {
  OpResolver resolver;
#define EL_ADD_BUILTIN(NAME, MAX_VERSION)                                                          \
  resolver.AddBuiltin(schema::BuiltinOperator_##NAME, Register_##NAME(), EL_FIRST_BUILTIN_VERSION, \
                      MAX_VERSION);
  EL_FOR_EACH_BUILTIN_OP(EL_ADD_BUILTIN)
#undef EL_ADD_BUILTIN
  return resolver;
}

std::string BuiltinOperatorName(int code) {
  if (code >= schema::BuiltinOperator_MIN && code <= schema::BuiltinOperator_MAX) {
    const char* name = schema::EnumNameBuiltinOperator(static_cast<schema::BuiltinOperator>(code));
    if (name && *name) return name;
  }
  return StrCat("UNKNOWN_OP_", code);
}

}  // namespace edgelite
