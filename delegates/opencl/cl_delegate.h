// The state of one OpenCL delegate instance (one per load_delegate): its device, program cache, precision
// and what it did, shared by every partition it runs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "delegates/opencl/cl_program_cache.h"
#include "delegates/opencl/cl_runtime.h"
#include "interpreter/plugin_api.h"

namespace edgelite {
namespace opencl {

struct ClDelegate {
  ElDelegatePlugin plugin{};          // handed to the core; plugin.state points back here
  std::unique_ptr<ClRuntime> runtime;
  std::unique_ptr<ProgramCache> cache;
  bool fp16 = false;                  // compute and store float tensors in half
  std::string build_options;          // extra clBuildProgram options (part of the cache key)
  std::vector<std::vector<int>> partitions;  // node lists of the partitions taken, for query("partitions")
  std::string query_answer;           // the last query's text (the ABI lends it until the next call)

  // Whether a tensor's device buffer was set by this delegate (the core names the owner by the plugin
  // state or the plugin itself).
  bool Owns(const void* device_owner) const { return device_owner == this || device_owner == &plugin; }
};

}  // namespace opencl
}  // namespace edgelite
