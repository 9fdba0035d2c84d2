"""Static shape inference for the converter's operators (.tflite semantics): one rule per op family."""

from __future__ import annotations

from typing import Callable, Dict, List, Tuple

import numpy as np

from .ir import ConversionError, Graph, Node

Spec = Tuple[Tuple[int, ...], np.dtype]

UNARY_OPS = ("RELU", "RELU6", "RELU_N1_TO_1", "RELU_0_TO_1", "LOGISTIC", "TANH", "LEAKY_RELU", "HARD_SWISH",
             "GELU", "ELU", "EXP", "LOG", "SQRT", "RSQRT", "ABS", "NEG", "FLOOR", "CEIL", "SQUARE", "SIN",
             "COS", "SOFTMAX", "LOG_SOFTMAX", "LOCAL_RESPONSE_NORMALIZATION", "L2_NORMALIZATION",
             "IDENTITY", "DROPOUT", "ROUND", "SIGN", "LOGICAL_NOT", "CUMSUM", "ERF")
BINARY_OPS = ("ADD", "SUB", "MUL", "DIV", "MAXIMUM", "MINIMUM", "POW", "SQUARED_DIFFERENCE", "PRELU",
              "FLOOR_DIV", "FLOOR_MOD", "LOGICAL_AND", "LOGICAL_OR")
COMPARISON_OPS = ("EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL")


