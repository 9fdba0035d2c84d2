"""Differentiable ops for layers and user code: thin wrappers over primitives plus composites built from them.

Composites (softmax, conv2d, pooling, ...) have no backward rule of their own; their gradients come from the
primitives they are made of. Also attaches the arithmetic operators and methods to Tensor.
"""

import numpy as np

from . import conv_utils
from .autodiff import Tensor, apply, as_tensor


def _pair(a, b):
    """Make both operands Tensors; a constant takes the floating dtype of the Tensor operand, as in Keras."""
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        b = Tensor(b, dtype=a.dtype if np.issubdtype(a.dtype, np.floating) else None)
    elif isinstance(b, Tensor) and not isinstance(a, Tensor):
        a = Tensor(a, dtype=b.dtype if np.issubdtype(b.dtype, np.floating) else None)
    return as_tensor(a), as_tensor(b)


def _axis(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


# ---- element-wise ----

def add(a, b):
    return apply("add", *_pair(a, b))


def subtract(a, b):
    a, b = _pair(a, b)
    return apply("add", a, apply("neg", b))


def multiply(a, b):
    return apply("mul", *_pair(a, b))


def divide(a, b):
    return apply("div", *_pair(a, b))


def negative(x):
    return apply("neg", x)


def power(x, exponent):
    if isinstance(exponent, Tensor):
        raise TypeError("power() takes a constant exponent; use exp(log(x) * y) for a tensor exponent")
    return apply("pow", x, exponent=float(exponent))


def square(x):
    x = as_tensor(x)
    return apply("mul", x, x)


def sqrt(x):
    return power(x, 0.5)


def exp(x):
    return apply("exp", x)


def log(x):
    return apply("log", x)


def tanh(x):
    return apply("tanh", x)


def sigmoid(x):
    return apply("sigmoid", x)


def erf(x):
    return apply("erf", x)


def relu(x):
    return apply("relu", x)


def maximum(a, b):
    return apply("maximum", *_pair(a, b))


def minimum(a, b):
    return apply("minimum", *_pair(a, b))


def clip(x, min_value, max_value):
    return minimum(maximum(x, min_value), max_value)


def abs(x):  # noqa: A001 - mirrors keras.ops.abs
    return add(relu(x), relu(negative(x)))


def cast(x, dtype):
    x = as_tensor(x)
    return x if x.dtype == np.dtype(dtype) else apply("cast", x, dtype=np.dtype(dtype))


def stop_gradient(x):
    return Tensor(as_tensor(x).data)


# ---- reductions ----

def sum(x, axis=None, keepdims=False):  # noqa: A001 - mirrors keras.ops.sum
    return apply("sum", x, axis=_axis(axis), keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    x = as_tensor(x)
    axes = range(x.ndim) if axis is None else np.atleast_1d(axis)
    count = int(np.prod([x.shape[a] for a in axes]))
    return divide(sum(x, axis, keepdims), count)


def max(x, axis=None, keepdims=False):  # noqa: A001 - mirrors keras.ops.max
    return apply("max", x, axis=_axis(axis), keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    return negative(max(negative(x), axis, keepdims))


# ---- shape ----

def reshape(x, shape):
    return apply("reshape", x, shape=tuple(int(s) for s in shape))


def transpose(x, axes=None):
    x = as_tensor(x)
    axes = tuple(reversed(range(x.ndim))) if axes is None else tuple(axes)
    return apply("transpose", x, axes=axes)


def pad(x, pad_width, constant_value=0.0):
    return apply("pad", x, pads=tuple(tuple(p) for p in pad_width), value=constant_value)


def concatenate(xs, axis=-1):
    return apply("concat", *xs, axis=axis)


def getitem(x, index):
    return apply("getitem", x, index=index)


# ---- contractions ----

def matmul(a, b):
    a, b = _pair(a, b)
    if a.ndim < 2 or b.ndim < 2:
        raise ValueError(f"matmul needs operands of rank >= 2, got shapes {a.shape} and {b.shape}")
    return apply("matmul", a, b)


def einsum(subscripts, *operands):
    """einsum with an explicit '->' output; each operand index must appear in the output or another operand
    (sum an operand-private axis first), which keeps the backward rule a single einsum."""
    subscripts = subscripts.replace(" ", "")
    if "->" not in subscripts or "." in subscripts:
        raise ValueError(f"einsum needs explicit output subscripts and no ellipsis, got {subscripts!r}")
    inputs, out = subscripts.split("->")
    inputs = inputs.split(",")
    for i, sub in enumerate(inputs):
        elsewhere = out + "".join(s for j, s in enumerate(inputs) if j != i)
        if len(set(sub)) != len(sub) or any(c not in elsewhere for c in sub):
            raise ValueError(f"einsum operand {i} ({sub!r}) repeats an index or sums one privately")
    return apply("einsum", *operands, subscripts=subscripts)


# ---- normalized exponentials ----

def logsumexp(x, axis=-1, keepdims=False):
    # Shift by the max as a constant: the result is unchanged and exp cannot overflow.
    shift = stop_gradient(max(x, axis, keepdims=True))
    out = add(log(sum(exp(subtract(x, shift)), axis, keepdims=True)), shift)
    return out if keepdims else reshape(out, np.squeeze(out.data, axis).shape)


def softmax(x, axis=-1):
    e = exp(subtract(x, stop_gradient(max(x, axis, keepdims=True))))
    return divide(e, sum(e, axis, keepdims=True))


def log_softmax(x, axis=-1):
    return subtract(x, logsumexp(x, axis, keepdims=True))


# ---- windows: convolution and pooling (NHWC) ----

def _pad_same(x, kernel, strides, dilation, value=0.0):
    pads = ((0, 0), conv_utils.same_pads(x.shape[1], kernel[0], strides[0], dilation[0]),
            conv_utils.same_pads(x.shape[2], kernel[1], strides[1], dilation[1]), (0, 0))
    return pad(x, pads, value) if any(p != (0, 0) for p in pads) else x


def extract_patches(x, kernel, strides=(1, 1), dilation=(1, 1), padding="valid", pad_value=0.0):
    """NHWC -> (N, Ho, Wo, kh, kw, C) windows; 'same' pads like TF (odd extra pixel bottom/right)."""
    x = as_tensor(x)
    if padding == "same":
        x = _pad_same(x, kernel, strides, dilation, pad_value)
    return apply("im2col", x, kernel=tuple(kernel), strides=tuple(strides), dilation=tuple(dilation))


def conv2d(x, kernel, strides=(1, 1), padding="valid", dilation_rate=(1, 1)):
    """x: (N, H, W, Cin); kernel: (kh, kw, Cin, Cout) as Keras. im2col + one float32 GEMM."""
    kh, kw, cin, cout = kernel.shape
    patches = extract_patches(x, (kh, kw), strides, dilation_rate, padding)
    n, ho, wo = patches.shape[:3]
    y = matmul(reshape(patches, (n * ho * wo, kh * kw * cin)), reshape(kernel, (kh * kw * cin, cout)))
    return reshape(y, (n, ho, wo, cout))


def depthwise_conv2d(x, kernel, strides=(1, 1), padding="valid", dilation_rate=(1, 1)):
    """kernel: (kh, kw, C, multiplier); output channel c * multiplier + m, as TF's depthwise_conv2d."""
    kh, kw, c, mult = kernel.shape
    patches = extract_patches(x, (kh, kw), strides, dilation_rate, padding)
    n, ho, wo = patches.shape[:3]
    return reshape(einsum("nhwijc,ijcm->nhwcm", patches, kernel), (n, ho, wo, c * mult))


def max_pool2d(x, pool_size, strides, padding="valid"):
    # -inf padding: a padded cell never wins the max, which is what TF's SAME max pooling means.
    return max(extract_patches(x, pool_size, strides, (1, 1), padding, -np.inf), axis=(3, 4))


def avg_pool2d(x, pool_size, strides, padding="valid"):
    x = as_tensor(x)
    if padding == "valid":
        return mean(extract_patches(x, pool_size, strides), axis=(3, 4))
    # TF's SAME average pooling divides by the number of real (unpadded) cells under each window.
    ones = np.ones((1,) + x.shape[1:3] + (1,), dtype=x.dtype)
    counts = extract_patches(ones, pool_size, strides, (1, 1), "same").data.sum(axis=(3, 4))
    return divide(sum(extract_patches(x, pool_size, strides, (1, 1), "same"), axis=(3, 4)), counts)


# ---- Tensor operators ----

def _attach_tensor_methods():
    T = Tensor
    T.__add__ = lambda a, b: add(a, b)
    T.__radd__ = lambda a, b: add(b, a)
    T.__sub__ = lambda a, b: subtract(a, b)
    T.__rsub__ = lambda a, b: subtract(b, a)
    T.__mul__ = lambda a, b: multiply(a, b)
    T.__rmul__ = lambda a, b: multiply(b, a)
    T.__truediv__ = lambda a, b: divide(a, b)
    T.__rtruediv__ = lambda a, b: divide(b, a)
    T.__neg__ = lambda a: negative(a)
    T.__pow__ = lambda a, p: power(a, p)
    T.__matmul__ = lambda a, b: matmul(a, b)
    T.__rmatmul__ = lambda a, b: matmul(b, a)
    T.__getitem__ = lambda a, index: getitem(a, index)
    T.sum = lambda a, axis=None, keepdims=False: sum(a, axis, keepdims)
    T.mean = lambda a, axis=None, keepdims=False: mean(a, axis, keepdims)
    T.max = lambda a, axis=None, keepdims=False: max(a, axis, keepdims)
    T.reshape = lambda a, *shape: reshape(a, shape[0] if len(shape) == 1 and not isinstance(
        shape[0], int) else shape)
    T.transpose = lambda a, axes=None: transpose(a, axes)
    T.T = property(lambda a: transpose(a))
    T.exp = lambda a: exp(a)
    T.log = lambda a: log(a)
    T.astype = lambda a, dtype: cast(a, dtype)


_attach_tensor_methods()
