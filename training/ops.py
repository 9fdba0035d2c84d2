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
    """a + b, element-wise with NumPy broadcasting; a constant operand takes the Tensor operand's float dtype."""
    return apply("add", *_pair(a, b))


def subtract(a, b):
    """a - b, element-wise with broadcasting."""
    a, b = _pair(a, b)
    return apply("add", a, apply("neg", b))


def multiply(a, b):
    """a * b, element-wise with broadcasting."""
    return apply("mul", *_pair(a, b))


def divide(a, b):
    """a / b, element-wise with broadcasting."""
    return apply("div", *_pair(a, b))


def negative(x):
    """-x."""
    return apply("neg", x)


def power(x, exponent):
    """x ** exponent for a constant exponent. Raises TypeError for a Tensor exponent (write exp(log(x) * y))."""
    if isinstance(exponent, Tensor):
        raise TypeError("power() takes a constant exponent; use exp(log(x) * y) for a tensor exponent")
    return apply("pow", x, exponent=float(exponent))


def square(x):
    """x * x."""
    x = as_tensor(x)
    return apply("mul", x, x)


def sqrt(x):
    """The square root of x (x ** 0.5)."""
    return power(x, 0.5)


def exp(x):
    """e ** x."""
    return apply("exp", x)


def log(x):
    """The natural logarithm of x."""
    return apply("log", x)


def tanh(x):
    """The hyperbolic tangent of x."""
    return apply("tanh", x)


def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return apply("sigmoid", x)


def erf(x):
    """The Gauss error function of x."""
    return apply("erf", x)


def relu(x):
    """max(x, 0)."""
    return apply("relu", x)


def maximum(a, b):
    """The element-wise maximum of a and b (the gradient goes to the larger operand)."""
    return apply("maximum", *_pair(a, b))


def minimum(a, b):
    """The element-wise minimum of a and b."""
    return apply("minimum", *_pair(a, b))


def clip(x, min_value, max_value):
    """x limited to [min_value, max_value]."""
    return minimum(maximum(x, min_value), max_value)


def abs(x):  # noqa: A001 - mirrors keras.ops.abs
    """|x|, element-wise (keras.ops.abs)."""
    return add(relu(x), relu(negative(x)))


def cast(x, dtype):
    """x converted to `dtype` (a NumPy dtype or its name); x itself when it already has that dtype."""
    x = as_tensor(x)
    return x if x.dtype == np.dtype(dtype) else apply("cast", x, dtype=np.dtype(dtype))


def stop_gradient(x):
    """x's values as a new Tensor through which no gradient flows back."""
    x = as_tensor(x)
    out = Tensor(x.data)
    # Kept so the converter's tracer (which reads the recorded graph) sees that out is x's value, not a constant.
    out._gradient_stopped_from = x
    return out


# ---- reductions ----

