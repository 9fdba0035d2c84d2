// AVERAGE_POOL_2D and MAX_POOL_2D on the device (kernels/pool2d.cl): float32 NHWC, SAME/VALID padding as
// TFLite computes it, strides, fused activation; the average counts only in-bounds elements, as TFLite.
#include <string>
#include <vector>

#include "delegates/opencl/cl_op.h"
#include "delegates/opencl/ops/filter_util.h"
#include "schema/edgelite_generated.h"

namespace edgelite {
namespace opencl {
namespace {

using namespace filter_util;  // NOLINT: this file's vocabulary

bool SupportsPool2D(const OpDesc& op, std::string* why) {
  const auto* o = op.op ? op.op->builtin_options_as_Pool2DOptions() : nullptr;
  if (!o) return Fail(why, "Pool2DOptions are missing");
  if (op.inputs.size() != 1 || op.outputs.size() != 1) return Fail(why, "expects one input and one output");
  if (!IsFloatActivation(op.inputs[0], "input", why) || !IsFloatActivation(op.outputs[0], "output", why)) return false;
  if (op.inputs[0].dims.size() != 4) return Fail(why, "input has rank " + std::to_string(op.inputs[0].dims.size()) + ", not 4");
  if (o->padding() != schema::Padding_SAME && o->padding() != schema::Padding_VALID) {
    return Fail(why, "unknown padding " + std::to_string(static_cast<int>(o->padding())));
  }
  if (o->stride_h() < 1 || o->stride_w() < 1 || o->filter_height() < 1 || o->filter_width() < 1) {
    return Fail(why, "strides and window sizes must be positive");
  }
  return IsSupportedActivation(o->fused_activation_function(), why);
}

bool BuildPool2D(const OpDesc& op, bool max, std::vector<Launch>* launches, std::string* error) {
  const auto* o = op.op->builtin_options_as_Pool2DOptions();
  const auto& in = op.inputs[0].dims;
  const auto& out = op.outputs[0].dims;
  const int kh = o->filter_height(), kw = o->filter_width(), sh = o->stride_h(), sw = o->stride_w();
  const bool same = o->padding() == schema::Padding_SAME;
  const int oh = WindowOutputSize(same, in[1], kh, sh, 1), ow = WindowOutputSize(same, in[2], kw, sw, 1);
  if (out.size() != 4 || out[0] != in[0] || out[1] != oh || out[2] != ow || out[3] != in[3]) {
    return Fail(error, "output shape " + DimsText(out) + " is not the window's [" + std::to_string(in[0]) + ", " +
                           std::to_string(oh) + ", " + std::to_string(ow) + ", " + std::to_string(in[3]) + "]");
  }
  if (op.outputs[0].num_elements() == 0) return true;
  Launch l;
  l.file = "pool2d.cl";
  const int blocks = static_cast<int>(DivUp(in[3], 4));
  const std::pair<const char*, int> values[] = {
      {"BATCH", in[0]}, {"IH", in[1]}, {"IW", in[2]}, {"C", in[3]}, {"OH", oh}, {"OW", ow}, {"KH", kh}, {"KW", kw},
      {"SH", sh}, {"SW", sw}, {"PT", PaddingBefore(sh, 1, in[1], kh, oh)}, {"PL", PaddingBefore(sw, 1, in[2], kw, ow)},
      {"ACT", o->fused_activation_function()}, {"NUM_BLOCKS", blocks}, {"POOL_MAX", max}, {"C_VEC4", in[3] % 4 == 0}};
  for (const auto& v : values) Define(&l, v.first, v.second);
  l.args = {KernelArg::Tensor(op.inputs[0].index), KernelArg::Tensor(op.outputs[0].index)};
  l.work_dim = 3;
  l.global = {{static_cast<size_t>(blocks), static_cast<size_t>(ow), static_cast<size_t>(in[0]) * oh}};
  launches->push_back(std::move(l));
  return true;
}

bool BuildAveragePool2D(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  return BuildPool2D(op, false, launches, error);
}

bool BuildMaxPool2D(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  return BuildPool2D(op, true, launches, error);
}

}  // namespace

void AddPoolBuilders(std::vector<OpBuilder>* all) {
  all->push_back({schema::BuiltinOperator_AVERAGE_POOL_2D, SupportsPool2D, BuildAveragePool2D});
  all->push_back({schema::BuiltinOperator_MAX_POOL_2D, SupportsPool2D, BuildMaxPool2D});
}

}  // namespace opencl
}  // namespace edgelite
