// ThreadPool on top of Eigen's non-blocking pool (work-stealing queues, spinning before sleeping),
// the same pool TensorFlow uses; we only add range splitting and a barrier.
#include "interpreter/thread_pool.h"

#define EIGEN_USE_THREADS
#include <unsupported/Eigen/CXX11/ThreadPool>

#include <algorithm>

namespace edgelite {

struct ThreadPool::Impl {
  explicit Impl(int n) : pool(n) {}
  Eigen::ThreadPool pool;
};

ThreadPool::ThreadPool(int num_threads) : num_threads_(std::max(1, num_threads)) {
  // The caller's thread works too, so the pool needs one thread fewer than the parallelism asked for.
  if (num_threads_ > 1) impl_ = std::make_unique<Impl>(num_threads_ - 1);
}

ThreadPool::~ThreadPool() = default;

Eigen::ThreadPoolInterface* ThreadPool::eigen_pool() const { return impl_ ? &impl_->pool : nullptr; }

void ThreadPool::ParallelFor(int64_t total, int64_t min_per_task,
                             const std::function<void(int64_t, int64_t)>& fn) {
  if (total <= 0) return;
  min_per_task = std::max<int64_t>(1, min_per_task);
  int64_t tasks = std::min<int64_t>(num_threads_, (total + min_per_task - 1) / min_per_task);
  if (tasks <= 1 || !impl_) {
    fn(0, total);
    return;
  }
  const int64_t chunk = (total + tasks - 1) / tasks;
  tasks = (total + chunk - 1) / chunk;
  Eigen::Barrier barrier(static_cast<unsigned>(tasks - 1));
  for (int64_t t = 1; t < tasks; ++t) {
    const int64_t begin = t * chunk, end = std::min(total, begin + chunk);
    impl_->pool.Schedule([&fn, &barrier, begin, end] {
      fn(begin, end);
      barrier.Notify();
    });
  }
  fn(0, std::min(total, chunk));
  barrier.Wait();
}

}  // namespace edgelite
