"""edgelite.training's LayerNormalization and MultiHeadAttention as .tflite builtins.

LayerNormalization: MEAN, SQUARED_DIFFERENCE, MEAN, ADD epsilon, RSQRT, then MUL/ADD by gamma and beta.
MultiHeadAttention: one FULLY_CONNECTED per projection (Keras' (dim, heads, key_dim) kernels flattened to
(heads * key_dim, dim), the 1 / sqrt(key_dim) query scale folded into the query's weights), RESHAPE and
TRANSPOSE to (batch, heads, steps, dim), BATCH_MATMUL for the scores, the masks as an additive -1e9 term (Keras'
masked softmax; the causal mask and sliding window are constants), SOFTMAX, BATCH_MATMUL with the values, then
back to (batch, steps, heads * value_dim), times LOGISTIC of the gate projection with use_gate, and the output
FULLY_CONNECTED. Shapes naming the batch are written at the probe batch and made dynamic by the merge.
"""

from __future__ import annotations

import math

import numpy as np

from .training import _layer
from .training_layers_conv import reshape

_NONE = {"fused_activation_function": "NONE"}
_MASKED_SCORE = -1e9  # what Keras' masked softmax adds where attention is not allowed


@_layer("LayerNormalization")
def _layer_norm(graph, layer, config, weights, inputs, shape):
    x = inputs[0]
    rank = len(graph.shape(x))
    axis = config["axis"] if isinstance(config["axis"], list) else [config["axis"]]
    axes = sorted(a % rank for a in axis)
    dtype = graph.dtype(x)
    axes_const = graph.add_const(np.asarray(axes, np.int32), "axes")
    mean = graph.add_node1("MEAN", [x, axes_const], {"keep_dims": True}, name=f"{layer.name}/mean")
    variance = graph.add_node1("MEAN", [graph.add_node1("SQUARED_DIFFERENCE", [x, mean]), axes_const],
                               {"keep_dims": True}, name=f"{layer.name}/variance")
    inv = graph.add_node1("RSQRT", [graph.add_node1("ADD", [variance, graph.add_const(
        np.asarray(config["epsilon"], dtype), "epsilon")], _NONE)], name=f"{layer.name}/inv_std")
    centered = x if config.get("rms_scaling") else graph.add_node1("SUB", [x, mean], _NONE)  # Keras: rms keeps x
    y = graph.add_node1("MUL", [centered, inv], _NONE, name=f"{layer.name}/normalized")
    broadcast = [graph.shape(x)[a] if a in axes else 1 for a in range(rank)]
    for weight, op in (("gamma", "MUL"), ("beta", "ADD")):
        if weight in weights:
            y = graph.add_node1(op, [y, graph.add_const(weights[weight].astype(dtype).reshape(broadcast),
                                                        f"{layer.name}/{weight}")], _NONE)
    return graph.add_node1("IDENTITY", [y], name=layer.name) if y == x else y


def _dense_heads(graph, x, kernel, bias, scale, name):
    """(batch, steps, dim) @ kernel (dim, heads, size) + bias -> (batch, steps, heads * size), heads major."""
    dim, heads, size = kernel.shape
    weights = (kernel.reshape(dim, heads * size) * scale).T
    bias = np.zeros(heads * size, kernel.dtype) if bias is None else bias.reshape(-1) * scale
    return graph.add_node1("FULLY_CONNECTED", [x, graph.add_const(np.ascontiguousarray(weights, kernel.dtype),
                                                                  f"{name}/kernel"),
                                               graph.add_const(bias.astype(kernel.dtype), f"{name}/bias")],
                           {**_NONE, "keep_num_dims": True}, name=f"{name}/dense")


def _project(graph, x, kernel, bias, scale, name):
    """(batch, steps, dim) @ kernel (dim, heads, size) + bias -> (batch, heads, steps, size)."""
    _, heads, size = kernel.shape
    y = _dense_heads(graph, x, kernel, bias, scale, name)
    n, steps = graph.shape(x)[:2]
    y = reshape(graph, y, [n, steps, heads, size], f"{name}/heads")
    return graph.add_node1("TRANSPOSE", [y, graph.add_const(np.asarray([0, 2, 1, 3], np.int32), "perm")],
                           name=f"{name}/per_head")


def _as_float(graph, x, dtype, name):
    if graph.dtype(x) == dtype:
        return x
    return graph.add_node1("CAST", [x], {"in_data_type": graph.dtype(x), "out_data_type": dtype}, name=name)


