// Delegates: a backend (GPU, accelerator, test double) claims the nodes it supports; the core groups
// claimed nodes into partitions and replaces each partition by one node that the backend runs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "interpreter/kernel_api.h"

namespace edgelite {

// One group of claimed nodes that the core hands to a delegate as a unit.
struct DelegatePartition {
  bool delegated = true;     // false for a run of nodes that stays on the CPU
  std::vector<int> nodes;    // node indices in execution order
  std::vector<int> inputs;   // tensors read by the partition and produced outside it (constants included)
  std::vector<int> outputs;  // tensors produced inside and read outside (or subgraph outputs)
};

// Runs one partition. Prepare may be called again after an input resize; eval runs it.
class DelegateKernel {
 public:
  virtual ~DelegateKernel() = default;
  virtual Status Prepare(KernelContext& ctx, Node& node) = 0;
  virtual Status Eval(KernelContext& ctx, Node& node) = 0;
};

// A backend. It sees the graph only as a KernelContext (tensors, nodes, CPU prepare of a node), never
// the Subgraph itself. Plugin libraries implement the C form of this (plugin_api.h); PluginDelegate
// adapts it.
class Delegate {
 public:
  virtual ~Delegate() = default;
  virtual std::string name() const = 0;
  // Whether this delegate can run `node` (asked once per node before partitioning); when not, `why`
  // may say what stops it.
  virtual bool SupportsNode(KernelContext& ctx, const Node& node, std::string* why) = 0;
  // Creates the kernel for one partition. A Status with StatusCode::kUnsupported declines it: its nodes
  // stay on the CPU and the message is kept as their note. Any other failure fails the delegation.
  virtual Status CreateKernel(KernelContext& ctx, const DelegatePartition& partition,
                              std::unique_ptr<DelegateKernel>* kernel) = 0;
  // Copies a device buffer this delegate set on a tensor (KernelContext::SetDeviceBuffer) to host memory.
  virtual Status CopyToHost(void* buffer, void* dst, size_t bytes) {
    return Internal(StrCat("delegate ", name(), " set a device buffer but cannot copy it to the host"));
  }
  // What plugins see as a tensor's ElTensorInfo.device_owner when this delegate holds it.
  virtual const void* device_tag() const { return this; }
  // How the core groups this delegate's nodes: partitions with fewer nodes than min_partition_nodes
  // stay on the CPU, and only the max_partitions largest are delegated (0: no limit).
  int min_partition_nodes = 1;
  int max_partitions = 0;
};

// How claimed nodes are grouped (LiteRT's experimental_disable_delegate_clustering and
// experimental_disable_delegate_node_fusion are these two set to false).
struct PartitionOptions {
  // Gather supported nodes across unsupported ones where dependencies allow (fewer, larger partitions,
  // nodes reordered); when false, partitions are consecutive runs of the execution plan, order kept.
  bool clustering = true;
  // Several nodes per partition; when false every claimed node is a partition of its own.
  bool node_fusion = true;
};

// Splits `plan` (node indices in execution order) into runs of supported / unsupported nodes so that
// every dependency between runs points forward (the graph of runs stays acyclic), then splits the
// supported runs into connected pieces. Returns all pieces in an order that is a valid execution
// order; `supported[i]` answers for node i.
std::vector<DelegatePartition> PartitionForDelegate(const std::vector<Node>& nodes,
                                                    const std::vector<int>& plan,
                                                    const std::vector<bool>& supported,
                                                    const std::vector<int>& subgraph_outputs,
                                                    int num_tensors, const PartitionOptions& options = {});

}  // namespace edgelite
