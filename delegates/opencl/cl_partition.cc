// The partition executor (see cl_partition.h): program assembly, device buffers, uploads and launches.
#include "delegates/opencl/cl_partition.h"

#include <set>

#include "delegates/opencl/cl_half.h"

namespace edgelite {
namespace opencl {

namespace {

constexpr int kFloat32 = 0;

TensorDesc Describe(const ElTensorInfo& t, int index) {
  TensorDesc d;
  d.index = index;
  d.type = t.type;
  d.dims.assign(t.dims, t.dims + t.rank);
  // Known at prepare counts as constant: before allocate (supports_node) its data is still null, which
  // builders that read values treat as "not known yet"; at build time the core has folded it.
  d.is_constant = t.is_constant != 0 || t.known_at_prepare != 0;
  d.data = d.is_constant ? t.data : nullptr;
  d.bytes = t.bytes;
  d.num_scales = t.num_scales;
  d.scales = t.scales;
  d.zero_points = t.zero_points;
  d.quantized_dimension = t.quantized_dimension;
  return d;
}

// The macro name of a define (a function-like one, "NAME(x)", is undefined by its name alone).
std::string MacroName(const std::string& define) { return define.substr(0, define.find('(')); }

}  // namespace

bool DescribeNode(const ElContextApi* api, ElContext* ctx, int node, ElNodeInfo* info, OpDesc* op,
                  std::string* error) {
  if (api->get_node(ctx, node, info) != EL_STATUS_OK) {
    *error = "cannot read node " + std::to_string(node);
    return false;
  }
  op->node = info;
  op->op = static_cast<const schema::Operator*>(info->op_table);
  op->inputs.clear();
  op->outputs.clear();
  for (int side = 0; side < 2; ++side) {
    const int32_t count = side == 0 ? info->num_inputs : info->num_outputs;
    const int32_t* indices = side == 0 ? info->inputs : info->outputs;
    std::vector<TensorDesc>& list = side == 0 ? op->inputs : op->outputs;
    for (int32_t k = 0; k < count; ++k) {
      if (indices[k] < 0) {
        list.emplace_back();  // an omitted optional input keeps its position
        continue;
      }
      ElTensorInfo t{};
      if (api->get_tensor(ctx, indices[k], &t) != EL_STATUS_OK) {
        *error = "cannot read tensor " + std::to_string(indices[k]);
        return false;
      }
      if (t.is_dynamic) {
        *error = "tensor " + std::to_string(indices[k]) + " has a shape known only during invoke";
        return false;
      }
      if (t.is_variable) {
        *error = "tensor " + std::to_string(indices[k]) + " is a variable (state kept between invokes)";
        return false;
      }
      list.push_back(Describe(t, indices[k]));
    }
  }
  return true;
}

const OpBuilder* FindBuilder(const OpDesc& op, std::string* why) {
  *why = std::string("no OpenCL kernel for ") + (op.node->op_name ? op.node->op_name : "this operator");
  if (!op.node->has_cpu_kernel) {
    *why = "the core has no CPU kernel for it (shapes come from the CPU prepare)";
    return nullptr;
  }
  for (const OpBuilder& b : AllOpBuilders()) {
    if (b.builtin_code != op.node->builtin_code) continue;
    std::string reason;
    if (b.supports(op, &reason)) return &b;
    *why = reason;
  }
  return nullptr;
}

bool CopyToHost(const ClDelegate& d, const DeviceTensor& t, void* dst, size_t bytes, std::string* error) {
  if (bytes != t.host_bytes) {
    *error = "OpenCL delegate: copy of " + std::to_string(bytes) + " bytes from a device tensor of " +
             std::to_string(t.host_bytes);
    return false;
  }
  if (bytes == 0) return true;
  const ClApi& cl = d.runtime->cl();
  cl_int err;
  if (t.half) {
    std::vector<uint16_t> halves(bytes / sizeof(float));
    err = cl.clEnqueueReadBuffer(d.runtime->queue(), t.mem, CL_TRUE, 0, halves.size() * 2, halves.data(), 0,
                                 nullptr, nullptr);
    float* out = static_cast<float*>(dst);
    for (size_t i = 0; i < halves.size(); ++i) out[i] = HalfToFloat(halves[i]);
  } else {
    err = cl.clEnqueueReadBuffer(d.runtime->queue(), t.mem, CL_TRUE, 0, bytes, dst, 0, nullptr, nullptr);
  }
  if (err != CL_SUCCESS) {
    *error = "OpenCL delegate: reading a tensor back failed: " + ClErrorName(err);
    return false;
  }
  return true;
}

ElStatus ClPartition::Create(ClDelegate* d, const ElContextApi* api, ElContext* ctx, const ElPartitionInfo* p,
                             std::unique_ptr<ClPartition>* out) {
  std::unique_ptr<ClPartition> part(new ClPartition(d));
  part->nodes_.assign(p->nodes, p->nodes + p->num_nodes);
  part->inputs_.assign(p->inputs, p->inputs + p->num_inputs);
  part->outputs_.assign(p->outputs, p->outputs + p->num_outputs);
  for (int node : part->nodes_) {
    ElNodeInfo info{};
    OpDesc op;
    op.fp16 = d->fp16;
    op.device_has_fp16 = d->runtime->has_fp16();
    std::string why;
    const OpBuilder* builder = DescribeNode(api, ctx, node, &info, &op, &why) ? FindBuilder(op, &why) : nullptr;
    const std::string name = info.op_name ? info.op_name : "?";
    if (builder == nullptr) {
      api->report_error(ctx, ("OpenCL delegate declines node " + std::to_string(node) + " (" + name + "): " + why)
                                 .c_str());
      return EL_STATUS_UNSUPPORTED;
    }
    part->op_names_.push_back(name);
    part->builders_.push_back(builder);
  }
  *out = std::move(part);
  return EL_STATUS_OK;
}

ClPartition::~ClPartition() { Release(); }

void ClPartition::Release() {
  const ClApi& cl = d_->runtime->cl();
  for (Step& s : steps_) {
    if (s.kernel) cl.clReleaseKernel(s.kernel);
    for (cl_mem m : s.owned) cl.clReleaseMemObject(m);
  }
  steps_.clear();
  for (auto& [index, t] : tensors_) {
    if (t->mem) cl.clReleaseMemObject(t->mem);
  }
  tensors_.clear();
  if (program_) cl.clReleaseProgram(program_);
  program_ = nullptr;
}

std::string ClPartition::NodeName(int node) const {
  for (size_t k = 0; k < nodes_.size(); ++k) {
    if (nodes_[k] == node) return "node " + std::to_string(node) + " (" + op_names_[k] + ")";
  }
  return "partition of nodes " + std::to_string(nodes_.front()) + ".." + std::to_string(nodes_.back());
}

ElStatus ClPartition::Fail(const ElContextApi* api, ElContext* ctx, int node, const std::string& what) {
  return api->report_error(ctx, ("OpenCL delegate: " + NodeName(node) + ": " + what).c_str());
}

ElStatus ClPartition::Upload(const ElContextApi* api, ElContext* ctx, int tensor, const void* data, size_t bytes) {
  DeviceTensor& t = *tensors_.at(tensor);
  if (bytes != t.host_bytes) {
    return Fail(api, ctx, -1, "tensor " + std::to_string(tensor) + " has " + std::to_string(bytes) +
                                  " bytes, the device copy " + std::to_string(t.host_bytes));
  }
  if (bytes == 0) return EL_STATUS_OK;
  const void* src = data;
  if (t.half) {
    staging_.resize(bytes / sizeof(float));
    const float* f = static_cast<const float*>(data);
    for (size_t i = 0; i < staging_.size(); ++i) staging_[i] = FloatToHalf(f[i]);
    src = staging_.data();
  }
  // Blocking: the host memory (the tensor's, or the staging copy) may change as soon as this returns.
  const cl_int err = d_->runtime->cl().clEnqueueWriteBuffer(d_->runtime->queue(), t.mem, CL_TRUE, 0, t.device_bytes,
                                                            src, 0, nullptr, nullptr);
  if (err != CL_SUCCESS) {
    return Fail(api, ctx, -1, "uploading tensor " + std::to_string(tensor) + " failed: " + ClErrorName(err));
  }
  return EL_STATUS_OK;
}

namespace {
// Bytes of one element of a .tflite TensorType; 0 for types without a fixed size (string, resource).
size_t TfLiteTypeBytes(int32_t type) {
  switch (type) {
    case 0: case 2: return 4;            // float32, int32
    case 1: case 7: return 2;            // float16, int16
    case 3: case 6: case 9: return 1;    // uint8, bool, int8
    case 4: case 8: case 10: return 8;   // int64, complex64, float64
    default: return 0;
  }
}
}  // namespace

ElStatus ClPartition::AllocateTensors(const ElContextApi* api, ElContext* ctx) {
  const ClApi& cl = d_->runtime->cl();
  for (auto& [index, t] : tensors_) {
    ElTensorInfo info{};
    if (api->get_tensor(ctx, index, &info) != EL_STATUS_OK) return Fail(api, ctx, -1, "cannot read tensor " + std::to_string(index));
    int64_t elements = 1;
    for (int32_t k = 0; k < info.rank; ++k) elements *= info.dims[k];
    t->half = d_->fp16 && info.type == kFloat32;
    // From the shape, not info.bytes: outputs and internal tensors have no host memory yet at prepare.
    const size_t element_bytes = TfLiteTypeBytes(info.type);
    if (element_bytes == 0) return Fail(api, ctx, -1, "tensor " + std::to_string(index) + " has a type the device cannot hold");
    t->host_bytes = static_cast<size_t>(elements) * element_bytes;
    t->device_bytes = t->half ? static_cast<size_t>(elements) * 2 : t->host_bytes;
    cl_int err = CL_SUCCESS;
    // OpenCL has no empty buffer: an empty tensor gets a small one nothing reads.
    t->mem = cl.clCreateBuffer(d_->runtime->context(), CL_MEM_READ_WRITE, std::max<size_t>(t->device_bytes, 4),
                               nullptr, &err);
    if (t->mem == nullptr || err != CL_SUCCESS) {
      return Fail(api, ctx, -1, "allocating " + std::to_string(t->device_bytes) + " bytes for tensor " +
                                    std::to_string(index) + " failed: " + ClErrorName(err));
    }
    if (info.is_constant) {  // weights and other constants: uploaded once, here
      if (info.data == nullptr && t->host_bytes > 0) {
        return Fail(api, ctx, -1, "constant tensor " + std::to_string(index) + " has no data at prepare");
      }
      if (Upload(api, ctx, index, info.data, t->host_bytes) != EL_STATUS_OK) return EL_STATUS_ERROR;
    }
  }
  return EL_STATUS_OK;
}

ElStatus ClPartition::BuildProgram(const ElContextApi* api, ElContext* ctx) {
  const char* common = KernelSource("common.cl");
  if (common == nullptr) return Fail(api, ctx, -1, "kernels/common.cl is not embedded in this build");
  std::string source = d_->fp16 ? "#define EL_FP16 1\n" : "";
  source += common;
  source += "\n";
  // Launches with the same file and defines share one kernel function (each still gets its own cl_kernel,
  // since arguments belong to the kernel object).
  std::map<std::string, std::string> kernel_names;
  std::vector<std::string> names;
  std::string map_for_errors;
  for (Step& s : steps_) {
    std::string key = s.launch.file;
    for (const auto& [name, value] : s.launch.defines) key += "\n" + name + " " + value;
    auto found = kernel_names.find(key);
    if (found == kernel_names.end()) {
      const char* text = KernelSource(s.launch.file);
      if (text == nullptr) return Fail(api, ctx, s.node, "kernels/" + s.launch.file + " is not embedded in this build");
      const std::string name = "el_k" + std::to_string(kernel_names.size());
      found = kernel_names.emplace(key, name).first;
      source += "#define KERNEL_NAME " + name + "\n";
      for (const auto& [macro, value] : s.launch.defines) source += "#define " + macro + " " + value + "\n";
      source += text;
      source += "\n#undef KERNEL_NAME\n";
      for (const auto& [macro, value] : s.launch.defines) source += "#undef " + MacroName(macro) + "\n";
      map_for_errors += "\n  " + name + ": " + NodeName(s.node) + ", kernels/" + s.launch.file;
    }
    names.push_back(found->second);
  }
  std::string error;
  program_ = d_->cache->Build(source, d_->build_options, &error);
  if (program_ == nullptr) return Fail(api, ctx, -1, error + "\nkernels of the program:" + map_for_errors);
  const ClApi& cl = d_->runtime->cl();
  for (size_t k = 0; k < steps_.size(); ++k) {
    cl_int err = CL_SUCCESS;
    steps_[k].kernel = cl.clCreateKernel(program_, names[k].c_str(), &err);
    if (steps_[k].kernel == nullptr || err != CL_SUCCESS) {
      return Fail(api, ctx, steps_[k].node, "clCreateKernel(" + names[k] + ") failed: " + ClErrorName(err));
    }
  }
  return EL_STATUS_OK;
}

ElStatus ClPartition::SetArgs(const ElContextApi* api, ElContext* ctx, Step& s) {
  const ClApi& cl = d_->runtime->cl();
  for (size_t k = 0; k < s.launch.args.size(); ++k) {
    const KernelArg& a = s.launch.args[k];
    cl_int err = CL_SUCCESS;
    switch (a.kind) {
      case ArgKind::kTensor: {
        auto t = tensors_.find(a.tensor);
        if (t == tensors_.end()) {
          return Fail(api, ctx, s.node, "argument " + std::to_string(k) + " names tensor " + std::to_string(a.tensor) +
                                            ", which is not in the partition");
        }
        err = cl.clSetKernelArg(s.kernel, k, sizeof(cl_mem), &t->second->mem);
        break;
      }
      case ArgKind::kConstBuffer: {
        const bool half = d_->fp16 && a.blob_is_float;
        std::vector<uint16_t> halves;
        const void* src = a.blob.data();
        size_t bytes = a.blob.size();
        if (half) {
          halves.resize(a.blob.size() / sizeof(float));
          const float* f = reinterpret_cast<const float*>(a.blob.data());
          for (size_t i = 0; i < halves.size(); ++i) halves[i] = FloatToHalf(f[i]);
          src = halves.data();
          bytes = halves.size() * 2;
        }
        cl_mem m = cl.clCreateBuffer(d_->runtime->context(), CL_MEM_READ_ONLY, std::max<size_t>(bytes, 4), nullptr, &err);
        if (m == nullptr || err != CL_SUCCESS) break;
        s.owned.push_back(m);
        if (bytes > 0) err = cl.clEnqueueWriteBuffer(d_->runtime->queue(), m, CL_TRUE, 0, bytes, src, 0, nullptr, nullptr);
        if (err == CL_SUCCESS) err = cl.clSetKernelArg(s.kernel, k, sizeof(cl_mem), &m);
        break;
      }
      case ArgKind::kScratch: {
        cl_mem m = cl.clCreateBuffer(d_->runtime->context(), CL_MEM_READ_WRITE, std::max<size_t>(a.scratch_bytes, 4),
                                     nullptr, &err);
        if (m == nullptr || err != CL_SUCCESS) break;
        s.owned.push_back(m);
        err = cl.clSetKernelArg(s.kernel, k, sizeof(cl_mem), &m);
        break;
      }
      case ArgKind::kInt: {
        const cl_int v = a.i;
        err = cl.clSetKernelArg(s.kernel, k, sizeof(v), &v);
        break;
      }
      case ArgKind::kFloat: {
        const cl_float v = a.f;
        err = cl.clSetKernelArg(s.kernel, k, sizeof(v), &v);
        break;
      }
    }
    if (err != CL_SUCCESS) {
      return Fail(api, ctx, s.node, "setting argument " + std::to_string(k) + " of kernels/" + s.launch.file +
                                        " failed: " + ClErrorName(err));
    }
  }
  return EL_STATUS_OK;
}

ElStatus ClPartition::Prepare(const ElContextApi* api, ElContext* ctx) {
  // Handles given to the core for the last shapes point at buffers about to go.
  for (int t : outputs_) {
    ElTensorInfo info{};
    if (api->get_tensor(ctx, t, &info) == EL_STATUS_OK && d_->Owns(info.device_owner) &&
        tensors_.count(t) && info.device_buffer == tensors_[t].get()) {
      api->set_device_buffer(ctx, t, nullptr, 0);
    }
  }
  Release();
  for (int node : nodes_) {
    // The core's own prepare sizes the outputs exactly as the CPU path would (it reports its errors).
    if (api->prepare_node_on_cpu(ctx, node) != EL_STATUS_OK) return EL_STATUS_ERROR;
  }
  for (size_t k = 0; k < nodes_.size(); ++k) {
    ElNodeInfo info{};
    OpDesc op;
    op.fp16 = d_->fp16;
    op.device_has_fp16 = d_->runtime->has_fp16();
    std::string error;
    if (!DescribeNode(api, ctx, nodes_[k], &info, &op, &error)) return Fail(api, ctx, nodes_[k], error);
    bool folded = !op.outputs.empty();
    for (const TensorDesc& t : op.outputs) folded = folded && t.is_constant;
    if (folded) continue;  // computed by the core's prepare (a shape chain): its outputs are constants
    std::string why;
    if (!builders_[k]->supports(op, &why)) return Fail(api, ctx, nodes_[k], "not runnable after resize: " + why);
    std::vector<Launch> launches;
    if (!builders_[k]->build(op, &launches, &error)) return Fail(api, ctx, nodes_[k], error);
    for (const std::vector<TensorDesc>* list : {&op.inputs, &op.outputs}) {
      for (const TensorDesc& t : *list) {
        if (t.index >= 0 && !tensors_.count(t.index)) tensors_[t.index] = std::make_unique<DeviceTensor>();
      }
    }
    for (Launch& l : launches) {
      Step s;
      s.node = nodes_[k];
      s.launch = std::move(l);
      steps_.push_back(std::move(s));
    }
  }
  if (AllocateTensors(api, ctx) != EL_STATUS_OK) return EL_STATUS_ERROR;
  if (BuildProgram(api, ctx) != EL_STATUS_OK) return EL_STATUS_ERROR;
  for (Step& s : steps_) {
    if (SetArgs(api, ctx, s) != EL_STATUS_OK) return EL_STATUS_ERROR;
  }
  return EL_STATUS_OK;
}

ElStatus ClPartition::Eval(const ElContextApi* api, ElContext* ctx) {
  const ClApi& cl = d_->runtime->cl();
  // Inputs: a neighbouring partition's device buffer is read where it lies; anything else is uploaded.
  std::map<int, cl_mem> input_mem;
  for (int t : inputs_) {
    auto mine = tensors_.find(t);
    if (mine == tensors_.end()) continue;
    ElTensorInfo info{};
    if (api->get_tensor(ctx, t, &info) != EL_STATUS_OK) return Fail(api, ctx, -1, "cannot read tensor " + std::to_string(t));
    if (info.is_constant) continue;  // uploaded at prepare
    const DeviceTensor* theirs = static_cast<const DeviceTensor*>(info.device_buffer);
    if (theirs != nullptr && d_->Owns(info.device_owner) && theirs->device_bytes == mine->second->device_bytes &&
        theirs->half == mine->second->half) {
      input_mem[t] = theirs->mem;
      continue;
    }
    if (info.host_stale && api->ensure_host(ctx, t) != EL_STATUS_OK) return EL_STATUS_ERROR;
    if (info.data == nullptr && mine->second->host_bytes > 0) {
      return Fail(api, ctx, -1, "input tensor " + std::to_string(t) + " has no host memory");
    }
    if (Upload(api, ctx, t, info.data, mine->second->host_bytes) != EL_STATUS_OK) return EL_STATUS_ERROR;
    input_mem[t] = mine->second->mem;
  }
  for (Step& s : steps_) {
    for (size_t k = 0; k < s.launch.args.size(); ++k) {
      const KernelArg& a = s.launch.args[k];
      if (a.kind != ArgKind::kTensor) continue;
      auto in = input_mem.find(a.tensor);
      if (in == input_mem.end()) continue;
      const cl_int err = cl.clSetKernelArg(s.kernel, k, sizeof(cl_mem), &in->second);
      if (err != CL_SUCCESS) return Fail(api, ctx, s.node, "setting an input argument failed: " + ClErrorName(err));
    }
    const Launch& l = s.launch;
    bool empty = false;
    for (int k = 0; k < l.work_dim; ++k) empty = empty || l.global[k] == 0;
    if (empty) continue;
    const bool has_local = l.local[0] != 0;
    const cl_int err = cl.clEnqueueNDRangeKernel(d_->runtime->queue(), s.kernel, l.work_dim, nullptr, l.global.data(),
                                                 has_local ? l.local.data() : nullptr, 0, nullptr, nullptr);
    if (err != CL_SUCCESS) {
      return Fail(api, ctx, s.node, "clEnqueueNDRangeKernel(kernels/" + l.file + ") failed: " + ClErrorName(err));
    }
  }
  // Outputs stay on the device: the core calls copy_to_host when a CPU node or the caller reads one, and
  // a later partition of this delegate takes the buffer as it is.
  for (int t : outputs_) {
    auto mine = tensors_.find(t);
    if (mine == tensors_.end()) continue;
    if (api->set_device_buffer(ctx, t, mine->second.get(), 1) == EL_STATUS_OK) continue;
    ElTensorInfo info{};
    std::string error;
    if (api->get_tensor(ctx, t, &info) != EL_STATUS_OK || info.data == nullptr ||
        !CopyToHost(*d_, *mine->second, info.data, mine->second->host_bytes, &error)) {
      return Fail(api, ctx, -1, "output tensor " + std::to_string(t) + " could not be read back" +
                                    (error.empty() ? "" : ": " + error));
    }
  }
  const cl_int err = cl.clFlush(d_->runtime->queue());
  if (err != CL_SUCCESS) return Fail(api, ctx, -1, "clFlush failed: " + ClErrorName(err));
  return EL_STATUS_OK;
}

}  // namespace opencl
}  // namespace edgelite
