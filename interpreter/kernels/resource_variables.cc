// Resource variables: VAR_HANDLE gives the id of a variable named by (container, shared_name) in the
// interpreter's ResourceTable, ASSIGN_VARIABLE stores a value in it, READ_VARIABLE copies its value out.
// Every subgraph of an interpreter sees the same variables (an init subgraph run by CALL_ONCE gives them
// their first values), and they keep their values across invokes and reset_all_variables(), as in LiteRT.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/resource_table.h"

namespace edgelite {
namespace {

// ---- VAR_HANDLE ----
struct VarHandleData {
  int id = -1;
};

Status VarHandleInit(KernelContext& ctx, Node& node) {
  auto* d = new VarHandleData();
  node.user_data = d;
  EL_KERNEL_CHECK(ctx, node, ctx.resources(), "runs outside an interpreter (no resource table)");
  const schema::VarHandleOptions* options = node.op ? node.op->builtin_options_as_VarHandleOptions() : nullptr;
  const std::string container = options && options->container() ? options->container()->str() : "";
  const std::string shared_name = options && options->shared_name() ? options->shared_name()->str() : "";
  d->id = ctx.resources()->VariableId(container, shared_name);
  return Status::Ok();
}

Status VarHandlePrepare(KernelContext& ctx, Node& node) {
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 0, 0));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor* out;
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(CheckResourceHandle(ctx, node, *out));
  return ctx.ResizeTensor(*out, out->dims);
}

Status VarHandleEval(KernelContext& ctx, Node& node) {
  ctx.output(node, 0)->data_as<int32_t>()[0] = static_cast<VarHandleData*>(node.user_data)->id;
  return Status::Ok();
}

// ---- READ_VARIABLE ----
Status ReadPrepare(KernelContext& ctx, Node& node) {
  Tensor *handle, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &handle, &out));
  EL_RETURN_IF_ERROR(CheckResourceHandle(ctx, node, *handle));
  EL_KERNEL_CHECK(ctx, node, ElementSize(out->type) > 0 && out->type != DataType::kResource, "output '", out->name,
                  "' is ", DataTypeName(out->type), ", which a variable cannot hold");
  // The value is known only at eval. The output is planned with the shape the model gives it; should the
  // variable hold another shape, eval's resize makes the output dynamic (and its readers prepare again).
  return ctx.ResizeTensor(*out, out->dims);
}

Status ReadEval(KernelContext& ctx, Node& node) {
  const ResourceTable& resources = *ctx.resources();
  const int id = ResourceHandleId(*ctx.input(node, 0));
  const Tensor* value = resources.Variable(id);
  if (!resources.IsVariableId(id)) {
    return ctx.Error(node, StrCat("resource id ", id, " names no variable (no VAR_HANDLE of this interpreter made it)"));
  }
  if (!value) {
    return ctx.Error(node, StrCat("reads variable '", resources.VariableName(id),
                                  "' before any ASSIGN_VARIABLE gave it a value"),
                     StatusCode::kFailedPrecondition);
  }
  Tensor& out = *ctx.output(node, 0);
  if (value->type != out.type) {
    return ctx.Error(node, StrCat("variable '", resources.VariableName(id), "' holds ", DataTypeName(value->type),
                                  " but the output '", out.name, "' is ", DataTypeName(out.type)));
  }
  if (out.dims != value->dims) EL_RETURN_IF_ERROR(ctx.ResizeTensor(out, value->dims));
  if (value->bytes) std::memcpy(out.data, value->data, value->bytes);
  return Status::Ok();
}

// ---- ASSIGN_VARIABLE ----
Status AssignPrepare(KernelContext& ctx, Node& node) {
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 0));
  Tensor *handle, *value;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &handle));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &value));
  EL_RETURN_IF_ERROR(CheckResourceHandle(ctx, node, *handle));
  EL_KERNEL_CHECK(ctx, node, ElementSize(value->type) > 0 && value->type != DataType::kResource, "value '",
                  value->name, "' is ", DataTypeName(value->type), ", which a variable cannot hold");
  return Status::Ok();
}

Status AssignEval(KernelContext& ctx, Node& node) {
  const Tensor& value = *ctx.input(node, 1);
  if (value.RequiredBytes() && !value.data) {
    return ctx.Error(node, StrCat("value '", value.name, "' has no memory"), StatusCode::kInternal);
  }
  Status s = ctx.resources()->AssignVariable(ResourceHandleId(*ctx.input(node, 0)), value);
  return s.ok() ? s : ctx.Error(node, s.message(), s.code());
}

}  // namespace

const KernelRegistration* Register_VAR_HANDLE() {
  static const KernelRegistration reg{VarHandleInit, DeleteNodeData<VarHandleData>, VarHandlePrepare, VarHandleEval};
  return &reg;
}

const KernelRegistration* Register_READ_VARIABLE() {
  static const KernelRegistration reg{nullptr, nullptr, ReadPrepare, ReadEval};
  return &reg;
}

const KernelRegistration* Register_ASSIGN_VARIABLE() {
  static const KernelRegistration reg{nullptr, nullptr, AssignPrepare, AssignEval};
  return &reg;
}

}  // namespace edgelite
