"""ONNX tensor-shaping operators: Shape, Gather, Concat, Reshape, Flatten, Transpose, (Un)Squeeze, Pad,
reductions, Expand, Tile, DepthToSpace/SpaceToDepth.

Shapes computed from static shapes and constants are folded at conversion time; with dynamic dimensions
(dynamic.py) the reshape targets they give are rewritten to -1 or to run-time SHAPE arithmetic.
"""

from __future__ import annotations

import numpy as np

from ..ir import ConversionError
from ..shapes import reshape_target
from .onnx import OnnxImporter, axes_of, handler


@handler("Shape")
def _shape(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    rank = len(imp.shape(x))
    start, end = imp.attr(node, "start", 0), imp.attr(node, "end", rank)
    start, end = max(start + rank if start < 0 else start, 0), min(end + rank if end < 0 else end, rank)
    full = (start, end) == (0, rank)
    out = imp.emit1("SHAPE", [x], {"out_type": np.int64}, node, node.output[0] if full else None)
    if not full:
        indices = imp.const(np.arange(start, end, dtype=np.int32), name="shape_range")
        out = imp.emit1("GATHER", [out, indices], {"axis": 0}, node, node.output[0])
    imp.finish(node, out)


@handler("Gather")
def _gather(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    axis = imp.attr(node, "axis", 0) % len(imp.shape(x))
    indices = imp.const_input(node, 1, "indices", required=False)
    if indices is not None:
        # .tflite GATHER has no negative indices: wrap them here.
        dim = imp.shape(x)[axis]
        idx = imp.const(np.where(indices < 0, indices + dim, indices).astype(np.int32), name="indices")
    else:
        idx = imp.input(node, 1)
    imp.finish(node, imp.emit1("GATHER", [x, idx], {"axis": axis}, node, node.output[0]))


@handler("Concat")
def _concat(imp: OnnxImporter, node) -> None:
    inputs = [imp.input(node, k) for k in range(len(node.input))]
    inputs = [i for i in inputs if int(np.prod(imp.shape(i))) > 0 or len(inputs) == 1]
    axis = imp.attr(node, "axis") % len(imp.shape(inputs[0]))
    imp.finish(node, imp.emit1("CONCATENATION", inputs, {"axis": axis, "fused_activation_function": "NONE"},
                               node, node.output[0]))


@handler("Reshape")
def _reshape(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    target = [int(d) for d in imp.const_input(node, 1, "the target shape")]
    in_shape = imp.shape(x)
    if not imp.attr(node, "allowzero", 0):
        target = [in_shape[i] if d == 0 else d for i, d in enumerate(target)]
    imp.finish(node, imp.reshape(x, reshape_target(in_shape, target), node, node.output[0]))


@handler("Flatten")
def _flatten(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = imp.shape(x)
    axis = imp.attr(node, "axis", 1)
    axis = axis + len(shape) if axis < 0 else axis
    target = [int(np.prod(shape[:axis])), int(np.prod(shape[axis:]))]
    imp.finish(node, imp.reshape(x, target, node, node.output[0]))


@handler("Transpose")
def _transpose(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    perm = imp.attr(node, "perm") or list(range(len(imp.shape(x))))[::-1]
    imp.finish(node, imp.transpose(x, [int(p) for p in perm], node.output[0]))


@handler("Unsqueeze")
def _unsqueeze(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = list(imp.shape(x))
    axes = axes_of(imp, node, 1, 13)
    rank = len(shape) + len(axes)
    for a in sorted(a % rank for a in axes):
        shape.insert(a, 1)
    imp.finish(node, imp.reshape(x, shape, node, node.output[0]))


@handler("Squeeze")
def _squeeze(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = imp.shape(x)
    axes = axes_of(imp, node, 1, 13)
    axes = {a % len(shape) for a in axes} if axes else {i for i, d in enumerate(shape) if d == 1}
    bad = [a for a in axes if shape[a] != 1]
    if bad:
        raise ConversionError(f"Squeeze node {node.name!r}: axes {bad} of shape {list(shape)} are not 1")
    imp.finish(node, imp.reshape(x, [d for i, d in enumerate(shape) if i not in axes], node, node.output[0]))


@handler("Pad")
def _pad(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    rank = len(imp.shape(x))
    mode = imp.attr(node, "mode", "constant")
    if imp.opset < 11:
        pads, value = imp.attr(node, "pads"), float(imp.attr(node, "value", 0.0))
    else:
        pads = imp.const_input(node, 1, "pads")
        v = imp.const_input(node, 2, "constant_value", required=False)
        value = 0.0 if v is None else float(np.asarray(v).ravel()[0]) if np.asarray(v).size else 0.0
    pads = [int(p) for p in np.asarray(pads).ravel()]
    axes = axes_of(imp, node, 3, 18) if imp.opset >= 18 else None
    axes = list(range(rank)) if axes is None else [a % rank for a in axes]
    paddings = np.zeros((rank, 2), np.int32)
    for k, a in enumerate(axes):
        paddings[a] = (pads[k], pads[k + len(axes)])
    if (paddings < 0).any():
        raise ConversionError(f"Pad node {node.name!r}: negative pads (cropping) are not supported")
    out = node.output[0]
    pad_const = imp.const(paddings, name="paddings")
    if mode == "constant":
        if value == 0.0:
            result = imp.emit1("PAD", [x, pad_const], {}, node, out)
        else:
            result = imp.emit1("PADV2", [x, pad_const, imp.const(value, imp.graph.dtype(x), "pad_value")], {},
                               node, out)
    elif mode == "reflect":
        result = imp.emit1("MIRROR_PAD", [x, pad_const], {"mode": "REFLECT"}, node, out)
    else:
        raise ConversionError(f"Pad node {node.name!r}: mode {mode!r} has no .tflite equivalent (constant and "
                              "reflect are supported)")
    imp.finish(node, result)


# ONNX reduction -> (element-wise op before, .tflite reducer, element-wise op after)
_REDUCTIONS = {"ReduceMean": (None, "MEAN", None), "ReduceSum": (None, "SUM", None),
               "ReduceMax": (None, "REDUCE_MAX", None), "ReduceMin": (None, "REDUCE_MIN", None),
               "ReduceProd": (None, "REDUCE_PROD", None), "ReduceSumSquare": ("SQUARE", "SUM", None),
               "ReduceL1": ("ABS", "SUM", None), "ReduceL2": ("SQUARE", "SUM", "SQRT"),
               "ReduceLogSum": (None, "SUM", "LOG"), "ReduceLogSumExp": ("EXP", "SUM", "LOG")}


@handler(*_REDUCTIONS)
def _reduce(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    rank = len(imp.shape(x))
    since = 13 if node.op_type == "ReduceSum" else 18
    axes = axes_of(imp, node, 1, since)
    if not axes:
        if imp.attr(node, "noop_with_empty_axes", 0):
            imp.finish(node, imp.emit1("IDENTITY", [x], {}, node, node.output[0]))
            return
        axes = list(range(rank))
    before, op, after = _REDUCTIONS[node.op_type]
    if before:
        x = imp.emit1(before, [x], {}, node)
    axes_const = imp.const(sorted(a % rank for a in axes), np.int32, "axes")
    y = imp.emit1(op, [x, axes_const], {"keep_dims": bool(imp.attr(node, "keepdims", 1))}, node,
                  None if after else node.output[0])
    if after:
        y = imp.emit1(after, [y], {}, node, node.output[0])
    imp.finish(node, y)


@handler("Expand")
def _expand(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = [int(d) for d in imp.const_input(node, 1, "the shape")]
    in_shape = list(imp.shape(x))
    rank = max(len(shape), len(in_shape))
    shape = [1] * (rank - len(shape)) + shape
    padded = [1] * (rank - len(in_shape)) + in_shape
    out = [max(a, b) if 1 in (a, b) else a for a, b in zip(padded, shape)]  # ONNX: broadcast, 1 means keep
    if out == in_shape:
        imp.finish(node, imp.emit1("IDENTITY", [x], {}, node, node.output[0]))
        return
    if padded != in_shape:
        x = imp.reshape(x, padded)
    imp.finish(node, imp.emit1("BROADCAST_TO", [x, imp.const(out, np.int32, "shape")], {}, node, node.output[0]))


@handler("Tile")
def _tile(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    repeats = imp.const_input(node, 1, "repeats")
    imp.finish(node, imp.emit1("TILE", [x, imp.const(np.asarray(repeats).astype(np.int32), name="multiples")], {},
                               node, node.output[0]))


@handler("DepthToSpace", "SpaceToDepth")
def _depth_space(imp: OnnxImporter, node) -> None:
    from .onnx import NCHW_TO_NHWC, NHWC_TO_NCHW
    x = imp.input(node, 0)
    b = int(imp.attr(node, "blocksize"))
    n, c, h, w = imp.shape(x)
    if node.op_type == "DepthToSpace" and imp.attr(node, "mode", "DCR") == "CRD":
        # CRD reads channel c * b * b + i * b + j for output (c, i, j); DCR (.tflite's order) reads
        # (i * b + j) * C + c: reorder the channels first.
        out_c = c // (b * b)
        order = np.arange(c).reshape(out_c, b * b).T.reshape(-1)
        x = imp.emit1("GATHER", [x, imp.const(order.astype(np.int32), name="channel_order")], {"axis": 1}, node)
    op = "DEPTH_TO_SPACE" if node.op_type == "DepthToSpace" else "SPACE_TO_DEPTH"
    y = imp.emit1(op, [imp.transpose(x, NCHW_TO_NHWC)], {"block_size": b}, node)
    imp.finish(node, imp.transpose(y, NHWC_TO_NCHW, node.output[0]))
