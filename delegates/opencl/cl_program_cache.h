// Built OpenCL programs, kept on disk between processes: a program's binary is stored under a key of the
// device name, driver version, source hash and build options, so the second start of a process skips the
// compiler. A file that is corrupt, truncated or written for another key is ignored and rebuilt.
#pragma once

#include <cstdint>
#include <string>

#include "delegates/opencl/cl_runtime.h"

namespace edgelite {
namespace opencl {

struct ProgramCacheStats {
  int64_t hits = 0;        // programs created from a cached binary
  int64_t misses = 0;      // programs compiled from source (no entry, or one that failed to load)
  int64_t corrupt = 0;     // entries found unreadable or rejected by the driver (counted in misses too)
  double build_ms = 0.0;   // time in clBuildProgram, both kinds
};

class ProgramCache {
 public:
  // `dir` empty: $XDG_CACHE_HOME/edgelite/opencl, else ~/.cache/edgelite/opencl. A directory that
  // cannot be created leaves the cache off (programs are still built; `disabled_reason` says why).
  ProgramCache(const ClRuntime& rt, std::string dir);

  // The built program for `source` (a binary from the cache when one fits), or null with `error` set
  // (the build log for a compile failure).
  cl_program Build(const std::string& source, const std::string& options, std::string* error);

  const ProgramCacheStats& stats() const { return stats_; }
  const std::string& dir() const { return dir_; }
  const std::string& disabled_reason() const { return disabled_reason_; }

 private:
  std::string Key(const std::string& source, const std::string& options) const;
  cl_program LoadCached(const std::string& path, const std::string& key, const std::string& options);
  void Store(cl_program program, const std::string& path, const std::string& key);
  cl_int BuildTimed(cl_program program, const std::string& options);

  const ClRuntime& rt_;
  std::string dir_;
  std::string disabled_reason_;
  ProgramCacheStats stats_;
};

// 64-bit FNV-1a of `data` from `seed` (two seeds make the 128-bit source hash of a cache key).
uint64_t Fnv1a64(const std::string& data, uint64_t seed);

}  // namespace opencl
}  // namespace edgelite
