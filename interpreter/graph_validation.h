// Structural checks of a model's graphs, run when the interpreter is built and before any kernel sees a node:
// who writes each tensor, and that every tensor a node reads exists by the time the node runs. A model that fails
// them would make kernels read memory nothing wrote or write memory another node owns. (The subgraphs control-flow
// operators call are checked where they are called, Subgraph::GetSubgraph: in range, not recursive, not nested
// deeper than 64, when allocate prepares them.)
#pragma once

#include "interpreter/subgraph.h"

namespace edgelite {

// One subgraph, in execution order. Every tensor has at most one writer: a node, or the caller for a graph
// input; a node never writes a constant, a variable (state is updated in place by the node that reads it) or
// a graph input, and never reads its own output. Every tensor a node reads, and every graph output, is a
// graph input, a constant, a variable, or written by an earlier node.
Status ValidateDataflow(const Subgraph& subgraph);

}  // namespace edgelite
