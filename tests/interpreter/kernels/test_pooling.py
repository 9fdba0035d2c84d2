"""AVERAGE_POOL_2D and MAX_POOL_2D: the channel-vectorized kernels and their reference twins against a
NumPy reference in which padding never counts (a SAME average divides by the real elements only)."""

import numpy as np
import pytest

import edgelite
from testutil import requires_litert
from conv_family import activate, assert_close, check_both_kernels, random, windows
from edgelite.testing import run_single_op


def pool_reference(kind, x, size, stride, padding, activation):
    # NaN marks padding, so nanmean / nanmax see only real elements.
    win = windows(x, size[0], size[1], stride, (1, 1), padding, pad_value=np.nan)
    reduce = np.nanmean if kind == "AVERAGE_POOL_2D" else np.nanmax
    return activate(reduce(win, axis=(3, 4)), activation)


def options(size, stride, padding="SAME", activation="NONE"):
    return {"padding": padding, "filter_height": size[0], "filter_width": size[1], "stride_h": stride[0],
            "stride_w": stride[1], "fused_activation_function": activation}


# (input NHWC, filter (h, w), stride, padding)
CASES = [
    ((1, 8, 8, 16), (2, 2), (2, 2), "VALID"),
    ((1, 7, 7, 13), (3, 3), (2, 2), "SAME"),
    ((2, 9, 11, 17), (3, 3), (1, 1), "SAME"),
    ((1, 7, 7, 33), (7, 7), (1, 1), "VALID"),  # global average pool of MobileNet v1
    ((1, 5, 6, 1), (2, 3), (1, 2), "SAME"),
    ((1, 13, 13, 31), (4, 4), (3, 3), "SAME"),
    ((1, 3, 3, 5), (5, 5), (1, 1), "SAME"),  # window wider than the input
    ((1, 1, 1, 7), (1, 1), (1, 1), "VALID"),
    ((1, 10, 4, 64), (1, 3), (1, 1), "SAME"),
    # channels in blocks of four vectors and a tail (AVX-512: 64 + 16 + 5; AVX2: 2 x 32 + 21), ResNet's stem pool
    ((1, 9, 9, 85), (3, 3), (2, 2), "SAME"),
    ((1, 11, 11, 64), (3, 3), (2, 2), "VALID"),
]


def case_id(case):
    x, f, s, p = case
    return f"x{'x'.join(map(str, x))}-f{f[0]}{f[1]}-s{s[0]}{s[1]}-{p}"


@pytest.mark.parametrize("kind", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_matches_numpy_both_kernels(kind, case):
    x_shape, size, stride, padding = case
    x = random(np.random.default_rng(sum(x_shape)), x_shape)
    for activation in ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]:
        check_both_kernels(kind, [x], options(size, stride, padding, activation),
                           pool_reference(kind, x, size, stride, padding, activation))


@pytest.mark.parametrize("kind", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
def test_two_threads(kind):
    x = random(np.random.default_rng(0), (2, 16, 16, 40))
    (y,) = run_single_op(kind, [x], options((3, 3), (2, 2)), num_threads=2)
    assert_close(y, pool_reference(kind, x, (3, 3), (2, 2), "SAME", "NONE"))


def test_max_pool_of_negative_values_is_not_clipped_at_zero():
    x = -np.arange(1, 1 + 2 * 3 * 3, dtype=np.float32).reshape(1, 3, 3, 2)
    (y,) = run_single_op("MAX_POOL_2D", [x], options((2, 2), (2, 2)))
    np.testing.assert_array_equal(y, pool_reference("MAX_POOL_2D", x, (2, 2), (2, 2), "SAME", "NONE"))


@requires_litert
@pytest.mark.parametrize("kind", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
@pytest.mark.parametrize("case", [CASES[1], CASES[4], CASES[5]], ids=case_id)
def test_matches_litert(kind, case):
    x_shape, size, stride, padding = case
    x = random(np.random.default_rng(3), x_shape)
    (ours,) = run_single_op(kind, [x], options(size, stride, padding, "RELU6"))
    (theirs,) = run_single_op(kind, [x], options(size, stride, padding, "RELU6"), runtime="litert")
    assert_close(ours, theirs)


@pytest.mark.parametrize("kind", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
@pytest.mark.parametrize("x_shape, opts, error, match", [
    ((4, 4, 3), options((2, 2), (2, 2)), edgelite.InvalidModelError, "must be 4-D"),
    ((1, 4, 4, 3), options((0, 2), (2, 2)), edgelite.InvalidModelError, "filter size"),
    ((1, 4, 4, 3), options((2, 2), (0, 2)), edgelite.InvalidModelError, "strides"),
    ((1, 2, 2, 3), options((4, 4), (1, 1), "VALID"), edgelite.InvalidModelError, "smaller than"),
    ((1, 4, 4, 3), options((2, 2), (2, 2), activation="SIGN_BIT"), edgelite.UnsupportedError, "SIGN_BIT"),
])
def test_prepare_failures(kind, x_shape, opts, error, match):
    with pytest.raises(error, match=match):
        run_single_op(kind, [np.ones(x_shape, np.float32)], opts)


@pytest.mark.parametrize("kind", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
def test_rejects_int_input(kind):
    with pytest.raises(edgelite.UnsupportedError, match="int32"):
        run_single_op(kind, [np.ones((1, 4, 4, 3), np.int32)], options((2, 2), (2, 2)))


def test_valid_window_that_just_misses_gives_an_empty_output():
    # (2 - 3 + 1) // 1 = 0 output rows: .tflite sizes this to empty rather than failing.
    (y,) = run_single_op("MAX_POOL_2D", [np.ones((1, 2, 2, 3), np.float32)], options((3, 3), (1, 1), "VALID"))
    assert y.shape == (1, 0, 0, 3)
