// Checks of interpreter/thread_pool, built by test_thread_pool.py together with the pool's source (and run
// under ThreadSanitizer there when the compiler has it). Prints each failure; exits 1 if any.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "interpreter/thread_pool.h"

using edgelite::ThreadPool;

namespace {

int failures = 0;

#define CHECK(cond, ...)                                        \
  do {                                                          \
    if (!(cond)) {                                              \
      ++failures;                                               \
      std::printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      std::printf(__VA_ARGS__);                                 \
      std::printf("\n");                                        \
    }                                                           \
  } while (0)

// Marks each thread busy while it runs a tile, to catch two tiles running at once under one thread number.
struct ThreadGuard {
  explicit ThreadGuard(int threads) : busy(threads) {}
  std::vector<std::atomic<int>> busy;
  std::atomic<int> out_of_range{0}, shared{0};
  std::set<int> seen;  // thread numbers used (written under `lock`)
  std::atomic_flag lock = ATOMIC_FLAG_INIT;
  void Enter(int t) {
    if (t < 0 || t >= static_cast<int>(busy.size())) {
      ++out_of_range;
      return;
    }
    if (busy[t].exchange(1)) ++shared;
    while (lock.test_and_set()) {
    }
    seen.insert(t);
    lock.clear();
  }
  void Leave(int t) {
    if (t >= 0 && t < static_cast<int>(busy.size())) busy[t] = 0;
  }
};

void Check1D(ThreadPool& pool, int64_t total, double cost) {
  std::vector<std::atomic<int>> visits(static_cast<size_t>(total));
  ThreadGuard guard(pool.num_threads());
  pool.ParallelFor(total, cost, [&](int64_t b, int64_t e, int t) {
    guard.Enter(t);
    for (int64_t i = b; i < e; ++i) visits[i]++;
    guard.Leave(t);
  });
  int64_t wrong = 0;
  for (auto& v : visits) wrong += v != 1;
  CHECK(wrong == 0, "threads=%d total=%lld cost=%g: %lld indices not visited exactly once", pool.num_threads(),
        static_cast<long long>(total), cost, static_cast<long long>(wrong));
  CHECK(guard.out_of_range == 0 && guard.shared == 0, "threads=%d total=%lld: thread ids out of range or shared",
        pool.num_threads(), static_cast<long long>(total));
}

void Check2D(ThreadPool& pool, int64_t rows, int64_t cols, double cost) {
  std::vector<std::atomic<int>> visits(static_cast<size_t>(rows * cols));
  ThreadGuard guard(pool.num_threads());
  pool.ParallelFor2D(rows, cols, cost, [&](int64_t r0, int64_t r1, int64_t c0, int64_t c1, int t) {
    guard.Enter(t);
    for (int64_t r = r0; r < r1; ++r)
      for (int64_t c = c0; c < c1; ++c) visits[r * cols + c]++;
    guard.Leave(t);
  });
  int64_t wrong = 0;
  for (auto& v : visits) wrong += v != 1;
  CHECK(wrong == 0, "threads=%d %lldx%lld cost=%g: %lld cells not visited exactly once", pool.num_threads(),
        static_cast<long long>(rows), static_cast<long long>(cols), cost, static_cast<long long>(wrong));
  CHECK(guard.out_of_range == 0 && guard.shared == 0, "2-D thread ids out of range or shared");
}

void CheckFixedTiles(ThreadPool& pool) {
  const int64_t rows = 37, cols = 23, tr = 5, tc = 4;
  std::vector<std::atomic<int>> visits(rows * cols);
  std::atomic<int> bad_shape{0};
  pool.ParallelForTiles(rows, cols, tr, tc, [&](int64_t r0, int64_t r1, int64_t c0, int64_t c1, int) {
    if (r0 % tr || c0 % tc || (r1 - r0 != tr && r1 != rows) || (c1 - c0 != tc && c1 != cols)) ++bad_shape;
    for (int64_t r = r0; r < r1; ++r)
      for (int64_t c = c0; c < c1; ++c) visits[r * cols + c]++;
  });
  int64_t wrong = 0;
  for (auto& v : visits) wrong += v != 1;
  CHECK(wrong == 0 && bad_shape == 0, "fixed tiles: %lld cells wrong, %d tiles of the wrong shape",
        static_cast<long long>(wrong), bad_shape.load());
}

void CheckTinyRunsInline(ThreadPool& pool) {
  int calls = 0;
  bool on_caller = true;
  const auto caller = std::this_thread::get_id();
  pool.ParallelFor(1000, 1.0, [&](int64_t b, int64_t e, int t) {
    ++calls;
    on_caller = on_caller && std::this_thread::get_id() == caller && t == 0 && b == 0 && e == 1000;
  });
  CHECK(calls == 1 && on_caller, "a loop costing 1000 units ran as %d tiles or off the calling thread", calls);
  CHECK(pool.TilesFor(1000, 1.0) == 1, "TilesFor(1000, 1) = %lld", static_cast<long long>(pool.TilesFor(1000, 1.0)));
  const int64_t big = pool.TilesFor(1 << 20, 100.0);
  CHECK(pool.num_threads() == 1 ? big == 1 : big >= pool.num_threads(), "TilesFor of a big loop = %lld",
        static_cast<long long>(big));
}

void CheckWorkersJoin(ThreadPool& pool) {
  // Tiles that take a while: the workers wake and take some, so more than one thread number shows up.
  ThreadGuard guard(pool.num_threads());
  pool.ParallelForTiles(32, 1, 1, 1, [&](int64_t, int64_t, int64_t, int64_t, int t) {
    guard.Enter(t);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    guard.Leave(t);
  });
  CHECK(static_cast<int>(guard.seen.size()) == pool.num_threads(), "threads=%d: only %zu thread numbers took tiles",
        pool.num_threads(), guard.seen.size());
}

void CheckNested(ThreadPool& pool) {
  const int64_t outer = 16, inner = 3000;
  std::vector<std::atomic<int>> visits(outer * inner);
  std::atomic<int> renumbered{0};
  pool.ParallelFor(outer, 1e6, [&](int64_t b, int64_t e, int t) {
    for (int64_t o = b; o < e; ++o) {
      pool.ParallelFor(inner, 1e3, [&](int64_t ib, int64_t ie, int it) {
        if (it != t) ++renumbered;  // an inner loop runs inline, under its thread's number
        for (int64_t i = ib; i < ie; ++i) visits[o * inner + i]++;
      });
    }
  });
  int64_t wrong = 0;
  for (auto& v : visits) wrong += v != 1;
  CHECK(wrong == 0 && renumbered == 0, "nested: %lld wrong, %d inner tiles under another thread number",
        static_cast<long long>(wrong), renumbered.load());
}

void CheckConcurrentCallers(ThreadPool& pool) {
  // Two threads share one pool: one gets it, the other's loops run inline; both complete correctly.
  std::atomic<int64_t> sums[2] = {{0}, {0}};
  auto caller = [&](int which) {
    for (int rep = 0; rep < 300; ++rep) {
      pool.ParallelFor(4096, 64.0, [&](int64_t b, int64_t e, int) {
        int64_t s = 0;
        for (int64_t i = b; i < e; ++i) s += i;
        sums[which] += s;
      });
    }
  };
  std::thread a(caller, 0), b(caller, 1);
  a.join();
  b.join();
  const int64_t want = 300LL * 4096 * 4095 / 2;
  CHECK(sums[0] == want && sums[1] == want, "concurrent callers: sums %lld %lld, want %lld",
        static_cast<long long>(sums[0].load()), static_cast<long long>(sums[1].load()), static_cast<long long>(want));
}

void CheckManySmallLoops(ThreadPool& pool) {
  // Back-to-back loops just big enough to split: races between publishing one loop and finishing the last.
  std::vector<int64_t> data(2048);
  for (int rep = 0; rep < 20000; ++rep) {
    pool.ParallelFor(2048, 2.0 * ThreadPool::kMinTaskCost / 64, [&](int64_t b, int64_t e, int) {
      for (int64_t i = b; i < e; ++i) data[i] += 1;
    });
  }
  int64_t wrong = 0;
  for (int64_t v : data) wrong += v != 20000;
  CHECK(wrong == 0, "many small loops: %lld elements wrong", static_cast<long long>(wrong));
}

// Rows cut so that no thread of two is left more of them than an even split: 14 rows whose cost pays for 7 tiles
// had been cut into 7 tiles of 2, 8 rows on one thread; the busiest-thread estimate the cut is chosen by.
void CheckBalancedRows(ThreadPool& pool) {
  if (pool.num_threads() != 2) return;
  CHECK(ThreadPool::BusiestThreadCells(2, 14, 1, 2, 1) == 8, "7 tiles of 2 rows: busiest %g",
        ThreadPool::BusiestThreadCells(2, 14, 1, 2, 1));
  CHECK(ThreadPool::BusiestThreadCells(2, 14, 1, 7, 1) == 7, "2 tiles of 7 rows: busiest %g",
        ThreadPool::BusiestThreadCells(2, 14, 1, 7, 1));
  CHECK(ThreadPool::BusiestThreadCells(2, 10, 10, 5, 3) == 50, "5x3 tiles of 10x10: busiest %g",
        ThreadPool::BusiestThreadCells(2, 10, 10, 5, 3));
  std::vector<int64_t> sizes;
  std::atomic_flag lock = ATOMIC_FLAG_INIT;
  pool.ParallelFor(14, ThreadPool::kMinTaskCost / 2.0, [&](int64_t b, int64_t e, int) {
    while (lock.test_and_set()) {
    }
    sizes.push_back(e - b);
    lock.clear();
  });
  int64_t largest = 0;
  for (int64_t n : sizes) largest = std::max(largest, n);
  const int64_t busiest = static_cast<int64_t>((sizes.size() + 1) / 2) * largest;
  CHECK(sizes.size() > 1 && busiest <= 7, "14 rows in %zu tiles, the largest %lld rows",
        sizes.size(), static_cast<long long>(largest));
}

void CheckSleepingWorkersWake(ThreadPool& pool) {
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // longer than the spin: the workers sleep
  CheckWorkersJoin(pool);
}

}  // namespace

