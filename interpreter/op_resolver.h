// OpResolver: maps an operator in the model (builtin code + version, or custom name + version) to the
// kernel that runs it. An explicit table: what is registered is all this interpreter can run.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "interpreter/kernel_api.h"

namespace edgelite {

class OpResolver {
 public:
  void AddBuiltin(int builtin_code, const KernelRegistration* reg, int min_version = 1, int max_version = 1);
  void AddCustom(const std::string& name, const KernelRegistration* reg, int min_version = 1,
                 int max_version = 1);

  // Null when the operator, or that version of it, is not registered.
  const KernelRegistration* FindBuiltin(int builtin_code, int version) const;
  const KernelRegistration* FindCustom(const std::string& name, int version) const;

  // Highest registered version, 0 when the operator is absent (for messages).
  int MaxBuiltinVersion(int builtin_code) const;
  int MaxCustomVersion(const std::string& name) const;

 private:
  struct Entry {
    const KernelRegistration* reg;
    int min_version, max_version;
  };
  std::map<int, Entry> builtins_;
  std::map<std::string, Entry> customs_;
};

// A resolver holding every builtin kernel of this build (EL_FOR_EACH_BUILTIN_OP).
OpResolver MakeBuiltinOpResolver();

// "CONV_2D" for 3; "UNKNOWN_OP_<code>" for codes the schema does not name.
std::string BuiltinOperatorName(int builtin_code);

}  // namespace edgelite
