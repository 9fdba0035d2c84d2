"""Erf lowering: .tflite has no ERF, so an erf left after GELU fusion is written with builtins, as
Abramowitz and Stegun's 7.1.26 (|error| <= 1.5e-7): 1 - poly(t) * exp(-x^2), t = 1 / (1 + p |x|), times
the sign of x (x / (|x| + tiny), 0 at x = 0)."""

from __future__ import annotations

import numpy as np

from ..ir import Graph, Node
from .base import Pass

_P = 0.3275911
_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)  # a1 .. a5


class LowerErf(Pass):
    """Writes an ERF left after GELU fusion with builtin operators (.tflite has none), to within 1.5e-7."""

    targets = ("ERF",)

    def apply(self, graph: Graph, node: Node) -> bool:
        x, out = node.inputs[0], node.outputs[0]
        dtype = graph.dtype(x)
        position = graph.nodes.index(node)
        graph.remove_node(node)
        del graph.values[out]
        none = {"fused_activation_function": "NONE"}

        def op(name, inputs, attrs=None, output=None):
            nonlocal position
            y = graph.add_node1(name, inputs, attrs, name=f"{node.name}/{name.lower()}", position=position,
                                outputs=None if output is None else [output])
            position += 1
            return y

        def c(v):
            return graph.add_const(np.asarray(v, dtype), "erf_coefficient")
        ax = op("ABS", [x])
        t = op("DIV", [c(1.0), op("ADD", [op("MUL", [ax, c(_P)], none), c(1.0)], none)], none)
        poly = op("MUL", [t, c(_A[4])], none)
        for a in reversed(_A[:4]):
            poly = op("MUL", [op("ADD", [poly, c(a)], none), t], none)
        decay = op("EXP", [op("NEG", [op("MUL", [x, x], none)])])
        magnitude = op("SUB", [c(1.0), op("MUL", [poly, decay], none)], none)
        sign = op("DIV", [x, op("ADD", [ax, c(1e-30)], none)], none)
        op("MUL", [magnitude, sign], none, output=out)
        return True
