"""Local response normalization recognized in its decomposed form. torch exports nn.LocalResponseNorm as

    a / (k + alpha * avg_pool(pad(a * a)))^beta

where the average pool runs over `size` channels of a reshaped view (a 3-D pool over [N, 1, C, H, W]).
This pass turns that chain (MUL, reshapes, PAD, AVERAGE_POOL_2D, reshapes, MUL, ADD, POW, DIV) into one
LOCAL_RESPONSE_NORMALIZATION over the channel axis, between TRANSPOSEs the layout passes then cancel.
It must run before SinkTransposes, while the square and the division still read the same value.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..ir import Graph, Node
from .base import Pass, reshape_source, scalar_const, sole_producer


def _const_and_other(graph: Graph, node: Optional[Node]):
    """(scalar constant operand, other operand) of a binary node, or None."""
    if node is None or node.attrs.get("fused_activation_function", "NONE") != "NONE":
        return None
    for c, o in ((1, 0), (0, 1)):
        value = scalar_const(graph, node.inputs[c])
        if value is not None and graph.const(node.inputs[o]) is None:
            return value, node.inputs[o]
    return None


def _flat3(shape, axis: int):
    """`shape` read as [before axis, axis, after axis]."""
    return int(np.prod(shape[:axis])), shape[axis], int(np.prod(shape[axis + 1:]))


class FuseLocalResponseNorm(Pass):
    """Recognizes torch's decomposed local response normalization and makes it one LOCAL_RESPONSE_NORMALIZATION
    (must run before SinkTransposes)."""

    targets = ("DIV",)

    def _parts(self, graph: Graph, node: Node):
        """(numerator, channel axis, LRN options) or None."""
        a = node.inputs[0]
        shape = graph.shape(a)
        if len(shape) != 4 or node.attrs.get("fused_activation_function", "NONE") != "NONE":
            return None
        pow_ = sole_producer(graph, node.inputs[1], ("POW",))
        beta = None if pow_ is None else scalar_const(graph, pow_.inputs[1])
        add = None if beta is None else _const_and_other(graph, sole_producer(graph, pow_.inputs[0], ("ADD",)))
        mul = None if add is None else _const_and_other(graph, sole_producer(graph, add[1], ("MUL",)))
        if mul is None or any(graph.shape(v) != shape for v in (node.outputs[0], pow_.outputs[0], mul[1])):
            return None
        pool = sole_producer(graph, reshape_source(graph, mul[1]), ("AVERAGE_POOL_2D",))
        if pool is None:
            return None
        o = pool.attrs
        size = o.get("filter_height")
        if (o.get("padding") != "VALID" or o.get("stride_h") != 1 or o.get("stride_w") != 1
                or o.get("filter_width") != 1 or o.get("fused_activation_function", "NONE") != "NONE"
                or size % 2 == 0):
            return None  # an even window is asymmetric; .tflite's is 2 * radius + 1 channels
        pad = sole_producer(graph, reshape_source(graph, pool.inputs[0]), ("PAD", "PADV2"))
        if pad is None or graph.const(pad.inputs[1]) is None or (
                pad.op == "PADV2" and scalar_const(graph, pad.inputs[2]) != 0):
            return None
        paddings = graph.const(pad.inputs[1]).reshape(-1, 2)
        padded = [j for j in range(len(paddings)) if paddings[j].any()]
        if len(padded) != 1 or list(paddings[padded[0]]) != [size // 2, size // 2]:
            return None
        j = padded[0]
        pool_in = graph.shape(pool.inputs[0])  # [P, L, Q, R]: the window runs along L
        if _flat3(graph.shape(pad.outputs[0]), j) != (pool_in[0], pool_in[1], int(np.prod(pool_in[2:]))):
            return None
        square = sole_producer(graph, reshape_source(graph, pad.inputs[0]), ("MUL",))
        if (square is None or square.inputs[0] != square.inputs[1]
                or square.attrs.get("fused_activation_function", "NONE") != "NONE"
                or reshape_source(graph, square.inputs[0]) != reshape_source(graph, a)):
            return None
        channels = _flat3(graph.shape(pad.inputs[0]), j)
        axes = [c for c in range(4) if shape[c] > 1 and _flat3(shape, c) == channels]
        if len(axes) != 1:
            return None
        # avg_pool = sum / size, so alpha * avg = (alpha / size) * sum: .tflite's alpha multiplies the sum.
        return a, axes[0], {"radius": size // 2, "bias": add[0], "alpha": mul[0] / size, "beta": beta}

    def match(self, graph: Graph, node: Node) -> bool:
        return self._parts(graph, node) is not None

    def apply(self, graph: Graph, node: Node) -> bool:
        a, axis, options = self._parts(graph, node)
        out = node.outputs[0]
        position = graph.nodes.index(node)
        graph.remove_node(node)
        del graph.values[out]
        if axis == 3:
            graph.add_node1("LOCAL_RESPONSE_NORMALIZATION", [a], options, name=node.name, outputs=[out],
                            position=position)
            return True
        perm = [d for d in range(4) if d != axis] + [axis]
        inverse = [int(i) for i in np.argsort(perm)]
        x = graph.add_node1("TRANSPOSE", [a, graph.add_const(np.asarray(perm, np.int32), "perm")],
                            name=f"{node.name}/to_channels_last", position=position)
        y = graph.add_node1("LOCAL_RESPONSE_NORMALIZATION", [x], options, name=node.name, position=position + 1)
        graph.add_node1("TRANSPOSE", [y, graph.add_const(np.asarray(inverse, np.int32), "perm")],
                        name=f"{node.name}/from_channels_last", outputs=[out], position=position + 2)
        return True
