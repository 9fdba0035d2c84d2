// Memory for a subgraph's packed weights: small blocks carved out of 2 MB chunks that ask for transparent huge
// pages, instead of one allocation (and a page fault per 4 KB) each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "interpreter/tensor.h"

namespace edgelite {

class WeightSlab {
 public:
  // Blocks up to one chunk come from the slab; larger ones are AllocateAligned's (which gives them huge pages
  // of their own).
  static constexpr size_t kChunkBytes = size_t{2} << 20;
  // ReleaseUnused gives back a chunk's free tail from this size up: a smaller one stays resident, and the chunk
  // one huge page (giving back part of a huge page splits it into 4 KB pages).
  static constexpr size_t kReleaseMinBytes = size_t{512} << 10;

  // `bytes` (kTensorAlignment-aligned), valid until the slab is destroyed: the first chunk with room (so a large
  // block that opens a chunk leaves the earlier chunk's room to later small ones). Null when bytes > kChunkBytes
  // or memory is short (the caller allocates on its own then).
  void* Allocate(size_t bytes);

  // Gives back the free tails of kReleaseMinBytes or more (a huge page is resident whole once touched), so the
  // resident set stays near what the blocks use. Blocks carved there later fault in small pages.
  void ReleaseUnused();

 private:
  struct Chunk {
    AlignedBlock memory;
    size_t used = 0;           // bytes carved, from the start
    size_t released_from = 0;  // pages from here were given back (kChunkBytes: none)
  };
  std::vector<Chunk> chunks_;
};

}  // namespace edgelite
