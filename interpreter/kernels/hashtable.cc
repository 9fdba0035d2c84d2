// HASHTABLE, HASHTABLE_IMPORT, HASHTABLE_FIND, HASHTABLE_SIZE: TensorFlow's static lookup tables
// (tf.lookup.StaticHashTable) as LiteRT runs them. HASHTABLE gives the id of a table in the interpreter's
// ResourceTable (its table_id option), IMPORT fills the table once from a key and a value tensor, FIND maps
// each key to its value or the default, SIZE counts the entries. Keys and values: int64 -> string or
// string -> int64.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/resource_table.h"
#include "interpreter/string_tensor.h"

namespace edgelite {
namespace {

using Hashtable = ResourceTable::Hashtable;

bool IsTablePair(DataType key, DataType value) {
  return (key == DataType::kInt64 && value == DataType::kString) ||
         (key == DataType::kString && value == DataType::kInt64);
}

Status CheckTablePair(KernelContext& ctx, const Node& node, DataType key, DataType value) {
  EL_KERNEL_CHECK(ctx, node, IsTablePair(key, value), "a hash table maps int64 to string or string to int64, not ",
                  DataTypeName(key), " to ", DataTypeName(value));
  return Status::Ok();
}

// The table a handle names, with the key and value types the node reads or writes.
Status GetTable(KernelContext& ctx, const Node& node, DataType key, DataType value, Hashtable** out) {
  const int id = ResourceHandleId(*ctx.input(node, 0));
  Hashtable* table = ctx.resources()->FindHashtable(id);
  EL_KERNEL_CHECK(ctx, node, table, "resource id ", id, " names no hash table (no HASHTABLE of this interpreter made it)");
  EL_KERNEL_CHECK(ctx, node, table->key_type == key && table->value_type == value, "hash table ", id, " maps ",
                  DataTypeName(table->key_type), " to ", DataTypeName(table->value_type), ", not ", DataTypeName(key),
                  " to ", DataTypeName(value));
  *out = table;
  return Status::Ok();
}

// ---- HASHTABLE ----
struct TableData {
  int id = 0;
  DataType key_type = DataType::kInt64, value_type = DataType::kString;
};

Status TableInit(KernelContext& ctx, Node& node) {
  auto* d = new TableData();
  node.user_data = d;
  const schema::HashtableOptions* o = node.op ? node.op->builtin_options_as_HashtableOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, o, "has no HashtableOptions");
  EL_KERNEL_CHECK(ctx, node, IsSupportedDataType(o->key_dtype()) && IsSupportedDataType(o->value_dtype()),
                  "key_dtype ", int{o->key_dtype()}, " or value_dtype ", int{o->value_dtype()}, " is no tensor type");
  d->id = o->table_id();
  d->key_type = static_cast<DataType>(o->key_dtype());
  d->value_type = static_cast<DataType>(o->value_dtype());
  return Status::Ok();
}

Status TablePrepare(KernelContext& ctx, Node& node) {
  const auto& d = *static_cast<TableData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 0, 0));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  EL_RETURN_IF_ERROR(CheckTablePair(ctx, node, d.key_type, d.value_type));
  Tensor* out;
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_KERNEL_CHECK(ctx, node, out->type == DataType::kResource || out->type == DataType::kInt32, "the handle '",
                  out->name, "' must be a resource (or int32) tensor, got ", DataTypeName(out->type));
  EL_KERNEL_CHECK(ctx, node, ctx.resources(), "runs outside an interpreter (no resource table)");
  return ctx.ResizeTensor(*out, Dims{1});  // one id, as LiteRT shapes it
}

Status TableEval(KernelContext& ctx, Node& node) {
  const auto& d = *static_cast<TableData*>(node.user_data);
  ctx.resources()->HashtableFor(d.id, d.key_type, d.value_type);
  ctx.output(node, 0)->data_as<int32_t>()[0] = d.id;
  return Status::Ok();
}

// Element i of a key or value tensor as bytes: a string, or an int64's 8 bytes (Hashtable::entries).
StringRef ElementBytes(const Tensor& t, int64_t i) {
  if (t.type == DataType::kString) return GetString(t, i);
  return StringRef{static_cast<const char*>(t.data) + i * 8, 8};
}

// Checks the handle and the key / value pair of IMPORT (inputs 1, 2) and FIND (input 1, output 0).
Status PrepareTableIo(KernelContext& ctx, Node& node, int outputs, Tensor** keys, Tensor** values) {
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 3, 3));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, outputs));
  Tensor* handle;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &handle));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, keys));
  EL_RETURN_IF_ERROR(outputs ? RequireOutput(ctx, node, 0, values) : RequireInput(ctx, node, 2, values));
  EL_RETURN_IF_ERROR(CheckResourceHandle(ctx, node, *handle));
  return CheckTablePair(ctx, node, (*keys)->type, (*values)->type);
}

