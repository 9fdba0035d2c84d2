"""Activation fusion: RELU/RELU6/RELU_N1_TO_1 right after an op that clamps its own output (conv,
fully-connected, element-wise arithmetic, pooling, concatenation) becomes that op's fused activation."""

from __future__ import annotations

from ..ir import Graph, Node
from .base import FUSED_ACTIVATION_OPS, Pass, absorb_into_producer, sole_producer


class FuseActivation(Pass):
    """Fuses a RELU, RELU6 or RELU_N1_TO_1 into the fused_activation_function of the op before it (conv,
    fully-connected, element-wise arithmetic, pooling)."""

    targets = ("RELU", "RELU6", "RELU_N1_TO_1")

    def match(self, graph: Graph, node: Node) -> bool:
        producer = sole_producer(graph, node.inputs[0], FUSED_ACTIVATION_OPS)
        return (producer is not None and producer.attrs.get("fused_activation_function", "NONE") == "NONE"
                and graph.dtype(node.inputs[0]).kind == "f")

    def apply(self, graph: Graph, node: Node) -> bool:
        producer = graph.producer(node.inputs[0])
        producer.attrs["fused_activation_function"] = node.op
        absorb_into_producer(graph, producer, node)
        return True
