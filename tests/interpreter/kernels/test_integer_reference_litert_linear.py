"""CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and BATCH_MATMUL, quantized (int8 per-channel and per-tensor,
uint8, int16x8 with int32/int64 bias) and dynamic-range: integer_reference_linear against LiteRT's reference
kernels (BUILTIN_REF), bit for bit, over strides, dilation, padding, groups, depth multipliers, activations,
odd shapes and extreme scales and zero points."""

import numpy as np
import pytest

from integer_reference_linear import (batch_matmul, conv2d, depthwise_conv2d, fully_connected, hybrid_batch_matmul,
                                      hybrid_conv2d, hybrid_depthwise_conv2d, hybrid_fully_connected)
from litert_builtin import requires_litert
from linear_cases import (ACTIVATIONS, BMM_CASES, CONV_CASES, DEPTHWISE_CASES, FC_CASES, conv_id, conv_options,
                          float_input, quantized_case)
from quant_cases import assert_litert_equal, output_scale_for, quantization, random_q, random_zero_point

pytestmark = requires_litert


@pytest.mark.parametrize("case", CONV_CASES, ids=conv_id)
@pytest.mark.parametrize("dtype, per_channel", [(np.int8, True), (np.int8, False), (np.uint8, False),
                                                (np.int16, True)], ids=["int8-pc", "int8-pt", "uint8", "int16x8"])
def test_conv2d(case, dtype, per_channel):
    x_shape, w_shape, stride, dilation, padding = case
    rng = np.random.default_rng(sum(x_shape) * 7 + sum(w_shape) + np.dtype(dtype).itemsize)
    for k, activation in enumerate(ACTIVATIONS):
        bias_dtype = np.int64 if dtype == np.int16 and k % 2 == 0 else np.int32
        x, xq, w, wq, w_tq, b, b_q, yq = quantized_case(rng, dtype, x_shape, w_shape, per_channel,
                                                      spread=[1.0, 0.25, 4.0, 1.0][k], extreme_zp=k == 3,
                                                      bias_dtype=bias_dtype)
        extra = {"quantized_bias_type": "INT32"} if bias_dtype == np.int32 and dtype == np.int16 else {}
        assert_litert_equal("CONV_2D", [x, w, b], conv_options(stride, dilation, padding, activation, **extra),
                            conv2d(x, xq, w, wq, b, yq, stride=stride, dilation=dilation, padding=padding,
                                   activation=activation),
                            constant_inputs=(1, 2), input_quantization=[xq, w_tq, b_q], output_quantization=yq)


@pytest.mark.parametrize("case", DEPTHWISE_CASES, ids=lambda c: f"x{'x'.join(map(str, c[0]))}-k{c[1][0]}{c[1][1]}"
                         f"-m{c[2]}-s{c[3][0]}{c[3][1]}-d{c[4][0]}-{c[5]}")
@pytest.mark.parametrize("dtype, per_channel", [(np.int8, True), (np.int8, False), (np.uint8, False),
                                                (np.int16, True)], ids=["int8-pc", "int8-pt", "uint8", "int16x8"])
def test_depthwise_conv2d(case, dtype, per_channel):
    x_shape, (kh, kw), mult, stride, dilation, padding = case
    w_shape = (1, kh, kw, x_shape[3] * mult)
    rng = np.random.default_rng(sum(x_shape) * 5 + kh + mult + np.dtype(dtype).itemsize)
    for k, activation in enumerate(ACTIVATIONS):
        x, xq, w, wq, w_tq, b, b_q, yq = quantized_case(
            rng, dtype, x_shape, w_shape, per_channel, depthwise=True, spread=[1.0, 0.25, 4.0, 1.0][k],
            extreme_zp=k == 3, bias_dtype=np.int64 if dtype == np.int16 else np.int32)
        options = conv_options(stride, dilation, padding, activation, depth_multiplier=mult)
        assert_litert_equal("DEPTHWISE_CONV_2D", [x, w, b], options,
                            depthwise_conv2d(x, xq, w, wq, b, yq, stride=stride, dilation=dilation,
                                             padding=padding, activation=activation),
                            constant_inputs=(1, 2), input_quantization=[xq, w_tq, b_q], output_quantization=yq)


