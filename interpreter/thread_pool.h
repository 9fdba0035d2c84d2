// The thread pool kernels share, sized by the interpreter's num_threads. A loop is cut into tiles; each thread
// (the calling one works too) takes the tiles of its own contiguous share first, the same share of every loop, so
// consecutive operators split alike find their data in the core that wrote it, and then the rest of any other
// thread's share (a thread that was descheduled or started late takes fewer, so one slow thread does not hold the
// loop up). Each call says what one unit of work costs so that the pool alone decides how many tiles to cut and
// whether waking a thread pays.
#pragma once

#include <cstdint>
#include <memory>
#include <type_traits>

namespace edgelite {

// A non-owning reference to a callable: unlike std::function it never allocates, so kernels can hand
// lambdas with any captures to the pool during eval.
template <typename Signature>
class FunctionRef;
template <typename R, typename... Args>
class FunctionRef<R(Args...)> {
 public:
  // Only callables taking Args convert, so a lambda of the wrong arity is a compile error at the call.
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FunctionRef> &&
                                                    std::is_invocable_r_v<R, F&, Args...>>>
  FunctionRef(F&& fn)  // NOLINT: implicit, so lambdas pass directly
      : object_(const_cast<void*>(static_cast<const void*>(&fn))),
        call_([](void* o, Args... a) -> R { return (*static_cast<std::remove_reference_t<F>*>(o))(a...); }) {}
  R operator()(Args... a) const { return call_(object_, a...); }

 private:
  void* object_;
  R (*call_)(void*, Args...);
};

// fn(begin, end, thread): items [begin, end) on thread `thread` in [0, num_threads); no two tiles running at
// the same time have the same thread, so it indexes per-thread scratch.
using RangeTask = FunctionRef<void(int64_t, int64_t, int)>;
// fn(row_begin, row_end, col_begin, col_end, thread): one tile of a 2-D loop.
using TileTask = FunctionRef<void(int64_t, int64_t, int64_t, int64_t, int)>;

class ThreadPool {
 public:
  // Cost unit of the loops below: about one CPU cycle of one core; only the order of magnitude matters. A tile
  // costs at least kMinTaskCost (a few microseconds, several times what handing it to a spinning worker costs).
  static constexpr int64_t kMinTaskCost = 8 * 1024;
  // Rough costs in that unit, for call sites to combine into the cost of one item of their loop.
  static constexpr double kCostMultiplyAdd = 1.0 / 16;  // one float multiply-add in vectorized code
  static constexpr double kCostVectorValue = 0.5;  // one value through a vectorized element-wise loop
  static constexpr double kCostScalarValue = 2;    // one value through scalar code (index math, a branch)
  static constexpr double kCostTranscendental = 4;  // one exp, log, tanh, ... in vectorized code
  static constexpr double kCostByteCopied = 1.0 / 8;

  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return num_threads_; }

  // How many tiles a loop of `total` units costing `cost_per_unit` each should be cut into: 1 (run inline,
  // wake nobody) when the whole loop costs too little to pay for a hand-off, else up to a few per thread.
  int64_t TilesFor(int64_t total, double cost_per_unit) const;

  // Calls fn over [0, total) cut into tiles by cost; returns when all are done. Tiny loops run inline.
  void ParallelFor(int64_t total, double cost_per_item, RangeTask fn);

  // A 2-D loop over rows x cols cut into tiles by cost: rows are split first (each tile then reads a
  // contiguous block of the row operand), columns only when there are fewer rows than tiles wanted.
  void ParallelFor2D(int64_t rows, int64_t cols, double cost_per_cell, TileTask fn);

  // Tiles of fixed size (the caller chose them, e.g. from a plugin's grain), handed out the same way.
  void ParallelForTiles(int64_t rows, int64_t cols, int64_t tile_rows, int64_t tile_cols, TileTask fn);

  // Cells the busiest of `threads` works on when rows x cols is cut into tiles of tile_rows x tile_cols (the last
  // row and column of tiles smaller) that go, in row-major order, to whichever thread has done least: how the
  // shares and stealing play out, for callers choosing between ways to cut a loop.
  static double BusiestThreadCells(int threads, int64_t rows, int64_t cols, int64_t tile_rows, int64_t tile_cols);

 private:
  int num_threads_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgelite
