"""Weight-only rewrites: float16 weights and dynamic-range (hybrid) int8 weights."""

from __future__ import annotations

from typing import Dict

import numpy as np

from ..ir import Graph, Node
from .params import symmetric_per_channel

# Operator -> (weight input index, per-channel axis of that weight) for the hybrid kernels.
HYBRID_WEIGHTS = {"CONV_2D": (1, 0), "DEPTHWISE_CONV_2D": (1, 3), "FULLY_CONNECTED": (1, 0)}
# TensorFlow's converter leaves weights smaller than this in float32 in dynamic-range mode (the quantized
# form would save little and cost accuracy); we do the same, so files come out the same size.
MIN_HYBRID_ELEMENTS = 1024


def _all_graphs(graph: Graph):
    return [graph] + list(graph.subgraphs)


def float16_weights(graph: Graph) -> int:
    """Stores every float32 constant a node reads as float16 and reads it through a DEQUANTIZE to float32,
    placed at the start of the graph (TensorFlow's float16 layout). Returns how many constants changed."""
    changed = 0
    for g in _all_graphs(graph):
        dequantized: Dict[str, str] = {}
        for node in list(g.nodes):
            for k, name in enumerate(node.inputs):
                if name is None:
                    continue
                v = g.values[name]
                if not v.is_const or v.dtype != np.float32 or v.quant is not None:
                    continue
                if name not in dequantized:
                    half = g.add_value(f"{name}/fp16", v.shape, np.float16, v.const.astype(np.float16))
                    out = g.add_value(f"{name}/dequantize", v.shape, np.float32)
                    g.insert_node(Node("DEQUANTIZE", [half], [out], {}, f"{name}/dequantize"), len(dequantized))
                    dequantized[name] = out
                node.inputs[k] = dequantized[name]
        g.prune_values()
        changed += len(dequantized)
    return changed


def dynamic_range(graph: Graph) -> int:
    """Quantizes the weights of the hybrid-capable operators (HYBRID_WEIGHTS) to symmetric per-channel int8
    when they have at least MIN_HYBRID_ELEMENTS elements; activations stay float32. Returns how many weights
    changed."""
    changed = 0
    for g in _all_graphs(graph):
        done: Dict[str, str] = {}
        for node in g.nodes:
            if node.op not in HYBRID_WEIGHTS or g.dtype(node.inputs[0]) != np.float32:
                continue
            index, axis = HYBRID_WEIGHTS[node.op]
            name = node.inputs[index]
            v = g.values[name]
            if not v.is_const or v.dtype != np.float32 or v.const.size < MIN_HYBRID_ELEMENTS:
                continue
            if name not in done:
                q, quant = symmetric_per_channel(v.const, axis)
                done[name] = g.add_value(f"{name}/int8", v.shape, np.int8, q)
                g.values[done[name]].quant = quant
            node.inputs[index] = done[name]
            if node.op == "FULLY_CONNECTED":
                # TensorFlow's choice: the input is quantized per row with its own zero point at run time.
                node.attrs["asymmetric_quantize_inputs"] = True
        g.prune_values()
        changed += len(done)
    return changed
