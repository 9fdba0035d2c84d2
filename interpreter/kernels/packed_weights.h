// Where an optimized kernel keeps its weights packed into the layout its micro-kernel reads.
// Weights known before invoke are packed at prepare into memory owned here: once for model constants,
// at each prepare for values folded at prepare (which are recomputed then). Weights computed during
// invoke are packed at every eval into a scratch tensor the arena places.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "interpreter/kernel_api.h"

namespace edgelite {

class PackedWeights {
 public:
  // In prepare: makes room for `floats` packed floats from `sources` (weights, then bias; null entries
  // are ignored); `layout` stands for whatever else the packing depends on (a convolution's group count,
  // which follows the input's channels). Sets *pack_now to the buffer to pack into now, or to null when
  // the packed copy is already current or when packing must wait for eval (then pack_at_eval() is true).
  Status Prepare(KernelContext& ctx, Node& node, size_t floats, std::initializer_list<const Tensor*> sources,
                 int64_t layout, float** pack_now);

  bool pack_at_eval() const { return at_eval_; }
  // In eval: the packed weights (to pack into first when pack_at_eval()).
  float* data(KernelContext& ctx) const;

 private:
  AlignedBlock block_;
  size_t capacity_ = 0;  // floats in block_
  bool at_eval_ = false;
  int scratch_ = -1;
  // What the packed copy was made from, when all sources are model constants: packing again is skipped
  // while these stay the same.
  std::vector<const void*> packed_from_;
  size_t packed_floats_ = 0;
  int64_t packed_layout_ = 0;
};

}  // namespace edgelite
