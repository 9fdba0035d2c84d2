"""WHERE (coordinates of true / non-zero elements, int64 [count, rank]): ranks, dtypes, empty and full
conditions, runtime (sized at eval) and constant (folded) conditions, and LiteRT's builtin kernel."""

import numpy as np
import pytest

from edgelite.testing import run_single_op
from litert_builtin import requires_litert, run_litert_builtin


@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 4), (1, 2, 1, 3)], ids=str)
@pytest.mark.parametrize("constant", [False, True])
def test_bool(shape, constant):
    cond = np.random.default_rng(len(shape)).random(shape) > 0.5
    got = run_single_op("WHERE", [cond], output_types=np.int64, constant_inputs=[0] if constant else [])[0]
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, np.argwhere(cond))


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.int8, np.uint8])
def test_numeric_conditions(dtype):
    cond = np.array([[0, 3, 0], [-1, 0, 2]]).astype(dtype)
    got = run_single_op("WHERE", [cond], output_types=np.int64, version=2)[0]
    np.testing.assert_array_equal(got, np.argwhere(cond))


def test_none_and_all_true():
    assert run_single_op("WHERE", [np.zeros((2, 3), np.bool_)], output_types=np.int64)[0].shape == (0, 2)
    np.testing.assert_array_equal(run_single_op("WHERE", [np.ones((2, 2), np.bool_)], output_types=np.int64)[0],
                                  np.argwhere(np.ones((2, 2))))


@requires_litert
def test_against_litert():
    cond = np.random.default_rng(0).random((4, 5)) > 0.3
    np.testing.assert_array_equal(run_single_op("WHERE", [cond], output_types=np.int64)[0],
                                  run_litert_builtin("WHERE", [cond], output_types=np.int64)[0])
