"""DYNAMIC_UPDATE_SLICE: the update written at start indices (clamped so it fits, as XLA's), over ranks,
dtypes and int32/int64 indices, quantization checks, prepare failures, and LiteRT's builtin kernel."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from litert_builtin import requires_litert, run_litert_builtin


def numpy_dus(operand, update, start):
    out = operand.copy()
    start = [min(max(int(s), 0), o - u) for s, o, u in zip(start, operand.shape, update.shape)]
    out[tuple(slice(s, s + u) for s, u in zip(start, update.shape))] = update
    return out


CASES = [((5,), (2,), [1]), ((5,), (2,), [4]), ((4, 6), (2, 3), [1, 2]), ((4, 6), (2, 3), [-3, 9]),
         ((2, 3, 4), (1, 3, 2), [1, 0, 1]), ((3, 3), (3, 3), [1, 1]), ((3, 4), (0, 2), [1, 1])]


@pytest.mark.parametrize("shape,update_shape,start", CASES, ids=str)
@pytest.mark.parametrize("index_type", [np.int32, np.int64])
def test_against_numpy(shape, update_shape, start, index_type):
    rng = np.random.default_rng(0)
    operand = rng.standard_normal(shape).astype(np.float32)
    update = rng.standard_normal(update_shape).astype(np.float32)
    got = run_single_op("DYNAMIC_UPDATE_SLICE", [operand, update, np.array(start, index_type)])[0]
    np.testing.assert_array_equal(got, numpy_dus(operand, update, start))


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.bool_, np.float16])
def test_dtypes(dtype):
    operand = np.zeros((3, 4), dtype)
    update = np.ones((2, 2), dtype)
    got = run_single_op("DYNAMIC_UPDATE_SLICE", [operand, update, np.int32([1, 1])], version=6)[0]
    np.testing.assert_array_equal(got, numpy_dus(operand, update, [1, 1]))


def test_prepare_failures():
    with pytest.raises(edgelite.EdgeliteError, match="larger than the operand"):
        run_single_op("DYNAMIC_UPDATE_SLICE", [np.zeros((2, 2), np.float32), np.zeros((3, 1), np.float32),
                                               np.int32([0, 0])])
    with pytest.raises(edgelite.EdgeliteError, match=r"start_indices must have shape \[2\]"):
        run_single_op("DYNAMIC_UPDATE_SLICE", [np.zeros((2, 2), np.float32), np.zeros((1, 1), np.float32),
                                               np.int32([0])])
    with pytest.raises(edgelite.EdgeliteError, match="update has rank 1"):
        run_single_op("DYNAMIC_UPDATE_SLICE", [np.zeros((2, 2), np.float32), np.zeros(1, np.float32),
                                               np.int32([0, 0])])


@requires_litert
@pytest.mark.parametrize("shape,update_shape,start", CASES[:6], ids=str)
def test_against_litert(shape, update_shape, start):
    rng = np.random.default_rng(1)
    args = [rng.standard_normal(shape).astype(np.float32), rng.standard_normal(update_shape).astype(np.float32),
            np.int32(start)]
    np.testing.assert_array_equal(run_single_op("DYNAMIC_UPDATE_SLICE", args)[0],
                                  run_litert_builtin("DYNAMIC_UPDATE_SLICE", args)[0])
