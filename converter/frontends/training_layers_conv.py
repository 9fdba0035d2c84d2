"""edgelite.training's Conv1D, SeparableConv2D, Conv2DTranspose and 1-D pooling layers as .tflite builtins.

1-D layers run as their 2-D operator on (batch, 1, steps, channels) between two RESHAPEs; grouped Conv1D splits
the channels (SPLIT), convolves each group and joins them (CONCATENATION). SeparableConv2D is DEPTHWISE_CONV_2D
then a 1x1 CONV_2D. Conv2DTranspose is TRANSPOSE_CONV over the whole (in - 1) * stride + kernel output, then the
crop (STRIDED_SLICE) or zero extension (PAD) that Keras' output size and TF's placement ask for. Shapes that
name the batch are written at the probe batch; the dynamic-shape merge turns them into any-batch forms.
"""

from __future__ import annotations

import numpy as np

from ..ir import ConversionError
from .training import _class_names, _layer, _with_activation

_NONE = {"fused_activation_function": "NONE"}


def reshape(graph, x, shape, name=""):
    """RESHAPE of x to `shape` (the batch at axis 0 as the graph has it)."""
    shape = [int(d) for d in shape]
    return graph.add_node1("RESHAPE", [x, graph.add_const(np.asarray(shape, np.int32), "shape")],
                           {"new_shape": shape}, name=name)


def strided_crop(graph, x, begin, size, name=""):
    """x[:, begin[0]:begin[0] + size[0], begin[1]:..., :] on an NHWC value (whole batch and channel axes)."""
    b = graph.add_const(np.asarray([0, begin[0], begin[1], 0], np.int32), "begin")
    e = graph.add_const(np.asarray([0, begin[0] + size[0], begin[1] + size[1], 0], np.int32), "end")
    strides = graph.add_const(np.ones(4, np.int32), "strides")
    return graph.add_node1("STRIDED_SLICE", [x, b, e, strides],
                           {"begin_mask": 0b1001, "end_mask": 0b1001, "ellipsis_mask": 0, "new_axis_mask": 0,
                            "shrink_axis_mask": 0}, name=name)


def _conv2d(graph, x, filt, bias, attrs, name, op="CONV_2D"):
    return graph.add_node1(op, [x, graph.add_const(np.ascontiguousarray(filt), f"{name}/kernel"),
                                graph.add_const(np.asarray(bias, filt.dtype), f"{name}/bias")], attrs, name=name)


def _window_attrs(strides, dilation, padding):
    return {"padding": padding.upper(), "stride_h": int(strides[0]), "stride_w": int(strides[1]),
            "dilation_h_factor": int(dilation[0]), "dilation_w_factor": int(dilation[1]),
            "fused_activation_function": "NONE"}


@_layer("Conv1D")
def _conv1d(graph, layer, config, weights, inputs, shape):
    x = inputs[0]
    kernel = weights["kernel"]  # (k, in / groups, filters)
    k, _, filters = kernel.shape
    groups, dilation, stride = int(config.get("groups", 1)), int(config["dilation_rate"][0]), int(config["strides"][0])
    padding = config["padding"]
    if padding == "causal":
        left = (k - 1) * dilation
        x = graph.add_node1("PAD", [x, graph.add_const(np.asarray([[0, 0], [left, 0], [0, 0]], np.int32),
                                                       "paddings")], name=f"{layer.name}/causal_pad")
        padding = "valid"
    n, steps, channels = graph.shape(x)
    x4 = reshape(graph, x, [n, 1, steps, channels], f"{layer.name}/as_2d")
    filt = np.transpose(kernel, (2, 0, 1))[:, None]  # (filters, 1, k, in / groups): OHWI
    bias = weights.get("bias", np.zeros(filters, kernel.dtype))
    attrs = _window_attrs((1, stride), (1, dilation), padding)
    if groups == 1:
        y = _conv2d(graph, x4, filt, bias, attrs, f"{layer.name}/conv")
    else:
        parts = graph.add_node("SPLIT", [graph.add_const(np.asarray(3, np.int32), "axis"), x4],
                               {"num_splits": groups}, name=f"{layer.name}/groups")
        per = filters // groups
        convs = [_conv2d(graph, part, filt[g * per:(g + 1) * per], bias[g * per:(g + 1) * per], attrs,
                         f"{layer.name}/conv{g}") for g, part in enumerate(parts)]
        y = graph.add_node1("CONCATENATION", convs, {"axis": 3, **_NONE}, name=f"{layer.name}/conv")
    y = _with_activation(graph, y, config, f"{layer.name}/activation")
    return reshape(graph, y, [n, shape[1], filters], layer.name)


