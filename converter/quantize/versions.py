"""Operator versions for quantized operators: the versions TensorFlow's converter (2.21) writes for the same
tensor types, which both LiteRT's resolvers and ours register."""

from __future__ import annotations

import numpy as np

from ..ir import Graph, Node

# (operator, kind) -> version; kind from _kind: "hybrid" (float activations, int8 weights), "int8", "int16",
# "fp16" (a float16 DEQUANTIZE).
_VERSIONS = {
    ("CONV_2D", "hybrid"): 5, ("DEPTHWISE_CONV_2D", "hybrid"): 6, ("FULLY_CONNECTED", "hybrid"): 12,
    ("DEQUANTIZE", "fp16"): 3,
}


def _kind(graph: Graph, node: Node) -> str:
    dtypes = [graph.dtype(i) for i in node.inputs if i is not None]
    if not dtypes:
        return "float"
    if node.op == "DEQUANTIZE" and dtypes[0] == np.float16:
        return "fp16"
    if dtypes[0] == np.float32 and any(d == np.int8 for d in dtypes[1:]):
        return "hybrid"
    return "float"


def quantized_op_version(graph: Graph, node: Node, float_version: int) -> int:
    """The version to write for `node`: its float version unless its tensor types need a higher one."""
    return max(float_version, _VERSIONS.get((node.op, _kind(graph, node)), 1))
