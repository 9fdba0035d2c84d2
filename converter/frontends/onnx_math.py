"""ONNX element-wise operators: activations, arithmetic, comparisons and logic, variadic Min/Max/Sum/Mean.

Layout-free: they keep ONNX's layout, and the passes move layout transposes through them.
"""

from __future__ import annotations

import numpy as np

from ..ir import ConversionError
from .onnx import OnnxImporter, handler

_UNARY = {"Relu": "RELU", "Sigmoid": "LOGISTIC", "Tanh": "TANH", "HardSwish": "HARD_SWISH",
          "Identity": "IDENTITY"}
_BINARY = {"Add": "ADD", "Sub": "SUB", "Mul": "MUL", "Div": "DIV"}


@handler(*_UNARY)
def _unary(imp: OnnxImporter, node) -> None:
    imp.finish(node, imp.emit1(_UNARY[node.op_type], [imp.input(node, 0)], {}, node, node.output[0]))


@handler("HardSigmoid")
def _hard_sigmoid(imp: OnnxImporter, node) -> None:
    # max(0, min(1, alpha x + beta)) = relu6(6 alpha x + 6 beta) / 6: RELU6 fuses into the ADD, and
    # x * hardsigmoid(x) with torch's alpha 1/6 and beta 1/2 reads as relu6(x + 3) / 6, which
    # FuseHardSwish recognizes.
    x = imp.input(node, 0)
    dtype = imp.graph.dtype(x)
    alpha, beta = float(imp.attr(node, "alpha", 0.2)), float(imp.attr(node, "beta", 0.5))
    out = node.output[0]
    none = {"fused_activation_function": "NONE"}
    if abs(6 * alpha - 1) > 1e-6:
        x = imp.emit1("MUL", [x, imp.const(6 * alpha, dtype, "hard_sigmoid_alpha")], none, node, f"{out}/scaled")
    y = imp.emit1("ADD", [x, imp.const(6 * beta, dtype, "hard_sigmoid_beta")], none, node, f"{out}/shifted")
    y = imp.emit1("RELU6", [y], {}, node, f"{out}/relu6")
    imp.finish(node, imp.emit1("MUL", [y, imp.const(1 / 6, dtype, "one_sixth")], none, node, out))


