"""Converting a layer by tracing its call: Lambda layers, and custom Layer subclasses, whose computation is
written with edgelite.training.ops.

The layer is called on Tensors that record a graph (as for gradients); each recorded primitive becomes a
.tflite builtin, weights and other leaves become constants. The call runs twice on different random inputs:
if the recorded operations or constants differ, the layer reads its inputs' values outside the ops (NumPy on
`.data`, Python branches on values), which no fixed graph computes, and conversion is refused naming the layer.
"""

from __future__ import annotations

from typing import Dict, List

import numpy as np

from ..ir import ConversionError

_NONE = {"fused_activation_function": "NONE"}
_UNARY = {"neg": "NEG", "exp": "EXP", "log": "LOG", "tanh": "TANH", "sigmoid": "LOGISTIC", "relu": "RELU"}
_BINARY = {"add": "ADD", "mul": "MUL", "div": "DIV", "maximum": "MAXIMUM", "minimum": "MINIMUM"}
_NO_MAPPING = {"im2col": "a convolution or pooling window (use the Conv2D / pooling layers instead)"}


def _order(outputs):
    """Tensors reachable from `outputs`, producers first, following recorded nodes and stop_gradient links."""
    from ...training.autodiff import topological_order  # here: the training side is optional

    def sources(tensor):
        if tensor._node is not None:
            return reversed(tensor._node.parents)
        stopped = getattr(tensor, "_gradient_stopped_from", None)
        return () if stopped is None else (stopped,)
    return topological_order(outputs, sources)


def _record(layer, arrays, multi, call_kwargs):
    """Calls the layer on Tensors of `arrays`; returns (input tensors, output tensors, was a list)."""
    from ...training.autodiff import Tensor, is_recording, tracing  # here: the training side is optional
    if not is_recording():
        raise ConversionError(f"layer {layer.name!r}: cannot trace its call inside no_grad()")
    tensors = [Tensor(a, requires_grad=True) for a in arrays]
    with np.errstate(all="ignore"), tracing():
        out = layer._call_built(tensors if multi else tensors[0], training=False, **call_kwargs)
    listed = isinstance(out, (list, tuple))
    outs = list(out) if listed else [out]
    if not all(isinstance(o, Tensor) for o in outs):
        raise ConversionError(f"layer {layer.name!r}: its call returned {type(out).__name__}, not Tensors")
    return tensors, outs, listed


def _signature(tensors, outs):
    """What must not depend on the input values: each step's op and attributes, and each constant's value."""
    inputs = {id(t): k for k, t in enumerate(tensors)}
    steps = []
    for t in _order(outs):
        if id(t) in inputs:
            steps.append(("input", inputs[id(t)]))
        elif t._node is not None:
            steps.append((t._node.op, repr(sorted(t._node.attrs.items(), key=lambda kv: kv[0]))))
        elif getattr(t, "_gradient_stopped_from", None) is not None:
            steps.append(("stop_gradient",))
        else:
            steps.append(("const", t.data.dtype.str, t.data.shape, t.data.tobytes()))
    return steps


def trace_layer(graph, layer, inputs: List[str], multi: bool, call_kwargs: Dict, what: str):
    """Emits the traced computation of `layer` on the graph values `inputs`; returns its output name(s)."""
    dtypes = [graph.dtype(x) for x in inputs]
    if any(d.kind != "f" for d in dtypes):
        raise ConversionError(f"{what} {layer.name!r} reads non-float inputs ({[str(d) for d in dtypes]}), which a "
                              "trace cannot follow; it cannot be converted")
    draws = []
    for seed in (0, 1):
        rng = np.random.default_rng(seed)
        arrays = [rng.standard_normal(graph.shape(x)).astype(d) for x, d in zip(inputs, dtypes)]
        draws.append(_record(layer, arrays, multi, call_kwargs))
    (tensors, outs, listed), (tensors2, outs2, _) = draws
    if _signature(tensors, outs) != _signature(tensors2, outs2):
        raise ConversionError(f"{what} {layer.name!r}: its call depends on the input values outside "
                              "edgelite.training.ops (NumPy on .data, or Python branching on values), so no fixed "
                              "graph computes it; write it with edgelite.training.ops")
    names = {id(t): x for t, x in zip(tensors, inputs)}
    out_ids = {id(o): k for k, o in enumerate(outs)}
    for k, t in enumerate(_order(outs)):
        if id(t) in names:
            continue
        if t._node is None:
            source = getattr(t, "_gradient_stopped_from", None)
            names[id(t)] = names[id(source)] if source is not None else \
                graph.add_const(np.asarray(t.data), f"{layer.name}/const")
            continue
        final = id(t) in out_ids and len(outs) == 1
        name = layer.name if final else f"{layer.name}/{t._node.op}{k}"
        names[id(t)] = _emit(graph, t, [names[id(p)] for p in t._node.parents], name, layer, what)
        if tuple(graph.shape(names[id(t)])) != tuple(t.shape):
            raise ConversionError(f"{what} {layer.name!r}: {t._node.op} gave shape {graph.shape(names[id(t)])} in "
                                  f"the .tflite graph but {t.shape} when traced")
    results = [names[id(o)] for o in outs]
    return results if listed else results[0]