def sum(x, axis=None, keepdims=False):  # noqa: A001 - mirrors keras.ops.sum
    """The sum of x over `axis` (an int, a tuple, or None for all axes); keepdims keeps the reduced axes as size
    1."""
    return apply("sum", x, axis=_axis(axis), keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """The mean of x over `axis` (an int, a tuple, or None for all axes); keepdims keeps the reduced axes."""
    x = as_tensor(x)
    axes = range(x.ndim) if axis is None else np.atleast_1d(axis)
    count = int(np.prod([x.shape[a] for a in axes]))
    return divide(sum(x, axis, keepdims), count)


def max(x, axis=None, keepdims=False):  # noqa: A001 - mirrors keras.ops.max
    """The maximum of x over `axis` (None: all axes); the gradient goes to the maximal elements."""
    return apply("max", x, axis=_axis(axis), keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    """The minimum of x over `axis` (None: all axes)."""
    return negative(max(negative(x), axis, keepdims))


# ---- shape ----

def reshape(x, shape):
    """x with the new `shape` (a sequence of ints; one -1 is inferred), as numpy.reshape."""
    return apply("reshape", x, shape=tuple(int(s) for s in shape))


def transpose(x, axes=None):
    """x with its axes permuted by `axes` (None: reversed), as numpy.transpose."""
    x = as_tensor(x)
    axes = tuple(reversed(range(x.ndim))) if axes is None else tuple(axes)
    return apply("transpose", x, axes=axes)


def pad(x, pad_width, constant_value=0.0):
    """x padded with `constant_value`; pad_width holds one (before, after) pair per axis, as numpy.pad."""
    return apply("pad", x, pads=tuple(tuple(p) for p in pad_width), value=constant_value)


def concatenate(xs, axis=-1):
    """The tensors of `xs` joined along `axis` (default: the last)."""
    return apply("concat", *xs, axis=axis)


def getitem(x, index):
    """x[index] with NumPy basic or advanced indexing; the gradient scatters back into x's shape."""
    return apply("getitem", x, index=index)


def stack(xs, axis=0):
    """The tensors of `xs` (one shape) stacked along a new axis `axis`."""
    xs = [as_tensor(x) for x in xs]
    rank = xs[0].ndim + 1
    axis %= rank
    return concatenate([reshape(x, x.shape[:axis] + (1,) + x.shape[axis:]) for x in xs], axis)


def split(x, num_or_indices, axis=0):
    """Equal parts (an int) or cuts at the given indices along `axis`, as keras.ops.split."""
    x = as_tensor(x)
    axis %= x.ndim
    size = x.shape[axis]
    if isinstance(num_or_indices, int):
        if size % num_or_indices:
            raise ValueError(f"split: axis {axis} of size {size} does not divide into {num_or_indices} parts")
        cuts = list(range(0, size, size // num_or_indices)) + [size]
    else:
        cuts = [0] + [int(i) for i in num_or_indices] + [size]
    lead = (slice(None),) * axis
    return [getitem(x, lead + (slice(a, b),)) for a, b in zip(cuts[:-1], cuts[1:])]


# ---- contractions ----

def matmul(a, b):
    """The matrix product a @ b, batched over leading axes with broadcasting. Raises ValueError for an operand of
    rank below 2."""
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
    """log(sum(exp(x))) over `axis`, computed without overflow (shifted by the maximum)."""
    # Shift by the max as a constant: the result is unchanged and exp cannot overflow.
    shift = stop_gradient(max(x, axis, keepdims=True))
    out = add(log(sum(exp(subtract(x, shift)), axis, keepdims=True)), shift)
    return out if keepdims else reshape(out, np.squeeze(out.data, axis).shape)


def softmax(x, axis=-1):
    """exp(x) normalized to sum 1 over `axis` (default: the last), computed without overflow."""
    e = exp(subtract(x, stop_gradient(max(x, axis, keepdims=True))))
    return divide(e, sum(e, axis, keepdims=True))


def log_softmax(x, axis=-1):
    """log(softmax(x)) over `axis`, computed stably as x - logsumexp(x)."""
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
    """Max pooling of an NHWC tensor over windows of `pool_size` (kh, kw) moved by `strides`; padding 'valid' or
    'same' (TF's: padded cells never win)."""
    # -inf padding: a padded cell never wins the max, which is what TF's SAME max pooling means.
    return max(extract_patches(x, pool_size, strides, (1, 1), padding, -np.inf), axis=(3, 4))


def avg_pool2d(x, pool_size, strides, padding="valid"):
    """Average pooling of an NHWC tensor over `pool_size` windows moved by `strides`; with padding 'same' each
    window averages only its real (unpadded) cells, as TF."""
    x = as_tensor(x)
    if padding == "valid":
        return mean(extract_patches(x, pool_size, strides), axis=(3, 4))
    # TF's SAME average pooling divides by the number of real (unpadded) cells under each window.
    ones = np.ones((1,) + x.shape[1:3] + (1,), dtype=x.dtype)
    counts = extract_patches(ones, pool_size, strides, (1, 1), "same").data.sum(axis=(3, 4))
    return divide(sum(extract_patches(x, pool_size, strides, (1, 1), "same"), axis=(3, 4)), counts)


def __getattr__(name):
    # ops.image (resize), as keras.ops.image; loaded on first use since image_ops is built on this module.
    if name == "image":
        from . import image_ops
        return image_ops
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    T.exp = lambda a: exp(a)
    T.log = lambda a: log(a)
    T.astype = lambda a, dtype: cast(a, dtype)
    for name, op in (("sum", sum), ("mean", mean), ("max", max), ("reshape", reshape), ("transpose", transpose),
                     ("exp", exp), ("log", log), ("astype", cast)):
        getattr(T, name).__doc__ = f"ops.{op.__name__} of this tensor: {op.__doc__}"
    T.T = property(lambda a: transpose(a), doc="The tensor with its axes reversed (ops.transpose).")


_attach_tensor_methods()
