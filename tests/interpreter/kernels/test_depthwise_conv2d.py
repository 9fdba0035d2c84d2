"""DEPTHWISE_CONV_2D: the channel-vectorized kernel and its reference twin against a NumPy reference, over
channel counts around the vector width, 3x3 and other filters, strides, dilation, SAME/VALID, depth
multipliers (derived from shapes; the option may be 0), runtime filters, threads, and prepare failures."""

import numpy as np
import pytest

import edgelite
from testutil import requires_litert
from conv_family import ACTIVATION_AND_BIAS, activate, assert_close, check_both_kernels, random, windows
from edgelite.testing import run_single_op


def depthwise_reference(x, w, b, stride, dilation, padding, activation):
    _, kh, kw, out_c = w.shape
    multiplier = out_c // x.shape[3]
    win = windows(x, kh, kw, stride, dilation, padding)  # [n, oh, ow, kh, kw, in_c]
    win = np.repeat(win, multiplier, axis=-1)  # output channel ic * multiplier + m reads channel ic
    out = np.einsum("nyxhwc,hwc->nyxc", win, w[0].astype(np.float64))
    if b is not None:
        out = out + b
    return activate(out, activation)


def options(stride=(1, 1), dilation=(1, 1), padding="SAME", activation="NONE", multiplier=0):
    return {"padding": padding, "stride_h": stride[0], "stride_w": stride[1], "dilation_h_factor": dilation[0],
            "dilation_w_factor": dilation[1], "fused_activation_function": activation,
            "depth_multiplier": multiplier}


# (input NHWC, filter [1, kh, kw, out_c], stride, dilation, padding)
CASES = [
    ((1, 16, 16, 32), (1, 3, 3, 32), (1, 1), (1, 1), "SAME"),  # MobileNet-like
    ((1, 15, 15, 144), (1, 3, 3, 144), (2, 2), (1, 1), "SAME"),
    ((1, 8, 8, 24), (1, 3, 3, 24), (2, 2), (1, 1), "SAME"),  # BlazeFace channel counts: not whole vectors
    ((2, 7, 9, 1), (1, 3, 3, 1), (1, 1), (1, 1), "SAME"),
    ((1, 13, 11, 7), (1, 3, 3, 7), (1, 1), (1, 1), "VALID"),
    ((1, 9, 9, 15), (1, 3, 3, 15), (1, 2), (1, 1), "SAME"),
    ((1, 9, 9, 16), (1, 3, 3, 16), (1, 1), (1, 1), "SAME"),
    ((1, 9, 9, 17), (1, 3, 3, 17), (1, 1), (1, 1), "SAME"),
    ((1, 6, 5, 65), (1, 3, 3, 65), (1, 1), (1, 1), "SAME"),  # four-vector blocks plus a tail
    # tails of 2, 3 and 4 vectors, the last partial, for 16-, 8- and 4-lane vectors
    ((1, 5, 6, 60), (1, 3, 3, 60), (1, 1), (1, 1), "SAME"),
    ((1, 5, 6, 28), (1, 3, 3, 28), (2, 2), (1, 1), "SAME"),
    ((1, 5, 6, 43), (1, 3, 3, 43), (1, 1), (1, 1), "SAME"),
    ((1, 10, 10, 33), (1, 5, 5, 33), (2, 2), (1, 1), "SAME"),
    ((1, 11, 13, 8), (1, 5, 5, 8), (1, 1), (1, 1), "VALID"),
    # 5x5 swept interiors: groups of four pixels, whole vectors and a tail, stride 1 and 2
    ((1, 14, 14, 40), (1, 5, 5, 40), (1, 1), (1, 1), "SAME"),
    ((1, 20, 21, 17), (1, 5, 5, 17), (2, 2), (1, 1), "SAME"),
    ((1, 9, 15, 32), (1, 5, 5, 32), (2, 2), (1, 1), "VALID"),
    ((1, 12, 12, 12), (1, 3, 3, 12), (1, 1), (2, 2), "SAME"),
    ((1, 12, 14, 5), (1, 3, 2, 5), (2, 1), (3, 2), "VALID"),
    ((1, 7, 7, 20), (1, 7, 7, 20), (1, 1), (1, 1), "SAME"),
    ((1, 2, 3, 4), (1, 5, 5, 4), (1, 1), (1, 1), "SAME"),  # window wider than the input
    ((1, 6, 8, 9), (1, 4, 4, 9), (2, 2), (1, 1), "SAME"),  # even filter
    ((1, 1, 1, 3), (1, 1, 1, 3), (1, 1), (1, 1), "VALID"),
    ((1, 5, 30, 3), (1, 1, 9, 3), (1, 3), (1, 1), "SAME"),
    # depth multiplier > 1: the input's channels repeated, then the vectorized kernel over out_c channels
    ((1, 7, 7, 3), (1, 3, 3, 6), (1, 1), (1, 1), "SAME"),
    ((1, 6, 6, 1), (1, 3, 3, 8), (2, 2), (1, 1), "VALID"),
    ((2, 9, 8, 5), (1, 3, 3, 20), (2, 2), (1, 1), "SAME"),
    ((1, 11, 10, 8), (1, 5, 5, 24), (1, 1), (1, 1), "SAME"),
    ((1, 7, 9, 6), (1, 3, 3, 12), (1, 2), (2, 1), "VALID"),
    # filters over 64 taps (reference path)
    ((1, 12, 12, 4), (1, 9, 9, 4), (1, 1), (1, 1), "SAME"),
]


