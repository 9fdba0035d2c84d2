"""kernels/conv2d.cl, the 1x1 path through fully_connected.cl and depthwise_conv2d.cl, launched as
ops/conv.cc launches them, against NumPy over options and odd shapes: channels not a multiple of 4, 1x1
images, stride 2 on odd sizes, dilation 2, SAME padding with even kernels, groups, depth multipliers."""

import numpy as np
import pytest

from edgelite.testing import run_single_op
from filter_launches import conv2d_launch, conv2d_reference, depthwise_launch, depthwise_reference, window_options

RTOL, ATOL = 1e-4, 1e-5
FP16_RTOL, FP16_ATOL = 2e-2, 2e-2


def close(got, want, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(got.astype(np.float64), want, rtol=rtol, atol=atol * max(1.0, np.abs(want).max()))


CONV_CASES = [
    # (N, H, W, C), (OC, KH, KW, FIC), stride, dilation, same, act, bias
    ((1, 7, 9, 3), (5, 3, 3, 3), (1, 1), (1, 1), True, 0, True),       # 3x3, channels off 4
    ((2, 8, 8, 8), (8, 3, 3, 8), (1, 1), (1, 1), True, 1, True),       # 3x3, vector input loads
    ((1, 9, 7, 6), (7, 3, 3, 6), (2, 2), (1, 1), True, 3, False),      # stride 2 on odd sizes, no bias
    ((1, 9, 11, 4), (4, 3, 3, 4), (2, 1), (1, 1), False, 2, True),     # VALID, unequal strides
    ((1, 10, 10, 5), (6, 3, 3, 5), (1, 1), (2, 2), True, 0, True),     # dilation 2
    ((1, 8, 7, 3), (9, 2, 4, 3), (1, 1), (1, 1), True, 0, True),       # SAME with even kernels
    ((1, 8, 8, 4), (3, 4, 4, 4), (2, 2), (1, 1), True, 1, True),       # even kernel, stride 2
    ((1, 1, 1, 7), (5, 3, 3, 7), (1, 1), (1, 1), True, 0, True),       # 1x1 image, SAME 3x3
    ((1, 6, 6, 8), (12, 3, 3, 4), (1, 1), (1, 1), True, 0, True),      # 2 groups, 6 channels each
    ((1, 5, 7, 6), (6, 3, 3, 2), (2, 2), (1, 1), False, 0, True),      # 3 groups, 2 channels each
    ((1, 5, 5, 9), (9, 1, 3, 3), (1, 1), (1, 2), True, 3, True),       # 3 groups, dilation in W
    ((1, 5, 6, 3), (5, 1, 1, 3), (2, 2), (1, 1), True, 0, True),       # 1x1 stride 2: general kernel
    ((2, 5, 3, 13), (17, 1, 1, 13), (1, 1), (1, 1), False, 1, True),   # 1x1 fast path, odd sizes
    ((1, 4, 4, 16), (8, 1, 1, 16), (1, 1), (1, 1), True, 0, False),    # 1x1 fast path, vector loads
    ((1, 1, 1, 1), (1, 1, 1, 1), (1, 1), (1, 1), True, 0, True),       # the smallest
    ((1, 13, 5, 2), (3, 5, 5, 2), (3, 2), (1, 1), True, 0, True),      # 5x5, stride 3
]


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d(case):
    xs, fs, stride, dilation, same, act, has_bias = case
    rng = np.random.default_rng(abs(hash(case)) % 2**32)
    x = rng.standard_normal(xs).astype(np.float32)
    f = rng.standard_normal(fs).astype(np.float32)
    b = rng.standard_normal(fs[0]).astype(np.float32) if has_bias else None
    close(conv2d_launch(x, f, b, stride, dilation, same, act), conv2d_reference(x, f, b, stride, dilation, same, act))


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_reference_is_the_cpu_path(case):
    """The NumPy reference (and so the padding the launches use) is what edgelite's CPU CONV_2D computes."""
    xs, fs, stride, dilation, same, act, has_bias = case
    rng = np.random.default_rng(3)
    x = rng.standard_normal(xs).astype(np.float32)
    f = rng.standard_normal(fs).astype(np.float32)
    b = rng.standard_normal(fs[0]).astype(np.float32) if has_bias else None
    (cpu,) = run_single_op("CONV_2D", [x, f, b], window_options(stride, dilation, same, act), constant_inputs=(1, 2))
    close(cpu, conv2d_reference(x, f, b, stride, dilation, same, act))


@pytest.mark.parametrize("case", [CONV_CASES[1], CONV_CASES[8], CONV_CASES[12]])
def test_conv2d_fp16(case):
    xs, fs, stride, dilation, same, act, has_bias = case
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, xs).astype(np.float32)
    f = rng.uniform(-1, 1, fs).astype(np.float32)
    b = rng.uniform(-1, 1, fs[0]).astype(np.float32) if has_bias else None
    try:
        got = conv2d_launch(x, f, b, stride, dilation, same, act, fp16=True)
    except Exception as e:  # a device without cl_khr_fp16 fails to build the program
        if "fp16" in str(e) or "half" in str(e):
            pytest.skip(f"no half support: {e}")
        raise
    x16, f16 = x.astype(np.float16).astype(np.float32), f.astype(np.float16).astype(np.float32)
    close(got, conv2d_reference(x16, f16, b, stride, dilation, same, act), FP16_RTOL, FP16_ATOL)


