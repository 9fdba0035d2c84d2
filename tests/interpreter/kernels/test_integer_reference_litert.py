"""QUANTIZE, DEQUANTIZE and the element-wise operators on quantized tensors: integer_reference and
integer_reference_elementwise against LiteRT's reference kernels (BUILTIN_REF), bit for bit. Unary 8-bit and
int16 operators see every input value; binary ones random values with broadcasting, per-tensor scales far apart
and zero points at the ends of the range. (The filter operators are in test_integer_reference_litert_linear.py,
the row-wise ones in test_integer_reference_litert_rows.py.)"""

import numpy as np
import pytest

import integer_reference_elementwise as ew
from integer_reference import dequantize, quantize, requantize
from litert_builtin import requires_litert
from quant_cases import assert_litert_equal, output_scale_for, quantization, random_q, random_zero_point

pytestmark = requires_litert

EIGHT_BIT = [np.int8, np.uint8]
ALL_VALUES = {np.dtype(t): np.arange(np.iinfo(t).min, np.iinfo(t).max + 1).astype(t)
              for t in (np.int8, np.uint8, np.int16)}


def every_value(dtype):
    return ALL_VALUES[np.dtype(dtype)]


def qparams(rng, dtype, low=1e-3, high=0.1, extreme=False):
    return np.float32(np.exp(rng.uniform(np.log(low), np.log(high)))), random_zero_point(rng, dtype, extreme)


# ---- QUANTIZE / DEQUANTIZE ----
SPECIAL_FLOATS = np.array([0.0, -0.0, 0.5, -0.5, 1.5, -2.5, 0.49999997, 1e10, -1e10, np.inf, -np.inf, np.nan,
                           1e-30], np.float32)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantize_float(dtype):
    rng = np.random.default_rng(np.dtype(dtype).itemsize)
    for scale, zp in [(0.05, random_zero_point(rng, dtype)), (1.0, 0), (1e-5, random_zero_point(rng, dtype, True)),
                      (3.0, random_zero_point(rng, dtype, True))]:
        x = np.concatenate([rng.standard_normal(200).astype(np.float32) * 200 * scale, SPECIAL_FLOATS,
                            (np.arange(-40, 40) + 0.5).astype(np.float32) * np.float32(scale)])
        assert_litert_equal("QUANTIZE", [x], None, quantize(x, scale, zp, dtype), output_types=dtype,
                            output_quantization=(scale, zp))


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantize_float_per_channel(dtype):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 4, 5)).astype(np.float32) * 10
    for axis in range(3):
        scales = rng.uniform(0.01, 0.2, x.shape[axis]).astype(np.float32)
        zps = [random_zero_point(rng, dtype) for _ in scales]
        assert_litert_equal("QUANTIZE", [x], None, quantize(x, scales, zps, dtype, axis=axis), output_types=dtype,
                            output_quantization=quantization(scales, zps, axis))


REQUANTIZE_PAIRS = [(np.int8, np.int8), (np.int8, np.uint8), (np.uint8, np.int8), (np.uint8, np.uint8),
                    (np.int8, np.int16), (np.uint8, np.int16), (np.int16, np.int16), (np.int16, np.int8),
                    (np.int16, np.int32)]


@pytest.mark.parametrize("src, dst", REQUANTIZE_PAIRS, ids=lambda t: np.dtype(t).name)
def test_requantize(src, dst):
    rng = np.random.default_rng(np.dtype(src).itemsize * 10 + np.dtype(dst).itemsize)
    x = every_value(src)
    for ratio in [1.0, 0.37, 2.9, 1 / 256, 200.0]:
        in_q = qparams(rng, src)
        out_zp = 0 if np.dtype(dst) in (np.int16, np.int32) and np.dtype(src) == np.int16 else \
            random_zero_point(rng, dst if np.dtype(dst) != np.int32 else np.int16)
        out_q = (np.float32(in_q[0] * ratio), out_zp)
        if np.dtype(src) == np.int8 and np.dtype(dst) == np.uint8 and ratio == 1.0:
            out_q = (in_q[0], in_q[1] + 128)  # the sign-bit flip special case
        assert_litert_equal("QUANTIZE", [x], None, requantize(x, *in_q, *out_q, dst), output_types=dst,
                            input_quantization=[in_q], output_quantization=out_q)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_dequantize(dtype):
    rng = np.random.default_rng(4)
    x = every_value(dtype)
    for scale in [0.0123, 1e-6, 7.5]:
        zp = random_zero_point(rng, dtype, True)
        assert_litert_equal("DEQUANTIZE", [x], None, dequantize(x, scale, zp), output_types=np.float32,
                            input_quantization=[(scale, zp)])
    if dtype != np.int16:  # LiteRT has no per-channel int16 DEQUANTIZE
        w = random_q(rng, (4, 3, 5), dtype)
        scales = rng.uniform(0.01, 0.2, 3).astype(np.float32)
        zps = [random_zero_point(rng, dtype) for _ in scales]
        assert_litert_equal("DEQUANTIZE", [w], None, dequantize(w, scales, zps, axis=1), output_types=np.float32,
                            input_quantization=[quantization(scales, zps, 1)], constant_inputs=(0,))


