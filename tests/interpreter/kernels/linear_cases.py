"""Shared by the tests of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and BATCH_MATMUL in their integer and
dynamic-range forms (test_*_integer.py, test_integer_reference_litert_linear.py): option dicts, quantized tensors
with their quantization (typical and extreme), float inputs for the dynamic-range kernels, and the shape cases
that reach strides, dilation, padding, groups, depth multipliers, broadcasting and odd sizes. A plain module,
like quant_cases."""

import numpy as np

import edgelite
from edgelite.testing import single_op_model
from kernel_twins import reference_kernels, run_optimized_and_reference
from quant_kernel_checks import assert_bit_equal
from quant_cases import output_scale_for, quantization, random_q, random_zero_point

ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]


def conv_options(stride, dilation, padding, activation, **extra):
    return {"padding": padding, "stride_h": stride[0], "stride_w": stride[1], "dilation_h_factor": dilation[0],
            "dilation_w_factor": dilation[1], "fused_activation_function": activation, **extra}


def filter_quantization(rng, dtype, channels, per_channel, axis):
    scales = rng.uniform(4e-3, 2e-2, channels if per_channel else 1).astype(np.float32)
    zero_point = random_zero_point(rng, np.uint8) if dtype == np.uint8 else 0
    return scales, zero_point, (quantization(scales, zero_point, axis) if per_channel else
                                (float(scales[0]), zero_point))


def bias_for(rng, x_scale, w_scales, channels, dtype=np.int32):
    """A bias quantized with scale s_x * s_w (per channel), values of the order of a few accumulations."""
    scales = np.float32(x_scale) * np.broadcast_to(w_scales, (channels,)).astype(np.float32)
    values = rng.integers(-20000, 20000, channels).astype(dtype)
    axis = 0 if np.size(w_scales) > 1 else None
    return values, quantization(scales, 0, axis) if axis is not None else (float(scales[0]), 0)


def quantized_case(rng, dtype, x_shape, w_shape, per_channel, depthwise=False, spread=1.0, extreme_zp=False,
                   bias_dtype=np.int32):
    """Input, filter and bias tensors with their quantization, and an output quantization sized to the float
    result's range (times `spread`)."""
    x = random_q(rng, x_shape, dtype)
    x_scale = np.float32(rng.uniform(5e-3, 5e-2))
    x_zp = random_zero_point(rng, dtype, extreme_zp)
    channels = w_shape[3] if depthwise else w_shape[0]
    w_scales, w_zp, w_q = filter_quantization(rng, dtype, channels, per_channel, 3 if depthwise else 0)
    w = random_q(rng, w_shape, np.uint8 if dtype == np.uint8 else np.int8,
                 None if dtype == np.uint8 else -127)
    b, b_q = bias_for(rng, x_scale, w_scales, channels, bias_dtype)
    depth = np.prod(w_shape[1:3]) * (1 if depthwise else w_shape[3])
    # Three standard deviations of a sum of `depth` products of uniform values (8-bit: about 74 * 73 each;
    # int16 inputs are 256 times wider).
    x_spread = 18918 if dtype == np.int16 else 74
    y_range = float(x_scale) * float(np.median(w_scales)) * x_spread * 73 * np.sqrt(depth) * 3
    y_scale = output_scale_for([-y_range, y_range], dtype, spread)
    y_zp = random_zero_point(rng, dtype, extreme_zp)
    return x, (x_scale, x_zp), w, (w_scales if per_channel else w_scales[0], w_zp), w_q, b, b_q, (y_scale, y_zp)