DEPTHWISE_CASES = [
    # (N, H, W, C), (KH, KW), multiplier, stride, dilation, same, act, bias
    ((1, 7, 9, 8), (3, 3), 1, (1, 1), (1, 1), True, 0, True),     # vector loads
    ((2, 7, 9, 5), (3, 3), 1, (1, 1), (1, 1), True, 3, True),     # channels off 4
    ((1, 9, 7, 3), (3, 3), 2, (2, 2), (1, 1), True, 1, False),    # multiplier 2, stride 2 odd sizes
    ((1, 8, 8, 2), (3, 3), 3, (1, 1), (2, 2), True, 0, True),     # multiplier 3, dilation 2
    ((1, 8, 7, 4), (2, 2), 1, (1, 1), (1, 1), True, 0, True),     # SAME with an even kernel
    ((1, 9, 9, 6), (5, 5), 1, (2, 2), (1, 1), False, 2, True),    # VALID 5x5
    ((1, 1, 1, 7), (3, 3), 1, (1, 1), (1, 1), True, 0, True),     # 1x1 image
    ((1, 6, 5, 4), (3, 3), 4, (1, 2), (1, 1), True, 0, True),     # multiplier 4: 16 channels
    ((1, 5, 6, 1), (3, 1), 1, (1, 1), (1, 1), True, 0, True),     # one channel
]


@pytest.mark.parametrize("case", DEPTHWISE_CASES)
def test_depthwise_conv2d(case):
    xs, (kh, kw), mult, stride, dilation, same, act, has_bias = case
    rng = np.random.default_rng(abs(hash(case)) % 2**32)
    oc = xs[3] * mult
    x = rng.standard_normal(xs).astype(np.float32)
    f = rng.standard_normal((1, kh, kw, oc)).astype(np.float32)
    b = rng.standard_normal(oc).astype(np.float32) if has_bias else None
    close(depthwise_launch(x, f, b, stride, dilation, same, act),
          depthwise_reference(x, f, b, stride, dilation, same, act))


@pytest.mark.parametrize("case", DEPTHWISE_CASES)
def test_depthwise_reference_is_the_cpu_path(case):
    xs, (kh, kw), mult, stride, dilation, same, act, has_bias = case
    rng = np.random.default_rng(5)
    oc = xs[3] * mult
    x = rng.standard_normal(xs).astype(np.float32)
    f = rng.standard_normal((1, kh, kw, oc)).astype(np.float32)
    b = rng.standard_normal(oc).astype(np.float32) if has_bias else None
    (cpu,) = run_single_op("DEPTHWISE_CONV_2D", [x, f, b], window_options(stride, dilation, same, act,
                                                                            depth_multiplier=mult),
                           constant_inputs=(1, 2))
    close(cpu, depthwise_reference(x, f, b, stride, dilation, same, act))


def test_padding_leaves_infinite_pixels_out_of_padded_taps():
    """A tap in the padding reads a clamped address; its value must not enter the sum (inf * 0 = NaN)."""
    x = np.zeros((1, 3, 3, 4), np.float32)
    x[0, 0, 0, :] = np.inf  # the clamped address of every padded tap on the left
    f = np.ones((4, 3, 3, 4), np.float32)
    got = conv2d_launch(x, f, None, (1, 1), (1, 1), True, 0)
    want = conv2d_reference(x, f, None, (1, 1), (1, 1), True, 0)
    np.testing.assert_array_equal(got, want)