def _mask_bias(graph, layer, given, query_steps, key_steps, use_causal_mask, dtype):
    """The additive (batch or 1, 1, query steps, key steps) term: 0 where allowed, -1e9 elsewhere; None when
    nothing is masked."""
    name = layer.name
    factors = []
    layouts = {"query_mask": lambda n: [n, 1, query_steps, 1], "value_mask": lambda n: [n, 1, 1, key_steps],
               "key_mask": lambda n: [n, 1, 1, key_steps],
               "attention_mask": lambda n: [n, 1, query_steps, key_steps]}
    for slot, layout in layouts.items():
        if slot in given:
            m = _as_float(graph, given[slot], dtype, f"{name}/{slot}_float")
            factors.append(reshape(graph, m, layout(graph.shape(m)[0]), f"{name}/{slot}"))
    causal = None  # the constant part: causal mask and sliding window
    if use_causal_mask:
        causal = np.tril(np.ones((query_steps, key_steps), dtype))
    window = getattr(layer, "sliding_window", None)
    if window is not None:
        band = (np.abs(np.arange(query_steps)[:, None] - np.arange(key_steps)[None, :]) < window).astype(dtype)
        causal = band if causal is None else causal * band
    causal = None if causal is None else causal[None, None]
    if not factors:
        return None if causal is None else graph.add_const((1 - causal) * np.asarray(_MASKED_SCORE, dtype),
                                                           f"{name}/causal_mask")
    mask = factors[0]
    for f in factors[1:]:
        mask = graph.add_node1("MUL", [mask, f], _NONE)
    if causal is not None:
        mask = graph.add_node1("MUL", [mask, graph.add_const(causal, f"{name}/causal")], _NONE)
    shifted = graph.add_node1("SUB", [mask, graph.add_const(np.asarray(1, dtype), "one")], _NONE)
    return graph.add_node1("MUL", [shifted, graph.add_const(np.asarray(-_MASKED_SCORE, dtype), "big")], _NONE,
                           name=f"{name}/mask_bias")


@_layer("MultiHeadAttention", call_kwargs=True)
def _multi_head_attention(graph, layer, config, weights, inputs, shape, call_kwargs):
    slots = list(call_kwargs.get("slots") or ["query", "value", "key"][:len(inputs)])
    given = dict(zip(slots, inputs))
    query, value = given["query"], given["value"]
    key = given.get("key", value)
    name = layer.name
    dtype = graph.dtype(query)
    key_dim = int(config["key_dim"])
    q = _project(graph, query, weights["query/kernel"], weights.get("query/bias"), 1.0 / math.sqrt(key_dim),
                 f"{name}/query")
    k = _project(graph, key, weights["key/kernel"], weights.get("key/bias"), 1.0, f"{name}/key")
    v = _project(graph, value, weights["value/kernel"], weights.get("value/bias"), 1.0, f"{name}/value")
    scores = graph.add_node1("BATCH_MATMUL", [q, k], {"adj_x": False, "adj_y": True}, name=f"{name}/logits")
    n, heads, query_steps, key_steps = graph.shape(scores)
    bias = _mask_bias(graph, layer, given, query_steps, key_steps, bool(call_kwargs.get("use_causal_mask")), dtype)
    if bias is not None:
        scores = graph.add_node1("ADD", [scores, bias], _NONE, name=f"{name}/masked")
    probabilities = graph.add_node1("SOFTMAX", [scores], {"beta": 1.0}, name=f"{name}/scores")
    attended = graph.add_node1("BATCH_MATMUL", [probabilities, v], {"adj_x": False, "adj_y": False},
                               name=f"{name}/attended")
    attended = graph.add_node1("TRANSPOSE", [attended, graph.add_const(np.asarray([0, 2, 1, 3], np.int32), "perm")])
    value_dim = graph.shape(attended)[-1]
    attended = reshape(graph, attended, [n, query_steps, heads * value_dim], f"{name}/merged_heads")
    if config.get("use_gate"):  # sigmoid(query @ gate) in the same (heads, value_dim) order as the merged heads
        gate = _dense_heads(graph, query, weights["gate/kernel"], weights.get("gate/bias"), 1.0, f"{name}/gate")
        attended = graph.add_node1("MUL", [attended, graph.add_node1("LOGISTIC", [gate])], _NONE, name=f"{name}/gated")
    kernel = weights["attention_output/kernel"]  # (heads, value_dim, out)
    out_bias = weights.get("attention_output/bias", np.zeros(kernel.shape[-1], kernel.dtype))
    out = graph.add_node1("FULLY_CONNECTED", [attended, graph.add_const(np.ascontiguousarray(
        kernel.reshape(heads * value_dim, -1).T), f"{name}/output_kernel"), graph.add_const(out_bias, f"{name}/output_bias")],
        {**_NONE, "keep_num_dims": True}, name=name)
    return [out, probabilities] if call_kwargs.get("return_attention_scores") else out
