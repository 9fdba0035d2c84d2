// Test custom operators, registered through the plugin ABI like an app's own operators: built into the
// test plugin library (never into the core), registered by `AddTestCustomOps`.
//
// "EdgeliteTestScale": float32 output = input * scale, where scale is the 4-byte float in the custom
// options (versions 1 and 2; version 2 adds an optional second input added to the result).
#include <cstdio>
#include <cstring>

#include "interpreter/plugin_api.h"

namespace {

constexpr int32_t kFloat32 = 0;

bool Fail(const ElContextApi* api, ElContext* ctx, const char* message) {
  api->report_error(ctx, message);
  return false;
}

void* ScaleInit(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, ElStatus* status) {
  if (node->custom_options_size != sizeof(float)) {
    char text[128];
    std::snprintf(text, sizeof(text), "custom options must hold one float32 scale (4 bytes), got %zu bytes",
                  node->custom_options_size);
    *status = api->report_error(ctx, text);
    return nullptr;
  }
  auto* scale = new float;
  std::memcpy(scale, node->custom_options, sizeof(float));
  return scale;
}

void ScaleFree(void* data) { delete static_cast<float*>(data); }

ElStatus ScalePrepare(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, void*) {
  const int max_inputs = node->version >= 2 ? 2 : 1;
  if (node->num_inputs < 1 || node->num_inputs > max_inputs || node->num_outputs != 1) {
    Fail(api, ctx, node->version >= 2 ? "needs 1 or 2 inputs and 1 output" : "needs 1 input and 1 output");
    return EL_STATUS_ERROR;
  }
  ElTensorInfo in, out;
  if (api->get_tensor(ctx, node->inputs[0], &in) != EL_STATUS_OK) return EL_STATUS_ERROR;
  if (in.type != kFloat32) return api->report_error(ctx, "input must be float32");
  if (node->num_inputs == 2 && node->inputs[1] >= 0) {
    ElTensorInfo bias;
    if (api->get_tensor(ctx, node->inputs[1], &bias) != EL_STATUS_OK) return EL_STATUS_ERROR;
    if (bias.type != kFloat32) return api->report_error(ctx, "input 1 must be float32");
    bool same = bias.rank == in.rank;
    for (int i = 0; same && i < in.rank; ++i) same = bias.dims[i] == in.dims[i];
    if (!same) return api->report_error(ctx, "input 1 must have the shape of input 0");
  }
  if (api->get_tensor(ctx, node->outputs[0], &out) != EL_STATUS_OK) return EL_STATUS_ERROR;
  return api->resize_tensor(ctx, node->outputs[0], in.rank, in.dims);
}

ElStatus ScaleEval(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, void* data) {
  const float scale = *static_cast<float*>(data);
  ElTensorInfo in, out, bias{};
  if (api->get_tensor(ctx, node->inputs[0], &in) != EL_STATUS_OK) return EL_STATUS_ERROR;
  if (api->get_tensor(ctx, node->outputs[0], &out) != EL_STATUS_OK) return EL_STATUS_ERROR;
  const bool has_bias = node->num_inputs == 2 && node->inputs[1] >= 0;
  if (has_bias && api->get_tensor(ctx, node->inputs[1], &bias) != EL_STATUS_OK) return EL_STATUS_ERROR;
  const float* x = static_cast<const float*>(in.data);
  const float* b = static_cast<const float*>(bias.data);
  float* y = static_cast<float*>(out.data);
  for (size_t i = 0; i < in.bytes / sizeof(float); ++i) y[i] = x[i] * scale + (has_bias ? b[i] : 0.f);
  return EL_STATUS_OK;
}

const ElCustomKernel kScale = {"EdgeliteTestScale", 1, 2, ScaleInit, ScaleFree, ScalePrepare, ScaleEval};

}  // namespace

extern "C" __attribute__((visibility("default"))) ElStatus AddTestCustomOps(uint32_t abi_version,
                                                                             ElAddCustomKernel add, void* registry,
                                                                             char* error, size_t error_size) {
  if (abi_version != EDGELITE_PLUGIN_ABI_VERSION) {
    std::snprintf(error, error_size, "test custom ops built for plugin ABI %d, core has %u",
                  EDGELITE_PLUGIN_ABI_VERSION, abi_version);
    return EL_STATUS_ERROR;
  }
  add(registry, &kScale);
  return EL_STATUS_OK;
}
