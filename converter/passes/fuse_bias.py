"""Bias fusion: conv/depthwise/fully-connected followed by ADD (or SUB) of a per-output-channel constant
adds that constant to the op's bias (and takes the ADD's fused activation)."""

from __future__ import annotations

from ..ir import Graph, Node
from .base import WEIGHTED_OPS, Pass, absorb_into_producer, bias_of, per_channel, sole_producer


class FuseBias(Pass):
    """Adds an ADD (or SUB) of a per-output-channel constant after a conv, depthwise conv or fully-connected op to
    that op's bias."""

    targets = ("ADD", "SUB")

    def _parts(self, graph: Graph, node: Node):
        """(producer, constant vector) or None."""
        orders = [(0, 1)] if node.op == "SUB" else [(0, 1), (1, 0)]
        for a, c in orders:
            producer = sole_producer(graph, node.inputs[a], WEIGHTED_OPS)
            const = graph.const(node.inputs[c])
            if producer is None or const is None:
                continue
            if producer.attrs.get("fused_activation_function", "NONE") != "NONE":
                continue
            out_shape = graph.shape(producer.outputs[0])
            if graph.shape(node.outputs[0]) != out_shape:
                continue
            vector = per_channel(graph, const, out_shape)
            bias = bias_of(graph, producer, out_shape[-1])
            if vector is not None and bias is not None:
                return producer, (-vector if node.op == "SUB" else vector), bias
        return None

    def match(self, graph: Graph, node: Node) -> bool:
        return self._parts(graph, node) is not None

    def apply(self, graph: Graph, node: Node) -> bool:
        producer, vector, bias = self._parts(graph, node)
        new_bias = graph.add_const((bias + vector).astype(bias.dtype), f"{producer.name}/bias")
        producer.inputs = list(producer.inputs[:2]) + [new_bias] + list(producer.inputs[3:])
        # conv + bias, then the ADD's clamp: the producer takes it over (its own is NONE).
        producer.attrs["fused_activation_function"] = node.attrs.get("fused_activation_function", "NONE")
        absorb_into_producer(graph, producer, node)
        return True
