"""Convolutions beyond ops.conv2d, composed from differentiable ops (no backward rules of their own): 1-D
convolution (causal padding, groups), 2-D transposed convolution (Keras/TF output sizes and placement), and
1-D pooling. Layouts are channels-last, kernels in Keras' shapes."""

from . import conv_utils, ops
from .autodiff import as_tensor


def conv1d(x, kernel, stride=1, padding="valid", dilation=1, groups=1):
    """x: (N, W, Cin); kernel: (k, Cin / groups, Cout) as keras.layers.Conv1D. padding 'valid', 'same' (TF's
    placement) or 'causal' (all padding on the left, so output t sees inputs up to t only)."""
    x, kernel = as_tensor(x), as_tensor(kernel)
    k, cin_group, cout = kernel.shape
    if padding == "causal":
        x = ops.pad(x, ((0, 0), (conv_utils.effective_size(k, dilation) - 1, 0), (0, 0)))
        padding = "valid"
    n, w, cin = x.shape
    if cin != cin_group * groups:
        raise ValueError(f"conv1d: {cin} input channels do not match a kernel for {cin_group} x {groups} groups")
    x4 = ops.reshape(x, (n, 1, w, cin))
    k4 = ops.reshape(kernel, (1, k, cin_group, cout))
    if groups == 1:
        y = ops.conv2d(x4, k4, (1, stride), padding, (1, dilation))
    else:
        out_group = cout // groups
        parts = [ops.conv2d(ops.getitem(x4, (Ellipsis, slice(g * cin_group, (g + 1) * cin_group))),
                            ops.getitem(k4, (Ellipsis, slice(g * out_group, (g + 1) * out_group))),
                            (1, stride), padding, (1, dilation)) for g in range(groups)]
        y = ops.concatenate(parts, axis=-1)
    return ops.reshape(y, (n, y.shape[2], cout))


def transpose_output_length(length, kernel, stride, padding, output_padding=None, dilation=1):
    """Keras' output size of a transposed convolution along one axis (None stays None)."""
    if length is None:
        return None
    kernel = conv_utils.effective_size(kernel, dilation)
    if output_padding is None:
        return length * stride + max(kernel - stride, 0) if padding == "valid" else length * stride
    pad = kernel // 2 if padding == "same" else 0
    return (length - 1) * stride + kernel - 2 * pad + output_padding


def transpose_crop(length, out_length, kernel, stride, padding, dilation=1):
    """Where the output starts in the full (length - 1) * stride + kernel result: TF places a transposed
    convolution as the gradient of a convolution from `out_length` to `length`, whose 'same' padding puts the
    odd pixel after."""
    if padding == "valid":
        return 0
    full = (length - 1) * stride + conv_utils.effective_size(kernel, dilation)
    return max(full - out_length, 0) // 2


def conv2d_transpose(x, kernel, strides=(1, 1), padding="valid", output_padding=None, dilation_rate=(1, 1)):
    """x: (N, H, W, Cin); kernel: (kh, kw, Cout, Cin) as keras.layers.Conv2DTranspose. The output size follows
    Keras (transpose_output_length), the placement TF's conv2d_transpose."""
    x, kernel = as_tensor(x), as_tensor(kernel)
    kh, kw, cout, cin = kernel.shape
    n, h, w, _ = x.shape
    out_pad = (None, None) if output_padding is None else tuple(output_padding)
    out = [transpose_output_length(size, k, s, padding, p, d) for size, k, s, p, d in
           zip((h, w), (kh, kw), strides, out_pad, dilation_rate)]
    starts = [transpose_crop(size, o, k, s, padding, d) for size, o, k, s, d in
              zip((h, w), out, (kh, kw), strides, dilation_rate)]
    # Spread the inputs `stride` apart (zeros between), then a plain convolution with the flipped kernel.
    sh, sw = strides
    if sh > 1 or sw > 1:
        spread = ops.pad(ops.reshape(x, (n, h, 1, w, 1, cin)), ((0, 0), (0, 0), (0, sh - 1), (0, 0), (0, sw - 1),
                                                                 (0, 0)))
        x = ops.getitem(ops.reshape(spread, (n, h * sh, w * sw, cin)),
                        (slice(None), slice(0, (h - 1) * sh + 1), slice(0, (w - 1) * sw + 1)))
    pads, crops = [(0, 0)], [slice(None)]
    for size, o, start, k, d in zip(x.shape[1:3], out, starts, (kh, kw), dilation_rate):
        before = conv_utils.effective_size(k, d) - 1 - start
        after = o - 1 + conv_utils.effective_size(k, d) - size - before
        pads.append((before, max(after, 0)))
        crops.append(slice(0, size + before + after))
    x = ops.pad(x, pads + [(0, 0)])
    if any(c.stop is not None and c.stop < dim for c, dim in zip(crops[1:], x.shape[1:3])):
        x = ops.getitem(x, tuple(crops))
    flipped = ops.transpose(ops.getitem(kernel, (slice(None, None, -1), slice(None, None, -1))), (0, 1, 3, 2))
    return ops.conv2d(x, flipped, (1, 1), "valid", dilation_rate)


def _pool1d(pool2d, x, pool_size, stride, padding):
    x = as_tensor(x)
    n, w, c = x.shape
    y = pool2d(ops.reshape(x, (n, 1, w, c)), (1, pool_size), (1, stride), padding)
    return ops.reshape(y, (n, y.shape[2], c))


def max_pool1d(x, pool_size, stride, padding="valid"):
    """Max pooling of (N, W, C) over windows of `pool_size` moved by `stride` (TF's 'same')."""
    return _pool1d(ops.max_pool2d, x, pool_size, stride, padding)


def avg_pool1d(x, pool_size, stride, padding="valid"):
    """Average pooling of (N, W, C); 'same' windows average their real cells only, as TF."""
    return _pool1d(ops.avg_pool2d, x, pool_size, stride, padding)
