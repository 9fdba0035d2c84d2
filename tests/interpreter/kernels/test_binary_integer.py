"""ADD, SUB, MUL, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM and PRELU on int8/uint8/int16 tensors: bit for bit
against integer_reference_elementwise (and LiteRT's BUILTIN_REF on some cases when installed), over
broadcasts up to 6-D, fused activations, scales far apart and zero points at the ends of the range, the
int16 power-of-two form of ADD/SUB, threads; and LiteRT's prepare checks as errors."""

import numpy as np
import pytest

import integer_reference_elementwise as ew
import edgelite
from edgelite.errors import EdgeliteError
from edgelite.testing import quantization, run_single_op
from quant_cases import output_scale_for, random_q, random_zero_point
from quant_kernel_checks import check

QTYPES = [np.int8, np.uint8, np.int16]
SHAPES = [((3, 5, 7), (3, 5, 7)), ((2, 1, 5), (1, 4, 5)), ((6,), (1,)), ((1,), (2, 9)), ((2, 3, 1, 4), (3, 5, 1)),
          ((1, 2, 1, 3, 1, 2), (2, 1, 4, 1, 5, 2)), ((4, 1, 3), (5, 1)), ((), ()), ((2, 3, 17), (17,))]
ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1", "TANH"]


def qparams(rng, dtype, low=1e-3, high=0.1, extreme=False):
    return np.float32(np.exp(rng.uniform(np.log(low), np.log(high)))), random_zero_point(rng, dtype, extreme)


def real(q, qp):
    return (np.asarray(q, np.float64) - qp[1]) * float(qp[0])


def cases(rng, dtype):
    """(a, a_qp, b, b_qp, activation) over the shapes: typical and far-apart scales, extreme zero points."""
    for k, (sa, sb) in enumerate(SHAPES):
        extreme = k % 2 == 1
        a_qp = qparams(rng, dtype, extreme=extreme)
        b_qp = qparams(rng, dtype, 1e-4 if k == 2 else 1e-3, 1.0 if k == 3 else 0.1, extreme=extreme)
        yield k, random_q(rng, sa, dtype), a_qp, random_q(rng, sb, dtype), b_qp, ACTIVATIONS[k % len(ACTIVATIONS)]


@pytest.mark.parametrize("op", ["ADD", "SUB"])
@pytest.mark.parametrize("dtype", QTYPES)
def test_add_sub_general_scales(op, dtype):
    rng = np.random.default_rng(len(op) + np.dtype(dtype).itemsize)
    fn = ew.add if op == "ADD" else ew.sub
    for k, a, a_qp, b, b_qp, activation in cases(rng, dtype):
        fa, fb = real(a, a_qp), real(b, b_qp)
        floor = 2 * max(a_qp[0], b_qp[0]) / (1 << (15 if dtype == np.int16 else 20)) * 1.01  # multiplier below 1
        y_qp = (np.float32(max(output_scale_for(fa + fb if op == "ADD" else fa - fb, dtype, [0.5, 1.0, 1.5][k % 3]),
                               floor)), random_zero_point(rng, dtype))
        options = {"fused_activation_function": activation, "pot_scale_int16": False}
        check(op, [a, b], options, fn(a, a_qp, b, b_qp, y_qp, activation=activation, pot_scale_int16=False),
              litert=k in (1, 5) and activation != "TANH", num_threads=1 + k % 3, input_quantization=[a_qp, b_qp],
              output_quantization=y_qp)


@pytest.mark.parametrize("op", ["ADD", "SUB"])
def test_add_sub_int16_power_of_two_scales(op):
    rng = np.random.default_rng(11)
    fn = ew.add if op == "ADD" else ew.sub
    shapes = [((4, 9), (4, 9)), ((3, 1, 5), (3, 1, 5))] + ([((2, 3, 5), (5,)), ((4, 1), (1, 6))] if op == "SUB" else [])
    for k, (sa, sb) in enumerate(shapes):
        for log_a, log_b, activation in [(-12, -12, "NONE"), (-10, -14, "RELU"), (-15, -9, "NONE"), (-8, -8, "RELU6")]:
            a, b = random_q(rng, sa, np.int16), random_q(rng, sb, np.int16)
            a_qp, b_qp, y_qp = (2.0 ** log_a, 0), (2.0 ** log_b, 0), (2.0 ** max(log_a, log_b), 0)
            check(op, [a, b], {"fused_activation_function": activation}, fn(a, a_qp, b, b_qp, y_qp,
                                                                            activation=activation),
                  litert=k == 0, input_quantization=[a_qp, b_qp], output_quantization=y_qp)


