"""Transpose sinking through a shuffle within one axis. A channel shuffle (ShuffleNet) is exported as
RESHAPE [N, C, H, W] -> [N, g, C/g, H, W], TRANSPOSE of the g and C/g axes, RESHAPE back to [N, C, H, W]:
it only reorders positions along one axis, so a TRANSPOSE before it can move after it, with the shuffle
redone on the source's axis. With the layout TRANSPOSE sunk through, the shuffle runs channels-last
between convolutions and the TRANSPOSEs around it cancel."""

from __future__ import annotations

from typing import List, Optional, Tuple

import numpy as np

from ..ir import Graph, Node
from .base import Pass, sole_producer
from .sink_transposes import transpose_perm


def _sole_consumer(graph: Graph, value: str, op: str) -> Optional[Node]:
    users = graph.consumers(value)
    if len(users) != 1 or users[0].op != op or value in graph.outputs or graph.num_uses(value) != 1:
        return None
    return users[0]


def _split_axis(before: Tuple[int, ...], after: Tuple[int, ...]) -> Optional[Tuple[int, List[int]]]:
    """(axis, parts) if `after` is `before` with one axis split into two or more parts."""
    extra = len(after) - len(before)
    if extra < 1:
        return None
    for a in range(len(before)):
        parts = list(after[a:a + extra + 1])
        if (tuple(after[:a]) == tuple(before[:a]) and tuple(after[a + extra + 1:]) == tuple(before[a + 1:])
                and int(np.prod(parts)) == before[a]):
            return a, parts
    return None


class SinkTransposeThroughShuffle(Pass):
    """Moves a TRANSPOSE below a channel shuffle (RESHAPE, TRANSPOSE, RESHAPE within one axis), redoing the shuffle
    on the source's axis, so the layout TRANSPOSEs around it cancel."""

    targets = ("RESHAPE",)

    def _parts(self, graph: Graph, node: Node):
        """(source transpose, its perm, shuffle axis, parts, local perm, closing reshape) or None."""
        outer = sole_producer(graph, node.inputs[0], ("TRANSPOSE",))
        perm = transpose_perm(graph, outer)
        if perm is None:
            return None
        shape = graph.shape(node.inputs[0])
        split = _split_axis(shape, graph.shape(node.outputs[0]))
        middle = _sole_consumer(graph, node.outputs[0], "TRANSPOSE")
        q = transpose_perm(graph, middle)
        if split is None or q is None:
            return None
        axis, parts = split
        block = list(range(axis, axis + len(parts)))
        if any(q[i] != i for i in range(len(q)) if i not in block) or sorted(q[i] for i in block) != block:
            return None
        closing = _sole_consumer(graph, middle.outputs[0], "RESHAPE")
        if closing is None or graph.shape(closing.outputs[0]) != shape:
            return None
        local = [q[i] - axis for i in block]
        return outer, perm, axis, parts, local, closing

    def match(self, graph: Graph, node: Node) -> bool:
        return self._parts(graph, node) is not None

    def apply(self, graph: Graph, node: Node) -> bool:
        outer, perm, axis, parts, local, closing = self._parts(graph, node)
        source = outer.inputs[0]
        src_shape = list(graph.shape(source))
        a = perm[axis]  # the shuffled axis in the source layout
        split_shape = src_shape[:a] + parts + src_shape[a + 1:]
        n = len(parts)
        shuffle = list(range(a)) + [a + i for i in local] + list(range(a + n, len(split_shape)))
        position = graph.nodes.index(node)
        out = closing.outputs[0]
        middle = graph.producer(closing.inputs[0])
        for dead in (node, middle, closing):
            graph.remove_node(dead)
        del graph.values[out]

        def add(op, inputs, attrs=None, outputs=None):
            nonlocal position
            value = graph.add_node1(op, inputs, attrs, name=f"{node.name}/shuffle", outputs=outputs, position=position)
            position += 1
            return value

        def const(v):
            return graph.add_const(np.asarray(v, np.int32), "shape")
        y = add("RESHAPE", [source, const(split_shape)], {"new_shape": split_shape})
        y = add("TRANSPOSE", [y, const(shuffle)])
        y = add("RESHAPE", [y, const(src_shape)], {"new_shape": src_shape})
        add("TRANSPOSE", [y, const(perm)], outputs=[out])
        return True
