// InterpreterUse: one thread at a time per interpreter (interpreter.h).
#include "interpreter/interpreter.h"

namespace edgelite {

InterpreterUse::InterpreterUse(Interpreter& interp) {
  const std::thread::id me = std::this_thread::get_id();
  std::thread::id expected{};
  // acquire/release: what the previous user wrote is visible to the next one.
  if (interp.user_.compare_exchange_strong(expected, me, std::memory_order_acquire)) {
    released_by_me_ = &interp;
  } else if (expected != me) {
    status_ = FailedPrecondition("interpreter is busy in another thread");
  }
}

InterpreterUse::~InterpreterUse() {
  if (released_by_me_) released_by_me_->user_.store(std::thread::id{}, std::memory_order_release);
}

}  // namespace edgelite
