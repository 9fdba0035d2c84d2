"""Identity removal: IDENTITY, inference-time DROPOUT, RESHAPEs to the input's own shape and pads by zero
pass their input through, so readers of their output read the input instead."""

from __future__ import annotations

from ..ir import Graph, Node
from .base import Pass, bypass


class RemoveIdentity(Pass):
    """Removes operators that pass their input through: IDENTITY, inference DROPOUT, a RESHAPE to the same shape, a
    pad by zero."""

    targets = ("IDENTITY", "DROPOUT", "RESHAPE", "PAD", "PADV2", "MIRROR_PAD")

    def match(self, graph: Graph, node: Node) -> bool:
        if node.op in ("PAD", "PADV2", "MIRROR_PAD"):
            paddings = graph.const(node.inputs[1])
            return paddings is not None and not paddings.any()
        if node.op == "RESHAPE":
            return graph.shape(node.inputs[0]) == graph.shape(node.outputs[0])
        return True

    def apply(self, graph: Graph, node: Node) -> bool:
        return bypass(graph, node)
