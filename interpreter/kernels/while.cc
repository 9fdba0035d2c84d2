// WHILE: runs the body subgraph while the cond subgraph returns true, carrying N values from one
// iteration to the next. The node's N inputs start the loop, its N outputs hold the values when it
// ends; cond takes the N values and gives one bool, body takes the N values and gives their next N.
//
// Each carried value lives in the node's output tensor between iterations: cond and body read it there
// (lent, not copied: a subgraph never writes its inputs), and after each body run its outputs are copied
// back, one copy per value and iteration (none for a value the body passes through unchanged; string values
// are copied in as well, their buffers being blocks of their own). When the
// body keeps every shape (its outputs have its inputs' shapes and nothing in it is dynamic) the outputs
// are planned in the caller's arena and nothing is resized while looping. Otherwise (a growing tensor, a
// data-dependent shape inside the body) the outputs are dynamic: each iteration gives cond and body the
// current shapes, and they prepare again when one changed.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/subgraph_call.h"

namespace edgelite {
namespace {

struct WhileData {
  int cond_index = -1;
  int body_index = -1;
  CalledGraph* cond = nullptr;
  CalledGraph* body = nullptr;
  std::vector<Tensor*> inputs, outputs;  // the node's, in order
  bool static_shapes = false;  // body keeps every shape: outputs planned at prepare, nothing resized
  // False when some body output is the body's input at another position (the body swaps or duplicates
  // carried values): lending the node's outputs to the body would then overwrite a value before it is
  // read, so the body gets copies.
  bool body_may_borrow = true;
};

Status Init(KernelContext& ctx, Node& node) {
  auto* d = new WhileData();
  node.user_data = d;
  const schema::WhileOptions* options = node.op ? node.op->builtin_options_as_WhileOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, options, "has no WhileOptions (cond and body subgraph indices)");
  d->cond_index = options->cond_subgraph_index();
  d->body_index = options->body_subgraph_index();
  return Status::Ok();
}

Status CheckCondOutput(KernelContext& ctx, const Node& node, const WhileData& d) {
  const Tensor& c = *d.cond->output(0);
  EL_KERNEL_CHECK(ctx, node, c.type == DataType::kBool && c.num_elements() == 1,
                  DescribeCallee("cond", *d.cond), " must give one bool, got ", DataTypeName(c.type), " ",
                  DimsToString(c.dims));
  return Status::Ok();
}

// Gives cond or body the current values' shapes (prepares it again only when one changed).
Status MatchShapes(KernelContext& ctx, const Node& node, const char* role, CalledGraph& g,
                   const std::vector<Tensor*>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (g.input(static_cast<int>(i))->dims == values[i]->dims) continue;
    Status s = g.ResizeInput(static_cast<int>(i), values[i]->dims);
    if (!s.ok()) return ctx.Error(node, s.message(), s.code());
  }
  return PrepareCalled(ctx, node, role, g);
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<WhileData*>(node.user_data);
  const int n = static_cast<int>(node.inputs.size());
  EL_KERNEL_CHECK(ctx, node, static_cast<int>(node.outputs.size()) == n, "has ", n, " inputs and ",
                  node.outputs.size(), " outputs; a loop gives back exactly the values it carries");
  EL_RETURN_IF_ERROR(CollectInputs(ctx, node, 0, &d.inputs));
  EL_RETURN_IF_ERROR(CollectOutputs(ctx, node, &d.outputs));
  for (int i = 0; i < n; ++i) {
    EL_KERNEL_CHECK(ctx, node, d.inputs[i]->type == d.outputs[i]->type, "input ", i, " ('", d.inputs[i]->name,
                    "') is ", DataTypeName(d.inputs[i]->type), " but output ", i, " ('", d.outputs[i]->name, "') is ",
                    DataTypeName(d.outputs[i]->type));
  }
  EL_KERNEL_CHECK(ctx, node, d.cond_index != d.body_index, "cond and body are the same subgraph (", d.cond_index, ")");
  EL_RETURN_IF_ERROR(ctx.GetSubgraph(node, d.cond_index, &d.cond));
  EL_RETURN_IF_ERROR(ctx.GetSubgraph(node, d.body_index, &d.body));
  CalledGraph& cond = *d.cond;
  CalledGraph& body = *d.body;
  EL_KERNEL_CHECK(ctx, node, cond.num_outputs() == 1, DescribeCallee("cond", cond), " gives ", cond.num_outputs(),
                  " outputs; it must give one bool");
  EL_RETURN_IF_ERROR(CheckCalleeOutputs(ctx, node, "body", body, d.outputs));
  EL_RETURN_IF_ERROR(PrepareCallee(ctx, node, "cond", cond, d.inputs));
  if (!cond.output(0)->is_dynamic) EL_RETURN_IF_ERROR(CheckCondOutput(ctx, node, d));
  EL_RETURN_IF_ERROR(PrepareCallee(ctx, node, "body", body, d.inputs));

