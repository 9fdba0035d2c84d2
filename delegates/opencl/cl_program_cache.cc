// The on-disk program cache: one file per program, "<hash of the key>.clbin", holding a magic line, the
// full key (checked on load, so a hash collision or a file from another driver is never used), the binary
// size, the binary and its checksum. Written to a temporary file and renamed, so a reader never sees half.
#include "delegates/opencl/cl_program_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace edgelite {
namespace opencl {

namespace {

constexpr char kMagic[] = "edgelite-opencl-program-cache 1\n";
constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ull;

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// mkdir -p; false with `error` set when a part cannot be made.
bool MakeDirs(const std::string& path, std::string* error) {
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    const std::string part = path.substr(0, pos);
    if (mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) {
      *error = "cannot create " + part + ": " + std::strerror(errno);
      return false;
    }
  }
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    *error = path + " is not a directory";
    return false;
  }
  return true;
}

std::string DefaultDir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg == '/') {
    return std::string(xdg) + "/edgelite/opencl";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.cache/edgelite/opencl";
  }
  return "";
}

}  // namespace

uint64_t Fnv1a64(const std::string& data, uint64_t seed) {
  uint64_t h = seed;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

ProgramCache::ProgramCache(const ClRuntime& rt, std::string dir) : rt_(rt), dir_(std::move(dir)) {
  if (dir_.empty()) dir_ = DefaultDir();
  if (dir_.empty()) {
    disabled_reason_ = "no cache directory: neither XDG_CACHE_HOME nor HOME is set";
    return;
  }
  std::string error;
  if (!MakeDirs(dir_, &error)) disabled_reason_ = error;
}

std::string ProgramCache::Key(const std::string& source, const std::string& options) const {
  // Everything that changes the binary: the device, its driver, the program text and the options.
  return "device=" + rt_.device_name() + "\ndevice_version=" + rt_.device_version() +
         "\ndriver=" + rt_.driver_version() + "\nplatform=" + rt_.platform_name() +
         "\nsource=" + Hex(Fnv1a64(source, kFnvOffset)) + Hex(Fnv1a64(source, kFnvOffset ^ 0x9e3779b97f4a7c15ull)) +
         ":" + std::to_string(source.size()) + "\noptions=" + options + "\n";
}

cl_int ProgramCache::BuildTimed(cl_program program, const std::string& options) {
  const auto start = std::chrono::steady_clock::now();
  cl_device_id device = rt_.device();
  const cl_int err = rt_.cl().clBuildProgram(program, 1, &device, options.c_str(), nullptr, nullptr);
  stats_.build_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return err;
}

cl_program ProgramCache::LoadCached(const std::string& path, const std::string& key, const std::string& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;  // no entry: not corrupt
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string file = buffer.str();
  const std::string head = std::string(kMagic) + key;
  uint64_t size = 0, checksum = 0;
  const size_t header = head.size() + sizeof(size);
  if (file.compare(0, head.size(), head) != 0 || file.size() < header) {
    ++stats_.corrupt;
    return nullptr;
  }
  std::memcpy(&size, file.data() + head.size(), sizeof(size));
  if (size == 0 || file.size() != header + size + sizeof(checksum)) {
    ++stats_.corrupt;
    return nullptr;
  }
  const std::string binary = file.substr(header, size);
  std::memcpy(&checksum, file.data() + header + size, sizeof(checksum));
  if (checksum != Fnv1a64(binary, kFnvOffset)) {
    ++stats_.corrupt;
    return nullptr;
  }
  const ClApi& cl = rt_.cl();
  cl_device_id device = rt_.device();
  const size_t length = binary.size();
  const unsigned char* bytes = reinterpret_cast<const unsigned char*>(binary.data());
  cl_int status = CL_SUCCESS, err = CL_SUCCESS;
  cl_program program = cl.clCreateProgramWithBinary(rt_.context(), 1, &device, &length, &bytes, &status, &err);
  if (program == nullptr || err != CL_SUCCESS || status != CL_SUCCESS) {
    if (program != nullptr) cl.clReleaseProgram(program);
    ++stats_.corrupt;
    return nullptr;
  }
  if (BuildTimed(program, options) != CL_SUCCESS) {
    cl.clReleaseProgram(program);
    ++stats_.corrupt;
    return nullptr;
  }
  return program;
}

void ProgramCache::Store(cl_program program, const std::string& path, const std::string& key) {
  const ClApi& cl = rt_.cl();
  size_t size = 0;
  if (cl.clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, sizeof(size), &size, nullptr) != CL_SUCCESS ||
      size == 0) {
    return;  // the driver keeps no binary: nothing to cache
  }
  std::vector<unsigned char> binary(size);
  unsigned char* ptr = binary.data();
  if (cl.clGetProgramInfo(program, CL_PROGRAM_BINARIES, sizeof(ptr), &ptr, nullptr) != CL_SUCCESS) return;
  const std::string bytes(binary.begin(), binary.end());
  const uint64_t size64 = size, checksum = Fnv1a64(bytes, kFnvOffset);
  // A temporary name of this process, renamed over the entry: readers see the old file or the new one.
  const std::string temp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out << kMagic << key;
    out.write(reinterpret_cast<const char*>(&size64), sizeof(size64));
    out.write(bytes.data(), bytes.size());
    out.write(reinterpret_cast<const char*>(&checksum), sizeof(checksum));
    if (!out) {
      out.close();
      std::remove(temp.c_str());
      return;
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) std::remove(temp.c_str());
}

cl_program ProgramCache::Build(const std::string& source, const std::string& options, std::string* error) {
  const std::string key = Key(source, options);
  const bool enabled = disabled_reason_.empty();
  const std::string path = enabled ? dir_ + "/" + Hex(Fnv1a64(key, kFnvOffset)) + ".clbin" : "";
  if (enabled) {
    if (cl_program program = LoadCached(path, key, options)) {
      ++stats_.hits;
      return program;
    }
  }
  ++stats_.misses;
  const ClApi& cl = rt_.cl();
  const char* text = source.c_str();
  const size_t length = source.size();
  cl_int err = CL_SUCCESS;
  cl_program program = cl.clCreateProgramWithSource(rt_.context(), 1, &text, &length, &err);
  if (program == nullptr || err != CL_SUCCESS) {
    *error = "clCreateProgramWithSource failed: " + ClErrorName(err);
    return nullptr;
  }
  err = BuildTimed(program, options);
  if (err != CL_SUCCESS) {
    size_t log_size = 0;
    std::string log;
    cl_device_id device = rt_.device();
    if (cl.clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, nullptr, &log_size) == CL_SUCCESS &&
        log_size > 1) {
      log.resize(log_size);
      cl.clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, log_size, &log[0], nullptr);
      while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
    }
    cl.clReleaseProgram(program);
    *error = "clBuildProgram failed: " + ClErrorName(err) + (log.empty() ? "" : "\n" + log);
    return nullptr;
  }
  if (enabled) Store(program, path, key);
  return program;
}

}  // namespace opencl
}  // namespace edgelite
