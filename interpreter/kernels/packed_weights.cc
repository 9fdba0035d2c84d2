// PackedWeights: pack once for model constants, per prepare for folded values, per eval otherwise.
#include "interpreter/kernels/packed_weights.h"

#include <algorithm>

#include "interpreter/kernels/kernel_util.h"

namespace edgelite {

Status PackedWeights::PrepareBytes(KernelContext& ctx, Node& node, size_t bytes,
                                   std::initializer_list<const Tensor*> sources, int64_t layout, void** pack_now) {
  *pack_now = nullptr;
  bool constant = true, model_constant = true;
  std::vector<const void*> from;
  for (const Tensor* t : sources) {
    if (!t) continue;
    constant = constant && t->is_constant;
    model_constant = model_constant && t->allocation == Allocation::kConstant;
    from.push_back(t->data);
  }
  at_eval_ = !constant;
  if (at_eval_) {
    packed_from_.clear();
    return RequestScratch(ctx, node, DataType::kUInt8, static_cast<int64_t>(bytes), &scratch_);
  }
  if (scratch_ >= 0) EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kUInt8, 0, &scratch_));
  if (model_constant && !packed_from_.empty() && from == packed_from_ && bytes == packed_bytes_ &&
      layout == packed_layout_) {
    return Status::Ok();
  }
  if (!slab_block_ && !block_) {
    slab_block_ = ctx.AllocatePackedWeights(std::max<size_t>(bytes, 1));
    if (slab_block_) capacity_ = bytes;
  }
  if (bytes > capacity_ || !storage()) {
    block_ = AllocateAligned(std::max<size_t>(bytes, 1));
    if (!block_) {
      return ctx.Error(node, StrCat("cannot allocate ", bytes, " bytes of packed weights"), StatusCode::kInternal);
    }
    slab_block_ = nullptr;
    capacity_ = bytes;
  }
  packed_from_ = model_constant ? std::move(from) : std::vector<const void*>();
  packed_bytes_ = bytes;
  packed_layout_ = layout;
  *pack_now = storage();
  return Status::Ok();
}

void* PackedWeights::DataBytes(KernelContext& ctx) const {
  if (at_eval_) return ctx.tensor(scratch_)->data;
  return storage();
}

}  // namespace edgelite