  d.static_shapes = !body.has_dynamic_tensors();
  d.body_may_borrow = true;
  for (int j = 0; j < n; ++j) {
    if (body.output(j)->dims != body.input(j)->dims) d.static_shapes = false;
    for (int k = 0; k < n; ++k)
      if (k != j && body.output(j) == body.input(k)) d.body_may_borrow = false;
  }
  for (int i = 0; i < n; ++i) {
    if (d.static_shapes) {
      EL_RETURN_IF_ERROR(ctx.ResizeTensor(*d.outputs[i], d.inputs[i]->dims));
    } else {
      ctx.MarkDynamic(*d.outputs[i]);
    }
  }
  return Status::Ok();
}

Status Eval(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<WhileData*>(node.user_data);
  CalledGraph& cond = *d.cond;
  CalledGraph& body = *d.body;
  const int n = static_cast<int>(d.inputs.size());
  // The loop's values start as the node's inputs: a loop that never runs its body returns them.
  for (int i = 0; i < n; ++i) EL_RETURN_IF_ERROR(CopyTensorInto(ctx, node, *d.inputs[i], *d.outputs[i]));
  // Another node may have prepared cond or body for other shapes since this node's prepare (a subgraph
  // called from two places); and on the dynamic path the shapes may change every iteration.
  bool match_shapes = true;
  while (true) {
    if (ctx.cancelled()) {
      return ctx.Error(node, "invoke() was cancelled (Interpreter.cancel()) while the loop ran", StatusCode::kCancelled);
    }
    if (match_shapes) EL_RETURN_IF_ERROR(MatchShapes(ctx, node, "cond", cond, d.outputs));
    EL_RETURN_IF_ERROR(SetCalleeInputs(ctx, node, cond, d.outputs, /*borrow=*/true));
    EL_RETURN_IF_ERROR(InvokeCalled(ctx, node, "cond", cond));
    EL_RETURN_IF_ERROR(CheckCondOutput(ctx, node, d));
    if (!*cond.output(0)->data_as<bool>()) break;

    if (match_shapes) EL_RETURN_IF_ERROR(MatchShapes(ctx, node, "body", body, d.outputs));
    EL_RETURN_IF_ERROR(SetCalleeInputs(ctx, node, body, d.outputs, d.body_may_borrow));
    EL_RETURN_IF_ERROR(InvokeCalled(ctx, node, "body", body));
    match_shapes = !d.static_shapes;
    for (int i = 0; i < n; ++i) {
      const Tensor& next = *body.output(i);
      // A shape the static path did not expect (a callee whose tensor turned dynamic while running)
      // moves this invoke onto the dynamic path.
      if (next.dims != d.outputs[i]->dims) match_shapes = true;
      EL_RETURN_IF_ERROR(CopyTensorInto(ctx, node, next, *d.outputs[i]));
    }
  }
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_WHILE() {
  static const KernelRegistration reg{Init, DeleteNodeData<WhileData>, Prepare, Eval, false, false,
                                      /*handles_strings=*/true};
  return &reg;
}

}  // namespace edgelite
