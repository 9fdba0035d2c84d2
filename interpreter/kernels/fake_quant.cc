// FAKE_QUANT (tf.quantization.fake_quant_with_min_max_args): float32 values clamped to [min, max] and
// rounded to the nearest of 2^num_bits levels (one fewer with narrow_range), min and max first nudged so that
// 0.0 is a level, as TensorFlow's and LiteRT's.
#include <algorithm>
#include <cmath>

#include "interpreter/kernels/kernel_util.h"

namespace edgelite {
namespace {

struct FakeQuantData {
  float nudged_min = 0, nudged_max = 0, scale = 1;
};

Status Init(KernelContext& ctx, Node& node) {
  auto* d = new FakeQuantData();
  node.user_data = d;
  const auto* o = node.op ? node.op->builtin_options_as_FakeQuantOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, o, "FakeQuantOptions are missing");
  const float min = o->min(), max = o->max();
  EL_KERNEL_CHECK(ctx, node, o->num_bits() >= 2 && o->num_bits() <= 16, "num_bits ", o->num_bits(),
                  " is outside [2, 16]");
  EL_KERNEL_CHECK(ctx, node, min < max, "min ", min, " must be below max ", max);
  const float q_min = o->narrow_range() ? 1.f : 0.f;
  const float q_max = static_cast<float>((1 << o->num_bits()) - 1);
  d->scale = (max - min) / (q_max - q_min);
  const float zero_from_min = q_min - min / d->scale;
  const float zero = zero_from_min < q_min ? q_min : zero_from_min > q_max ? q_max : std::round(zero_from_min);
  d->nudged_min = (q_min - zero) * d->scale;
  d->nudged_max = (q_max - zero) * d->scale;
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *in, DataType::kFloat32, "input"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, DataType::kFloat32, "output"));
  return ctx.ResizeTensor(*out, in->dims);
}

Status Eval(KernelContext& ctx, Node& node) {
  const auto& d = *static_cast<FakeQuantData*>(node.user_data);
  const Tensor& in = *ctx.input(node, 0);
  const float* x = in.data_as<float>();
  float* y = ctx.output(node, 0)->data_as<float>();
  const float inverse = 1.f / d.scale;
  for (int64_t i = 0; i < in.num_elements(); ++i) {
    const float shifted = std::min(d.nudged_max, std::max(d.nudged_min, x[i])) - d.nudged_min;
    y[i] = std::round(shifted * inverse) * d.scale + d.nudged_min;
  }
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_FAKE_QUANT() {
  static const KernelRegistration reg{Init, DeleteNodeData<FakeQuantData>, Prepare, Eval,
                                      /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite
