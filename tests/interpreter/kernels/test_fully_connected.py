"""FULLY_CONNECTED: the packed GEMM and its reference twin against NumPy, over batch sizes around the
GEMM's row tile, unit counts around its panels, flattening of higher-rank inputs, keep_num_dims, optional
bias, activations, runtime weights, threads, and prepare failures (including non-DEFAULT weight formats)."""

import numpy as np
import pytest

import edgelite
from testutil import requires_litert
from conv_family import activate, assert_close, check_both_kernels, random
from edgelite.testing import run_single_op


def fc_reference(x, w, b, keep_num_dims, activation):
    units, depth = w.shape
    out = x.reshape(-1, depth).astype(np.float64) @ w.T.astype(np.float64)
    if b is not None:
        out = out + b
    out = out.reshape(x.shape[:-1] + (units,)) if keep_num_dims else out
    return activate(out, activation)


def options(activation="NONE", keep_num_dims=False, weights_format="DEFAULT"):
    return {"fused_activation_function": activation, "keep_num_dims": keep_num_dims,
            "weights_format": weights_format}


# (input shape, units)
CASES = [
    ((1, 1280), 1001),  # MobileNet's classifier: one row, many panels
    ((1, 1), 1),
    ((5, 7), 13),
    ((6, 16), 16),
    ((7, 31), 17),
    ((12, 64), 32),
    ((13, 33), 33),
    ((2, 3, 10), 48),  # flattened to [6, 10]
    ((4, 2, 3, 8), 24),
    ((37, 128), 5),
]


@pytest.mark.parametrize("x_shape, units", CASES, ids=[f"{'x'.join(map(str, s))}-u{u}" for s, u in CASES])
def test_matches_numpy_both_kernels(x_shape, units):
    rng = np.random.default_rng(sum(x_shape) + units)
    depth = x_shape[-1]
    x, w, b = random(rng, x_shape), random(rng, (units, depth)), random(rng, (units,))
    for activation, with_bias, keep in [("NONE", True, False), ("RELU6", False, True), ("RELU", True, True),
                                        ("RELU_N1_TO_1", False, False)]:
        bias = b if with_bias else None
        check_both_kernels("FULLY_CONNECTED", [x, w, bias], options(activation, keep),
                           fc_reference(x, w, bias, keep, activation), depth, constant_inputs=(1, 2))


def test_flattens_when_last_dimension_is_not_the_depth():
    # Without keep_num_dims only the element count matters: [2, 6] with depth 4 is 3 rows.
    rng = np.random.default_rng(1)
    x, w = random(rng, (2, 6)), random(rng, (5, 4))
    (y,) = run_single_op("FULLY_CONNECTED", [x, w, None], options(), constant_inputs=(1,))
    assert_close(y, fc_reference(x, w, None, False, "NONE"), 4)


@pytest.mark.parametrize("x_shape, units", [CASES[0], CASES[5], CASES[9]])
def test_two_threads_and_runtime_weights(x_shape, units):
    rng = np.random.default_rng(2)
    x, w, b = random(rng, x_shape), random(rng, (units, x_shape[-1])), random(rng, (units,))
    expected = fc_reference(x, w, b, False, "RELU")
    (y,) = run_single_op("FULLY_CONNECTED", [x, w, b], options("RELU"), constant_inputs=(1, 2), num_threads=2)
    assert_close(y, expected, x_shape[-1])
    # weights packed at eval
    check_both_kernels("FULLY_CONNECTED", [x, w, b], options("RELU"), expected, x_shape[-1])


@requires_litert
@pytest.mark.parametrize("x_shape, units, keep", [((3, 20), 7, False), ((2, 3, 10), 17, True)])
def test_matches_litert(x_shape, units, keep):
    rng = np.random.default_rng(3)
    x, w, b = random(rng, x_shape), random(rng, (units, x_shape[-1])), random(rng, (units,))
    (ours,) = run_single_op("FULLY_CONNECTED", [x, w, b], options("RELU6", keep), constant_inputs=(1, 2))
    (theirs,) = run_single_op("FULLY_CONNECTED", [x, w, b], options("RELU6", keep), constant_inputs=(1, 2),
                              runtime="litert")
    assert_close(ours, theirs, x_shape[-1])


@pytest.mark.parametrize("x_shape, w_shape, b_shape, opts, error, match", [
    ((2, 5), (3, 4), None, options(), edgelite.InvalidModelError, "cannot be flattened"),
    ((2, 4), (3, 4, 1), None, options(), edgelite.InvalidModelError, "must be 2-D"),
    ((2, 4), (3, 4), (4,), options(), edgelite.InvalidModelError, "bias"),
    ((2, 4), (3, 0), None, options(), edgelite.InvalidModelError, "depth must be positive"),
    ((2, 6), (3, 4), None, options(keep_num_dims=True), edgelite.InvalidModelError, "keep_num_dims"),
    # 1 is SHUFFLED4x16INT8 (the builder upper-cases enum names, which this one is not)
    ((2, 4), (3, 4), None, options(weights_format=1), edgelite.UnsupportedError, "SHUFFLED4x16INT8"),
    ((2, 4), (3, 4), None, options("TANH"), edgelite.UnsupportedError, "TANH"),
])
def test_prepare_failures(x_shape, w_shape, b_shape, opts, error, match):
    inputs = [np.ones(x_shape, np.float32), np.ones(w_shape, np.float32),
              None if b_shape is None else np.ones(b_shape, np.float32)]
    with pytest.raises(error, match=match):
        run_single_op("FULLY_CONNECTED", inputs, opts, constant_inputs=(1, 2))


def test_rejects_uint8_weights_with_float_input():
    # Dynamic range takes int8 weights (test_fully_connected_integer.py); uint8 ones feed no float kernel.
    with pytest.raises(edgelite.UnsupportedError, match=r"dtypes \(float32, uint8\) -> float32 are not supported"):
        run_single_op("FULLY_CONNECTED", [np.ones((2, 4), np.float32), np.ones((3, 4), np.uint8)], options(),
                      constant_inputs=(1,), input_quantization={1: (0.1, 0)})