int main() {
  for (int threads : {1, 2, 3, 4}) {
    ThreadPool pool(threads);
    CHECK(pool.num_threads() == threads, "num_threads %d", pool.num_threads());
    for (int64_t total : {0, 1, 2, 7, 64, 1000, 100003})
      for (double cost : {0.0, 1.0, 100.0, 1e6}) Check1D(pool, total, cost);
    for (auto rc : {std::pair<int64_t, int64_t>{1, 1}, {1, 97}, {3, 50}, {2, 2}, {101, 7}, {1000, 1}})
      for (double cost : {1.0, 1e4, 1e7}) Check2D(pool, rc.first, rc.second, cost);
    CheckFixedTiles(pool);
    CheckTinyRunsInline(pool);
    CheckWorkersJoin(pool);
    CheckNested(pool);
    CheckConcurrentCallers(pool);
    CheckManySmallLoops(pool);
    CheckBalancedRows(pool);
    CheckSleepingWorkersWake(pool);
  }
  for (int i = 0; i < 50; ++i) {  // made and destroyed while its workers spin or have just started
    ThreadPool pool(1 + i % 4);
    if (i % 2) Check1D(pool, 5000, 1e3);
  }
  {
    ThreadPool pool(0);
    CHECK(pool.num_threads() == 1, "ThreadPool(0) has %d threads", pool.num_threads());
  }
  std::printf(failures ? "%d failures\n" : "thread pool checks passed\n", failures);
  return failures ? 1 : 0;
}
