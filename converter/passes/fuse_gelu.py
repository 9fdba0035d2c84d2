"""GELU fusion: the exact GELU that exporters write out, x * 0.5 * (1 + erf(x / sqrt(2))) with its products in
any order and grouping (and x * (1 / sqrt(2)) for the division), becomes one GELU."""

from __future__ import annotations

import math
from typing import List, Optional

from ..ir import Graph, Node
from .base import Pass, scalar_const


def _is_plain_mul(node: Optional[Node]) -> bool:
    return node is not None and node.op == "MUL" and node.attrs.get("fused_activation_function", "NONE") == "NONE"


def _factors(graph: Graph, value: str, root: bool = True) -> List[str]:
    """The leaves of the product tree of plain MULs ending in `value` (inner products read once)."""
    node = graph.producer(value)
    if _is_plain_mul(node) and (root or (graph.num_uses(value) == 1 and value not in graph.outputs)):
        return _factors(graph, node.inputs[0], False) + _factors(graph, node.inputs[1], False)
    return [value]


def _erf_argument(graph: Graph, value: str) -> Optional[str]:
    """x when `value` is 1 + erf(x / sqrt(2)) (either operand order, or x * (1 / sqrt(2)))."""
    add = graph.producer(value)
    if add is None or add.op != "ADD" or add.attrs.get("fused_activation_function", "NONE") != "NONE":
        return None
    for erf_value, one in (add.inputs, add.inputs[::-1]):
        erf = graph.producer(erf_value)
        if erf is None or erf.op != "ERF" or scalar_const(graph, one) != 1.0:
            continue
        scaled = graph.producer(erf.inputs[0])
        if scaled is None or scaled.op not in ("MUL", "DIV"):
            continue
        for x, c in (scaled.inputs, scaled.inputs[::-1]):
            k = scalar_const(graph, c)
            if k is None or graph.values[x].is_const:
                continue
            ratio = k * math.sqrt(2) if scaled.op == "MUL" else k / math.sqrt(2)
            if abs(ratio - 1) < 1e-4 and (scaled.op == "MUL" or c == scaled.inputs[1]):
                return x
    return None


class FuseGelu(Pass):
    """Recognizes the exact GELU that exporters write out, x * 0.5 * (1 + erf(x / sqrt(2))) in any order and
    grouping, and makes it one GELU."""

    targets = ("MUL",)

    def _x(self, graph: Graph, node: Node) -> Optional[str]:
        leaves = _factors(graph, node.outputs[0])
        scale, rest = 1.0, []
        for leaf in leaves:
            k = scalar_const(graph, leaf)
            if k is None:
                rest.append(leaf)
            else:
                scale *= k
        if len(rest) != 2 or abs(scale - 0.5) > 1e-6:
            return None
        for x, term in (rest, rest[::-1]):
            if _erf_argument(graph, term) == x:
                return x
        return None

    def match(self, graph: Graph, node: Node) -> bool:
        return self._x(graph, node) is not None

    def apply(self, graph: Graph, node: Node) -> bool:
        x = self._x(graph, node)
        out = node.outputs[0]
        position = graph.nodes.index(node)
        graph.remove_node(node)
        del graph.values[out]
        graph.add_node1("GELU", [x], {"approximate": False}, name=node.name, outputs=[out], position=position)
        return True
