"""Reshape merging: a RESHAPE of a RESHAPE reads the first one's input directly (the data order of a
reshape never changes, so only the last target shape matters)."""

from __future__ import annotations

from ..ir import Graph, Node
from .base import Pass


class MergeReshapes(Pass):
    """Makes a RESHAPE of a RESHAPE read the first one's input directly."""

    targets = ("RESHAPE",)

    def match(self, graph: Graph, node: Node) -> bool:
        producer = graph.producer(node.inputs[0])
        return producer is not None and producer.op == "RESHAPE"

    def apply(self, graph: Graph, node: Node) -> bool:
        node.inputs = [graph.producer(node.inputs[0]).inputs[0]] + list(node.inputs[1:])
        return True