@pytest.mark.parametrize("case", FC_CASES, ids=lambda c: f"x{'x'.join(map(str, c[0]))}-u{c[1]}-k{int(c[2])}")
@pytest.mark.parametrize("dtype, per_channel", [(np.int8, True), (np.int8, False), (np.uint8, False),
                                                (np.int16, False), (np.int16, True)],
                         ids=["int8-pc", "int8-pt", "uint8", "int16x8-pt", "int16x8-pc"])
def test_fully_connected(case, dtype, per_channel):
    x_shape, units, keep = case
    depth = x_shape[-1]
    rng = np.random.default_rng(sum(x_shape) * 3 + units + np.dtype(dtype).itemsize)
    for k, activation in enumerate(ACTIVATIONS):
        bias_dtype = np.int64 if dtype == np.int16 and k % 2 == 0 else np.int32
        x, xq, w, wq, w_tq, b, b_q, yq = quantized_case(
            rng, dtype, x_shape, (units, 1, 1, depth), per_channel, spread=[1.0, 0.25, 4.0, 1.0][k],
            extreme_zp=k == 3, bias_dtype=bias_dtype)
        w = w.reshape(units, depth)
        if dtype == np.uint8:
            w_tq = (float(wq[0]), wq[1])
        with_bias = k != 1
        options = {"fused_activation_function": activation, "keep_num_dims": keep}
        if dtype == np.int16:
            options["quantized_bias_type"] = "INT64" if bias_dtype == np.int64 else "INT32"
        inputs = [x, w, b if with_bias else None]
        assert_litert_equal("FULLY_CONNECTED", inputs, options,
                            fully_connected(x, xq, w, wq, b if with_bias else None, yq, activation=activation,
                                            keep_num_dims=keep),
                            constant_inputs=(1, 2), input_quantization=[xq, w_tq, b_q], output_quantization=yq)


def test_fully_connected_float_requantization_differs_from_double_rounding():
    # The two formulas (docs/integer_kernels.md) differ on some outputs; LiteRT 2.3.0's reference is the float one.
    rng = np.random.default_rng(0)
    x = random_q(rng, (64, 37), np.int8)
    w = random_q(rng, (23, 37), np.int8, -127)
    b = rng.integers(-5000, 5000, 23).astype(np.int32)
    xq, wq, yq = (np.float32(0.0371), 3), (np.float32(0.00917), 0), (np.float32(0.0713), -7)
    as_float = fully_connected(x, xq, w, wq, b, yq)
    as_double_rounding = fully_connected(x, xq, w, wq, b, yq, formula="double_rounding")
    assert 0 < np.sum(as_float != as_double_rounding) and np.max(np.abs(as_float - as_double_rounding.astype(int))) == 1
    assert_litert_equal("FULLY_CONNECTED", [x, w, b], {}, as_float, constant_inputs=(1, 2),
                        input_quantization=[xq, wq, (float(xq[0]) * float(wq[0]), 0)], output_quantization=yq)



def test_fully_connected_float_requantization_overflow():
    # acc * scale beyond int32: x86's float->int32 conversion gives INT32_MIN, so a large positive value comes out
    # as the minimum (the integer formula, and LiteRT's default kernel, saturate to the maximum instead).
    x, w = np.array([[100, -100, 5, 0]], np.int8), np.array([[127, 127, 1, 1], [-127, 2, 3, 4]], np.int8)
    b, xq, wq, yq = np.zeros(2, np.int32), (1.0, 0), (1.0, 0), (1e-9, 3)
    expected = fully_connected(x, xq, w, wq, b, yq)
    np.testing.assert_array_equal(expected, [[-128, -128]])
    assert fully_connected(x, xq, w, wq, b, yq, formula="double_rounding")[0, 0] == 127
    assert_litert_equal("FULLY_CONNECTED", [x, w, b], {}, expected, constant_inputs=(1, 2),
                        input_quantization=[xq, wq, (1.0, 0)], output_quantization=yq)

