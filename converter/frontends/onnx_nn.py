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


def to_2d(imp: OnnxImporter, node, x: str) -> Tuple[str, bool]:
    """A 1-D window op ([N, C, L]) runs as 2-D on [N, C, 1, L]."""
    shape = imp.shape(x)
    if len(shape) == 3:
        return imp.reshape(x, [shape[0], shape[1], 1, shape[2]]), True
    if len(shape) != 4:
        raise ConversionError(f"{node.op_type} node {node.name!r}: only 1-D and 2-D inputs are supported, "
                              f"got shape {list(shape)}")
    return x, False


def from_2d(imp: OnnxImporter, node, y_nhwc: str, was_1d: bool) -> None:
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
    x, was_1d = to_2d(imp, node, imp.input(node, 0))
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
    from_2d(imp, node, y, was_1d)


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


def _ceil_mode_pads(in_hw, kernel, strides, before):
    """The pads grown at the end so that a VALID pool gives ceil_mode's output size."""
    grown = []
    for i, (size, k, s) in enumerate(zip(in_hw, kernel, strides)):
        total = size + sum(before[i])
        ceil_out = -(-(total - k) // s) + 1
        if (ceil_out - 1) * s >= size + before[i][0]:  # ONNX drops a window starting in the end padding
            ceil_out -= 1
        extra = max((ceil_out - 1) * s + k - total, 0)
        grown.append([before[i][0], before[i][1] + extra])
    return grown


def _pool_out(in_hw, kernel, strides, pads):
    return [(size + p[0] + p[1] - k) // s + 1 for size, k, s, p in zip(in_hw, kernel, strides, pads)]


def _window_cells(size: int, k: int, s: int, pad_before: int, counted, out: int) -> np.ndarray:
    """Per output position, the window cells that count in the average: those inside the input grown by
    the `counted` pads (ONNX's count_include_pad counts the explicit pads, never ceil_mode's extension)."""
    start = np.arange(out) * s - pad_before
    lo = np.maximum(start, -counted[0])
    hi = np.minimum(start + k, size + counted[1])
    return np.maximum(hi - lo, 1).astype(np.float64)


@handler("MaxPool", "AveragePool")
def _pool(imp: OnnxImporter, node) -> None:
    if imp.used_outputs(node):
        raise ConversionError(f"MaxPool node {node.name!r}: the Indices output is read, and it has no .tflite "
                              "equivalent")
    kernel = list(imp.attr(node, "kernel_shape"))
    strides, dilations, pads = _spatial_attrs(imp, node, kernel)
    x_nd, moving = imp.input(node, 0), None
    if len(kernel) > 2:
        x, kernel, strides, dilations, pads, moving = _pool_nd_as_2d(imp, node, x_nd, kernel, strides, dilations,
                                                                     pads)
        was_1d = False
    else:
        x, was_1d = to_2d(imp, node, x_nd)
    if was_1d:
        kernel, strides, dilations = [1] + kernel, [1] + strides, [1] + dilations
        pads = [0, pads[0], 0, pads[1]]
    if any(d != 1 for d in dilations):
        raise ConversionError(f"{node.op_type} node {node.name!r}: dilated pooling is not supported")
    in_hw = imp.shape(x)[2:]
    padding, explicit = _padding(imp, node, in_hw, kernel, strides, dilations, pads)
    is_max = node.op_type == "MaxPool"
    same = [list(same_padding(i, k, s, 1)) for i, k, s in zip(in_hw, kernel, strides)]
    before = explicit or ([[0, 0], [0, 0]] if padding == "VALID" else same)
    grown = _ceil_mode_pads(in_hw, kernel, strides, before) if imp.attr(node, "ceil_mode", 0) else before
    correction = None
    if is_max:
        padding, explicit = (("SAME", None) if grown == same else ("VALID", None if not any(map(any, grown))
                                                                    else grown))
    else:
        # .tflite's average pool divides by the window cells inside the input under SAME and by the whole
        # window under VALID. Anything else (pads counted, asymmetric pads excluded, ceil_mode's partial
        # windows) is exact as zero PAD + VALID pool + a constant per-position correction k / divisor.
        counted = before if imp.attr(node, "count_include_pad", 0) else [[0, 0], [0, 0]]
        divisors = [_window_cells(size, k, s, g[0], c, out) for size, k, s, g, c, out in
                    zip(in_hw, kernel, strides, grown, counted, _pool_out(in_hw, kernel, strides, grown))]
        cells = np.outer(divisors[0], divisors[1])
        if not any(map(any, grown)):
            padding, explicit = "VALID", None
        elif grown == same and counted == [[0, 0], [0, 0]]:
            padding, explicit = "SAME", None
        else:
            padding, explicit = "VALID", grown
            if (cells != kernel[0] * kernel[1]).any():
                correction = (kernel[0] * kernel[1] / cells).astype(imp.graph.dtype(x))[None, :, :, None]
    x_nhwc = imp.transpose(x, NCHW_TO_NHWC)
    if explicit:
        lowest = float(np.finfo(imp.graph.dtype(x)).min) if is_max else 0.0
        x_nhwc = _explicit_pad(imp, x_nhwc, explicit, lowest)
    attrs = {"padding": padding, "stride_h": strides[0], "stride_w": strides[1], "filter_height": kernel[0],
             "filter_width": kernel[1], "fused_activation_function": "NONE"}
    y = imp.emit1("MAX_POOL_2D" if is_max else "AVERAGE_POOL_2D", [x_nhwc], attrs, node)
    if correction is not None:
        y = imp.emit1("MUL", [y, imp.const(correction, name="pool_divisor_correction")],
                      {"fused_activation_function": "NONE"}, node)
    if moving is None:
        from_2d(imp, node, y, was_1d)
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


@handler("Softmax", "LogSoftmax")
def _softmax(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = imp.shape(x)
    rank = len(shape)
    axis = imp.attr(node, "axis", 1 if imp.opset < 13 else -1) % rank
    out = node.output[0]
    op, attrs = ("SOFTMAX", {"beta": 1.0}) if node.op_type == "Softmax" else ("LOG_SOFTMAX", {})
    if axis == rank - 1:
        imp.finish(node, imp.emit1(op, [x], attrs, node, out))
    elif imp.opset < 13:
        # Before opset 13 Softmax flattens to [prod(dims before axis), prod(rest)].
        flat = imp.reshape(x, [int(np.prod(shape[:axis])), int(np.prod(shape[axis:]))])
        y = imp.emit1(op, [flat], attrs, node)
        imp.finish(node, imp.reshape(y, shape, node, out))
    else:
        perm = list(range(rank))
        perm[axis], perm[-1] = perm[-1], perm[axis]
        y = imp.emit1(op, [imp.transpose(x, perm)], attrs, node)
        imp.finish(node, imp.transpose(y, perm, out))


@handler("ConvTranspose")
def _conv_transpose(imp: OnnxImporter, node) -> None:
    x, was_1d = to_2d(imp, node, imp.input(node, 0))
    w = imp.const_input(node, 1, "the weights")  # [C_in, C_out / group, kH, kW]
    if was_1d:
        w = w[:, :, None, :]
    c_in, c_out_group, kh, kw = w.shape
    group = int(imp.attr(node, "group", 1))
    n = 1 if was_1d else 2
    strides = list(imp.attr(node, "strides", [1] * n))
    dilations = list(imp.attr(node, "dilations", [1] * n))
    out_pad = list(imp.attr(node, "output_padding", [0] * n))
    pads = list(imp.attr(node, "pads", [0] * 2 * n))
    if was_1d:
        strides, dilations, out_pad = [1] + strides, [1] + dilations, [0] + out_pad
        pads = [0, pads[0], 0, pads[1]]
    if any(d != 1 for d in dilations):
        raise ConversionError(f"ConvTranspose node {node.name!r}: dilations={dilations} is not supported "
                              "(TRANSPOSE_CONV has no dilation)")
    in_hw = imp.shape(x)[2:]
    full = [(i - 1) * s + k for i, s, k in zip(in_hw, strides, (kh, kw))]
    output_shape = imp.attr(node, "output_shape")
    auto_pad = imp.attr(node, "auto_pad", "NOTSET")
    if output_shape is not None or auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        wanted = list(output_shape)[-2:] if output_shape is not None else [i * s for i, s in zip(in_hw, strides)]
        if was_1d and output_shape is not None:
            wanted = [1, list(output_shape)[-1]]
        begin_pads = []
        for f, o, p in zip(full, wanted, out_pad):
            total = f + p - o
            begin_pads.append(total - total // 2 if auto_pad == "SAME_LOWER" else total // 2)
        pads = begin_pads + [f + p - o - b for f, o, p, b in zip(full, wanted, out_pad, begin_pads)]
    elif auto_pad == "VALID":
        pads = [0, 0, 0, 0]
    out_hw = [f + p - pads[i] - pads[i + 2] for i, (f, p) in enumerate(zip(full, out_pad))]
    if any(o <= 0 for o in out_hw):
        raise ConversionError(f"ConvTranspose node {node.name!r}: pads {pads} leave no output")
    dtype = imp.graph.dtype(x)
    bias = imp.const_input(node, 2, "the bias", required=False)
    bias = np.zeros(c_out_group * group, dtype) if bias is None else np.asarray(bias, dtype)
    batch = imp.shape(x)[0]
    # TRANSPOSE_CONV writes the whole (in - 1) * stride + kernel output (VALID); ONNX's pads crop it and
    # output_padding extends it at the end with rows no input reaches (zero before the bias).
    exact = out_hw == full  # no crop, no extension: the bias goes into TRANSPOSE_CONV
    x_nhwc = imp.transpose(x, NCHW_TO_NHWC)
    xs = [x_nhwc] if group == 1 else imp.emit("SPLIT", [imp.const(3, np.int32, "axis"), x_nhwc],
                                              {"num_splits": group}, node)
    parts = []
    for g in range(group):
        wg = w[g * (c_in // group):(g + 1) * (c_in // group)]  # [C_in/g, C_out/g, kH, kW]
        weights = imp.const(np.ascontiguousarray(wg.transpose(1, 2, 3, 0)), name="weights")  # OHWI
        shape = imp.const([batch, full[0], full[1], c_out_group], np.int32, "output_shape")
        bg = bias[g * c_out_group:(g + 1) * c_out_group] if exact else np.zeros(c_out_group, dtype)
        parts.append(imp.emit1("TRANSPOSE_CONV", [shape, weights, xs[g], imp.const(bg, name="bias")],
                               {"padding": "VALID", "stride_h": strides[0], "stride_w": strides[1],
                                "fused_activation_function": "NONE"}, node))
    y = parts[0] if group == 1 else imp.emit1("CONCATENATION", parts, {"axis": 3, "fused_activation_function":
                                                                        "NONE"}, node)
    extend = [max(out_pad[i] - pads[i + 2], 0) for i in range(2)]
    if any(extend):
        y = imp.emit1("PAD", [y, imp.const([[0, 0], [0, extend[0]], [0, extend[1]], [0, 0]], np.int32,
                                           "paddings")], {}, node)
    if pads[0] or pads[1] or imp.shape(y)[1:3] != tuple(out_hw):
        begin = imp.const([0, pads[0], pads[1], 0], np.int32, "begin")
        end = imp.const([0, pads[0] + out_hw[0], pads[1] + out_hw[1], 0], np.int32, "end")
        y = imp.emit1("STRIDED_SLICE", [y, begin, end, imp.const([1, 1, 1, 1], np.int32, "strides")],
                      {"begin_mask": 0b1001, "end_mask": 0b1001, "ellipsis_mask": 0, "new_axis_mask": 0,
                       "shrink_axis_mask": 0}, node)
    if bias.any() and not exact:
        y = imp.emit1("ADD", [y, imp.const(bias, name="bias")], {"fused_activation_function": "NONE"}, node)
    from_2d(imp, node, y, was_1d)


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
    legacy_scales = imp.attr(node, "scales") if node.op_type == "Upsample" and imp.opset < 9 else None
    if sizes is not None and np.asarray(sizes).size:
        out_hw = [int(s) for s in np.asarray(sizes).ravel()[2:]]
        scales = [o / i for o, i in zip(out_hw, shape[2:])]
        if list(np.asarray(sizes).ravel()[:2]) != list(shape[:2]):
            raise ConversionError(f"{node.op_type} node {node.name!r}: resizing N or C is not supported")
    else:
        all_scales = [float(s) for s in np.asarray(legacy_scales if legacy_scales is not None else
                                                    imp.const_input(node, scales_index, "scales")).ravel()]
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
    if mode not in ("linear", "bilinear"):  # Upsample before opset 9 says "bilinear"
        raise ConversionError(f"{node.op_type} node {node.name!r}: attribute mode={mode!r} has no .tflite "
                              "equivalent (nearest and linear convert to RESIZE_NEAREST_NEIGHBOR and "
                              "RESIZE_BILINEAR)")
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
