"""SCATTER_ND against a NumPy model: zeros except where the tuples point, updates that meet adding up (integers
wrap, bool ORs), tuples of 0 to rank coordinates, int32 and int64 indices, every dtype .tflite has, constant
shapes (sized at prepare) and runtime ones (a dynamic output), out-of-range tuples (an error naming the tuple,
not a write), shape failures, and LiteRT's builtin kernel."""

import numpy as np
import pytest

from edgelite import Interpreter
from edgelite.errors import EdgeliteError
from edgelite.model_builder import ModelBuilder
from edgelite.testing import run_single_op
from dtype_values import random_values
from litert_builtin import requires_litert, run_litert_builtin

DTYPES = [np.float32, np.int32, np.int64, np.int8, np.uint8, np.bool_]


def scatter_nd_reference(indices, updates, shape):
    out = np.zeros(shape, updates.dtype)
    nd = indices.shape[-1]
    flat_idx = indices.reshape(int(np.prod(indices.shape[:-1])), nd)
    flat_upd = updates.reshape((len(flat_idx),) + tuple(shape[nd:]))
    for t, u in zip(flat_idx, flat_upd):
        key = tuple(t)
        if updates.dtype == np.bool_:
            out[key] = out[key] | u
        else:
            with np.errstate(over="ignore"):
                out[key] = (out[key] + u).astype(updates.dtype)
    return out


def values(shape, dtype, seed=0):
    return random_values(shape, dtype, seed, spread=None)


def random_indices(shape, batch, nd, dtype=np.int32, seed=0):
    rng = np.random.default_rng(seed)
    cols = [rng.integers(0, shape[j], batch) for j in range(nd)]
    return np.stack(cols, axis=-1).astype(dtype) if nd else np.zeros(batch + (0,), dtype)


def scatter(indices, updates, shape, constant=(2,), **kwargs):
    return run_single_op("SCATTER_ND", [indices, updates, np.array(shape, indices.dtype)],
                         constant_inputs=list(constant), output_types=updates.dtype, **kwargs)[0]


# (output shape, batch shape of the tuples, coordinates per tuple); random tuples repeat, so updates add up.
CASES = [
    ((8,), (4,), 1),
    ((8,), (20,), 1),
    ((4, 5), (6,), 2),
    ((4, 5), (3, 2), 1),
    ((4, 5), (2,), 0),
    ((3, 4, 5, 2), (7,), 3),
    ((3, 4, 5, 2), (2, 2), 4),
    ((6, 5), (0,), 1),
    ((97, 31), (500,), 1),
]


@pytest.mark.parametrize("constant", [(2,), ()], ids=["constant shape", "runtime shape"])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_against_numpy(case, constant):
    shape, batch, nd = case
    indices = random_indices(shape, batch, nd, seed=1)
    updates = values(batch + shape[nd:], np.float32, 2)
    got = scatter(indices, updates, shape, constant)
    np.testing.assert_allclose(got, scatter_nd_reference(indices, updates, shape), rtol=1e-6, atol=1e-6)
    assert got.shape == shape


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_dtypes_and_meeting_updates(dtype, index_dtype):
    # Every tuple three times: integers wrap, bools OR.
    indices = np.repeat(random_indices((5, 4), (4,), 2, index_dtype, seed=3), 3, axis=0)
    updates = values((12, 3), dtype, 4)
    got = scatter(indices, updates, (5, 4, 3))
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, scatter_nd_reference(indices, updates, (5, 4, 3)))


def test_integers_wrap():
    indices = np.array([[1], [1]], np.int32)
    np.testing.assert_array_equal(scatter(indices, np.int8([100, 100]), (3,)), np.int8([0, -56, 0]))
    big = np.iinfo(np.int32).max
    np.testing.assert_array_equal(scatter(indices, np.int32([big, 2]), (2,)), np.int32([0, np.iinfo(np.int32).min + 1]))


