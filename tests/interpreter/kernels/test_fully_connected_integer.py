"""FULLY_CONNECTED quantized (int8 with per-channel and per-tensor weights, uint8, int16x8 with an int32 or int64
bias) and dynamic range (float input, int8 weights, symmetric or asymmetric rows): edgelite's kernels, optimized
rows and reference twins, against the NumPy integer reference (integer_reference_linear, proven equal to LiteRT's
BUILTIN_REF) bit for bit, over keep_num_dims, no bias, activations, extreme scales and zero points. Every row
computes what LiteRT 2.3.0's reference does: the accumulator requantized in floating point (docs/
integer_kernels.md), not the older integer formula; LiteRT itself on a few cases; prepare failures."""

import numpy as np
import pytest

import edgelite
from integer_reference_linear import fully_connected, hybrid_fully_connected
from quant_kernel_checks import assert_bit_equal
from linear_cases import (ACTIVATIONS, FC_CASES, check_both_kernels, chosen_kernel, fc_id,
                          float_input, quantized_case)
from litert_builtin import requires_litert
from quant_cases import assert_litert_equal, quantization, random_q
from edgelite.testing import run_single_op

DTYPES = [(np.int8, True), (np.int8, False), (np.uint8, False), (np.int16, True), (np.int16, False)]
DTYPE_IDS = ["int8-pc", "int8-pt", "uint8", "int16x8-pc", "int16x8-pt"]


def fc_case(rng, dtype, x_shape, units, per_channel, **kwargs):
    """Input, weights [units, depth] and bias with their quantization (per-tensor weights keep their zero point,
    which per-tensor FULLY_CONNECTED uses)."""
    depth = x_shape[-1]
    x, xq, w, wq, w_tq, b, b_q, yq = quantized_case(rng, dtype, x_shape, (units, 1, 1, depth), per_channel, **kwargs)
    w = w.reshape(units, depth)
    if not per_channel and dtype != np.int16:
        wq = (wq[0], int(rng.integers(-20, 21)) if dtype == np.int8 else wq[1])
        w_tq = (float(wq[0]), wq[1])
    return x, xq, w, wq, w_tq, b, b_q, yq


def fc_options(activation="NONE", keep_num_dims=False, bias_dtype=None, dtype=None, **extra):
    options = {"fused_activation_function": activation, "keep_num_dims": keep_num_dims, **extra}
    if dtype == np.int16 and bias_dtype is not None:
        options["quantized_bias_type"] = "INT64" if bias_dtype == np.int64 else "INT32"
    return options


@pytest.mark.parametrize("case", FC_CASES, ids=fc_id)
@pytest.mark.parametrize("dtype, per_channel", DTYPES, ids=DTYPE_IDS)
def test_matches_integer_reference(case, dtype, per_channel):
    x_shape, units, keep = case
    rng = np.random.default_rng(sum(x_shape) * 17 + units + np.dtype(dtype).itemsize + per_channel)
    for k, activation in enumerate(ACTIVATIONS):
        bias_dtype = np.int64 if dtype == np.int16 and k % 2 == 0 else np.int32
        x, xq, w, wq, w_tq, b, b_q, yq = fc_case(rng, dtype, x_shape, units, per_channel,
                                                 spread=[1.0, 0.25, 4.0, 1.0][k], extreme_zp=k == 3,
                                                 bias_dtype=bias_dtype)
        with_bias = k != 1
        bias = b if with_bias else None
        expected = fully_connected(x, xq, w, wq, bias, yq, activation=activation, keep_num_dims=keep)
        check_both_kernels("FULLY_CONNECTED", [x, w, bias], fc_options(activation, keep, bias_dtype, dtype), expected,
                           constant_inputs=(1, 2), input_quantization=[xq, w_tq, b_q if with_bias else None],
                           output_quantization=yq)


