"""Transpose sinking: moves a TRANSPOSE below a layout-agnostic op (element-wise, concatenation, pad,
reductions, slices and splits), so that the NHWC->NCHW transpose after one conv meets the NCHW->NHWC
transpose before the next and CancelTransposes removes both. Constant operands are permuted to match."""

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
_PADS = ("PAD", "PADV2", "MIRROR_PAD")
# Ops whose only data input is input k (the others are constant axes, sizes or bounds).
_DATA_INPUT = {"STRIDED_SLICE": 0, "SPLIT": 1, "SPLIT_V": 0}
_SLICE_MASKS = ("begin_mask", "end_mask")
SINKABLE = _ELEMENTWISE + _LAST_AXIS_OPS + _REDUCERS + _PADS + ("CONCATENATION",) + tuple(_DATA_INPUT)


def transpose_perm(graph: Graph, node: Optional[Node]) -> Optional[List[int]]:
    """The permutation of `node` when it is a TRANSPOSE by a constant permutation, else None."""
    if node is None or node.op != "TRANSPOSE" or graph.const(node.inputs[1]) is None:
        return None
    return [int(p) for p in graph.const(node.inputs[1])]


class SinkTransposes(Pass):
    """Moves a TRANSPOSE below a layout-agnostic op (element-wise, concatenation, pad, reductions, slices, splits),
    permuting constant operands, so opposite transposes meet and cancel."""

    targets = SINKABLE

    def _plan(self, graph: Graph, node: Node):
        """(perm, new inputs) if every non-constant data input is a TRANSPOSE by the same perm."""
        data = [0] if node.op in _LAST_AXIS_OPS + _REDUCERS + _PADS else list(range(len(node.inputs)))
        if node.op in _DATA_INPUT:
            data = [_DATA_INPUT[node.op]]
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
        if node.op in _REDUCERS + _PADS and graph.const(node.inputs[1]) is None:
            return False
        if node.op in _PADS and not all(c.op in SINKABLE + ("TRANSPOSE",) for c in graph.consumers(node.outputs[0])):
            # The transpose could go no further (a convolution or pool reads the padded tensor, as in an ONNX
            # model's stem): below the PAD it would move the padded tensor's larger count of elements, and the PAD
            # would no longer be next to the convolution whose padding the interpreter makes it (subgraph_fusion.cc).
            return False
        if node.op in _DATA_INPUT:
            k = _DATA_INPUT[node.op]
            if any(graph.const(i) is None for j, i in enumerate(node.inputs) if j != k):
                return False
            if node.op == "STRIDED_SLICE" and any(node.attrs.get(m, 0) for m in
                                                  ("ellipsis_mask", "new_axis_mask", "shrink_axis_mask")):
                return False  # these change the rank
            if node.op != "STRIDED_SLICE" and not all(
                    o not in graph.outputs and all(c.op in SINKABLE + ("TRANSPOSE",) for c in graph.consumers(o))
                    for o in node.outputs):
                # A split turns one TRANSPOSE into one per part: only worth it when each can go on
                # sinking or cancel (ShuffleNet's halves), not before a grouped convolution's convs.
                return False
        return self._plan(graph, node) is not None

    @staticmethod
    def _move_axis_options(graph: Graph, node: Node, inputs, perm) -> None:
        """Rewrites the constant axis operands and options of slices and splits for the source layout."""
        rank = len(perm)
        if node.op == "STRIDED_SLICE":
            for k in (1, 2, 3):
                old = graph.const(inputs[k])
                new = np.zeros_like(old)
                new[perm] = old  # y axis i is x axis perm[i]
                inputs[k] = graph.add_const(new, node.inputs[k])
            for m in _SLICE_MASKS:
                bits = node.attrs.get(m, 0)
                node.attrs[m] = sum(1 << perm[i] for i in range(rank) if bits >> i & 1)
        else:
            k = 0 if node.op == "SPLIT" else 2
            axis = perm[int(graph.const(inputs[k])) % rank]
            inputs[k] = graph.add_const(np.asarray(axis, graph.dtype(inputs[k])), node.inputs[k])

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
        elif node.op in _DATA_INPUT:
            self._move_axis_options(graph, node, inputs, perm)
        node.inputs = inputs
        if out_perm == sorted(out_perm):
            return True  # e.g. a reduction whose kept axes are already in order
        # The node now computes in the source layout; a TRANSPOSE after each output restores the old layout,
        # under the old output name.
        inv = np.argsort(out_perm)
        position = graph.nodes.index(node) + 1
        for k, out in enumerate(list(node.outputs)):
            old = graph.values[out]
            inner = graph.add_value(f"{out}/pre_transpose", tuple(old.shape[i] for i in inv), old.dtype)
            node.outputs[k] = inner
            perm_const = graph.add_const(np.asarray(out_perm, np.int32), f"{out}/perm")
            graph.insert_node(Node("TRANSPOSE", [inner, perm_const], [out], {}, f"{node.name}/transpose"), position)
        return True
