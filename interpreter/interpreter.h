// Interpreter: a model's subgraphs, signatures, thread pool and delegates, behind one object.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "interpreter/delegate.h"
#include "interpreter/model.h"
#include "interpreter/op_resolver.h"
#include "interpreter/resource_table.h"
#include "interpreter/subgraph.h"
#include "interpreter/thread_pool.h"

namespace edgelite {

struct SignatureInfo {
  std::string key;
  int subgraph_index = 0;
  std::vector<std::pair<std::string, int>> inputs;   // name -> tensor index, model order
  std::vector<std::pair<std::string, int>> outputs;
};

struct InterpreterOptions {
  int num_threads = 1;  // -1: the default (1)
  SubgraphOptions graph;
};

class Interpreter;

// One thread at a time: an Interpreter (its tensors, plans, kernels' state) is used by one thread at a time.
// Every call that reads or changes that state (Invoke, AllocateTensors, ModifyGraphWithDelegate, the copies
// and resizes of interpreter_api.h, the front ends' reads) holds an InterpreterUse for its duration; a call
// from a second thread meanwhile fails with kFailedPrecondition "interpreter is busy in another thread"
// instead of racing. The owning thread may nest uses (a signature call allocates). Cancel needs none.
class InterpreterUse {
 public:
  explicit InterpreterUse(Interpreter& interp);
  ~InterpreterUse();
  InterpreterUse(const InterpreterUse&) = delete;
  InterpreterUse& operator=(const InterpreterUse&) = delete;
  // Ok, or the busy error: check it before touching the interpreter.
  const Status& status() const { return status_; }

 private:
  Interpreter* released_by_me_ = nullptr;  // set when this use (not an outer one) took the interpreter
  Status status_;
};

class Interpreter {
 public:
  // Builds every subgraph. Fails on an inconsistent model; unsupported operators are reported by
  // AllocateTensors (so a model can still be inspected).
  static Status Create(std::shared_ptr<Model> model, const OpResolver& resolver, const InterpreterOptions& options,
                       std::unique_ptr<Interpreter>* out);
  static Status Create(std::shared_ptr<Model> model, const OpResolver& resolver, int num_threads,
                       std::unique_ptr<Interpreter>* out) {
    InterpreterOptions options;
    options.num_threads = num_threads;
    return Create(std::move(model), resolver, options, out);
  }

  // Hands supported nodes of every subgraph to the delegate. Call before AllocateTensors.
  Status ModifyGraphWithDelegate(std::shared_ptr<Delegate> delegate);

  // Prepares subgraph `subgraph_index` (the primary one, 0, by default; a signature's otherwise) and
  // plans its memory. Subgraphs that control-flow operators call are prepared by those operators.
  Status AllocateTensors(int subgraph_index = 0);
  // Runs subgraph `subgraph_index`. Fails with StatusCode::kCancelled when Cancel is called meanwhile.
  Status Invoke(int subgraph_index = 0);
  // Asks a running Invoke, from another thread, to stop: it returns kCancelled before its next node or
  // loop iteration (a kernel already running finishes first). Safe to call at any time; each Invoke
  // starts uncancelled, so a Cancel before Invoke begins has no effect (as LiteRT's Cancel).
  void Cancel() { cancel_requested_.store(true, std::memory_order_relaxed); }

  // Resource variables and CALL_ONCE's record. Not reset by Subgraph::ResetVariableTensors: resource
  // variables keep their values for the interpreter's life, as in LiteRT.
  ResourceTable& resources() { return resources_; }

  int num_subgraphs() const { return static_cast<int>(subgraphs_.size()); }
  Subgraph* subgraph(int index);
  const std::vector<SignatureInfo>& signatures() const { return signatures_; }
  const Model& model() const { return *model_; }
  int num_threads() const { return pool_->num_threads(); }

 private:
  friend class InterpreterUse;
  Interpreter() = default;
  Status ReadSignatures();

  // The thread inside a call (InterpreterUse); a default id when none is.
  std::atomic<std::thread::id> user_{};

  std::shared_ptr<Model> model_;
  std::unique_ptr<ThreadPool> pool_;
  // Before the subgraphs, which point at them, so they outlive the subgraphs' kernels.
  ResourceTable resources_;
  std::atomic<bool> cancel_requested_{false};
  std::vector<std::unique_ptr<Subgraph>> subgraphs_;
  std::vector<SignatureInfo> signatures_;
};

}  // namespace edgelite
