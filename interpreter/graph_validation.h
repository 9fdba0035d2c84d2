// Structural checks of a model's graphs, run when the interpreter is built and before any kernel sees a node:
// who writes each tensor, that every tensor a node reads exists by the time the node runs, and that the
// subgraphs control-flow operators call exist. A model that fails them
// would make kernels read memory nothing wrote or write memory another node owns.
#pragma once

#include <memory>
#include <vector>

#include "interpreter/subgraph.h"

namespace edgelite {

// One subgraph, in execution order. Every tensor has at most one writer: a node, or the caller for a graph
// input; a node never writes a constant, a variable (state is updated in place by the node that reads it) or
// a graph input, and never reads its own output. Every tensor a node reads, and every graph output, is a
// graph input, a constant, a variable, or written by an earlier node.
Status ValidateDataflow(const Subgraph& subgraph);

// Across subgraphs: the subgraph indices of IF, WHILE and CALL_ONCE are in range. Recursion (a subgraph calling
// itself, directly or through others) and nesting deeper than 64 are refused at allocate, where control-flow
// kernels prepare their callees (Subgraph::GetSubgraph): every cycle reachable from what is allocated is met
// there, and a subgraph nothing reaches never runs.
Status ValidateCallGraph(const std::vector<std::unique_ptr<Subgraph>>& subgraphs);

}  // namespace edgelite
