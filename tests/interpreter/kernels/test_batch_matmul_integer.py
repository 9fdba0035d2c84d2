"""BATCH_MATMUL quantized (int8, int16, int16 x int8, int8 x int8 -> int32) and dynamic range (float lhs, int8
rhs, symmetric or asymmetric rows, per-tensor or per-column scales, constant or runtime rhs): edgelite's kernels,
optimized rows and reference twins, against the NumPy integer reference (integer_reference_linear, proven equal
to LiteRT's BUILTIN_REF) bit for bit, over broadcast batches, adj_x / adj_y and extreme zero points; LiteRT
itself on a few cases; prepare failures."""

import numpy as np
import pytest

import edgelite
from integer_reference_linear import batch_matmul, hybrid_batch_matmul
from linear_cases import BMM_CASES, bmm_id, check_both_kernels, chosen_kernel, float_input
from litert_builtin import requires_litert
from quant_cases import assert_litert_equal, output_scale_for, quantization, random_q, random_zero_point
from edgelite.testing import run_single_op

DTYPES = [(np.int8, np.int8), (np.int16, np.int16), (np.int16, np.int8)]
DTYPE_IDS = ["int8", "int16", "int16x8"]


def bmm_case(rng, lhs_shape, rhs_shape, adj_x, lhs_dtype, rhs_dtype, spread=1.0, extreme=False):
    lhs, rhs = random_q(rng, lhs_shape, lhs_dtype), random_q(rng, rhs_shape, rhs_dtype)
    lq = (np.float32(rng.uniform(1e-3, 1e-1)), random_zero_point(rng, lhs_dtype, extreme))
    rq = (np.float32(rng.uniform(1e-3, 1e-1)), random_zero_point(rng, lhs_dtype if lhs_dtype == np.int16 else rhs_dtype,
                                                                  extreme))
    depth = lhs_shape[-2] if adj_x else lhs_shape[-1]
    typical = np.iinfo(lhs_dtype).max * np.iinfo(rhs_dtype).max / 3
    peak = float(lq[0]) * float(rq[0]) * typical * np.sqrt(depth) * 3
    yq = (output_scale_for([-peak, peak], lhs_dtype, spread), random_zero_point(rng, lhs_dtype, extreme))
    return lhs, lq, rhs, rq, yq


@pytest.mark.parametrize("case", BMM_CASES, ids=bmm_id)
@pytest.mark.parametrize("lhs_dtype, rhs_dtype", DTYPES, ids=DTYPE_IDS)
def test_matches_integer_reference(case, lhs_dtype, rhs_dtype):
    lhs_shape, rhs_shape, adj_x, adj_y = case
    rng = np.random.default_rng(sum(lhs_shape) + 5 * sum(rhs_shape) + np.dtype(rhs_dtype).itemsize)
    for spread, extreme, rhs_constant in [(1.0, False, False), (0.2, True, True), (5.0, False, False)]:
        lhs, lq, rhs, rq, yq = bmm_case(rng, lhs_shape, rhs_shape, adj_x, lhs_dtype, rhs_dtype, spread, extreme)
        expected = batch_matmul(lhs, lq, rhs, rq, yq, adj_x=adj_x, adj_y=adj_y)
        check_both_kernels("BATCH_MATMUL", [lhs, rhs], {"adj_x": adj_x, "adj_y": adj_y}, expected,
                           constant_inputs=(1,) if rhs_constant else (), input_quantization=[lq, rq],
                           output_quantization=yq)


@pytest.mark.parametrize("case", BMM_CASES, ids=bmm_id)
def test_int8_to_int32(case):
    lhs_shape, rhs_shape, adj_x, adj_y = case
    rng = np.random.default_rng(sum(lhs_shape) + 2)
    lhs, rhs = random_q(rng, lhs_shape, np.int8), random_q(rng, rhs_shape, np.int8)
    expected = batch_matmul(lhs, (0.05, 3), rhs, (0.05, -2), None, adj_x=adj_x, adj_y=adj_y, output_dtype=np.int32)
    # Zero points are not read: the raw accumulator.
    check_both_kernels("BATCH_MATMUL", [lhs, rhs], {"adj_x": adj_x, "adj_y": adj_y}, expected,
                       input_quantization=[(0.05, 3), (0.05, -2)], output_types=np.int32)


def test_variant_names():
    rng = np.random.default_rng(0)
    names = {}
    for lhs_dtype, rhs_dtype in DTYPES:
        lhs, lq, rhs, rq, yq = bmm_case(rng, (2, 3, 4), (4, 5), False, lhs_dtype, rhs_dtype)
        names[(np.dtype(lhs_dtype).name, np.dtype(rhs_dtype).name)] = chosen_kernel(
            "BATCH_MATMUL", [lhs, rhs], {}, input_quantization=[lq, rq], output_quantization=yq)
    names["int32"] = chosen_kernel("BATCH_MATMUL", [lhs.astype(np.int8), rhs], {}, output_types=np.int32)
    names["hybrid"] = chosen_kernel("BATCH_MATMUL", [lhs.astype(np.float32), rhs], {}, constant_inputs=(1,),
                                    input_quantization={1: (0.1, 0)}, output_types=np.float32)
    assert names == {("int8", "int8"): "int8 (reference)", ("int16", "int16"): "int16 (reference)",
                     ("int16", "int8"): "int16x8 (reference)", "int32": "int8 to int32 (reference)",
                     "hybrid": "hybrid int8 (reference)"}


