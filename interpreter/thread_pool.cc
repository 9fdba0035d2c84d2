// The pool: num_threads - 1 workers that spin a little after each loop (the next operator of an invoke
// usually comes within microseconds, and waking a sleeping thread costs tens of them), then sleep on a
// condition variable. A loop lives on the caller's stack; the caller publishes it, works on it like any
// worker, and waits only for workers that took a tile, never for one still waking up.
#include "interpreter/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace edgelite {

namespace {

// How long an idle worker spins before it sleeps.
constexpr auto kSpinTime = std::chrono::microseconds(500);
// Tiles cut per thread at most: more than one, so a thread that got descheduled or woke late leaves its
// share to the others; few, so each tile stays large.
constexpr int64_t kTilesPerThread = 4;

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// One step of a spin-wait: pause instructions first, then also yield the core every 16th step, so that on
// a machine with more runnable threads than cores the thread being waited for (often descheduled) gets to
// run instead of the spinner burning the time slice.
inline void SpinStep(int step) {
  CpuRelax();
  if (step >= 256 && step % 16 == 0) std::this_thread::yield();
}

// One loop in flight: tiles of tile_rows x tile_cols over rows x cols, numbered row-major.
struct Loop {
  TileTask fn;
  int64_t rows, cols, tile_rows, tile_cols, col_tiles, tiles;
};

void RunTile(const Loop& loop, int64_t t, int thread) {
  const int64_t r0 = t / loop.col_tiles * loop.tile_rows, c0 = t % loop.col_tiles * loop.tile_cols;
  loop.fn(r0, std::min(loop.rows, r0 + loop.tile_rows), c0, std::min(loop.cols, c0 + loop.tile_cols), thread);
}

// A thread's share of a loop's tiles, handed out from `next` to the thread itself first and then to any thread
// that has finished its own. Each thread starting on the same contiguous share of every loop keeps consecutive
// operators' data where it was written: a row-split convolution's thread 1 reads the rows thread 1 wrote into
// its own core's cache (with one shared counter the tiles alternated between threads, so half of every input
// came from the other core).
struct alignas(64) Share {
  std::atomic<int64_t> next{0};
  int64_t end = 0;
};

// Every tile of `loop`: the thread's own share, then the others' remainders.
void RunShares(const Loop& loop, Share* shares, int count, int thread) {
  for (int k = 0; k < count; ++k) {
    Share& s = shares[(thread + k) % count];
    for (int64_t t; (t = s.next.fetch_add(1, std::memory_order_relaxed)) < s.end;) RunTile(loop, t, thread);
  }
}

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace

struct ThreadPool::Impl {
  explicit Impl(int workers);
  ~Impl();
  void WorkerMain(int thread);
  void Run(Loop& loop);

  std::vector<std::thread> threads;
  std::unique_ptr<Share[]> shares;  // one per thread, caller included; valid while a loop is published
  std::atomic<bool> busy{false};  // a loop is in flight: a nested or concurrent loop runs inline
  alignas(64) std::atomic<uint64_t> generation{0};  // bumped per published loop
  std::atomic<Loop*> loop{nullptr};
  std::atomic<bool> stop{false};
  alignas(64) std::atomic<int> inside{0};  // workers between reading `loop` and finishing its tiles
  std::atomic<int> sleepers{0};
  std::mutex mutex;
  std::condition_variable wake;
};

namespace {
// The pool a worker thread serves and its thread number, so a loop started from inside a tile runs inline
// under the same number.
thread_local const void* tls_pool = nullptr;
thread_local int tls_thread = 0;
}  // namespace

ThreadPool::Impl::Impl(int workers) : shares(new Share[workers + 1]) {
  threads.reserve(workers);
  for (int i = 1; i <= workers; ++i) threads.emplace_back([this, i] { WorkerMain(i); });
}

ThreadPool::Impl::~Impl() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stop = true;
    ++generation;
  }
  wake.notify_all();
  for (auto& t : threads) t.join();
}

void ThreadPool::Impl::WorkerMain(int thread) {
  tls_pool = this;
  tls_thread = thread;
  uint64_t seen = 0;
  for (;;) {
    uint64_t now = generation.load(std::memory_order_acquire);
    if (now == seen) {
      const auto deadline = std::chrono::steady_clock::now() + kSpinTime;
      for (int i = 1; (now = generation.load(std::memory_order_acquire)) == seen; ++i) {
        SpinStep(i);
        if (i % 64 || std::chrono::steady_clock::now() < deadline) continue;
        // Registered as a sleeper before the last look under the lock, so Run either sees the sleeper and
        // notifies, or bumped the generation before that look.
        std::unique_lock<std::mutex> lock(mutex);
        sleepers.fetch_add(1);
        wake.wait(lock, [&] { return generation.load() != seen; });
        sleepers.fetch_sub(1);
      }
    }
    if (stop.load()) return;
    seen = now;
    // Counted before `loop` is read: Run clears `loop` before it waits for `inside` to drop to zero, so a
    // worker either is waited for or finds no loop (or the next one, which then waits for it).
    inside.fetch_add(1);
    if (Loop* l = loop.load()) RunShares(*l, shares.get(), static_cast<int>(threads.size()) + 1, thread);
    inside.fetch_sub(1, std::memory_order_release);
  }
}

