// The library's entry point: `edgelite_register_custom_ops` adds one ElCustomKernel per select kernel
// under its Flex name, and LiteRT's custom operators (builtins/custom_front.cc). All kernels share the trampolines below, which decode the Flex options at init,
// run the KernelDef's functions and turn any FlexError into a reported error (nothing throws across
// the C ABI).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "delegates/select/builtins/custom_ops.h"
#include "delegates/select/flex/flex_options.h"
#include "delegates/select/flex/trampolines.h"

namespace edgelite::select {
namespace {

// The families, in the order their kernels are registered.
const std::vector<const std::vector<KernelDef>*>& Families() {
  static const std::vector<const std::vector<KernelDef>*> families = {
      &UnaryMathKernels(), &BinaryMathKernels(), &ScanKernels(),          &ShapeKernels(),
      &MatrixKernels(),    &LinalgKernels(),     &EinsumKernels(),        &SegmentKernels(),
      &ScatterGatherKernels(), &ImageKernels(),  &SortKernels(),          &FftKernels(),
      &ResizeKernels(),    &NmsKernels(),       &Conv3dKernels(),        &Pool3dKernels(),
      &RandomKernels(),    &StridedSliceKernels(),
  };
  return families;
}

}  // namespace

const KernelDef* FindKernelByOp(const char* op) {
  for (const auto* family : Families()) {
    for (const KernelDef& k : *family) {
      if (std::strcmp(k.op, op) == 0) return &k;
    }
  }
  return nullptr;
}

void PrepareKernel(OpContext& c, FlexNode& flex) {
  const KernelDef& k = *flex.kernel;
  if (c.num_inputs() < k.min_inputs || c.num_inputs() > k.max_inputs) {
    c.Fail("has ", c.num_inputs(), " inputs, expected ", k.min_inputs,
           k.max_inputs > k.min_inputs ? " to " + std::to_string(k.max_inputs) : std::string());
  }
  if (c.num_outputs() != k.num_outputs) c.Fail("has ", c.num_outputs(), " outputs, expected ", k.num_outputs);
  if (k.check) k.check(c);
  bool known = k.shape != nullptr;
  for (int i = 0; i < c.num_inputs() && known; ++i) {
    if ((k.value_inputs >> i & 1) && !c.input(i).values_known()) known = false;
  }
  for (int i = 0; i < c.num_inputs() && known; ++i) {
    if (c.input(i).info.is_dynamic) known = false;
  }
  flex.shapes_at_eval = !known;
  if (known) {
    k.shape(c);
  } else {
    for (int i = 0; i < c.num_outputs(); ++i) c.MarkOutputDynamic(i);
  }
}

void EvalKernel(OpContext& c, FlexNode& flex) {
  if (flex.shapes_at_eval && flex.kernel->shape) flex.kernel->shape(c);
  flex.kernel->eval(c);
}

void NodeFree(void* user_data) { delete static_cast<FlexNode*>(user_data); }

ElStatus NodePrepare(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, void* user_data) {
  return Guard(api, ctx, [&] {
    auto* flex = static_cast<FlexNode*>(user_data);
    if (flex == nullptr) Fail(node->op_name, " (node ", node->index, ") was not initialised");
    OpContext c(api, ctx, node, flex);
    PrepareKernel(c, *flex);
  });
}

ElStatus NodeEval(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, void* user_data) {
  return Guard(api, ctx, [&] {
    auto* flex = static_cast<FlexNode*>(user_data);
    OpContext c(api, ctx, node, flex);
    EvalKernel(c, *flex);
  });
}

namespace {

const KernelDef* FindKernel(const char* flex_name) {
  if (flex_name == nullptr || std::strncmp(flex_name, "Flex", 4) != 0) return nullptr;
  return FindKernelByOp(flex_name + 4);
}

void* FlexInit(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, ElStatus* status) {
  FlexNode* flex = nullptr;
  *status = Guard(api, ctx, [&] {
    const KernelDef* kernel = FindKernel(node->op_name);
    if (kernel == nullptr) Fail("select ops: no kernel for custom operator '", node->op_name, "'");
    NodeDef def;
    try {
      def = DecodeFlexOptions(node->custom_options, node->custom_options_size);
    } catch (const FlexError& e) {
      Fail(node->op_name, " (node ", node->index, "): ", e.what());
    }
    if (def.op != kernel->op) Fail(node->op_name, " (node ", node->index, ") carries a NodeDef for '", def.op, "'");
    flex = new FlexNode{std::move(def), kernel, false, nullptr, nullptr, {}};
  });
  return flex;
}

struct Registrations {
  std::vector<std::string> names;
  std::vector<ElCustomKernel> kernels;
  Registrations() {
    for (const auto* family : Families()) {
      for (const KernelDef& k : *family) names.push_back(std::string("Flex") + k.op);
    }
    for (const std::string& name : names) {
      kernels.push_back(ElCustomKernel{name.c_str(), 1, 1 << 30, FlexInit, NodeFree, NodePrepare, NodeEval});
    }
  }
};

}  // namespace
}  // namespace edgelite::select

extern "C" __attribute__((visibility("default"))) ElStatus edgelite_register_custom_ops(
    uint32_t abi_version, ElAddCustomKernel add, void* registry, char* error, size_t error_size) {
  if (abi_version != EDGELITE_PLUGIN_ABI_VERSION) {
    if (error && error_size) {
      std::snprintf(error, error_size, "libedgelite_select was built for plugin ABI %d, the core has %u",
                    EDGELITE_PLUGIN_ABI_VERSION, abi_version);
    }
    return EL_STATUS_ERROR;
  }
  static const edgelite::select::Registrations* registrations = new edgelite::select::Registrations();
  for (const ElCustomKernel& kernel : registrations->kernels) add(registry, &kernel);
  std::string missing;
  if (!edgelite::select::AddLiteRtCustomKernels(add, registry, &missing)) {
    if (error && error_size) std::snprintf(error, error_size, "libedgelite_select has no kernel for %s", missing.c_str());
    return EL_STATUS_ERROR;
  }
  return EL_STATUS_OK;
}