def test_add_int16_default_option_with_general_scales():
    # pot_scale_int16 is true by default, but scales that are not powers of two take the general form.
    rng = np.random.default_rng(12)
    a, b = random_q(rng, (3, 7), np.int16), random_q(rng, (7,), np.int16)
    a_qp, b_qp, y_qp = (np.float32(3e-4), 0), (np.float32(1e-4), 0), (np.float32(5e-4), 0)
    check("ADD", [a, b], None, ew.add(a, a_qp, b, b_qp, y_qp), litert=True, input_quantization=[a_qp, b_qp],
          output_quantization=y_qp)


def activation_bounds_fit(activation, qp):
    bounds = {"RELU6": (0.0, 6.0), "RELU_N1_TO_1": (-1.0, 1.0), "RELU": (0.0,)}.get(activation, ())
    return all(abs(np.round(np.float32(v) / np.float32(qp[0]))) <= 2.0 ** 31 for v in bounds)


@pytest.mark.parametrize("dtype", QTYPES)
def test_mul(dtype):
    rng = np.random.default_rng(20 + np.dtype(dtype).itemsize)
    for k, a, a_qp, b, b_qp, activation in cases(rng, dtype):
        y_qp = (output_scale_for(real(a, a_qp) * real(b, b_qp), dtype, [0.3, 1.0, 2.0][k % 3]),
                random_zero_point(rng, dtype))
        if not activation_bounds_fit(activation, y_qp):
            # LiteRT's prepare refuses a fused activation whose bounds do not fit int32 at this scale.
            with pytest.raises(edgelite.InvalidModelError, match="bounds do not fit int32"):
                run_single_op("MUL", [a, b], {"fused_activation_function": activation},
                              input_quantization=[a_qp, b_qp], output_quantization=y_qp)
            continue
        check("MUL", [a, b], {"fused_activation_function": activation},
              ew.mul(a, a_qp, b, b_qp, y_qp, activation=activation), litert=k == 4, num_threads=1 + k % 2,
              input_quantization=[a_qp, b_qp], output_quantization=y_qp)


def test_mul_multiplier_above_one():
    # A narrow output makes s_a s_b / s_y > 1: a positive shift (MUL version 3).
    rng = np.random.default_rng(23)
    a, b = random_q(rng, (5, 8), np.int8, -20, 20), random_q(rng, (8,), np.int8, -20, 20)
    a_qp, b_qp, y_qp = (0.5, 1), (0.25, -2), (0.01, 3)
    check("MUL", [a, b], None, ew.mul(a, a_qp, b, b_qp, y_qp), litert=True, input_quantization=[a_qp, b_qp],
          output_quantization=y_qp)


def test_squared_difference():
    rng = np.random.default_rng(30)
    for k, a, a_qp, b, b_qp, _ in cases(rng, np.int8):
        floor = (2 * max(a_qp[0], b_qp[0])) ** 2 / (1 << 14)  # the output multiplier must be below one
        y_qp = (np.float32(max(output_scale_for((real(a, a_qp) - real(b, b_qp)) ** 2, np.int8, [0.5, 1.0][k % 2]),
                               floor * 1.01)), random_zero_point(rng, np.int8))
        check("SQUARED_DIFFERENCE", [a, b], None, ew.squared_difference(a, a_qp, b, b_qp, y_qp), litert=k == 1,
              input_quantization=[a_qp, b_qp], output_quantization=y_qp)


@pytest.mark.parametrize("op", ["MAXIMUM", "MINIMUM"])
@pytest.mark.parametrize("dtype", QTYPES)
def test_maximum_minimum_compare_raw_values(op, dtype):
    rng = np.random.default_rng(40)
    fn = ew.maximum if op == "MAXIMUM" else ew.minimum
    for k, a, a_qp, b, _, _ in cases(rng, dtype):
        check(op, [a, b], None, fn(a, b), litert=k == 1, input_quantization=[a_qp, a_qp], output_quantization=a_qp)


