"""SPACE_TO_DEPTH (NHWC, DCR order) against a NumPy reshape/transpose: block sizes 1-4, odd sizes, dtypes,
threads, the inverse of DEPTH_TO_SPACE, prepare failures, and LiteRT's builtin kernel."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from litert_builtin import requires_litert, run_litert_builtin


def numpy_space_to_depth(x, bs):
    """out[n, h, w, (i*bs + j)*C + c] = x[n, h*bs + i, w*bs + j, c]."""
    n, h, w, c = x.shape
    return x.reshape(n, h // bs, bs, w // bs, bs, c).transpose(0, 1, 3, 2, 4, 5).reshape(n, h // bs, w // bs,
                                                                                        bs * bs * c)


def space_to_depth(x, bs, **kwargs):
    return run_single_op("SPACE_TO_DEPTH", [x], {"block_size": bs}, **kwargs)[0]


@pytest.mark.parametrize("bs", [1, 2, 3, 4])
@pytest.mark.parametrize("shape", [(1, 1, 1), (2, 3, 5), (3, 7, 1), (1, 13, 2)], ids=str)
def test_block_sizes_and_odd_shapes(bs, shape):
    n, h, w = shape
    for c in (1, 3):
        x = np.random.default_rng(bs).standard_normal((n, h * bs, w * bs, c)).astype(np.float32)
        np.testing.assert_array_equal(space_to_depth(x, bs), numpy_space_to_depth(x, bs))


def test_index_formula_on_a_small_case():
    x = np.arange(8, dtype=np.float32).reshape(1, 2, 2, 2)  # bs 2, C 2
    np.testing.assert_array_equal(space_to_depth(x, 2), np.arange(8, dtype=np.float32).reshape(1, 1, 1, 8))
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(space_to_depth(x, 2)[0, 0, 0], [0, 1, 4, 5])


def test_inverse_of_depth_to_space():
    x = np.random.default_rng(0).standard_normal((2, 6, 9, 4)).astype(np.float32)
    back = run_single_op("DEPTH_TO_SPACE", [space_to_depth(x, 3)], {"block_size": 3})[0]
    np.testing.assert_array_equal(back, x)


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16, np.bool_])
def test_dtypes(dtype):
    x = (np.arange(2 * 6 * 4 * 5) % 100).astype(dtype).reshape(2, 6, 4, 5)
    got = space_to_depth(x, 2, version=2)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, numpy_space_to_depth(x, 2))


@pytest.mark.parametrize("threads", [1, 4])
def test_large_multithreaded(threads):
    x = np.random.default_rng(0).standard_normal((2, 112, 112, 16)).astype(np.float32)
    np.testing.assert_array_equal(space_to_depth(x, 2, num_threads=threads), numpy_space_to_depth(x, 2))


def test_empty_batch():
    assert space_to_depth(np.zeros((0, 4, 4, 3), np.float32), 2).shape == (0, 2, 2, 12)


@pytest.mark.parametrize("shape, bs, message", [
    ((1, 4, 4, 2), 0, "block_size must be at least 1, got 0"),
    ((1, 4, 4, 2), -2, "block_size must be at least 1, got -2"),
    ((1, 4, 6, 2), 4, "input height and width 4x6 are not multiples of block_size 4"),
    ((1, 5, 4, 2), 2, "input height and width 5x4 are not multiples of block_size 2"),
    ((4, 4, 2), 2, "input must be 4-D"),
])
def test_prepare_failures(shape, bs, message):
    with pytest.raises(edgelite.EdgeliteError, match=r"node 0 \(SPACE_TO_DEPTH\): " + message):
        space_to_depth(np.zeros(shape, np.float32), bs)


def test_unsupported_dtype_and_version():
    with pytest.raises(edgelite.EdgeliteError, match="float16"):
        space_to_depth(np.zeros((1, 2, 2, 4), np.float16), 2)
    with pytest.raises(edgelite.EdgeliteError, match="operator SPACE_TO_DEPTH version 3 is not supported"):
        space_to_depth(np.zeros((1, 2, 2, 4), np.float32), 2, version=3)


@requires_litert
@pytest.mark.parametrize("dtype,version", [(np.float32, 1), (np.uint8, 1), (np.int32, 1), (np.int64, 1),
                                           (np.int8, 2)])
@pytest.mark.parametrize("bs", [1, 2, 3])
def test_matches_litert(bs, dtype, version):
    x = (np.random.default_rng(1).standard_normal((2, 5 * bs, 3 * bs, 7)) * 50).astype(dtype)
    expected = run_litert_builtin("SPACE_TO_DEPTH", [x], {"block_size": bs}, version=version)[0]
    np.testing.assert_array_equal(space_to_depth(x, bs, version=version), expected)
