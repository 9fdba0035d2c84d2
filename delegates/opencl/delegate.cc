// The OpenCL delegate's plugin entry point (edgelite_delegate_create) and the ElDelegatePlugin hooks: options,
// which nodes it runs and why not, partitions and the facts tools query.
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "delegates/opencl/cl_delegate.h"
#include "delegates/opencl/cl_partition.h"

namespace edgelite {
namespace opencl {
namespace {

void WriteMessage(const std::string& text, char* out, size_t size) {
  if (out == nullptr || size == 0) return;
  std::snprintf(out, size, "%s", text.c_str());
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

ClDelegate* Self(void* state) { return static_cast<ClDelegate*>(state); }

int32_t SupportsNode(void* state, const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, char* why,
                     size_t why_size) {
  ClDelegate* d = Self(state);
  ElNodeInfo info{};
  OpDesc op;
  op.fp16 = d->fp16;
  op.device_has_fp16 = d->runtime->has_fp16();
  std::string reason;
  if (!DescribeNode(api, ctx, node->index, &info, &op, &reason) || FindBuilder(op, &reason) == nullptr) {
    WriteMessage(reason, why, why_size);
    return 0;
  }
  return 1;
}

ElStatus CreateKernel(void* state, const ElContextApi* api, ElContext* ctx, const ElPartitionInfo* partition,
                      void** kernel) {
  ClDelegate* d = Self(state);
  std::unique_ptr<ClPartition> part;
  const ElStatus status = ClPartition::Create(d, api, ctx, partition, &part);
  if (status != EL_STATUS_OK) return status;
  d->partitions.emplace_back(partition->nodes, partition->nodes + partition->num_nodes);
  *kernel = part.release();
  return EL_STATUS_OK;
}

ElStatus PrepareKernel(void*, void* kernel, const ElContextApi* api, ElContext* ctx) {
  return static_cast<ClPartition*>(kernel)->Prepare(api, ctx);
}

ElStatus EvalKernel(void*, void* kernel, const ElContextApi* api, ElContext* ctx) {
  return static_cast<ClPartition*>(kernel)->Eval(api, ctx);
}

void FreeKernel(void*, void* kernel) { delete static_cast<ClPartition*>(kernel); }

ElStatus CopyToHostHook(void* state, void* buffer, void* dst, size_t bytes, char* error, size_t error_size) {
  std::string message;
  if (!CopyToHost(*Self(state), *static_cast<const DeviceTensor*>(buffer), dst, bytes, &message)) {
    WriteMessage(message, error, error_size);
    return EL_STATUS_ERROR;
  }
  return EL_STATUS_OK;
}

const char* Query(void* state, const char* key) {
  ClDelegate* d = Self(state);
  const std::string k = key ? key : "";
  if (k == "device") {
    d->query_answer = "{\"name\": " + JsonString(d->runtime->device_name()) +
                      ", \"version\": " + JsonString(d->runtime->device_version()) +
                      ", \"driver\": " + JsonString(d->runtime->driver_version()) +
                      ", \"platform\": " + JsonString(d->runtime->platform_name()) +
                      ", \"fp16\": " + (d->runtime->has_fp16() ? "true" : "false") +
                      ", \"precision\": " + (d->fp16 ? "\"fp16\"" : "\"fp32\"") + "}";
  } else if (k == "cache") {
    const ProgramCacheStats& s = d->cache->stats();
    char ms[32];
    std::snprintf(ms, sizeof(ms), "%.3f", s.build_ms);
    d->query_answer = "{\"dir\": " + JsonString(d->cache->dir()) + ", \"enabled\": " +
                      (d->cache->disabled_reason().empty() ? "true" : "false") +
                      ", \"hits\": " + std::to_string(s.hits) + ", \"misses\": " + std::to_string(s.misses) +
                      ", \"corrupt\": " + std::to_string(s.corrupt) + ", \"build_ms\": " + ms + "}";
  } else if (k == "partitions") {
    d->query_answer = "[";
    for (size_t p = 0; p < d->partitions.size(); ++p) {
      d->query_answer += p ? ", [" : "[";
      for (size_t n = 0; n < d->partitions[p].size(); ++n) {
        d->query_answer += (n ? ", " : "") + std::to_string(d->partitions[p][n]);
      }
      d->query_answer += "]";
    }
    d->query_answer += "]";
  } else {
    return nullptr;
  }
  return d->query_answer.c_str();
}

void Destroy(void* state) { delete Self(state); }

}  // namespace
}  // namespace opencl
}  // namespace edgelite

extern "C" __attribute__((visibility("default"))) ElDelegatePlugin* edgelite_delegate_create(
    uint32_t abi_version, const char* const* keys, const char* const* values, size_t num_options, char* error,
    size_t error_size) {
  using namespace edgelite::opencl;
  if (abi_version != EDGELITE_PLUGIN_ABI_VERSION) {
    WriteMessage("the OpenCL delegate is built for plugin ABI " + std::to_string(EDGELITE_PLUGIN_ABI_VERSION) +
                     ", the core has " + std::to_string(abi_version),
                 error, error_size);
    return nullptr;
  }
  std::string precision = "fp32", device, cache_dir, build_options, unknown;
  for (size_t i = 0; i < num_options; ++i) {
    const std::string key = keys[i] ? keys[i] : "", value = values[i] ? values[i] : "";
    if (key == "precision") {
      precision = value;
    } else if (key == "device") {
      device = value;
    } else if (key == "cache_dir") {
      cache_dir = value;
    } else if (key == "build_options") {
      build_options = value;
    } else if (key == "max_partitions" || key == "min_partition_size") {
      // The core's own partitioning options.
    } else {
      unknown += (unknown.empty() ? "'" : ", '") + key + "'";
    }
  }
  if (!unknown.empty()) {
    WriteMessage("OpenCL delegate: unknown option(s) " + unknown +
                     " (known: precision, device, cache_dir, build_options, max_partitions, min_partition_size)",
                 error, error_size);
    return nullptr;
  }
  if (precision != "fp32" && precision != "fp16") {
    WriteMessage("OpenCL delegate: precision must be \"fp32\" or \"fp16\", not \"" + precision + "\"", error,
                 error_size);
    return nullptr;
  }
  std::unique_ptr<ClDelegate> d(new ClDelegate());
  std::string message;
  d->runtime = ClRuntime::Create(device, &message);
  if (d->runtime == nullptr) {
    WriteMessage(message, error, error_size);
    return nullptr;
  }
  if (precision == "fp16" && !d->runtime->has_fp16()) {
    WriteMessage("OpenCL delegate: precision \"fp16\" needs cl_khr_fp16, which '" + d->runtime->device_name() +
                     "' does not have (use \"fp32\")",
                 error, error_size);
    return nullptr;
  }
  d->fp16 = precision == "fp16";
  d->build_options = build_options;
  d->cache = std::make_unique<ProgramCache>(*d->runtime, cache_dir);
  ElDelegatePlugin& p = d->plugin;
  p.abi_version = EDGELITE_PLUGIN_ABI_VERSION;
  p.name = "opencl";
  p.state = d.get();
  p.supports_node = SupportsNode;
  p.create_kernel = CreateKernel;
  p.prepare_kernel = PrepareKernel;
  p.eval_kernel = EvalKernel;
  p.free_kernel = FreeKernel;
  p.copy_to_host = CopyToHostHook;
  p.query = Query;
  p.destroy = Destroy;
  return &d.release()->plugin;
}
