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
    ("CONV_2D", "int8"): 3, ("DEPTHWISE_CONV_2D", "int8"): 3, ("CONV_2D", "int16"): 3,
    ("DEPTHWISE_CONV_2D", "int16"): 3,
}
# Integer operators TensorFlow writes as version 2 for both int8 and int16 (FULLY_CONNECTED: 4, 5 with bias).
_VERSION_2 = {"ADD", "SUB", "MUL", "AVERAGE_POOL_2D", "MAX_POOL_2D", "CONCATENATION", "MEAN", "SOFTMAX",
              "TRANSPOSE", "DEQUANTIZE", "LOGISTIC", "TANH", "PAD", "RELU", "BATCH_MATMUL", "GELU", "RSQRT",
              "SQUARED_DIFFERENCE", "SUM", "MAXIMUM", "MINIMUM", "RESIZE_BILINEAR", "SLICE", "STRIDED_SLICE"}


def _kind(graph: Graph, node: Node) -> str:
    dtypes = [graph.dtype(i) for i in node.inputs if i is not None]
    if not dtypes:
        return "float"
    if node.op == "DEQUANTIZE" and dtypes[0] == np.float16:
        return "fp16"
    if dtypes[0] == np.float32 and any(d == np.int8 for d in dtypes[1:]):
        return "hybrid"
    if dtypes[0] in (np.int8, np.uint8):
        return "int8"
    if dtypes[0] == np.int16:
        return "int16"
    return "float"


def quantized_op_version(graph: Graph, node: Node, float_version: int) -> int:
    """The version to write for `node`: its float version unless its tensor types need a higher one."""
    kind = _kind(graph, node)
    version = _VERSIONS.get((node.op, kind), 1)
    if kind in ("int8", "int16"):
        if node.op == "FULLY_CONNECTED":
            version = 5 if len(node.inputs) > 2 and node.inputs[2] is not None else 4
        elif node.op in _VERSION_2:
            version = 2
        elif node.op == "QUANTIZE":
            version = 2  # a requantization between integer types
    return max(float_version, version)
