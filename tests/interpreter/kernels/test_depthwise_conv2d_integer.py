"""DEPTHWISE_CONV_2D quantized (int8 with per-channel and per-tensor filters, uint8, int16x8 with an int64 bias)
and dynamic range (float input, int8 filter): edgelite's kernels, optimized rows and reference twins, against
the NumPy integer reference (integer_reference_linear, proven equal to LiteRT's BUILTIN_REF) bit for bit, over
depth multipliers, strides, dilation, padding, activations, extreme scales and zero points; LiteRT itself on a
few cases; the depth multiplier option; prepare failures."""

import numpy as np
import pytest

import edgelite
from integer_reference_linear import depthwise_conv2d, hybrid_depthwise_conv2d
from linear_cases import (ACTIVATIONS, DEPTHWISE_CASES, check_both_kernels, chosen_kernel, conv_options,
                          depthwise_id, float_input, quantized_case)
from litert_builtin import requires_litert
from quant_cases import assert_litert_equal, quantization, random_q
from edgelite.testing import run_single_op

DTYPES = [(np.int8, True), (np.int8, False), (np.uint8, False), (np.int16, True), (np.int16, False)]
DTYPE_IDS = ["int8-pc", "int8-pt", "uint8", "int16x8-pc", "int16x8-pt"]


def options_for(case, activation, multiplier=None):
    _, _, mult, stride, dilation, padding = case
    multiplier = mult if multiplier is None else multiplier
    return conv_options(stride, dilation, padding, activation, depth_multiplier=multiplier)


def filter_shape(case):
    x_shape, (kh, kw), mult = case[:3]
    return (1, kh, kw, x_shape[3] * mult)


def expected_for(case, x, xq, w, wq, b, yq, activation):
    _, _, _, stride, dilation, padding = case
    return depthwise_conv2d(x, xq, w, wq, b, yq, stride=stride, dilation=dilation, padding=padding,
                            activation=activation)


@pytest.mark.parametrize("case", DEPTHWISE_CASES, ids=depthwise_id)
@pytest.mark.parametrize("dtype, per_channel", DTYPES, ids=DTYPE_IDS)
def test_matches_integer_reference(case, dtype, per_channel):
    x_shape = case[0]
    rng = np.random.default_rng(sum(x_shape) * 13 + case[2] + np.dtype(dtype).itemsize + per_channel)
    for k, activation in enumerate(ACTIVATIONS):
        x, xq, w, wq, w_tq, b, b_q, yq = quantized_case(
            rng, dtype, x_shape, filter_shape(case), per_channel, depthwise=True, spread=[1.0, 0.25, 4.0, 1.0][k],
            extreme_zp=k == 3, bias_dtype=np.int64 if dtype == np.int16 else np.int32)
        check_both_kernels("DEPTHWISE_CONV_2D", [x, w, b], options_for(case, activation),
                           expected_for(case, x, xq, w, wq, b, yq, activation), constant_inputs=(1, 2),
                           input_quantization=[xq, w_tq, b_q], output_quantization=yq)


@pytest.mark.parametrize("dtype, per_channel", DTYPES, ids=DTYPE_IDS)
def test_without_bias_and_with_a_runtime_filter(dtype, per_channel):
    case = DEPTHWISE_CASES[1]
    rng = np.random.default_rng(5)
    x, xq, w, wq, w_tq, _, _, yq = quantized_case(rng, dtype, case[0], filter_shape(case), per_channel,
                                                  depthwise=True)
    check_both_kernels("DEPTHWISE_CONV_2D", [x, w], options_for(case, "RELU"),
                       expected_for(case, x, xq, w, wq, None, yq, "RELU"), input_quantization=[xq, w_tq],
                       output_quantization=yq)


def test_8bit_kernels_take_the_multiplier_from_the_shapes():
    # int8 and uint8 ignore the option, as LiteRT does (new files may store 0 there).
    case = DEPTHWISE_CASES[1]
    rng = np.random.default_rng(6)
    x, xq, w, wq, w_tq, b, b_q, yq = quantized_case(rng, np.int8, case[0], filter_shape(case), True, depthwise=True)
    check_both_kernels("DEPTHWISE_CONV_2D", [x, w, b], options_for(case, "NONE", multiplier=0),
                       expected_for(case, x, xq, w, wq, b, yq, "NONE"), constant_inputs=(1, 2),
                       input_quantization=[xq, w_tq, b_q], output_quantization=yq)


def test_variant_names():
    rng = np.random.default_rng(0)
    case = DEPTHWISE_CASES[0]
    names = {}
    for dtype in [np.int8, np.uint8, np.int16]:
        x, xq, w, _, w_tq, b, b_q, yq = quantized_case(rng, dtype, case[0], filter_shape(case), dtype != np.uint8,
                                                       depthwise=True,
                                                       bias_dtype=np.int64 if dtype == np.int16 else np.int32)
        names[np.dtype(dtype).name] = chosen_kernel("DEPTHWISE_CONV_2D", [x, w, b], options_for(case, "NONE"),
                                                    constant_inputs=(1, 2), input_quantization=[xq, w_tq, b_q],
                                                    output_quantization=yq)
    assert names == {"int8": "int8 (reference)", "uint8": "uint8 (reference)", "int16": "int16x8 (reference)"}


# ---- dynamic range ----
@pytest.mark.parametrize("case", DEPTHWISE_CASES, ids=depthwise_id)
@pytest.mark.parametrize("per_channel", [True, False], ids=["per-channel", "per-tensor"])
def test_hybrid_matches_integer_reference(case, per_channel):
    x_shape = case[0]
    out_c = filter_shape(case)[3]
    rng = np.random.default_rng(sum(x_shape) + case[2] + per_channel)
    w = random_q(rng, filter_shape(case), np.int8, -127)
    s = rng.uniform(1e-3, 3e-2, out_c if per_channel else 1).astype(np.float32)
    # LiteRT reads one scale per channel whatever the filter has; a per-tensor scale is repeated here.
    w_q = quantization(s, 0, 3) if per_channel else (float(s[0]), 0)
    b = rng.standard_normal(out_c).astype(np.float32)
    for kind, activation in [("normal", "NONE"), ("positive", "RELU"), ("zero-row", "RELU6")]:
        x = float_input(rng, x_shape, kind)
        _, _, _, stride, dilation, padding = case
        expected = hybrid_depthwise_conv2d(x, w, s, b, stride=stride, dilation=dilation, padding=padding,
                                           activation=activation)
        check_both_kernels("DEPTHWISE_CONV_2D", [x, w, b], options_for(case, activation), expected,
                           constant_inputs=(1, 2), input_quantization={1: w_q}, output_types=np.float32)
    assert chosen_kernel("DEPTHWISE_CONV_2D", [x, w, b], options_for(case, "NONE"), constant_inputs=(1, 2),
                         input_quantization={1: w_q}, output_types=np.float32) == "hybrid int8 (reference)"


# ---- LiteRT itself ----
@requires_litert
@pytest.mark.parametrize("dtype, per_channel", DTYPES, ids=DTYPE_IDS)
def test_matches_litert_reference_kernels(dtype, per_channel):
    case = DEPTHWISE_CASES[2]  # 5x5, dilation 2, VALID
    rng = np.random.default_rng(21)
    x, xq, w, wq, w_tq, b, b_q, yq = quantized_case(rng, dtype, case[0], filter_shape(case), per_channel,
                                                    depthwise=True, extreme_zp=True,
                                                    bias_dtype=np.int64 if dtype == np.int16 else np.int32)
    inputs, options = [x, w, b], options_for(case, "RELU6")
    kwargs = dict(constant_inputs=(1, 2), input_quantization=[xq, w_tq, b_q], output_quantization=yq)
    (ours,) = run_single_op("DEPTHWISE_CONV_2D", inputs, options, **kwargs)
    assert_litert_equal("DEPTHWISE_CONV_2D", inputs, options, ours, **kwargs)