# (input NHWC, filter [out_c, kh, kw, in_c / groups], stride, dilation, padding)
CONV_CASES = [
    ((1, 7, 9, 5), (7, 3, 3, 5), (1, 1), (1, 1), "SAME"),
    ((2, 13, 13, 16), (31, 3, 3, 16), (1, 2), (1, 1), "VALID"),
    ((1, 1, 1, 1), (1, 1, 1, 1), (1, 1), (1, 1), "SAME"),
    ((1, 6, 8, 2), (3, 4, 4, 2), (2, 2), (1, 1), "SAME"),
    ((1, 13, 15, 6), (10, 3, 3, 6), (1, 1), (2, 2), "SAME"),
    ((1, 12, 12, 3), (5, 3, 2, 3), (2, 1), (2, 3), "VALID"),
    ((1, 8, 8, 8), (12, 3, 3, 4), (1, 1), (1, 1), "SAME"),   # two groups
    ((1, 5, 5, 17), (33, 1, 1, 17), (1, 1), (1, 1), "VALID"),
    ((1, 2, 3, 4), (5, 5, 5, 4), (1, 1), (1, 1), "SAME"),    # windows larger than the input
]


def conv_id(case):
    x, w, s, d, p = case
    return f"x{'x'.join(map(str, x))}-w{'x'.join(map(str, w))}-s{s[0]}{s[1]}-d{d[0]}{d[1]}-{p}"


# (input NHWC, kernel (kh, kw), depth multiplier, stride, dilation, padding)
DEPTHWISE_CASES = [
    ((1, 7, 9, 5), (3, 3), 1, (1, 1), (1, 1), "SAME"),
    ((2, 11, 10, 3), (3, 3), 2, (2, 2), (1, 1), "SAME"),
    ((1, 9, 9, 4), (5, 5), 1, (1, 1), (2, 2), "VALID"),
    ((1, 1, 1, 1), (1, 1), 3, (1, 1), (1, 1), "SAME"),
    ((1, 6, 8, 7), (2, 4), 1, (2, 1), (1, 1), "SAME"),
    ((1, 16, 16, 17), (3, 3), 1, (2, 2), (1, 1), "VALID"),
]


# (input shape, units, keep_num_dims)
FC_CASES = [((3, 37), 23, False), ((1, 1), 1, False), ((2, 5, 16), 17, True), ((2, 5, 16), 8, False),
            ((64, 33), 31, False)]


# (lhs shape, rhs shape, adj_x, adj_y)
BMM_CASES = [((2, 3, 5), (2, 5, 4), False, False), ((1, 7, 9), (9, 3), False, False),
             ((3, 1, 4, 6), (2, 6, 5), False, False), ((2, 6, 3), (2, 4, 6), True, True),
             ((1, 1, 1), (1, 1, 1), False, False), ((4, 8, 17), (4, 13, 17), False, True)]


def depthwise_id(case):
    x, (kh, kw), mult, s, d, p = case
    return f"x{'x'.join(map(str, x))}-k{kh}{kw}-m{mult}-s{s[0]}{s[1]}-d{d[0]}-{p}"


def fc_id(case):
    x, units, keep = case
    return f"x{'x'.join(map(str, x))}-u{units}-k{int(keep)}"


def bmm_id(case):
    lhs, rhs, adj_x, adj_y = case
    return f"{'x'.join(map(str, lhs))}@{'x'.join(map(str, rhs))}-{int(adj_x)}{int(adj_y)}"


def float_input(rng, shape, kind):
    """Float inputs: normal, all positive (asymmetric zero point at an end), and containing an all-zero row."""
    x = rng.standard_normal(shape).astype(np.float32) * 3
    if kind == "positive":
        x = np.abs(x) + 0.5
    elif kind == "zero-row":
        x.reshape(shape[0], -1)[0] = 0
    return x


def check_both_kernels(op, inputs, options, expected, **kwargs):
    """Runs the one-op model with the optimized rows and with their reference twins; both must equal `expected`
    bit for bit."""
    optimized, reference = run_optimized_and_reference(op, inputs, options, **kwargs)
    assert_bit_equal(reference[0], expected, f"{op} reference kernel")
    assert_bit_equal(optimized[0], expected, f"{op} optimized kernel")


def chosen_kernel(op, inputs, options, **kwargs):
    """The variant name prepare chose for the one-op model's node, with the reference rows only."""
    with reference_kernels():
        interp = edgelite.Interpreter(model_content=single_op_model(op, inputs, options, **kwargs))
        interp.allocate_tensors()
    return interp._get_ops_details()[0]["kernel"]
