"""CONV_2D quantized (int8 with per-channel and per-tensor filters, uint8, int16x8 with an int32 or int64 bias)
and dynamic range (float input, int8 filter): edgelite's kernels, optimized rows and reference twins, against
the NumPy integer reference (integer_reference_linear, proven equal to LiteRT's BUILTIN_REF) bit for bit, over
strides, dilation, SAME/VALID, groups, activations, extreme scales and zero points; LiteRT itself on a few
cases; prepare failures for bad quantization."""

import numpy as np
import pytest

import edgelite
from integer_reference_linear import conv2d, hybrid_conv2d
from quant_kernel_checks import assert_bit_equal
from linear_cases import (ACTIVATIONS, CONV_CASES, check_both_kernels, chosen_kernel, conv_id,
                          conv_options, float_input, quantized_case)
from litert_builtin import requires_litert
from quant_cases import assert_litert_equal, quantization, random_q
from edgelite.testing import run_single_op

DTYPES = [(np.int8, True), (np.int8, False), (np.uint8, False), (np.int16, True), (np.int16, False)]
DTYPE_IDS = ["int8-pc", "int8-pt", "uint8", "int16x8-pc", "int16x8-pt"]


def options_for(case, activation, bias_dtype=None, dtype=None):
    _, _, stride, dilation, padding = case
    extra = {}
    if dtype == np.int16 and bias_dtype is not None:
        extra["quantized_bias_type"] = "INT64" if bias_dtype == np.int64 else "INT32"
    return conv_options(stride, dilation, padding, activation, **extra)


def expected_for(case, x, xq, w, wq, b, yq, activation):
    _, _, stride, dilation, padding = case
    return conv2d(x, xq, w, wq, b, yq, stride=stride, dilation=dilation, padding=padding, activation=activation)


@pytest.mark.parametrize("case", CONV_CASES, ids=conv_id)
@pytest.mark.parametrize("dtype, per_channel", DTYPES, ids=DTYPE_IDS)
def test_matches_integer_reference(case, dtype, per_channel):
    x_shape, w_shape = case[:2]
    rng = np.random.default_rng(sum(x_shape) * 11 + sum(w_shape) + np.dtype(dtype).itemsize + per_channel)
    for k, activation in enumerate(ACTIVATIONS):
        # Spreads that crowd outputs near the zero point or saturate them; zero points at the type's ends.
        bias_dtype = np.int64 if dtype == np.int16 and k % 2 == 0 else np.int32
        x, xq, w, wq, w_tq, b, b_q, yq = quantized_case(rng, dtype, x_shape, w_shape, per_channel,
                                                        spread=[1.0, 0.25, 4.0, 1.0][k], extreme_zp=k == 3,
                                                        bias_dtype=bias_dtype)
        check_both_kernels("CONV_2D", [x, w, b], options_for(case, activation, bias_dtype, dtype),
                           expected_for(case, x, xq, w, wq, b, yq, activation), constant_inputs=(1, 2),
                           input_quantization=[xq, w_tq, b_q], output_quantization=yq)


@pytest.mark.parametrize("dtype, per_channel", DTYPES, ids=DTYPE_IDS)
def test_without_bias_and_with_a_runtime_filter(dtype, per_channel):
    case = CONV_CASES[0]
    rng = np.random.default_rng(3)
    x, xq, w, wq, w_tq, _, _, yq = quantized_case(rng, dtype, case[0], case[1], per_channel)
    extra = {"quantized_bias_type": "INT32"} if dtype == np.int16 else {}
    # int16 without a bias: quantized_bias_type decides the accumulator, which cannot overflow here.
    check_both_kernels("CONV_2D", [x, w], options_for(case, "RELU6") | extra,
                       expected_for(case, x, xq, w, wq, None, yq, "RELU6"), constant_inputs=(1,),
                       input_quantization=[xq, w_tq], output_quantization=yq)
    check_both_kernels("CONV_2D", [x, w], options_for(case, "NONE"), expected_for(case, x, xq, w, wq, None, yq, "NONE"),
                       input_quantization=[xq, w_tq], output_quantization=yq)


