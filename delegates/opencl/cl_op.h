// How an operator becomes OpenCL work: each operator family (ops/<family>.cc) answers whether it runs a
// node (from types, shapes and options, never the name alone) and turns a prepared node into launches
// of kernels from kernels/<file>.cl. The partition executor (cl_partition.cc) owns buffers, programs and
// the queue; builders never touch OpenCL.
//
// Kernel file rules (so that one program per partition can hold every launch): a file defines exactly
// one `__kernel void KERNEL_NAME(...)` and no other top-level function (helpers are macros, or live in
// kernels/common.cl, which is prepended once). The executor wraps each launch's text in its defines:
//   #define KERNEL_NAME el_k<n>  /  #define <name> <value> ...  /  <file>  /  #undef ...
// Buffers hold `real` (float, or half when the delegate runs in fp16), NHWC and densely packed, as the
// CPU tensors; int32 tensors stay int.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "interpreter/plugin_api.h"

namespace edgelite {
namespace schema {
struct Operator;
}
namespace opencl {

struct TensorDesc {
  int index = -1;                // tensor index in the subgraph; -1 for an omitted optional input
  int type = 0;                  // .tflite TensorType (0 float32, 1 float16, 2 int32, 9 int8, ...)
  std::vector<int32_t> dims;
  const void* data = nullptr;    // host values: constants (weights) at prepare, null for activations
  size_t bytes = 0;
  bool is_constant = false;
  int num_scales = 0;            // quantized tensors (DEQUANTIZE of constants)
  const float* scales = nullptr;
  const int64_t* zero_points = nullptr;
  int quantized_dimension = 0;
  int64_t num_elements() const {
    int64_t n = 1;
    for (int32_t d : dims) n *= d;
    return n;
  }
};

struct OpDesc {
  const ElNodeInfo* node = nullptr;
  const schema::Operator* op = nullptr;  // builtin options: op->builtin_options_as_Conv2DOptions() ...
  std::vector<TensorDesc> inputs;
  std::vector<TensorDesc> outputs;       // shapes set (the core's CPU prepare ran) when building
  bool fp16 = false;                     // the partition computes and stores in half
  bool device_has_fp16 = false;
};

enum class ArgKind {
  kTensor,       // the device buffer of tensor `tensor` (input or output of the node, or another of the partition)
  kConstBuffer,  // `blob` uploaded once at prepare (repacked weights); float blobs become half in fp16
  kScratch,      // a device buffer of `scratch_bytes`, live for this launch only
  kInt,          // int32 scalar
  kFloat,        // float scalar (passed as float even in fp16)
};

struct KernelArg {
  ArgKind kind = ArgKind::kInt;
  int tensor = -1;
  std::vector<uint8_t> blob;
  bool blob_is_float = true;  // blob holds float32 values (converted to half for fp16 partitions)
  size_t scratch_bytes = 0;
  int32_t i = 0;
  float f = 0.f;

  static KernelArg Tensor(int t) { KernelArg a; a.kind = ArgKind::kTensor; a.tensor = t; return a; }
  static KernelArg Int(int32_t v) { KernelArg a; a.kind = ArgKind::kInt; a.i = v; return a; }
  static KernelArg Float(float v) { KernelArg a; a.kind = ArgKind::kFloat; a.f = v; return a; }
  static KernelArg Floats(const float* p, size_t n) {
    KernelArg a;
    a.kind = ArgKind::kConstBuffer;
    a.blob.assign(reinterpret_cast<const uint8_t*>(p), reinterpret_cast<const uint8_t*>(p + n));
    return a;
  }
  static KernelArg Ints(const int32_t* p, size_t n) {
    KernelArg a = Floats(reinterpret_cast<const float*>(p), n);
    a.blob_is_float = false;
    return a;
  }
  static KernelArg Scratch(size_t bytes) { KernelArg a; a.kind = ArgKind::kScratch; a.scratch_bytes = bytes; return a; }
};

struct Launch {
  std::string file;                                          // "conv2d.cl"
  std::vector<std::pair<std::string, std::string>> defines;  // shape specialisation: {"CIN", "32"}
  std::vector<KernelArg> args;                               // in the kernel's parameter order
  int work_dim = 1;
  std::array<size_t, 3> global{{1, 1, 1}};
  std::array<size_t, 3> local{{0, 0, 0}};                    // 0: the driver chooses
};

struct OpBuilder {
  // Builtin code (.tflite BuiltinOperator) this builder handles.
  int builtin_code;
  // Whether the node can run on the device; `why` says what stops it (shown by `edgelite inspect`).
  bool (*supports)(const OpDesc& op, std::string* why);
  // The launches for a prepared node, in order. Returns false with `error` set on failure.
  bool (*build)(const OpDesc& op, std::vector<Launch>* launches, std::string* error);
};

// Every builder of this build (ops/*.cc add theirs in ops/registry.cc).
const std::vector<OpBuilder>& AllOpBuilders();

// The text of kernels/<file>, embedded at build time; null when absent.
const char* KernelSource(const std::string& file);

}  // namespace opencl
}  // namespace edgelite