@pytest.mark.parametrize("dtype, per_channel", DTYPES, ids=DTYPE_IDS)
def test_runtime_weights(dtype, per_channel):
    rng = np.random.default_rng(9)
    x, xq, w, wq, w_tq, b, b_q, yq = fc_case(rng, dtype, (3, 21), 5, per_channel)
    check_both_kernels("FULLY_CONNECTED", [x, w, b], fc_options("RELU", bias_dtype=np.int32, dtype=dtype),
                       fully_connected(x, xq, w, wq, b, yq, activation="RELU"), input_quantization=[xq, w_tq, b_q],
                       output_quantization=yq)


def test_requantizes_in_floating_point():
    # LiteRT 2.3.0's reference: round(double(acc) * scale). The integer formula it used before differs by one on
    # some outputs; ours must not.
    rng = np.random.default_rng(0)
    x, w = random_q(rng, (64, 37), np.int8), random_q(rng, (23, 37), np.int8, -127)
    b = rng.integers(-5000, 5000, 23).astype(np.int32)
    xq, wq, yq = (np.float32(0.0371), 3), (np.float32(0.00917), 0), (np.float32(0.0713), -7)
    expected = fully_connected(x, xq, w, wq, b, yq)
    assert np.any(expected != fully_connected(x, xq, w, wq, b, yq, formula="double_rounding"))
    check_both_kernels("FULLY_CONNECTED", [x, w, b], fc_options(), expected, constant_inputs=(1, 2),
                       input_quantization=[xq, wq, (float(xq[0]) * float(wq[0]), 0)], output_quantization=yq)


def test_overflow_gives_the_minimum():
    # acc * scale beyond int32: x86's conversion gives INT32_MIN, so a huge positive value comes out as -128.
    x, w = np.array([[100, -100, 5, 0]], np.int8), np.array([[127, 127, 1, 1], [-127, 2, 3, 4]], np.int8)
    b, xq, wq, yq = np.zeros(2, np.int32), (1.0, 0), (1.0, 0), (1e-9, 3)
    expected = fully_connected(x, xq, w, wq, b, yq)
    np.testing.assert_array_equal(expected, [[-128, -128]])
    check_both_kernels("FULLY_CONNECTED", [x, w, b], fc_options(), expected, constant_inputs=(1, 2),
                       input_quantization=[xq, wq, (1.0, 0)], output_quantization=yq)


def test_int16_accumulator_width_follows_the_bias():
    x = np.full((1, 600), 32767, np.int16)
    w = np.full((2, 600), 127, np.int8)
    xq, wq, yq = (np.float32(1e-3), 0), (np.float32(1e-2), 0), (np.float32(40.0), 0)
    for bias_dtype in [np.int32, np.int64]:
        b = np.array([5, -5], bias_dtype)
        expected = fully_connected(x, xq, w, wq, b, yq)
        got, = run_single_op("FULLY_CONNECTED", [x, w, b], fc_options(bias_dtype=bias_dtype, dtype=np.int16),
                             constant_inputs=(1, 2), input_quantization=[xq, wq, (1e-5, 0)], output_quantization=yq)
        assert_bit_equal(got, expected, np.dtype(bias_dtype).name)
        assert (int(got[0, 0]) < 0) == (bias_dtype == np.int32), got


def test_variant_names():
    rng = np.random.default_rng(0)
    names = {}
    for dtype, bias_dtype in [(np.int8, np.int32), (np.uint8, np.int32), (np.int16, np.int64), (np.int16, np.int32)]:
        x, xq, w, _, w_tq, b, b_q, yq = fc_case(rng, dtype, (2, 8), 3, dtype != np.uint8, bias_dtype=bias_dtype)
        names[(np.dtype(dtype).name, np.dtype(bias_dtype).name)] = chosen_kernel(
            "FULLY_CONNECTED", [x, w, b], fc_options(), constant_inputs=(1, 2), input_quantization=[xq, w_tq, b_q],
            output_quantization=yq)
    assert names == {("int8", "int32"): "int8 (reference)", ("uint8", "int32"): "uint8 (reference)",
                     ("int16", "int64"): "int16x8 int64 accumulator (reference)",
                     ("int16", "int32"): "int16x8 int32 accumulator (reference)"}


