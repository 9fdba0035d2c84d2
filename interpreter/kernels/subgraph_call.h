// What the control-flow kernels (WHILE, IF, CALL_ONCE) share: checking a called subgraph's signature
// against the node, giving it its inputs, and copying its results back.
#pragma once

#include <string>
#include <vector>

#include "interpreter/kernel_api.h"

namespace edgelite {

// "body subgraph 2 ('while_body')": a callee for messages.
std::string DescribeCallee(const char* role, const CalledGraph& callee);

// Checks that `callee` takes exactly the `values` (count and dtypes), sets its input shapes to theirs
// and prepares it (again only when a shape changed). Errors name the node, the role and the input.
Status PrepareCallee(KernelContext& ctx, const Node& node, const char* role, CalledGraph& callee,
                     const std::vector<Tensor*>& values);

// Prepares (again only when needed) and invokes a callee; errors name the node and the callee, then the
// callee's own failing node.
Status PrepareCalled(KernelContext& ctx, const Node& node, const char* role, CalledGraph& callee);
Status InvokeCalled(KernelContext& ctx, const Node& node, const char* role, CalledGraph& callee);

// Checks that `callee` gives exactly `outputs.size()` outputs of the dtypes of `outputs`.
Status CheckCalleeOutputs(KernelContext& ctx, const Node& node, const char* role, CalledGraph& callee,
                          const std::vector<Tensor*>& outputs);

// Gives the prepared callee `values` as its inputs, lent without a copy when `borrow` (see
// CalledGraph::SetInput); the errors name the node.
Status SetCalleeInputs(KernelContext& ctx, const Node& node, CalledGraph& callee, const std::vector<Tensor*>& values,
                       bool borrow);

// Copies `src` into `dst`, giving `dst` the shape of `src` first (at eval a new shape makes `dst`
// dynamic; the core then gives it memory and has its readers prepare again). No copy when both are
// the same memory.
Status CopyTensorInto(KernelContext& ctx, const Node& node, const Tensor& src, Tensor& dst);

// The node's input (output) tensors in order, each present; for a kernel to keep from prepare to eval
// (tensor addresses are stable for the subgraph's life).
Status CollectInputs(KernelContext& ctx, const Node& node, int first, std::vector<Tensor*>* out);
Status CollectOutputs(KernelContext& ctx, const Node& node, std::vector<Tensor*>* out);

}  // namespace edgelite