# ---- binary arithmetic ----
BROADCAST_SHAPES = [((3, 5, 7), (3, 5, 7)), ((2, 1, 5), (1, 4, 5)), ((6,), (1,)), ((2, 3, 1, 4), (3, 5, 1)),
                    ((1, 2, 1, 3, 1, 2), (2, 1, 4, 1, 5, 2))]
ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]


def binary_cases(rng, dtype, shapes):
    """(a, a_qp, b, b_qp, activation) over broadcast shapes, typical and far-apart scales, extreme zero points."""
    for k, (sa, sb) in enumerate(shapes):
        extreme = k % 2 == 1
        a_qp = qparams(rng, dtype, extreme=extreme)
        b_qp = qparams(rng, dtype, 1e-4 if k == 2 else 1e-3, 1.0 if k == 3 else 0.1, extreme=extreme)
        yield random_q(rng, sa, dtype), a_qp, random_q(rng, sb, dtype), b_qp, ACTIVATIONS[k % 4]


def clip_to(values, dtype):
    return np.clip(values, np.iinfo(dtype).min, np.iinfo(dtype).max).astype(dtype)


def float_of(q, qp):
    return (np.asarray(q, np.float64) - qp[1]) * float(qp[0])


@pytest.mark.parametrize("op", ["ADD", "SUB"])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16], ids=["int8", "uint8", "int16-general"])
def test_add_sub_general_scales(op, dtype):
    rng = np.random.default_rng(len(op) + np.dtype(dtype).itemsize)
    fn = ew.add if op == "ADD" else ew.sub
    for a, a_qp, b, b_qp, activation in binary_cases(rng, dtype, BROADCAST_SHAPES):
        fa, fb = float_of(a, a_qp), float_of(b, b_qp)
        y_f = fa + fb if op == "ADD" else fa - fb
        y_qp = (output_scale_for(y_f, dtype, rng.choice([0.5, 1.0, 1.5])), random_zero_point(rng, dtype))
        if op == "SUB" and 2 * max(a_qp[0], b_qp[0]) / ((1 << (15 if dtype == np.int16 else 20)) * y_qp[0]) >= 1:
            continue
        options = {"fused_activation_function": activation, "pot_scale_int16": False}
        assert_litert_equal(op, [a, b], options, fn(a, a_qp, b, b_qp, y_qp, activation=activation,
                                                    pot_scale_int16=False),
                            input_quantization=[a_qp, b_qp], output_quantization=y_qp)


@pytest.mark.parametrize("op", ["ADD", "SUB"])
def test_add_sub_int16_power_of_two_scales(op):
    rng = np.random.default_rng(11)
    fn = ew.add if op == "ADD" else ew.sub
    for log_a, log_b, activation in [(-12, -12, "NONE"), (-10, -14, "RELU"), (-15, -9, "NONE"), (-8, -8, "RELU6")]:
        a, b = random_q(rng, (4, 9), np.int16), random_q(rng, (4, 9), np.int16)
        a_qp, b_qp, y_qp = (2.0 ** log_a, 0), (2.0 ** log_b, 0), (2.0 ** max(log_a, log_b), 0)
        assert_litert_equal(op, [a, b], {"fused_activation_function": activation},
                            fn(a, a_qp, b, b_qp, y_qp, activation=activation),
                            input_quantization=[a_qp, b_qp], output_quantization=y_qp)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_mul(dtype):
    rng = np.random.default_rng(20 + np.dtype(dtype).itemsize)
    for a, a_qp, b, b_qp, activation in binary_cases(rng, dtype, BROADCAST_SHAPES):
        y_f = float_of(a, a_qp) * float_of(b, b_qp)
        y_qp = (output_scale_for(y_f, dtype, rng.choice([0.3, 1.0, 2.0])), random_zero_point(rng, dtype))
        assert_litert_equal("MUL", [a, b], {"fused_activation_function": activation},
                            ew.mul(a, a_qp, b, b_qp, y_qp, activation=activation),
                            input_quantization=[a_qp, b_qp], output_quantization=y_qp)


