// What every kernel's ABI entry points share, whether the node is a Flex operator (registry.cc) or a
// builtin operator (builtin_front.cc): finding a KernelDef, turning FlexErrors into reported errors, and
// running its check / shape / eval at prepare and eval.
#pragma once

#include <exception>
#include <new>
#include <string>

#include "delegates/select/flex/kernel.h"

namespace edgelite::select {

// The kernel for TF op `op` ("Conv3D"), null when the library has none.
const KernelDef* FindKernelByOp(const char* op);

// Runs body; a thrown error becomes a reported one (nothing throws across the C ABI).
template <typename Body>
ElStatus Guard(const ElContextApi* api, ElContext* ctx, Body body) {
  try {
    body();
    return EL_STATUS_OK;
  } catch (const FlexError& e) {
    return api->report_error(ctx, e.what());
  } catch (const std::bad_alloc&) {
    return api->report_error(ctx, "select ops: out of memory");
  } catch (const std::exception& e) {
    return api->report_error(ctx, (std::string("select ops: ") + e.what()).c_str());
  }
}

// Prepare: input and output counts, the kernel's checks, and output shapes now when the inputs they
// depend on are known (else the outputs become dynamic and the shapes are set at each eval).
void PrepareKernel(OpContext& c, FlexNode& flex);
void EvalKernel(OpContext& c, FlexNode& flex);

// The ABI entry points of a node whose user data is a FlexNode (Flex operators, LiteRT custom operators).
void NodeFree(void* user_data);
ElStatus NodePrepare(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, void* user_data);
ElStatus NodeEval(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, void* user_data);

}  // namespace edgelite::select
