"""DEPTH_TO_SPACE (NHWC, DCR order) against a NumPy reshape/transpose: block sizes 1-4, odd sizes,
dtypes, threads, prepare failures, and LiteRT."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from testutil import requires_litert


def numpy_depth_to_space(x, bs):
    """out[n, h*bs + i, w*bs + j, c] = x[n, h, w, (i*bs + j)*C_out + c]."""
    n, h, w, c = x.shape
    c_out = c // (bs * bs)
    return x.reshape(n, h, w, bs, bs, c_out).transpose(0, 1, 3, 2, 4, 5).reshape(n, h * bs, w * bs, c_out)


def depth_to_space(x, bs, num_threads=1):
    return run_single_op("DEPTH_TO_SPACE", [x], {"block_size": bs}, num_threads=num_threads)[0]


@pytest.mark.parametrize("bs", [1, 2, 3, 4])
@pytest.mark.parametrize("shape", [(1, 1, 1), (2, 3, 5), (3, 7, 1), (1, 13, 2)])
def test_block_sizes_and_odd_shapes(bs, shape):
    n, h, w = shape
    for c_out in (1, 3):
        x = np.random.default_rng(bs).standard_normal((n, h, w, bs * bs * c_out)).astype(np.float32)
        np.testing.assert_array_equal(depth_to_space(x, bs), numpy_depth_to_space(x, bs))


def test_index_formula_on_a_small_case():
    x = np.arange(8, dtype=np.float32).reshape(1, 1, 1, 8)  # bs 2, C_out 2
    out = depth_to_space(x, 2)
    np.testing.assert_array_equal(out[0, :, :, 0], [[0, 2], [4, 6]])
    np.testing.assert_array_equal(out[0, :, :, 1], [[1, 3], [5, 7]])


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.int8, np.uint8])
def test_dtypes(dtype):
    x = (np.arange(2 * 3 * 4 * 18) % 100).astype(dtype).reshape(2, 3, 4, 18)
    np.testing.assert_array_equal(depth_to_space(x, 3), numpy_depth_to_space(x, 3))


def test_large_multithreaded():
    x = np.random.default_rng(0).standard_normal((2, 56, 56, 64)).astype(np.float32)
    np.testing.assert_array_equal(depth_to_space(x, 2, num_threads=4), numpy_depth_to_space(x, 2))


@pytest.mark.parametrize("shape, bs, message", [
    ((1, 2, 2, 8), 0, "block_size must be at least 1, got 0"),
    ((1, 2, 2, 8), -2, "block_size must be at least 1, got -2"),
    ((1, 2, 2, 8), 3, "input depth 8 is not divisible by block_size\\^2 = 9"),
    ((2, 2, 8), 2, "input must be 4-D"),
])
def test_prepare_failures(shape, bs, message):
    with pytest.raises(edgelite.EdgeliteError, match=message):
        depth_to_space(np.zeros(shape, np.float32), bs)


def test_unsupported_dtype():
    with pytest.raises(edgelite.EdgeliteError, match="float16"):
        depth_to_space(np.zeros((1, 2, 2, 4), np.float16), 2)


@requires_litert
def test_matches_litert():
    x = np.random.default_rng(1).standard_normal((2, 5, 3, 27)).astype(np.float32)
    ours = depth_to_space(x, 3)
    theirs = run_single_op("DEPTH_TO_SPACE", [x], {"block_size": 3}, runtime="litert")[0]
    np.testing.assert_array_equal(ours, theirs)
