// Dataflow checks of a built subgraph (see graph_validation.h). Written for size: the core has a
// size budget (tests/bindings/test_core_size.py), so every message goes through one formatting function.
#include "interpreter/graph_validation.h"

namespace edgelite {
namespace {

// Who writes a tensor: a node index, or one of these.
constexpr int kNoWriter = -1;
constexpr int kGraphInput = -2;
constexpr char kNeverWritten[] = ", which nothing writes (no graph input, constant or node output)";

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

}  // namespace

Status ValidateDataflow(const Subgraph& sg) {
  const int num_tensors = sg.num_model_tensors();
  std::vector<int> writer(num_tensors, kNoWriter);
  for (int t : sg.inputs()) writer[t] = kGraphInput;
  for (const Node& node : sg.nodes()) {
    for (int t : node.outputs) {
      const Tensor& tensor = *sg.tensor(t);
      const char* why = tensor.allocation == Allocation::kConstant ? ", a constant of the model"
                        : tensor.is_variable ? ", a variable (updated in place by its reader)"
                        : writer[t] == kGraphInput ? ", a graph input"
                                                   : nullptr;
      if (why) return DataflowError(sg, &node, "writes", t, why);
      if (writer[t] >= 0) return DataflowError(sg, &node, "writes", t, ", which ", writer[t], " also writes");
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
      if (writer[t] >= 0) return DataflowError(sg, &node, "reads", t, " before ", writer[t], " writes it (a cycle)");
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

}  // namespace edgelite
