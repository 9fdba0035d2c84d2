"""Transpose folding into a fully-connected layer: FULLY_CONNECTED(RESHAPE(TRANSPOSE(x))) that flattens
all but the batch axis reads x's features in a permuted order, so the weight columns are permuted instead
and the TRANSPOSE goes. This is the NHWC->NCHW transpose before a CNN's flatten + classifier (VGG,
AlexNet)."""

from __future__ import annotations

import numpy as np

from ..ir import Graph, Node
from .base import Pass, sole_producer
from .sink_transposes import transpose_perm


class FoldTransposeIntoFullyConnected(Pass):
    """Folds the TRANSPOSE before a flatten and FULLY_CONNECTED into a permutation of the weight columns (the
    NHWC->NCHW transpose before a CNN's classifier)."""

    targets = ("FULLY_CONNECTED",)

    def _parts(self, graph: Graph, node: Node):
        if node.attrs.get("keep_num_dims") or graph.const(node.inputs[1]) is None:
            return None
        flatten = sole_producer(graph, node.inputs[0], ("RESHAPE",))
        transpose = flatten and sole_producer(graph, flatten.inputs[0], ("TRANSPOSE",))
        perm = transpose_perm(graph, transpose)
        if perm is None or perm[0] != 0:
            return None
        x_shape = graph.shape(transpose.inputs[0])
        depth = graph.shape(node.inputs[1])[1]
        if graph.shape(flatten.outputs[0]) != (x_shape[0], depth) or int(np.prod(x_shape[1:])) != depth:
            return None
        return flatten, transpose, perm

    def match(self, graph: Graph, node: Node) -> bool:
        return self._parts(graph, node) is not None

    def apply(self, graph: Graph, node: Node) -> bool:
        flatten, transpose, perm = self._parts(graph, node)
        x = transpose.inputs[0]
        # Feature j of the transposed flattening is feature source[j] of x's own flattening.
        features = np.arange(int(np.prod(graph.shape(x)[1:]))).reshape(graph.shape(x)[1:])
        source = features.transpose([p - 1 for p in perm[1:]]).reshape(-1)
        weights = graph.const(node.inputs[1])
        permuted = np.empty_like(weights)
        permuted[:, source] = weights
        flatten.inputs = [x] + list(flatten.inputs[1:])
        node.inputs = [node.inputs[0], graph.add_const(permuted, f"{node.name}/weights")] + list(node.inputs[2:])
        return True