# ---- dynamic range ----
@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
@pytest.mark.parametrize("per_channel", [False, True], ids=["per-tensor", "per-channel"])
@pytest.mark.parametrize("kind", ["normal", "positive", "zero-row"])
def test_hybrid_matches_integer_reference(asymmetric, per_channel, kind):
    rng = np.random.default_rng(int(asymmetric) + 2 * int(per_channel) + len(kind))
    # Rows of 37, 16, 5 and 8 values: vector-rounded parts of 0, 1 and 2 steps of 8, and tails.
    for x_shape, units, keep, activation, with_bias in [((4, 37), 19, False, "NONE", True),
                                                        ((2, 3, 16), 7, True, "RELU", True),
                                                        ((1, 5), 3, False, "RELU6", False),
                                                        ((3, 8), 1, False, "RELU_N1_TO_1", True)]:
        x = float_input(rng, x_shape, kind)
        w = random_q(rng, (units, x_shape[-1]), np.int8, -127)
        scales = rng.uniform(1e-3, 3e-2, units if per_channel else 1).astype(np.float32)
        b = rng.standard_normal(units).astype(np.float32) if with_bias else None
        w_q = quantization(scales, 0, 0) if per_channel else (float(scales[0]), 0)
        expected = hybrid_fully_connected(x, w, scales, b, activation=activation, keep_num_dims=keep,
                                          asymmetric_quantize_inputs=asymmetric)
        check_both_kernels("FULLY_CONNECTED", [x, w, b],
                           fc_options(activation, keep, asymmetric_quantize_inputs=asymmetric), expected,
                           constant_inputs=(1, 2), input_quantization={1: w_q}, output_types=np.float32)


def test_hybrid_all_zero_input_gives_the_bias():
    # LiteRT skips the products when the whole input is zero: a -0.0 bias comes out as -0.0.
    x = np.zeros((2, 9), np.float32)
    w = np.ones((3, 9), np.int8)
    b = np.array([-0.0, 1.5, -2.0], np.float32)
    got, = run_single_op("FULLY_CONNECTED", [x, w, b], fc_options(), constant_inputs=(1, 2),
                         input_quantization={1: (0.1, 0)}, output_types=np.float32)
    assert_bit_equal(got, np.tile(b, (2, 1)))
    assert chosen_kernel("FULLY_CONNECTED", [x, w, b], fc_options(), constant_inputs=(1, 2),
                         input_quantization={1: (0.1, 0)}, output_types=np.float32) == "hybrid int8 (reference)"


def test_hybrid_asymmetric_row_with_an_infinity():
    # An infinite input makes the row's scale infinite and one quantized value NaN, which converts to INT32_MIN;
    # adding the zero point to it wraps in int32 as LiteRT's SIMD add does (UBSan found the signed overflow, from
    # a mutated LSTM). The other rows are unaffected.
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 16)).astype(np.float32)
    x[1, 3] = np.inf
    w = random_q(rng, (4, 16), np.int8, -127)
    s = np.full(4, 0.02, np.float32)
    kwargs = dict(constant_inputs=(1, 2), input_quantization={1: quantization(s, 0, 0)}, output_types=np.float32)
    (got,) = run_single_op("FULLY_CONNECTED", [x, w, None], fc_options(asymmetric_quantize_inputs=True), **kwargs)
    expected = hybrid_fully_connected(x[:1], w, s, None, asymmetric_quantize_inputs=True)
    assert_bit_equal(got[:1], expected)
    assert got.shape == (2, 4)


# ---- LiteRT itself ----
@requires_litert
@pytest.mark.parametrize("dtype, per_channel", DTYPES, ids=DTYPE_IDS)
def test_matches_litert_reference_kernels(dtype, per_channel):
    rng = np.random.default_rng(31)
    bias_dtype = np.int64 if dtype == np.int16 else np.int32
    x, xq, w, wq, w_tq, b, b_q, yq = fc_case(rng, dtype, (2, 5, 16), 17, per_channel, extreme_zp=True,
                                             bias_dtype=bias_dtype)
    inputs, options = [x, w, b], fc_options("RELU", True, bias_dtype, dtype)
    kwargs = dict(constant_inputs=(1, 2), input_quantization=[xq, w_tq, b_q], output_quantization=yq)
    (ours,) = run_single_op("FULLY_CONNECTED", inputs, options, **kwargs)
    assert_litert_equal("FULLY_CONNECTED", inputs, options, ours, **kwargs)


