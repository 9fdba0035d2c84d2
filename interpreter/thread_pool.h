// The thread pool kernels share, sized by the interpreter's num_threads. Work is split into contiguous
// ranges; the calling thread takes one range itself, so num_threads=1 runs inline with no handoff.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

namespace Eigen {
class ThreadPoolInterface;
}

namespace edgelite {

class ThreadPool {
 public:
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return num_threads_; }

  // Calls fn(begin, end) over [0, total) split into at most num_threads ranges of at least
  // `min_per_task` items each; returns when every range is done.
  void ParallelFor(int64_t total, int64_t min_per_task,
                   const std::function<void(int64_t begin, int64_t end)>& fn);

  // The Eigen pool behind this one (null when num_threads == 1), for Eigen's own parallel GEMM.
  Eigen::ThreadPoolInterface* eigen_pool() const;

 private:
  int num_threads_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgelite
