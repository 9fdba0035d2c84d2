"""The element-wise activations on quantized tensors (LOGISTIC, TANH, ELU, GELU, HARD_SWISH, RELU, RELU6,
LEAKY_RELU, RSQRT, SQRT, ABS, NEG on int8 / uint8 / int16 as LiteRT has them): every input value against the NumPy
integer model (integer_reference_elementwise, itself checked against LiteRT's BUILTIN_REF), typical and extreme
scales and zero points; the 8-bit table rows against their reference twins over vector tails, capped ISAs and
threads; LiteRT differentially when installed; and the prepare checks LiteRT makes, as named errors."""

import numpy as np
import pytest

import integer_reference_elementwise as ew
from edgelite.errors import EdgeliteError
from edgelite.testing import quantization, run_single_op, single_op_model
from kernel_twins import needs_vector_kernels, reference_kernels, run_optimized_and_reference
from litert_builtin import requires_litert
from quant_cases import assert_litert_equal, output_scale_for, random_q, random_zero_point

import edgelite

EVERY = {np.dtype(t): np.arange(np.iinfo(t).min, np.iinfo(t).max + 1).astype(t) for t in (np.int8, np.uint8, np.int16)}
TYPE_IDS = {np.int8: "int8", np.uint8: "uint8", np.int16: "int16"}


def every_value(dtype):
    return EVERY[np.dtype(dtype)]


def float_of(q, qp):
    return (np.asarray(q, np.float64) - qp[1]) * float(qp[0])


def qparams(rng, dtype, low, high, extreme=False):
    return np.float32(np.exp(rng.uniform(np.log(low), np.log(high)))), random_zero_point(rng, dtype, extreme)


def model_answer(op, x, x_qp, y_qp, options):
    """The NumPy integer model's output for one op."""
    if op == "LOGISTIC":
        return ew.logistic(x, x_qp, y_qp)
    if op == "TANH":
        return ew.tanh(x, x_qp, y_qp)
    if op == "ELU":
        return ew.lut_activation(ew.elu_f32, x, x_qp, y_qp)
    if op == "GELU":
        transform = ew.gelu_approximate_f32 if options["approximate"] else ew.gelu_f32
        return ew.lut_activation(transform, x, x_qp, y_qp)
    if op == "HARD_SWISH":
        return ew.hard_swish(x, x_qp, y_qp)
    if op in ("RELU", "RELU6"):
        return ew.relu(op, x, x_qp, y_qp)
    if op == "LEAKY_RELU":
        return ew.leaky_relu(x, x_qp, y_qp, options["alpha"])
    if op == "RSQRT":
        return ew.rsqrt(x, x_qp, y_qp)
    if op == "SQRT":
        # LiteRT's float kernel: sqrt of s_x * (q - z_x) in float32, divided by s_y, truncated toward zero.
        real = np.float32(x_qp[0]) * (x.astype(np.int32) - x_qp[1]).astype(np.float32)
        value = np.trunc(np.sqrt(real) / np.float32(y_qp[0])).astype(np.int64) + y_qp[1]
        info = np.iinfo(x.dtype)
        return np.clip(value, info.min, info.max).astype(x.dtype)
    if op == "ABS":
        value = np.abs(x.astype(np.int64) - x_qp[1])
        if np.float32(x_qp[0]) != np.float32(y_qp[0]):
            from integer_reference import multiply_by_quantized_multiplier, quantize_multiplier
            value = multiply_by_quantized_multiplier(value, *quantize_multiplier(
                np.float64(np.float32(x_qp[0]) / np.float32(y_qp[0]))))
        info = np.iinfo(x.dtype)
        return np.clip(value + y_qp[1], info.min, info.max).astype(x.dtype)
    raise ValueError(op)


def cases(op, dtype):
    """(inputs, x_qp, y_qp, options) over typical, narrow and wide scales and extreme zero points."""
    rng = np.random.default_rng(sum(map(ord, op + np.dtype(dtype).name)))
    x = every_value(dtype)
    int16 = np.dtype(dtype) == np.int16
    lo_type = int(np.iinfo(dtype).min)
    if op in ("LOGISTIC", "TANH"):
        if int16:
            for scale in (2.0 ** -12, 2.0 ** -11, 2.0 ** -13, 1 / 3000, 1e-3, 3e-6):
                yield x, (scale, 0), (2.0 ** -15, 0), None
            return
        for k in range(4):
            x_qp = qparams(rng, dtype, 1e-3, 0.5, extreme=k == 3)
            if op == "LOGISTIC":
                y_qp = (1 / 256, lo_type if k < 2 else random_zero_point(rng, dtype))  # the zero point is free
            else:
                y_qp = ([1 / 128, 1 / 100, 1 / 300, 0.02][k], random_zero_point(rng, dtype, extreme=k == 3))
            yield x, x_qp, y_qp, None
    elif op in ("ELU", "GELU"):
        for k in range(3):
            x_qp = qparams(rng, dtype, 1e-4 if int16 else 1e-3, 1e-3 if int16 else 0.1, extreme=k == 2 and not int16)
            low = -1.0 if op == "ELU" else -0.2
            y_qp = (output_scale_for([low, float_of(x, x_qp).max()], dtype, [1.0, 0.5, 2.0][k]),
                    random_zero_point(rng, dtype, extreme=k == 2))
            for approximate in ((False, True) if op == "GELU" else (None,)):
                yield x, x_qp, y_qp, None if approximate is None else {"approximate": approximate}
    elif op == "HARD_SWISH":
        for k in range(5):
            x_qp = qparams(rng, dtype, 1e-3, 0.2, extreme=k == 4)
            y_f = np.array([-0.375, float_of(x, x_qp).max()])
            yield x, x_qp, (output_scale_for(y_f, dtype, [1.0, 0.5, 1.0, 2.0, 1.0][k]),
                            random_zero_point(rng, dtype, extreme=k == 3)), None
    elif op in ("RELU", "RELU6"):
        for k, ratio in enumerate([1.0, 0.6, 3.0, 40.0]):
            x_qp = qparams(rng, dtype, 1e-3, 0.05, extreme=k == 3)
            yield x, x_qp, (np.float32(x_qp[0] * ratio), random_zero_point(rng, dtype, extreme=k == 2)), None
    elif op == "LEAKY_RELU":
        for k, alpha in enumerate([0.2, 0.01, -0.3, 1.7, 0.0]):
            x_qp = qparams(rng, dtype, 1e-3, 0.05, extreme=k == 4)
            y_qp = (np.float32(x_qp[0] * rng.uniform(0.5, 2.0)), random_zero_point(rng, dtype, extreme=k == 1))
            yield x, x_qp, y_qp, {"alpha": alpha}
    elif op == "RSQRT":
        for k in range(4):
            x_qp = qparams(rng, dtype, 1e-3, 0.5, extreme=k == 1)
            valid = x[x >= x_qp[1]]  # negative numbers are refused (test_rsqrt_of_a_negative_number_fails)
            y_f = 1 / np.sqrt(np.maximum(float_of(valid, x_qp), float(x_qp[0])))
            yield valid, x_qp, (output_scale_for([0, y_f.max()], dtype, [1.0, 0.5, 2.0, 1.0][k]),
                                0 if int16 else lo_type), None
    elif op == "SQRT":
        for k in range(4):
            x_qp = qparams(rng, dtype, 1e-4 if int16 else 1e-3, 1e-2 if int16 else 0.5, extreme=k == 1 and not int16)
            if int16:
                x_qp = (x_qp[0], 0)
            valid = x[x >= x_qp[1]]  # negative numbers are refused (test_sqrt_of_a_negative_number_fails)
            y_f = np.sqrt(float_of(valid, x_qp))
            y_qp = (output_scale_for([0, y_f.max()], dtype, [1.0, 0.5, 2.0, 1.0][k]),
                    0 if int16 else random_zero_point(rng, dtype, extreme=k == 2))
            yield valid, x_qp, y_qp, None
    elif op == "ABS":
        for k in range(3):
            x_qp = qparams(rng, dtype, 1e-3, 0.05, extreme=k == 2)
            y_scale = x_qp[0] if k == 0 else np.float32(x_qp[0] * [1, 0.7, 2.5][k])
            yield x, x_qp, (y_scale, random_zero_point(rng, dtype, extreme=k == 1)), None


