// Dataflow and call-graph checks of a built model (see graph_validation.h).
#include "interpreter/graph_validation.h"

#include <utility>

#include "schema/edgelite_generated.h"

namespace edgelite {
namespace {

// Who writes a tensor: a node index, or one of these.
constexpr int kNoWriter = -1;
constexpr int kGraphInput = -2;

std::string Where(const Subgraph& sg) { return StrCat("subgraph ", sg.index(), " ('", sg.name(), "')"); }

std::string NodeWhere(const Subgraph& sg, const Node& node) {
  return StrCat(Where(sg), ": node ", node.index, " (", node.op_name, ")");
}

std::string TensorWhere(const Subgraph& sg, int t) { return StrCat("tensor ", t, " ('", sg.tensor(t)->name, "')"); }

// The subgraphs a control-flow node calls, with the option naming each; empty for other nodes and for nodes
// without their options (their kernel's init reports that).
std::vector<std::pair<const char*, int>> CalledSubgraphs(const Node& node) {
  if (!node.op) return {};
  switch (node.builtin_code) {
    case schema::BuiltinOperator_IF:
      if (const auto* o = node.op->builtin_options_as_IfOptions()) {
        return {{"then_subgraph_index", o->then_subgraph_index()}, {"else_subgraph_index", o->else_subgraph_index()}};
      }
      break;
    case schema::BuiltinOperator_WHILE:
      if (const auto* o = node.op->builtin_options_as_WhileOptions()) {
        return {{"cond_subgraph_index", o->cond_subgraph_index()}, {"body_subgraph_index", o->body_subgraph_index()}};
      }
      break;
    case schema::BuiltinOperator_CALL_ONCE:
      if (const auto* o = node.op->builtin_options_as_CallOnceOptions()) {
        return {{"init_subgraph_index", o->init_subgraph_index()}};
      }
      break;
    default:
      break;
  }
  return {};
}

}  // namespace

Status ValidateDataflow(const Subgraph& sg) {
  const int num_tensors = sg.num_model_tensors();
  std::vector<int> writer(num_tensors, kNoWriter);
  for (int t : sg.inputs()) writer[t] = kGraphInput;
  for (const Node& node : sg.nodes()) {
    if (!node.op) continue;  // nodes the core made (delegates') come later and rewire nothing
    for (int t : node.outputs) {
      const Tensor& tensor = *sg.tensor(t);
      if (tensor.allocation == Allocation::kConstant) {
        return InvalidModel(StrCat(NodeWhere(sg, node), " writes ", TensorWhere(sg, t), ", a constant of the model"));
      }
      if (tensor.is_variable) {
        return InvalidModel(StrCat(NodeWhere(sg, node), " writes ", TensorWhere(sg, t), ", a variable tensor; a ",
                                   "variable is updated in place by the node that reads it, never a node output"));
      }
      if (writer[t] == kGraphInput) {
        return InvalidModel(StrCat(NodeWhere(sg, node), " writes ", TensorWhere(sg, t), ", an input of the ",
                                   "subgraph; only the caller sets an input"));
      }
      if (writer[t] >= 0) {
        return InvalidModel(StrCat(NodeWhere(sg, node), " writes ", TensorWhere(sg, t), ", which node ", writer[t],
                                   " (", sg.nodes()[writer[t]].op_name, ") also writes; a tensor has one writer"));
      }
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
      if (writer[t] == node.index) {
        return InvalidModel(StrCat(NodeWhere(sg, node), " reads ", TensorWhere(sg, t), ", its own output (a cycle)"));
      }
      if (writer[t] >= 0) {
        return InvalidModel(StrCat(NodeWhere(sg, node), " reads ", TensorWhere(sg, t), " before node ", writer[t],
                                   " (", sg.nodes()[writer[t]].op_name, ") writes it: node ", writer[t],
                                   " runs later in the execution order (a cycle, or nodes out of order)"));
      }
      return InvalidModel(StrCat(NodeWhere(sg, node), " reads ", TensorWhere(sg, t), ", which is no input of the ",
                                 "subgraph, no constant and no node's output, so nothing gives it a value"));
    }
    for (int t : node.outputs) defined[t] = 1;
  }
  for (int t : sg.outputs()) {
    if (!defined[t]) {
      return InvalidModel(StrCat(Where(sg), ": output ", TensorWhere(sg, t), " is never written: it is no input ",
                                 "of the subgraph, no constant and no node's output"));
    }
  }
  return Status::Ok();
}

Status ValidateCallGraph(const std::vector<std::unique_ptr<Subgraph>>& subgraphs) {
  const int count = static_cast<int>(subgraphs.size());
  // Each subgraph's calls: (callee, the calling node), checked for range on the way.
  std::vector<std::vector<std::pair<int, const Node*>>> calls(count);
  for (const auto& sg : subgraphs) {
    for (const Node& node : sg->nodes()) {
      for (const auto& [option, callee] : CalledSubgraphs(node)) {
        if (callee < 0 || callee >= count) {
          return InvalidModel(StrCat(NodeWhere(*sg, node), ": ", option, " is ", callee, ", out of range (the ",
                                     "model has ", count, " subgraph", count == 1 ? "" : "s", ")"));
        }
        calls[sg->index()].emplace_back(callee, &node);
      }
    }
  }
  // Depth-first search without recursion (a file may chain thousands of subgraphs); a call to a subgraph
  // still on the path is a cycle, reported with the path.
  enum : char { kUnvisited, kOnPath, kDone };
  std::vector<char> state(count, kUnvisited);
  for (int root = 0; root < count; ++root) {
    if (state[root] != kUnvisited) continue;
    std::vector<std::pair<int, size_t>> path{{root, 0}};  // (subgraph, next call to follow)
    state[root] = kOnPath;
    while (!path.empty()) {
      auto& [sg, next] = path.back();
      if (next == calls[sg].size()) {
        state[sg] = kDone;
        path.pop_back();
        continue;
      }
      const auto [callee, node] = calls[sg][next++];
      if (state[callee] == kOnPath) {
        std::string cycle;
        bool on = false;
        for (const auto& step : path) {
          on = on || step.first == callee;
          if (on) cycle += StrCat(Where(*subgraphs[step.first]), " -> ");
        }
        cycle += Where(*subgraphs[callee]);
        return InvalidModel(StrCat(NodeWhere(*subgraphs[sg], *node), " calls subgraph ", callee, ", which is ",
                                   "already on the call path (", cycle, "): recursive subgraph calls are not ",
                                   "allowed"));
      }
      if (state[callee] == kUnvisited) {
        state[callee] = kOnPath;
        path.emplace_back(callee, 0);
      }
    }
  }
  return Status::Ok();
}

}  // namespace edgelite
