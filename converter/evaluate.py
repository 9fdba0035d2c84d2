"""NumPy evaluation of the cheap operators, for constant folding (weights layout, shape arithmetic).

Heavy operators (convolutions, pooling, resize) have no evaluator: they are never folded.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

import numpy as np

from .ir import Node

_ACTIVATIONS = {
    "NONE": lambda x: x, "RELU": lambda x: np.maximum(x, 0), "RELU6": lambda x: np.clip(x, 0, 6),
    "RELU_N1_TO_1": lambda x: np.clip(x, -1, 1),
}


def _fused(fn: Callable) -> Callable:
    def run(inputs: List[np.ndarray], attrs: Dict[str, Any]) -> List[np.ndarray]:
        out = fn(*inputs)
        act = attrs.get("fused_activation_function", "NONE")
        if act not in _ACTIVATIONS:
            raise NotImplementedError(act)
        return [_ACTIVATIONS[act](out).astype(inputs[0].dtype, copy=False)]
    return run


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind in "iu":  # integer division truncates toward zero in .tflite
        return np.trunc(a / b).astype(a.dtype)
    return a / b


def _reduce(fn: Callable) -> Callable:
    def run(inputs: List[np.ndarray], attrs: Dict[str, Any]) -> List[np.ndarray]:
        axes = tuple(int(a) for a in np.asarray(inputs[1]).ravel())
        return [np.asarray(fn(inputs[0], axis=axes, keepdims=bool(attrs.get("keep_dims")))).astype(inputs[0].dtype)]
    return run


def _unary(fn: Callable) -> Callable:
    return lambda inputs, attrs: [np.asarray(fn(inputs[0])).astype(inputs[0].dtype, copy=False)]


def _pad(inputs: List[np.ndarray], attrs: Dict[str, Any]) -> List[np.ndarray]:
    value = inputs[2].item() if len(inputs) > 2 else 0
    return [np.pad(inputs[0], np.asarray(inputs[1]).reshape(-1, 2), constant_values=value)]


def _slice(inputs: List[np.ndarray], attrs: Dict[str, Any]) -> List[np.ndarray]:
    x, begin, size = inputs
    index = tuple(slice(int(b), None if int(s) == -1 else int(b) + int(s)) for b, s in zip(begin, size))
    return [x[index]]


EVALUATORS: Dict[str, Callable[[List[np.ndarray], Dict[str, Any]], List[np.ndarray]]] = {
    "ADD": _fused(np.add), "SUB": _fused(np.subtract), "MUL": _fused(np.multiply), "DIV": _fused(_div),
    "MAXIMUM": lambda i, a: [np.maximum(i[0], i[1])], "MINIMUM": lambda i, a: [np.minimum(i[0], i[1])],
    "POW": lambda i, a: [np.power(i[0], i[1])],
    "RELU": _unary(_ACTIVATIONS["RELU"]), "RELU6": _unary(_ACTIVATIONS["RELU6"]),
    "RELU_N1_TO_1": _unary(_ACTIVATIONS["RELU_N1_TO_1"]), "NEG": _unary(np.negative),
    "SQRT": _unary(np.sqrt), "RSQRT": _unary(lambda x: 1 / np.sqrt(x)), "ABS": _unary(np.abs),
    "EXP": _unary(np.exp), "LOG": _unary(np.log), "FLOOR": _unary(np.floor), "CEIL": _unary(np.ceil),
    "SQUARE": _unary(np.square), "LOGISTIC": _unary(lambda x: 1 / (1 + np.exp(-x))), "TANH": _unary(np.tanh),
    "IDENTITY": lambda i, a: [i[0]], "DROPOUT": lambda i, a: [i[0]],
    "TRANSPOSE": lambda i, a: [np.ascontiguousarray(np.transpose(i[0], [int(p) for p in i[1]]))],
    "RESHAPE": None,  # filled below: needs the target shape resolved like shape inference does
    "SHAPE": lambda i, a: [np.asarray(i[0].shape, dtype=np.dtype(a.get("out_type", np.int32)))],
    "GATHER": lambda i, a: [np.take(i[0], i[1].astype(np.int64), axis=a.get("axis", 0))],
    "CONCATENATION": lambda i, a: [np.concatenate(i, axis=a.get("axis", 0))],
    "CAST": lambda i, a: [i[0].astype(np.dtype(a["out_data_type"]))],
    "SQUEEZE": lambda i, a: [np.squeeze(i[0], axis=tuple(a["squeeze_dims"]))],
    "FILL": lambda i, a: [np.full([int(d) for d in i[0]], i[1].item(), dtype=i[1].dtype)],
    "MEAN": _reduce(np.mean), "SUM": _reduce(np.sum), "REDUCE_MAX": _reduce(np.max),
    "REDUCE_MIN": _reduce(np.min), "REDUCE_PROD": _reduce(np.prod),
    "PAD": _pad, "PADV2": _pad, "SLICE": _slice, "PACK": lambda i, a: [np.stack(i, axis=a.get("axis", 0))],
    "SPLIT": lambda i, a: list(np.split(i[1], a["num_splits"], axis=int(i[0]))),
}


def _reshape(inputs: List[np.ndarray], attrs: Dict[str, Any]) -> List[np.ndarray]:
    from .shapes import reshape_target
    target = inputs[1] if len(inputs) > 1 and inputs[1] is not None else attrs["new_shape"]
    return [inputs[0].reshape(reshape_target(inputs[0].shape, target))]


def _strided_slice(inputs: List[np.ndarray], attrs: Dict[str, Any]) -> List[np.ndarray]:
    from .shapes import strided_slice_ranges
    x, begin, end, strides = inputs
    ranges = strided_slice_ranges(x.shape, begin, end, strides, attrs)
    out = x[tuple(slice(r.start, None if r.stop < 0 else r.stop, r.step) for r in ranges)]
    shrink = attrs.get("shrink_axis_mask", 0)
    return [out.reshape([len(r) for i, r in enumerate(ranges) if not shrink >> i & 1])]


def _split_v(inputs: List[np.ndarray], attrs: Dict[str, Any]) -> List[np.ndarray]:
    x, sizes, axis = inputs
    return list(np.split(x, np.cumsum([int(s) for s in sizes.ravel()])[:-1], axis=int(axis)))


def _erf(x: np.ndarray) -> np.ndarray:
    import math
    return np.vectorize(math.erf, otypes=[np.float64])(x) if x.size else x


def _range(inputs: List[np.ndarray], attrs: Dict[str, Any]) -> List[np.ndarray]:
    start, limit, delta = (np.asarray(i).ravel()[0] for i in inputs)
    return [np.arange(start, limit, delta, dtype=inputs[0].dtype)]


def _one_hot(inputs: List[np.ndarray], attrs: Dict[str, Any]) -> List[np.ndarray]:
    idx, depth, on, off = inputs
    depth = int(np.asarray(depth).ravel()[0])
    hot = np.arange(depth) == idx[..., None]
    out = np.where(hot, on, off).astype(on.dtype)
    axis = attrs.get("axis", -1)
    return [np.moveaxis(out, -1, axis if axis != -1 else -1)]


def _cumsum(x: np.ndarray, axis: int, attrs: Dict[str, Any]) -> List[np.ndarray]:
    if attrs.get("reverse"):
        x = np.flip(x, axis)
    out = np.cumsum(x, axis=axis).astype(x.dtype)
    if attrs.get("exclusive"):
        out = out - x
    return [np.flip(out, axis) if attrs.get("reverse") else out]


EVALUATORS.update({
    "ROUND": _unary(np.round), "SIGN": _unary(np.sign), "ERF": _unary(_erf),
    "LOGICAL_NOT": lambda i, a: [np.logical_not(i[0])], "LOGICAL_AND": lambda i, a: [np.logical_and(i[0], i[1])],
    "LOGICAL_OR": lambda i, a: [np.logical_or(i[0], i[1])],
    "SELECT_V2": lambda i, a: [np.where(i[0], i[1], i[2])],
    "TILE": lambda i, a: [np.tile(i[0], [int(m) for m in i[1]])],
    "BROADCAST_TO": lambda i, a: [np.array(np.broadcast_to(i[0], [int(d) for d in i[1]]))],
    "FLOOR_MOD": lambda i, a: [np.mod(i[0], i[1])], "FLOOR_DIV": lambda i, a: [np.floor_divide(i[0], i[1])],
    "RANGE": _range, "ONE_HOT": _one_hot,
    "CUMSUM": lambda i, a: _cumsum(i[0], int(np.asarray(i[1]).ravel()[0]), a),
    "ARG_MAX": lambda i, a: [np.argmax(i[0], axis=int(np.asarray(i[1]).ravel()[0])).astype(a.get("output_type", np.int64))],
    "ARG_MIN": lambda i, a: [np.argmin(i[0], axis=int(np.asarray(i[1]).ravel()[0])).astype(a.get("output_type", np.int64))],
})
EVALUATORS["RESHAPE"] = _reshape
EVALUATORS["STRIDED_SLICE"] = _strided_slice
EVALUATORS["SPLIT_V"] = _split_v
EVALUATORS.update({"EQUAL": lambda i, a: [np.equal(i[0], i[1])], "NOT_EQUAL": lambda i, a: [np.not_equal(i[0], i[1])],
                   "LESS": lambda i, a: [np.less(i[0], i[1])], "LESS_EQUAL": lambda i, a: [np.less_equal(i[0], i[1])],
                   "GREATER": lambda i, a: [np.greater(i[0], i[1])],
                   "GREATER_EQUAL": lambda i, a: [np.greater_equal(i[0], i[1])]})


def evaluate(node: Node, inputs: List[Optional[np.ndarray]]) -> Optional[List[np.ndarray]]:
    """The node's outputs computed from constant inputs, or None if the op has no evaluator."""
    fn = EVALUATORS.get(node.op)
    if fn is None:
        return None
    try:
        return [np.asarray(o) for o in fn(inputs, node.attrs)]
    except NotImplementedError:
        return None
