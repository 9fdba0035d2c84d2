"""Transpose sinking: moves a TRANSPOSE below a layout-agnostic op (element-wise, concatenation, pad,
reductions), so that the NHWC->NCHW transpose after one conv meets the NCHW->NHWC transpose before the
next and CancelTransposes removes both. Constant operands are permuted to match."""

from __future__ import annotations

from typing import List, Optional

import numpy as np

from ..ir import Graph, Node
from ..shapes import BINARY_OPS
from .base import Pass

_ELEMENTWISE = ("RELU", "RELU6", "RELU_N1_TO_1", "RELU_0_TO_1", "LOGISTIC", "TANH", "LEAKY_RELU",
                "HARD_SWISH", "GELU", "ELU", "EXP", "LOG", "SQRT", "RSQRT", "ABS", "NEG", "FLOOR", "CEIL",
                "SQUARE", "SIN", "COS", "IDENTITY", "DROPOUT", "CAST") + BINARY_OPS
_LAST_AXIS_OPS = ("SOFTMAX", "LOG_SOFTMAX", "LOCAL_RESPONSE_NORMALIZATION", "L2_NORMALIZATION")
_REDUCERS = ("MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN", "REDUCE_PROD")
SINKABLE = _ELEMENTWISE + _LAST_AXIS_OPS + _REDUCERS + ("CONCATENATION", "PAD", "PADV2", "MIRROR_PAD")


def transpose_perm(graph: Graph, node: Optional[Node]) -> Optional[List[int]]:
    if node is None or node.op != "TRANSPOSE" or graph.const(node.inputs[1]) is None:
        return None
    return [int(p) for p in graph.const(node.inputs[1])]


class SinkTransposes(Pass):
    targets = SINKABLE

    def _plan(self, graph: Graph, node: Node):
        """(perm, new inputs) if every non-constant data input is a TRANSPOSE by the same perm."""
        data = [0] if node.op in _LAST_AXIS_OPS + _REDUCERS + ("PAD", "PADV2", "MIRROR_PAD") \
            else list(range(len(node.inputs)))
        if node.op == "PRELU" or node.op in BINARY_OPS:
            data = [0, 1]
        perm, sources = None, {}
        for k in data:
            name = node.inputs[k]
            if name is None or graph.values[name].is_const:
                continue
            p = transpose_perm(graph, graph.producer(name))
            if p is None or (perm is not None and p != perm):
                return None
            perm, sources[k] = p, graph.producer(name).inputs[0]
        if perm is None:
            return None
        rank = len(perm)
        if node.op in _LAST_AXIS_OPS and perm[-1] != rank - 1:
            return None
        inverse = list(np.argsort(perm))
        inputs = list(node.inputs)
        for k in data:
            name = inputs[k]
            if k in sources:
                inputs[k] = sources[k]
            elif name is not None:
                const = graph.const(name)
                if const.ndim > rank:
                    return None
                expanded = const.reshape((1,) * (rank - const.ndim) + const.shape)
                inputs[k] = graph.add_const(np.ascontiguousarray(np.transpose(expanded, inverse)), name)
        return perm, inputs

    def match(self, graph: Graph, node: Node) -> bool:
        if node.op in _REDUCERS + ("PAD", "PADV2", "MIRROR_PAD") and graph.const(node.inputs[1]) is None:
            return False
        return self._plan(graph, node) is not None

    def apply(self, graph: Graph, node: Node) -> bool:
        perm, inputs = self._plan(graph, node)
        rank = len(perm)
        out_perm = perm
        if node.op == "CONCATENATION":
            node.attrs["axis"] = perm[node.attrs.get("axis", 0) % rank]
        elif node.op in ("PAD", "PADV2", "MIRROR_PAD"):
            pads = graph.const(inputs[1]).reshape(rank, 2)
            new = np.zeros_like(pads)
            for i, p in enumerate(perm):
                new[p] = pads[i]
            inputs[1] = graph.add_const(new, node.inputs[1])
        elif node.op in _REDUCERS:
            axes = sorted({int(a) % rank for a in graph.const(inputs[1]).ravel()})
            new_axes = sorted(perm[a] for a in axes)
            inputs[1] = graph.add_const(np.asarray(new_axes, np.int32), node.inputs[1])
            if not node.attrs.get("keep_dims"):
                kept = sorted(perm[i] for i in range(rank) if i not in axes)  # new output's axis order
                out_perm = [kept.index(perm[i]) for i in range(rank) if i not in axes]
        node.inputs = inputs
        if out_perm == sorted(out_perm):
            return True  # e.g. a reduction whose kept axes are already in order
        # The node now computes in the source layout; a TRANSPOSE after it restores the old layout, under
        # the old output name.
        out = node.outputs[0]
        old = graph.values[out]
        inv = np.argsort(out_perm)
        inner = graph.add_value(f"{out}/pre_transpose", tuple(old.shape[i] for i in inv), old.dtype)
        node.outputs = [inner]
        perm_const = graph.add_const(np.asarray(out_perm, np.int32), f"{out}/perm")
        position = graph.nodes.index(node) + 1
        graph.insert_node(Node("TRANSPOSE", [inner, perm_const], [out], {}, f"{node.name}/transpose"), position)
        return True
