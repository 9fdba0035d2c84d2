// The executor of one delegated partition: at prepare it runs the core's CPU prepare for the shapes, turns
// every node into launches (ops/*.cc), compiles one program for the whole partition (through the program
// cache), creates a device buffer per tensor and uploads the constants; at eval it only uploads inputs,
// enqueues the launches and leaves outputs on the device for the core to copy when something reads them.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "delegates/opencl/cl_delegate.h"
#include "delegates/opencl/cl_op.h"
#include "interpreter/plugin_api.h"

namespace edgelite {
namespace opencl {

// The device copy of one tensor; the handle given to set_device_buffer and copy_to_host.
struct DeviceTensor {
  cl_mem mem = nullptr;
  size_t device_bytes = 0;
  size_t host_bytes = 0;
  bool half = false;  // a float32 tensor stored as half (fp16 partitions)
};

// Reads a node and its tensors as builders see them. False with `error` set when the core refuses.
bool DescribeNode(const ElContextApi* api, ElContext* ctx, int node, ElNodeInfo* info, OpDesc* op,
                  std::string* error);

// The builder that runs `op`, or null with `why` saying what stops it (the last builder's reason).
const OpBuilder* FindBuilder(const OpDesc& op, std::string* why);

// Blocking copy of a device tensor into host memory (half converted back to float).
bool CopyToHost(const ClDelegate& d, const DeviceTensor& t, void* dst, size_t bytes, std::string* error);

class ClPartition {
 public:
  // EL_STATUS_UNSUPPORTED (reason reported) when a node has no builder that runs it.
  static ElStatus Create(ClDelegate* d, const ElContextApi* api, ElContext* ctx, const ElPartitionInfo* p,
                         std::unique_ptr<ClPartition>* out);
  ~ClPartition();
  ElStatus Prepare(const ElContextApi* api, ElContext* ctx);
  ElStatus Eval(const ElContextApi* api, ElContext* ctx);

 private:
  struct Step {                        // one launch, its kernel and the buffers only it uses
    int node = -1;
    Launch launch;
    cl_kernel kernel = nullptr;
    std::vector<cl_mem> owned;         // const blobs and scratch
  };
  explicit ClPartition(ClDelegate* d) : d_(d) {}
  void Release();
  ElStatus Fail(const ElContextApi* api, ElContext* ctx, int node, const std::string& what);
  std::string NodeName(int node) const;
  ElStatus AllocateTensors(const ElContextApi* api, ElContext* ctx);
  ElStatus BuildProgram(const ElContextApi* api, ElContext* ctx);
  ElStatus SetArgs(const ElContextApi* api, ElContext* ctx, Step& step);
  ElStatus Upload(const ElContextApi* api, ElContext* ctx, int tensor, const void* data, size_t bytes);

  ClDelegate* d_;
  std::vector<int> nodes_, inputs_, outputs_;
  std::vector<std::string> op_names_;           // per node, for messages
  std::vector<const OpBuilder*> builders_;      // per node
  std::map<int, std::unique_ptr<DeviceTensor>> tensors_;  // every tensor the partition touches
  std::vector<Step> steps_;
  cl_program program_ = nullptr;
  std::vector<uint16_t> staging_;               // half <-> float conversions of inputs
};

}  // namespace opencl
}  // namespace edgelite