# ---- dynamic range ----
@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
@pytest.mark.parametrize("case", BMM_CASES, ids=bmm_id)
def test_hybrid_matches_integer_reference(asymmetric, case):
    lhs_shape, rhs_shape, adj_x, adj_y = case
    rng = np.random.default_rng(sum(lhs_shape) + int(asymmetric))
    n = rhs_shape[-2] if adj_y else rhs_shape[-1]
    column_axis = len(rhs_shape) - (2 if adj_y else 1)
    options = {"adj_x": adj_x, "adj_y": adj_y, "asymmetric_quantize_inputs": asymmetric}
    for per_channel, rhs_constant, kind in [(False, True, "normal"), (True, True, "positive"),
                                            (False, False, "zero-row")]:
        lhs = float_input(rng, lhs_shape, kind)
        rhs = random_q(rng, rhs_shape, np.int8, -127)
        s = rng.uniform(1e-3, 3e-2, n if per_channel else 1).astype(np.float32)
        expected = hybrid_batch_matmul(lhs, rhs, s, adj_x=adj_x, adj_y=adj_y, asymmetric_quantize_inputs=asymmetric)
        check_both_kernels("BATCH_MATMUL", [lhs, rhs], options, expected, constant_inputs=(1,) if rhs_constant else (),
                           input_quantization={1: quantization(s, 0, column_axis) if per_channel else (float(s[0]), 0)},
                           output_types=np.float32)


def test_hybrid_long_rows():
    # Rows of 1040 values: totals beyond 2^24, where the float zero-point correction rounds.
    rng = np.random.default_rng(3)
    lhs = np.abs(float_input(rng, (2, 3, 1040), "normal"))
    rhs = np.full((1040, 4), 127, np.int8)
    expected = hybrid_batch_matmul(lhs, rhs, np.float32(0.01), asymmetric_quantize_inputs=True)
    check_both_kernels("BATCH_MATMUL", [lhs, rhs], {"asymmetric_quantize_inputs": True}, expected,
                       constant_inputs=(1,), input_quantization={1: (0.01, 0)}, output_types=np.float32)


# ---- LiteRT itself ----
@requires_litert
@pytest.mark.parametrize("lhs_dtype, rhs_dtype", DTYPES + [(np.int8, "int32")], ids=DTYPE_IDS + ["int8-to-int32"])
def test_matches_litert_reference_kernels(lhs_dtype, rhs_dtype):
    lhs_shape, rhs_shape, adj_x, adj_y = BMM_CASES[2]  # broadcast batches
    rng = np.random.default_rng(41)
    int32_out = rhs_dtype == "int32"
    lhs, lq, rhs, rq, yq = bmm_case(rng, lhs_shape, rhs_shape, adj_x, lhs_dtype, np.int8 if int32_out else rhs_dtype,
                                    extreme=True)
    options = {"adj_x": adj_x, "adj_y": adj_y}
    kwargs = dict(input_quantization=[lq, rq], output_quantization=None if int32_out else yq,
                  output_types=np.int32 if int32_out else None)
    (ours,) = run_single_op("BATCH_MATMUL", [lhs, rhs], options, **kwargs)
    assert_litert_equal("BATCH_MATMUL", [lhs, rhs], options, ours, **kwargs)


@requires_litert
@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
def test_hybrid_matches_litert_reference_kernels(asymmetric):
    lhs_shape, rhs_shape, adj_x, adj_y = BMM_CASES[3]  # adj_x and adj_y
    rng = np.random.default_rng(42)
    lhs = float_input(rng, lhs_shape, "normal")
    rhs = random_q(rng, rhs_shape, np.int8, -127)
    options = {"adj_x": adj_x, "adj_y": adj_y, "asymmetric_quantize_inputs": asymmetric}
    kwargs = dict(constant_inputs=(1,), input_quantization={1: (0.02, 0)}, output_types=np.float32)
    (ours,) = run_single_op("BATCH_MATMUL", [lhs, rhs], options, **kwargs)
    assert_litert_equal("BATCH_MATMUL", [lhs, rhs], options, ours, **kwargs)


# ---- prepare failures ----
def test_prepare_failures():
    lhs, rhs = np.zeros((2, 3), np.int16), np.zeros((3, 4), np.int16)
    with pytest.raises(edgelite.UnsupportedError, match=r"int16 rhs 'input1' has zero point 2, expected 0"):
        run_single_op("BATCH_MATMUL", [lhs, rhs], {}, input_quantization=[(0.1, 0), (0.1, 2)],
                      output_quantization=(0.1, 0))
    with pytest.raises(edgelite.InvalidModelError, match=r"int8 lhs 'input0' has no quantization parameters"):
        run_single_op("BATCH_MATMUL", [lhs.astype(np.int8), rhs.astype(np.int8)], {},
                      input_quantization=[None, (0.1, 0)], output_quantization=(0.1, 0))
    with pytest.raises(edgelite.UnsupportedError, match=r"rhs 'input1' has 4 scales .* needs one"):
        run_single_op("BATCH_MATMUL", [lhs.astype(np.int8), rhs.astype(np.int8)], {},
                      input_quantization=[(0.1, 0), quantization([0.1] * 4, 0, 1)], output_quantization=(0.1, 0))
    with pytest.raises(edgelite.InvalidModelError, match=r"filter 'input1' is quantized along dimension 0"):
        run_single_op("BATCH_MATMUL", [lhs.astype(np.float32), rhs.astype(np.int8)], {}, constant_inputs=(1,),
                      input_quantization={1: quantization([0.1] * 3, 0, 0)}, output_types=np.float32)
