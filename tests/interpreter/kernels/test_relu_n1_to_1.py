"""RELU_N1_TO_1 and RELU_0_TO_1 (float32): the clamps to [-1, 1] and [0, 1] as .tflite writes them (NaN and -0
pass through), the optimized loops against their reference twins, quantized inputs refused with a message that
says so, and LiteRT's builtin kernels."""

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from kernel_twins import run_optimized_and_reference
from litert_builtin import requires_litert, run_litert_builtin

BOUNDS = {"RELU_N1_TO_1": (-1.0, 1.0), "RELU_0_TO_1": (0.0, 1.0)}
SPECIAL = np.float32([0.0, -0.0, 1.0, -1.0, 1.0000001, -1.0000001, 0.9999999, 1e-30, -1e-30, 1e30, -1e30, np.inf,
                      -np.inf, np.nan])


def clamp_reference(op, x):
    lo, hi = BOUNDS[op]
    return np.where(x > hi, np.float32(hi), np.where(x < lo, np.float32(lo), x)).astype(np.float32)


def assert_bits_equal(got, want):
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    keep = ~np.isnan(want)
    np.testing.assert_array_equal(got[keep].view(np.uint32), want[keep].view(np.uint32))


@pytest.mark.parametrize("op", sorted(BOUNDS))
@pytest.mark.parametrize("shape", [(), (1,), (15,), (16,), (17,), (2, 3, 5), (0, 2), (10007,)], ids=str)
def test_against_numpy(op, shape):
    x = (np.random.default_rng(1).standard_normal(shape) * 2).astype(np.float32)
    optimized, reference = run_optimized_and_reference(op, [x], num_threads=2)
    assert_bits_equal(optimized[0], clamp_reference(op, x))
    assert_bits_equal(reference[0], clamp_reference(op, x))


@pytest.mark.parametrize("op", sorted(BOUNDS))
def test_special_values(op):
    optimized, reference = run_optimized_and_reference(op, [SPECIAL])
    assert_bits_equal(optimized[0], clamp_reference(op, SPECIAL))
    assert_bits_equal(reference[0], clamp_reference(op, SPECIAL))


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
@pytest.mark.parametrize("op", sorted(BOUNDS))
def test_quantized_inputs_say_they_are_not_supported_yet(op, dtype):
    name = np.dtype(dtype).name
    with pytest.raises(EdgeliteError, match=rf"node 0 \({op}\): quantized {op} \({name} tensor 'input0'\) is not "
                                            r"supported yet; this build runs it on float32"):
        run_single_op(op, [np.zeros(4, dtype)], input_quantization=(0.1, 0), output_quantization=(0.1, 0))


@pytest.mark.parametrize("op", sorted(BOUNDS))
def test_other_types_and_versions_are_refused(op):
    with pytest.raises(EdgeliteError, match=rf"node 0 \({op}\): dtypes \(int32\) -> int32 are not supported"):
        run_single_op(op, [np.zeros(4, np.int32)])
    with pytest.raises(EdgeliteError, match=rf"operator {op} version 2 is not supported"):
        run_single_op(op, [np.zeros(4, np.float32)], version=2)


@requires_litert
@pytest.mark.parametrize("op", sorted(BOUNDS))
def test_matches_litert(op):
    x = np.concatenate([np.linspace(-3, 3, 6001, dtype=np.float32), SPECIAL])
    assert_bits_equal(run_single_op(op, [x])[0], run_litert_builtin(op, [x])[0])
