"""ONNX normalizations: BatchNormalization (inference), LRN, ImageScaler (a per-channel affine), and
LayerNormalization, InstanceNormalization and GroupNormalization, which .tflite has no builtin for: they
become MEAN, SQUARED_DIFFERENCE and RSQRT.
"""

from __future__ import annotations

import numpy as np

from ..ir import ConversionError
from .onnx import NCHW_TO_NHWC, OnnxImporter, handler
from .onnx_nn import from_2d, to_2d


@handler("BatchNormalization")
def _batch_norm(imp: OnnxImporter, node) -> None:
    if imp.attr(node, "training_mode", 0) or imp.used_outputs(node):
        raise ConversionError(f"BatchNormalization node {node.name!r} is in training mode; export in inference "
                              "mode (model.eval())")
    x = imp.input(node, 0)
    scale, bias, mean, var = (imp.const_input(node, k, name) for k, name in
                              ((1, "scale"), (2, "bias"), (3, "mean"), (4, "var")))
    eps = float(imp.attr(node, "epsilon", 1e-5))
    dtype = imp.graph.dtype(x)
    multiplier = (scale / np.sqrt(var.astype(np.float64) + eps)).astype(dtype)
    offset = (bias - mean * multiplier).astype(dtype)
    shape = imp.shape(x)
    # spatial=0 (opsets 7 and 8 only) keeps statistics per element of C x H x W instead of per channel.
    spatial = imp.attr(node, "spatial", 1) if imp.opset < 9 else 1
    param_shape = [shape[1]] + [1] * (len(shape) - 2) if spatial else list(shape[1:])
    if multiplier.size != int(np.prod(param_shape)):
        raise ConversionError(f"BatchNormalization node {node.name!r}: {multiplier.size} values per parameter, "
                              f"expected {int(np.prod(param_shape))} for an input of shape {list(shape)} with "
                              f"spatial={spatial}")
    out = node.output[0]
    y = imp.emit1("MUL", [x, imp.const(multiplier.reshape(param_shape), name="bn_scale")],
                  {"fused_activation_function": "NONE"}, node, f"{out}/scaled")
    imp.finish(node, imp.emit1("ADD", [y, imp.const(offset.reshape(param_shape), name="bn_offset")],
                               {"fused_activation_function": "NONE"}, node, out))


@handler("ImageScaler")
def _image_scaler(imp: OnnxImporter, node) -> None:
    # An experimental op of opsets 1-9 (WinMLTools' Tiny YOLO v2 starts with it): y = scale * x + bias[c]
    # on NCHW images; onnxruntime still runs it.
    x = imp.input(node, 0)
    shape = imp.shape(x)
    dtype = imp.graph.dtype(x)
    bias = np.asarray(imp.attr(node, "bias", []), dtype)
    if len(shape) != 4 or bias.size not in (0, shape[1]):
        raise ConversionError(f"ImageScaler node {node.name!r}: needs an NCHW input and one bias per channel; "
                              f"got input shape {list(shape)} and {bias.size} biases")
    out = node.output[0]
    y = imp.emit1("MUL", [x, imp.const(float(imp.attr(node, "scale", 1.0)), dtype, "image_scale")],
                  {"fused_activation_function": "NONE"}, node, f"{out}/scaled" if bias.size else out)
    if bias.size:
        y = imp.emit1("ADD", [y, imp.const(bias.reshape(-1, 1, 1), name="image_bias")],
                      {"fused_activation_function": "NONE"}, node, out)
    imp.finish(node, y)


@handler("LRN")
def _lrn(imp: OnnxImporter, node) -> None:
    size = int(imp.attr(node, "size"))
    if size % 2 == 0:
        raise ConversionError(f"LRN node {node.name!r}: size {size} is even; .tflite's window is symmetric "
                              "(2 * radius + 1 channels)")
    x, was_1d = to_2d(imp, node, imp.input(node, 0))
    # ONNX divides alpha by the window size; .tflite uses alpha as given.
    attrs = {"radius": (size - 1) // 2, "bias": float(imp.attr(node, "bias", 1.0)),
             "alpha": float(imp.attr(node, "alpha", 1e-4)) / size, "beta": float(imp.attr(node, "beta", 0.75))}
    y = imp.emit1("LOCAL_RESPONSE_NORMALIZATION", [imp.transpose(x, NCHW_TO_NHWC)], attrs, node)
    from_2d(imp, node, y, was_1d)




