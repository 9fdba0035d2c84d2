// The CPU test delegate: a plugin (plugin_api.h) for tests of the delegate machinery, built into the
// test plugin library, never into the core. It claims nodes by operator name (option "ops", comma
// separated) and runs each partition node by node with the core's own CPU kernels, so outputs must equal
// the undelegated graph's exactly. Options exercise the rest of the interface:
//   "device_buffers" = "1": partition outputs move to memory of the delegate's own (a stand-in for a
//     device) and the host copy is spoiled with NaN, so outputs are right only if the core copies back
//     through copy_to_host exactly when needed; a neighbouring partition takes them over directly;
//   "decline_above" = N: partitions of more than N nodes are declined (they stay on the CPU).
// query keys: "partitions" (JSON node lists), "copies" (copy_to_host calls), "handovers".
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "interpreter/plugin_api.h"

namespace {

struct TestDelegate {
  ElDelegatePlugin plugin{};
  std::set<std::string> ops;
  bool device_buffers = false;
  int decline_above = 0;
  std::vector<std::vector<int>> partitions;
  int copies = 0, handovers = 0;
  std::string answer;
};

struct TestKernel {
  std::vector<int32_t> nodes, inputs, outputs;
  std::vector<std::vector<uint8_t>> device;  // per output, when device_buffers
};

TestDelegate* Self(void* state) { return static_cast<TestDelegate*>(state); }

int32_t SupportsNode(void* state, const ElContextApi*, ElContext*, const ElNodeInfo* node, char* why,
                     size_t why_size) {
  TestDelegate* d = Self(state);
  if (node->has_cpu_kernel && d->ops.count(node->op_name)) return 1;
  std::snprintf(why, why_size, "the test delegate claims only the operators it was given");
  return 0;
}

ElStatus CreateKernel(void* state, const ElContextApi* api, ElContext* ctx, const ElPartitionInfo* p,
                      void** kernel) {
  TestDelegate* d = Self(state);
  if (d->decline_above > 0 && p->num_nodes > d->decline_above) {
    api->report_error(ctx, "the test delegate declines partitions this large");
    return EL_STATUS_UNSUPPORTED;
  }
  auto* k = new TestKernel();
  k->nodes.assign(p->nodes, p->nodes + p->num_nodes);
  k->inputs.assign(p->inputs, p->inputs + p->num_inputs);
  k->outputs.assign(p->outputs, p->outputs + p->num_outputs);
  d->partitions.emplace_back(k->nodes.begin(), k->nodes.end());
  *kernel = k;
  return EL_STATUS_OK;
}

bool Contains(const std::vector<int32_t>& v, int32_t x) {
  for (int32_t y : v)
    if (y == x) return true;
  return false;
}

ElStatus PrepareKernel(void* state, void* kernel, const ElContextApi* api, ElContext* ctx) {
  auto* k = static_cast<TestKernel*>(kernel);
  for (int32_t n : k->nodes) {
    if (api->prepare_node_on_cpu(ctx, n) != EL_STATUS_OK) return EL_STATUS_ERROR;
    ElNodeInfo node;
    if (api->get_node(ctx, n, &node) != EL_STATUS_OK) return EL_STATUS_ERROR;
    // Tensors that never leave the partition are ours to hold; its outputs are in the core's arena.
    for (int i = 0; i < node.num_outputs; ++i)
      if (!Contains(k->outputs, node.outputs[i]) && api->allocate_host(ctx, node.outputs[i]) != EL_STATUS_OK)
        return EL_STATUS_ERROR;
    for (int i = 0; i < node.num_temporaries; ++i)
      if (api->allocate_host(ctx, node.temporaries[i]) != EL_STATUS_OK) return EL_STATUS_ERROR;
  }
  k->device.assign(k->outputs.size(), {});
  return EL_STATUS_OK;
}

ElStatus EvalKernel(void* state, void* kernel, const ElContextApi* api, ElContext* ctx) {
  TestDelegate* d = Self(state);
  auto* k = static_cast<TestKernel*>(kernel);
  for (int32_t t : k->inputs) {
    ElTensorInfo in;
    if (api->get_tensor(ctx, t, &in) != EL_STATUS_OK) return EL_STATUS_ERROR;
    if (in.device_owner == state && in.host_stale) {
      // Our own buffer from a neighbouring partition: taken over without the core's copy.
      std::memcpy(in.data, in.device_buffer, in.bytes);
      if (api->set_device_buffer(ctx, t, in.device_buffer, 0) != EL_STATUS_OK) return EL_STATUS_ERROR;
      ++d->handovers;
    }
  }
  for (int32_t n : k->nodes)
    if (api->eval_node_on_cpu(ctx, n) != EL_STATUS_OK) return EL_STATUS_ERROR;
  if (!d->device_buffers) return EL_STATUS_OK;
  for (size_t o = 0; o < k->outputs.size(); ++o) {
    ElTensorInfo out;
    if (api->get_tensor(ctx, k->outputs[o], &out) != EL_STATUS_OK) return EL_STATUS_ERROR;
    if (out.type != 0) continue;  // only float32 outputs move, so the NaN spoiling below is visible
    std::vector<uint8_t>& buffer = k->device[o];
    buffer.assign(static_cast<const uint8_t*>(out.data), static_cast<const uint8_t*>(out.data) + out.bytes);
    float* host = static_cast<float*>(out.data);
    for (size_t i = 0; i < out.bytes / sizeof(float); ++i) host[i] = std::numeric_limits<float>::quiet_NaN();
    if (api->set_device_buffer(ctx, k->outputs[o], buffer.data(), 1) != EL_STATUS_OK) return EL_STATUS_ERROR;
  }
  return EL_STATUS_OK;
}

void FreeKernel(void*, void* kernel) { delete static_cast<TestKernel*>(kernel); }

ElStatus CopyToHost(void* state, void* buffer, void* dst, size_t bytes, char*, size_t) {
  std::memcpy(dst, buffer, bytes);
  ++Self(state)->copies;
  return EL_STATUS_OK;
}

const char* Query(void* state, const char* key) {
  TestDelegate* d = Self(state);
  std::ostringstream s;
  if (std::strcmp(key, "partitions") == 0) {
    s << "[";
    for (size_t p = 0; p < d->partitions.size(); ++p) {
      s << (p ? ", [" : "[");
      for (size_t i = 0; i < d->partitions[p].size(); ++i) s << (i ? ", " : "") << d->partitions[p][i];
      s << "]";
    }
    s << "]";
  } else if (std::strcmp(key, "copies") == 0) {
    s << d->copies;
  } else if (std::strcmp(key, "handovers") == 0) {
    s << d->handovers;
  } else {
    return nullptr;
  }
  d->answer = s.str();
  return d->answer.c_str();
}

void Destroy(void* state) { delete Self(state); }

}  // namespace

