// The OpenCL library, loaded at run time (dlopen; edgelite never links libOpenCL), and the one device,
// context and in-order queue a delegate works with. A machine without OpenCL gets an error, never a crash.
#pragma once

#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

#include <memory>
#include <string>

namespace edgelite {
namespace opencl {

// The OpenCL 1.2 entry points the delegate calls, taken with dlsym.
struct ClApi {
#define EL_CL_FUNCTIONS(X)                                                                              \
  X(clGetPlatformIDs) X(clGetPlatformInfo) X(clGetDeviceIDs) X(clGetDeviceInfo) X(clCreateContext)     \
  X(clReleaseContext) X(clCreateCommandQueue) X(clReleaseCommandQueue) X(clCreateProgramWithSource)    \
  X(clCreateProgramWithBinary) X(clBuildProgram) X(clGetProgramBuildInfo) X(clGetProgramInfo)          \
  X(clReleaseProgram) X(clCreateKernel) X(clReleaseKernel) X(clSetKernelArg) X(clCreateBuffer)         \
  X(clReleaseMemObject) X(clEnqueueWriteBuffer) X(clEnqueueReadBuffer) X(clEnqueueNDRangeKernel)       \
  X(clFlush) X(clFinish)
#define EL_CL_MEMBER(name) decltype(&::name) name = nullptr;
  EL_CL_FUNCTIONS(EL_CL_MEMBER)
#undef EL_CL_MEMBER
};

// "CL_INVALID_VALUE" for -30, or "OpenCL error <n>".
std::string ClErrorName(cl_int code);

class ClRuntime {
 public:
  // Loads the library ($EDGELITE_OPENCL_LIBRARY when set, else libOpenCL.so.1 then libOpenCL.so) and
  // picks a device: `device_choice` empty takes the first GPU, else the first device of any kind; a
  // number is an index into every device of every platform; other text a substring of the device name.
  // Null with `error` set when anything is missing.
  static std::unique_ptr<ClRuntime> Create(const std::string& device_choice, std::string* error);
  ~ClRuntime();
  ClRuntime(const ClRuntime&) = delete;
  ClRuntime& operator=(const ClRuntime&) = delete;

  const ClApi& cl() const { return api_; }
  cl_context context() const { return context_; }
  cl_command_queue queue() const { return queue_; }
  cl_device_id device() const { return device_; }
  const std::string& device_name() const { return device_name_; }
  const std::string& device_version() const { return device_version_; }
  const std::string& driver_version() const { return driver_version_; }
  const std::string& platform_name() const { return platform_name_; }
  bool has_fp16() const { return has_fp16_; }

 private:
  ClRuntime() = default;
  void* library_ = nullptr;
  ClApi api_;
  cl_device_id device_ = nullptr;
  cl_context context_ = nullptr;
  cl_command_queue queue_ = nullptr;
  std::string device_name_, device_version_, driver_version_, platform_name_;
  bool has_fp16_ = false;
};

}  // namespace opencl
}  // namespace edgelite
