// RANGE: start, start + delta, ... up to (not including) limit, from three scalars of one dtype (int32,
// float32, int64 as LiteRT). The length is ceil(|limit - start| / |delta|); delta 0, or a delta pointing away
// from the limit, is an error. Folded at prepare when the scalars are constant; otherwise sized at eval.
// One loop for every dtype: integers in int64, float32 in float, accumulated (as LiteRT computes it).
#include <cmath>

#include "interpreter/kernels/kernel_util.h"

namespace edgelite {
namespace {

double ScalarAt(const Tensor& t) {
  return t.type == DataType::kFloat32 ? static_cast<double>(*t.data_as<float>())
                                      : static_cast<double>(IntValueAt(t, 0));
}

Status Length(KernelContext& ctx, const Node& node, int64_t* n) {
  const Tensor& s = *ctx.input(node, 0);
  const double start = ScalarAt(s), limit = ScalarAt(*ctx.input(node, 1)), delta = ScalarAt(*ctx.input(node, 2));
  EL_KERNEL_CHECK(ctx, node, delta != 0, "delta must not be 0");
  EL_KERNEL_CHECK(ctx, node, (start <= limit && delta > 0) || (start >= limit && delta < 0), "delta ", delta,
                  " does not lead from start ", start, " to limit ", limit);
  double length;
  if (s.type == DataType::kFloat32) {
    // In float, as LiteRT: a quotient that double would put just above an integer gives one value fewer.
    const float fs = static_cast<float>(start), fl = static_cast<float>(limit), fd = static_cast<float>(delta);
    length = std::ceil(std::fabs((fl - fs) / fd));
  } else {
    const int64_t a = IntValueAt(s, 0), b = IntValueAt(*ctx.input(node, 1), 0), d = IntValueAt(*ctx.input(node, 2), 0);
    length = static_cast<double>((b - a + d + (d > 0 ? -1 : 1)) / d);
  }
  EL_KERNEL_CHECK(ctx, node, length < 2147483647.0, "the range has ", length, " values, more than a tensor holds");
  *n = static_cast<int64_t>(length);
  return Status::Ok();
}

Status Eval(KernelContext& ctx, Node& node) {
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) {
    int64_t n;
    EL_RETURN_IF_ERROR(Length(ctx, node, &n));
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(out, Dims{static_cast<int32_t>(n)}));
  }
  const Tensor& start = *ctx.input(node, 0);
  const Tensor& delta = *ctx.input(node, 2);
  float next = out.type == DataType::kFloat32 ? *start.data_as<float>() : 0.f;
  for (int64_t i = 0; i < out.num_elements(); ++i) {
    if (out.type == DataType::kFloat32) {
      // Accumulated, not start + i * delta: LiteRT's values, rounding steps included.
      out.data_as<float>()[i] = next;
      next += *delta.data_as<float>();
    } else {
      const int64_t v = IntValueAt(start, 0) + i * IntValueAt(delta, 0);
      if (out.type == DataType::kInt64) out.data_as<int64_t>()[i] = v;
      else out.data_as<int32_t>()[i] = static_cast<int32_t>(v);
    }
  }
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 3, 3));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  const char* names[] = {"start", "limit", "delta"};
  bool known = true;
  Tensor* t;
  for (int i = 0; i < 3; ++i) {
    EL_RETURN_IF_ERROR(RequireInput(ctx, node, i, &t));
    if (i == 0) {
      EL_RETURN_IF_ERROR(
          CheckTypeIn(ctx, node, *t, {DataType::kInt32, DataType::kFloat32, DataType::kInt64}, names[i]));
    }
    EL_RETURN_IF_ERROR(CheckType(ctx, node, *t, ctx.input(node, 0)->type, names[i]));
    EL_KERNEL_CHECK(ctx, node, t->num_elements() == 1 && t->rank() <= 1, names[i], " input '", t->name,
                    "' must be a scalar, got shape ", DimsToString(t->dims));
    known = known && HasValuesAtPrepare(*t);
  }
  Tensor* out;
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, t->type, "output"));
  if (!known) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  int64_t n;
  EL_RETURN_IF_ERROR(Length(ctx, node, &n));
  return ctx.ResizeTensor(*out, Dims{static_cast<int32_t>(n)});
}

}  // namespace

const KernelRegistration* Register_RANGE() {
  static const KernelRegistration reg{nullptr, nullptr, Prepare, Eval, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite
