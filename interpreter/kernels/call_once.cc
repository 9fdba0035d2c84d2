// CALL_ONCE: runs an init subgraph (no inputs, no outputs: it fills hash tables or gives resource
// variables their first values) the first time the node runs in an interpreter, and nothing afterwards.
// The record of what has run is the interpreter's (ResourceTable), so two CALL_ONCE nodes naming the
// same init subgraph run it once between them, and a new allocate_tensors() does not run it again.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/subgraph_call.h"
#include "interpreter/resource_table.h"

namespace edgelite {
namespace {

struct CallOnceData {
  int init_index = -1;
  CalledGraph* init = nullptr;
};

Status Init(KernelContext& ctx, Node& node) {
  auto* d = new CallOnceData();
  node.user_data = d;
  const schema::CallOnceOptions* options = node.op ? node.op->builtin_options_as_CallOnceOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, options, "has no CallOnceOptions (the init subgraph index)");
  d->init_index = options->init_subgraph_index();
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<CallOnceData*>(node.user_data);
  EL_KERNEL_CHECK(ctx, node, ctx.resources(), "runs outside an interpreter");
  EL_KERNEL_CHECK(ctx, node, node.inputs.empty() && node.outputs.empty(), "has ", node.inputs.size(), " inputs and ",
                  node.outputs.size(), " outputs; CALL_ONCE has none");
  EL_RETURN_IF_ERROR(ctx.GetSubgraph(node, d.init_index, &d.init));
  EL_KERNEL_CHECK(ctx, node, d.init->num_inputs() == 0 && d.init->num_outputs() == 0, DescribeCallee("init", *d.init),
                  " has ", d.init->num_inputs(), " inputs and ", d.init->num_outputs(), " outputs; an init subgraph ",
                  "has none");
  if (ctx.resources()->initialized(d.init_index)) return Status::Ok();
  // Prepared now, so that a bad init subgraph fails allocate_tensors() rather than the first invoke.
  return PrepareCalled(ctx, node, "init", *d.init);
}

Status Eval(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<CallOnceData*>(node.user_data);
  ResourceTable& resources = *ctx.resources();
  if (resources.initialized(d.init_index)) return Status::Ok();
  EL_RETURN_IF_ERROR(PrepareCalled(ctx, node, "init", *d.init));
  EL_RETURN_IF_ERROR(InvokeCalled(ctx, node, "init", *d.init));
  resources.MarkInitialized(d.init_index);
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_CALL_ONCE() {
  static const KernelRegistration reg{Init, DeleteNodeData<CallOnceData>, Prepare, Eval};
  return &reg;
}

}  // namespace edgelite