// ---- HASHTABLE_IMPORT: handle, keys, values ----
Status ImportPrepare(KernelContext& ctx, Node& node) {
  Tensor *keys, *values;
  EL_RETURN_IF_ERROR(PrepareTableIo(ctx, node, 0, &keys, &values));
  EL_KERNEL_CHECK(ctx, node, keys->dims == values->dims, "keys and values differ in shape: ", DimsToString(keys->dims),
                  " and ", DimsToString(values->dims));
  return Status::Ok();
}

Status ImportEval(KernelContext& ctx, Node& node) {
  const Tensor& keys = *ctx.input(node, 1);
  const Tensor& values = *ctx.input(node, 2);
  Hashtable* table;
  EL_RETURN_IF_ERROR(GetTable(ctx, node, keys.type, values.type, &table));
  if (table->initialized) return Status::Ok();
  // The first of repeated keys stays, as std::unordered_map::insert in LiteRT keeps it.
  for (int64_t i = 0; i < keys.num_elements(); ++i) {
    const StringRef k = ElementBytes(keys, i), v = ElementBytes(values, i);
    table->entries.emplace(std::string(k.data, k.size), std::string(v.data, v.size));
  }
  table->initialized = true;
  return Status::Ok();
}

// ---- HASHTABLE_FIND: handle, keys, default value -> values of the keys' shape ----
Status FindPrepare(KernelContext& ctx, Node& node) {
  Tensor *keys, *out, *fallback;
  EL_RETURN_IF_ERROR(PrepareTableIo(ctx, node, 1, &keys, &out));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 2, &fallback));
  // LiteRT reads the default's first element whatever its shape; an empty one has none to read.
  EL_KERNEL_CHECK(ctx, node, fallback->type == out->type && fallback->num_elements() >= 1,
                  "the default value must be one ", DataTypeName(out->type), ", got ", DataTypeName(fallback->type),
                  " of shape ", DimsToString(fallback->dims));
  return ctx.ResizeTensor(*out, keys->dims);  // (a string output gets its buffer when written)
}

Status FindEval(KernelContext& ctx, Node& node) {
  const Tensor& keys = *ctx.input(node, 1);
  Tensor& out = *ctx.output(node, 0);
  Hashtable* table;
  EL_RETURN_IF_ERROR(GetTable(ctx, node, keys.type, out.type, &table));
  if (!table->initialized) {
    return ctx.Error(node, "the hash table must be initialized (HASHTABLE_IMPORT) before a lookup",
                     StatusCode::kFailedPrecondition);
  }
  const StringRef otherwise = ElementBytes(*ctx.input(node, 2), 0);
  StringWriter writer;
  for (int64_t i = 0; i < keys.num_elements(); ++i) {
    const StringRef k = ElementBytes(keys, i);
    auto it = table->entries.find(std::string(k.data, k.size));
    const StringRef v = it == table->entries.end() ? otherwise : StringRef{it->second.data(), it->second.size()};
    if (out.type == DataType::kString) {
      writer.Add(v);
    } else {
      std::memcpy(out.data_as<int64_t>() + i, v.data, sizeof(int64_t));
    }
  }
  return out.type == DataType::kString ? writer.Write(ctx, out, keys.dims) : Status::Ok();
}

// ---- HASHTABLE_SIZE: handle -> int64 [1] ----
Status SizePrepare(KernelContext& ctx, Node& node) {
  Tensor *handle, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &handle, &out));
  EL_RETURN_IF_ERROR(CheckResourceHandle(ctx, node, *handle));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, DataType::kInt64, "output"));
  return ctx.ResizeTensor(*out, Dims{1});
}

Status SizeEval(KernelContext& ctx, Node& node) {
  const int id = ResourceHandleId(*ctx.input(node, 0));
  const Hashtable* table = ctx.resources()->FindHashtable(id);
  EL_KERNEL_CHECK(ctx, node, table, "resource id ", id, " names no hash table (no HASHTABLE of this interpreter made it)");
  ctx.output(node, 0)->data_as<int64_t>()[0] = static_cast<int64_t>(table->entries.size());
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_HASHTABLE() {
  static const KernelRegistration reg{TableInit, DeleteNodeData<TableData>, TablePrepare, TableEval};
  return &reg;
}

const KernelRegistration* Register_HASHTABLE_IMPORT() {
  static const KernelRegistration reg{nullptr, nullptr, ImportPrepare, ImportEval, false, false,
                                      /*handles_strings=*/true};
  return &reg;
}

const KernelRegistration* Register_HASHTABLE_FIND() {
  static const KernelRegistration reg{nullptr, nullptr, FindPrepare, FindEval, false, false, /*handles_strings=*/true};
  return &reg;
}

const KernelRegistration* Register_HASHTABLE_SIZE() {
  static const KernelRegistration reg{nullptr, nullptr, SizePrepare, SizeEval};
  return &reg;
}

}  // namespace edgelite
