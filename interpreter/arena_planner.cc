// Greedy lifetime-aware placement of tensors in one arena.
#include "interpreter/arena_planner.h"

#include <algorithm>
#include <numeric>
#include <sstream>

namespace edgelite {

size_t ArenaPlanner::Plan(const std::vector<Request>& requests, std::vector<Placement>* placements) const {
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest first; ties by earlier start so the plan is deterministic.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (requests[a].bytes != requests[b].bytes) return requests[a].bytes > requests[b].bytes;
    return requests[a].first_step < requests[b].first_step;
  });
  auto align = [&](size_t v) { return (v + alignment_ - 1) / alignment_ * alignment_; };

  std::vector<size_t> offsets(requests.size(), 0);
  std::vector<size_t> placed;  // indices into requests, kept sorted by offset
  size_t arena = 0;
  for (size_t r : order) {
    const Request& req = requests[r];
    const size_t need = align(req.bytes);
    // Walk tensors already placed that are alive at the same time, in offset order, taking the
    // first gap large enough.
    size_t candidate = 0;
    for (size_t p : placed) {
      const Request& other = requests[p];
      const bool overlap = !(other.last_step < req.first_step || req.last_step < other.first_step);
      if (!overlap) continue;
      if (offsets[p] >= candidate + need) break;  // the gap before `p` fits
      candidate = std::max(candidate, offsets[p] + align(other.bytes));
    }
    offsets[r] = candidate;
    arena = std::max(arena, candidate + need);
    placed.insert(std::upper_bound(placed.begin(), placed.end(), r,
                                   [&](size_t a, size_t b) { return offsets[a] < offsets[b]; }),
                  r);
  }
  placements->clear();
  for (size_t r = 0; r < requests.size(); ++r)
    placements->push_back(Placement{requests[r].tensor, offsets[r], requests[r].bytes});
  return arena;
}

std::string ArenaPlanner::Describe(const std::vector<Request>& requests,
                                   const std::vector<Placement>& placements) {
  std::ostringstream s;
  s << "tensor  offset      bytes  steps\n";
  for (size_t i = 0; i < requests.size() && i < placements.size(); ++i) {
    s << requests[i].tensor << "  " << placements[i].offset << "  " << placements[i].bytes << "  "
      << requests[i].first_step << "-" << requests[i].last_step << "\n";
  }
  return s.str();
}

}  // namespace edgelite
