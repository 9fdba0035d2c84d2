"""Transpose cancellation: TRANSPOSE of a TRANSPOSE becomes one TRANSPOSE by the composed permutation, a
TRANSPOSE by the identity permutation disappears, and one that only moves size-1 axes (the data order does
not change) becomes a RESHAPE."""

from __future__ import annotations

import numpy as np

from ..ir import Graph, Node
from .base import Pass, bypass, moves_only_unit_axes
from .sink_transposes import transpose_perm


class CancelTransposes(Pass):
    """Merges a TRANSPOSE of a TRANSPOSE into one, drops identity permutations, and turns a TRANSPOSE that only
    moves size-1 axes into a RESHAPE."""

    targets = ("TRANSPOSE",)

    def match(self, graph: Graph, node: Node) -> bool:
        perm = transpose_perm(graph, node)
        if perm is None:
            return False
        return (moves_only_unit_axes(graph.shape(node.inputs[0]), perm)
                or transpose_perm(graph, graph.producer(node.inputs[0])) is not None)

    def apply(self, graph: Graph, node: Node) -> bool:
        perm = transpose_perm(graph, node)
        inner = graph.producer(node.inputs[0])
        inner_perm = transpose_perm(graph, inner)
        if inner_perm is not None:
            # out[i] = mid[perm[i]] = x[inner_perm[perm[i]]]
            perm = [inner_perm[p] for p in perm]
            node.inputs = [inner.inputs[0], graph.add_const(np.asarray(perm, np.int32), node.inputs[1])]
        if perm == sorted(perm):
            return bypass(graph, node) or inner_perm is not None
        if moves_only_unit_axes(graph.shape(node.inputs[0]), perm):
            shape = list(graph.shape(node.outputs[0]))
            node.op, node.attrs = "RESHAPE", {"new_shape": shape}
            node.inputs = [node.inputs[0], graph.add_const(np.asarray(shape, np.int32), "shape")]
        return True
