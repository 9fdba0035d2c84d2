// Interpreter: a model's subgraphs, signatures, thread pool and delegates, behind one object.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "interpreter/delegate.h"
#include "interpreter/model.h"
#include "interpreter/op_resolver.h"
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
  Status Invoke(int subgraph_index = 0);

  int num_subgraphs() const { return static_cast<int>(subgraphs_.size()); }
  Subgraph* subgraph(int index);
  const std::vector<SignatureInfo>& signatures() const { return signatures_; }
  const Model& model() const { return *model_; }
  int num_threads() const { return pool_->num_threads(); }

 private:
  Interpreter() = default;
  Status ReadSignatures();

  std::shared_ptr<Model> model_;
  std::unique_ptr<ThreadPool> pool_;
  std::vector<std::unique_ptr<Subgraph>> subgraphs_;
  std::vector<SignatureInfo> signatures_;
};

}  // namespace edgelite