SUPPORTED = {"LOGISTIC": (np.int8, np.uint8, np.int16), "TANH": (np.int8, np.uint8, np.int16), "ELU": (np.int8,),
             "GELU": (np.int8, np.uint8, np.int16), "HARD_SWISH": (np.int8, np.uint8),
             "RELU": (np.int8, np.uint8, np.int16), "RELU6": (np.int8, np.uint8, np.int16),
             "LEAKY_RELU": (np.int8, np.uint8, np.int16), "RSQRT": (np.int8, np.int16),
             "SQRT": (np.int8, np.int16), "ABS": (np.int8, np.int16)}
OP_TYPES = [pytest.param(op, t, id=f"{op}-{TYPE_IDS[t]}") for op, types in SUPPORTED.items() for t in types]


def run_both(op, x, x_qp, y_qp, options, **kwargs):
    return run_optimized_and_reference(op, [x], options, input_quantization=[x_qp], output_quantization=y_qp,
                                       **kwargs)


@pytest.mark.parametrize("op, dtype", OP_TYPES)
def test_every_value_matches_the_integer_model(op, dtype):
    for x, x_qp, y_qp, options in cases(op, dtype):
        expected = model_answer(op, x, x_qp, y_qp, options)
        (optimized,), (reference,) = run_both(op, x, x_qp, y_qp, options)
        what = f"{op} {np.dtype(dtype).name} x_qp={x_qp} y_qp={y_qp} {options}"
        np.testing.assert_array_equal(reference, expected, err_msg=f"reference: {what}")
        np.testing.assert_array_equal(optimized, expected, err_msg=f"optimized: {what}")


def kernel_name(op, x, x_qp, y_qp, options=None):
    interp = edgelite.Interpreter(model_content=single_op_model(op, [x], options, input_quantization=[x_qp],
                                                                output_quantization=y_qp))
    interp.allocate_tensors()
    return interp._get_ops_details()[0]["kernel"]


@pytest.mark.parametrize("op", [op for op, types in SUPPORTED.items() if np.int8 in types])
@needs_vector_kernels
def test_8bit_inputs_run_the_table_rows(op):
    x, x_qp, y_qp, options = next(cases(op, np.int8))
    assert kernel_name(op, x, x_qp, y_qp, options).startswith("int8 table (")
    with reference_kernels():
        assert kernel_name(op, x, x_qp, y_qp, options) == "int8 (reference)"


@pytest.mark.parametrize("length", [1, 15, 31, 32, 33, 63, 64, 65, 127, 129, 1000])
@pytest.mark.parametrize("op, dtype", [("HARD_SWISH", np.int8), ("GELU", np.uint8), ("LEAKY_RELU", np.int8),
                                       ("TANH", np.int8)])
def test_table_rows_over_vector_tails(op, dtype, length):
    rng = np.random.default_rng(length)
    _, x_qp, y_qp, options = next(cases(op, dtype))
    x = random_q(rng, (length,), dtype)
    (optimized,), (reference,) = run_both(op, x, x_qp, y_qp, options)
    np.testing.assert_array_equal(reference, model_answer(op, x, x_qp, y_qp, options))
    np.testing.assert_array_equal(optimized, reference)


@pytest.mark.parametrize("isa", ["portable", "avx2", "avx512"])
def test_table_rows_under_each_isa(monkeypatch, isa):
    from edgelite import _core
    if isa != "portable" and not _core.cpu_features()[isa]:
        pytest.skip(f"this CPU has no {isa}")
    monkeypatch.setenv("EDGELITE_MAX_ISA", isa)
    rng = np.random.default_rng(3)
    x = random_q(rng, (3, 5, 77), np.int8)
    x_qp, y_qp = (np.float32(0.03), 5), (np.float32(0.02), -7)
    # x86-64's portable build has no vector kernels (optimized/vector_isa.h): a portable cap leaves the reference.
    assert kernel_name("HARD_SWISH", x, x_qp, y_qp) == ("int8 (reference)" if isa == "portable" else f"int8 table ({isa})")
    (optimized,), (reference,) = run_both("HARD_SWISH", x, x_qp, y_qp, None)
    np.testing.assert_array_equal(optimized, reference)
    np.testing.assert_array_equal(reference, ew.hard_swish(x, x_qp, y_qp))


