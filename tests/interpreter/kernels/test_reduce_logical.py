"""REDUCE_ANY and REDUCE_ALL on bool: axes (negative, repeated, none), keep_dims, empty reductions (false and
true), folding, and LiteRT's builtin kernels."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from litert_builtin import requires_litert, run_litert_builtin

OPS = {"REDUCE_ANY": np.any, "REDUCE_ALL": np.all}


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("axes", [[0], [1], [-1], [0, 2], [1, -2], [], [0, 1, 2]], ids=str)
@pytest.mark.parametrize("keep_dims", [False, True])
def test_against_numpy(op, axes, keep_dims):
    x = np.random.default_rng(len(axes)).random((3, 4, 5)) > 0.7
    got = run_single_op(op, [x, np.int32(axes)], {"keep_dims": keep_dims}, constant_inputs=[1])[0]
    want = OPS[op](x, axis=tuple(sorted({a % 3 for a in axes})), keepdims=keep_dims)
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("op", OPS)
def test_empty_reduction(op):
    x = np.zeros((2, 0, 3), np.bool_)
    got = run_single_op(op, [x, np.int32([1])], constant_inputs=[1])[0]
    np.testing.assert_array_equal(got, OPS[op](x, axis=1))


def test_refuses_float():
    with pytest.raises(edgelite.EdgeliteError, match="float32"):
        run_single_op("REDUCE_ANY", [np.zeros((2, 3), np.float32), np.int32([0])], constant_inputs=[1])


@requires_litert
@pytest.mark.parametrize("op", OPS)
def test_against_litert(op):
    x = np.random.default_rng(0).random((4, 3, 6)) > 0.5
    for axes, keep in [([1], False), ([0, 2], True), ([-1], False)]:
        args = [x, np.int32(axes)]
        ours = run_single_op(op, args, {"keep_dims": keep}, constant_inputs=[1])[0]
        theirs = run_litert_builtin(op, args, {"keep_dims": keep}, constant_inputs=[1])[0]
        np.testing.assert_array_equal(ours, theirs)