@pytest.mark.parametrize("effective_scale", [3.7, 1e-7, 2.0 ** -20], ids=["above-one", "tiny", "power-of-two"])
def test_extreme_multipliers(effective_scale):
    # Multipliers above one (a left shift before the rounding multiply) and far below it (a long right shift).
    rng = np.random.default_rng(7)
    x = random_q(rng, (1, 5, 6, 9), np.int8)
    w = random_q(rng, (4, 3, 3, 9), np.int8, -127)
    xq, ws = (np.float32(0.5), -3), rng.uniform(0.5, 1.0, 4).astype(np.float32)
    yq = (np.float32(0.5 * float(ws[0]) / effective_scale), 5)
    b = rng.integers(-300, 300, 4).astype(np.int32)
    expected = conv2d(x, xq, w, (ws, 0), b, yq, padding="SAME")
    check_both_kernels("CONV_2D", [x, w, b], conv_options((1, 1), (1, 1), "SAME", "NONE"), expected,
                       constant_inputs=(1, 2), input_quantization=[xq, quantization(ws, 0, 0), (0.5 * 0.75, 0)],
                       output_quantization=yq)


def test_int16_accumulator_width_follows_the_bias():
    # 600 products of 32767 * 127 overflow an int32 accumulator: an int32 bias wraps as LiteRT's does, an int64
    # one does not.
    x = np.full((1, 1, 1, 600), 32767, np.int16)
    w = np.full((2, 1, 1, 600), 127, np.int8)
    xq, wq, yq = (np.float32(1e-3), 0), (np.float32(1e-2), 0), (np.float32(40.0), 0)
    for bias_dtype, name in [(np.int32, "INT32"), (np.int64, "INT64")]:
        b = np.array([5, -5], bias_dtype)
        expected = conv2d(x, xq, w, wq, b, yq, padding="VALID")
        got, = run_single_op("CONV_2D", [x, w, b], conv_options((1, 1), (1, 1), "VALID", "NONE",
                                                                quantized_bias_type=name),
                             constant_inputs=(1, 2), input_quantization=[xq, wq, (1e-5, 0)], output_quantization=yq)
        assert_bit_equal(got, expected, name)
        assert (int(got[0, 0, 0, 0]) < 0) == (bias_dtype == np.int32), got  # wrapped negative with int32


@requires_litert
def test_int16_int64_bias_near_the_limits_wraps_as_litert():
    # A bias near +-2**62 (from a corrupt file; UBSan found the signed overflow in the 64-bit requantization):
    # the accumulator times the 15-bit multiplier wraps in 64 bits, as LiteRT's does on x86.
    x = np.full((1, 2, 2, 4), 1000, np.int16)
    w = np.full((2, 1, 1, 4), 100, np.int8)
    b = np.array([2 ** 62 + 12345, -(2 ** 62) - 999], np.int64)
    options = conv_options((1, 1), (1, 1), "VALID", "NONE", quantized_bias_type="INT64")
    kwargs = dict(constant_inputs=(1, 2), input_quantization=[(1e-3, 0), (1e-2, 0), (1e-5, 0)],
                  output_quantization=(0.5, 0))
    (ours,) = run_single_op("CONV_2D", [x, w, b], options, **kwargs)
    assert_litert_equal("CONV_2D", [x, w, b], options, ours, **kwargs)


def test_variant_names():
    # The rows' names, as profiles show them (optimized rows of the same dtypes slot in before these).
    rng = np.random.default_rng(0)
    names = {}
    for dtype, bias_dtype in [(np.int8, np.int32), (np.uint8, np.int32), (np.int16, np.int64), (np.int16, np.int32)]:
        x, xq, w, _, w_tq, b, b_q, yq = quantized_case(rng, dtype, (1, 4, 4, 3), (2, 3, 3, 3), dtype != np.uint8,
                                                       bias_dtype=bias_dtype)
        names[(np.dtype(dtype).name, np.dtype(bias_dtype).name)] = chosen_kernel(
            "CONV_2D", [x, w, b], conv_options((1, 1), (1, 1), "SAME", "NONE"), constant_inputs=(1, 2),
            input_quantization=[xq, w_tq, b_q], output_quantization=yq)
    assert names == {("int8", "int32"): "int8 (reference)", ("uint8", "int32"): "uint8 (reference)",
                     ("int16", "int64"): "int16x8 int64 accumulator (reference)",
                     ("int16", "int32"): "int16x8 int32 accumulator (reference)"}


