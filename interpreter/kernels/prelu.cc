// PRELU on float32: out = x >= 0 ? x : alpha * x, alpha broadcast against the input (NumPy rules; the
// output takes the broadcast shape). Alpha is usually a per-channel constant of shape [C] or [1, 1, C].
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/reference/activations.h"
#include "interpreter/kernels/reference/broadcast.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct PReluData {
  // Filled in prepare: how alpha lines up with the input, so eval picks its loop directly.
  enum class Layout { kSameShape, kScalarAlpha, kChannelAlpha, kGeneral } layout = Layout::kGeneral;
  int64_t outer = 0, inner = 0;  // kChannelAlpha: the output is `outer` blocks of the `inner` alphas
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto* data = static_cast<PReluData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *alpha, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &alpha));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *in, DataType::kFloat32, "input"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *alpha, DataType::kFloat32, "alpha"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, DataType::kFloat32, "output"));
  Dims out_dims;
  if (!BroadcastShapes(in->dims, alpha->dims, &out_dims)) {
    return ctx.Error(node, StrCat("alpha of shape ", DimsToString(alpha->dims), " cannot be broadcast to input shape ",
                                  DimsToString(in->dims)));
  }
  using L = PReluData::Layout;
  const int64_t inner = in->dims == out_dims ? reference::TrailingBroadcastSize(out_dims, alpha->dims) : 0;
  if (in->dims == alpha->dims) {
    data->layout = L::kSameShape;
  } else if (alpha->num_elements() == 1 && in->dims == out_dims) {
    data->layout = L::kScalarAlpha;
  } else if (inner > 0) {
    data->layout = L::kChannelAlpha;
    data->inner = inner;
    data->outer = NumElements(out_dims) / inner;
  } else {
    data->layout = L::kGeneral;
  }
  return ctx.ResizeTensor(*out, out_dims);
}

Status Eval(KernelContext& ctx, Node& node) {
  const auto& d = *static_cast<const PReluData*>(node.user_data);
  const Tensor& in = *ctx.input(node, 0);
  const Tensor& alpha = *ctx.input(node, 1);
  Tensor& out = *ctx.output(node, 0);
  const float* x = in.data_as<float>();
  const float* a = alpha.data_as<float>();
  float* y = out.data_as<float>();
  ThreadPool& pool = ctx.thread_pool();
  constexpr int64_t kGrain = 16384;
  using L = PReluData::Layout;
  switch (d.layout) {
    case L::kSameShape:
      pool.ParallelFor(out.num_elements(), kGrain, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) y[i] = reference::PRelu(x[i], a[i]);
      });
      break;
    case L::kScalarAlpha: {
      const float a0 = a[0];
      pool.ParallelFor(out.num_elements(), kGrain, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) y[i] = reference::PRelu(x[i], a0);
      });
      break;
    }
    case L::kChannelAlpha: {
      const int64_t inner = d.inner;
      pool.ParallelFor(d.outer, std::max<int64_t>(1, kGrain / inner), [&](int64_t b, int64_t e) {
        for (int64_t o = b; o < e; ++o) {
          const float* xo = x + o * inner;
          float* yo = y + o * inner;
          for (int64_t i = 0; i < inner; ++i) yo[i] = reference::PRelu(xo[i], a[i]);
        }
      });
      break;
    }
    case L::kGeneral:
      reference::ForEachBroadcastIndex(in.dims, alpha.dims, out.dims, [&](int64_t o, int64_t ix, int64_t ia) {
        y[o] = reference::PRelu(x[ix], a[ia]);
      });
      break;
  }
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_PRELU() {
  static const KernelRegistration reg{NewNodeData<PReluData>, DeleteNodeData<PReluData>, Prepare, Eval,
                                      /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite
