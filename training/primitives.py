"""The one table of differentiable primitives: each op's NumPy forward and its backward (vector-Jacobian) rule.

Everything else that differentiates (ops.py, activations, losses, layers) is composed from these, so a new
composite op needs no rule of its own. Adding a primitive means adding one forward, one backward and one row
in PRIMITIVES; tests/training/test_autodiff.py refuses to pass until the new row has a gradient check.

Rule conventions:
  forward(*arrays, **attrs) -> array
  backward(ctx, g) -> tuple with one gradient (or None) per input, where ctx carries `args` (the input
  arrays), `out` (the forward result), `attrs` and `needs` (which inputs want a gradient). Rules may return
  gradients in the broadcast shape; the engine sums them back to each input's shape, so broadcasting lives
  in one place (autodiff._sum_to_shape).
"""

import math
from collections import namedtuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

Primitive = namedtuple("Primitive", ["forward", "backward"])

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
# NumPy has no erf ufunc and we depend on NumPy only; math.erf is exact to an ulp, and GELU tensors in the
# small models we train here are small enough that the per-element Python call costs little.
_erf = np.frompyfunc(math.erf, 1, 1)


def _expand_reduced(g, out, x_ndim, axis, keepdims):
    """Re-insert reduced axes so `g` and `out` broadcast against the reduction's input."""
    if keepdims:
        return g, out
    axes = tuple(range(x_ndim)) if axis is None else tuple(a % x_ndim for a in np.atleast_1d(axis))
    return np.expand_dims(g, axes), np.expand_dims(out, axes)


# ---- element-wise ----

def _div_bwd(ctx, g):
    a, b = ctx.args
    return g / b, -g * ctx.out / b


def _pow_bwd(ctx, g):
    (x,), p = ctx.args, ctx.attrs["exponent"]
    return (g * p * x ** (p - 1),)


def _maximum_bwd(ctx, g):
    a, b = ctx.args
    take_a = a >= b  # ties go to the first operand, like tf.maximum's gradient
    return g * take_a, g * ~take_a


def _minimum_bwd(ctx, g):
    a, b = ctx.args
    take_a = a <= b
    return g * take_a, g * ~take_a


def _sigmoid_fwd(x):
    # 0.5 * (1 + tanh(x / 2)) is exactly the logistic function and never overflows exp for large |x|.
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _erf_fwd(x):
    return _erf(x).astype(x.dtype)


# ---- reductions ----

def _sum_bwd(ctx, g):
    x = ctx.args[0]
    g, _ = _expand_reduced(g, ctx.out, x.ndim, ctx.attrs["axis"], ctx.attrs["keepdims"])
    return (np.broadcast_to(g, x.shape),)


def _max_bwd(ctx, g):
    x = ctx.args[0]
    axis = ctx.attrs["axis"]
    g, out = _expand_reduced(g, ctx.out, x.ndim, axis, ctx.attrs["keepdims"])
    mask = x == out
    # Ties share the gradient equally (tf.reduce_max does the same), so the rule is a true subgradient.
    return (mask * (g / mask.sum(axis=axis, keepdims=True, dtype=g.dtype)),)


# ---- shape and movement ----

def _transpose_bwd(ctx, g):
    return (g.transpose(np.argsort(ctx.attrs["axes"])),)


def _pad_bwd(ctx, g):
    pads = ctx.attrs["pads"]
    return (g[tuple(slice(lo, g.shape[i] - hi) for i, (lo, hi) in enumerate(pads))],)


def _concat_bwd(ctx, g):
    axis = ctx.attrs["axis"]
    cuts = np.cumsum([a.shape[axis] for a in ctx.args])[:-1]
    return tuple(np.split(g, cuts, axis=axis))


def _is_basic_index(index):
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (slice, int, np.integer)) for p in parts)


def _getitem_bwd(ctx, g):
    dx = np.zeros_like(ctx.args[0], dtype=g.dtype)
    index = ctx.attrs["index"]
    if _is_basic_index(index):
        dx[index] = g  # slices and integers select each element at most once: a plain store is exact
    else:
        np.add.at(dx, index, g)  # add.at, not +=, so repeated fancy indices accumulate
    return (dx,)


# ---- contractions ----

def _matmul_bwd(ctx, g):
    a, b = ctx.args
    ga = g @ np.swapaxes(b, -1, -2) if ctx.needs[0] else None
    gb = np.swapaxes(a, -1, -2) @ g if ctx.needs[1] else None
    return ga, gb


def _einsum_bwd(ctx, g):
    # d/dX_i of einsum("a,b,...->out") is einsum("out,<others>->a"): valid because ops.einsum rejects
    # operands with repeated or operand-private indices, which would need a diagonal or a broadcast.
    inputs, out = ctx.attrs["subscripts"].split("->")
    inputs = inputs.split(",")
    grads = []
    for i, need in enumerate(ctx.needs):
        if not need:
            grads.append(None)
            continue
        others = [j for j in range(len(inputs)) if j != i]
        expr = ",".join([out] + [inputs[j] for j in others]) + "->" + inputs[i]
        grads.append(np.einsum(expr, g, *[ctx.args[j] for j in others], optimize=True))
    return tuple(grads)


# ---- sliding windows (convolution and pooling patches) ----

def _window_geometry(x_shape, kernel, strides, dilation):
    _, h, w, _ = x_shape
    (kh, kw), (sh, sw), (dh, dw) = kernel, strides, dilation
    ho = (h - (kh - 1) * dh - 1) // sh + 1
    wo = (w - (kw - 1) * dw - 1) // sw + 1
    return ho, wo


def _im2col_fwd(x, kernel, strides, dilation):
    """NHWC -> (N, Ho, Wo, kh, kw, C) read-only view: no copy until a consumer reshapes it for a matmul."""
    ho, wo = _window_geometry(x.shape, kernel, strides, dilation)
    sn, sh_, sw_, sc = x.strides
    shape = (x.shape[0], ho, wo, kernel[0], kernel[1], x.shape[3])
    strides_b = (sn, sh_ * strides[0], sw_ * strides[1], sh_ * dilation[0], sw_ * dilation[1], sc)
    return as_strided(x, shape, strides_b, writeable=False)


def _im2col_bwd(ctx, g):
    # col2im: one strided add per kernel tap (kh * kw iterations), never a loop over pixels.
    x, a = ctx.args[0], ctx.attrs
    (kh, kw), (sh, sw), (dh, dw) = a["kernel"], a["strides"], a["dilation"]
    ho, wo = g.shape[1], g.shape[2]
    dx = np.zeros(x.shape, dtype=g.dtype)
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dh, i * dh + sh * (ho - 1) + 1, sh)
            cols = slice(j * dw, j * dw + sw * (wo - 1) + 1, sw)
            dx[:, rows, cols, :] += g[:, :, :, i, j, :]
    return (dx,)


# ---- the table ----

PRIMITIVES = {
    # element-wise
    "add": Primitive(np.add, lambda ctx, g: (g, g)),
    "mul": Primitive(np.multiply, lambda ctx, g: (g * ctx.args[1], g * ctx.args[0])),
    "div": Primitive(np.divide, _div_bwd),
    "neg": Primitive(np.negative, lambda ctx, g: (-g,)),
    "pow": Primitive(lambda x, exponent: x ** exponent, _pow_bwd),
    "exp": Primitive(np.exp, lambda ctx, g: (g * ctx.out,)),
    "log": Primitive(np.log, lambda ctx, g: (g / ctx.args[0],)),
    "tanh": Primitive(np.tanh, lambda ctx, g: (g * (1 - ctx.out * ctx.out),)),
    "sigmoid": Primitive(_sigmoid_fwd, lambda ctx, g: (g * ctx.out * (1 - ctx.out),)),
    "erf": Primitive(_erf_fwd, lambda ctx, g: (g * _TWO_OVER_SQRT_PI * np.exp(-ctx.args[0] ** 2),)),
    "relu": Primitive(lambda x: np.maximum(x, 0), lambda ctx, g: (g * (ctx.args[0] > 0),)),
    "maximum": Primitive(np.maximum, _maximum_bwd),
    "minimum": Primitive(np.minimum, _minimum_bwd),
    "cast": Primitive(lambda x, dtype: x.astype(dtype), lambda ctx, g: (g.astype(ctx.args[0].dtype),)),
    # reductions
    "sum": Primitive(lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims), _sum_bwd),
    "max": Primitive(lambda x, axis, keepdims: np.max(x, axis=axis, keepdims=keepdims), _max_bwd),
    # shape and movement
    "reshape": Primitive(lambda x, shape: x.reshape(shape), lambda ctx, g: (g.reshape(ctx.args[0].shape),)),
    "transpose": Primitive(lambda x, axes: x.transpose(axes), _transpose_bwd),
    "pad": Primitive(lambda x, pads, value: np.pad(x, pads, constant_values=value), _pad_bwd),
    "concat": Primitive(lambda *xs, axis: np.concatenate(xs, axis=axis), _concat_bwd),
    "getitem": Primitive(lambda x, index: x[index], _getitem_bwd),
    # contractions
    "matmul": Primitive(np.matmul, _matmul_bwd),
    "einsum": Primitive(lambda *xs, subscripts: np.einsum(subscripts, *xs, optimize=True), _einsum_bwd),
    # sliding windows
    "im2col": Primitive(_im2col_fwd, _im2col_bwd),
}
