"""ONNX indexing, sorting and mask operators: GatherElements, GatherND, ScatterND, TopK, ArgMax/ArgMin,
Hardmax, OneHot, NonZero, Trilu, EyeLike, Range, CumSum.

Several map to .tflite builtins that not every runtime has (GATHER_ND, SCATTER_ND, TOPK_V2, ARG_MAX,
ONE_HOT, RANGE, CUMSUM); the converter writes the standard operator either way.
"""

from __future__ import annotations

import numpy as np

from ..ir import ConversionError
from .onnx import OnnxImporter, handler
from .onnx_select import scatter_nd_reduced

_NONE = {"fused_activation_function": "NONE"}


def _wrapped_indices(imp: OnnxImporter, node, indices: str, dims, k: int = 1) -> str:
    """Input k, indices, with negative entries counted from the end (.tflite gathers take no negative
    indices): folded for constants, else idx + dim * (idx < 0)."""
    const = imp.const_input(node, k, "indices", required=False)
    dims = np.asarray(dims, np.int64)
    if const is not None:
        return imp.const(np.where(const < 0, const + dims, const).astype(np.int32), name="indices")
    dtype = imp.graph.dtype(indices)
    negative = imp.emit1("CAST", [imp.emit1("LESS", [indices, imp.const(0, dtype, "zero")], {}, node)],
                         {"in_data_type": np.bool_, "out_data_type": dtype}, node)
    shift = imp.emit1("MUL", [negative, imp.const(dims.astype(dtype), name="dims")], _NONE, node)
    wrapped = imp.emit1("ADD", [indices, shift], _NONE, node)
    return imp.emit1("CAST", [wrapped], {"in_data_type": dtype, "out_data_type": np.int32}, node)


@handler("GatherND")
def _gather_nd(imp: OnnxImporter, node) -> None:
    if imp.attr(node, "batch_dims", 0):
        raise ConversionError(f"GatherND node {node.name!r}: batch_dims={imp.attr(node, 'batch_dims')} is not "
                              "supported (0 is)")
    x, idx = imp.input(node, 0), imp.input(node, 1)
    depth = imp.shape(idx)[-1]
    idx = _wrapped_indices(imp, node, idx, imp.shape(x)[:depth])
    imp.finish(node, imp.emit1("GATHER_ND", [x, idx], {}, node, node.output[0]))


@handler("GatherElements")
def _gather_elements(imp: OnnxImporter, node) -> None:
    # out[i0, .., ik, ..] = x[i0, .., idx[i0, .., ik, ..], ..]: GATHER_ND with the other coordinates
    # taken from a constant grid.
    x, idx = imp.input(node, 0), imp.input(node, 1)
    rank = len(imp.shape(x))
    axis = imp.attr(node, "axis", 0) % rank
    shape = imp.shape(idx)
    idx = _wrapped_indices(imp, node, idx, imp.shape(x)[axis])
    grid = np.indices(shape, dtype=np.int32)
    parts = []
    for k in range(rank):
        if k == axis:
            parts.append(imp.reshape(idx, list(shape) + [1]))
        else:
            parts.append(imp.const(grid[k][..., None], name="coordinates"))
    coords = imp.emit1("CONCATENATION", parts, {"axis": rank, "fused_activation_function": "NONE"}, node)
    imp.finish(node, imp.emit1("GATHER_ND", [x, coords], {}, node, node.output[0]))


@handler("ScatterND")
def _scatter_nd(imp: OnnxImporter, node) -> None:
    data, idx, updates = (imp.input(node, k) for k in range(3))
    depth = imp.shape(idx)[-1]
    idx = _wrapped_indices(imp, node, idx, imp.shape(data)[:depth])
    reduction = imp.attr(node, "reduction", "none")
    if reduction != "none":
        imp.finish(node, scatter_nd_reduced(imp, node, data, idx, updates, reduction))
        return
    # .tflite's SCATTER_ND writes updates into zeros: data * (1 - scatter(ones)) + scatter(updates).
    shape = imp.const(list(imp.shape(data)), np.int32, "shape")
    dtype = imp.graph.dtype(data)
    written = imp.emit1("SCATTER_ND", [idx, imp.const(np.ones(imp.shape(updates), dtype), name="ones"), shape],
                        {}, node)
    keep = imp.emit1("SUB", [imp.const(1, dtype, "one"), written], _NONE, node)
    scattered = imp.emit1("SCATTER_ND", [idx, updates, shape], {}, node)
    kept = imp.emit1("MUL", [data, keep], _NONE, node)
    imp.finish(node, imp.emit1("ADD", [kept, scattered], _NONE, node, node.output[0]))


