// ArenaPlanner: places every non-constant tensor of a subgraph in one buffer, reusing bytes between
// tensors whose lifetimes (first to last step that touches them) do not overlap. Greedy by size:
// the largest tensors are placed first, each at the lowest offset that fits beside already-placed
// tensors alive at the same time — the same strategy as TFLite Micro's greedy planner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace edgelite {

class ArenaPlanner {
 public:
  struct Request {
    int tensor = -1;     // caller's id, reported back in placements
    size_t bytes = 0;
    int first_step = 0;  // inclusive
    int last_step = 0;   // inclusive
  };
  struct Placement {
    int tensor;
    size_t offset;
    size_t bytes;
  };

  explicit ArenaPlanner(size_t alignment) : alignment_(alignment) {}

  // Computes offsets for all requests; returns the arena size needed.
  size_t Plan(const std::vector<Request>& requests, std::vector<Placement>* placements) const;

  // A human-readable table of a plan (for `edgelite inspect`).
  static std::string Describe(const std::vector<Request>& requests, const std::vector<Placement>& placements);

 private:
  size_t alignment_;
};

}  // namespace edgelite
