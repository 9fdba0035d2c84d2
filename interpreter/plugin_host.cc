// The core's side of the plugin ABI: the callback table, custom kernels and delegates from libraries.
#include "interpreter/plugin_host.h"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>

#include "interpreter/plugin_ops.h"
#include "interpreter/subgraph.h"
#include "interpreter/thread_pool.h"
#include "schema/edgelite_generated.h"

// What a plugin holds during one call into it: the graph, the node being run (custom kernels, delegate
// nodes; null while partitioning), the delegate calling (for device buffers), and the messages reported.
struct ElContext {
  edgelite::KernelContext* ctx;
  edgelite::Node* node;
  edgelite::Delegate* delegate;
  std::string error;
};

namespace edgelite {
namespace {

static_assert(sizeof(int) == sizeof(int32_t), "node index vectors are passed to plugins as int32_t arrays");

Tensor* TensorAt(ElContext* c, int32_t index) { return c->ctx->tensor(index); }

ElStatus Report(ElContext* c, const std::string& message) {
  if (!c->error.empty()) c->error += "; ";
  c->error += message;
  return EL_STATUS_ERROR;
}

ElStatus FromStatus(ElContext* c, const Status& s) {
  if (s.ok()) return EL_STATUS_OK;
  Report(c, s.message());
  return s.code() == StatusCode::kCancelled ? EL_STATUS_CANCELLED : EL_STATUS_ERROR;
}

ElNodeInfo NodeInfo(KernelContext& ctx, const Node& node) {
  ElNodeInfo info{};
  info.index = node.index;
  info.builtin_code = node.builtin_code;
  info.op_name = node.op_name.c_str();
  info.version = node.op_version;
  info.num_inputs = static_cast<int32_t>(node.inputs.size());
  info.inputs = reinterpret_cast<const int32_t*>(node.inputs.data());
  info.num_outputs = static_cast<int32_t>(node.outputs.size());
  info.outputs = reinterpret_cast<const int32_t*>(node.outputs.data());
  info.op_table = node.op;
  info.custom_options = node.custom_options;
  info.custom_options_size = node.custom_options_size;
  info.has_cpu_kernel = node.registration != nullptr && node.op != nullptr;
  info.num_temporaries = static_cast<int32_t>(node.temporaries.size());
  info.temporaries = reinterpret_cast<const int32_t*>(node.temporaries.data());
  return info;
}

// ---- The callback table ----

int32_t ApiNumTensors(ElContext* c) { return c->ctx->num_tensors(); }
int32_t ApiNumNodes(ElContext* c) { return c->ctx->num_nodes(); }

ElStatus ApiGetTensor(ElContext* c, int32_t index, ElTensorInfo* out) {
  Tensor* t = TensorAt(c, index);
  if (!t || !out) return Report(c, StrCat("get_tensor: tensor ", index, " is out of range"));
  ElTensorInfo info{};
  info.type = static_cast<int32_t>(t->type);
  info.rank = t->rank();
  info.dims = t->dims.data();
  info.data = t->data;
  info.bytes = t->bytes ? t->bytes : (t->data ? t->RequiredBytes() : 0);
  info.name = t->name.c_str();
  info.is_constant = t->is_constant;
  info.is_variable = t->is_variable;
  info.is_dynamic = t->is_dynamic;
  info.num_scales = static_cast<int32_t>(t->quant.scale.size());
  info.scales = t->quant.scale.data();
  info.zero_points = t->quant.zero_point.data();
  info.quantized_dimension = t->quant.quantized_dimension;
  info.device_owner = t->device_owner ? t->device_owner->device_tag() : nullptr;
  info.device_buffer = t->device_buffer;
  info.host_stale = t->host_stale;
  auto* graph = dynamic_cast<Subgraph*>(c->ctx);
  info.known_at_prepare = t->is_constant || (graph && graph->KnownAtPrepare(index));
  *out = info;
  return EL_STATUS_OK;
}

ElStatus ApiGetNode(ElContext* c, int32_t index, ElNodeInfo* out) {
  Node* n = c->ctx->node(index);
  if (!n || !out) return Report(c, StrCat("get_node: node ", index, " is out of range"));
  *out = NodeInfo(*c->ctx, *n);
  return EL_STATUS_OK;
}

ElStatus ApiResizeTensor(ElContext* c, int32_t index, int32_t rank, const int32_t* dims) {
  Tensor* t = TensorAt(c, index);
  if (!t) return Report(c, StrCat("resize_tensor: tensor ", index, " is out of range"));
  if (rank < 0 || (rank > 0 && !dims)) return Report(c, StrCat("resize_tensor: bad rank ", rank));
  return FromStatus(c, c->ctx->ResizeTensor(*t, Dims(dims, dims + rank)));
}

ElStatus ApiMarkDynamic(ElContext* c, int32_t index) {
  Tensor* t = TensorAt(c, index);
  if (!t) return Report(c, StrCat("mark_dynamic: tensor ", index, " is out of range"));
  c->ctx->MarkDynamic(*t);
  return EL_STATUS_OK;
}

ElStatus ApiAddTemporary(ElContext* c, int32_t type, int32_t* index) {
  if (!c->node) return Report(c, "add_temporary: only a running kernel can add a scratch tensor");
  // Plugins read tensors as plain elements: a string buffer is not one.
  if (!IsSupportedDataType(type) || type == static_cast<int>(DataType::kString)) {
    return Report(c, StrCat("add_temporary: unsupported type ", type));
  }
  int t = -1;
  Status s = c->ctx->AddTemporary(*c->node, static_cast<DataType>(type), &t);
  if (index) *index = t;
  return FromStatus(c, s);
}

ElStatus ApiReportError(ElContext* c, const char* message) { return Report(c, message ? message : "(no message)"); }

int32_t ApiNumThreads(ElContext* c) { return c->ctx->thread_pool().num_threads(); }

void ApiParallelFor(ElContext* c, int64_t n, int64_t grain, ElParallelTask task, void* arg) {
  // The pool's thread numbers are what the ABI promises: in [0, num_threads), unique among running ranges.
  ThreadPool& pool = c->ctx->thread_pool();
  const double cost = static_cast<double>(ThreadPool::kMinTaskCost) / static_cast<double>(std::max<int64_t>(grain, 1));
  pool.ParallelFor(n, cost, [&](int64_t begin, int64_t end, int thread) { task(arg, begin, end, thread); });
}

int32_t ApiCancelled(ElContext* c) { return c->ctx->cancelled(); }

ElStatus ApiPrepareNodeOnCpu(ElContext* c, int32_t node) { return FromStatus(c, c->ctx->PrepareNodeOnCpu(node)); }
ElStatus ApiEvalNodeOnCpu(ElContext* c, int32_t node) { return FromStatus(c, c->ctx->EvalNodeOnCpu(node)); }

ElStatus ApiSetDeviceBuffer(ElContext* c, int32_t index, void* buffer, int32_t host_stale) {
  Tensor* t = TensorAt(c, index);
  if (!t) return Report(c, StrCat("set_device_buffer: tensor ", index, " is out of range"));
  if (!c->delegate) return Report(c, "set_device_buffer: only a delegate can place tensors on its device");
  return FromStatus(c, c->ctx->SetDeviceBuffer(*t, c->delegate, buffer, host_stale != 0));
}

ElStatus ApiEnsureHost(ElContext* c, int32_t index) {
  Tensor* t = TensorAt(c, index);
  if (!t) return Report(c, StrCat("ensure_host: tensor ", index, " is out of range"));
  return FromStatus(c, c->ctx->EnsureHost(*t));
}

ElStatus ApiAllocateHost(ElContext* c, int32_t index) {
  Tensor* t = TensorAt(c, index);
  if (!t) return Report(c, StrCat("allocate_host: tensor ", index, " is out of range"));
  if (t->allocation == Allocation::kConstant) return EL_STATUS_OK;
  t->AllocateOwned();
  if (!t->data && t->RequiredBytes() > 0) return Report(c, StrCat("allocate_host: out of memory for '", t->name, "'"));
  return EL_STATUS_OK;
}

const ElContextApi kApi = {
    EDGELITE_PLUGIN_ABI_VERSION, ApiNumTensors,   ApiNumNodes,         ApiGetTensor,        ApiGetNode,
    ApiResizeTensor,             ApiMarkDynamic,  ApiAddTemporary,     ApiReportError,      ApiNumThreads,
    ApiParallelFor,              ApiCancelled,    ApiPrepareNodeOnCpu, ApiEvalNodeOnCpu,    ApiSetDeviceBuffer,
    ApiEnsureHost,               ApiAllocateHost,
};

// A plugin's answer as a Status naming the node.
Status NodeStatus(KernelContext& ctx, const Node& node, ElStatus s, const ElContext& c, const char* stage) {
  if (s == EL_STATUS_OK) return Status::Ok();
  const std::string message = c.error.empty() ? StrCat(stage, " failed (the plugin gave no message)") : c.error;
  const StatusCode code = s == EL_STATUS_CANCELLED     ? StatusCode::kCancelled
                          : s == EL_STATUS_UNSUPPORTED ? StatusCode::kUnsupported
                          : s == EL_STATUS_INVALID_ARGUMENT ? StatusCode::kInvalidArgument
                                                            : StatusCode::kInvalidModel;
  return ctx.Error(node, message, code);
}

// ---- Custom kernels from a library ----

struct PluginKernelRegistration : KernelRegistration {
  const ElCustomKernel* kernel = nullptr;
  const char* library = nullptr;  // the file name, shown as the node's kernel ("libedgelite_select.so (plugin)")
};

struct PluginNodeData {
  const ElCustomKernel* kernel;
  void* user = nullptr;
};

const ElCustomKernel* KernelOf(const Node& node) {
  return static_cast<const PluginKernelRegistration*>(node.registration)->kernel;
}

Status PluginInit(KernelContext& ctx, Node& node) {
  auto* data = new PluginNodeData{KernelOf(node)};
  node.user_data = data;
  if (!data->kernel->init) return Status::Ok();
  ElContext c{&ctx, &node, nullptr, {}};
  ElNodeInfo info = NodeInfo(ctx, node);
  ElStatus s = EL_STATUS_OK;
  data->user = data->kernel->init(&kApi, &c, &info, &s);
  return NodeStatus(ctx, node, s, c, "init");
}

void PluginFree(void* user_data) {
  auto* data = static_cast<PluginNodeData*>(user_data);
  if (data->kernel->free && data->user) data->kernel->free(data->user);
  delete data;
}

Status PluginPrepare(KernelContext& ctx, Node& node) {
  node.variant_name = static_cast<const PluginKernelRegistration*>(node.registration)->library;
  node.variant_isa = "plugin";
  auto* data = static_cast<PluginNodeData*>(node.user_data);
  if (!data->kernel->prepare) return Status::Ok();
  ElContext c{&ctx, &node, nullptr, {}};
  ElNodeInfo info = NodeInfo(ctx, node);
  return NodeStatus(ctx, node, data->kernel->prepare(&kApi, &c, &info, data->user), c, "prepare");
}

Status PluginEval(KernelContext& ctx, Node& node) {
  auto* data = static_cast<PluginNodeData*>(node.user_data);
  ElContext c{&ctx, &node, nullptr, {}};
  ElNodeInfo info = NodeInfo(ctx, node);
  return NodeStatus(ctx, node, data->kernel->eval(&kApi, &c, &info, data->user), c, "eval");
}

struct RegistryState {
  std::mutex mutex;
  std::map<std::string, void*> libraries;  // path -> dlopen handle, never closed
  std::map<const ElCustomKernel*, std::unique_ptr<PluginKernelRegistration>> registrations;
};

RegistryState& Registry() {
  static RegistryState* state = new RegistryState();  // never destroyed: kernels may run at exit
  return *state;
}

// Opens `path` once per process; *file_name: its last component, kept alive with the library.
Status OpenLibrary(const std::string& path, void** handle, const char** file_name = nullptr) {
  RegistryState& r = Registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.libraries.find(path);
  if (file_name && it != r.libraries.end()) *file_name = it->first.c_str() + it->first.find_last_of('/') + 1;
  if (it != r.libraries.end()) {
    *handle = it->second;
    return Status::Ok();
  }
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* why = dlerror();
    return InvalidArgument(StrCat("cannot load plugin library '", path, "': ", why ? why : "unknown error"));
  }
  it = r.libraries.emplace(path, h).first;
  if (file_name) *file_name = it->first.c_str() + it->first.find_last_of('/') + 1;
  *handle = h;
  return Status::Ok();
}

struct AddContext {
  OpResolver* resolver;
  const char* library;  // inside the key of RegistryState::libraries, which lives as long as the process
  std::string error;
};

// The core's registration of a plugin kernel (one per kernel struct, shared by every resolver), or null
// with add->error set for a malformed kernel.
const KernelRegistration* RegistrationOf(AddContext* add, const ElCustomKernel* kernel) {
  if (!kernel || !kernel->name || !kernel->eval) {
    add->error = "a plugin registered a kernel without a name or an eval function";
    return nullptr;
  }
  if (kernel->min_version < 1 || kernel->max_version < kernel->min_version) {
    add->error = StrCat("kernel '", kernel->name, "' has versions ", kernel->min_version, " to ",
                        kernel->max_version);
    return nullptr;
  }
  RegistryState& r = Registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto& slot = r.registrations[kernel];
  if (!slot) {
    slot = std::make_unique<PluginKernelRegistration>();
    slot->init = PluginInit;
    slot->free = PluginFree;
    slot->prepare = PluginPrepare;
    slot->eval = PluginEval;
    slot->kernel = kernel;
    slot->library = add->library;
  }
  return slot.get();
}

void AddKernel(void* registry, const ElCustomKernel* kernel) {
  auto* add = static_cast<AddContext*>(registry);
  if (const KernelRegistration* reg = RegistrationOf(add, kernel)) {
    add->resolver->AddCustom(kernel->name, reg, kernel->min_version, kernel->max_version);
  }
}

void AddBuiltinKernel(void* registry, int32_t code, const ElCustomKernel* kernel) {
  auto* add = static_cast<AddContext*>(registry);
  if (code < 0 || code > schema::BuiltinOperator_MAX || code == schema::BuiltinOperator_CUSTOM) {
    add->error = "a plugin registered a builtin kernel under a code that is no builtin operator";
  } else if (const KernelRegistration* reg = RegistrationOf(add, kernel)) {
    add->resolver->AddBuiltin(code, reg, kernel->min_version, kernel->max_version);
  }
}

class PluginDelegateKernel : public DelegateKernel {
 public:
  PluginDelegateKernel(ElDelegatePlugin* plugin, void* kernel, Delegate* owner)
      : plugin_(plugin), kernel_(kernel), owner_(owner) {}
  ~PluginDelegateKernel() override {
    if (plugin_->free_kernel) plugin_->free_kernel(plugin_->state, kernel_);
  }
  Status Prepare(KernelContext& ctx, Node& node) override {
    if (!plugin_->prepare_kernel) return Status::Ok();
    ElContext c{&ctx, &node, owner_, {}};
    return NodeStatus(ctx, node, plugin_->prepare_kernel(plugin_->state, kernel_, &kApi, &c), c, "prepare");
  }
  Status Eval(KernelContext& ctx, Node& node) override {
    ElContext c{&ctx, &node, owner_, {}};
    return NodeStatus(ctx, node, plugin_->eval_kernel(plugin_->state, kernel_, &kApi, &c), c, "eval");
  }