def _move_axis_last(imp: OnnxImporter, x: str, axis: int):
    rank = len(imp.shape(x))
    if axis == rank - 1:
        return x, None
    perm = list(range(rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    return imp.transpose(x, perm), perm


@handler("TopK")
def _top_k(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    rank = len(imp.shape(x))
    axis = imp.attr(node, "axis", -1) % rank
    if not imp.attr(node, "largest", 1):
        raise ConversionError(f"TopK node {node.name!r}: largest=0 is not supported (TOPK_V2 takes the largest)")
    k = int(np.ravel(imp.const_input(node, 1, "k"))[0]) if imp.opset >= 10 else int(imp.attr(node, "k"))
    x, perm = _move_axis_last(imp, x, axis)
    values, indices = imp.emit("TOPK_V2", [x, imp.const(k, np.int32, "k")], {}, node)
    indices = imp.emit1("CAST", [indices], {"in_data_type": np.int32, "out_data_type": np.int64}, node)
    if perm is not None:
        values, indices = imp.transpose(values, perm), imp.transpose(indices, perm)
    imp.finish(node, imp.emit1("IDENTITY", [values], {}, node, node.output[0]), 0)
    imp.finish(node, imp.emit1("IDENTITY", [indices], {}, node, node.output[1]), 1)


@handler("ArgMax", "ArgMin")
def _arg_max(imp: OnnxImporter, node) -> None:
    if imp.attr(node, "select_last_index", 0):
        raise ConversionError(f"{node.op_type} node {node.name!r}: select_last_index=1 is not supported")
    x = imp.input(node, 0)
    shape = list(imp.shape(x))
    axis = imp.attr(node, "axis", 0) % len(shape)
    op = "ARG_MAX" if node.op_type == "ArgMax" else "ARG_MIN"
    y = imp.emit1(op, [x, imp.const([axis], np.int32, "axis")], {"output_type": np.int64}, node)
    if imp.attr(node, "keepdims", 1):
        shape[axis] = 1
        y = imp.reshape(y, shape)
    imp.finish(node, imp.emit1("IDENTITY", [y], {}, node, node.output[0]))


@handler("Hardmax")
def _hardmax(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = imp.shape(x)
    axis = imp.attr(node, "axis", -1 if imp.opset >= 13 else 1) % len(shape)
    if imp.opset < 13 and axis != len(shape) - 1:
        raise ConversionError(f"Hardmax node {node.name!r}: before opset 13 only the last axis is supported")
    dtype = imp.graph.dtype(x)
    best = imp.emit1("ARG_MAX", [x, imp.const([axis], np.int32, "axis")], {"output_type": np.int32}, node)
    imp.finish(node, imp.emit1("ONE_HOT", [best, imp.const(shape[axis], np.int32, "depth"),
                                           imp.const(1, dtype, "on"), imp.const(0, dtype, "off")],
                               {"axis": axis}, node, node.output[0]))


@handler("OneHot")
def _one_hot(imp: OnnxImporter, node) -> None:
    idx = imp.input(node, 0)
    depth = int(np.ravel(imp.const_input(node, 1, "depth"))[0])
    values = np.asarray(imp.const_input(node, 2, "values"))
    axis = imp.attr(node, "axis", -1)
    rank = len(imp.shape(idx)) + 1
    axis = -1 if axis % rank == rank - 1 else axis % rank
    # ONNX counts negative indices from the end of the depth.
    idx = _wrapped_indices(imp, node, idx, depth, k=0) if imp.graph.dtype(idx).kind in "iu" else idx
    off, on = values.ravel()[:2]
    imp.finish(node, imp.emit1("ONE_HOT", [idx, imp.const(depth, np.int32, "depth"), imp.const(on, values.dtype, "on"),
                                           imp.const(off, values.dtype, "off")], {"axis": axis}, node,
                               node.output[0]))


@handler("NonZero")
def _non_zero(imp: OnnxImporter, node) -> None:
    x = imp.const_input(node, 0, "the input", required=False)
    if x is None:
        raise ConversionError(f"NonZero node {node.name!r}: the input depends on run-time data, so the output's "
                              "shape does too; only NonZero of values known at conversion time converts")
    imp.finish(node, imp.graph.add_const(np.asarray(np.nonzero(x), np.int64), node.output[0]))


@handler("Trilu")
def _trilu(imp: OnnxImporter, node) -> None:
    # A constant 0/1 mask over the last two axes (static there), multiplied in.
    x = imp.input(node, 0)
    k = imp.const_input(node, 1, "k", required=False)
    k = 0 if k is None else int(np.ravel(k)[0])
    rows, cols = imp.shape(x)[-2:]
    upper = imp.attr(node, "upper", 1)
    mask = np.triu(np.ones((rows, cols)), k) if upper else np.tril(np.ones((rows, cols)), k)
    dtype = imp.graph.dtype(x)
    if dtype == np.bool_:
        y = imp.emit1("LOGICAL_AND", [x, imp.const(mask.astype(bool), name="trilu_mask")], {}, node, node.output[0])
    else:
        y = imp.emit1("MUL", [x, imp.const(mask.astype(dtype), name="trilu_mask")], _NONE, node, node.output[0])
    imp.finish(node, y)


@handler("EyeLike")
def _eye_like(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    dtype = imp.onnx.helper.tensor_dtype_to_np_dtype(imp.attr(node, "dtype")) if imp.attr(node, "dtype") \
        else imp.graph.dtype(x)
    rows, cols = imp.shape(x)
    imp.finish(node, imp.graph.add_const(np.eye(rows, cols, int(imp.attr(node, "k", 0)), dtype=dtype),
                                         node.output[0]))


@handler("Range")
def _range(imp: OnnxImporter, node) -> None:
    inputs = [imp.input(node, k) for k in range(3)]
    consts = [imp.const_input(node, k, what, required=False) for k, what in enumerate(("start", "limit", "delta"))]
    if all(c is not None for c in consts):
        start, limit, delta = (np.ravel(c)[0] for c in consts)
        imp.finish(node, imp.graph.add_const(np.arange(start, limit, delta, dtype=consts[0].dtype), node.output[0]))
        return
    raise ConversionError(f"Range node {node.name!r}: start, limit and delta must be known at conversion time "
                          f"(inputs {inputs}); a run-time Range has a data-dependent shape")


@handler("CumSum")
def _cumsum(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    axis = int(np.ravel(imp.const_input(node, 1, "axis"))[0]) % len(imp.shape(x))
    attrs = {"exclusive": bool(imp.attr(node, "exclusive", 0)), "reverse": bool(imp.attr(node, "reverse", 0))}
    imp.finish(node, imp.emit1("CUMSUM", [x, imp.const(axis, np.int32, "axis")], attrs, node, node.output[0]))
