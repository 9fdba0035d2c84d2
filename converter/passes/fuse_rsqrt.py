"""Reciprocal square root: DIV(a, SQRT(b)) becomes MUL(a, RSQRT(b)) when nothing else reads the SQRT. This is
the decomposed layer norm of older exports ((x - mean) / sqrt(var + eps)), which then takes the same
MEAN, SUB, MUL, RSQRT form as LayerNormalization."""

from __future__ import annotations

from ..ir import Graph, Node
from .base import Pass, sole_producer


class FuseRsqrt(Pass):
    """Rewrites DIV(a, SQRT(b)) as MUL(a, RSQRT(b)) when nothing else reads the SQRT (older exports' layer norm)."""

    targets = ("DIV",)

    def match(self, graph: Graph, node: Node) -> bool:
        return (graph.dtype(node.inputs[0]).kind == "f"
                and sole_producer(graph, node.inputs[1], ("SQRT",)) is not None
                and graph.shape(node.inputs[1]) == graph.shape(graph.producer(node.inputs[1]).inputs[0]))

    def apply(self, graph: Graph, node: Node) -> bool:
        sqrt = graph.producer(node.inputs[1])
        sqrt.op = "RSQRT"
        node.op = "MUL"
        return True
