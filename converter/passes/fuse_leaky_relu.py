"""Leaky ReLU written as max(x, alpha * x) (graphs converted from TensorFlow 1.x's tf.maximum, and
Darknet ports) becomes one LEAKY_RELU. For 0 <= alpha <= 1 the two agree on every input: x when x >= 0,
alpha * x when x < 0."""

from __future__ import annotations

from typing import Optional, Tuple

from ..ir import Graph, Node
from .base import Pass, scalar_const, sole_producer


class FuseLeakyRelu(Pass):
    """Rewrites MAXIMUM(x, alpha * x) with a constant 0 <= alpha <= 1 as one LEAKY_RELU (TensorFlow 1.x and Darknet
    graphs)."""

    targets = ("MAXIMUM",)

    def _parts(self, graph: Graph, node: Node) -> Optional[Tuple[str, float]]:
        """(x, alpha) when `node` is MAXIMUM(x, MUL(x, alpha)) in either order."""
        for x, s in ((0, 1), (1, 0)):
            mul = sole_producer(graph, node.inputs[s], ("MUL",))
            if mul is None or mul.attrs.get("fused_activation_function", "NONE") != "NONE":
                continue
            for v, c in ((0, 1), (1, 0)):
                alpha = scalar_const(graph, mul.inputs[c])
                if (mul.inputs[v] == node.inputs[x] and alpha is not None and 0.0 <= alpha <= 1.0
                        and graph.shape(node.outputs[0]) == graph.shape(node.inputs[x])
                        and graph.dtype(node.inputs[x]).kind == "f"):
                    return node.inputs[x], alpha
        return None

    def match(self, graph: Graph, node: Node) -> bool:
        return self._parts(graph, node) is not None

    def apply(self, graph: Graph, node: Node) -> bool:
        x, alpha = self._parts(graph, node)
        node.op, node.inputs, node.attrs = "LEAKY_RELU", [x], {"alpha": alpha}
        return True