@pytest.mark.parametrize("dtype", QTYPES)
def test_prelu(dtype):
    rng = np.random.default_rng(90)
    alpha_dtype = np.int8 if dtype == np.int16 else dtype
    for k, (x_shape, alpha_shape) in enumerate([((2, 5, 7, 3), (3,)), ((2, 5, 7, 3), (1, 1, 3)), ((4, 6), (4, 6)),
                                                ((1, 9, 9, 16), (1, 1, 16)), ((3, 1), (1,))]):
        x = random_q(rng, x_shape, dtype)
        alpha = random_q(rng, alpha_shape, alpha_dtype)
        x_qp = qparams(rng, dtype, 1e-3, 0.05, extreme=k == 1)
        a_qp = qparams(rng, alpha_dtype, 1e-3, 1e-2)
        y_qp = (np.float32(x_qp[0] * rng.uniform(0.5, 2.0)), random_zero_point(rng, dtype))
        check("PRELU", [x, alpha], None, ew.prelu(x, x_qp, alpha, a_qp, y_qp), litert=k == 0, num_threads=2,
              constant_inputs=(1,), input_quantization=[x_qp, a_qp], output_quantization=y_qp)


def run(op, a, b, qps, options=None):
    return run_single_op(op, [a, b], options, input_quantization=qps[:2], output_quantization=qps[2])[0]


def test_prepare_refuses_what_litert_refuses():
    z8, z16 = np.zeros((2, 3), np.int8), np.zeros((2, 3), np.int16)
    q = (0.1, 0)
    with pytest.raises(EdgeliteError, match="int8 input 0 'input0' has no quantization parameters"):
        run_single_op("ADD", [z8, z8], input_quantization=[None, q], output_quantization=q)
    with pytest.raises(EdgeliteError, match="output multiplier .* must be below 1"):
        run("ADD", z8, z8, [q, q, (1e-8, 0)])
    with pytest.raises(EdgeliteError, match="output multiplier .* must be below 1"):
        run("SUB", z8, z8, [q, q, (1e-8, 0)])
    with pytest.raises(EdgeliteError, match=r"output multiplier \(2 max\(s_a, s_b\)\)\^2 / \(2\^14 s_y\)"):
        run("SQUARED_DIFFERENCE", z8, z8, [q, q, (1e-7, 0)])
    for op in ("ADD", "SUB", "MUL"):
        with pytest.raises(EdgeliteError, match="int16 input 1 'input1' has zero point 4, expected 0"):
            run(op, z16, z16, [q, (0.1, 4), q], {"pot_scale_int16": False} if op != "MUL" else None)
    with pytest.raises(EdgeliteError, match="one input at the output's scale and the other at a finer one"):
        run("ADD", z16, z16, [(2.0 ** -10, 0), (2.0 ** -12, 0), (2.0 ** -11, 0)])
    with pytest.raises(EdgeliteError, match="needs inputs of one shape"):
        run("ADD", z16, np.zeros(3, np.int16), [(2.0 ** -10, 0)] * 3)
    with pytest.raises(EdgeliteError, match="per-channel quantization"):
        run("MUL", z8, z8, [quantization([0.1, 0.2], [0, 0], 0), q, q])
    for dtype in (np.uint8, np.int16):
        z = np.zeros(3, dtype)
        with pytest.raises(EdgeliteError, match="are not supported"):
            run("SQUARED_DIFFERENCE", z, z, [q, q, q])
    with pytest.raises(EdgeliteError, match="are not supported"):
        run("PRELU", z16, np.zeros(3, np.int16), [q, q, q])
    with pytest.raises(EdgeliteError, match="are not supported"):
        run("ADD", z8, np.zeros((2, 3), np.uint8), [q, q, q])


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL"])
@pytest.mark.parametrize("dtype", QTYPES)
def test_vectorized_rows_equal_the_model_on_every_isa(op, dtype, monkeypatch):
    # Lengths around every vector width (16, 32, 64 lanes) and a long run split across threads; each layout
    # the vectorized rows take (same shape, scalar on either side, b repeating along leading axes), and a long run
    # against a scalar (8 bits: a 256-entry table).
    rng = np.random.default_rng(70 + len(op) + np.dtype(dtype).itemsize)
    fn = {"ADD": ew.add, "SUB": ew.sub, "MUL": ew.mul}[op]
    layouts = [((n,), (n,)) for n in (1, 15, 16, 17, 63, 64, 65, 10007)] + [((40,), (1,)), ((1,), (33,)),
                                                                             ((9, 65), (65,)), ((3, 4, 31), (4, 31)),
                                                                             ((50, 16), (16,)), ((37, 3), (1, 3)),
                                                                             ((300,), (1,)), ((1,), (517,)),
                                                                             ((5000,), (1,)), ((1,), (4099,))]
    for k, (sa, sb) in enumerate(layouts):
        a_qp, b_qp = qparams(rng, dtype, extreme=k % 2 == 1), qparams(rng, dtype)
        a, b = random_q(rng, sa, dtype), random_q(rng, sb, dtype)
        y_scale = output_scale_for(real(a, a_qp) * real(b, b_qp) if op == "MUL" else real(a, a_qp) + real(b, b_qp),
                                   dtype, 1.0)
        if op != "MUL":
            y_scale = np.float32(max(y_scale, 2 * max(a_qp[0], b_qp[0]) / (1 << (15 if dtype == np.int16 else 20))
                                     * 1.01))
        y_qp = (y_scale, random_zero_point(rng, dtype))
        relu6 = k % 3 == 0 and activation_bounds_fit("RELU6", y_qp)
        options = {"fused_activation_function": "RELU6" if relu6 else "NONE"}
        if op != "MUL":
            options["pot_scale_int16"] = False
        expected = fn(a, a_qp, b, b_qp, y_qp, activation=options["fused_activation_function"],
                      **({} if op == "MUL" else {"pot_scale_int16": False}))
        for isa in ("avx512", "avx2", "portable"):
            monkeypatch.setenv("EDGELITE_MAX_ISA", isa)
            check(op, [a, b], options, expected, twins=isa == "portable", num_threads=1 + k % 2,
                  input_quantization=[a_qp, b_qp], output_quantization=y_qp)


