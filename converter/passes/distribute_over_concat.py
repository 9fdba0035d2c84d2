"""Per-channel ops after a channel concatenation move onto its parts. A grouped convolution becomes
SPLIT, one CONV_2D per group and CONCATENATION, so the batch norm (MUL, ADD by per-channel constants) and
the ReLU that follow it meet a concatenation instead of a conv. Applied to each part (the constant sliced
to that part's channels), they sit right after the convs again, and FuseBatchNorm, FuseBias and
FuseActivation fold them in. Done only when every part's producer folds the op, so no op is added."""

from __future__ import annotations

from typing import List, Optional, Tuple

import numpy as np

from ..ir import Graph, Node
from .base import (FUSED_ACTIVATION_OPS, WEIGHTED_OPS, Pass, absorb_into_producer, bias_of, per_channel,
                   sole_producer)

_ACTIVATIONS = ("RELU", "RELU6", "RELU_N1_TO_1")


class DistributeOverConcat(Pass):
    """Moves a per-channel MUL, ADD or activation after a channel CONCATENATION onto each part (the constant sliced
    per part), when every part's producer then folds it: the batch norm and ReLU after a grouped convolution."""

    targets = ("MUL", "ADD") + _ACTIVATIONS

    def _parts(self, graph: Graph, node: Node) -> Optional[Tuple[Node, int, Optional[np.ndarray]]]:
        """(the concatenation, which input of `node` it is, the per-channel vector or None for an
        activation) when the rewrite applies."""
        binary = node.op in ("MUL", "ADD")
        for k in ((0, 1) if binary else (0,)):
            concat = sole_producer(graph, node.inputs[k], ("CONCATENATION",))
            if concat is None or concat.attrs.get("fused_activation_function", "NONE") != "NONE":
                continue
            shape = graph.shape(concat.outputs[0])
            if (int(concat.attrs["axis"]) % len(shape) != len(shape) - 1 or graph.shape(node.outputs[0]) != shape
                    or graph.dtype(node.outputs[0]).kind != "f"):
                continue
            vector = None
            if binary:
                const = graph.const(node.inputs[1 - k])
                vector = None if const is None else per_channel(graph, const, shape)
                if vector is None:
                    continue
            folds_into = WEIGHTED_OPS if binary else FUSED_ACTIVATION_OPS
            producers = [sole_producer(graph, part, folds_into) for part in concat.inputs]
            if all(p is not None and p.attrs.get("fused_activation_function", "NONE") == "NONE"
                   and (not binary or (graph.const(p.inputs[1]) is not None
                                       and bias_of(graph, p, graph.shape(p.outputs[0])[-1]) is not None))
                   for p in producers):
                return concat, k, vector
        return None

    def match(self, graph: Graph, node: Node) -> bool:
        return self._parts(graph, node) is not None

    def apply(self, graph: Graph, node: Node) -> bool:
        concat, k, vector = self._parts(graph, node)
        position = graph.nodes.index(concat)
        rank = len(graph.shape(concat.outputs[0]))
        parts: List[str] = []
        start = 0
        for i, part in enumerate(concat.inputs):
            width = graph.shape(part)[-1]
            inputs = [part]
            if vector is not None:
                piece = vector[start:start + width].astype(graph.dtype(part)).reshape([1] * (rank - 1) + [width])
                inputs.insert(1 - k, graph.add_const(piece, f"{node.name}/part{i}"))
            parts.append(graph.add_node1(node.op, inputs, dict(node.attrs), name=f"{node.name}/part{i}",
                                         position=position + i))
            start += width
        concat.inputs = parts
        absorb_into_producer(graph, concat, node)
        return True
