"""ONNX Slice and Split: parts of a tensor along axes, as STRIDED_SLICE, SPLIT and SPLIT_V."""

from __future__ import annotations

from typing import List

import numpy as np

from ..ir import ConversionError
from .onnx import OnnxImporter, handler

_INT32_MAX = np.iinfo(np.int32).max


def _slice_bounds(dim: int, start: int, end: int, step: int):
    """ONNX's (start, end) along one axis after counting negatives from the end and clamping, as Python
    ints; end is -1 when a negative step runs through index 0."""
    start = start + dim if start < 0 else start
    end = end + dim if end < 0 else end
    if step > 0:
        return min(max(start, 0), dim), min(max(end, 0), dim)
    return min(max(start, 0), dim - 1), min(max(end, -1), dim - 1)


@handler("Slice")
def _slice(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = imp.shape(x)
    rank = len(shape)
    if imp.opset < 10:
        starts, ends = imp.attr(node, "starts"), imp.attr(node, "ends")
        axes, steps = imp.attr(node, "axes"), None
    else:
        starts, ends = imp.const_input(node, 1, "starts"), imp.const_input(node, 2, "ends")
        axes = imp.const_input(node, 3, "axes", required=False)
        steps = imp.const_input(node, 4, "steps", required=False)
        if (imp.input(node, 3) and axes is None) or (imp.input(node, 4) and steps is None):
            raise ConversionError(f"Slice node {node.name!r}: axes and steps must be constants")
    starts, ends = [int(v) for v in np.ravel(starts)], [int(v) for v in np.ravel(ends)]
    axes = list(range(len(starts))) if axes is None else [int(a) % rank for a in np.ravel(axes)]
    steps = [1] * len(starts) if steps is None else [int(s) for s in np.ravel(steps)]
    begin, end, strides, end_mask = [0] * rank, list(shape), [1] * rank, 0
    for a, b, e, s in zip(axes, starts, ends, steps):
        if s == 0:
            raise ConversionError(f"Slice node {node.name!r}: step 0 on axis {a}")
        begin[a], end[a] = _slice_bounds(shape[a], b, e, s)
        strides[a] = s
        if s < 0 and end[a] < 0:
            end_mask |= 1 << a  # .tflite reads end -1 as the last index; the mask means "through index 0"
    for a in range(rank):
        if strides[a] > 0 and end[a] == shape[a]:
            # "To the end", written without the size so it stays right when the axis is dynamic.
            end_mask |= 1 << a
            end[a] = 0
    out = node.output[0]
    if begin == [0] * rank and end_mask == (1 << rank) - 1 and strides == [1] * rank:
        imp.finish(node, imp.emit1("IDENTITY", [x], {}, node, out))
        return
    consts = [imp.const(np.clip(v, -_INT32_MAX, _INT32_MAX), np.int32, n)
              for v, n in ((begin, "begin"), (end, "end"), (strides, "strides"))]
    attrs = {"begin_mask": 0, "end_mask": end_mask, "ellipsis_mask": 0, "new_axis_mask": 0, "shrink_axis_mask": 0}
    imp.finish(node, imp.emit1("STRIDED_SLICE", [x] + consts, attrs, node, out))


@handler("Split")
def _split(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = imp.shape(x)
    axis = imp.attr(node, "axis", 0) % len(shape)
    if imp.opset < 13:
        sizes = imp.attr(node, "split")
    else:
        sizes = imp.const_input(node, 1, "split", required=False)
        if imp.input(node, 1) and sizes is None:
            raise ConversionError(f"Split node {node.name!r}: the split sizes must be constants")
    n = len(node.output)
    dim = shape[axis]
    if sizes is None or not np.size(sizes):
        # Equal parts; from opset 18 (num_outputs) the last part may be smaller.
        part = -(-dim // n)
        sizes = [part] * (n - 1) + [dim - part * (n - 1)]
    sizes: List[int] = [int(s) for s in np.ravel(sizes)]
    if len(sizes) != n or sum(sizes) != dim:
        raise ConversionError(f"Split node {node.name!r}: sizes {sizes} do not split {dim} into {n} outputs")
    outs = list(node.output)
    if n == 1:
        imp.finish(node, imp.emit1("IDENTITY", [x], {}, node, outs[0]))
        return
    if len(set(sizes)) == 1:
        parts = imp.emit("SPLIT", [imp.const(axis, np.int32, "axis"), x], {"num_splits": n}, node, outputs=outs)
    else:
        parts = imp.emit("SPLIT_V", [x, imp.const(sizes, np.int32, "size_splits"), imp.const(axis, np.int32, "axis")],
                         {"num_splits": n}, node, outputs=outs)
    for k, part in enumerate(parts):
        imp.finish(node, part, k)