@pytest.mark.parametrize("case", BMM_CASES, ids=lambda c: f"{'x'.join(map(str, c[0]))}@{'x'.join(map(str, c[1]))}"
                         f"-{int(c[2])}{int(c[3])}")
@pytest.mark.parametrize("dtype", [np.int8, np.int16], ids=["int8", "int16"])
def test_batch_matmul(case, dtype):
    lhs_shape, rhs_shape, adj_x, adj_y = case
    rng = np.random.default_rng(sum(lhs_shape) + 3 * sum(rhs_shape) + np.dtype(dtype).itemsize)
    for spread, extreme in [(1.0, False), (0.2, True), (5.0, False)]:
        lhs, rhs = random_q(rng, lhs_shape, dtype), random_q(rng, rhs_shape, dtype)
        lq = (np.float32(rng.uniform(1e-3, 1e-1)), random_zero_point(rng, dtype, extreme))
        rq = (np.float32(rng.uniform(1e-3, 1e-1)), random_zero_point(rng, dtype, extreme))
        depth = lhs_shape[-2] if adj_x else lhs_shape[-1]
        peak = float(lq[0]) * float(rq[0]) * (np.iinfo(dtype).max ** 2) * np.sqrt(depth) * 2
        yq = (output_scale_for([-peak, peak], dtype, spread), random_zero_point(rng, dtype, extreme))
        options = {"adj_x": adj_x, "adj_y": adj_y}
        assert_litert_equal("BATCH_MATMUL", [lhs, rhs], options,
                            batch_matmul(lhs, lq, rhs, rq, yq, adj_x=adj_x, adj_y=adj_y),
                            input_quantization=[lq, rq], output_quantization=yq)


def test_batch_matmul_int8_to_int32():
    rng = np.random.default_rng(5)
    lhs, rhs = random_q(rng, (2, 3, 7), np.int8), random_q(rng, (2, 7, 4), np.int8)
    q = (0.05, 0)
    assert_litert_equal("BATCH_MATMUL", [lhs, rhs], {}, batch_matmul(lhs, q, rhs, q, None, output_dtype=np.int32),
                        input_quantization=[q, q], output_types=np.int32)


# ---- dynamic range ----
@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
@pytest.mark.parametrize("per_channel", [False, True], ids=["per-tensor", "per-channel"])
@pytest.mark.parametrize("kind", ["normal", "positive", "zero-row"])
def test_hybrid_fully_connected(asymmetric, per_channel, kind):
    rng = np.random.default_rng(int(asymmetric) + 2 * int(per_channel) + len(kind))
    for x_shape, units, keep, activation in [((4, 37), 19, False, "NONE"), ((2, 3, 16), 7, True, "RELU"),
                                             ((1, 5), 3, False, "RELU6")]:
        x = float_input(rng, x_shape, kind)
        w = random_q(rng, (units, x_shape[-1]), np.int8, -127)
        scales = rng.uniform(1e-3, 3e-2, units if per_channel else 1).astype(np.float32)
        b = rng.standard_normal(units).astype(np.float32)
        w_q = quantization(scales, 0, 0) if per_channel else (float(scales[0]), 0)
        options = {"fused_activation_function": activation, "keep_num_dims": keep,
                   "asymmetric_quantize_inputs": asymmetric}
        assert_litert_equal("FULLY_CONNECTED", [x, w, b], options,
                            hybrid_fully_connected(x, w, scales, b, activation=activation, keep_num_dims=keep,
                                                   asymmetric_quantize_inputs=asymmetric),
                            constant_inputs=(1, 2), input_quantization={1: w_q}, output_types=np.float32)


