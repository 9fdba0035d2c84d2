"""GATHER (axis, batch_dims, index dtypes, range errors) and CAST against NumPy."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op


def gather_reference(params, indices, axis, batch_dims):
    if batch_dims == 0:
        return np.take(params, indices, axis=axis)
    return np.stack([gather_reference(p, i, axis - 1, batch_dims - 1) for p, i in zip(params, indices)])


@pytest.mark.parametrize("params_shape, indices_shape, axis, batch_dims", [
    ((5,), (3,), 0, 0), ((4, 3), (2,), 0, 0), ((4, 3), (2, 2), 1, 0), ((2, 5, 3), (4,), -2, 0),
    ((3, 7, 2), (3, 4), 1, 1), ((2, 3, 5, 2), (2, 3, 6), 2, 2), ((6, 3), (), 0, 0),
])
@pytest.mark.parametrize("index_type", [np.int32, np.int64])
def test_gather(params_shape, indices_shape, axis, batch_dims, index_type):
    rng = np.random.default_rng(0)
    params = rng.standard_normal(params_shape).astype(np.float32)
    axis_size = params_shape[axis]
    indices = rng.integers(0, axis_size, size=indices_shape).astype(index_type)
    (y,) = run_single_op("GATHER", [params, indices], {"axis": axis, "batch_dims": batch_dims},
                         constant_inputs=[1])
    np.testing.assert_array_equal(y, gather_reference(params, indices, axis % len(params_shape), batch_dims))


def test_gather_int_params_folds_when_constant():
    params = np.array([10, 20, 30, 40], np.int32)
    (y,) = run_single_op("GATHER", [params, np.array([3, 0], np.int32)], {"axis": 0}, constant_inputs=[0, 1])
    np.testing.assert_array_equal(y, [40, 10])


def test_gather_out_of_range_index():
    with pytest.raises(edgelite.InvalidArgumentError, match="index 4 is out of range"):
        run_single_op("GATHER", [np.zeros(4, np.float32), np.array([4], np.int32)], {"axis": 0})


def test_gather_bad_axis_and_index_type():
    with pytest.raises(edgelite.InvalidModelError, match="axis 2"):
        run_single_op("GATHER", [np.zeros((2, 2), np.float32), np.array([0], np.int32)], {"axis": 2})
    with pytest.raises(edgelite.UnsupportedError, match="input 1 .* is float32, expected int32"):
        run_single_op("GATHER", [np.zeros(4, np.float32), np.array([0.0], np.float32)], {"axis": 0})


@pytest.mark.parametrize("src, dst", [
    (np.float32, np.int32), (np.int32, np.float32), (np.float32, np.bool_), (np.int64, np.int32),
    (np.int32, np.int64), (np.uint8, np.float32), (np.bool_, np.float32), (np.float32, np.float64),
    (np.int8, np.int16),
])
def test_cast(src, dst):
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((3, 5)) * 50).astype(src)
    (y,) = run_single_op("CAST", [x], output_types=dst)
    assert y.dtype == dst
    np.testing.assert_array_equal(y, x.astype(dst))


def test_cast_refuses_types_it_has_no_loop_for():
    with pytest.raises(edgelite.EdgeliteError, match="not supported"):
        run_single_op("CAST", [np.zeros(3, np.complex64)], output_types=np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="not supported"):
        run_single_op("CAST", [np.zeros(3, np.float16)], output_types=np.uint32)


UINT32_PAIRS = [(np.uint32, np.float32), (np.uint32, np.int32), (np.uint32, np.int64), (np.uint32, np.uint8),
                (np.uint32, np.bool_), (np.uint32, np.float64), (np.int64, np.uint32), (np.int32, np.uint32),
                (np.float32, np.uint32), (np.int8, np.uint32), (np.bool_, np.uint32)]


def uint32_cast_input(dtype):
    rng = np.random.default_rng(2)
    if dtype == np.bool_:
        return rng.integers(0, 2, 300).astype(bool)
    if dtype == np.float32:
        return np.concatenate([rng.uniform(0, 4e9, 297), [0.0, 0.99, 2.0 ** 31]]).astype(np.float32)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, 300, endpoint=True).astype(dtype)


@pytest.mark.parametrize("src,dst", UINT32_PAIRS, ids=[f"{np.dtype(a).name}-{np.dtype(b).name}" for a, b in UINT32_PAIRS])
def test_cast_uint32(src, dst):
    """CAST version 2's uint32, through int64: integers wrap to the output's width (as NumPy's casts), floats
    in range truncate toward zero."""
    x = uint32_cast_input(src)
    (y,) = run_single_op("CAST", [x], output_types=dst, version=2)
    assert y.dtype == dst
    np.testing.assert_array_equal(y, x.astype(dst))


@pytest.mark.parametrize("src,dst", UINT32_PAIRS, ids=[f"{np.dtype(a).name}-{np.dtype(b).name}" for a, b in UINT32_PAIRS])
def test_cast_uint32_matches_litert(src, dst):
    pytest.importorskip("ai_edge_litert")
    from litert_builtin import run_litert_builtin
    x = uint32_cast_input(src)
    (want,) = run_litert_builtin("CAST", [x], output_types=dst, version=2)
    np.testing.assert_array_equal(run_single_op("CAST", [x], output_types=dst, version=2)[0], want)
