"""CONCATENATION against np.concatenate: every axis (negative too), ranks 1-6, uneven sizes, empty
inputs, fused activations, dtypes, threads, and prepare failures."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from testutil import requires_litert

CLAMPS = {"NONE": (-np.inf, np.inf), "RELU": (0, np.inf), "RELU6": (0, 6), "RELU_N1_TO_1": (-1, 1)}


def concat(values, axis, activation="NONE", num_threads=1, constant_inputs=()):
    options = {"axis": axis, "fused_activation_function": activation}
    return run_single_op("CONCATENATION", values, options, constant_inputs=constant_inputs,
                         num_threads=num_threads)[0]


def reference(values, axis, activation="NONE"):
    lo, hi = CLAMPS[activation]
    out = np.concatenate(values, axis=axis)
    return np.clip(out, lo, hi).astype(out.dtype) if activation != "NONE" else out


@pytest.mark.parametrize("rank", [1, 2, 3, 4, 5, 6])
def test_every_axis_uneven_sizes(rank):
    rng = np.random.default_rng(rank)
    base = [int(d) for d in rng.choice([1, 2, 3, 5], size=rank)]
    for axis in range(-rank, rank):
        values = []
        for size in [3, 1, 7]:
            shape = list(base)
            shape[axis] = size
            values.append(rng.standard_normal(shape).astype(np.float32))
        np.testing.assert_array_equal(concat(values, axis), reference(values, axis))


@pytest.mark.parametrize("activation", list(CLAMPS))
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64])
def test_fused_activation(activation, dtype):
    rng = np.random.default_rng(0)
    values = [(rng.standard_normal((2, k, 3)) * 5).astype(dtype) for k in (2, 5)]
    np.testing.assert_array_equal(concat(values, 1, activation), reference(values, 1, activation))


def test_inf_and_nan_pass_through_relu_bounds():
    a = np.array([[np.inf, -np.inf, np.nan]], np.float32)
    out = concat([a, a], 0, "RELU")
    np.testing.assert_array_equal(out, [[np.inf, 0, np.nan]] * 2)


def test_single_input_empty_inputs_and_constants():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(concat([a], 1), a)
    empty = np.zeros((2, 0), np.float32)
    np.testing.assert_array_equal(concat([empty, a, empty], 1), a)
    np.testing.assert_array_equal(concat([a, a * 2], 0, constant_inputs=(0, 1)), np.concatenate([a, a * 2]))
    # Shape vectors: the pattern shape chains use.
    np.testing.assert_array_equal(concat([np.int32([1, 2]), np.int32([-1])], 0, constant_inputs=(0, 1)),
                                  np.int32([1, 2, -1]))


def test_large_multithreaded():
    rng = np.random.default_rng(2)
    values = [rng.standard_normal((64, 56, k)).astype(np.float32) for k in (32, 17, 64)]
    np.testing.assert_array_equal(concat(values, -1, num_threads=4), np.concatenate(values, -1))
    np.testing.assert_array_equal(concat(values, -1, "RELU6", num_threads=3), reference(values, -1, "RELU6"))


def test_prepare_failures():
    a = np.zeros((2, 3), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="input 1 has shape \\[3, 3\\], incompatible with input 0"):
        concat([a, np.zeros((3, 3), np.float32)], 1)
    with pytest.raises(edgelite.EdgeliteError, match="input 1 has shape \\[2, 3, 1\\]"):
        concat([a, np.zeros((2, 3, 1), np.float32)], 0)
    with pytest.raises(edgelite.EdgeliteError, match="input 1 .* is int32, expected float32"):
        concat([a, a.astype(np.int32)], 0)
    with pytest.raises(edgelite.EdgeliteError, match="axis 2 is out of range for rank 2"):
        concat([a, a], 2)
    with pytest.raises(edgelite.EdgeliteError, match="axis -3 is out of range"):
        concat([a, a], -3)
    with pytest.raises(edgelite.EdgeliteError, match="TANH"):
        concat([a, a], 0, "TANH")


@requires_litert
def test_matches_litert_without_activation():
    rng = np.random.default_rng(3)
    values = [rng.standard_normal((2, 3, k, 4)).astype(np.float32) for k in (1, 4, 2)]
    ours = concat(values, -2)
    theirs = run_single_op("CONCATENATION", values, {"axis": -2}, runtime="litert")[0]
    np.testing.assert_array_equal(ours, theirs)
