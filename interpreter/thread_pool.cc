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

namespace {
// What every worker of one ParallelFor call shares; tasks capture only a pointer to it and their index,
// which fits std::function's inline storage, so scheduling does not allocate.
struct Job {
  RangeFunction fn;
  int64_t total, chunk;
  Eigen::Barrier* barrier;
};
}  // namespace

ThreadPool::ThreadPool(int num_threads) : num_threads_(std::max(1, num_threads)) {
  // The caller's thread works too, so the pool needs one thread fewer than the parallelism asked for.
  if (num_threads_ > 1) impl_ = std::make_unique<Impl>(num_threads_ - 1);
}

ThreadPool::~ThreadPool() = default;

void ThreadPool::ParallelFor(int64_t total, int64_t min_per_task, RangeFunction fn) {
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
  Job job{fn, total, chunk, &barrier};
  for (int64_t t = 1; t < tasks; ++t) {
    Job* j = &job;
    impl_->pool.Schedule([j, t] {
      j->fn(t * j->chunk, std::min(j->total, (t + 1) * j->chunk));
      j->barrier->Notify();
    });
  }
  fn(0, std::min(total, chunk));
  barrier.Wait();
}

}  // namespace edgelite