 private:
  ElDelegatePlugin* plugin_;
  void* kernel_;
  Delegate* owner_;
};

Status ParseCount(const std::string& key, const std::string& value, int min, int* out) {
  char* end = nullptr;
  const long v = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || v < min || v > 1000000) {
    return InvalidArgument(StrCat("delegate option ", key, " must be an integer >= ", min, ", got '", value, "'"));
  }
  *out = static_cast<int>(v);
  return Status::Ok();
}

}  // namespace

const ElContextApi* PluginContextApi() { return &kApi; }

bool IsPluginBuiltin(int code) {
  static const int kCodes[] = {
#define EL_PLUGIN_CODE(NAME, MIN, MAX) schema::BuiltinOperator_##NAME,
      EL_FOR_EACH_PLUGIN_BUILTIN_OP(EL_PLUGIN_CODE)
#undef EL_PLUGIN_CODE
  };
  return std::find(std::begin(kCodes), std::end(kCodes), code) != std::end(kCodes);
}

bool IsPluginCustom(const std::string& name) {
  static const char* const kNames[] = {
#define EL_PLUGIN_NAME(NAME, MIN, MAX) #NAME,
      EL_FOR_EACH_PLUGIN_CUSTOM_OP(EL_PLUGIN_NAME)
#undef EL_PLUGIN_NAME
  };
  for (const char* n : kNames) {
    if (name == n) return true;
  }
  return false;
}