@requires_litert
def test_hybrid_matches_litert_reference_kernels():
    case = DEPTHWISE_CASES[1]  # multiplier 2, stride 2, two images
    rng = np.random.default_rng(22)
    out_c = filter_shape(case)[3]
    x = float_input(rng, case[0], "normal")
    w = random_q(rng, filter_shape(case), np.int8, -127)
    s = rng.uniform(1e-3, 3e-2, out_c).astype(np.float32)
    b = rng.standard_normal(out_c).astype(np.float32)
    inputs, options = [x, w, b], options_for(case, "RELU")
    kwargs = dict(constant_inputs=(1, 2), input_quantization={1: quantization(s, 0, 3)}, output_types=np.float32)
    (ours,) = run_single_op("DEPTHWISE_CONV_2D", inputs, options, **kwargs)
    assert_litert_equal("DEPTHWISE_CONV_2D", inputs, options, ours, **kwargs)


# ---- prepare failures ----
def test_int16_and_hybrid_need_the_option_to_match_the_shapes():
    # LiteRT's int16 and dynamic-range kernels loop over the option's multiplier.
    case = DEPTHWISE_CASES[1]
    rng = np.random.default_rng(8)
    x, xq, w, _, w_tq, b, b_q, yq = quantized_case(rng, np.int16, case[0], filter_shape(case), True, depthwise=True,
                                                   bias_dtype=np.int64)
    with pytest.raises(edgelite.InvalidModelError, match=r"depth_multiplier option is 0 but .* make 2"):
        run_single_op("DEPTHWISE_CONV_2D", [x, w, b], options_for(case, "NONE", multiplier=0), constant_inputs=(1, 2),
                      input_quantization=[xq, w_tq, b_q], output_quantization=yq)
    with pytest.raises(edgelite.InvalidModelError, match=r"depth_multiplier option is 1 but .* make 2"):
        run_single_op("DEPTHWISE_CONV_2D", [float_input(rng, case[0], "normal"), w], options_for(case, "NONE", 1),
                      constant_inputs=(1,), input_quantization={1: w_tq}, output_types=np.float32)


FAILURES = {
    "filter-axis": (dict(wq=quantization([0.01, 0.02], 0, 0)), edgelite.InvalidModelError,
                    r"quantized along dimension 0, expected dimension 3"),
    "filter-channel-count": (dict(wq=quantization([0.01, 0.02, 0.03], 0, 3)),
                             edgelite.InvalidModelError, r"has 3 scales for quantized dimension 3 of size 2"),
    "filter-zero-point": (dict(wq=(0.01, 5)), edgelite.UnsupportedError, r"zero point 5 .* symmetric"),
    "output-zero-point-range": (dict(yq=(0.1, -129)), edgelite.InvalidModelError, r"zero point -129, outside"),
    "int16-bias-int32": (dict(x=np.zeros((1, 4, 4, 2), np.int16), xq=(0.05, 0)), edgelite.UnsupportedError,
                         r"dtypes \(int16, int8, int32\) -> int16 are not supported"),
}


@pytest.mark.parametrize("name", FAILURES)
def test_prepare_failures(name):
    override, error, match = FAILURES[name]
    rng = np.random.default_rng(2)
    parts = dict(x=random_q(rng, (1, 4, 4, 2), np.int8), xq=(0.05, 1), wq=quantization([0.01, 0.02], 0, 3),
                 yq=(0.1, 0))
    parts.update(override)
    w = random_q(rng, (1, 3, 3, 2), np.int8, -127)
    with pytest.raises(error, match=match):
        run_single_op("DEPTHWISE_CONV_2D", [parts["x"], w, np.array([1, 2], np.int32)],
                      conv_options((1, 1), (1, 1), "SAME", "NONE", depth_multiplier=1), constant_inputs=(1, 2),
                      input_quantization=[parts["xq"], parts["wq"], (5e-4, 0)], output_quantization=parts["yq"])
