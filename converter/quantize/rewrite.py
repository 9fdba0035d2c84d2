"""Full integer rewrite: int8 (or int16) activations from calibration ranges, per-channel int8 weights, integer
bias, and QUANTIZE/DEQUANTIZE where the file's inputs and outputs stay float (TensorFlow's layout)."""

from __future__ import annotations

from typing import Dict, Optional, Tuple

import numpy as np

from ..ir import Graph, Node
from . import QuantizationError
from .params import _round_half_away, asymmetric, quantize_array, symmetric_per_channel

# Operator -> (weight input, per-channel axis, bias input) for the per-channel integer kernels.
WEIGHTED = {"CONV_2D": (1, 0, 2), "DEPTHWISE_CONV_2D": (1, 3, 2), "FULLY_CONNECTED": (1, 0, 2)}
# Outputs that must carry their input's parameters (the kernels copy or compare raw integers).
PASS_THROUGH = {"RESHAPE", "SQUEEZE", "EXPAND_DIMS", "TRANSPOSE", "MAX_POOL_2D", "AVERAGE_POOL_2D", "PAD",
                "SLICE", "STRIDED_SLICE", "GATHER", "SPACE_TO_DEPTH", "DEPTH_TO_SPACE", "RESIZE_NEAREST_NEIGHBOR",
                "SPLIT", "SPLIT_V", "UNPACK", "PACK", "PADV2", "MIRROR_PAD"}
# Outputs with the parameters TFLite's integer kernels require: (scale, int8 zero point, int16 zero point).
FIXED_OUTPUT = {"SOFTMAX": (1 / 256, -128, 1 / 32768), "LOGISTIC": (1 / 256, -128, 1 / 32768),
                "TANH": (1 / 128, 0, 1 / 32768)}
# What the integer kernels run (with the parameter rules above); anything else is refused by name.
SUPPORTED = set(WEIGHTED) | PASS_THROUGH | set(FIXED_OUTPUT) | {
    "ADD", "SUB", "MUL", "CONCATENATION", "MEAN", "RELU", "RELU6", "RELU_N1_TO_1", "LEAKY_RELU", "HARD_SWISH",
    "MAXIMUM", "MINIMUM", "RESIZE_BILINEAR", "BATCH_MATMUL", "SUM", "PRELU", "GELU", "SQUARED_DIFFERENCE",
    "RSQRT", "DIV", "TRANSPOSE_CONV", "ABS", "NEG", "SQUARE"}
IO_DTYPES = {"int8": np.int8, "uint8": np.uint8, "int16": np.int16}


def full_integer(graph: Graph, ranges: Dict[str, Tuple[float, float]], act_dtype=np.int8,
                 input_type: Optional[str] = None, output_type: Optional[str] = None) -> Dict[str, Dict]:
    """Rewrites `graph` in place; returns {value name: quantization} of what it quantized."""
    if graph.subgraphs:
        raise QuantizationError("full integer quantization of models with control flow (subgraphs) is not "
                                "supported")
    bad = sorted({n.op for n in graph.nodes if n.op not in SUPPORTED})
    if bad:
        raise QuantizationError(f"no integer kernel for {', '.join(bad)}: quantize this model with "
                                "quantize='dynamic' or 'float16'")
    int16 = act_dtype == np.int16
    quant: Dict[str, Dict] = {}

    def activation(name: str) -> Dict:
        if name not in quant:
            if name not in ranges:
                raise QuantizationError(f"tensor {name!r} has no calibration range")
            quant[name] = asymmetric(*ranges[name], dtype=act_dtype)
        return quant[name]

    for name in graph.inputs:
        if graph.dtype(name) == np.float32:
            activation(name)
    for node in graph.nodes:
        for i in node.inputs:
            if i is not None and not graph.values[i].is_const and graph.dtype(i) == np.float32:
                activation(i)
        for k, out in enumerate(node.outputs):
            if graph.dtype(out) != np.float32:
                continue
            if node.op in PASS_THROUGH:
                quant[out] = dict(quant[node.inputs[0]])
            elif node.op in FIXED_OUTPUT:
                scale, zp8, scale16 = FIXED_OUTPUT[node.op]
                quant[out] = {"scale": [scale16], "zero_point": [0]} if int16 else {"scale": [scale],
                                                                                   "zero_point": [zp8]}
            else:
                activation(out)
    _share_concat_inputs(graph, quant)
    for node in graph.nodes:
        _quantize_constants(graph, node, quant, act_dtype)
    for name, q in quant.items():
        v = graph.values[name]
        v.dtype, v.quant = np.dtype(act_dtype), q
    _float_io(graph, quant, act_dtype, input_type, output_type)
    return quant


def _share_concat_inputs(graph: Graph, quant: Dict[str, Dict]) -> None:
    """A CONCATENATION input computed only for the concatenation takes the output's parameters (TensorFlow
    does the same), so the kernel copies instead of rescaling."""
    for node in graph.nodes:
        if node.op != "CONCATENATION" or node.outputs[0] not in quant:
            continue
        for i in node.inputs:
            producer = graph.producer(i)
            if (producer is not None and producer.op not in PASS_THROUGH and producer.op not in FIXED_OUTPUT
                    and graph.num_uses(i) == 1 and i in quant):
                quant[i] = dict(quant[node.outputs[0]])


