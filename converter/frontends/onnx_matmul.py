"""ONNX matrix products: Gemm and MatMul (FULLY_CONNECTED with constant weights, BATCH_MATMUL with
broadcasting otherwise) and Einsum for the equations that are batched matrix products.
"""

from __future__ import annotations

from typing import List

import numpy as np

from ..ir import ConversionError
from .onnx import OnnxImporter, handler
from .onnx_select import einsum_select


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




def _parse_einsum(equation: str, ranks: List[int]):
    equation = equation.replace(" ", "")
    if "..." in equation:
        raise ValueError("ellipsis ('...') is not supported")
    lhs, _, out = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ranks):
        raise ValueError(f"{len(terms)} operand terms for {len(ranks)} inputs")
    if not _:
        letters = [c for t in terms for c in t]
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    for t, r in zip(terms, ranks):
        if len(t) != r or len(set(t)) != len(t):
            raise ValueError(f"term {t!r} does not name each of its operand's {r} axes once")
    return terms, out


def _permute(imp: OnnxImporter, x: str, term: str, order: str) -> str:
    perm = [term.index(c) for c in order]
    return x if perm == sorted(perm) else imp.transpose(x, perm)


def _broadcast_labels(imp: OnnxImporter, node, inputs, terms) -> None:
    """A label of size 1 in one operand and n in the other broadcasts (NumPy's rule, which ONNX follows and
    TF's Einsum does not): that operand is BROADCAST_TO the full size first."""
    if len(inputs) != 2:
        return
    shapes = [list(imp.shape(x)) for x in inputs]
    sizes = [dict(zip(t, s)) for t, s in zip(terms, shapes)]
    for k in (0, 1):
        target = [max(d, sizes[1 - k].get(c, d)) for c, d in zip(terms[k], shapes[k])]
        if any(sizes[1 - k].get(c, d) not in (d, 1) and d != 1 for c, d in zip(terms[k], shapes[k])):
            raise ConversionError(f"Einsum node {node.name!r}: operand sizes {shapes} do not broadcast")
        if target != shapes[k]:
            inputs[k] = imp.emit1("BROADCAST_TO", [inputs[k], imp.const(target, np.int32, "shape")], {}, node)


@handler("Einsum")
def _einsum(imp: OnnxImporter, node) -> None:
    inputs = [imp.input(node, k) for k in range(len(node.input))]
    try:
        terms, out_term = _parse_einsum(imp.attr(node, "equation"), [len(imp.shape(i)) for i in inputs])
        if len(inputs) not in (1, 2):
            raise ValueError("only one or two operands are supported")
    except ValueError as e:
        # The select op takes what the builtin lowering does not (ellipsis, broadcasting, diagonals).
        einsum_select(imp, node, inputs, str(e))
        return
    _broadcast_labels(imp, node, inputs, terms)
    # Axes that appear in one operand only and not in the output are summed away first.
    for k, (x, t) in enumerate(zip(inputs, terms)):
        others = "".join(terms[:k] + terms[k + 1:]) + out_term
        summed = [i for i, c in enumerate(t) if c not in others]
        if summed:
            inputs[k] = imp.emit1("SUM", [x, imp.const(summed, np.int32, "axes")], {"keep_dims": False}, node)
            terms[k] = "".join(c for c in t if c not in others)
    if len(inputs) == 1:
        imp.finish(node, imp.emit1("IDENTITY", [_permute(imp, inputs[0], terms[0], out_term)], {}, node,
                                   node.output[0]))
        return
    (a, b), (ta, tb) = inputs, terms
    sizes = {c: d for t, x in zip(terms, inputs) for c, d in zip(t, imp.shape(x))}
    batch = [c for c in ta if c in tb and c in out_term]
    contract = [c for c in ta if c in tb and c not in out_term]
    free_a = [c for c in ta if c not in tb]
    free_b = [c for c in tb if c not in ta]
    prod = lambda cs: int(np.prod([sizes[c] for c in cs]))  # noqa: E731
    a3 = imp.reshape(_permute(imp, a, ta, "".join(batch + free_a + contract)),
                     [prod(batch), prod(free_a), prod(contract)])
    b3 = imp.reshape(_permute(imp, b, tb, "".join(batch + contract + free_b)),
                     [prod(batch), prod(contract), prod(free_b)])
    y = imp.emit1("BATCH_MATMUL", [a3, b3], {"adj_x": False, "adj_y": False}, node)
    y_term = "".join(batch + free_a + free_b)
    y = imp.reshape(y, [sizes[c] for c in y_term])
    imp.finish(node, imp.emit1("IDENTITY", [_permute(imp, y, y_term, out_term)], {}, node, node.output[0]))
