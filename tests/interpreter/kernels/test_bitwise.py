"""BITWISE_XOR, RIGHT_SHIFT (broadcast, shift clamped to [0, bits - 1], arithmetic for signed) and BITCAST
(equal, wider and narrower dtypes) against NumPy, failures, and LiteRT's builtin kernels."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from litert_builtin import requires_litert, run_litert_builtin

INTS = [np.int8, np.uint8, np.int16, np.int32]


def ints(shape, dtype, seed):
    info = np.iinfo(dtype)
    return np.random.default_rng(seed).integers(info.min, info.max, shape, endpoint=True).astype(dtype)


@pytest.mark.parametrize("dtype", INTS)
@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((2, 3, 4), (4,)), ((5, 1), (1, 6)), ((), (3,))], ids=str)
def test_xor(dtype, shapes):
    a, b = ints(shapes[0], dtype, 0), ints(shapes[1], dtype, 1)
    got = run_single_op("BITWISE_XOR", [a, b])[0]
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, np.bitwise_xor(a, b))


def numpy_right_shift(x, s):
    bits = np.iinfo(x.dtype).bits
    return np.right_shift(x, np.clip(s.astype(np.int64), 0, bits - 1).astype(x.dtype))


@pytest.mark.parametrize("dtype", INTS)
def test_right_shift(dtype):
    bits = np.iinfo(dtype).bits
    x = ints((4, 8), dtype, 2)
    # Negative, in-range and too-large shifts (uint8 wraps -2 and -1 to 254 and 255: clamped to 7).
    s = np.array([-2, -1, 0, 1, 3, bits - 1, bits, bits + 5]).astype(dtype)
    got = run_single_op("RIGHT_SHIFT", [x, s])[0]
    np.testing.assert_array_equal(got, numpy_right_shift(x, s))


def test_mixed_dtypes_refused():
    with pytest.raises(edgelite.EdgeliteError, match="input 1 .* has type int32, expected int8"):
        run_single_op("BITWISE_XOR", [np.int8([1]), np.int32([1])])
    with pytest.raises(edgelite.EdgeliteError, match="float32"):
        run_single_op("RIGHT_SHIFT", [np.float32([1]), np.float32([1])])


@pytest.mark.parametrize("src,dst", [(np.float32, np.int32), (np.int32, np.uint8), (np.int8, np.int16),
                                     (np.int64, np.float32), (np.uint8, np.int64), (np.float16, np.int16)])
def test_bitcast(src, dst):
    ratio = np.dtype(dst).itemsize // np.dtype(src).itemsize
    shape = (3, ratio) if ratio > 1 else (3, 2)
    x = np.frombuffer(np.random.default_rng(0).bytes(int(np.prod(shape)) * np.dtype(src).itemsize), src).reshape(shape)
    got = run_single_op("BITCAST", [x], output_types=dst)[0]
    want = x.view(dst)
    if np.dtype(src).itemsize > np.dtype(dst).itemsize:
        want = want.reshape(shape + (np.dtype(src).itemsize // np.dtype(dst).itemsize,))
    elif ratio > 1:
        want = want.reshape(shape[:-1])
    assert got.dtype == np.dtype(dst) and got.shape == want.shape
    np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))


def test_bitcast_needs_last_dimension():
    with pytest.raises(edgelite.EdgeliteError, match="needs a last dimension of 4"):
        run_single_op("BITCAST", [np.zeros((2, 3), np.uint8)], output_types=np.int32)


@requires_litert
def test_against_litert():
    a, b = ints((3, 5), np.int32, 3), ints((5,), np.int32, 4)
    np.testing.assert_array_equal(run_single_op("BITWISE_XOR", [a, b])[0], run_litert_builtin("BITWISE_XOR", [a, b])[0])
    s = np.int32([0, 1, 5, 31, 40])
    np.testing.assert_array_equal(run_single_op("RIGHT_SHIFT", [a, s])[0], run_litert_builtin("RIGHT_SHIFT", [a, s])[0])
    x = np.float32([[1.5, -2.0], [0.0, 3.25]])
    np.testing.assert_array_equal(run_single_op("BITCAST", [x], output_types=np.int32)[0],
                                  run_litert_builtin("BITCAST", [x], output_types=np.int32)[0])
