"""ONNX operators written as TensorFlow select ops (allow_select_ops=True): Det, CumProd, Unique, and the
forms of Einsum and ScatterND that have no builtin lowering.

Each becomes a FLEX node (TensorFlow op name and attributes, T and the type attributes included, as the
TF op's definition names them); converter/flex.py writes it as the custom operator Flex<Op> in
TensorFlow's own encoding, so edgelite's select library and TensorFlow's Flex delegate both run the file.
Builtin lowerings are preferred: an operator goes here only when the builtin path cannot express it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..flex import TfType
from ..ir import ConversionError
from .onnx import SELECT_HANDLERS, OnnxImporter, handler

OutputSpec = Tuple[Sequence[int], Any]  # (shape, dtype); -1 in the shape: a size known only at run time


def select_handler(*op_types: str):
    """Registers handler(importer, node) for ONNX operators that convert only as select ops."""
    return handler(*op_types, table=SELECT_HANDLERS)


def require_select_ops(imp: OnnxImporter, node, tf_op: str, why: str) -> None:
    """Raises ConversionError saying why `node` has no builtin form, unless select ops are allowed."""
    if not imp.allow_select_ops:
        raise ConversionError(f"{node.op_type} node {node.name!r}: {why}; convert with allow_select_ops=True "
                              f"(edgelite convert --allow-select-ops) to write it as the TensorFlow select op "
                              f"Flex{tf_op}")


def emit_flex(imp: OnnxImporter, node, tf_op: str, inputs: List[str], attrs: Dict[str, Any],
              outputs: List[OutputSpec], names: Optional[List[str]] = None) -> List[str]:
    """Adds a FLEX node running TensorFlow op `tf_op` with NodeDef attributes `attrs`; returns its outputs.
    Sizes given as -1 are data-dependent: written as 1 with -1 in the shape signature, as TF does."""
    specs = [([max(int(d), 1) for d in shape], np.dtype(dtype)) for shape, dtype in outputs]
    outs = imp.emit("FLEX", inputs, {"tf_op": tf_op, "tf_attrs": dict(attrs), "outputs": specs}, node, names)
    for out, (shape, _) in zip(outs, outputs):
        if any(int(d) < 0 for d in shape):
            imp.graph.values[out].signature = tuple(int(d) for d in shape)
    return outs


def _float_type(imp: OnnxImporter, node, x: str, tf_op: str, allowed=(np.float32, np.float64)) -> TfType:
    dtype = imp.graph.dtype(x)
    if dtype.type not in allowed:
        raise ConversionError(f"{node.op_type} node {node.name!r}: TensorFlow's {tf_op} takes "
                              f"{', '.join(np.dtype(a).name for a in allowed)}, not {dtype.name}")
    return TfType(dtype)


@select_handler("Det")
def _det(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = imp.shape(x)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ConversionError(f"Det node {node.name!r}: the input {list(shape)} is not a batch of square matrices")
    t = _float_type(imp, node, x, "MatrixDeterminant")
    imp.finish(node, emit_flex(imp, node, "MatrixDeterminant", [x], {"T": t}, [(shape[:-2], imp.graph.dtype(x))],
                               [node.output[0]])[0])


@select_handler("CumProd")
def _cumprod(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    axis = imp.input(node, 1)
    axis_dtype = imp.graph.dtype(axis)
    if axis_dtype.type not in (np.int32, np.int64):
        raise ConversionError(f"CumProd node {node.name!r}: axis is {axis_dtype.name}, not int32 or int64")
    attrs = {"exclusive": bool(imp.attr(node, "exclusive", 0)), "reverse": bool(imp.attr(node, "reverse", 0)),
             "T": TfType(imp.graph.dtype(x)), "Tidx": TfType(axis_dtype)}
    if imp.shape(axis) not in ((), (1,)):
        raise ConversionError(f"CumProd node {node.name!r}: axis has shape {list(imp.shape(axis))}, not a scalar")
    if imp.shape(axis) == (1,):  # TF's Cumprod takes a scalar axis
        axis = imp.reshape(axis, [], node)
    imp.finish(node, emit_flex(imp, node, "Cumprod", [x, axis], attrs, [(imp.shape(x), imp.graph.dtype(x))],
                               [node.output[0]])[0])


@select_handler("Unique")
def _unique(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = imp.shape(x)
    axis = imp.attr(node, "axis")
    if axis is not None and len(shape) != 1:
        raise ConversionError(f"Unique node {node.name!r}: axis={axis} on a rank-{len(shape)} input is not "
                              "supported (TensorFlow's Unique is over the flattened elements; omit axis)")
    if imp.attr(node, "sorted", 1):
        raise ConversionError(f"Unique node {node.name!r}: sorted=1 is not supported (TensorFlow's Unique keeps "
                              "the order of first occurrence); export with sorted=False "
                              "(torch.unique(x, sorted=False))")
    size = int(np.prod(shape))
    flat = x if len(shape) == 1 else imp.reshape(x, [size], node)
    wanted = {k: node.output[k] for k in range(1, 4) if k < len(node.output) and node.output[k]
              and node.output[k] in imp.used}
    dtype = imp.graph.dtype(x)
    attrs = {"T": TfType(dtype), "out_idx": TfType(np.int64)}
    specs: List[OutputSpec] = [((-1,), dtype), ((size,), np.int64)]
    if 3 in wanted:
        specs.append(((-1,), np.int64))
    y, *rest = emit_flex(imp, node, "UniqueWithCounts" if 3 in wanted else "Unique", [flat], attrs, specs)
    imp.finish(node, imp.emit1("IDENTITY", [y], {}, node, node.output[0]))
    if 2 in wanted:
        imp.finish(node, imp.emit1("IDENTITY", [rest[0]], {}, node, wanted[2]), 2)
    if 3 in wanted:
        imp.finish(node, imp.emit1("IDENTITY", [rest[1]], {}, node, wanted[3]), 3)
    if 1 in wanted:
        # First occurrence of each unique value: the smallest position among the elements mapped to it.
        n = imp.reshape(imp.emit1("SHAPE", [y], {"out_type": np.int64}, node), [], node)
        first = emit_flex(imp, node, "UnsortedSegmentMin",
                          [imp.const(np.arange(size, dtype=np.int64), name="positions"), rest[0], n],
                          {"T": TfType(np.int64), "Tindices": TfType(np.int64), "Tnumsegments": TfType(np.int64)},
                          [((-1,), np.int64)])[0]
        imp.finish(node, imp.emit1("IDENTITY", [first], {}, node, wanted[1]), 1)


_SCATTER_OPS = {"add": "TensorScatterAdd", "max": "TensorScatterMax", "min": "TensorScatterMin"}


def scatter_nd_reduced(imp: OnnxImporter, node, data: str, indices: str, updates: str, reduction: str) -> str:
    """ScatterND with reduction add / max / min as TensorScatterAdd / Max / Min (ONNX's 'mul' has no TF op)."""
    tf_op = _SCATTER_OPS.get(reduction)
    if tf_op is None:
        raise ConversionError(f"ScatterND node {node.name!r}: reduction={reduction!r} has no TensorFlow op "
                              f"(supported: 'none', {', '.join(repr(r) for r in _SCATTER_OPS)})")
    require_select_ops(imp, node, tf_op, f"reduction={reduction!r} has no builtin")
    attrs = {"T": TfType(imp.graph.dtype(data)), "Tindices": TfType(imp.graph.dtype(indices)),
             "bad_indices_policy": ""}
    return emit_flex(imp, node, tf_op, [data, indices, updates], attrs,
                     [(imp.shape(data), imp.graph.dtype(data))], [node.output[0]])[0]


def einsum_select(imp: OnnxImporter, node, inputs: List[str], why: str) -> None:
    """Einsum as TensorFlow's Einsum op (one or two operands; ellipsis, broadcasting, diagonals)."""
    equation = "".join(str(imp.attr(node, "equation")).split())
    require_select_ops(imp, node, "Einsum", f"equation {equation!r}: {why}")
    if len(inputs) not in (1, 2):
        raise ConversionError(f"Einsum node {node.name!r}: TensorFlow's Einsum takes one or two operands, not "
                              f"{len(inputs)}")
    dtypes = {imp.graph.dtype(i) for i in inputs}
    if len(dtypes) != 1:
        raise ConversionError(f"Einsum node {node.name!r}: operands of different types {sorted(map(str, dtypes))}")
    equation, shape = explicit_einsum(node, equation, [imp.shape(i) for i in inputs])
    attrs = {"equation": equation, "N": len(inputs), "T": TfType(dtypes.pop())}
    imp.finish(node, emit_flex(imp, node, "Einsum", inputs, attrs, [(shape, imp.graph.dtype(inputs[0]))],
                               [node.output[0]])[0])


def explicit_einsum(node, equation: str, shapes: List[Sequence[int]]) -> Tuple[str, List[int]]:
    """(the equation with its output written out, the output shape). An implicit output is the ellipsis
    followed by the labels that occur once, in alphabetical order (ONNX's and NumPy's rule); TensorFlow's op
    needs it explicit. Ellipsis axes broadcast by NumPy's rules."""
    def fail(why: str):
        raise ConversionError(f"Einsum node {node.name!r}: equation {equation!r} with operands "
                              f"{[list(s) for s in shapes]}: {why}")
    lhs, arrow, out = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        fail(f"{len(terms)} terms for {len(shapes)} operands")
    sizes: Dict[str, int] = {}
    ellipsis: List[int] = []
    for term, shape in zip(terms, shapes):
        labels = term.replace("...", "")
        if not labels.isalpha() and labels or term.count("...") > 1:
            fail(f"term {term!r} is not letters with at most one ellipsis")
        n_ellipsis = len(shape) - len(labels)
        if n_ellipsis < 0 or (n_ellipsis and "..." not in term):
            fail(f"term {term!r} does not fit rank {len(shape)}")
        before = term.index("...") if "..." in term else len(labels)
        dims = list(shape[:before]) + list(shape[before + n_ellipsis:])
        for c, d in zip(labels, dims):
            if sizes.setdefault(c, d) != d and 1 not in (d, sizes[c]):
                fail(f"label {c!r} has sizes {sizes[c]} and {d}")
            sizes[c] = max(sizes[c], d)
        try:
            ellipsis = list(np.broadcast_shapes(tuple(ellipsis), tuple(shape[before:before + n_ellipsis])))
        except ValueError:
            fail("the ellipsis axes do not broadcast")
    if not arrow:
        letters = lhs.replace("...", "")
        out = ("..." if "..." in lhs else "") + "".join(sorted(c for c in set(letters) if c.isalpha()
                                                               and letters.count(c) == 1))
    if any(c not in sizes for c in out.replace("...", "")):
        fail(f"output {out!r} names a label no operand has")
    before, _, after = out.partition("...")
    shape = [sizes[c] for c in before] + (ellipsis if "..." in out else []) + [sizes[c] for c in after]
    return f"{lhs}->{out}", shape
