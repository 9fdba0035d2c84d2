"""TOPK_V2 against a NumPy stable sort: k from 0 to the row length, ties (first index first), NaNs (after every
number), every dtype LiteRT takes, int32 and int16 k and indices, constant k (sized at prepare) and runtime k
(dynamic outputs), threads, failures with their messages, and LiteRT's builtin kernel."""

import numpy as np
import pytest

from edgelite import Interpreter
from edgelite.errors import EdgeliteError
from edgelite.model_builder import ModelBuilder
from edgelite.testing import run_single_op
from dtype_values import random_values
from litert_builtin import requires_litert, run_litert_builtin

DTYPES = [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16]


def topk_reference(x, k):
    """Largest first, equal values by index, NaNs last: a stable sort of (NaN?, -value)."""
    xf = x.astype(np.float64)
    key = np.where(np.isnan(xf), np.inf, -xf)
    order = np.argsort(key, axis=-1, kind="stable")[..., :max(k, 0)]
    return np.take_along_axis(x, order, axis=-1), order


def values(shape, dtype, seed=0, spread=1000):
    return random_values(shape, dtype, seed, spread)


def topk(x, k, k_dtype=np.int32, index_dtype=np.int32, constant=(1,), **kwargs):
    return run_single_op("TOPK_V2", [x, np.array(k, k_dtype)], constant_inputs=list(constant), num_outputs=2,
                         output_types=[x.dtype, index_dtype], **kwargs)


def check(x, k, **kwargs):
    got_values, got_indices = topk(x, k, **kwargs)
    want_values, want_indices = topk_reference(x, k)
    np.testing.assert_array_equal(got_indices, want_indices)
    np.testing.assert_array_equal(got_values, want_values)


@pytest.mark.parametrize("constant", [(1,), ()], ids=["constant k", "runtime k"])
@pytest.mark.parametrize("shape,k", [((5,), 1), ((5,), 5), ((5,), 0), ((3, 17), 4), ((2, 3, 40), 39), ((1, 1), 1),
                                     ((6, 1001), 7), ((0, 4), 2), ((4, 0), 0)], ids=str)
def test_against_numpy(shape, k, constant):
    check(values(shape, np.float32, 1), k, constant=constant)


def test_ties_take_the_first_index():
    x = np.float32([[3, 1, 3, 2, 3, 1], [0, 0, 0, 0, 0, 0]])
    got_values, got_indices = topk(x, 4)
    np.testing.assert_array_equal(got_indices, [[0, 2, 4, 3], [0, 1, 2, 3]])
    np.testing.assert_array_equal(got_values, [[3, 3, 3, 2], [0, 0, 0, 0]])


def test_nans_come_after_every_number():
    x = np.float32([[np.nan, 1.0, -np.inf, np.nan, 2.0, np.inf]])
    got_values, got_indices = topk(x, 6)
    np.testing.assert_array_equal(got_indices, [[5, 4, 1, 2, 0, 3]])
    np.testing.assert_array_equal(got_values, np.float32([[np.inf, 2.0, 1.0, -np.inf, np.nan, np.nan]]))


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_dtypes(dtype):
    check(values((4, 33), dtype, 2, spread=20), 9, version=3)  # few distinct values: many ties


@pytest.mark.parametrize("k_dtype,index_dtype", [(np.int16, np.int32), (np.int32, np.int16), (np.int16, np.int16)])
def test_int16_k_and_indices(k_dtype, index_dtype):
    x = values((3, 50), np.float32, 3)
    got_values, got_indices = topk(x, 5, k_dtype, index_dtype, version=3)
    want_values, want_indices = topk_reference(x, 5)
    assert got_indices.dtype == index_dtype
    np.testing.assert_array_equal(got_indices, want_indices)
    np.testing.assert_array_equal(got_values, want_values)


def test_negative_k_gives_empty_outputs():
    got_values, got_indices = topk(values((3, 4), np.float32), -2)
    assert got_values.shape == (3, 0) and got_indices.shape == (3, 0)


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_threads(threads):
    check(values((37, 257), np.float32, 4), 10, num_threads=threads)


def test_runtime_k_resizes_the_outputs_at_each_invoke():
    b = ModelBuilder()
    x = b.add_input("x", [2, 9], np.float32)
    k = b.add_input("k", [], np.int32)
    vals, idx = b.add_tensor("values", None, np.float32), b.add_tensor("indices", None, np.int32)
    b.add_operator("TOPK_V2", [x, k], [vals, idx])
    b.mark_output(vals)
    b.mark_output(idx)
    interp = Interpreter(model_content=b.build())
    interp.allocate_tensors()
    x_index, k_index = (d["index"] for d in interp.get_input_details())
    value = values((2, 9), np.float32, 5)
    interp.set_tensor(x_index, value)
    for k in (1, 9, 3, 0):
        interp.set_tensor(k_index, np.int32(k))
        interp.invoke()
        got = [interp.get_tensor(d["index"]) for d in interp.get_output_details()]
        want = topk_reference(value, k)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
    interp.set_tensor(k_index, np.int32(10))
    with pytest.raises(EdgeliteError, match=r"k = 10 is larger than the last dimension of input 'x' \[2, 9\]"):
        interp.invoke()


def test_failures():
    x = values((3, 4), np.float32)
    with pytest.raises(EdgeliteError, match=r"node 0 \(TOPK_V2\): k = 5 is larger than the last dimension of input "
                                            r"'input0' \[3, 4\]"):
        topk(x, 5)
    with pytest.raises(EdgeliteError, match=r"input 'input0' must have rank 1 or more, got a scalar"):
        topk(np.float32(1.0), 1)
    with pytest.raises(EdgeliteError, match=r"k 'input1' must have one element, got shape \[2\]"):
        topk(x, [1, 2])
    with pytest.raises(EdgeliteError, match=r"input 1 'input1' is int64, expected int32\|int16"):
        topk(x, 1, k_dtype=np.int64)
    with pytest.raises(EdgeliteError, match=r"rows of 40000 values do not fit int16 indices"):
        topk(np.zeros((1, 40000), np.float32), 1, index_dtype=np.int16)
    with pytest.raises(EdgeliteError, match=r"dtypes \(bool, int32\) -> \(bool, int32\) are not supported"):
        topk(np.zeros((1, 4), bool), 1)
    with pytest.raises(EdgeliteError, match="operator TOPK_V2 version 4 is not supported"):
        topk(x, 1, version=4)


@requires_litert
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("constant", [(1,), ()], ids=["constant k", "runtime k"])
def test_matches_litert(dtype, constant):
    x = values((5, 3, 41), dtype, 6, spread=30)
    version = {np.int8: 2, np.int16: 3}.get(dtype, 1)
    expected = run_litert_builtin("TOPK_V2", [x, np.int32(8)], constant_inputs=list(constant), num_outputs=2,
                                  output_types=[x.dtype, np.int32], version=version)
    got = topk(x, 8, constant=constant, version=version)
    np.testing.assert_array_equal(got[1], expected[1])
    np.testing.assert_array_equal(got[0], expected[0])


@requires_litert
def test_nans_and_int16_match_litert():
    x = np.float32([[np.nan, 1.0, -np.inf, np.nan, 2.0, np.inf, 1.0, -0.0, 0.0]])
    expected = run_litert_builtin("TOPK_V2", [x, np.int16(9)], constant_inputs=[1], num_outputs=2,
                                  output_types=[np.float32, np.int16], version=3)
    got = topk(x, 9, np.int16, np.int16, version=3)
    np.testing.assert_array_equal(got[1], expected[1])
    np.testing.assert_array_equal(got[0], expected[0])