@_layer("SeparableConv2D")
def _separable_conv2d(graph, layer, config, weights, inputs, shape):
    depthwise = weights["depthwise_kernel"]  # (kh, kw, in, multiplier)
    kh, kw, channels, multiplier = depthwise.shape
    attrs = dict(_window_attrs(config["strides"], config["dilation_rate"], config["padding"]),
                 depth_multiplier=int(multiplier))
    y = _conv2d(graph, inputs[0], depthwise.reshape(1, kh, kw, channels * multiplier),
                np.zeros(channels * multiplier, depthwise.dtype), attrs, f"{layer.name}/depthwise", "DEPTHWISE_CONV_2D")
    pointwise = weights["pointwise_kernel"]  # (1, 1, in * multiplier, filters)
    bias = weights.get("bias", np.zeros(pointwise.shape[-1], pointwise.dtype))
    act = config.get("activation", "linear")
    y = _conv2d(graph, y, np.transpose(pointwise, (3, 0, 1, 2)), bias, _window_attrs((1, 1), (1, 1), "valid"),
                layer.name if act == "linear" else f"{layer.name}/linear")
    return _with_activation(graph, y, config, layer.name)


@_layer("Conv2DTranspose")
def _conv2d_transpose(graph, layer, config, weights, inputs, shape):
    if any(d != 1 for d in config["dilation_rate"]):
        raise ConversionError(f"Conv2DTranspose layer {layer.name!r}: dilation_rate {config['dilation_rate']} has no "
                              ".tflite equivalent (TRANSPOSE_CONV has no dilation)")
    x = inputs[0]
    kernel = weights["kernel"]  # (kh, kw, filters, in)
    kh, kw, filters, _ = kernel.shape
    n, h, w, _ = graph.shape(x)
    strides, padding = config["strides"], config["padding"]
    full = [(size - 1) * s + k for size, s, k in zip((h, w), strides, (kh, kw))]
    out = list(shape[1:3])
    # TF places the output as the gradient of a 'same' convolution from out to in: the odd pixel goes after.
    starts = [0 if padding == "valid" else max(f - o, 0) // 2 for f, o in zip(full, out)]
    bias = weights.get("bias", np.zeros(filters, kernel.dtype))
    exact = full == out  # no crop or extension: the bias goes into TRANSPOSE_CONV itself
    output_shape = graph.add_const(np.asarray([n, full[0], full[1], filters], np.int32), "output_shape")
    y = graph.add_node1("TRANSPOSE_CONV", [output_shape, graph.add_const(np.ascontiguousarray(
        np.transpose(kernel, (2, 0, 1, 3))), f"{layer.name}/kernel"), x,
        graph.add_const(bias if exact else np.zeros_like(bias), f"{layer.name}/bias")],
        {"padding": "VALID", "stride_h": int(strides[0]), "stride_w": int(strides[1]), **_NONE},
        name=f"{layer.name}/full")
    extend = [max(start + o - f, 0) for start, o, f in zip(starts, out, full)]
    if any(extend):  # output_padding past the last input's reach: zero rows and columns (then the bias)
        y = graph.add_node1("PAD", [y, graph.add_const(np.asarray([[0, 0], [0, extend[0]], [0, extend[1]], [0, 0]],
                                                                  np.int32), "paddings")], name=f"{layer.name}/extend")
    if list(graph.shape(y)[1:3]) != out:
        y = strided_crop(graph, y, starts, out, f"{layer.name}/crop")
    if not exact and bias.any():
        y = graph.add_node1("ADD", [y, graph.add_const(bias, f"{layer.name}/bias")], _NONE, name=f"{layer.name}/biased")
    return _with_activation(graph, y, config, layer.name)


@_layer("MaxPooling1D", "AveragePooling1D")
def _pool1d(graph, layer, config, weights, inputs, shape):
    x = inputs[0]
    n, steps, channels = graph.shape(x)
    size, stride = int(config["pool_size"][0]), int(config["strides"][0])
    attrs = {"padding": config["padding"].upper(), "stride_h": 1, "stride_w": stride, "filter_height": 1,
             "filter_width": size, **_NONE}
    op = "MAX_POOL_2D" if "MaxPooling1D" in _class_names(layer) else "AVERAGE_POOL_2D"
    y = graph.add_node1(op, [reshape(graph, x, [n, 1, steps, channels], f"{layer.name}/as_2d")], attrs,
                        name=f"{layer.name}/pool")
    return reshape(graph, y, [n, shape[1], channels], layer.name)


@_layer("GlobalAveragePooling1D", "GlobalMaxPooling1D")
def _global_pool1d(graph, layer, config, weights, inputs, shape):
    op = "REDUCE_MAX" if "GlobalMaxPooling1D" in _class_names(layer) else "MEAN"
    return graph.add_node1(op, [inputs[0], graph.add_const(np.asarray([1], np.int32), "axes")],
                           {"keep_dims": bool(config.get("keepdims", False))}, name=layer.name)