# ---- dynamic range ----
@pytest.mark.parametrize("scales", ["per-tensor", "per-channel", "equal-per-channel"])
@pytest.mark.parametrize("case", CONV_CASES, ids=conv_id)
def test_hybrid_matches_integer_reference(scales, case):
    x_shape, w_shape, stride, dilation, padding = case
    if scales == "per-tensor" and w_shape[3] != x_shape[3]:
        pytest.skip("a grouped dynamic-range convolution needs per-channel scales (test_prepare_failures)")
    rng = np.random.default_rng(sum(x_shape) + len(scales))
    out_c = w_shape[0]
    s = rng.uniform(1e-3, 3e-2, out_c).astype(np.float32)
    s = {"per-tensor": s[:1], "per-channel": s, "equal-per-channel": np.full(out_c, s[0], np.float32)}[scales]
    w_q = quantization(s, 0, 0) if s.size > 1 else (float(s[0]), 0)
    w = random_q(rng, w_shape, np.int8, -127)
    b = rng.standard_normal(out_c).astype(np.float32)
    for kind, activation in [("normal", "NONE"), ("positive", "RELU6"), ("zero-row", "RELU")]:
        x = float_input(rng, x_shape, kind)
        expected = hybrid_conv2d(x, w, s, b, stride=stride, dilation=dilation, padding=padding, activation=activation)
        check_both_kernels("CONV_2D", [x, w, b], conv_options(stride, dilation, padding, activation), expected,
                           constant_inputs=(1, 2), input_quantization={1: w_q}, output_types=np.float32)


def test_hybrid_without_bias_and_variant_name():
    rng = np.random.default_rng(4)
    x = float_input(rng, (2, 6, 5, 4), "normal")
    w = random_q(rng, (3, 3, 3, 4), np.int8, -127)
    s = rng.uniform(1e-3, 3e-2, 3).astype(np.float32)
    kwargs = dict(constant_inputs=(1,), input_quantization={1: quantization(s, 0, 0)}, output_types=np.float32)
    check_both_kernels("CONV_2D", [x, w], conv_options((2, 1), (1, 1), "SAME", "NONE"),
                       hybrid_conv2d(x, w, s, None, stride=(2, 1)), **kwargs)
    assert chosen_kernel("CONV_2D", [x, w], conv_options((1, 1), (1, 1), "SAME", "NONE"), **kwargs) == \
        "hybrid int8 (reference)"


# ---- LiteRT itself ----
@requires_litert
@pytest.mark.parametrize("dtype, per_channel", DTYPES, ids=DTYPE_IDS)
def test_matches_litert_reference_kernels(dtype, per_channel):
    case = CONV_CASES[4]  # dilation 2, SAME
    rng = np.random.default_rng(11)
    bias_dtype = np.int64 if dtype == np.int16 else np.int32
    x, xq, w, wq, w_tq, b, b_q, yq = quantized_case(rng, dtype, case[0], case[1], per_channel, extreme_zp=True,
                                                    bias_dtype=bias_dtype)
    inputs, options = [x, w, b], options_for(case, "RELU", bias_dtype, dtype)
    kwargs = dict(constant_inputs=(1, 2), input_quantization=[xq, w_tq, b_q], output_quantization=yq)
    (ours,) = run_single_op("CONV_2D", inputs, options, **kwargs)
    assert_litert_equal("CONV_2D", inputs, options, ours, **kwargs)


@requires_litert
@pytest.mark.parametrize("per_channel", [False, True], ids=["per-tensor", "per-channel"])
def test_hybrid_matches_litert_reference_kernels(per_channel):
    case = CONV_CASES[1]
    rng = np.random.default_rng(12)
    x = float_input(rng, case[0], "normal")
    w = random_q(rng, case[1], np.int8, -127)
    s = rng.uniform(1e-3, 3e-2, case[1][0] if per_channel else 1).astype(np.float32)
    b = rng.standard_normal(case[1][0]).astype(np.float32)
    inputs, options = [x, w, b], options_for(case, "RELU6")
    kwargs = dict(constant_inputs=(1, 2), input_quantization={1: quantization(s, 0, 0) if per_channel else
                                                              (float(s[0]), 0)}, output_types=np.float32)
    (ours,) = run_single_op("CONV_2D", inputs, options, **kwargs)
    assert_litert_equal("CONV_2D", inputs, options, ours, **kwargs)


# ---- prepare failures ----
def _int8_case(**override):
    """A valid int8 CONV_2D (input, filter, bias, quantization); `override` replaces parts of it."""
    rng = np.random.default_rng(1)
    parts = dict(x=random_q(rng, (1, 4, 4, 3), np.int8), w=random_q(rng, (2, 3, 3, 3), np.int8, -127),
                 b=np.array([10, -10], np.int32), xq=(0.05, 2), wq=quantization([0.01, 0.02], 0, 0),
                 bq=quantization([5e-4, 1e-3], 0, 0), yq=(0.1, -1), options={})
    parts.update(override)
    return parts