def test_runtime_shape_resizes_the_output_at_each_invoke():
    b = ModelBuilder()
    idx = b.add_input("indices", [2, 1], np.int32)
    upd = b.add_input("updates", [2, 3], np.float32)
    shape = b.add_input("shape", [2], np.int32)
    out = b.add_tensor("y", None, np.float32)
    b.add_operator("SCATTER_ND", [idx, upd, shape], [out])
    b.mark_output(out)
    interp = Interpreter(model_content=b.build())
    interp.allocate_tensors()
    idx_i, upd_i, shape_i = (d["index"] for d in interp.get_input_details())
    indices, updates = np.array([[0], [2]], np.int32), np.arange(6, dtype=np.float32).reshape(2, 3)
    interp.set_tensor(idx_i, indices)
    interp.set_tensor(upd_i, updates)
    for rows in (3, 5, 40):
        interp.set_tensor(shape_i, np.array([rows, 3], np.int32))
        interp.invoke()
        np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]),
                                      scatter_nd_reference(indices, updates, (rows, 3)))
    interp.set_tensor(shape_i, np.array([2, 3], np.int32))
    with pytest.raises(EdgeliteError, match=r"index tuple 1, \[2\], is out of range for the output shape \[2, 3\]"):
        interp.invoke()
    interp.set_tensor(shape_i, np.array([4, 2], np.int32))
    with pytest.raises(EdgeliteError, match=r"updates 'updates' have shape \[2, 3\], expected \[2, 2\]"):
        interp.invoke()


@pytest.mark.parametrize("bad,message", [
    ([[0], [5]], r"index tuple 1, \[5\], is out of range for the output shape \[5, 2\]"),
    ([[-1], [0]], r"index tuple 0, \[-1\], is out of range"),
])
def test_out_of_range_tuples_fail(bad, message):
    with pytest.raises(EdgeliteError, match=r"node 0 \(SCATTER_ND\): " + message):
        scatter(np.array(bad, np.int32), np.ones((2, 2), np.float32), (5, 2))


@pytest.mark.parametrize("indices_shape,updates_shape,shape,message", [
    ((3, 1), (2, 4), (5, 4), r"updates 'input1' have shape \[2, 4\], expected \[3, 4\] for indices of shape \[3, 1\] "
                             r"and output shape \[5, 4\]"),
    ((3, 1), (3, 5), (5, 4), r"updates 'input1' have shape \[3, 5\], expected \[3, 4\]"),
    ((3, 3), (3,), (5, 4), r"index tuples have 3 coordinates but the output shape \[5, 4\] has rank 2"),
    ((), (3,), (5,), r"indices 'input0' must have rank 1 or more, got a scalar"),
    ((2, 1), (2,), (-3,), r"shape\[0\] is -3, expected 0 to 2\^31 - 1"),
])
def test_shape_failures(indices_shape, updates_shape, shape, message):
    with pytest.raises(EdgeliteError, match=r"node 0 \(SCATTER_ND\): " + message):
        scatter(np.zeros(indices_shape, np.int32), np.zeros(updates_shape, np.float32), shape)


def test_type_failures():
    with pytest.raises(EdgeliteError, match=r"input 2 'input2' is int64, expected int32"):
        run_single_op("SCATTER_ND", [np.zeros((1, 1), np.int32), np.zeros(1, np.float32), np.array([3], np.int64)],
                      constant_inputs=[2], output_types=np.float32)
    with pytest.raises(EdgeliteError, match=r"dtypes \(int32, int16, int32\) -> int16 are not supported"):
        scatter(np.zeros((1, 1), np.int32), np.zeros(1, np.int16), (3,))


@requires_litert
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("constant", [(2,), ()], ids=["constant shape", "runtime shape"])
@pytest.mark.parametrize("case", [c for c in CASES if c[1] != (0,)], ids=str)
def test_matches_litert(case, constant, dtype):
    shape, batch, nd = case
    indices = random_indices(shape, batch, nd, seed=5)
    updates = values(batch + shape[nd:], dtype, 6)
    inputs = [indices, updates, np.array(shape, np.int32)]
    expected = run_litert_builtin("SCATTER_ND", inputs, constant_inputs=list(constant), output_types=np.dtype(dtype))[0]
    got = scatter(indices, updates, shape, constant)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if np.dtype(dtype) == np.float32:
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
    else:
        np.testing.assert_array_equal(got, expected)
