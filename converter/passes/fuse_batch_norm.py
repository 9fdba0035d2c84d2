"""Batch-norm fusion. Front-ends lower inference batch norm to MUL and ADD by per-channel constants; this
pass folds the MUL into the weights and bias of the conv/depthwise/fully-connected op before it (the ADD
is then a bias, for FuseBias); a clamp fused into the MUL moves to the op."""

from __future__ import annotations

from ..ir import Graph, Node
from .base import WEIGHTED_OPS, Pass, absorb_into_producer, bias_of, per_channel, sole_producer

# Axis of the weights that indexes output channels: CONV_2D OHWI, FULLY_CONNECTED [out, in],
# DEPTHWISE_CONV_2D [1, H, W, out].
_OUT_AXIS = {"CONV_2D": 0, "FULLY_CONNECTED": 0, "DEPTHWISE_CONV_2D": 3}


class FuseBatchNorm(Pass):
    """Folds the per-channel MUL of a lowered inference batch norm into the weights and bias of the conv, depthwise
    conv or fully-connected op before it."""

    targets = ("MUL",)

    def _parts(self, graph: Graph, node: Node):
        for a, c in ((0, 1), (1, 0)):
            producer = sole_producer(graph, node.inputs[a], WEIGHTED_OPS)
            scale = graph.const(node.inputs[c])
            if producer is None or scale is None:
                continue
            weights = graph.const(producer.inputs[1])
            out_shape = graph.shape(producer.outputs[0])
            if (weights is None or producer.attrs.get("fused_activation_function", "NONE") != "NONE"
                    or graph.shape(node.outputs[0]) != out_shape):
                continue
            vector = per_channel(graph, scale, out_shape)
            bias = bias_of(graph, producer, out_shape[-1])
            if vector is not None and bias is not None:
                return producer, vector, weights, bias
        return None

    def match(self, graph: Graph, node: Node) -> bool:
        return self._parts(graph, node) is not None

    def apply(self, graph: Graph, node: Node) -> bool:
        producer, vector, weights, bias = self._parts(graph, node)
        axis = _OUT_AXIS[producer.op]
        shape = [1] * weights.ndim
        shape[axis] = -1
        new_weights = (weights * vector.reshape(shape)).astype(weights.dtype)
        producer.inputs = ([producer.inputs[0], graph.add_const(new_weights, f"{producer.name}/weights"),
                            graph.add_const((bias * vector).astype(bias.dtype), f"{producer.name}/bias")]
                           + list(producer.inputs[3:]))
        producer.attrs["fused_activation_function"] = node.attrs.get("fused_activation_function", "NONE")
        absorb_into_producer(graph, producer, node)
        return True
