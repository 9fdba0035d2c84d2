// Dataflow and call-graph checks of a built model (see graph_validation.h). Written for size: the core has a
// size budget (tests/bindings/test_core_size.py), so every message goes through one formatting function.
#include "interpreter/graph_validation.h"

#include "schema/edgelite_generated.h"

namespace edgelite {
namespace {

// Who writes a tensor: a node index, or one of these.
constexpr int kNoWriter = -1;
constexpr int kGraphInput = -2;
constexpr char kNeverWritten[] = ", which nothing writes (no input of the subgraph, constant or node output)";

std::string Where(const Subgraph& sg) { return StrCat("subgraph ", sg.index(), " ('", sg.name(), "')"); }

std::string NodeWhere(const Subgraph& sg, int node) {
  return StrCat(Where(sg), ": node ", node, " (", sg.nodes()[node].op_name, ")");
}

// "<subgraph>[: node N (OP)] <verb> tensor T ('name')<text>[node W (OP)<tail>]": every dataflow message (`node`
// null for the subgraph's own outputs).
Status DataflowError(const Subgraph& sg, const Node* node, const char* verb, int t, const char* text, int other = -1,
                     const char* tail = "") {
  std::string about_other;
  if (other >= 0) about_other = StrCat("node ", other, " (", sg.nodes()[other].op_name, ")", tail);
  return InvalidModel(StrCat(node ? NodeWhere(sg, node->index) : Where(sg), " ", verb, " tensor ", t, " ('",
                             sg.tensor(t)->name, "')", text, about_other));
}

// The subgraphs a control-flow node calls (IF: then, else; WHILE: cond, body; CALL_ONCE: init); none for other
// nodes and for nodes without their options (their kernel's init reports that).
struct Calls {
  int count = 0;
  int index[2] = {};
};

Calls CalledSubgraphs(const Node& node) {
  Calls c;
  if (!node.op) return c;
  if (node.builtin_code == schema::BuiltinOperator_IF) {
    if (const auto* o = node.op->builtin_options_as_IfOptions()) c = {2, {o->then_subgraph_index(), o->else_subgraph_index()}};
  } else if (node.builtin_code == schema::BuiltinOperator_WHILE) {
    if (const auto* o = node.op->builtin_options_as_WhileOptions()) c = {2, {o->cond_subgraph_index(), o->body_subgraph_index()}};
  } else if (node.builtin_code == schema::BuiltinOperator_CALL_ONCE) {
    if (const auto* o = node.op->builtin_options_as_CallOnceOptions()) c = {1, {o->init_subgraph_index()}};
  }
  return c;
}

}  // namespace

Status ValidateDataflow(const Subgraph& sg) {
  const int num_tensors = sg.num_model_tensors();
  std::vector<int> writer(num_tensors, kNoWriter);
  for (int t : sg.inputs()) writer[t] = kGraphInput;
  for (const Node& node : sg.nodes()) {
    for (int t : node.outputs) {
      const Tensor& tensor = *sg.tensor(t);
      const char* why = tensor.allocation == Allocation::kConstant ? ", a constant of the model"
                        : tensor.is_variable ? ", a variable (updated in place by the node reading it)"
                        : writer[t] == kGraphInput ? ", an input of the subgraph (set by the caller)"
                                                   : nullptr;
      if (why) return DataflowError(sg, &node, "writes", t, why);
      if (writer[t] >= 0) return DataflowError(sg, &node, "writes", t, ", which ", writer[t], " also writes; a tensor "
                                               "has one writer");
      writer[t] = node.index;
    }
  }
  std::vector<char> defined(num_tensors, 0);
  for (int t = 0; t < num_tensors; ++t) {
    const Tensor& tensor = *sg.tensor(t);
    defined[t] = tensor.allocation == Allocation::kConstant || tensor.is_variable || writer[t] == kGraphInput;
  }
  for (int n : sg.execution_plan()) {
    const Node& node = sg.nodes()[n];
    for (int t : node.inputs) {
      if (t < 0 || defined[t]) continue;
      if (writer[t] == node.index) return DataflowError(sg, &node, "reads", t, ", its own output (a cycle)");
      if (writer[t] >= 0) return DataflowError(sg, &node, "reads", t, " before ", writer[t], " writes it (a cycle, or "
                                               "nodes out of order)");
      return DataflowError(sg, &node, "reads", t, kNeverWritten);
    }
    for (int t : node.outputs) defined[t] = 1;
  }
  for (int t : sg.outputs()) {
    if (!defined[t]) {
      return DataflowError(sg, nullptr, "has output", t, kNeverWritten);
    }
  }
  return Status::Ok();
}

Status ValidateCallGraph(const std::vector<std::unique_ptr<Subgraph>>& subgraphs) {
  const int count = static_cast<int>(subgraphs.size());
  for (const auto& sg : subgraphs) {
    for (const Node& node : sg->nodes()) {
      const Calls c = CalledSubgraphs(node);
      for (int k = 0; k < c.count; ++k) {
        if (c.index[k] < 0 || c.index[k] >= count) {
          // The words of the run-time check (Subgraph::GetSubgraph), whose StrCat this shares.
          return InvalidModel(NodeWhere(*sg, node.index) + ": " +
                              StrCat("refers to subgraph ", c.index[k], ", out of range (the model has ", count, ")"));
        }
      }
    }
  }
  return Status::Ok();
}

}  // namespace edgelite