def case_id(case):
    x, w, s, d, p = case
    return f"x{'x'.join(map(str, x))}-w{'x'.join(map(str, w))}-s{s[0]}{s[1]}-d{d[0]}{d[1]}-{p}"


def depth(w):
    return w.shape[1] * w.shape[2]


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_matches_numpy_both_kernels(case):
    x_shape, w_shape, stride, dilation, padding = case
    rng = np.random.default_rng(sum(x_shape) * 17 + sum(w_shape))
    x, w, b = random(rng, x_shape), random(rng, w_shape), random(rng, (w_shape[3],))
    for activation, with_bias in ACTIVATION_AND_BIAS:
        bias = b if with_bias else None
        check_both_kernels("DEPTHWISE_CONV_2D", [x, w, bias], options(stride, dilation, padding, activation),
                           depthwise_reference(x, w, bias, stride, dilation, padding, activation), depth(w),
                           constant_inputs=(1, 2))


def test_option_multiplier_is_not_needed():
    # Files from new converters store depth_multiplier 0; the shapes say 2.
    rng = np.random.default_rng(1)
    x, w = random(rng, (1, 5, 5, 3)), random(rng, (1, 3, 3, 6))
    for multiplier in (0, 2):
        (y,) = run_single_op("DEPTHWISE_CONV_2D", [x, w], options(multiplier=multiplier), constant_inputs=(1,))
        assert_close(y, depthwise_reference(x, w, None, (1, 1), (1, 1), "SAME", "NONE"), depth(w))


@pytest.mark.parametrize("case", [CASES[0], CASES[2], CASES[9], CASES[23]], ids=case_id)
def test_two_threads_and_runtime_filter(case):
    x_shape, w_shape, stride, dilation, padding = case
    rng = np.random.default_rng(2)
    x, w, b = random(rng, x_shape), random(rng, w_shape), random(rng, (w_shape[3],))
    expected = depthwise_reference(x, w, b, stride, dilation, padding, "RELU6")
    opts = options(stride, dilation, padding, "RELU6")
    (y,) = run_single_op("DEPTHWISE_CONV_2D", [x, w, b], opts, constant_inputs=(1, 2), num_threads=2)
    assert_close(y, expected, depth(w))
    (y,) = run_single_op("DEPTHWISE_CONV_2D", [x, w, b], opts)  # filter and bias packed at eval
    assert_close(y, expected, depth(w))


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("x_shape, kernel, stride", [((1, 7, 7, 972), 3, 1), ((1, 14, 14, 576), 3, 2),
                                                      ((1, 7, 7, 580), 5, 1), ((2, 4, 4, 964), 3, 1)])
def test_few_rows_split_by_channel_blocks(x_shape, kernel, stride, threads):
    # Fewer output rows than 4 per thread, enough work to split: tiles of rows x channel vectors (a ragged last
    # vector at 972, 580 and 964 channels).
    rng = np.random.default_rng(5)
    w_shape = (1, kernel, kernel, x_shape[3])
    x, w, b = random(rng, x_shape), random(rng, w_shape), random(rng, (x_shape[3],))
    expected = depthwise_reference(x, w, b, (stride, stride), (1, 1), "SAME", "RELU6")
    opts = options((stride, stride), (1, 1), "SAME", "RELU6")
    (y,) = run_single_op("DEPTHWISE_CONV_2D", [x, w, b], opts, constant_inputs=(1, 2), num_threads=threads)
    assert_close(y, expected, depth(w))


@requires_litert
@pytest.mark.parametrize("case", [CASES[1], CASES[2], CASES[11], CASES[15], CASES[18], CASES[23]], ids=case_id)
def test_matches_litert(case):
    x_shape, w_shape, stride, dilation, padding = case
    rng = np.random.default_rng(4)
    x, w, b = random(rng, x_shape), random(rng, w_shape), random(rng, (w_shape[3],))
    opts = options(stride, dilation, padding, "RELU", multiplier=w_shape[3] // x_shape[3])
    (ours,) = run_single_op("DEPTHWISE_CONV_2D", [x, w, b], opts, constant_inputs=(1, 2))
    (theirs,) = run_single_op("DEPTHWISE_CONV_2D", [x, w, b], opts, constant_inputs=(1, 2), runtime="litert")
    assert_close(ours, theirs, depth(w))


@pytest.mark.parametrize("x_shape, w_shape, b_shape, opts, match", [
    ((1, 4, 4, 3), (1, 3, 3, 5), None, options(), "not a multiple"),
    ((1, 4, 4, 3), (2, 3, 3, 3), None, options(), r"must be \[1, height, width, out_channels\]"),
    ((1, 4, 4, 3), (3, 3, 3), None, options(), "filter .* must be 4-D"),
    ((4, 4, 3), (1, 3, 3, 3), None, options(), "must be 4-D"),
    ((1, 4, 4, 3), (1, 3, 3, 3), (6,), options(), "bias"),
    ((1, 2, 2, 3), (1, 3, 3, 3), None, options(padding="VALID", dilation=(2, 2)), "smaller than"),
    ((1, 4, 4, 3), (1, 3, 3, 3), None, options(stride=(1, -1)), "strides"),
])
def test_prepare_failures(x_shape, w_shape, b_shape, opts, match):
    inputs = [np.ones(x_shape, np.float32), np.ones(w_shape, np.float32),
              None if b_shape is None else np.ones(b_shape, np.float32)]
    with pytest.raises(edgelite.InvalidModelError, match=match):
        run_single_op("DEPTHWISE_CONV_2D", inputs, opts, constant_inputs=(1, 2))


def test_rejects_uint8_filter_with_float_input():
    # Dynamic range takes int8 filters (test_depthwise_conv2d_integer.py); uint8 ones feed no float kernel.
    with pytest.raises(edgelite.UnsupportedError, match=r"dtypes \(float32, uint8\) -> float32 are not supported"):
        run_single_op("DEPTHWISE_CONV_2D", [np.ones((1, 4, 4, 2), np.float32), np.ones((1, 3, 3, 2), np.uint8)],
                      options(), constant_inputs=(1,), input_quantization={1: (0.1, 0)})
