// The core's side of the plugin ABI (plugin_api.h): loading plugin libraries with dlopen, the function
// table plugins call back into, a Delegate over an ElDelegatePlugin, and custom kernels of a library
// added to an OpResolver. Libraries stay loaded for the life of the process (kernels and delegates
// they created may outlive any one interpreter).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "interpreter/delegate.h"
#include "interpreter/model.h"
#include "interpreter/op_resolver.h"
#include "interpreter/plugin_api.h"

namespace edgelite {

using PluginOptions = std::vector<std::pair<std::string, std::string>>;

// Loads the delegate library at `path` and creates a delegate with `options`. The core itself reads
// "min_partition_size" and "max_partitions" (Delegate's limits); the other options go to the library.
Status LoadDelegatePlugin(const std::string& path, const PluginOptions& options, std::shared_ptr<Delegate>* out);

// Loads the custom-operator library at `path` and adds its kernels to `resolver` by calling `symbol`
// (EDGELITE_REGISTER_CUSTOM_OPS_SYMBOL when empty), then its builtin kernels when it exports
// EDGELITE_REGISTER_BUILTIN_OPS_SYMBOL.
Status LoadCustomOpLibrary(const std::string& path, const std::string& symbol, OpResolver* resolver);

// True when the model has a custom operator named Flex<Op> (TensorFlow's select ops), or a builtin operator
// or LiteRT custom operator of interpreter/plugin_ops.h, that `resolver` has no kernel for: the front ends
// then load the select-ops library (libedgelite_select.so).
bool NeedsSelectOps(const Model& model, const OpResolver& resolver);

// Whether builtin operator `code`, or custom operator `name`, is one the select-ops library serves
// (plugin_ops.h).
bool IsPluginBuiltin(int code);
bool IsPluginCustom(const std::string& name);

// The function table the core gives plugins.
const ElContextApi* PluginContextApi();

// A delegate backed by a plugin library. query() answers the plugin's free-form facts.
class PluginDelegate : public Delegate {
 public:
  explicit PluginDelegate(ElDelegatePlugin* plugin) : plugin_(plugin) {}
  ~PluginDelegate() override;

  std::string name() const override { return plugin_->name ? plugin_->name : "plugin"; }
  bool SupportsNode(KernelContext& ctx, const Node& node, std::string* why) override;
  Status CreateKernel(KernelContext& ctx, const DelegatePartition& partition,
                      std::unique_ptr<DelegateKernel>* kernel) override;
  Status CopyToHost(void* buffer, void* dst, size_t bytes) override;
  const void* device_tag() const override { return plugin_->state; }
  // Null for a key the plugin does not know.
  const char* Query(const std::string& key) const;

 private:
  ElDelegatePlugin* plugin_;
};

}  // namespace edgelite
