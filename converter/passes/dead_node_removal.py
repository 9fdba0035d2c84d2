"""Dead-node removal: nodes none of whose outputs reach a graph output, and values nothing reads."""

from __future__ import annotations

from collections import Counter

from ..ir import Graph
from .base import Pass


class DeadNodeRemoval(Pass):
    """Removes nodes none of whose outputs reach a graph output, then values nothing refers to."""

    def run(self, graph: Graph) -> bool:
        uses = Counter(graph.outputs)
        for node in graph.nodes:
            uses.update(i for i in node.inputs if i is not None)
        kept = []
        removed = False
        # Walking backwards frees a chain of dead nodes in one sweep.
        for node in reversed(graph.nodes):
            if any(uses[o] for o in node.outputs):
                kept.append(node)
                continue
            removed = True
            uses.subtract(i for i in node.inputs if i is not None)
        graph.nodes = kept[::-1]
        before = len(graph.values)
        graph.prune_values()
        return removed or len(graph.values) != before