def _run(parts):
    options = conv_options((1, 1), (1, 1), "SAME", "NONE", **parts["options"])
    return run_single_op("CONV_2D", [parts["x"], parts["w"], parts["b"]], options, constant_inputs=(1, 2),
                         input_quantization=[parts["xq"], parts["wq"], parts["bq"]], output_quantization=parts["yq"])


I16 = np.zeros((1, 4, 4, 3), np.int16)
U8 = np.zeros((1, 4, 4, 3), np.uint8)
FAILURES = {
    "input-without-quantization": (dict(xq=None), edgelite.InvalidModelError, r"input 'input0' has no quantization"),
    "output-scale-zero": (dict(yq=(0.0, 0)), edgelite.InvalidModelError, r"output .* scale 0; a scale must be finite"),
    "filter-scale-nan": (dict(wq=quantization([0.01, np.nan], 0, 0)), edgelite.InvalidModelError,
                         r"filter .* scale nan"),
    "filter-channel-count": (dict(wq=quantization([0.01, 0.02, 0.03], 0, 0)), edgelite.InvalidModelError,
                             r"has 3 scales for quantized dimension 0 of size 2"),
    "filter-axis": (dict(wq=quantization([0.01, 0.02], 0, 3)), edgelite.InvalidModelError,
                    r"quantized along dimension 3, expected dimension 0"),
    "input-zero-point-range": (dict(xq=(0.05, 200)), edgelite.InvalidModelError,
                               r"zero point 200, outside the range of int8"),
    "filter-zero-point": (dict(wq=quantization([0.01, 0.02], 3, 0)), edgelite.UnsupportedError,
                          r"filter .* zero point 3 .* symmetric"),
    "bias-zero-point": (dict(bq=quantization([5e-4, 1e-3], 1, 0)), edgelite.InvalidModelError,
                        r"bias 'input2' has zero point 1"),
    "int16-input-zero-point": (dict(x=I16, b=np.array([1, 2], np.int64), xq=(0.05, 4)), edgelite.UnsupportedError,
                               r"int16 input 'input0' has zero point 4, expected 0"),
    "quantized-bias-type-disagrees": (dict(x=I16, xq=(0.05, 0), options={"quantized_bias_type": "INT64"}),
                                      edgelite.InvalidModelError, r"bias 'input2' is int32 but .* says INT64"),
    "quantized-bias-type-invalid": (dict(x=I16, xq=(0.05, 0), options={"quantized_bias_type": "INT8"}),
                                    edgelite.InvalidModelError, r"quantized_bias_type is INT8"),
    "uint8-per-channel": (dict(x=U8, w=np.zeros((2, 3, 3, 3), np.uint8), yq=(0.1, 3)), edgelite.UnsupportedError,
                          r"quantized per channel, which needs int8 or int16 inputs"),
    "uint8-bias-scale": (dict(x=U8, w=np.zeros((2, 3, 3, 3), np.uint8), wq=(0.01, 128), bq=(0.5, 0), yq=(0.1, 3)),
                         edgelite.InvalidModelError, r"bias 'input2' has scale 0.5, but input scale x filter scale"),
    "multiplier-too-large": (dict(yq=(1e-14, 0)), edgelite.UnsupportedError, r"too large to requantize"),
    "bias-dtype": (dict(b=np.array([1, 2], np.int64)), edgelite.UnsupportedError,
                   r"dtypes \(int8, int8, int64\) -> int8 are not supported"),
}


@pytest.mark.parametrize("name", FAILURES)
def test_prepare_failures(name):
    override, error, match = FAILURES[name]
    with pytest.raises(error, match=match):
        _run(_int8_case(**override))


def test_hybrid_prepare_failures():
    x = np.ones((1, 4, 4, 4), np.float32)
    w = np.ones((4, 3, 3, 2), np.int8)  # two groups
    with pytest.raises(edgelite.InvalidModelError, match=r"grouped dynamic-range convolution needs one filter scale"):
        run_single_op("CONV_2D", [x, w], conv_options((1, 1), (1, 1), "SAME", "NONE"), constant_inputs=(1,),
                      input_quantization={1: (0.1, 0)}, output_types=np.float32)
    with pytest.raises(edgelite.InvalidModelError, match=r"int8 filter 'input1' has no quantization parameters"):
        run_single_op("CONV_2D", [x, np.ones((4, 3, 3, 4), np.int8)], conv_options((1, 1), (1, 1), "SAME", "NONE"),
                      constant_inputs=(1,), output_types=np.float32)