bool NeedsSelectOps(const Model& model, const OpResolver& resolver) {
  const auto* codes = model.fb()->operator_codes();
  if (!codes) return false;
  for (const schema::OperatorCode* code : *codes) {
    const int builtin = std::max<int>(code->deprecated_builtin_code(), code->builtin_code());
    if (builtin != schema::BuiltinOperator_CUSTOM) {
      if (IsPluginBuiltin(builtin) && !resolver.FindBuiltin(builtin, code->version())) return true;
      continue;
    }
    if (!code->custom_code()) continue;
    const std::string name = code->custom_code()->str();
    const bool served = name.rfind("Flex", 0) == 0 || IsPluginCustom(name);
    if (served && !resolver.FindCustom(name, code->version())) return true;
  }
  return false;
}

Status LoadCustomOpLibrary(const std::string& path, const std::string& symbol, OpResolver* resolver) {
  void* handle = nullptr;
  const char* file_name = nullptr;
  EL_RETURN_IF_ERROR(OpenLibrary(path, &handle, &file_name));
  const std::string name = symbol.empty() ? EDGELITE_REGISTER_CUSTOM_OPS_SYMBOL : symbol;
  auto fn = reinterpret_cast<ElRegisterCustomOpsFn>(dlsym(handle, name.c_str()));
  if (!fn) return InvalidArgument(StrCat("plugin library '", path, "' has no function '", name, "'"));
  AddContext add{resolver, file_name, {}};
  char error[512] = {0};
  // Custom kernels, then builtin kernels when the library serves some.
  auto builtins = reinterpret_cast<ElRegisterBuiltinOpsFn>(dlsym(handle, EDGELITE_REGISTER_BUILTIN_OPS_SYMBOL));
  if (fn(EDGELITE_PLUGIN_ABI_VERSION, AddKernel, &add, error, sizeof(error)) != EL_STATUS_OK ||
      (builtins && add.error.empty() &&
       builtins(EDGELITE_PLUGIN_ABI_VERSION, AddBuiltinKernel, &add, error, sizeof(error)) != EL_STATUS_OK)) {
    return InvalidArgument(StrCat("plugin library '", path, "' failed to register its operators: ",
                                  error[0] ? error : "(no message)"));
  }
  if (!add.error.empty()) return InvalidArgument(StrCat("plugin library '", path, "': ", add.error));
  return Status::Ok();
}