def test_squared_difference():
    rng = np.random.default_rng(30)
    for a, a_qp, b, b_qp, _ in binary_cases(rng, np.int8, BROADCAST_SHAPES):
        y_f = (float_of(a, a_qp) - float_of(b, b_qp)) ** 2
        floor = (2 * max(a_qp[0], b_qp[0])) ** 2 / (1 << 14)  # LiteRT needs a multiplier below one
        y_qp = (np.float32(max(output_scale_for(y_f, np.int8, rng.choice([0.5, 1.0])), floor * 1.01)),
                random_zero_point(rng, np.int8))
        assert_litert_equal("SQUARED_DIFFERENCE", [a, b], None, ew.squared_difference(a, a_qp, b, b_qp, y_qp),
                            input_quantization=[a_qp, b_qp], output_quantization=y_qp)


@pytest.mark.parametrize("op", ["MAXIMUM", "MINIMUM"])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_maximum_minimum(op, dtype):
    rng = np.random.default_rng(40)
    fn = ew.maximum if op == "MAXIMUM" else ew.minimum
    for a, a_qp, b, _, _ in binary_cases(rng, dtype, BROADCAST_SHAPES):
        assert_litert_equal(op, [a, b], None, fn(a, b), input_quantization=[a_qp, a_qp], output_quantization=a_qp)


@pytest.mark.parametrize("op", list(ew.COMPARISONS))
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_comparisons(op, dtype):
    rng = np.random.default_rng(50 + len(op))
    for a, a_qp, b, b_qp, _ in binary_cases(rng, dtype, BROADCAST_SHAPES):
        # Input scales must be below one for LiteRT; equal scales (with other zero points) make ties likely.
        b_qp = (a_qp[0], b_qp[1]) if rng.integers(2) else (np.float32(min(b_qp[0], 0.9)), b_qp[1])
        if a.shape == b.shape:  # values next to a's, so that ties and near-ties happen
            b = clip_to(np.round(float_of(a, a_qp) / b_qp[0]) + b_qp[1] + rng.integers(-1, 2, a.shape), dtype)
        else:  # a few values around each zero point
            a = clip_to(a_qp[1] + rng.integers(-4, 5, a.shape), dtype)
            b = clip_to(b_qp[1] + rng.integers(-4, 5, b.shape), dtype)
        assert_litert_equal(op, [a, b], None, ew.compare(op, a, a_qp, b, b_qp), input_quantization=[a_qp, b_qp],
                            output_types=np.bool_)


@pytest.mark.parametrize("dtype", [np.int8, np.int16])
def test_rsqrt(dtype):
    rng = np.random.default_rng(60)
    for k in range(4):
        x_qp = qparams(rng, dtype, 1e-3, 0.5, extreme=k == 1)
        x = every_value(dtype)
        x = x[x >= x_qp[1]]  # LiteRT rejects negative inputs
        y_f = 1 / np.sqrt(np.maximum(float_of(x, x_qp), float(x_qp[0])))
        y_qp = (output_scale_for([0, y_f.max()], dtype, [1.0, 0.5, 2.0, 1.0][k]), 0 if dtype == np.int16 else
                int(np.iinfo(dtype).min))
        assert_litert_equal("RSQRT", [x], None, ew.rsqrt(x, x_qp, y_qp), input_quantization=[x_qp],
                            output_quantization=y_qp)


# ---- activations ----
@pytest.mark.parametrize("op", list(ew.RELU_BOUNDS))
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_relu_family(op, dtype):
    if dtype == np.int16 and op not in ("RELU", "RELU6"):
        pytest.skip(f"LiteRT's {op} has no int16 kernel")
    rng = np.random.default_rng(70 + len(op))
    x = every_value(dtype)
    for ratio in [1.0, 0.6, 3.0]:
        x_qp = qparams(rng, dtype, 1e-3, 0.05)
        y_qp = (np.float32(x_qp[0] * ratio), random_zero_point(rng, dtype))
        assert_litert_equal(op, [x], None, ew.relu(op, x, x_qp, y_qp), input_quantization=[x_qp],
                            output_quantization=y_qp)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_leaky_relu(dtype):
    rng = np.random.default_rng(80)
    x = every_value(dtype)
    for alpha in [0.2, 0.01, -0.3, 1.7]:
        x_qp = qparams(rng, dtype, 1e-3, 0.05)
        y_qp = (np.float32(x_qp[0] * rng.uniform(0.5, 2.0)), random_zero_point(rng, dtype))
        assert_litert_equal("LEAKY_RELU", [x], {"alpha": alpha}, ew.leaky_relu(x, x_qp, y_qp, alpha),
                            input_quantization=[x_qp], output_quantization=y_qp)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_prelu(dtype):
    rng = np.random.default_rng(90)
    alpha_dtype = np.int8 if dtype == np.int16 else dtype
    for x_shape, alpha_shape in [((2, 5, 7, 3), (3,)), ((2, 5, 7, 3), (1, 1, 3)), ((4, 6), (4, 6))]:
        x = random_q(rng, x_shape, dtype)
        alpha = random_q(rng, alpha_shape, alpha_dtype)
        x_qp = qparams(rng, dtype, 1e-3, 0.05)
        a_qp = qparams(rng, alpha_dtype, 1e-3, 1e-2)
        y_qp = (np.float32(x_qp[0] * rng.uniform(0.5, 2.0)), random_zero_point(rng, dtype))
        assert_litert_equal("PRELU", [x, alpha], None, ew.prelu(x, x_qp, alpha, a_qp, y_qp), constant_inputs=(1,),
                            input_quantization=[x_qp, a_qp], output_quantization=y_qp)