# (s_b / s_a, s_y / max(s_a, s_b)): equal scales, b's ratio just below 1/2^k (the small side's shift e = k + 1, up to
# the vector form's limit of 19 and past it), a the finer side, and coarse outputs (output shifts too small for the
# estimate).
PAIR_SCALES = [(1.0, 1.3), (0.7, 1.0), (0.49, 2.0), (1.9, 0.8), (3e-3, 1.0), (2.0 ** -18.5, 1.0), (2.0 ** -19.5, 1.0),
               (2.0 ** -21, 1.0), (0.3, 40.0), (0.8, 2.0 ** 11.3), (250.0, 0.6), (0.5, 1.0), (2.0, 1.0)]


@pytest.mark.parametrize("op", ["ADD", "SUB"])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_add_sub_every_pair_of_8bit_values(op, dtype, monkeypatch):
    # All 65536 (a, b) pairs (a tail of 1 value after the vector steps) under scale ratios that take every branch of
    # the vector arithmetic (optimized/int8_add_sub.h: the estimate, its margin, the exact form, the switch to the
    # exact form on ties of simple ratios) and the cases it leaves to the generic loop; each ISA.
    rng = np.random.default_rng(90 + len(op) + np.dtype(dtype).itemsize)
    fn = ew.add if op == "ADD" else ew.sub
    info = np.iinfo(dtype)
    values = np.arange(info.min, info.max + 1).astype(dtype)
    a = np.concatenate([np.repeat(values, 256), values[:1]])
    b = np.concatenate([np.tile(values, 256), values[-1:]])
    for k, (ratio, out_ratio) in enumerate(PAIR_SCALES):
        s_a = np.float32(0.02 * rng.uniform(0.5, 2.0))
        s_b = np.float32(s_a * ratio)
        a_qp = (s_a, random_zero_point(rng, dtype, k % 2 == 1))
        b_qp = (s_b, random_zero_point(rng, dtype, k % 3 == 1))
        y_qp = (np.float32(max(s_a, s_b) * out_ratio), random_zero_point(rng, dtype, k % 4 == 1))
        activation = "RELU6" if k % 3 == 2 and activation_bounds_fit("RELU6", y_qp) else "NONE"
        options = {"fused_activation_function": activation}
        expected = fn(a, a_qp, b, b_qp, y_qp, activation=activation)
        for isa in ("avx512", "avx2"):
            monkeypatch.setenv("EDGELITE_MAX_ISA", isa)
            check(op, [a, b], options, expected, twins=isa == "avx2" and k < 2, litert=isa == "avx2" and k in (1, 4),
                  num_threads=1 + k % 2, input_quantization=[a_qp, b_qp], output_quantization=y_qp)