@pytest.mark.parametrize("op, dtype", [("HARD_SWISH", np.int8), ("LOGISTIC", np.int16), ("RELU6", np.uint8)])
def test_threads_do_not_change_values(op, dtype):
    rng = np.random.default_rng(4)
    _, x_qp, y_qp, options = next(cases(op, dtype))
    x = random_q(rng, (5, 300, 211), dtype)
    one = run_single_op(op, [x], options, input_quantization=[x_qp], output_quantization=y_qp)[0]
    two = run_single_op(op, [x], options, input_quantization=[x_qp], output_quantization=y_qp, num_threads=2)[0]
    np.testing.assert_array_equal(one, two)
    np.testing.assert_array_equal(one, model_answer(op, x, x_qp, y_qp, options))


def test_abs_int16_without_quantization_is_plain_abs():
    x = every_value(np.int16)
    (optimized,), (reference,) = run_optimized_and_reference("ABS", [x])
    expected = np.abs(x.astype(np.int32)).astype(np.int16)  # -32768 stays -32768, as LiteRT's
    np.testing.assert_array_equal(optimized, expected)
    np.testing.assert_array_equal(reference, expected)


@pytest.mark.parametrize("dtype", [np.int8, np.int16])
def test_neg_negates_the_integers(dtype):
    # LiteRT's NEG ignores quantization on int8 and int16: a wrapping integer negation.
    x = every_value(dtype)
    expected = (-x.astype(np.int32)).astype(dtype)
    for q in (None, [(0.05, 3 if dtype == np.int8 else 0)]):
        out = run_single_op("NEG", [x], input_quantization=q, output_quantization=q and q[0])[0]
        np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("op", ["RSQRT", "SQRT"])
@pytest.mark.parametrize("dtype", [np.int8, np.int16])
def test_rsqrt_of_a_negative_number_fails(op, dtype):
    # As LiteRT's: an error at invoke, from the table rows and the reference alike.
    x = np.array([10, 4, 2], dtype)
    zero_point = 3 if dtype == np.int8 else 0
    if dtype == np.int16:
        x[2] = -1
    model = single_op_model(op, [x], input_quantization=[(0.1, zero_point)],
                            output_quantization=(0.1, -128 if dtype == np.int8 else 0))

    def invoke():
        interp = edgelite.Interpreter(model_content=model)
        interp.allocate_tensors()
        interp.set_tensor(interp.get_input_details()[0]["index"], x)
        interp.invoke()
    message = f"input value {x[2]} is below the zero point {zero_point}"
    with pytest.raises(EdgeliteError, match=message):
        invoke()
    with reference_kernels(), pytest.raises(EdgeliteError, match=message):
        invoke()


# ---- LiteRT, differentially ----
def litert_resolver(op):
    # ELU has no BUILTIN_REF registration; BUILTIN_REF's ABS stops at version 3, below int16's.
    return "builtin" if op in ("ELU", "ABS") else "reference"


@requires_litert
@pytest.mark.parametrize("op, dtype", OP_TYPES)
def test_matches_litert(op, dtype):
    for x, x_qp, y_qp, options in list(cases(op, dtype))[:2]:
        ours = run_single_op(op, [x], options, input_quantization=[x_qp], output_quantization=y_qp)[0]
        assert_litert_equal(op, [x], options, ours, resolver=litert_resolver(op), input_quantization=[x_qp],
                            output_quantization=y_qp)


@requires_litert
@pytest.mark.parametrize("dtype", [np.int8, np.int16])
def test_neg_matches_litert(dtype):
    x = every_value(dtype)
    q = (0.05, 0)
    ours = run_single_op("NEG", [x], input_quantization=[q], output_quantization=q)[0]
    assert_litert_equal("NEG", [x], None, ours, input_quantization=[q], output_quantization=q)


# ---- prepare checks ----
def allocate(op, x, options=None, **kwargs):
    interp = edgelite.Interpreter(model_content=single_op_model(op, [x], options, **kwargs))
    interp.allocate_tensors()


X8 = np.zeros(4, np.int8)
X16 = np.zeros(4, np.int16)