@handler("Pow")
def _pow(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    dtype = imp.graph.dtype(x)
    exponent = imp.const_input(node, 1, "exponent", required=False)
    out = node.output[0]
    if exponent is not None and exponent.size == 1 and float(exponent) in (1.0, 2.0):
        y = (imp.emit1("IDENTITY", [x], {}, node, out) if float(exponent) == 1.0 else
             imp.emit1("MUL", [x, x], {"fused_activation_function": "NONE"}, node, out))
    else:
        e = imp.input(node, 1)
        if exponent is not None:
            e = imp.const(exponent.astype(dtype), name="exponent")
        elif imp.graph.dtype(e) != dtype:
            e = imp.emit1("CAST", [e], {"in_data_type": imp.graph.dtype(e), "out_data_type": dtype}, node)
        y = imp.emit1("POW", [x, e], {}, node, out)
    imp.finish(node, y)


@handler("LeakyRelu")
def _leaky_relu(imp: OnnxImporter, node) -> None:
    alpha = float(imp.attr(node, "alpha", 0.01))
    imp.finish(node, imp.emit1("LEAKY_RELU", [imp.input(node, 0)], {"alpha": alpha}, node, node.output[0]))


_TWO_INPUTS_NO_OPTIONS = {"PRelu": "PRELU", "Equal": "EQUAL"}


@handler(*_TWO_INPUTS_NO_OPTIONS)
def _two_inputs(imp: OnnxImporter, node) -> None:
    a, b = imp.input(node, 0), imp.input(node, 1)
    imp.finish(node, imp.emit1(_TWO_INPUTS_NO_OPTIONS[node.op_type], [a, b], {}, node, node.output[0]))


@handler("Gelu")
def _gelu(imp: OnnxImporter, node) -> None:
    approximate = imp.attr(node, "approximate", "none")
    if approximate not in ("none", "tanh"):
        raise ConversionError(f"Gelu node {node.name!r}: approximate={approximate!r} is not 'none' or 'tanh'")
    imp.finish(node, imp.emit1("GELU", [imp.input(node, 0)], {"approximate": approximate == "tanh"}, node,
                               node.output[0]))


@handler("Clip")
def _clip(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    if imp.opset < 11:
        lo, hi = imp.attr(node, "min", -np.inf), imp.attr(node, "max", np.inf)
    else:
        lo_c = imp.const_input(node, 1, "min", required=False)
        hi_c = imp.const_input(node, 2, "max", required=False)
        if (imp.input(node, 1) and lo_c is None) or (imp.input(node, 2) and hi_c is None):
            raise ConversionError(f"Clip node {node.name!r}: min and max must be constants")
        lo = -np.inf if lo_c is None else float(lo_c)
        hi = np.inf if hi_c is None else float(hi_c)
    named = {(0.0, 6.0): "RELU6", (0.0, np.inf): "RELU", (-1.0, 1.0): "RELU_N1_TO_1"}
    out = node.output[0]
    if (lo, hi) in named:
        imp.finish(node, imp.emit1(named[(lo, hi)], [x], {}, node, out))
        return
    dtype = imp.graph.dtype(x)
    if hi != np.inf:
        x = imp.emit1("MINIMUM", [x, imp.const(hi, dtype, "clip_max")], {}, node,
                      out if lo == -np.inf else f"{out}/min")
    if lo != -np.inf:
        x = imp.emit1("MAXIMUM", [x, imp.const(lo, dtype, "clip_min")], {}, node, out)
    if lo == -np.inf and hi == np.inf:
        x = imp.emit1("IDENTITY", [x], {}, node, out)
    imp.finish(node, x)


@handler(*_BINARY)
def _binary(imp: OnnxImporter, node) -> None:
    a, b = imp.input(node, 0), imp.input(node, 1)
    imp.finish(node, imp.emit1(_BINARY[node.op_type], [a, b], {"fused_activation_function": "NONE"}, node,
                               node.output[0]))


@handler("Sum")
def _sum(imp: OnnxImporter, node) -> None:
    terms = [imp.input(node, k) for k in range(len(node.input))]
    acc = terms[0]
    if len(terms) == 1:
        acc = imp.emit1("IDENTITY", [acc], {}, node, node.output[0])
    for k, t in enumerate(terms[1:], start=1):
        out = node.output[0] if k == len(terms) - 1 else f"{node.output[0]}/partial{k}"
        acc = imp.emit1("ADD", [acc, t], {"fused_activation_function": "NONE"}, node, out)
    imp.finish(node, acc)




_SIMPLE_UNARY = {"Sqrt": "SQRT", "Abs": "ABS", "Exp": "EXP", "Log": "LOG", "Neg": "NEG", "Floor": "FLOOR",
                 "Ceil": "CEIL", "Round": "ROUND", "Sin": "SIN", "Cos": "COS", "Not": "LOGICAL_NOT",
                 "Sign": "SIGN", "Erf": "ERF"}


@handler(*_SIMPLE_UNARY)
def _simple_unary(imp: OnnxImporter, node) -> None:
    # ERF is converter-only: FuseGelu turns the exact-GELU pattern around it into GELU, LowerErf writes
    # what is left as a polynomial of builtins.
    imp.finish(node, imp.emit1(_SIMPLE_UNARY[node.op_type], [imp.input(node, 0)], {}, node, node.output[0]))


_NONE = {"fused_activation_function": "NONE"}


def _scalar(imp: OnnxImporter, value: float, like: str, name: str = "const") -> str:
    return imp.const(value, imp.graph.dtype(like), name)


@handler("Reciprocal")
def _reciprocal(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    imp.finish(node, imp.emit1("DIV", [_scalar(imp, 1.0, x, "one"), x], _NONE, node, node.output[0]))


@handler("IsNaN")
def _is_nan(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    imp.finish(node, imp.emit1("NOT_EQUAL", [x, x], {}, node, node.output[0]))  # NaN alone differs from itself


@handler("IsInf")
def _is_inf(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    pos, neg = imp.attr(node, "detect_positive", 1), imp.attr(node, "detect_negative", 1)
    if pos and neg:
        y = imp.emit1("EQUAL", [imp.emit1("ABS", [x], {}, node), _scalar(imp, np.inf, x, "inf")], {}, node,
                      node.output[0])
    else:
        y = imp.emit1("EQUAL", [x, _scalar(imp, np.inf if pos else -np.inf, x, "inf")], {}, node, node.output[0])
    imp.finish(node, y)


def softplus(imp: OnnxImporter, node, x: str, out: str = None) -> str:
    """log(1 + exp(x)) written as relu(x) + log(1 + exp(-|x|)), which does not overflow for large x."""
    tail = imp.emit1("EXP", [imp.emit1("NEG", [imp.emit1("ABS", [x], {}, node)], {}, node)], {}, node)
    tail = imp.emit1("LOG", [imp.emit1("ADD", [tail, _scalar(imp, 1.0, x, "one")], _NONE, node)], {}, node)
    return imp.emit1("ADD", [imp.emit1("RELU", [x], {}, node), tail], _NONE, node, out)


@handler("Softplus")
def _softplus(imp: OnnxImporter, node) -> None:
    imp.finish(node, softplus(imp, node, imp.input(node, 0), node.output[0]))


@handler("Mish")
def _mish(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    t = imp.emit1("TANH", [softplus(imp, node, x)], {}, node)
    imp.finish(node, imp.emit1("MUL", [x, t], _NONE, node, node.output[0]))


@handler("Softsign")
def _softsign(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    d = imp.emit1("ADD", [imp.emit1("ABS", [x], {}, node), _scalar(imp, 1.0, x, "one")], _NONE, node)
    imp.finish(node, imp.emit1("DIV", [x, d], _NONE, node, node.output[0]))


@handler("Elu", "Selu", "Celu")
def _elu(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    out = node.output[0]
    if node.op_type == "Elu" and float(imp.attr(node, "alpha", 1.0)) == 1.0:
        imp.finish(node, imp.emit1("ELU", [x], {}, node, out))
        return
    # alpha * (exp(min(x, 0) / c) - 1) + max(x, 0), times gamma for Selu.
    if node.op_type == "Selu":
        alpha, gamma, c = float(imp.attr(node, "alpha", 1.67326319217681884765625)), \
            float(imp.attr(node, "gamma", 1.05070102214813232421875)), 1.0
    else:
        alpha, gamma = float(imp.attr(node, "alpha", 1.0)), 1.0
        c = alpha if node.op_type == "Celu" else 1.0
    neg = imp.emit1("MINIMUM", [x, _scalar(imp, 0.0, x, "zero")], {}, node)
    if c != 1.0:
        neg = imp.emit1("MUL", [neg, _scalar(imp, 1.0 / c, x)], _NONE, node)
    neg = imp.emit1("SUB", [imp.emit1("EXP", [neg], {}, node), _scalar(imp, 1.0, x, "one")], _NONE, node)
    neg = imp.emit1("MUL", [neg, _scalar(imp, alpha, x, "alpha")], _NONE, node)
    y = imp.emit1("ADD", [imp.emit1("RELU", [x], {}, node), neg], _NONE, node, None if gamma != 1.0 else out)
    if gamma != 1.0:
        y = imp.emit1("MUL", [y, _scalar(imp, gamma, x, "gamma")], _NONE, node, out)
    imp.finish(node, y)


_COMPARISONS = {"Less": "LESS", "Greater": "GREATER", "LessOrEqual": "LESS_EQUAL",
                "GreaterOrEqual": "GREATER_EQUAL", "And": "LOGICAL_AND", "Or": "LOGICAL_OR", "Xor": "NOT_EQUAL"}


@handler(*_COMPARISONS)
def _comparison(imp: OnnxImporter, node) -> None:
    a, b = imp.input(node, 0), imp.input(node, 1)
    imp.finish(node, imp.emit1(_COMPARISONS[node.op_type], [a, b], {}, node, node.output[0]))


@handler("Mod")
def _mod(imp: OnnxImporter, node) -> None:
    a, b = imp.input(node, 0), imp.input(node, 1)
    out = node.output[0]
    if not imp.attr(node, "fmod", 0):
        imp.finish(node, imp.emit1("FLOOR_MOD", [a, b], {}, node, out))  # the result takes b's sign
        return
    # C's fmod takes a's sign: sign(a) * (|a| mod |b|), with sign(x) = (x > 0) - (x < 0) (LiteRT has no
    # integer DIV for int64, and SIGN is not in every runtime).
    def sign(v):
        dtype = imp.graph.dtype(v)
        zero = _scalar(imp, 0, v, "zero")
        parts = [imp.emit1("CAST", [imp.emit1(cmp, [v, zero], {}, node)], {"in_data_type": np.bool_,
                                                                           "out_data_type": dtype}, node)
                 for cmp in ("GREATER", "LESS")]
        return imp.emit1("SUB", parts, _NONE, node)
    sign_a, sign_b = sign(a), sign(b)
    abs_a = imp.emit1("MUL", [a, sign_a], _NONE, node)
    abs_b = imp.emit1("MUL", [b, sign_b], _NONE, node)
    r = imp.emit1("FLOOR_MOD", [abs_a, abs_b], {}, node)
    imp.finish(node, imp.emit1("MUL", [r, sign_a], _NONE, node, out))


def _variadic(imp: OnnxImporter, node, op: str) -> str:
    terms = [imp.input(node, k) for k in range(len(node.input))]
    if len(terms) == 1:
        return imp.emit1("IDENTITY", terms, {}, node)
    acc = terms[0]
    attrs = _NONE if op == "ADD" else {}
    for t in terms[1:]:
        acc = imp.emit1(op, [acc, t], dict(attrs), node)
    return acc


@handler("Min", "Max", "Mean")
def _min_max_mean(imp: OnnxImporter, node) -> None:
    op = {"Min": "MINIMUM", "Max": "MAXIMUM", "Mean": "ADD"}[node.op_type]
    y = _variadic(imp, node, op)
    if node.op_type == "Mean":
        y = imp.emit1("MUL", [y, _scalar(imp, 1.0 / len(node.input), y)], _NONE, node)
    imp.finish(node, imp.emit1("IDENTITY", [y], {}, node, node.output[0]))


@handler("Where")
def _where(imp: OnnxImporter, node) -> None:
    c, x, y = (imp.input(node, k) for k in range(3))
    imp.finish(node, imp.emit1("SELECT_V2", [c, x, y], {}, node, node.output[0]))
