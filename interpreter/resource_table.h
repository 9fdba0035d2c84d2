// ResourceTable: what the subgraphs of one interpreter share besides tensors, owned by the Interpreter.
// Resource variables (VAR_HANDLE names one by container and shared name; ASSIGN_VARIABLE and
// READ_VARIABLE write and read it through its id), the hash tables of the HASHTABLE operators, and the init
// subgraphs CALL_ONCE has already run.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <string>
#include <utility>
#include <vector>

#include "interpreter/status.h"
#include "interpreter/tensor.h"

namespace edgelite {

class ResourceTable {
 public:
  // The id of the variable (container, shared_name), made on first use. Ids count from 0 in order of
  // first use, so every VAR_HANDLE of the interpreter naming the same variable gets the same id.
  int VariableId(const std::string& container, const std::string& shared_name);
  bool IsVariableId(int id) const { return id >= 0 && id < static_cast<int>(variables_.size()); }
  // "container/shared_name" (or "shared_name" without a container), for messages.
  std::string VariableName(int id) const;
  // The variable's value; null until an ASSIGN_VARIABLE gave it one (or for an unknown id).
  const Tensor* Variable(int id) const;
  // Makes the variable a copy of `value` (type, shape, quantization and bytes), as LiteRT's
  // ResourceVariable::AssignFrom: a later assignment may change its shape or type.
  Status AssignVariable(int id, const Tensor& value);

  // A static hash table of HASHTABLE (LiteRT's StaticHashtable): int64 keys to string values or string keys to
  // int64 values. Its first HASHTABLE_IMPORT fills it; later imports change nothing (TF's converter leaves the
  // initializer in the graph, so it runs at every invoke).
  struct Hashtable {
    DataType key_type, value_type;
    bool initialized = false;
    // Keys and values as bytes: a string's own, an int64's 8 bytes in memory order. One map type serves both
    // directions, so the core carries one instantiation.
    std::unordered_map<std::string, std::string> entries;
  };
  // The table with LiteRT's table_id `id`, made with these types on first use (a later HASHTABLE naming the
  // same id with other types gets the first one, whose types the FIND and IMPORT check). Tables are kept apart
  // from variables: LiteRT puts both in one map, where a variable id equal to a table id would clash.
  Hashtable& HashtableFor(int id, DataType key_type, DataType value_type) {
    return hashtables_.try_emplace(id, Hashtable{key_type, value_type}).first->second;
  }
  // Null when no HASHTABLE of this interpreter has made table `id`.
  Hashtable* FindHashtable(int id) {
    auto it = hashtables_.find(id);
    return it == hashtables_.end() ? nullptr : &it->second;
  }

  // CALL_ONCE: whether the init subgraph `index` has run in this interpreter.
  bool initialized(int subgraph_index) const { return initialized_.count(subgraph_index) != 0; }
  void MarkInitialized(int subgraph_index) { initialized_.insert(subgraph_index); }

 private:
  struct Entry {
    std::string name;
    std::unique_ptr<Tensor> value;  // null until assigned
  };
  std::map<std::pair<std::string, std::string>, int> ids_;
  std::vector<Entry> variables_;
  std::set<int> initialized_;
  std::map<int, Hashtable> hashtables_;
};

}  // namespace edgelite
