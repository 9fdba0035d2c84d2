// Interpreter construction and signatures.
#include "interpreter/interpreter.h"

#include "schema/edgelite_generated.h"

namespace edgelite {

Status Interpreter::Create(std::shared_ptr<Model> model, const OpResolver& resolver,
                           const InterpreterOptions& options, std::unique_ptr<Interpreter>* out) {
  const int num_threads = options.num_threads;
  if (num_threads < -1 || num_threads == 0) {
    return InvalidArgument(StrCat("num_threads must be >= 1 (or -1 for the default), got ", num_threads));
  }
  std::unique_ptr<Interpreter> interp(new Interpreter());
  interp->model_ = std::move(model);
  interp->pool_ = std::make_unique<ThreadPool>(num_threads == -1 ? 1 : num_threads);
  const auto* fb_subgraphs = interp->model_->fb()->subgraphs();
  for (unsigned i = 0; i < fb_subgraphs->size(); ++i) {
    auto sg = std::make_unique<Subgraph>(static_cast<int>(i), interp->pool_.get(), options.graph);
    EL_RETURN_IF_ERROR(sg->Build(*interp->model_, *fb_subgraphs->Get(i), resolver));
    interp->subgraphs_.push_back(std::move(sg));
  }
  for (auto& sg : interp->subgraphs_) {
    sg->Connect(&interp->subgraphs_, &interp->resources_, &interp->cancel_requested_);
  }
  EL_RETURN_IF_ERROR(interp->ReadSignatures());
  *out = std::move(interp);
  return Status::Ok();
}

Status Interpreter::ReadSignatures() {
  const auto* defs = model_->fb()->signature_defs();
  if (!defs) return Status::Ok();
  for (unsigned i = 0; i < defs->size(); ++i) {
    const schema::SignatureDef* def = defs->Get(i);
    SignatureInfo info;
    info.key = def->signature_key() ? def->signature_key()->str() : StrCat("signature_", i);
    info.subgraph_index = static_cast<int>(def->subgraph_index());
    if (info.subgraph_index >= num_subgraphs()) {
      return InvalidModel(StrCat("signature '", info.key, "' refers to subgraph ", info.subgraph_index,
                                 ", out of range (", num_subgraphs(), " subgraphs)"));
    }
    const int num_tensors = subgraphs_[info.subgraph_index]->num_tensors();
    auto read = [&](const flatbuffers::Vector<flatbuffers::Offset<schema::TensorMap>>* maps,
                    std::vector<std::pair<std::string, int>>* out) -> Status {
      if (!maps) return Status::Ok();
      for (unsigned m = 0; m < maps->size(); ++m) {
        const schema::TensorMap* tm = maps->Get(m);
        const int t = static_cast<int>(tm->tensor_index());
        if (t < 0 || t >= num_tensors) {
          return InvalidModel(StrCat("signature '", info.key, "' refers to tensor ", t, ", out of range"));
        }
        out->emplace_back(tm->name() ? tm->name()->str() : StrCat("tensor_", t), t);
      }
      return Status::Ok();
    };
    EL_RETURN_IF_ERROR(read(def->inputs(), &info.inputs));
    EL_RETURN_IF_ERROR(read(def->outputs(), &info.outputs));
    signatures_.push_back(std::move(info));
  }
  return Status::Ok();
}

Status Interpreter::ModifyGraphWithDelegate(std::shared_ptr<Delegate> delegate) {
  if (!delegate) return InvalidArgument("delegate is null");
  InterpreterUse use(*this);
  EL_RETURN_IF_ERROR(use.status());
  for (auto& sg : subgraphs_) EL_RETURN_IF_ERROR(sg->ApplyDelegate(delegate));
  return Status::Ok();
}

Status Interpreter::AllocateTensors(int subgraph_index) {
  InterpreterUse use(*this);
  EL_RETURN_IF_ERROR(use.status());
  Subgraph* s = subgraph(subgraph_index);
  if (!s) return InvalidArgument(StrCat("subgraph index ", subgraph_index, " is out of range (model has ",
                                        num_subgraphs(), ")"));
  return s->AllocateTensors();
}

Status Interpreter::Invoke(int subgraph_index) {
  InterpreterUse use(*this);
  EL_RETURN_IF_ERROR(use.status());
  Subgraph* s = subgraph(subgraph_index);
  if (!s) return InvalidArgument(StrCat("subgraph index ", subgraph_index, " is out of range (model has ",
                                        num_subgraphs(), ")"));
  cancel_requested_.store(false, std::memory_order_relaxed);
  return s->Invoke();
}

Subgraph* Interpreter::subgraph(int index) {
  return index >= 0 && index < num_subgraphs() ? subgraphs_[index].get() : nullptr;
}

}  // namespace edgelite
