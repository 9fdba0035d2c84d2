// PackedWeights: pack once for model constants, per prepare for folded values, per eval otherwise.
#include "interpreter/kernels/packed_weights.h"

#include <algorithm>

#include "interpreter/kernels/kernel_util.h"

namespace edgelite {

Status PackedWeights::Prepare(KernelContext& ctx, Node& node, size_t floats,
                              std::initializer_list<const Tensor*> sources, int64_t layout, float** pack_now) {
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
    return RequestScratch(ctx, node, DataType::kFloat32, static_cast<int64_t>(floats), &scratch_);
  }
  if (scratch_ >= 0) EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kFloat32, 0, &scratch_));
  if (model_constant && !packed_from_.empty() && from == packed_from_ && floats == packed_floats_ &&
      layout == packed_layout_) {
    return Status::Ok();
  }
  if (floats > capacity_ || !block_) {
    block_ = AllocateAligned(std::max<size_t>(floats, 1) * sizeof(float));
    if (!block_) {
      return ctx.Error(node, StrCat("cannot allocate ", floats, " floats of packed weights"), StatusCode::kInternal);
    }
    capacity_ = floats;
  }
  packed_from_ = model_constant ? std::move(from) : std::vector<const void*>();
  packed_floats_ = floats;
  packed_layout_ = layout;
  *pack_now = reinterpret_cast<float*>(block_.get());
  return Status::Ok();
}

float* PackedWeights::data(KernelContext& ctx) const {
  if (at_eval_) return ctx.tensor(scratch_)->data_as<float>();
  return reinterpret_cast<float*>(block_.get());
}

}  // namespace edgelite
