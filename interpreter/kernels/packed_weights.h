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
  // In prepare: makes room for `count` packed elements of T from `sources` (weights, then bias; null
  // entries are ignored); `layout` stands for whatever else the packing depends on (a convolution's group
  // count, which follows the input's channels, and the instruction set, whose vector width shapes the
  // panels). Sets *pack_now to the buffer to pack into now, or to null when the packed copy is already
  // current or when packing must wait for eval (then pack_at_eval() is true).
  template <typename T>
  Status Prepare(KernelContext& ctx, Node& node, size_t count, std::initializer_list<const Tensor*> sources,
                 int64_t layout, T** pack_now) {
    void* p = nullptr;
    Status s = PrepareBytes(ctx, node, count * sizeof(T), sources, layout, &p);
    *pack_now = static_cast<T*>(p);
    return s;
  }

  bool pack_at_eval() const { return at_eval_; }
  // In eval: the packed weights (to pack into first when pack_at_eval()).
  template <typename T = float>
  T* data(KernelContext& ctx) const {
    return static_cast<T*>(DataBytes(ctx));
  }

 private:
  Status PrepareBytes(KernelContext& ctx, Node& node, size_t bytes, std::initializer_list<const Tensor*> sources,
                      int64_t layout, void** pack_now);
  void* DataBytes(KernelContext& ctx) const;

  void* storage() const { return slab_block_ ? slab_block_ : block_.get(); }

  // The packed copy: the first from the subgraph's slab (KernelContext::AllocatePackedWeights), a larger one
  // needed later (inputs resized) in a block of its own.
  void* slab_block_ = nullptr;
  AlignedBlock block_;
  size_t capacity_ = 0;  // bytes in storage()
  bool at_eval_ = false;
  int scratch_ = -1;
  // What the packed copy was made from, when all sources are model constants: packing again is skipped
  // while these stay the same.
  std::vector<const void*> packed_from_;
  size_t packed_bytes_ = 0;
  int64_t packed_layout_ = 0;
};

// A PackedWeights layout key from a group count, the instruction set the packing is for and, where a kernel
// packs one filter in more than one way (a convolution's GEMM or Winograd weights), which (0 to 3).
inline int64_t PackingLayout(int64_t groups, int isa, int form = 0) { return (groups * 4 + form) * 64 + isa; }

}  // namespace edgelite