void ThreadPool::Impl::Run(Loop& l) {
  if (tls_pool == this || busy.exchange(true, std::memory_order_acquire)) {
    // Nested in a tile, or beside another caller's loop: inline, without the shares that loop is using.
    const int thread = tls_pool == this ? tls_thread : 0;
    for (int64_t t = 0; t < l.tiles; ++t) RunTile(l, t, thread);
    return;
  }
  // Shares before the loop is published: a worker reads them only after seeing the new generation.
  const int count = static_cast<int>(threads.size()) + 1;
  for (int k = 0; k < count; ++k) {
    shares[k].next.store(l.tiles * k / count, std::memory_order_relaxed);
    shares[k].end = l.tiles * (k + 1) / count;
  }
  loop.store(&l);
  generation.fetch_add(1);
  if (sleepers.load() > 0) {
    { std::lock_guard<std::mutex> lock(mutex); }
    const int64_t wanted = std::min<int64_t>(static_cast<int64_t>(threads.size()), l.tiles - 1);
    for (int64_t i = 0; i < wanted; ++i) wake.notify_one();
  }
  RunShares(l, shares.get(), count, 0);
  loop.store(nullptr);
  for (int i = 1; inside.load() != 0; ++i) SpinStep(i);
  busy.store(false, std::memory_order_release);
}

ThreadPool::ThreadPool(int num_threads) : num_threads_(std::max(1, num_threads)) {
  // The caller's thread works too, so the pool needs one thread fewer than the parallelism asked for.
  if (num_threads_ > 1) impl_ = std::make_unique<Impl>(num_threads_ - 1);
}

ThreadPool::~ThreadPool() = default;

int64_t ThreadPool::TilesFor(int64_t total, double cost_per_unit) const {
  if (num_threads_ == 1 || total <= 1) return 1;
  const double by_cost = static_cast<double>(total) * cost_per_unit / kMinTaskCost;
  const int64_t most = std::min<int64_t>(total, num_threads_ * kTilesPerThread);
  return by_cost < 2 ? 1 : by_cost >= static_cast<double>(most) ? most : static_cast<int64_t>(by_cost);
}

void ThreadPool::ParallelForTiles(int64_t rows, int64_t cols, int64_t tile_rows, int64_t tile_cols,
                                  TileTask fn) {
  if (rows <= 0 || cols <= 0) return;
  tile_rows = std::max<int64_t>(1, std::min(tile_rows, rows));
  tile_cols = std::max<int64_t>(1, std::min(tile_cols, cols));
  Loop l{fn, rows, cols, tile_rows, tile_cols, CeilDiv(cols, tile_cols), 0};
  l.tiles = CeilDiv(rows, tile_rows) * l.col_tiles;
  if (l.tiles == 1 || !impl_) {
    fn(0, rows, 0, cols, tls_pool == impl_.get() && impl_ ? tls_thread : 0);
    return;
  }
  impl_->Run(l);
}

double ThreadPool::BusiestThreadCells(int threads, int64_t rows, int64_t cols, int64_t tile_rows, int64_t tile_cols) {
  const int64_t rr = CeilDiv(rows, tile_rows), cc = CeilDiv(cols, tile_cols);
  // Up to 4 threads simulated (the candidates' tiles are few); past that, whole tiles per thread rounded up.
  if (threads > 4) return static_cast<double>(CeilDiv(rr * cc, threads)) * tile_rows * tile_cols;
  int64_t done[4] = {0, 0, 0, 0};
  for (int64_t i = 0; i < rr; ++i) {
    const int64_t r = std::min(tile_rows, rows - i * tile_rows);
    for (int64_t j = 0; j < cc; ++j) {
      *std::min_element(done, done + threads) += r * std::min(tile_cols, cols - j * tile_cols);
    }
  }
  return static_cast<double>(*std::max_element(done, done + threads));
}

void ThreadPool::ParallelFor2D(int64_t rows, int64_t cols, double cost_per_cell, TileTask fn) {
  if (rows <= 0 || cols <= 0) return;
  const int64_t tiles = TilesFor(rows * cols, cost_per_cell);
  int64_t row_tiles = std::min(rows, tiles);
  const int64_t col_tiles = std::min(cols, CeilDiv(tiles, row_tiles));
  if (col_tiles == 1 && tiles > 1) {
    // Rows alone: of the ways to cut them into at most `tiles` tiles, the one whose busiest thread has the fewest
    // rows, then the most tiles. Cutting 14 rows into the 5 or 7 tiles the cost allows leaves one thread of two 8
    // rows; 2 tiles of 7 balance (MobileNet's 14x14 depthwise layers).
    double best = -1;
    for (int64_t n = tiles; n >= 1; --n) {
      const int64_t each = CeilDiv(rows, n);
      const double span = BusiestThreadCells(num_threads_, rows, 1, each, 1);
      if (best < 0 || span < best) best = span, row_tiles = CeilDiv(rows, each);
    }
  }
  ParallelForTiles(rows, cols, CeilDiv(rows, row_tiles), CeilDiv(cols, col_tiles), fn);
}

void ThreadPool::ParallelFor(int64_t total, double cost_per_item, RangeTask fn) {
  ParallelFor2D(total, 1, cost_per_item, [&](int64_t b, int64_t e, int64_t, int64_t, int t) { fn(b, e, t); });
}

}  // namespace edgelite
