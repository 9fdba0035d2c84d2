"""edgelite.training's preprocessing and spatial layers as .tflite operators: Rescaling and Normalization (MUL,
ADD), ZeroPadding2D (PAD), Cropping2D (STRIDED_SLICE). Every constant broadcasts over the batch axis, so the
converted model takes any batch."""

from __future__ import annotations

import numpy as np

from .training import _layer

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
    begin = graph.add_const(np.asarray([0, top, left, 0], np.int32), "begin")
    end = graph.add_const(np.asarray([0, top + shape[1], left + shape[2], 0], np.int32), "end")
    strides = graph.add_const(np.ones(4, np.int32), "strides")
    # begin_mask / end_mask on the batch and channel axes: whole axes, whatever the batch.
    return graph.add_node1("STRIDED_SLICE", [inputs[0], begin, end, strides],
                           {"begin_mask": 0b1001, "end_mask": 0b1001, "ellipsis_mask": 0, "new_axis_mask": 0,
                            "shrink_axis_mask": 0}, name=layer.name)
