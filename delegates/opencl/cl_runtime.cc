// Loading libOpenCL with dlopen, choosing the device and opening its context and queue.
#include "delegates/opencl/cl_runtime.h"

#include <dlfcn.h>

#include <cstdlib>
#include <vector>

namespace edgelite {
namespace opencl {

std::string ClErrorName(cl_int code) {
  switch (code) {
#define EL_CL_ERROR(name) case name: return #name;
    EL_CL_ERROR(CL_SUCCESS) EL_CL_ERROR(CL_DEVICE_NOT_FOUND) EL_CL_ERROR(CL_DEVICE_NOT_AVAILABLE)
    EL_CL_ERROR(CL_COMPILER_NOT_AVAILABLE) EL_CL_ERROR(CL_MEM_OBJECT_ALLOCATION_FAILURE)
    EL_CL_ERROR(CL_OUT_OF_RESOURCES) EL_CL_ERROR(CL_OUT_OF_HOST_MEMORY)
    EL_CL_ERROR(CL_PROFILING_INFO_NOT_AVAILABLE) EL_CL_ERROR(CL_MEM_COPY_OVERLAP)
    EL_CL_ERROR(CL_IMAGE_FORMAT_MISMATCH) EL_CL_ERROR(CL_IMAGE_FORMAT_NOT_SUPPORTED)
    EL_CL_ERROR(CL_BUILD_PROGRAM_FAILURE) EL_CL_ERROR(CL_MAP_FAILURE)
    EL_CL_ERROR(CL_MISALIGNED_SUB_BUFFER_OFFSET) EL_CL_ERROR(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST)
    EL_CL_ERROR(CL_COMPILE_PROGRAM_FAILURE) EL_CL_ERROR(CL_LINKER_NOT_AVAILABLE)
    EL_CL_ERROR(CL_LINK_PROGRAM_FAILURE) EL_CL_ERROR(CL_DEVICE_PARTITION_FAILED)
    EL_CL_ERROR(CL_KERNEL_ARG_INFO_NOT_AVAILABLE) EL_CL_ERROR(CL_INVALID_VALUE)
    EL_CL_ERROR(CL_INVALID_DEVICE_TYPE) EL_CL_ERROR(CL_INVALID_PLATFORM) EL_CL_ERROR(CL_INVALID_DEVICE)
    EL_CL_ERROR(CL_INVALID_CONTEXT) EL_CL_ERROR(CL_INVALID_QUEUE_PROPERTIES)
    EL_CL_ERROR(CL_INVALID_COMMAND_QUEUE) EL_CL_ERROR(CL_INVALID_HOST_PTR) EL_CL_ERROR(CL_INVALID_MEM_OBJECT)
    EL_CL_ERROR(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR) EL_CL_ERROR(CL_INVALID_IMAGE_SIZE)
    EL_CL_ERROR(CL_INVALID_SAMPLER) EL_CL_ERROR(CL_INVALID_BINARY) EL_CL_ERROR(CL_INVALID_BUILD_OPTIONS)
    EL_CL_ERROR(CL_INVALID_PROGRAM) EL_CL_ERROR(CL_INVALID_PROGRAM_EXECUTABLE)
    EL_CL_ERROR(CL_INVALID_KERNEL_NAME) EL_CL_ERROR(CL_INVALID_KERNEL_DEFINITION) EL_CL_ERROR(CL_INVALID_KERNEL)
    EL_CL_ERROR(CL_INVALID_ARG_INDEX) EL_CL_ERROR(CL_INVALID_ARG_VALUE) EL_CL_ERROR(CL_INVALID_ARG_SIZE)
    EL_CL_ERROR(CL_INVALID_KERNEL_ARGS) EL_CL_ERROR(CL_INVALID_WORK_DIMENSION)
    EL_CL_ERROR(CL_INVALID_WORK_GROUP_SIZE) EL_CL_ERROR(CL_INVALID_WORK_ITEM_SIZE)
    EL_CL_ERROR(CL_INVALID_GLOBAL_OFFSET) EL_CL_ERROR(CL_INVALID_EVENT_WAIT_LIST) EL_CL_ERROR(CL_INVALID_EVENT)
    EL_CL_ERROR(CL_INVALID_OPERATION) EL_CL_ERROR(CL_INVALID_GL_OBJECT) EL_CL_ERROR(CL_INVALID_BUFFER_SIZE)
    EL_CL_ERROR(CL_INVALID_MIP_LEVEL) EL_CL_ERROR(CL_INVALID_GLOBAL_WORK_SIZE) EL_CL_ERROR(CL_INVALID_PROPERTY)
    EL_CL_ERROR(CL_INVALID_IMAGE_DESCRIPTOR) EL_CL_ERROR(CL_INVALID_COMPILER_OPTIONS)
    EL_CL_ERROR(CL_INVALID_LINKER_OPTIONS) EL_CL_ERROR(CL_INVALID_DEVICE_PARTITION_COUNT)
#undef EL_CL_ERROR
    case -1001: return "CL_PLATFORM_NOT_FOUND_KHR";  // the ICD loader found no platform
    default: return "OpenCL error " + std::to_string(code);
  }
}

namespace {

// A string property of a device or platform (clGetDeviceInfo / clGetPlatformInfo), "" when unreadable.
template <typename Object, typename Info, typename Getter>
std::string InfoString(Getter get, Object object, Info what) {
  size_t size = 0;
  if (get(object, what, 0, nullptr, &size) != CL_SUCCESS || size == 0) return "";
  std::string s(size, '\0');
  if (get(object, what, size, &s[0], nullptr) != CL_SUCCESS) return "";
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

std::string DeviceString(const ClApi& cl, cl_device_id device, cl_device_info what) {
  return InfoString(cl.clGetDeviceInfo, device, what);
}

std::string PlatformString(const ClApi& cl, cl_platform_id platform, cl_platform_info what) {
  return InfoString(cl.clGetPlatformInfo, platform, what);
}

struct DeviceEntry {
  cl_platform_id platform;
  cl_device_id device;
  cl_device_type type;
  std::string name;
};

bool AllDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<ClRuntime> ClRuntime::Create(const std::string& device_choice, std::string* error) {
  std::unique_ptr<ClRuntime> rt(new ClRuntime());
  std::vector<std::string> names;
  if (const char* env = std::getenv("EDGELITE_OPENCL_LIBRARY"); env != nullptr && *env != '\0') {
    names.push_back(env);
  } else {
    names = {"libOpenCL.so.1", "libOpenCL.so"};
  }
  std::string tried;
  for (const std::string& name : names) {
    rt->library_ = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (rt->library_ != nullptr) break;
    const char* why = dlerror();
    tried += (tried.empty() ? "" : "; ") + std::string(why ? why : name);
  }
  if (rt->library_ == nullptr) {
    *error = "no OpenCL platform: the OpenCL library could not be loaded (" + tried + ")";
    return nullptr;
  }
#define EL_CL_LOAD(name)                                                                     \
  rt->api_.name = reinterpret_cast<decltype(&::name)>(dlsym(rt->library_, #name));           \
  if (rt->api_.name == nullptr) {                                                            \
    *error = "no OpenCL platform: the OpenCL library lacks " #name " (OpenCL 1.2 is needed)"; \
    return nullptr;                                                                          \
  }
  EL_CL_FUNCTIONS(EL_CL_LOAD)
#undef EL_CL_LOAD
  const ClApi& cl = rt->api_;

  cl_uint num_platforms = 0;
  cl_int err = cl.clGetPlatformIDs(0, nullptr, &num_platforms);
  if (err != CL_SUCCESS || num_platforms == 0) {
    *error = "no OpenCL platform: none is installed (" +
             (err != CL_SUCCESS ? ClErrorName(err) : std::string("0 platforms")) +
             "; install an ICD such as pocl-opencl-icd or the GPU vendor's driver)";
    return nullptr;
  }
  std::vector<cl_platform_id> platforms(num_platforms);
  cl.clGetPlatformIDs(num_platforms, platforms.data(), nullptr);
  std::vector<DeviceEntry> devices;
  for (cl_platform_id p : platforms) {
    cl_uint n = 0;
    if (cl.clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, nullptr, &n) != CL_SUCCESS || n == 0) continue;
    std::vector<cl_device_id> ids(n);
    cl.clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, n, ids.data(), nullptr);
    for (cl_device_id d : ids) {
      cl_device_type type = 0;
      cl.clGetDeviceInfo(d, CL_DEVICE_TYPE, sizeof(type), &type, nullptr);
      devices.push_back({p, d, type, DeviceString(cl, d, CL_DEVICE_NAME)});
    }
  }
  if (devices.empty()) {
    *error = "no OpenCL platform: " + std::to_string(num_platforms) + " platform(s) but no device";
    return nullptr;
  }
  const DeviceEntry* chosen = nullptr;
  if (device_choice.empty()) {
    for (const DeviceEntry& d : devices) {
      if ((d.type & CL_DEVICE_TYPE_GPU) && chosen == nullptr) chosen = &d;
    }
    if (chosen == nullptr) chosen = &devices[0];
  } else if (AllDigits(device_choice)) {
    const size_t index = std::strtoul(device_choice.c_str(), nullptr, 10);
    if (index < devices.size()) chosen = &devices[index];
  } else {
    for (const DeviceEntry& d : devices) {
      if (d.name.find(device_choice) != std::string::npos && chosen == nullptr) chosen = &d;
    }
  }
  if (chosen == nullptr) {
    std::string list;
    for (size_t i = 0; i < devices.size(); ++i) list += (i ? ", " : "") + std::to_string(i) + ": " + devices[i].name;
    *error = "OpenCL device '" + device_choice + "' not found (devices: " + list + ")";
    return nullptr;
  }
  rt->device_ = chosen->device;
  rt->device_name_ = chosen->name;
  rt->device_version_ = DeviceString(cl, rt->device_, CL_DEVICE_VERSION);
  rt->driver_version_ = DeviceString(cl, rt->device_, CL_DRIVER_VERSION);
  rt->platform_name_ = PlatformString(cl, chosen->platform, CL_PLATFORM_NAME);
  const std::string extensions = " " + DeviceString(cl, rt->device_, CL_DEVICE_EXTENSIONS) + " ";
  rt->has_fp16_ = extensions.find(" cl_khr_fp16 ") != std::string::npos;

  cl_context_properties props[] = {CL_CONTEXT_PLATFORM, reinterpret_cast<cl_context_properties>(chosen->platform),
                                   0};
  rt->context_ = cl.clCreateContext(props, 1, &rt->device_, nullptr, nullptr, &err);
  if (rt->context_ == nullptr || err != CL_SUCCESS) {
    *error = "OpenCL: clCreateContext on '" + rt->device_name_ + "' failed: " + ClErrorName(err);
    return nullptr;
  }
  rt->queue_ = cl.clCreateCommandQueue(rt->context_, rt->device_, 0, &err);
  if (rt->queue_ == nullptr || err != CL_SUCCESS) {
    *error = "OpenCL: clCreateCommandQueue on '" + rt->device_name_ + "' failed: " + ClErrorName(err);
    return nullptr;
  }
  return rt;
}

ClRuntime::~ClRuntime() {
  if (queue_ != nullptr) {
    api_.clFinish(queue_);
    api_.clReleaseCommandQueue(queue_);
  }
  if (context_ != nullptr) api_.clReleaseContext(context_);
  // The library stays loaded: ICDs register atexit handlers and thread-local state that an unload would
  // leave dangling.
}

}  // namespace opencl
}  // namespace edgelite
