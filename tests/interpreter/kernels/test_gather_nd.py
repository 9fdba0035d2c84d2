"""GATHER_ND against NumPy indexing: tuples of 0 to rank coordinates, batches of tuples in any number of leading
axes, empty index sets, every fixed-size dtype, int16/int32/int64 indices, out-of-range and negative tuples
(an error naming the tuple, not a read), shape failures, and LiteRT's builtin kernel."""

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from dtype_values import random_values
from litert_builtin import requires_litert, run_litert_builtin

DTYPES = [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16, np.bool_, np.float16]


def gather_nd_reference(params, indices):
    """out[i...] = params[tuple(indices[i...])] (NumPy indexing by the last axis' tuple)."""
    nd = indices.shape[-1]
    flat = indices.reshape(int(np.prod(indices.shape[:-1])), nd)
    out = np.stack([params[tuple(t)] for t in flat]) if len(flat) else np.zeros((0,) + params.shape[nd:], params.dtype)
    return out.reshape(indices.shape[:-1] + params.shape[nd:])


def random_indices(params_shape, batch_shape, nd, dtype=np.int32, seed=0):
    rng = np.random.default_rng(seed)
    cols = [rng.integers(0, params_shape[j], batch_shape) for j in range(nd)]
    return np.stack(cols, axis=-1).astype(dtype) if nd else np.zeros(batch_shape + (0,), dtype)



# (params shape, batch shape of the tuples, coordinates per tuple)
CASES = [
    ((5,), (3,), 1),
    ((5,), (), 1),
    ((4, 6), (7,), 2),
    ((4, 6), (2, 3), 1),
    ((4, 6), (5,), 0),
    ((3, 4, 5, 6), (2, 2, 2), 2),
    ((3, 4, 5, 6), (9,), 4),
    ((2, 3, 1, 17), (4, 1), 3),
    ((6, 5), (0,), 2),
    ((101, 67), (300,), 1),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_against_numpy(case):
    params_shape, batch, nd = case
    params = random_values(params_shape, np.float32, 1)
    indices = random_indices(params_shape, batch, nd, seed=2)
    got = run_single_op("GATHER_ND", [params, indices])[0]
    np.testing.assert_array_equal(got, gather_nd_reference(params, indices))
    assert got.shape == batch + params_shape[nd:]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("index_dtype", [np.int16, np.int32, np.int64])
def test_dtypes(dtype, index_dtype):
    params = random_values((4, 3, 5), dtype, 3)
    indices = random_indices((4, 3, 5), (6,), 2, index_dtype, seed=4)
    got = run_single_op("GATHER_ND", [params, indices], version=5)[0]
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, gather_nd_reference(params, indices))


def test_constant_inputs_are_folded():
    params, indices = random_values((4, 5), np.int32, 5), np.array([[3, 1], [0, 4]], np.int32)
    got = run_single_op("GATHER_ND", [params, indices], constant_inputs=[0, 1])[0]
    np.testing.assert_array_equal(got, [params[3, 1], params[0, 4]])


@pytest.mark.parametrize("bad,message", [
    ([[0, 1], [4, 0]], r"index tuple 1, \[4, 0\], is out of range for params of shape \[4, 5, 2\]"),
    ([[0, 5]], r"index tuple 0, \[0, 5\], is out of range for params of shape \[4, 5, 2\]"),
    ([[0, 0], [1, 1], [-1, 0]], r"index tuple 2, \[-1, 0\], is out of range"),
])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_out_of_range_tuples_fail(bad, message, index_dtype):
    params = random_values((4, 5, 2), np.float32)
    with pytest.raises(EdgeliteError, match=r"node 0 \(GATHER_ND\): " + message):
        run_single_op("GATHER_ND", [params, np.array(bad, index_dtype)])


@pytest.mark.parametrize("params_shape,indices_shape,message", [
    ((), (1,), r"params 'input0' must have rank 1 or more, got a scalar"),
    ((3,), (), r"indices 'input1' must have rank 1 or more, got a scalar"),
    ((3, 4), (2, 3), r"index tuples have 3 coordinates but params 'input0' has rank 2"),
])
def test_shape_failures(params_shape, indices_shape, message):
    with pytest.raises(EdgeliteError, match=r"node 0 \(GATHER_ND\): " + message):
        run_single_op("GATHER_ND", [np.zeros(params_shape, np.float32), np.zeros(indices_shape, np.int32)])


def test_type_failures():
    with pytest.raises(EdgeliteError, match=r"input 1 'input1' is float32, expected int32"):
        run_single_op("GATHER_ND", [np.zeros((3, 4), np.float32), np.zeros((1, 1), np.float32)])
    with pytest.raises(EdgeliteError, match="operator GATHER_ND version 7 is not supported"):
        run_single_op("GATHER_ND", [np.zeros((3, 4), np.float32), np.zeros((1, 1), np.int32)], version=7)


@requires_litert
# LiteRT fails on tuples of no coordinates ("gather_nd index out of bounds": its empty indices tensor has no data)
# and on an empty batch; edgelite gives TensorFlow's result, checked above.
@pytest.mark.parametrize("case", [c for c in CASES if c[1] != (0,) and c[2] > 0], ids=str)
@pytest.mark.parametrize("dtype,index_dtype,version", [(np.float32, np.int32, 1), (np.int8, np.int64, 1),
                                                       (np.int16, np.int32, 3), (np.float32, np.int16, 4),
                                                       (np.bool_, np.int32, 5), (np.int64, np.int64, 1)],
                         ids=lambda v: np.dtype(v).name if isinstance(v, type) else str(v))
def test_matches_litert(case, dtype, index_dtype, version):
    params_shape, batch, nd = case
    params = random_values(params_shape, dtype, 6)
    indices = random_indices(params_shape, batch, nd, index_dtype, seed=7)
    expected = run_litert_builtin("GATHER_ND", [params, indices], version=version)[0]
    got = run_single_op("GATHER_ND", [params, indices], version=version)[0]
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
