// Graph partitioning for delegates.
#include "interpreter/delegate.h"

#include <algorithm>
#include <numeric>
#include <queue>
#include <set>

namespace edgelite {
namespace {

// Fills a group's boundary tensors from the node list.
void ComputeBoundary(const std::vector<Node>& nodes, const std::vector<int>& plan,
                     const std::vector<int>& subgraph_outputs, int num_tensors, DelegatePartition* part) {
  std::vector<char> inside(nodes.size(), 0), produced(num_tensors, 0), seen(num_tensors, 0);
  for (int n : part->nodes) {
    inside[n] = 1;
    for (int t : nodes[n].outputs)
      if (t >= 0) produced[t] = 1;
  }
  for (int n : part->nodes) {
    for (int t : nodes[n].inputs) {
      if (t >= 0 && !produced[t] && !seen[t]) {
        seen[t] = 1;
        part->inputs.push_back(t);
      }
    }
  }
  std::vector<char> needed_outside(num_tensors, 0);
  for (int n : plan) {
    if (inside[n]) continue;
    for (int t : nodes[n].inputs)
      if (t >= 0) needed_outside[t] = 1;
  }
  for (int t : subgraph_outputs)
    if (t >= 0 && t < num_tensors) needed_outside[t] = 1;
  for (int n : part->nodes)
    for (int t : nodes[n].outputs)
      if (t >= 0 && needed_outside[t]) part->outputs.push_back(t);
}

// Operators whose effect is not in their output tensors: they read or write the interpreter's resource
// variables, or call subgraphs that may. Their order is an edge of the graph that no tensor carries.
bool HasSideEffects(const Node& node) {
  static const std::set<std::string> kOps = {"READ_VARIABLE", "ASSIGN_VARIABLE", "CALL_ONCE", "WHILE", "IF"};
  return kOps.count(node.op_name) != 0;
}

}  // namespace

std::vector<DelegatePartition> PartitionForDelegate(const std::vector<Node>& nodes,
                                                    const std::vector<int>& plan,
                                                    const std::vector<bool>& supported,
                                                    const std::vector<int>& subgraph_outputs,
                                                    int num_tensors, const PartitionOptions& options) {
  // Position in plan of each node, producer of each tensor, and the dependency edges between nodes.
  std::vector<int> position(nodes.size(), -1);
  for (size_t p = 0; p < plan.size(); ++p) position[plan[p]] = static_cast<int>(p);
  std::vector<int> producer(num_tensors, -1);
  for (int n : plan)
    for (int t : nodes[n].outputs)
      if (t >= 0) producer[t] = n;
  std::vector<std::vector<int>> consumers(nodes.size());
  std::vector<int> pending(nodes.size(), 0);
  int previous_side_effect = -1;  // each node with side effects runs after the one before it in the plan
  for (int n : plan) {
    std::set<int> deps;
    for (int t : nodes[n].inputs)
      if (t >= 0 && producer[t] >= 0 && producer[t] != n) deps.insert(producer[t]);
    if (HasSideEffects(nodes[n])) {
      if (previous_side_effect >= 0) deps.insert(previous_side_effect);
      previous_side_effect = n;
    }
    pending[n] = static_cast<int>(deps.size());
    for (int d : deps) consumers[d].push_back(n);
  }

  // Kahn's algorithm with one ready queue per kind; drain the current kind completely before switching,
  // so each run depends only on earlier runs.
  auto by_position = [&](int a, int b) { return position[a] > position[b]; };
  using Queue = std::priority_queue<int, std::vector<int>, decltype(by_position)>;
  Queue ready[2] = {Queue(by_position), Queue(by_position)};
  for (int n : plan)
    if (pending[n] == 0) ready[supported[n] ? 1 : 0].push(n);
  std::vector<DelegatePartition> runs;
  int kind = plan.empty() ? 0 : (supported[plan[0]] ? 1 : 0);
  size_t done = 0;
  if (!options.clustering) {
    // Consecutive runs of one kind in plan order: nothing moves, so the plan's order (and any control
    // dependency it encodes) is kept.
    for (int n : plan) {
      const bool delegated = supported[n];
      if (runs.empty() || runs.back().delegated != delegated) {
        runs.emplace_back();
        runs.back().delegated = delegated;
      }
      runs.back().nodes.push_back(n);
    }
    done = plan.size();
  }
  while (done < plan.size()) {
    if (ready[kind].empty()) kind = 1 - kind;
    DelegatePartition run;
    run.delegated = kind == 1;
    while (!ready[kind].empty()) {
      const int n = ready[kind].top();
      ready[kind].pop();
      run.nodes.push_back(n);
      ++done;
      for (int c : consumers[n])
        if (--pending[c] == 0) ready[supported[c] ? 1 : 0].push(c);
    }
    if (!run.nodes.empty()) runs.push_back(std::move(run));
    kind = 1 - kind;
  }

  // Split delegated runs into connected components (union-find over edges inside the run).
  std::vector<DelegatePartition> result;
  std::vector<int> parent(nodes.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (DelegatePartition& run : runs) {
    if (!run.delegated) {
      for (int n : run.nodes) {
        DelegatePartition single;
        single.delegated = false;
        single.nodes = {n};
        result.push_back(std::move(single));
      }
      continue;
    }
    std::set<int> members(run.nodes.begin(), run.nodes.end());
    if (options.node_fusion) {
      for (int n : run.nodes)
        for (int c : consumers[n])
          if (members.count(c)) parent[find(c)] = find(n);
    }
    std::vector<DelegatePartition> components;
    std::vector<int> component_of_root(nodes.size(), -1);
    for (int n : run.nodes) {
      const int root = find(n);
      if (component_of_root[root] < 0) {
        component_of_root[root] = static_cast<int>(components.size());
        components.emplace_back();
      }
      components[component_of_root[root]].nodes.push_back(n);
    }
    for (DelegatePartition& c : components) {
      ComputeBoundary(nodes, plan, subgraph_outputs, num_tensors, &c);
      result.push_back(std::move(c));
    }
  }
  return result;
}

}  // namespace edgelite