def _emit(graph, t, ins, name, layer, what):
    node = t._node
    op, attrs = node.op, node.attrs
    if op in _NO_MAPPING:
        raise ConversionError(f"{what} {layer.name!r} uses {_NO_MAPPING[op]}, which has no traced .tflite mapping")
    if op in _UNARY:
        return graph.add_node1(_UNARY[op], ins, name=name)
    if op == "erf":  # converter-only ERF: the passes fuse exact GELU around it, or lower it to builtins
        return graph.add_node1("ERF", ins, name=name)
    if op in _BINARY:
        return graph.add_node1(_BINARY[op], ins, _NONE if op in ("add", "mul", "div") else None, name=name)
    const = lambda a, n: graph.add_const(np.asarray(a), n)  # noqa: E731
    if op == "pow":
        p = attrs["exponent"]
        unary = {0.5: "SQRT", -0.5: "RSQRT", 2.0: "SQUARE"}
        if p in unary:
            return graph.add_node1(unary[p], ins, name=name)
        return graph.add_node1("POW", [ins[0], const(np.asarray(p, t.dtype), "exponent")], name=name)
    if op == "cast":
        return graph.add_node1("CAST", ins, {"in_data_type": node.parents[0].dtype, "out_data_type": t.dtype},
                               name=name)
    if op in ("sum", "max"):
        rank = node.parents[0].ndim
        axis = attrs["axis"]
        axes = list(range(rank)) if axis is None else [a % rank for a in np.atleast_1d(axis)]
        return graph.add_node1("SUM" if op == "sum" else "REDUCE_MAX", [ins[0], const(np.asarray(axes, np.int32),
                                                                                      "axes")],
                               {"keep_dims": bool(attrs["keepdims"])}, name=name)
    if op == "reshape":
        shape = [int(d) for d in t.shape]
        return graph.add_node1("RESHAPE", [ins[0], const(np.asarray(shape, np.int32), "shape")],
                               {"new_shape": shape}, name=name)
    if op == "transpose":
        return graph.add_node1("TRANSPOSE", [ins[0], const(np.asarray(attrs["axes"], np.int32), "perm")], name=name)
    if op == "pad":
        pads = const(np.asarray(attrs["pads"], np.int32), "paddings")
        if attrs["value"] == 0:
            return graph.add_node1("PAD", [ins[0], pads], name=name)
        return graph.add_node1("PADV2", [ins[0], pads, const(np.asarray(attrs["value"], t.dtype), "value")], name=name)
    if op == "concat":
        return graph.add_node1("CONCATENATION", ins, {"axis": attrs["axis"] % t.ndim, **_NONE}, name=name)
    if op == "matmul":
        return _matmul(graph, node, ins, name)
    if op == "getitem":
        return _getitem(graph, node, ins[0], attrs["index"], name, layer, what)
    if op == "einsum":
        return _einsum(graph, node, ins, attrs["subscripts"], name, layer, what)
    raise ConversionError(f"{what} {layer.name!r} uses the primitive {op!r}, which has no traced .tflite mapping")


def _matmul(graph, node, ins, name):
    a, b = node.parents
    if b._node is None and getattr(b, "_gradient_stopped_from", None) is None and b.ndim == 2 and a.ndim >= 2:
        # x @ constant W: FULLY_CONNECTED with W transposed to (out, in), keeping x's leading axes.
        weights = graph.add_const(np.ascontiguousarray(b.data.T), f"{name}/weights")
        bias = graph.add_const(np.zeros(b.shape[1], b.dtype), f"{name}/bias")
        return graph.add_node1("FULLY_CONNECTED", [ins[0], weights, bias], {**_NONE, "keep_num_dims": True},
                               name=name)
    return graph.add_node1("BATCH_MATMUL", ins, {"adj_x": False, "adj_y": False}, name=name)


