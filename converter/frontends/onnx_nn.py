"""ONNX neural-network operators: convolution, matrix products, normalization, pooling, softmax, resize.

Window ops run channels-last: each is emitted as TRANSPOSE(NCHW->NHWC), the .tflite op, TRANSPOSE back.
Weights are rearranged with TRANSPOSE nodes on the constants, which constant folding evaluates.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

import numpy as np

from ..ir import ConversionError
from ..shapes import same_padding
from .onnx import NCHW_TO_NHWC, NHWC_TO_NCHW, OnnxImporter, handler


def _spatial_attrs(imp: OnnxImporter, node, kernel: List[int]):
    n = len(kernel)
    strides = list(imp.attr(node, "strides", [1] * n))
    dilations = list(imp.attr(node, "dilations", [1] * n))
    pads = list(imp.attr(node, "pads", [0] * 2 * n))
    return strides, dilations, pads


def _padding(imp: OnnxImporter, node, in_hw, kernel, strides, dilations, pads) -> Tuple[str, Optional[list]]:
    """("SAME"|"VALID", explicit [[top, bottom], [left, right]] or None) reproducing ONNX's padding."""
    auto_pad = imp.attr(node, "auto_pad", "NOTSET")
    same = [same_padding(i, k, s, d) for i, k, s, d in zip(in_hw, kernel, strides, dilations)]
    if auto_pad == "VALID":
        return "VALID", None
    if auto_pad == "SAME_UPPER":
        return "SAME", None
    if auto_pad == "SAME_LOWER":
        # ONNX puts the odd pixel before; .tflite SAME puts it after.
        explicit = [[after, before] for before, after in same]
        return ("SAME", None) if explicit == [list(p) for p in same] else ("VALID", explicit)
    explicit = [[pads[i], pads[i + len(kernel)]] for i in range(len(kernel))]
    for axis, (size, k, s, d) in enumerate(zip(in_hw, kernel, strides, dilations)):
        # Padding after the input that no window reaches (torch pads both sides; a stride can skip the end).
        before, after = explicit[axis]
        effective = (k - 1) * d + 1
        reach = ((size + before + after - effective) // s) * s + effective
        explicit[axis][1] = min(after, max(reach - before - size, 0))
    if not any(p for pair in explicit for p in pair):
        return "VALID", None
    if explicit == [list(p) for p in same]:
        return "SAME", None
    return "VALID", explicit


def _to_2d(imp: OnnxImporter, node, x: str) -> Tuple[str, bool]:
    """A 1-D window op ([N, C, L]) runs as 2-D on [N, C, 1, L]."""
    shape = imp.shape(x)
    if len(shape) == 3:
        return imp.reshape(x, [shape[0], shape[1], 1, shape[2]]), True
    if len(shape) != 4:
        raise ConversionError(f"{node.op_type} node {node.name!r}: only 1-D and 2-D inputs are supported, "
                              f"got shape {list(shape)}")
    return x, False


def _from_2d(imp: OnnxImporter, node, y_nhwc: str, was_1d: bool) -> None:
    """Transposes the NHWC result back to NCHW (and drops the dummy H of a 1-D op) under the ONNX name."""
    out = node.output[0]
    if was_1d:
        y = imp.transpose(y_nhwc, NHWC_TO_NCHW)
        n, c, _, length = imp.shape(y)
        imp.finish(node, imp.reshape(y, [n, c, length], node, out))
    else:
        imp.finish(node, imp.transpose(y_nhwc, NHWC_TO_NCHW, out))


def _explicit_pad(imp: OnnxImporter, x_nhwc: str, explicit, value: float = 0.0) -> str:
    paddings = imp.const([[0, 0], explicit[0], explicit[1], [0, 0]], np.int32, "paddings")
    if value == 0.0:
        return imp.emit1("PAD", [x_nhwc, paddings])
    return imp.emit1("PADV2", [x_nhwc, paddings, imp.const(value, imp.graph.dtype(x_nhwc), "pad_value")])


@handler("Conv")
def _conv(imp: OnnxImporter, node) -> None:
    x, was_1d = _to_2d(imp, node, imp.input(node, 0))
    w = imp.input(node, 1)
    if was_1d:
        o, i, k = imp.shape(w)
        w = imp.reshape(w, [o, i, 1, k])
    c_out, c_in_per_group, kh, kw = imp.shape(w)
    c_in = imp.shape(x)[1]
    group = imp.attr(node, "group", 1)
    strides, dilations, pads = _spatial_attrs(imp, node, [kh, kw])
    if was_1d:
        strides, dilations = [1] + strides, [1] + dilations
        pads = [0, pads[0], 0, pads[1]] if len(pads) == 2 else [0, 0, 0, 0]
    padding, explicit = _padding(imp, node, imp.shape(x)[2:], [kh, kw], strides, dilations, pads)
    bias = imp.input(node, 2) or imp.const(np.zeros(c_out, imp.graph.dtype(x)), name="bias")
    x_nhwc = imp.transpose(x, NCHW_TO_NHWC)
    if explicit:
        x_nhwc = _explicit_pad(imp, x_nhwc, explicit)
    attrs = {"padding": padding, "stride_h": strides[0], "stride_w": strides[1],
             "dilation_h_factor": dilations[0], "dilation_w_factor": dilations[1],
             "fused_activation_function": "NONE"}
    if group == 1:
        y = imp.emit1("CONV_2D", [x_nhwc, imp.transpose(w, [0, 2, 3, 1]), bias], attrs, node)
    elif group == c_in and c_in_per_group == 1 and c_out % c_in == 0:
        attrs["depth_multiplier"] = c_out // c_in
        y = imp.emit1("DEPTHWISE_CONV_2D", [x_nhwc, imp.transpose(w, [1, 2, 3, 0]), bias], attrs, node)
    else:
        # Grouped convolution: one CONV_2D per group on a slice of the channels.
        axis3 = imp.const(3, np.int32, "axis")
        axis0 = imp.const(0, np.int32, "axis")
        xs = imp.emit("SPLIT", [axis3, x_nhwc], {"num_splits": group}, node)
        ws = imp.emit("SPLIT", [axis0, imp.transpose(w, [0, 2, 3, 1])], {"num_splits": group}, node)
        bs = imp.emit("SPLIT", [axis0, bias], {"num_splits": group}, node)
        parts = [imp.emit1("CONV_2D", [xs[g], ws[g], bs[g]], dict(attrs), node) for g in range(group)]
        y = imp.emit1("CONCATENATION", parts, {"axis": 3, "fused_activation_function": "NONE"}, node)
    _from_2d(imp, node, y, was_1d)


@handler("Gemm")
def _gemm(imp: OnnxImporter, node) -> None:
    a, b, c = imp.input(node, 0), imp.input(node, 1), imp.input(node, 2)
    alpha, beta = float(imp.attr(node, "alpha", 1.0)), float(imp.attr(node, "beta", 1.0))
    if imp.attr(node, "transA", 0):
        a = imp.transpose(a, [1, 0])
    n = imp.shape(b)[0 if imp.attr(node, "transB", 0) else 1]
    dtype = imp.graph.dtype(a)
    weights = b if imp.attr(node, "transB", 0) else imp.transpose(b, [1, 0])  # FULLY_CONNECTED: [out, in]
    if alpha != 1.0:
        weights = imp.emit1("MUL", [weights, imp.const(alpha, dtype, "alpha")], {}, node)
    bias, add_after = None, None
    if c is not None:
        if beta != 1.0:
            c = imp.emit1("MUL", [c, imp.const(beta, dtype, "beta")], {}, node)
        c_shape = imp.shape(c)
        if int(np.prod(c_shape)) == n and (not c_shape or c_shape[-1] == n):
            bias = imp.reshape(c, [n]) if list(c_shape) != [n] else c
        else:
            add_after = c
    bias = bias or imp.const(np.zeros(n, dtype), name="bias")
    out = node.output[0]
    y = imp.emit1("FULLY_CONNECTED", [a, weights, bias], {"fused_activation_function": "NONE"}, node,
                  None if add_after else out)
    if add_after:
        y = imp.emit1("ADD", [y, add_after], {"fused_activation_function": "NONE"}, node, out)
    imp.finish(node, y)


@handler("MatMul")
def _matmul(imp: OnnxImporter, node) -> None:
    a, b = imp.input(node, 0), imp.input(node, 1)
    a_shape, b_shape = imp.shape(a), imp.shape(b)
    out = node.output[0]
    if len(b_shape) == 2 and len(a_shape) >= 2 and imp.fold(b) is not None:
        # Constant right-hand side: a fully-connected layer that keeps the leading dimensions.
        weights = imp.transpose(b, [1, 0])
        bias = imp.const(np.zeros(b_shape[1], imp.graph.dtype(a)), name="bias")
        imp.finish(node, imp.emit1("FULLY_CONNECTED", [a, weights, bias],
                                   {"fused_activation_function": "NONE", "keep_num_dims": True}, node, out))
        return
    squeeze = []
    if len(a_shape) == 1:
        a, squeeze = imp.reshape(a, [1, a_shape[0]]), squeeze + [-2]
    if len(b_shape) == 1:
        b, squeeze = imp.reshape(b, [b_shape[0], 1]), squeeze + [-1]
    y = imp.emit1("BATCH_MATMUL", [a, b], {"adj_x": False, "adj_y": False}, node, None if squeeze else out)
    if squeeze:
        shape = list(imp.shape(y))
        for axis in sorted(squeeze):
            shape[axis] = None
        y = imp.reshape(y, [d for d in shape if d is not None], node, out)
    imp.finish(node, y)


@handler("BatchNormalization")
def _batch_norm(imp: OnnxImporter, node) -> None:
    if imp.attr(node, "training_mode", 0) or (len(node.output) > 1 and any(node.output[1:])):
        raise ConversionError(f"BatchNormalization node {node.name!r} is in training mode; export in inference "
                              "mode (model.eval())")
    x = imp.input(node, 0)
    scale, bias, mean, var = (imp.const_input(node, k, name) for k, name in
                              ((1, "scale"), (2, "bias"), (3, "mean"), (4, "var")))
    eps = float(imp.attr(node, "epsilon", 1e-5))
    dtype = imp.graph.dtype(x)
    multiplier = (scale / np.sqrt(var.astype(np.float64) + eps)).astype(dtype)
    offset = (bias - mean * multiplier).astype(dtype)
    rank = len(imp.shape(x))
    channel_shape = [-1] + [1] * (rank - 2)  # broadcasts over axis 1, the channels of NC...
    out = node.output[0]
    y = imp.emit1("MUL", [x, imp.const(multiplier.reshape(channel_shape), name="bn_scale")],
                  {"fused_activation_function": "NONE"}, node, f"{out}/scaled")
    imp.finish(node, imp.emit1("ADD", [y, imp.const(offset.reshape(channel_shape), name="bn_offset")],
                               {"fused_activation_function": "NONE"}, node, out))


@handler("LRN")
def _lrn(imp: OnnxImporter, node) -> None:
    size = int(imp.attr(node, "size"))
    if size % 2 == 0:
        raise ConversionError(f"LRN node {node.name!r}: size {size} is even; .tflite's window is symmetric "
                              "(2 * radius + 1 channels)")
    x, was_1d = _to_2d(imp, node, imp.input(node, 0))
    # ONNX divides alpha by the window size; .tflite uses alpha as given.
    attrs = {"radius": (size - 1) // 2, "bias": float(imp.attr(node, "bias", 1.0)),
             "alpha": float(imp.attr(node, "alpha", 1e-4)) / size, "beta": float(imp.attr(node, "beta", 0.75))}
    y = imp.emit1("LOCAL_RESPONSE_NORMALIZATION", [imp.transpose(x, NCHW_TO_NHWC)], attrs, node)
    _from_2d(imp, node, y, was_1d)


def _pool_nd_as_2d(imp: OnnxImporter, node, x: str, kernel, strides, dilations, pads):
    """A pooling over 3 or more spatial axes whose window moves along at most two adjacent ones, as a 2-D
    pooling of a reshaped view: the still axes before the window fold into the channels, those after it
    into a still width. Returns the view and its 2-D kernel, strides, dilations and pads."""
    n = len(kernel)
    moving = [i for i in range(n) if kernel[i] != 1 or strides[i] != 1 or dilations[i] != 1 or pads[i] or pads[i + n]]
    moving = moving or [n - 1]
    if (moving != list(range(moving[0], moving[-1] + 1)) or len(moving) > 2
            or (len(moving) == 2 and moving[-1] != n - 1)):
        raise ConversionError(f"{node.op_type} node {node.name!r}: a {n}-D window that moves along spatial "
                              f"axes {moving} has no .tflite equivalent (at most two adjacent axes, the last "
                              "of them the innermost, are supported)")
    if imp.attr(node, "auto_pad", "NOTSET") not in ("NOTSET", "VALID"):
        raise ConversionError(f"{node.op_type} node {node.name!r}: auto_pad on a {n}-D window is not supported")
    shape = imp.shape(x)
    first = moving[0]
    spatial = list(shape[2:])
    view = [shape[0], shape[1] * int(np.prod(spatial[:first])), spatial[first],
            spatial[moving[1]] if len(moving) == 2 else int(np.prod(spatial[first + 1:]))]
    pick = (lambda v: [v[i] for i in moving]) if len(moving) == 2 else (lambda v: [v[first], 1])
    pads2 = (pick(pads[:n]) + pick(pads[n:])) if len(moving) == 2 else [pads[first], 0, pads[first + n], 0]
    strides2 = pick(strides) if len(moving) == 2 else [strides[first], 1]
    dilations2 = pick(dilations) if len(moving) == 2 else [dilations[first], 1]
    kernel2 = pick(kernel) if len(moving) == 2 else [kernel[first], 1]
    return imp.reshape(x, view), kernel2, strides2, dilations2, pads2, moving


@handler("MaxPool", "AveragePool")
def _pool(imp: OnnxImporter, node) -> None:
    if len(node.output) > 1 and node.output[1]:
        raise ConversionError(f"MaxPool node {node.name!r}: the Indices output has no .tflite equivalent")
    kernel = list(imp.attr(node, "kernel_shape"))
    strides, dilations, pads = _spatial_attrs(imp, node, kernel)
    x_nd, moving = imp.input(node, 0), None
    if len(kernel) > 2:
        x, kernel, strides, dilations, pads, moving = _pool_nd_as_2d(imp, node, x_nd, kernel, strides, dilations,
                                                                     pads)
        was_1d = False
    else:
        x, was_1d = _to_2d(imp, node, x_nd)
    if was_1d:
        kernel, strides, dilations = [1] + kernel, [1] + strides, [1] + dilations
        pads = [0, pads[0], 0, pads[1]]
    if any(d != 1 for d in dilations):
        raise ConversionError(f"{node.op_type} node {node.name!r}: dilated pooling is not supported")
    in_hw = imp.shape(x)[2:]
    padding, explicit = _padding(imp, node, in_hw, kernel, strides, dilations, pads)
    is_max = node.op_type == "MaxPool"
    count_pad = bool(imp.attr(node, "count_include_pad", 0))
    if imp.attr(node, "ceil_mode", 0):
        before = explicit or ([[0, 0], [0, 0]] if padding == "VALID" else
                              [list(same_padding(i, k, s, 1)) for i, k, s in zip(in_hw, kernel, strides)])
        grown = []
        for i, (size, k, s) in enumerate(zip(in_hw, kernel, strides)):
            total = size + sum(before[i])
            ceil_out = -(-(total - k) // s) + 1
            if (ceil_out - 1) * s >= size + before[i][0]:  # ONNX drops a window starting in the end padding
                ceil_out -= 1
            extra = max((ceil_out - 1) * s + k - total, 0)
            grown.append([before[i][0], before[i][1] + extra])
        if grown != before:
            if not is_max:
                raise ConversionError(f"AveragePool node {node.name!r}: ceil_mode that adds a partial window "
                                      "is not supported")
            same = [list(same_padding(i, k, s, 1)) for i, k, s in zip(in_hw, kernel, strides)]
            padding, explicit = ("SAME", None) if grown == same else ("VALID", grown)
    if explicit and not is_max and not count_pad:
        raise ConversionError(f"AveragePool node {node.name!r}: asymmetric padding excluded from the average "
                              "(count_include_pad=0) has no .tflite equivalent")
    if padding == "SAME" and not is_max and count_pad:
        padding, explicit = "VALID", [list(same_padding(i, k, s, 1)) for i, k, s in zip(in_hw, kernel, strides)]
    x_nhwc = imp.transpose(x, NCHW_TO_NHWC)
    if explicit:
        lowest = float(np.finfo(imp.graph.dtype(x)).min) if is_max else 0.0
        x_nhwc = _explicit_pad(imp, x_nhwc, explicit, lowest)
    attrs = {"padding": padding, "stride_h": strides[0], "stride_w": strides[1], "filter_height": kernel[0],
             "filter_width": kernel[1], "fused_activation_function": "NONE"}
    y = imp.emit1("MAX_POOL_2D" if is_max else "AVERAGE_POOL_2D", [x_nhwc], attrs, node)
    if moving is None:
        _from_2d(imp, node, y, was_1d)
        return
    y = imp.transpose(y, NHWC_TO_NCHW)
    shape = list(imp.shape(x_nd))
    out_hw = imp.shape(y)[2:]
    for k, axis in enumerate(moving):
        shape[2 + axis] = out_hw[k]
    imp.finish(node, imp.reshape(y, shape, node, node.output[0]))


@handler("GlobalAveragePool", "GlobalMaxPool")
def _global_pool(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    axes = imp.const(list(range(2, len(imp.shape(x)))), np.int32, "axes")
    op = "MEAN" if node.op_type == "GlobalAveragePool" else "REDUCE_MAX"
    imp.finish(node, imp.emit1(op, [x, axes], {"keep_dims": True}, node, node.output[0]))


@handler("Softmax")
def _softmax(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = imp.shape(x)
    rank = len(shape)
    axis = imp.attr(node, "axis", 1 if imp.opset < 13 else -1) % rank
    out = node.output[0]
    if axis == rank - 1:
        imp.finish(node, imp.emit1("SOFTMAX", [x], {"beta": 1.0}, node, out))
    elif imp.opset < 13:
        # Before opset 13 Softmax flattens to [prod(dims before axis), prod(rest)].
        flat = imp.reshape(x, [int(np.prod(shape[:axis])), int(np.prod(shape[axis:]))])
        y = imp.emit1("SOFTMAX", [flat], {"beta": 1.0}, node)
        imp.finish(node, imp.reshape(y, shape, node, out))
    else:
        perm = list(range(rank))
        perm[axis], perm[-1] = perm[-1], perm[axis]
        y = imp.emit1("SOFTMAX", [imp.transpose(x, perm)], {"beta": 1.0}, node)
        imp.finish(node, imp.transpose(y, perm, out))


def _onnx_source_index(out_len: int, in_len: int, scale: float, coord: str, nearest_mode: str) -> np.ndarray:
    """The input index ONNX Resize (nearest) reads for each output index along one axis."""
    x = np.arange(out_len, dtype=np.float32)
    scale = np.float32(scale)
    if coord == "half_pixel":
        orig = (x + 0.5) / scale - 0.5
    elif coord == "pytorch_half_pixel":
        orig = (x + 0.5) / scale - 0.5 if out_len > 1 else np.zeros_like(x)
    elif coord == "align_corners":
        orig = x * np.float32(in_len - 1) / np.float32(out_len - 1) if out_len > 1 else np.zeros_like(x)
    elif coord == "asymmetric":
        orig = x / scale
    elif coord == "tf_half_pixel_for_nn":
        orig = (x + 0.5) / scale
    else:
        raise ValueError(coord)
    rounding = {"round_prefer_floor": lambda v: np.where(v - np.floor(v) == 0.5, np.floor(v), np.round(v)),
                "round_prefer_ceil": lambda v: np.floor(v + 0.5), "floor": np.floor, "ceil": np.ceil}
    return np.clip(rounding[nearest_mode](orig), 0, in_len - 1).astype(np.int64)


def _tflite_nearest_index(out_len: int, in_len: int, align_corners: bool, half_pixel: bool) -> np.ndarray:
    """The input index .tflite RESIZE_NEAREST_NEIGHBOR reads (float32 arithmetic like the kernel)."""
    x = np.arange(out_len, dtype=np.float32)
    if align_corners and out_len > 1:
        scale = np.float32(in_len - 1) / np.float32(out_len - 1)
    else:
        scale = np.float32(in_len) / np.float32(out_len)
    v = (x + np.float32(0.5 if half_pixel else 0.0)) * scale
    # The kernel rounds half away from zero; v >= 0 here, so that is floor(v + 0.5).
    idx = np.floor(v + np.float32(0.5)) if align_corners else np.floor(v)
    return np.clip(idx, 0, in_len - 1).astype(np.int64)


@handler("Resize", "Upsample")
def _resize(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = imp.shape(x)
    mode = imp.attr(node, "mode", "nearest")
    legacy = node.op_type == "Upsample" or imp.opset < 11
    coord = "asymmetric" if legacy else imp.attr(node, "coordinate_transformation_mode", "half_pixel")
    nearest_mode = "floor" if legacy else imp.attr(node, "nearest_mode", "round_prefer_floor")
    if len(shape) != 4:
        raise ConversionError(f"{node.op_type} node {node.name!r}: only 4-D (NCHW) inputs are supported")
    if imp.attr(node, "antialias", 0) or imp.attr(node, "axes") is not None:
        raise ConversionError(f"{node.op_type} node {node.name!r}: antialias and axes are not supported")
    scales_index, sizes_index = (1, None) if legacy else (2, 3)
    sizes = imp.const_input(node, sizes_index, "sizes", required=False) if sizes_index else None
    if sizes is not None and np.asarray(sizes).size:
        out_hw = [int(s) for s in np.asarray(sizes).ravel()[2:]]
        scales = [o / i for o, i in zip(out_hw, shape[2:])]
        if list(np.asarray(sizes).ravel()[:2]) != list(shape[:2]):
            raise ConversionError(f"{node.op_type} node {node.name!r}: resizing N or C is not supported")
    else:
        all_scales = [float(s) for s in np.asarray(imp.const_input(node, scales_index, "scales")).ravel()]
        if all_scales[:2] != [1.0, 1.0]:
            raise ConversionError(f"{node.op_type} node {node.name!r}: resizing N or C is not supported")
        scales = all_scales[2:]
        out_hw = [int(np.floor(i * s)) for i, s in zip(shape[2:], scales)]
    out = node.output[0]
    if mode == "nearest":
        wanted = [_onnx_source_index(o, i, s, coord, nearest_mode) for o, i, s in zip(out_hw, shape[2:], scales)]
        for align, half in ((False, False), (False, True), (True, False)):
            got = [_tflite_nearest_index(o, i, align, half) for o, i in zip(out_hw, shape[2:])]
            if all(np.array_equal(a, b) for a, b in zip(wanted, got)):
                y = imp.emit1("RESIZE_NEAREST_NEIGHBOR",
                              [imp.transpose(x, NCHW_TO_NHWC), imp.const(out_hw, np.int32, "size")],
                              {"align_corners": align, "half_pixel_centers": half}, node)
                imp.finish(node, imp.transpose(y, NHWC_TO_NCHW, out))
                return
        # No .tflite setting reads the same pixels: gather rows, then columns.
        rows = imp.emit1("GATHER", [x, imp.const(wanted[0].astype(np.int32), name="rows")], {"axis": 2}, node)
        imp.finish(node, imp.emit1("GATHER", [rows, imp.const(wanted[1].astype(np.int32), name="cols")],
                                   {"axis": 3}, node, out))
        return
    if mode != "linear":
        raise ConversionError(f"{node.op_type} node {node.name!r}: mode {mode!r} is not supported "
                              "(nearest and linear are)")
    exact = all(abs(i * s - o) < 1e-5 for i, s, o in zip(shape[2:], scales, out_hw))
    options = {"half_pixel": (False, True), "align_corners": (True, False), "asymmetric": (False, False),
               "pytorch_half_pixel": (False, True) if min(out_hw) > 1 else None}
    setting = options.get(coord)
    if setting is None or (coord != "align_corners" and not exact):
        raise ConversionError(f"{node.op_type} node {node.name!r}: linear resize with "
                              f"coordinate_transformation_mode={coord!r} and scales {scales} has no .tflite "
                              "equivalent (half_pixel, align_corners and asymmetric with exact sizes do)")
    y = imp.emit1("RESIZE_BILINEAR", [imp.transpose(x, NCHW_TO_NHWC), imp.const(out_hw, np.int32, "size")],
                  {"align_corners": setting[0], "half_pixel_centers": setting[1]}, node)
    imp.finish(node, imp.transpose(y, NHWC_TO_NCHW, out))