_NONE = {"fused_activation_function": "NONE"}


def normalize(imp: OnnxImporter, node, x: str, axes, eps: float) -> str:
    """(x - mean) / sqrt(var + eps) over `axes`: MEAN, SUB, SQUARED_DIFFERENCE's twin MUL, RSQRT."""
    dtype = imp.graph.dtype(x)
    axes_const = imp.const(sorted(axes), np.int32, "axes")
    mean = imp.emit1("MEAN", [x, axes_const], {"keep_dims": True}, node)
    centered = imp.emit1("SUB", [x, mean], _NONE, node)
    var = imp.emit1("MEAN", [imp.emit1("MUL", [centered, centered], _NONE, node), axes_const], {"keep_dims": True},
                    node)
    inv = imp.emit1("RSQRT", [imp.emit1("ADD", [var, imp.const(eps, dtype, "epsilon")], _NONE, node)], {}, node)
    return imp.emit1("MUL", [centered, inv], _NONE, node)


def _affine(imp: OnnxImporter, node, y: str, scale, bias, out: str) -> str:
    if scale is not None:
        y = imp.emit1("MUL", [y, scale], _NONE, node, out if bias is None else None)
    if bias is not None:
        y = imp.emit1("ADD", [y, bias], _NONE, node, out)
    if scale is None and bias is None:
        y = imp.emit1("IDENTITY", [y], {}, node, out)
    return y


@handler("LayerNormalization")
def _layer_norm(imp: OnnxImporter, node) -> None:
    if imp.used_outputs(node):
        raise ConversionError(f"LayerNormalization node {node.name!r}: the Mean and InvStdDev outputs are read; "
                              "only the normalized output converts")
    x = imp.input(node, 0)
    rank = len(imp.shape(x))
    axis = imp.attr(node, "axis", -1) % rank
    y = normalize(imp, node, x, range(axis, rank), float(imp.attr(node, "epsilon", 1e-5)))
    imp.finish(node, _affine(imp, node, y, imp.input(node, 1), imp.input(node, 2), node.output[0]))


def _channel_param(imp: OnnxImporter, node, k: int, rank: int, what: str):
    """Input k (a per-channel vector) shaped to broadcast over axis 1 of a rank-`rank` tensor."""
    if imp.input(node, k) is None:
        return None
    value = imp.const_input(node, k, what)
    return imp.const(np.asarray(value).reshape([-1] + [1] * (rank - 2)), name=what)


@handler("InstanceNormalization")
def _instance_norm(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    rank = len(imp.shape(x))
    y = normalize(imp, node, x, range(2, rank), float(imp.attr(node, "epsilon", 1e-5)))
    scale, bias = _channel_param(imp, node, 1, rank, "scale"), _channel_param(imp, node, 2, rank, "bias")
    imp.finish(node, _affine(imp, node, y, scale, bias, node.output[0]))


@handler("GroupNormalization")
def _group_norm(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = list(imp.shape(x))
    groups = int(imp.attr(node, "num_groups"))
    n, c = shape[0], shape[1]
    if c % groups:
        raise ConversionError(f"GroupNormalization node {node.name!r}: {c} channels do not split into "
                              f"num_groups={groups}")
    grouped = imp.reshape(x, [n, groups, int(np.prod(shape[1:])) // groups])
    y = imp.reshape(normalize(imp, node, grouped, [2], float(imp.attr(node, "epsilon", 1e-5))), shape)
    scale, bias = imp.const_input(node, 1, "scale"), imp.const_input(node, 2, "bias")
    if np.size(scale) == groups and groups != c:
        # Opset 18 gives one scale and bias per group; opset 21 one per channel.
        scale, bias = np.repeat(scale, c // groups), np.repeat(bias, c // groups)
    rank = len(shape)
    scale = imp.const(np.asarray(scale).reshape([-1] + [1] * (rank - 2)), name="scale")
    bias = imp.const(np.asarray(bias).reshape([-1] + [1] * (rank - 2)), name="bias")
    imp.finish(node, _affine(imp, node, y, scale, bias, node.output[0]))
