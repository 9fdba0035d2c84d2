// IF: input 0 is a one-element bool; the then or else subgraph runs on inputs 1.. and its outputs become
// the node's. Both branches are prepared at prepare (so either may run); the outputs are planned in the
// caller's arena when both branches give static outputs of equal shapes, and are dynamic otherwise.
// The branch reads the node's inputs where they are (lent, no copy; string tensors are copied, as their
// buffers are blocks of their own); its outputs are copied out.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/subgraph_call.h"

namespace edgelite {
namespace {

struct IfData {
  int then_index = -1;
  int else_index = -1;
  CalledGraph* then_graph = nullptr;
  CalledGraph* else_graph = nullptr;
  std::vector<Tensor*> branch_inputs, outputs;  // node inputs 1.., node outputs
};

Status Init(KernelContext& ctx, Node& node) {
  auto* d = new IfData();
  node.user_data = d;
  const schema::IfOptions* options = node.op ? node.op->builtin_options_as_IfOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, options, "has no IfOptions (then and else subgraph indices)");
  d->then_index = options->then_subgraph_index();
  d->else_index = options->else_subgraph_index();
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<IfData*>(node.user_data);
  EL_KERNEL_CHECK(ctx, node, !node.inputs.empty(), "has no inputs; input 0 must be the condition");
  Tensor* cond;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &cond));
  EL_KERNEL_CHECK(ctx, node, cond->type == DataType::kBool && cond->num_elements() == 1,
                  "the condition (input 0, '", cond->name, "') must be one bool, got ", DataTypeName(cond->type), " ",
                  DimsToString(cond->dims));
  EL_RETURN_IF_ERROR(CollectInputs(ctx, node, 1, &d.branch_inputs));
  EL_RETURN_IF_ERROR(CollectOutputs(ctx, node, &d.outputs));
  EL_RETURN_IF_ERROR(ctx.GetSubgraph(node, d.then_index, &d.then_graph));
  EL_RETURN_IF_ERROR(ctx.GetSubgraph(node, d.else_index, &d.else_graph));
  bool dynamic = false;
  for (auto [role, g] : {std::make_pair("then", d.then_graph), std::make_pair("else", d.else_graph)}) {
    EL_RETURN_IF_ERROR(CheckCalleeOutputs(ctx, node, role, *g, d.outputs));
    EL_RETURN_IF_ERROR(PrepareCallee(ctx, node, role, *g, d.branch_inputs));
    dynamic = dynamic || g->has_dynamic_tensors();
  }
  for (size_t i = 0; i < d.outputs.size() && !dynamic; ++i) {
    dynamic = d.then_graph->output(static_cast<int>(i))->dims != d.else_graph->output(static_cast<int>(i))->dims;
  }
  for (size_t i = 0; i < d.outputs.size(); ++i) {
    if (dynamic) {
      ctx.MarkDynamic(*d.outputs[i]);
    } else {
      EL_RETURN_IF_ERROR(ctx.ResizeTensor(*d.outputs[i], d.then_graph->output(static_cast<int>(i))->dims));
    }
  }
  return Status::Ok();
}

Status Eval(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<IfData*>(node.user_data);
  const bool take_then = *ctx.input(node, 0)->data_as<bool>();
  CalledGraph& branch = take_then ? *d.then_graph : *d.else_graph;
  const char* role = take_then ? "then" : "else";
  // The branch may have been prepared for other shapes since (this node's inputs are dynamic, or another
  // node calls the same subgraph).
  for (size_t i = 0; i < d.branch_inputs.size(); ++i) {
    if (branch.input(static_cast<int>(i))->dims != d.branch_inputs[i]->dims) {
      EL_RETURN_IF_ERROR(PrepareCallee(ctx, node, role, branch, d.branch_inputs));
      break;
    }
  }
  EL_RETURN_IF_ERROR(PrepareCalled(ctx, node, role, branch));
  EL_RETURN_IF_ERROR(SetCalleeInputs(ctx, node, branch, d.branch_inputs, /*borrow=*/true));
  EL_RETURN_IF_ERROR(InvokeCalled(ctx, node, role, branch));
  for (size_t i = 0; i < d.outputs.size(); ++i) {
    EL_RETURN_IF_ERROR(CopyTensorInto(ctx, node, *branch.output(static_cast<int>(i)), *d.outputs[i]));
  }
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_IF() {
  static const KernelRegistration reg{Init, DeleteNodeData<IfData>, Prepare, Eval, false, false,
                                      /*handles_strings=*/true};
  return &reg;
}

}  // namespace edgelite
