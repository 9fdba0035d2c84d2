"""edgelite.training's preprocessing and spatial layers as .tflite operators: Rescaling and Normalization (MUL,
ADD), ZeroPadding1D/2D (PAD), Cropping1D/2D (STRIDED_SLICE), Permute (TRANSPOSE), RepeatVector (RESHAPE, TILE),
UpSampling1D (RESIZE_NEAREST_NEIGHBOR between RESHAPEs), UpSampling2D and Resizing (RESIZE_BILINEAR /
RESIZE_NEAREST_NEIGHBOR with half-pixel centres, after a STRIDED_SLICE for crop_to_aspect_ratio or a PADV2 for pad_to_aspect_ratio). Every constant broadcasts over the batch axis, so the
converted model takes any batch."""

from __future__ import annotations

import numpy as np

from .training import _layer
from .training_layers_conv import reshape as _reshape, strided_crop as _crop

_NONE = {"fused_activation_function": "NONE"}


def scale_and_shift(graph, x, scale, offset, name):
    """x * scale + offset, leaving out a multiply by one or an add of zero; the last op is named `name`."""
    dtype = graph.dtype(x)
    scale, offset = np.asarray(scale, dtype), np.asarray(offset, dtype)
    has_scale, has_offset = bool(np.any(scale != 1)), bool(np.any(offset != 0))
    if not has_scale and not has_offset:
        return graph.add_node1("IDENTITY", [x], name=name)
    if has_scale:
        x = graph.add_node1("MUL", [x, graph.add_const(scale, f"{name}/scale")], _NONE,
                            name=name if not has_offset else f"{name}/scaled")
    if has_offset:
        x = graph.add_node1("ADD", [x, graph.add_const(offset, f"{name}/offset")], _NONE, name=name)
    return x


@_layer("Rescaling")
def _rescaling(graph, layer, config, weights, inputs, shape):
    return scale_and_shift(graph, inputs[0], config["scale"], config["offset"], layer.name)


@_layer("Normalization")
def _normalization(graph, layer, config, weights, inputs, shape):
    mean, std = layer.normalization_constants(np.float64)
    if config.get("invert"):
        return scale_and_shift(graph, inputs[0], std, mean, layer.name)
    return scale_and_shift(graph, inputs[0], 1.0 / std, -mean / std, layer.name)


@_layer("ZeroPadding2D")
def _zero_padding(graph, layer, config, weights, inputs, shape):
    pads = np.asarray([[0, 0]] + [list(p) for p in config["padding"]] + [[0, 0]], np.int32)
    return graph.add_node1("PAD", [inputs[0], graph.add_const(pads, "paddings")], name=layer.name)


@_layer("Cropping2D")
def _cropping(graph, layer, config, weights, inputs, shape):
    (top, _), (left, _) = config["cropping"]
    return _crop(graph, inputs[0], (top, left), shape[1:3], layer.name)


def _resize(graph, x, height, width, interpolation, name):
    """RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR with half-pixel centres: tf.image.resize's (and so Keras')
    sampling, which for nearest is floor((i + 0.5) * in / out) and for integer upsampling repeats pixels."""
    op = "RESIZE_BILINEAR" if interpolation == "bilinear" else "RESIZE_NEAREST_NEIGHBOR"
    return graph.add_node1(op, [x, graph.add_const(np.asarray([height, width], np.int32), "size")],
                           {"align_corners": False, "half_pixel_centers": True}, name=name)


@_layer("UpSampling2D")
def _upsampling(graph, layer, config, weights, inputs, shape):
    return _resize(graph, inputs[0], shape[1], shape[2], config["interpolation"], layer.name)


@_layer("Resizing")
def _resizing(graph, layer, config, weights, inputs, shape):
    x = inputs[0]
    if graph.dtype(x).kind != "f":
        x = graph.add_node1("CAST", [x], {"in_data_type": graph.dtype(x),
                                          "out_data_type": np.dtype(config.get("dtype") or "float32")},
                            name=f"{layer.name}/float")
    h, w = graph.shape(x)[1:3]
    top, left, crop_h, crop_w = layer.crop_box(h, w)
    if (crop_h, crop_w) != (h, w):
        x = _crop(graph, x, (top, left), (crop_h, crop_w), f"{layer.name}/crop")
    rows, columns = layer.aspect_padding(h, w)
    if rows or columns:
        pads = graph.add_const(np.asarray([[0, 0], [rows, rows], [columns, columns], [0, 0]], np.int32), "paddings")
        fill = graph.add_const(np.asarray(config["fill_value"], graph.dtype(x)), "fill_value")
        x = graph.add_node1("PADV2", [x, pads, fill], name=f"{layer.name}/pad")
    return _resize(graph, x, shape[1], shape[2], config["interpolation"], layer.name)


@_layer("ZeroPadding1D")
def _zero_padding1d(graph, layer, config, weights, inputs, shape):
    pads = np.asarray([[0, 0], list(config["padding"]), [0, 0]], np.int32)
    return graph.add_node1("PAD", [inputs[0], graph.add_const(pads, "paddings")], name=layer.name)


@_layer("Cropping1D")
def _cropping1d(graph, layer, config, weights, inputs, shape):
    start = int(config["cropping"][0])
    consts = [graph.add_const(np.asarray(v, np.int32), n) for v, n in
              (([0, start, 0], "begin"), ([0, start + shape[1], 0], "end"), ([1, 1, 1], "strides"))]
    return graph.add_node1("STRIDED_SLICE", [inputs[0]] + consts,
                           {"begin_mask": 0b101, "end_mask": 0b101, "ellipsis_mask": 0, "new_axis_mask": 0,
                            "shrink_axis_mask": 0}, name=layer.name)


@_layer("UpSampling1D")
def _upsampling1d(graph, layer, config, weights, inputs, shape):
    n, steps, channels = graph.shape(inputs[0])
    x = _reshape(graph, inputs[0], [n, 1, steps, channels], f"{layer.name}/as_2d")
    y = _resize(graph, x, 1, shape[1], "nearest", f"{layer.name}/repeat")
    return _reshape(graph, y, [n, shape[1], channels], layer.name)


@_layer("Permute")
def _permute(graph, layer, config, weights, inputs, shape):
    perm = graph.add_const(np.asarray([0] + list(config["dims"]), np.int32), "perm")
    return graph.add_node1("TRANSPOSE", [inputs[0], perm], name=layer.name)


@_layer("RepeatVector")
def _repeat_vector(graph, layer, config, weights, inputs, shape):
    n, features = graph.shape(inputs[0])
    x = _reshape(graph, inputs[0], [n, 1, features], f"{layer.name}/as_3d")
    multiples = graph.add_const(np.asarray([1, int(config["n"]), 1], np.int32), "multiples")
    return graph.add_node1("TILE", [x, multiples], name=layer.name)
