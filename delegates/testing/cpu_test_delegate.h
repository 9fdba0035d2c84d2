// CpuTestDelegate: a delegate for tests of the delegate machinery. It claims nodes by operator name
// and runs each partition it receives with the builtin CPU kernels, keeping the partition's internal
// tensors in memory of its own, so outputs must match the undelegated graph exactly.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "interpreter/delegate.h"

namespace edgelite {

class CpuTestDelegate : public Delegate {
 public:
  explicit CpuTestDelegate(std::set<std::string> op_names) : op_names_(std::move(op_names)) {}

  std::string name() const override { return "CpuTestDelegate"; }
  bool SupportsNode(const Subgraph& graph, const Node& node) override;
  Status CreateKernel(Subgraph& graph, const DelegatePartition& partition,
                      std::unique_ptr<DelegateKernel>* kernel) override;

  // The partitions handed over so far (node indices), for tests to check the partitioning.
  const std::vector<std::vector<int>>& partitions() const { return partitions_; }

 private:
  std::set<std::string> op_names_;
  std::vector<std::vector<int>> partitions_;
};

}  // namespace edgelite