@pytest.mark.parametrize("scales", ["per-tensor", "per-channel", "equal-per-channel"])
@pytest.mark.parametrize("case", CONV_CASES[:7], ids=conv_id)
def test_hybrid_conv2d(scales, case):
    x_shape, w_shape, stride, dilation, padding = case
    rng = np.random.default_rng(sum(x_shape) + len(scales))
    x = float_input(rng, x_shape, "positive" if scales == "equal-per-channel" else "normal")
    w = random_q(rng, w_shape, np.int8, -127)
    out_c = w_shape[0]
    s = rng.uniform(1e-3, 3e-2, out_c).astype(np.float32)
    if scales == "per-tensor":
        if w_shape[3] != x_shape[3]:
            pytest.skip("LiteRT's prepare refuses a grouped hybrid convolution with one filter scale")
        s = s[:1]
    elif scales == "equal-per-channel":
        s = np.full(out_c, s[0], np.float32)
    w_q = quantization(s, 0, 0) if s.size > 1 else (float(s[0]), 0)
    b = rng.standard_normal(out_c).astype(np.float32)
    for activation in ["NONE", "RELU6"]:
        options = conv_options(stride, dilation, padding, activation)
        assert_litert_equal("CONV_2D", [x, w, b], options,
                            hybrid_conv2d(x, w, s, b, stride=stride, dilation=dilation, padding=padding,
                                          activation=activation),
                            constant_inputs=(1, 2), input_quantization={1: w_q}, output_types=np.float32)


@pytest.mark.parametrize("case", DEPTHWISE_CASES, ids=lambda c: f"x{'x'.join(map(str, c[0]))}-m{c[2]}")
def test_hybrid_depthwise_conv2d(case):
    x_shape, (kh, kw), mult, stride, dilation, padding = case
    rng = np.random.default_rng(sum(x_shape) + mult)
    out_c = x_shape[3] * mult
    x = float_input(rng, x_shape, "normal")
    w = random_q(rng, (1, kh, kw, out_c), np.int8, -127)
    s = rng.uniform(1e-3, 3e-2, out_c).astype(np.float32)
    b = rng.standard_normal(out_c).astype(np.float32)
    for activation in ["NONE", "RELU"]:
        options = conv_options(stride, dilation, padding, activation, depth_multiplier=mult)
        assert_litert_equal("DEPTHWISE_CONV_2D", [x, w, b], options,
                            hybrid_depthwise_conv2d(x, w, s, b, stride=stride, dilation=dilation, padding=padding,
                                                    activation=activation),
                            constant_inputs=(1, 2), input_quantization={1: quantization(s, 0, 3)},
                            output_types=np.float32)


@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
@pytest.mark.parametrize("case", BMM_CASES[:5], ids=lambda c: f"{'x'.join(map(str, c[0]))}@"
                         f"{'x'.join(map(str, c[1]))}-{int(c[2])}{int(c[3])}")
def test_hybrid_batch_matmul(asymmetric, case):
    lhs_shape, rhs_shape, adj_x, adj_y = case
    rng = np.random.default_rng(sum(lhs_shape) + int(asymmetric))
    lhs = float_input(rng, lhs_shape, "normal")
    rhs = random_q(rng, rhs_shape, np.int8, -127)
    s = np.float32(rng.uniform(1e-3, 3e-2))
    options = {"adj_x": adj_x, "adj_y": adj_y, "asymmetric_quantize_inputs": asymmetric}
    assert_litert_equal("BATCH_MATMUL", [lhs, rhs], options,
                        hybrid_batch_matmul(lhs, rhs, s, adj_x=adj_x, adj_y=adj_y,
                                            asymmetric_quantize_inputs=asymmetric),
                        constant_inputs=(1,), input_quantization={1: (float(s), 0)}, output_types=np.float32)