@pytest.mark.parametrize("op", ["LOGISTIC", "HARD_SWISH", "RELU", "LEAKY_RELU", "RSQRT", "GELU"])
def test_missing_quantization_is_named(op):
    with pytest.raises(EdgeliteError, match=rf"node 0 \({op}\): int8 input 'input0' has no quantization parameters"):
        allocate(op, X8, output_quantization=(1 / 256, -128))
    with pytest.raises(EdgeliteError, match=rf"node 0 \({op}\): int8 output 'output0' has no quantization"):
        allocate(op, X8, input_quantization=[(0.1, 0)])


@pytest.mark.parametrize("scale", [0.0, float("nan"), float("inf"), -0.5])
def test_bad_scales_are_refused(scale):
    with pytest.raises(EdgeliteError, match=r"input 'input0' has quantization scale .*; a scale must be finite and "
                                            r"positive"):
        allocate("TANH", X8, input_quantization=[(scale, 0)], output_quantization=(1 / 128, 0))


def test_zero_point_out_of_range_is_refused():
    with pytest.raises(EdgeliteError, match=r"output 'output0' has zero point 300, outside the range of uint8"):
        allocate("RELU", X8.astype(np.uint8), input_quantization=[(0.1, 0)], output_quantization=(0.1, 300))


def test_per_channel_quantization_is_refused():
    with pytest.raises(EdgeliteError, match=r"input 'input0' has 2 scales \(per-channel quantization\); this "
                                            r"operator needs one"):
        allocate("RELU6", np.zeros((2, 3), np.int8), input_quantization=[quantization([0.1, 0.2], [0, 0], 0)],
                 output_quantization=(0.1, 0))


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH", "RELU", "RELU6", "LEAKY_RELU", "RSQRT", "ABS"])
def test_int16_needs_zero_points_zero(op):
    scale = 2.0 ** -15 if op in ("LOGISTIC", "TANH") else 0.01
    with pytest.raises(EdgeliteError, match=r"int16 input 'input0' has zero point 5, expected 0"):
        allocate(op, X16, {"alpha": 0.1} if op == "LEAKY_RELU" else None, input_quantization=[(0.001, 5)],
                 output_quantization=(scale, 0))
    with pytest.raises(EdgeliteError, match=r"int16 output 'output0' has zero point -3, expected 0"):
        allocate(op, X16, {"alpha": 0.1} if op == "LEAKY_RELU" else None, input_quantization=[(0.001, 0)],
                 output_quantization=(scale, -3))


def test_logistic_output_scale_is_checked():
    with pytest.raises(EdgeliteError, match=r"output 'output0' has scale 0\.00392157; this operator's int8 kernel "
                                            r"needs 1/256"):
        allocate("LOGISTIC", X8, input_quantization=[(0.1, 0)], output_quantization=(1 / 255, -128))
    with pytest.raises(EdgeliteError, match=r"int16 kernel needs 1/32768"):
        allocate("LOGISTIC", X16, input_quantization=[(0.001, 0)], output_quantization=(1 / 32767, 0))
    with pytest.raises(EdgeliteError, match=r"int16 kernel needs 2\^-15"):
        allocate("TANH", X16, input_quantization=[(0.001, 0)], output_quantization=(1 / 30000, 0))
    allocate("TANH", X16, input_quantization=[(0.001, 0)], output_quantization=(2.0 ** -15 * 1.0003, 0))  # as LiteRT


def test_hard_swish_output_scale_below_the_input_scale_over_128_is_refused():
    with pytest.raises(EdgeliteError, match=r"below the input scale / 128"):
        allocate("HARD_SWISH", X8, input_quantization=[(0.5, 0)], output_quantization=(0.001, 0))


@pytest.mark.parametrize("op, dtype", [("ELU", np.uint8), ("ELU", np.int16), ("HARD_SWISH", np.int16),
                                       ("RSQRT", np.uint8)])
def test_types_litert_lacks_are_refused(op, dtype):
    name = np.dtype(dtype).name
    with pytest.raises(EdgeliteError, match=rf"dtypes \({name}\) -> {name} are not supported"):
        allocate(op, np.zeros(4, dtype), input_quantization=[(0.1, 0)], output_quantization=(0.1, 0))