@requires_litert
@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
def test_hybrid_matches_litert_reference_kernels(asymmetric):
    rng = np.random.default_rng(32)
    x = float_input(rng, (5, 45), "normal")
    w = random_q(rng, (13, 45), np.int8, -127)
    s = rng.uniform(1e-3, 3e-2, 13).astype(np.float32)
    b = rng.standard_normal(13).astype(np.float32)
    inputs, options = [x, w, b], fc_options("RELU", asymmetric_quantize_inputs=asymmetric)
    kwargs = dict(constant_inputs=(1, 2), input_quantization={1: quantization(s, 0, 0)}, output_types=np.float32)
    (ours,) = run_single_op("FULLY_CONNECTED", inputs, options, **kwargs)
    assert_litert_equal("FULLY_CONNECTED", inputs, options, ours, **kwargs)


# ---- prepare failures ----
FAILURES = {
    "weights-axis": (dict(wq=quantization([0.01, 0.02, 0.03], 0, 1)), edgelite.InvalidModelError,
                     r"quantized along dimension 1, expected dimension 0"),
    "weights-count": (dict(wq=quantization([0.01, 0.02], 0, 0)), edgelite.InvalidModelError,
                      r"has 2 scales for quantized dimension 0 of size 3"),
    "per-channel-zero-point": (dict(wq=quantization([0.01, 0.02, 0.03], 1, 0)), edgelite.UnsupportedError,
                               r"zero point 1 for channel 0; this operator needs symmetric"),
    "bias-scale": (dict(wq=(0.01, 0), bq=(1.0, 0)), edgelite.InvalidModelError,
                   r"bias 'input2' has scale 1, but input scale x filter scale is 0.0005"),
    "input-scale-inf": (dict(xq=(np.inf, 0)), edgelite.InvalidModelError, r"input 'input0' has quantization scale inf"),
    "int16-output-zero-point": (dict(x=np.zeros((2, 4), np.int16), xq=(0.05, 0), yq=(0.1, 3)),
                                edgelite.UnsupportedError, r"int16 output 'output0' has zero point 3, expected 0"),
}


@pytest.mark.parametrize("name", FAILURES)
def test_prepare_failures(name):
    override, error, match = FAILURES[name]
    rng = np.random.default_rng(2)
    parts = dict(x=random_q(rng, (2, 4), np.int8), xq=(0.05, 1), wq=quantization([0.01, 0.02, 0.03], 0, 0),
                 bq=quantization([5e-4, 1e-3, 1.5e-3], 0, 0), yq=(0.1, 0))
    parts.update(override)
    w = random_q(rng, (3, 4), np.int8, -127)
    with pytest.raises(error, match=match):
        run_single_op("FULLY_CONNECTED", [parts["x"], w, np.array([1, 2, 3], np.int32)], fc_options(),
                      constant_inputs=(1, 2), input_quantization=[parts["xq"], parts["wq"], parts["bq"]],
                      output_quantization=parts["yq"])


def test_hybrid_prepare_failures():
    x = np.ones((2, 4), np.float32)
    with pytest.raises(edgelite.InvalidModelError, match=r"int8 filter 'input1' has no quantization parameters"):
        run_single_op("FULLY_CONNECTED", [x, np.ones((3, 4), np.int8)], fc_options(), constant_inputs=(1,),
                      output_types=np.float32)
    with pytest.raises(edgelite.UnsupportedError, match=r"zero point 2 .* symmetric"):
        run_single_op("FULLY_CONNECTED", [x, np.ones((3, 4), np.int8)], fc_options(), constant_inputs=(1,),
                      input_quantization={1: (0.1, 2)}, output_types=np.float32)