def _getitem(graph, node, x, index, name, layer, what):
    shape = node.parents[0].shape
    parts = index if isinstance(index, tuple) else (index,)
    arrays = [k for k, p in enumerate(parts) if isinstance(p, (np.ndarray, list))]
    if arrays:
        if len(arrays) != 1 or any(p is Ellipsis or p is None for p in parts) or \
                any(p != slice(None) for k, p in enumerate(parts) if k != arrays[0]):
            raise ConversionError(f"{what} {layer.name!r}: indexing {index!r} has no traced mapping (one index array "
                                  "with full slices elsewhere has: GATHER)")
        indices = np.asarray(parts[arrays[0]], np.int64) % shape[arrays[0]]
        return graph.add_node1("GATHER", [x, graph.add_const(indices.astype(np.int32), "indices")],
                               {"axis": arrays[0], "batch_dims": 0}, name=name)
    if any(p is None for p in parts):
        raise ConversionError(f"{what} {layer.name!r}: indexing with None (new axes) has no traced mapping; use "
                              "ops.reshape")
    if Ellipsis in parts:
        at = parts.index(Ellipsis)
        parts = parts[:at] + (slice(None),) * (len(shape) - len(parts) + 1) + parts[at + 1:]
    parts = parts + (slice(None),) * (len(shape) - len(parts))
    begin, end, strides, begin_mask, end_mask, shrink = [], [], [], 0, 0, 0
    for axis, (p, size) in enumerate(zip(parts, shape)):
        if isinstance(p, (int, np.integer)):
            p = int(p) % size
            begin.append(p), end.append(p + 1), strides.append(1)
            shrink |= 1 << axis
            continue
        start, stop, step = p.indices(size)
        # Open ends use the masks (and a 0 that nothing reads), so a whole batch axis stays whole at any batch.
        begin.append(0 if p.start is None else start), end.append(0 if p.stop is None else stop)
        strides.append(step)
        if p.start is None:
            begin_mask |= 1 << axis
        if p.stop is None:
            end_mask |= 1 << axis
    consts = [graph.add_const(np.asarray(v, np.int32), n) for v, n in ((begin, "begin"), (end, "end"),
                                                                        (strides, "strides"))]
    return graph.add_node1("STRIDED_SLICE", [x] + consts, {"begin_mask": begin_mask, "end_mask": end_mask,
                                                           "ellipsis_mask": 0, "new_axis_mask": 0,
                                                           "shrink_axis_mask": shrink}, name=name)


def _transpose(graph, x, perm, name=""):
    if list(perm) == list(range(len(perm))):
        return x
    return graph.add_node1("TRANSPOSE", [x, graph.add_const(np.asarray(perm, np.int32), "perm")], name=name)


def _reshape(graph, x, shape, name=""):
    shape = [int(d) for d in shape]
    if list(graph.shape(x)) == shape and not name:
        return x
    return graph.add_node1("RESHAPE", [x, graph.add_const(np.asarray(shape, np.int32), "shape")],
                           {"new_shape": shape}, name=name)


def _einsum(graph, node, ins, subscripts, name, layer, what):
    """einsum as TRANSPOSE / RESHAPE / BATCH_MATMUL: indices shared by both operands and the output are batch
    axes, shared by the operands only are contracted, the others are each operand's free axes (ops.einsum
    allows no index summed within one operand, so these are all the cases)."""
    inputs, out = subscripts.split("->")
    inputs = inputs.split(",")
    sizes = {c: n for sub, t in zip(inputs, node.parents) for c, n in zip(sub, t.shape)}
    if len(inputs) == 1:
        return _reshape(graph, _transpose(graph, ins[0], [inputs[0].index(c) for c in out]), [sizes[c] for c in out],
                        name)
    if len(inputs) != 2:
        raise ConversionError(f"{what} {layer.name!r}: einsum of {len(inputs)} operands has no traced mapping (two "
                              "have)")
    a, b = inputs
    batch = [c for c in out if c in a and c in b]
    contract = [c for c in a if c in b and c not in out]
    free_a = [c for c in a if c not in b]
    free_b = [c for c in b if c not in a]
    prod = lambda cs: int(np.prod([sizes[c] for c in cs], dtype=np.int64))  # noqa: E731
    lhs = _reshape(graph, _transpose(graph, ins[0], [a.index(c) for c in batch + free_a + contract]),
                   [prod(batch), prod(free_a), prod(contract)])
    rhs = _reshape(graph, _transpose(graph, ins[1], [b.index(c) for c in batch + contract + free_b]),
                   [prod(batch), prod(contract), prod(free_b)])
    product = graph.add_node1("BATCH_MATMUL", [lhs, rhs], {"adj_x": False, "adj_y": False})
    order = batch + free_a + free_b
    product = _reshape(graph, product, [sizes[c] for c in order])
    return _reshape(graph, _transpose(graph, product, [order.index(c) for c in out]), [sizes[c] for c in out], name)
