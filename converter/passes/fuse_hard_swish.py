"""Hard-swish recognized in its decomposed forms: x * relu6(x + 3) / 6, written as torch's
x * hardsigmoid(x) (the ONNX front-end lowers HardSigmoid to relu6(x + 3) * 1/6) or by hand with the
division before or after the product, becomes one HARD_SWISH."""

from __future__ import annotations

from typing import Optional

from ..ir import Graph, Node
from .base import Pass, scalar_const, sole_producer

_NONE = "NONE"


def _sixth_of(graph: Graph, node: Optional[Node]) -> Optional[str]:
    """v when `node` computes v / 6 (as MUL by 1/6 or DIV by 6), else None."""
    if node is None or node.attrs.get("fused_activation_function", _NONE) != _NONE:
        return None
    if node.op == "DIV":
        return node.inputs[0] if scalar_const(graph, node.inputs[1]) == 6.0 else None
    for c, v in ((1, 0), (0, 1)):
        k = scalar_const(graph, node.inputs[c])
        if k is not None and abs(k * 6 - 1) < 1e-6:
            return node.inputs[v]
    return None


def _relu6_of_x_plus_3(graph: Graph, value: Optional[str]) -> Optional[str]:
    """x when `value` is relu6(x + 3) (a RELU6 after the ADD, or fused into it), else None."""
    add = sole_producer(graph, value, ("ADD", "RELU6"))
    if add is not None and add.op == "RELU6":
        add = sole_producer(graph, add.inputs[0], ("ADD",))
        if add is None or add.attrs.get("fused_activation_function", _NONE) != _NONE:
            return None
    elif add is None or add.attrs.get("fused_activation_function") != "RELU6":
        return None
    for c, v in ((1, 0), (0, 1)):
        if scalar_const(graph, add.inputs[c]) == 3.0 and graph.const(add.inputs[v]) is None:
            return add.inputs[v]
    return None


class FuseHardSwish(Pass):
    """Recognizes hard-swish in its decomposed forms, x * relu6(x + 3) / 6, and makes it one HARD_SWISH."""

    targets = ("MUL", "DIV")

    def _input(self, graph: Graph, node: Node) -> Optional[str]:
        """x if `node` computes hard_swish(x)."""
        if node.attrs.get("fused_activation_function", _NONE) != _NONE:
            return None
        if node.op == "MUL":  # x * (relu6(x + 3) / 6)
            for x, g in ((0, 1), (1, 0)):
                inner = _sixth_of(graph, sole_producer(graph, node.inputs[g], ("MUL", "DIV")))
                if inner is not None and _relu6_of_x_plus_3(graph, inner) == node.inputs[x]:
                    return node.inputs[x]
        product = sole_producer(graph, _sixth_of(graph, node), ("MUL",))  # (x * relu6(x + 3)) / 6
        if product is not None and product.attrs.get("fused_activation_function", _NONE) == _NONE:
            for x, r in ((0, 1), (1, 0)):
                if _relu6_of_x_plus_3(graph, product.inputs[r]) == product.inputs[x]:
                    return product.inputs[x]
        return None

    def match(self, graph: Graph, node: Node) -> bool:
        return self._input(graph, node) is not None

    def apply(self, graph: Graph, node: Node) -> bool:
        node.inputs, node.op, node.attrs = [self._input(graph, node)], "HARD_SWISH", {}
        return True