def out_size(size: int, kernel: int, stride: int, dilation: int, padding: str) -> int:
    """Output length of a window op along one axis under SAME/VALID padding (.tflite rules)."""
    effective = (kernel - 1) * dilation + 1
    if padding == "SAME":
        return (size + stride - 1) // stride
    return max((size - effective) // stride + 1, 0)


def same_padding(size: int, kernel: int, stride: int, dilation: int) -> Tuple[int, int]:
    """(before, after) padding that SAME applies: the odd pixel goes after."""
    effective = (kernel - 1) * dilation + 1
    total = max((out_size(size, kernel, stride, dilation, "SAME") - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def _need_const(graph: Graph, node: Node, k: int, what: str) -> np.ndarray:
    if k >= len(node.inputs) or node.inputs[k] is None or graph.const(node.inputs[k]) is None:
        raise ConversionError(f"{node.op} node {node.name!r}: {what} (input {k}) must be a constant")
    return graph.const(node.inputs[k])


def reshape_target(in_shape, target) -> Tuple[int, ...]:
    """The shape a RESHAPE of `in_shape` to `target` gives, with one -1 resolved. Raises ConversionError for two -1s
    or a target of another element count."""
    target = [int(d) for d in np.asarray(target).ravel()]
    total = int(np.prod(in_shape))
    if target.count(-1) > 1:
        raise ConversionError(f"reshape target {target} has more than one -1")
    if -1 in target:
        known = int(np.prod([d for d in target if d != -1]))
        target[target.index(-1)] = total // known if known else 0
    if int(np.prod(target)) != total:
        raise ConversionError(f"cannot reshape {list(in_shape)} ({total} elements) to {target}")
    return tuple(target)


def _window(graph, node, x_shape, kh, kw, dil=(1, 1)):
    a = node.attrs
    padding = a.get("padding", "VALID")
    return (out_size(x_shape[1], kh, a.get("stride_h", 1), dil[0], padding),
            out_size(x_shape[2], kw, a.get("stride_w", 1), dil[1], padding))


def _conv(graph: Graph, node: Node) -> List[Spec]:
    x, w = graph.shape(node.inputs[0]), graph.shape(node.inputs[1])
    if len(x) != 4 or len(w) != 4:
        raise ConversionError(f"{node.op} node {node.name!r} needs 4-D input and filter, got {x} and {w}")
    dil = (node.attrs.get("dilation_h_factor", 1), node.attrs.get("dilation_w_factor", 1))
    oh, ow = _window(graph, node, x, w[1], w[2], dil)
    channels = w[3] if node.op == "DEPTHWISE_CONV_2D" else w[0]
    return [((x[0], oh, ow, channels), graph.dtype(node.inputs[0]))]


def _pool(graph: Graph, node: Node) -> List[Spec]:
    x = graph.shape(node.inputs[0])
    oh, ow = _window(graph, node, x, node.attrs["filter_height"], node.attrs["filter_width"])
    return [((x[0], oh, ow, x[3]), graph.dtype(node.inputs[0]))]


def _fully_connected(graph: Graph, node: Node) -> List[Spec]:
    x, w = graph.shape(node.inputs[0]), graph.shape(node.inputs[1])
    total, depth = int(np.prod(x)), w[1]
    if node.attrs.get("keep_num_dims"):
        if x[-1] != depth:
            raise ConversionError(f"FULLY_CONNECTED node {node.name!r}: input {x} does not match weights {w}")
        return [(tuple(x[:-1]) + (w[0],), graph.dtype(node.inputs[0]))]
    if depth == 0 or total % depth:
        raise ConversionError(f"FULLY_CONNECTED node {node.name!r}: input {x} does not match weights {w}")
    # Without keep_num_dims the input is read as [total / depth, depth], whatever its rank.
    return [((total // depth, w[0]), graph.dtype(node.inputs[0]))]


def _batch_matmul(graph: Graph, node: Node) -> List[Spec]:
    a, b = list(graph.shape(node.inputs[0])), list(graph.shape(node.inputs[1]))
    if node.attrs.get("adj_x"):
        a[-1], a[-2] = a[-2], a[-1]
    if node.attrs.get("adj_y"):
        b[-1], b[-2] = b[-2], b[-1]
    if a[-1] != b[-2]:
        raise ConversionError(f"BATCH_MATMUL node {node.name!r}: {a} x {b} do not match")
    batch = np.broadcast_shapes(tuple(a[:-2]), tuple(b[:-2]))
    return [(tuple(batch) + (a[-2], b[-1]), graph.dtype(node.inputs[0]))]


def _reduce(graph: Graph, node: Node) -> List[Spec]:
    x = graph.shape(node.inputs[0])
    axes = {int(a) % len(x) for a in np.asarray(_need_const(graph, node, 1, "axes")).ravel()}
    if node.attrs.get("keep_dims"):
        shape = tuple(1 if i in axes else d for i, d in enumerate(x))
    else:
        shape = tuple(d for i, d in enumerate(x) if i not in axes)
    return [(shape, graph.dtype(node.inputs[0]))]


def _reshape(graph: Graph, node: Node) -> List[Spec]:
    if len(node.inputs) > 1 and node.inputs[1] is not None:
        target = _need_const(graph, node, 1, "shape")
    else:
        target = node.attrs["new_shape"]
    return [(reshape_target(graph.shape(node.inputs[0]), target), graph.dtype(node.inputs[0]))]


def _transpose(graph: Graph, node: Node) -> List[Spec]:
    x = graph.shape(node.inputs[0])
    perm = [int(p) for p in _need_const(graph, node, 1, "perm")]
    if sorted(perm) != list(range(len(x))):
        raise ConversionError(f"TRANSPOSE node {node.name!r}: {perm} is not a permutation of rank {len(x)}")
    return [(tuple(x[p] for p in perm), graph.dtype(node.inputs[0]))]


def _concat(graph: Graph, node: Node) -> List[Spec]:
    shapes = [graph.shape(i) for i in node.inputs]
    axis = node.attrs.get("axis", 0) % len(shapes[0])
    out = list(shapes[0])
    for s in shapes[1:]:
        if len(s) != len(out) or any(a != b for k, (a, b) in enumerate(zip(s, out)) if k != axis):
            raise ConversionError(f"CONCATENATION node {node.name!r}: shapes {shapes} differ off axis {axis}")
    out[axis] = sum(s[axis] for s in shapes)
    return [(tuple(out), graph.dtype(node.inputs[0]))]


def _pad(graph: Graph, node: Node) -> List[Spec]:
    pads = np.asarray(_need_const(graph, node, 1, "paddings")).reshape(-1, 2)
    x = graph.shape(node.inputs[0])
    return [(tuple(d + int(p[0]) + int(p[1]) for d, p in zip(x, pads)), graph.dtype(node.inputs[0]))]


def _gather(graph: Graph, node: Node) -> List[Spec]:
    x, idx = graph.shape(node.inputs[0]), graph.shape(node.inputs[1])
    axis = node.attrs.get("axis", 0) % len(x)
    return [(tuple(x[:axis]) + tuple(idx) + tuple(x[axis + 1:]), graph.dtype(node.inputs[0]))]


def _binary(graph: Graph, node: Node) -> List[Spec]:
    a, b = graph.shape(node.inputs[0]), graph.shape(node.inputs[1])
    try:
        shape = np.broadcast_shapes(a, b)
    except ValueError:
        raise ConversionError(f"{node.op} node {node.name!r}: shapes {a} and {b} do not broadcast") from None
    return [(tuple(shape), graph.dtype(node.inputs[0]))]


def _resize(graph: Graph, node: Node) -> List[Spec]:
    x = graph.shape(node.inputs[0])
    h, w = (int(v) for v in _need_const(graph, node, 1, "size"))
    return [((x[0], h, w, x[3]), graph.dtype(node.inputs[0]))]


def _split(graph: Graph, node: Node) -> List[Spec]:
    axis = int(_need_const(graph, node, 0, "axis")) % graph.values[node.inputs[1]].rank
    x = list(graph.shape(node.inputs[1]))
    n = node.attrs["num_splits"]
    if x[axis] % n:
        raise ConversionError(f"SPLIT node {node.name!r}: {x[axis]} does not split into {n}")
    x[axis] //= n
    return [(tuple(x), graph.dtype(node.inputs[1]))] * n


def _slice(graph: Graph, node: Node) -> List[Spec]:
    x = graph.shape(node.inputs[0])
    begin = _need_const(graph, node, 1, "begin")
    size = _need_const(graph, node, 2, "size")
    return [(tuple(d - int(b) if int(s) == -1 else int(s) for d, b, s in zip(x, begin, size)),
             graph.dtype(node.inputs[0]))]


def _split_v(graph: Graph, node: Node) -> List[Spec]:
    x = list(graph.shape(node.inputs[0]))
    axis = int(_need_const(graph, node, 2, "axis")) % len(x)
    sizes = [int(s) for s in _need_const(graph, node, 1, "size_splits").ravel()]
    if sum(sizes) != x[axis] or any(s < 0 for s in sizes):
        raise ConversionError(f"SPLIT_V node {node.name!r}: sizes {sizes} do not split {x[axis]}")
    return [(tuple(x[:axis] + [s] + x[axis + 1:]), graph.dtype(node.inputs[0])) for s in sizes]


def strided_slice_ranges(shape, begin, end, strides, attrs) -> List[range]:
    """The indices STRIDED_SLICE reads along each axis, by the kernel's rules: negative indices count from
    the end, then clamp; a masked begin/end takes the whole extent in the stride's direction."""
    if attrs.get("ellipsis_mask") or attrs.get("new_axis_mask"):
        raise ConversionError("STRIDED_SLICE with ellipsis_mask or new_axis_mask is not supported")
    ranges = []
    for i, d in enumerate(shape):
        s = int(strides[i])
        if s == 0:
            raise ConversionError("STRIDED_SLICE stride 0")
        lo, hi = (0, d) if s > 0 else (-1, d - 1)

        def index(v: int, masked: bool, whole: int) -> int:
            if masked:
                return whole
            v = v + d if v < 0 else v
            return min(max(v, lo), hi)
        b = index(int(begin[i]), bool(attrs.get("begin_mask", 0) >> i & 1), 0 if s > 0 else d - 1)
        e = index(int(end[i]), bool(attrs.get("end_mask", 0) >> i & 1), d if s > 0 else -1)
        if attrs.get("shrink_axis_mask", 0) >> i & 1:
            e, s = b + 1, 1
        ranges.append(range(b, e, s))
    return ranges


def _strided_slice(graph: Graph, node: Node) -> List[Spec]:
    x = graph.shape(node.inputs[0])
    begin, end, strides = (_need_const(graph, node, k, what) for k, what in ((1, "begin"), (2, "end"), (3, "strides")))
    ranges = strided_slice_ranges(x, begin, end, strides, node.attrs)
    shrink = node.attrs.get("shrink_axis_mask", 0)
    return [(tuple(len(r) for i, r in enumerate(ranges) if not shrink >> i & 1), graph.dtype(node.inputs[0]))]


def _pack(graph: Graph, node: Node) -> List[Spec]:
    shapes = {graph.shape(i) for i in node.inputs}
    if len(shapes) != 1:
        raise ConversionError(f"PACK node {node.name!r}: inputs have different shapes {sorted(shapes)}")
    (shape,) = shapes
    axis = node.attrs.get("axis", 0) % (len(shape) + 1)
    return [(tuple(shape[:axis]) + (len(node.inputs),) + tuple(shape[axis:]), graph.dtype(node.inputs[0]))]


def _sequence_op(graph: Graph, node: Node) -> List[Spec]:
    """UNIDIRECTIONAL_SEQUENCE_LSTM / _RNN: the input's shape with the last axis the state width."""
    x = graph.shape(node.inputs[0])
    # The LSTM's output width is the recurrent-to-output weights' (input 8) columns; the RNN's, its weights' rows.
    width = graph.shape(node.inputs[8])[1] if node.op == "UNIDIRECTIONAL_SEQUENCE_LSTM" else \
        graph.shape(node.inputs[1])[0]
    if len(x) != 3:
        raise ConversionError(f"{node.op} node {node.name!r} needs a 3-D input, got {x}")
    return [(tuple(x[:-1]) + (width,), graph.dtype(node.inputs[0]))]


def _while(graph: Graph, node: Node) -> List[Spec]:
    """WHILE's outputs are its loop-carried values: the operands' shapes (an axis the body changes is marked
    dynamic by whoever builds the loop)."""
    return [(graph.shape(i), graph.dtype(i)) for i in node.inputs]


def _if(graph: Graph, node: Node) -> List[Spec]:
    then = graph.subgraph(int(node.attrs["then_subgraph_index"]))
    return [(then.shape(o), then.dtype(o)) for o in then.outputs]


def _transpose_conv(graph: Graph, node: Node) -> List[Spec]:
    shape = tuple(int(d) for d in _need_const(graph, node, 0, "output_shape"))
    return [(shape, graph.dtype(node.inputs[2]))]


def _select(graph: Graph, node: Node) -> List[Spec]:
    shapes = [graph.shape(i) for i in node.inputs]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise ConversionError(f"{node.op} node {node.name!r}: shapes {shapes} do not broadcast") from None
    return [(tuple(shape), graph.dtype(node.inputs[1]))]


def _arg_reduce(graph: Graph, node: Node) -> List[Spec]:
    x = graph.shape(node.inputs[0])
    axis = int(np.asarray(_need_const(graph, node, 1, "axis")).ravel()[0]) % len(x)
    return [(tuple(d for i, d in enumerate(x) if i != axis), np.dtype(node.attrs.get("output_type", np.int64)))]


def _top_k(graph: Graph, node: Node) -> List[Spec]:
    x = graph.shape(node.inputs[0])
    k = int(np.asarray(_need_const(graph, node, 1, "k")).ravel()[0])
    shape = tuple(x[:-1]) + (k,)
    return [(shape, graph.dtype(node.inputs[0])), (shape, np.dtype(np.int32))]


def _gather_nd(graph: Graph, node: Node) -> List[Spec]:
    params, idx = graph.shape(node.inputs[0]), graph.shape(node.inputs[1])
    return [(tuple(idx[:-1]) + tuple(params[idx[-1]:]), graph.dtype(node.inputs[0]))]


def _one_hot(graph: Graph, node: Node) -> List[Spec]:
    idx = list(graph.shape(node.inputs[0]))
    depth = int(np.asarray(_need_const(graph, node, 1, "depth")).ravel()[0])
    axis = node.attrs.get("axis", -1)
    axis = len(idx) if axis == -1 else axis
    return [(tuple(idx[:axis] + [depth] + idx[axis:]), graph.dtype(node.inputs[2]))]


def _range(graph: Graph, node: Node) -> List[Spec]:
    start, limit, delta = (float(np.asarray(_need_const(graph, node, k, w)).ravel()[0])
                           for k, w in ((0, "start"), (1, "limit"), (2, "delta")))
    return [((max(int(np.ceil((limit - start) / delta)), 0),), graph.dtype(node.inputs[0]))]


def _space_depth(graph: Graph, node: Node) -> List[Spec]:
    n, h, w, c = graph.shape(node.inputs[0])
    b = node.attrs["block_size"]
    if node.op == "DEPTH_TO_SPACE":
        if c % (b * b):
            raise ConversionError(f"DEPTH_TO_SPACE node {node.name!r}: {c} channels do not split into {b}x{b}")
        return [((n, h * b, w * b, c // (b * b)), graph.dtype(node.inputs[0]))]
    if h % b or w % b:
        raise ConversionError(f"SPACE_TO_DEPTH node {node.name!r}: {h}x{w} is not a multiple of {b}")
    return [((n, h // b, w // b, c * b * b), graph.dtype(node.inputs[0]))]


_RULES: Dict[str, Callable[[Graph, Node], List[Spec]]] = {
    "CONV_2D": _conv, "DEPTHWISE_CONV_2D": _conv, "AVERAGE_POOL_2D": _pool, "MAX_POOL_2D": _pool,
    "FULLY_CONNECTED": _fully_connected, "BATCH_MATMUL": _batch_matmul, "MEAN": _reduce, "SUM": _reduce,
    "REDUCE_MAX": _reduce, "REDUCE_MIN": _reduce, "REDUCE_PROD": _reduce, "RESHAPE": _reshape,
    "TRANSPOSE": _transpose, "CONCATENATION": _concat, "PAD": _pad, "PADV2": _pad, "MIRROR_PAD": _pad,
    "GATHER": _gather, "RESIZE_BILINEAR": _resize, "RESIZE_NEAREST_NEIGHBOR": _resize, "SPLIT": _split,
    "SLICE": _slice, "SPLIT_V": _split_v, "STRIDED_SLICE": _strided_slice, "PACK": _pack,
    "TRANSPOSE_CONV": _transpose_conv, "UNIDIRECTIONAL_SEQUENCE_LSTM": _sequence_op,
    "UNIDIRECTIONAL_SEQUENCE_RNN": _sequence_op, "WHILE": _while, "IF": _if, "SELECT_V2": _select, "ARG_MAX": _arg_reduce, "ARG_MIN": _arg_reduce,
    "TOPK_V2": _top_k, "GATHER_ND": _gather_nd, "ONE_HOT": _one_hot, "RANGE": _range,
    "DEPTH_TO_SPACE": _space_depth, "SPACE_TO_DEPTH": _space_depth,
    "TILE": lambda g, n: [(tuple(d * int(m) for d, m in zip(g.shape(n.inputs[0]), _need_const(g, n, 1, "multiples"))),
                           g.dtype(n.inputs[0]))],
    "BROADCAST_TO": lambda g, n: [(tuple(int(d) for d in _need_const(g, n, 1, "shape")), g.dtype(n.inputs[0]))],
    "SCATTER_ND": lambda g, n: [(tuple(int(d) for d in _need_const(g, n, 2, "shape")), g.dtype(n.inputs[1]))],
    "SHAPE": lambda g, n: [((g.values[n.inputs[0]].rank,), np.dtype(n.attrs.get("out_type", np.int32)))],
    "CAST": lambda g, n: [(g.shape(n.inputs[0]), np.dtype(n.attrs["out_data_type"]))],
    "FILL": lambda g, n: [(tuple(int(d) for d in _need_const(g, n, 0, "dims")), g.dtype(n.inputs[1]))],
    # A TensorFlow select op (converter.flex): its front-end handler gives the output shapes and dtypes.
    "FLEX": lambda g, n: [(tuple(int(d) for d in shape), np.dtype(dtype)) for shape, dtype in n.attrs["outputs"]],
    "SQUEEZE": lambda g, n: [(tuple(d for i, d in enumerate(g.shape(n.inputs[0]))
                                    if i not in {a % g.values[n.inputs[0]].rank for a in n.attrs["squeeze_dims"]}),
                              g.dtype(n.inputs[0]))],
}
for _op in UNARY_OPS:
    _RULES[_op] = lambda g, n: [(g.shape(n.inputs[0]), g.dtype(n.inputs[0]))]
for _op in BINARY_OPS:
    _RULES[_op] = _binary
for _op in COMPARISON_OPS:
    _RULES[_op] = lambda g, n: [(_binary(g, n)[0][0], np.dtype(np.bool_))]


def infer_shapes(graph: Graph, node: Node) -> List[Spec]:
    """[(shape, dtype)] of each output of `node` from its inputs' values in `graph`, by the operator's shape rule.
    Raises ConversionError for an operator without a rule, an unknown input value, or inputs the rule rejects."""
    rule = _RULES.get(node.op)
    if rule is None:
        raise ConversionError(f"no shape rule for operator {node.op} (node {node.name!r})")
    for i in node.inputs:
        if i is not None and i not in graph.values:
            raise ConversionError(f"{node.op} node {node.name!r} reads unknown value {i!r}")
    return rule(graph, node)