Status LoadDelegatePlugin(const std::string& path, const PluginOptions& options, std::shared_ptr<Delegate>* out) {
  int min_partition_nodes = 1, max_partitions = 0;
  std::vector<const char*> keys, values;
  for (const auto& [key, value] : options) {
    if (key == "min_partition_size") {
      EL_RETURN_IF_ERROR(ParseCount(key, value, 1, &min_partition_nodes));
    } else if (key == "max_partitions") {
      EL_RETURN_IF_ERROR(ParseCount(key, value, 0, &max_partitions));
    } else {
      keys.push_back(key.c_str());
      values.push_back(value.c_str());
    }
  }
  void* handle = nullptr;
  EL_RETURN_IF_ERROR(OpenLibrary(path, &handle));
  auto create = reinterpret_cast<ElDelegateCreateFn>(dlsym(handle, EDGELITE_DELEGATE_CREATE_SYMBOL));
  if (!create) {
    return InvalidArgument(StrCat("'", path, "' is not an edgelite delegate library (it has no function '",
                                  EDGELITE_DELEGATE_CREATE_SYMBOL, "')"));
  }
  char error[1024] = {0};
  ElDelegatePlugin* plugin = create(EDGELITE_PLUGIN_ABI_VERSION, keys.data(), values.data(), keys.size(), error,
                                    sizeof(error));
  // A ValueError in Python, as LiteRT's load_delegate raises for a delegate that cannot be created.
  if (!plugin) return InvalidArgument(error[0] ? std::string(error) : StrCat("'", path, "' could not create its delegate"));
  if (plugin->abi_version != EDGELITE_PLUGIN_ABI_VERSION || !plugin->supports_node || !plugin->create_kernel ||
      !plugin->eval_kernel) {
    const uint32_t version = plugin->abi_version;
    if (plugin->destroy && version == EDGELITE_PLUGIN_ABI_VERSION) plugin->destroy(plugin->state);
    return InvalidArgument(StrCat("delegate library '", path, "' was built for plugin ABI ", version,
                                  " (this edgelite has ", EDGELITE_PLUGIN_ABI_VERSION,
                                  ") or lacks a required hook"));
  }
  auto delegate = std::make_shared<PluginDelegate>(plugin);
  delegate->min_partition_nodes = min_partition_nodes;
  delegate->max_partitions = max_partitions;
  *out = std::move(delegate);
  return Status::Ok();
}