@pytest.mark.parametrize("dtype", EIGHT_BIT)
def test_hard_swish(dtype):
    rng = np.random.default_rng(100)
    x = every_value(dtype)
    for k in range(5):
        x_qp = qparams(rng, dtype, 1e-3, 0.2, extreme=k == 4)
        y_f = np.array([-0.375, float_of(x, x_qp).max()])
        y_qp = (output_scale_for(y_f, dtype, [1.0, 0.5, 1.0, 2.0, 1.0][k]), random_zero_point(rng, dtype))
        assert_litert_equal("HARD_SWISH", [x], None, ew.hard_swish(x, x_qp, y_qp), input_quantization=[x_qp],
                            output_quantization=y_qp)


@pytest.mark.parametrize("dtype", EIGHT_BIT)
def test_logistic_8bit(dtype):
    rng = np.random.default_rng(110)
    x = every_value(dtype)
    for k in range(4):
        x_qp = qparams(rng, dtype, 1e-3, 0.5)
        zp = int(np.iinfo(dtype).min) if k < 3 else random_zero_point(rng, dtype)  # the zero point is not checked
        assert_litert_equal("LOGISTIC", [x], None, ew.logistic(x, x_qp, (1 / 256, zp)), input_quantization=[x_qp],
                            output_quantization=(1 / 256, zp))


@pytest.mark.parametrize("dtype", EIGHT_BIT)
def test_tanh_8bit(dtype):
    rng = np.random.default_rng(120)
    x = every_value(dtype)
    for y_scale in [1 / 128, 1 / 100, 1 / 300]:
        x_qp = qparams(rng, dtype, 1e-3, 0.5)
        y_qp = (y_scale, 0 if dtype == np.int8 else 128)
        assert_litert_equal("TANH", [x], None, ew.tanh(x, x_qp, y_qp), input_quantization=[x_qp],
                            output_quantization=y_qp)


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH"])
@pytest.mark.parametrize("x_scale", [2.0 ** -12, 2.0 ** -11, 2.0 ** -13, 1 / 3000, 1e-3, 3e-6],
                         ids=["pot12", "pot11", "pot13", "1|3000", "1e-3", "3e-6"])
def test_logistic_tanh_int16(op, x_scale):
    x = every_value(np.int16)
    fn = ew.logistic if op == "LOGISTIC" else ew.tanh
    assert_litert_equal(op, [x], None, fn(x, (x_scale, 0), (2.0 ** -15, 0)), input_quantization=[(x_scale, 0)],
                        output_quantization=(2.0 ** -15, 0))


def test_elu_int8():
    # ELU has no BUILTIN_REF registration: the builtin kernel (the same table) is the reference here.
    rng = np.random.default_rng(130)
    x = every_value(np.int8)
    for _ in range(3):
        x_qp = qparams(rng, np.int8, 1e-3, 0.1)
        y_qp = (output_scale_for([-1.0, float_of(x, x_qp).max()], np.int8), random_zero_point(rng, np.int8))
        assert_litert_equal("ELU", [x], None, ew.lut_activation(ew.elu_f32, x, x_qp, y_qp), resolver="builtin",
                            input_quantization=[x_qp], output_quantization=y_qp)


@pytest.mark.parametrize("approximate", [False, True], ids=["erf", "tanh"])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_gelu(approximate, dtype):
    rng = np.random.default_rng(140 + int(approximate))
    x = every_value(dtype)
    transform = ew.gelu_approximate_f32 if approximate else ew.gelu_f32
    for _ in range(3):
        x_qp = qparams(rng, dtype, 1e-4 if dtype == np.int16 else 1e-3, 1e-3 if dtype == np.int16 else 0.1)
        y_qp = (output_scale_for([-0.2, float_of(x, x_qp).max()], dtype), random_zero_point(rng, dtype))
        assert_litert_equal("GELU", [x], {"approximate": approximate},
                            ew.lut_activation(transform, x, x_qp, y_qp),
                            input_quantization=[x_qp], output_quantization=y_qp)
