// WeightSlab: 2 MB chunks with MADV_HUGEPAGE, carved first fit; large untouched tails handed back.
#include "interpreter/weight_slab.h"

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace edgelite {

void* WeightSlab::Allocate(size_t bytes) {
  const size_t rounded = (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
  if (rounded == 0 || rounded > kChunkBytes) return nullptr;
  for (Chunk& c : chunks_) {
    if (c.used + rounded > kChunkBytes) continue;
    void* p = c.memory.get() + c.used;
    c.used += rounded;
    return p;
  }
  AlignedBlock memory = AllocateAligned(kChunkBytes);  // 2 MB-aligned, with MADV_HUGEPAGE (tensor.cc)
  if (!memory) return nullptr;
  chunks_.push_back(Chunk{std::move(memory), rounded, kChunkBytes});
  return chunks_.back().memory.get();
}

void WeightSlab::ReleaseUnused() {
#if defined(__linux__) && defined(MADV_DONTNEED)
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  for (Chunk& c : chunks_) {
    const size_t begin = (c.used + page - 1) / page * page;
    if (begin >= c.released_from || kChunkBytes - begin < kReleaseMinBytes) continue;
    madvise(c.memory.get() + begin, c.released_from - begin, MADV_DONTNEED);
    c.released_from = begin;
  }
#endif
}

}  // namespace edgelite