PluginDelegate::~PluginDelegate() {
  if (plugin_->destroy) plugin_->destroy(plugin_->state);
}

bool PluginDelegate::SupportsNode(KernelContext& ctx, const Node& node, std::string* why) {
  ElContext c{&ctx, nullptr, this, {}};
  ElNodeInfo info = NodeInfo(ctx, node);
  char text[512] = {0};
  const bool yes = plugin_->supports_node(plugin_->state, &kApi, &c, &info, text, sizeof(text)) != 0;
  if (!yes && why) *why = text[0] ? std::string(text) : c.error;
  return yes;
}

Status PluginDelegate::CreateKernel(KernelContext& ctx, const DelegatePartition& partition,
                                    std::unique_ptr<DelegateKernel>* kernel) {
  ElPartitionInfo info{};
  info.num_nodes = static_cast<int32_t>(partition.nodes.size());
  info.nodes = reinterpret_cast<const int32_t*>(partition.nodes.data());
  info.num_inputs = static_cast<int32_t>(partition.inputs.size());
  info.inputs = reinterpret_cast<const int32_t*>(partition.inputs.data());
  info.num_outputs = static_cast<int32_t>(partition.outputs.size());
  info.outputs = reinterpret_cast<const int32_t*>(partition.outputs.data());
  ElContext c{&ctx, nullptr, this, {}};
  void* handle = nullptr;
  const ElStatus s = plugin_->create_kernel(plugin_->state, &kApi, &c, &info, &handle);
  if (s == EL_STATUS_UNSUPPORTED) return Unsupported(c.error.empty() ? "no reason given" : c.error);
  if (s != EL_STATUS_OK) {
    return InvalidModel(StrCat("delegate ", name(), " failed on a partition: ", c.error.empty() ? "no message" : c.error));
  }
  *kernel = std::make_unique<PluginDelegateKernel>(plugin_, handle, this);
  return Status::Ok();
}

Status PluginDelegate::CopyToHost(void* buffer, void* dst, size_t bytes) {
  if (!plugin_->copy_to_host) return Delegate::CopyToHost(buffer, dst, bytes);
  char error[512] = {0};
  if (plugin_->copy_to_host(plugin_->state, buffer, dst, bytes, error, sizeof(error)) != EL_STATUS_OK) {
    return Internal(error[0] ? std::string(error) : "copy to host failed");
  }
  return Status::Ok();
}

const char* PluginDelegate::Query(const std::string& key) const {
  return plugin_->query ? plugin_->query(plugin_->state, key.c_str()) : nullptr;
}

}  // namespace edgelite
