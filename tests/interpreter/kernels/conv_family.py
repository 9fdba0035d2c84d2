"""Shared by the CONV_2D / DEPTHWISE_CONV_2D / pooling / FULLY_CONNECTED / BATCH_MATMUL tests: NumPy
references written from the .tflite definitions (float64, independent of the C++ code), fused activations,
one tolerance, and checks of the optimized kernels and their reference twins against NumPy."""

import numpy as np

from kernel_twins import run_optimized_and_reference

ACTIVATIONS = {
    "NONE": (-np.inf, np.inf),
    "RELU": (0.0, np.inf),
    "RELU_N1_TO_1": (-1.0, 1.0),
    "RELU6": (0.0, 6.0),
}


def activate(x, activation):
    lo, hi = ACTIVATIONS[activation]
    return np.clip(x, lo, hi)


def out_size_and_pad(padding, size, filter_size, stride, dilation=1):
    """(output size, padding before) of one spatial axis: SAME gives ceil(size / stride) and splits the
    padding with the odd element after; VALID keeps every window inside the input."""
    effective = (filter_size - 1) * dilation + 1
    if padding == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + effective - size, 0)
        return out, total // 2
    return (size - effective) // stride + 1, 0


def windows(x, kh, kw, stride, dilation, padding, pad_value=0.0):
    """All windows of an NHWC array: shape [n, out_h, out_w, kh, kw, c], padded positions = pad_value."""
    n, h, w, c = x.shape
    oh, pt = out_size_and_pad(padding, h, kh, stride[0], dilation[0])
    ow, pl = out_size_and_pad(padding, w, kw, stride[1], dilation[1])
    need_h = (oh - 1) * stride[0] + (kh - 1) * dilation[0] + 1
    need_w = (ow - 1) * stride[1] + (kw - 1) * dilation[1] + 1
    padded = np.full((n, max(need_h, h + pt), max(need_w, w + pl), c), pad_value, dtype=np.float64)
    padded[:, pt:pt + h, pl:pl + w, :] = x
    out = np.empty((n, oh, ow, kh, kw, c), dtype=np.float64)
    for ky in range(kh):
        for kx in range(kw):
            y0, x0 = ky * dilation[0], kx * dilation[1]
            out[:, :, :, ky, kx, :] = padded[:, y0:y0 + (oh - 1) * stride[0] + 1:stride[0],
                                             x0:x0 + (ow - 1) * stride[1] + 1:stride[1], :]
    return out


def assert_close(actual, expected, depth=1):
    """The one float32 tolerance of these tests. Inputs are unit normals, so each output is a sum of
    `depth` products of order 1; float32 rounding of such a sum grows about linearly with depth."""
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6 + 5e-7 * depth)


def check_both_kernels(op, inputs, options, expected, depth=1, **kwargs):
    """Runs the optimized kernel and its reference twin; both must match the NumPy `expected`."""
    (optimized,), (reference,) = run_optimized_and_reference(op, inputs, options, **kwargs)
    assert_close(optimized, expected, depth)
    assert_close(reference, expected, depth)


# Fused activation and whether to pass a bias: every filter-op case runs through all of these.
ACTIVATION_AND_BIAS = [("NONE", True), ("RELU6", False), ("RELU", True), ("RELU_N1_TO_1", True)]


def random(rng, shape):
    return rng.standard_normal(shape).astype(np.float32)