def _quantize_constants(graph: Graph, node: Node, quant: Dict[str, Dict], act_dtype) -> None:
    """Per-channel int8 weights and integer bias for WEIGHTED ops; other float constants per-tensor."""
    int16 = act_dtype == np.int16
    if node.op in WEIGHTED:
        w_index, axis, b_index = WEIGHTED[node.op]
        w = graph.values[node.inputs[w_index]]
        if w.is_const and w.dtype == np.float32:
            q, wq = symmetric_per_channel(w.const, axis)
            node.inputs[w_index] = graph.add_value(f"{w.name}/int8", w.shape, np.int8, q)
            graph.values[node.inputs[w_index]].quant = wq
            has_bias = len(node.inputs) > b_index and node.inputs[b_index] is not None
            if (has_bias and node.op == "FULLY_CONNECTED" and graph.values[node.inputs[b_index]].is_const
                    and not np.any(graph.values[node.inputs[b_index]].const)):
                # An all-zero bias adds nothing: dropped, as TensorFlow's converter drops it.
                node.inputs[b_index] = None
            elif has_bias:
                b = graph.values[node.inputs[b_index]]
                scale = np.float64(quant[node.inputs[0]]["scale"][0]) * wq["scale"].astype(np.float64)
                bias_dtype = np.int64 if int16 else np.int32
                info = np.iinfo(np.int32)  # TFLite clamps bias to int32 even when stored as int64
                qb = np.clip(_round_half_away(b.const.astype(np.float64) / scale), info.min, info.max)
                node.inputs[b_index] = graph.add_value(f"{b.name}/{np.dtype(bias_dtype).name}", b.shape,
                                                       bias_dtype, qb.astype(bias_dtype))
                graph.values[node.inputs[b_index]].quant = {
                    "scale": scale.astype(np.float32), "zero_point": np.zeros(len(scale), np.int64),
                    "quantized_dimension": 0}
    for k, name in enumerate(node.inputs):
        if name is None:
            continue
        v = graph.values[name]
        if v.is_const and v.dtype == np.float32:
            if node.op in PASS_THROUGH:
                # PADV2's pad value: the input's parameters (clamped: a -inf max-pool pad becomes the lowest level).
                q = dict(quant[node.inputs[0]])
            else:
                q = asymmetric(float(v.const.min(initial=0.0)), float(v.const.max(initial=0.0)), dtype=act_dtype)
            node.inputs[k] = graph.add_value(f"{name}/{np.dtype(act_dtype).name}", v.shape, act_dtype,
                                             quantize_array(v.const, q, act_dtype))
            graph.values[node.inputs[k]].quant = q
    graph.prune_values()


def _io_quant(q: Dict, io_dtype) -> Dict:
    if io_dtype == np.uint8:
        return {"scale": list(q["scale"]), "zero_point": [q["zero_point"][0] + 128]}
    return dict(q)


def _float_io(graph: Graph, quant: Dict[str, Dict], act_dtype, input_type, output_type) -> None:
    """Float (or uint8) inputs get a QUANTIZE to the integer type, outputs a DEQUANTIZE (or a QUANTIZE to
    uint8); int8 (int16 in int16x8) I/O keeps the integer tensors as the file's I/O."""
    for name in list(graph.inputs):
        _convert_edge(graph, name, input_type or "float32", act_dtype, quant, "input")
    for name in list(graph.outputs):
        _convert_edge(graph, name, output_type or "float32", act_dtype, quant, "output")


def _convert_edge(graph: Graph, name: str, io_type: str, act_dtype, quant: Dict[str, Dict], role: str) -> None:
    """Gives graph input or output `name` the type `io_type`: the integer tensor takes a new inner name and a
    QUANTIZE/DEQUANTIZE node links it to the file's tensor, which keeps the name (the signature's)."""
    act_name = np.dtype(act_dtype).name
    if name not in quant or io_type == act_name:
        return
    io_dtype = np.float32 if io_type == "float32" else IO_DTYPES[io_type]
    if io_dtype not in ((np.float32, np.uint8) if act_dtype == np.int8 else (np.float32,)):
        raise QuantizationError(f"inference_{role}_type={io_type!r} does not go with {act_name} activations")
    inner = graph.unique_name(f"{name}/{act_name}")
    if role == "input":
        graph.values[inner] = graph.values.pop(name)
        graph.values[inner].name = inner
        graph.replace_uses(name, inner, include_outputs=False)
    else:
        graph.rename_value(name, inner)
        graph.outputs = [name if o == inner else o for o in graph.outputs]
    graph.add_value(name, graph.values[inner].shape, io_dtype, unique=False)
    graph.values[name].signature = graph.values[inner].signature
    if io_dtype != np.float32:
        graph.values[name].quant = _io_quant(quant[name], io_dtype)
    if role == "input":
        graph.insert_node(Node("QUANTIZE", [name], [inner], {}, f"{name}/quantize"), 0)
    else:
        op = "DEQUANTIZE" if io_dtype == np.float32 else "QUANTIZE"
        graph.insert_node(Node(op, [inner], [name], {}, f"{name}/{op.lower()}"))
