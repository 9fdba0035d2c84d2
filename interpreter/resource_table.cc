// The interpreter's resource variables and CALL_ONCE record.
#include "interpreter/resource_table.h"

#include <cstring>

namespace edgelite {

int ResourceTable::VariableId(const std::string& container, const std::string& shared_name) {
  auto key = std::make_pair(container, shared_name);
  auto it = ids_.find(key);
  if (it != ids_.end()) return it->second;
  const int id = static_cast<int>(variables_.size());
  ids_.emplace(std::move(key), id);
  variables_.push_back(Entry{container.empty() ? shared_name : container + "/" + shared_name, nullptr});
  return id;
}

std::string ResourceTable::VariableName(int id) const {
  return IsVariableId(id) ? variables_[id].name : StrCat("<unknown resource ", id, ">");
}

const Tensor* ResourceTable::Variable(int id) const {
  return IsVariableId(id) ? variables_[id].value.get() : nullptr;
}

Status ResourceTable::AssignVariable(int id, const Tensor& value) {
  if (!IsVariableId(id)) {
    return InvalidModel(StrCat("resource id ", id, " names no variable (no VAR_HANDLE of this interpreter made it)"));
  }
  if (ElementSize(value.type) == 0) {
    return Unsupported(StrCat("a variable cannot hold a ", DataTypeName(value.type), " value"));
  }
  auto& slot = variables_[id].value;
  if (!slot) {
    slot = std::make_unique<Tensor>();
    slot->name = variables_[id].name;
  }
  slot->type = value.type;
  slot->dims = value.dims;
  slot->dims_signature = value.dims;
  slot->quant = value.quant;
  slot->AllocateOwned();  // keeps the block when the new value fits in it
  if (slot->bytes) std::memcpy(slot->data, value.data, slot->bytes);
  return Status::Ok();
}

}  // namespace edgelite
