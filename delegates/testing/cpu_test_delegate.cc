// CpuTestDelegate: runs claimed partitions node by node with the builtin kernels.
#include "delegates/testing/cpu_test_delegate.h"

#include <algorithm>

#include "interpreter/subgraph.h"

namespace edgelite {
namespace {

class CpuTestKernel : public DelegateKernel {
 public:
  CpuTestKernel(Subgraph* graph, DelegatePartition partition) : graph_(graph), partition_(std::move(partition)) {}

  Status Prepare(KernelContext& ctx, Node& delegate_node) override {
    if (!initialized_) {
      for (int n : partition_.nodes) {
        Node& inner = *graph_->mutable_node(n);
        if (!inner.registration) return ctx.Error(delegate_node, StrCat("claimed node ", n, " has no kernel"));
        if (inner.registration->init) EL_RETURN_IF_ERROR(inner.registration->init(ctx, inner));
      }
      initialized_ = true;
    }
    for (int n : partition_.nodes) {
      Node& inner = *graph_->mutable_node(n);
      if (inner.registration->prepare) EL_RETURN_IF_ERROR(inner.registration->prepare(ctx, inner));
      // Tensors that never leave the partition are ours to hold; the partition's outputs are placed
      // by the core's arena like any node output.
      for (int t : inner.outputs) {
        if (std::find(partition_.outputs.begin(), partition_.outputs.end(), t) == partition_.outputs.end())
          ctx.tensor(t)->AllocateOwned();
      }
      for (int t : inner.temporaries) ctx.tensor(t)->AllocateOwned();
    }
    return Status::Ok();
  }

  Status Eval(KernelContext& ctx, Node&) override {
    for (int n : partition_.nodes) {
      Node& inner = *graph_->mutable_node(n);
      EL_RETURN_IF_ERROR(inner.registration->eval(ctx, inner));
    }
    return Status::Ok();
  }

 private:
  Subgraph* graph_;
  DelegatePartition partition_;
  bool initialized_ = false;
};

}  // namespace

bool CpuTestDelegate::SupportsNode(const Subgraph&, const Node& node) {
  return node.registration && op_names_.count(node.op_name) > 0;
}

Status CpuTestDelegate::CreateKernel(Subgraph& graph, const DelegatePartition& partition,
                                     std::unique_ptr<DelegateKernel>* kernel) {
  partitions_.push_back(partition.nodes);
  *kernel = std::make_unique<CpuTestKernel>(&graph, partition);
  return Status::Ok();
}

}  // namespace edgelite