extern "C" __attribute__((visibility("default"))) ElDelegatePlugin* edgelite_delegate_create(
    uint32_t abi_version, const char* const* keys, const char* const* values, size_t num_options, char* error,
    size_t error_size) {
  if (abi_version != EDGELITE_PLUGIN_ABI_VERSION) {
    std::snprintf(error, error_size, "test delegate built for plugin ABI %d, core has %u", EDGELITE_PLUGIN_ABI_VERSION,
                  abi_version);
    return nullptr;
  }
  auto* d = new TestDelegate();
  for (size_t i = 0; i < num_options; ++i) {
    const std::string key = keys[i], value = values[i];
    if (key == "ops") {
      std::stringstream list(value);
      std::string op;
      while (std::getline(list, op, ',')) if (!op.empty()) d->ops.insert(op);
    } else if (key == "device_buffers") {
      d->device_buffers = value == "1";
    } else if (key == "decline_above") {
      d->decline_above = std::atoi(value.c_str());
    } else {
      std::snprintf(error, error_size, "unknown test delegate option '%s'", key.c_str());
      delete d;
      return nullptr;
    }
  }
  ElDelegatePlugin& p = d->plugin;
  p.abi_version = EDGELITE_PLUGIN_ABI_VERSION;
  p.name = "CpuTestDelegate";
  p.state = d;
  p.supports_node = SupportsNode;
  p.create_kernel = CreateKernel;
  p.prepare_kernel = PrepareKernel;
  p.eval_kernel = EvalKernel;
  p.free_kernel = FreeKernel;
  p.copy_to_host = CopyToHost;
  p.query = Query;
  p.destroy = Destroy;
  return &p;
}
