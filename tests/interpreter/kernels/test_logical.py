"""LOGICAL_AND, LOGICAL_OR (bool, NumPy broadcasting) and LOGICAL_NOT against NumPy: shapes with broadcast
axes, scalars, empty tensors, threads, constant folding, type and shape failures, and LiteRT's builtin kernels."""

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from litert_builtin import requires_litert, run_litert_builtin

NUMPY = {"LOGICAL_AND": np.logical_and, "LOGICAL_OR": np.logical_or}
SHAPES = [((), ()), ((7,), (7,)), ((), (3, 4)), ((3, 1), (1, 4)), ((2, 1, 5), (3, 1)), ((4, 1, 3, 1, 2), (5, 1, 7, 1)),
          ((0, 3), (1, 3)), ((17, 1), (1, 10007))]


def bools(shape, seed):
    return np.random.default_rng(seed).integers(0, 2, shape).astype(bool)


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("op", sorted(NUMPY))
def test_binary_against_numpy(op, shapes):
    a, b = bools(shapes[0], 1), bools(shapes[1], 2)
    got = run_single_op(op, [a, b])[0]
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, NUMPY[op](a, b))
    np.testing.assert_array_equal(run_single_op(op, [b, a])[0], NUMPY[op](b, a))


@pytest.mark.parametrize("shape", [(), (1,), (15,), (16,), (17,), (2, 3, 5), (0, 4), (10007,)], ids=str)
def test_not_against_numpy(shape):
    x = bools(shape, 3)
    got = run_single_op("LOGICAL_NOT", [x])[0]
    assert got.shape == x.shape
    np.testing.assert_array_equal(got, np.logical_not(x))


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_threads(threads):
    a, b = bools((9, 1, 5003), 4), bools((9, 3, 1), 5)
    np.testing.assert_array_equal(run_single_op("LOGICAL_OR", [a, b], num_threads=threads)[0], a | b)
    np.testing.assert_array_equal(run_single_op("LOGICAL_NOT", [a], num_threads=threads)[0], ~a)


def test_constant_inputs_are_folded():
    a, b = bools((4, 4), 6), np.tril(np.ones((4, 4), bool))
    np.testing.assert_array_equal(run_single_op("LOGICAL_AND", [a, b], constant_inputs=[1])[0], a & b)
    np.testing.assert_array_equal(run_single_op("LOGICAL_AND", [a, b], constant_inputs=[0, 1])[0], a & b)


@pytest.mark.parametrize("op", ["LOGICAL_AND", "LOGICAL_OR"])
def test_binary_failures(op):
    with pytest.raises(EdgeliteError, match=r"node 0 \(" + op + r"\): shapes \[3\] and \[4\] cannot be broadcast"):
        run_single_op(op, [bools(3, 0), bools(4, 0)])
    with pytest.raises(EdgeliteError, match=r"input 0 'input0' is int32, expected bool"):
        run_single_op(op, [np.ones(3, np.int32), np.ones(3, np.int32)], output_types=np.bool_)
    with pytest.raises(EdgeliteError, match=r"input 1 'input1' is float32, expected bool"):
        run_single_op(op, [bools(3, 0), np.ones(3, np.float32)])


def test_not_failures():
    with pytest.raises(EdgeliteError, match=r"node 0 \(LOGICAL_NOT\): dtypes \(float32\) -> bool are not supported"):
        run_single_op("LOGICAL_NOT", [np.ones(3, np.float32)], output_types=np.bool_)
    with pytest.raises(EdgeliteError, match=r"node 0 \(LOGICAL_NOT\): expected 1 inputs, got 2"):
        run_single_op("LOGICAL_NOT", [bools(3, 0), bools(3, 0)])


@requires_litert
@pytest.mark.parametrize("shapes", SHAPES[:-1], ids=str)
@pytest.mark.parametrize("op", sorted(NUMPY))
def test_binary_matches_litert(op, shapes):
    a, b = bools(shapes[0], 7), bools(shapes[1], 8)
    np.testing.assert_array_equal(run_single_op(op, [a, b])[0], run_litert_builtin(op, [a, b])[0])


@requires_litert
def test_not_matches_litert():
    x = bools((3, 5, 7), 9)
    np.testing.assert_array_equal(run_single_op("LOGICAL_NOT", [x])[0], run_litert_builtin("LOGICAL_NOT", [x])[0])
