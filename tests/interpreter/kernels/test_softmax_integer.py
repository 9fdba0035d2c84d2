"""SOFTMAX (int8 -> int8 / int16, uint8 -> uint8 / int16, int16 -> int16) and LOG_SOFTMAX (int8, uint8) on
quantized tensors: against the NumPy integer model (integer_reference_rows, checked against LiteRT's BUILTIN_REF)
over row lengths with tails, input scales and betas that stretch the fixed-point exp, log and reciprocal (every
difference from the row maximum occurs), the table rows against the reference twins, LiteRT when installed,
and LiteRT's prepare checks as named errors."""

import numpy as np
import pytest

import edgelite
import integer_reference_rows as rows
from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op, single_op_model
from kernel_twins import run_optimized_and_reference
from litert_builtin import requires_litert
from quant_cases import assert_litert_equal, random_q, random_zero_point

SHAPES = [(1, 10), (3, 1), (2, 3, 17), (4, 256), (1, 1, 1000), (2, 64), (5, 65)]
# What the output quantization must be (LiteRT only checks int8 -> int8 and int16; the others are assumed).
OUTPUT_Q = {("int8", "int8"): (1 / 256, -128), ("uint8", "uint8"): (1 / 256, 0), ("int8", "int16"): (1 / 65536, -32768),
            ("uint8", "int16"): (1 / 65536, -32768), ("int16", "int16"): (1 / 32768, 0)}
PAIRS = [pytest.param(np.dtype(i).type, np.dtype(o).type, id=f"{i}-{o}") for i, o in OUTPUT_Q]
# (input scale, beta, spread of values below the maximum): narrow rows, all 256 differences, large beta * scale
# (exp saturates to one value), small (diff_min far away), and a scale where diff_min cuts the row.
SCALINGS = [(0.1, 1.0, 40), (0.02, 1.0, 255), (1.0, 0.5, 10), (0.004, 2.0, 255), (0.3, 1.0, 255), (2.0, 3.0, 255)]


def concentrated(rng, shape, dtype, spread):
    """Values within `spread` steps below the top of the range, so several entries of a row matter; the
    first row also holds the extremes."""
    info = np.iinfo(dtype)
    x = rng.integers(max(info.max - spread, info.min), info.max, shape, endpoint=True).astype(dtype)
    x.reshape(-1, shape[-1])[0, 0] = info.min
    return x


def softmax_cases(dtype):
    rng = np.random.default_rng(np.dtype(dtype).itemsize * 31)
    for shape in SHAPES:
        for scale, beta, spread in SCALINGS:
            if np.dtype(dtype) == np.int16:
                scale, spread = scale / 64, spread * 64
            yield concentrated(rng, shape, dtype, spread), (np.float32(scale), random_zero_point(rng, dtype)), beta


def out_q(dtype, out_dtype):
    return OUTPUT_Q[(np.dtype(dtype).name, np.dtype(out_dtype).name)]


@pytest.mark.parametrize("dtype, out_dtype", PAIRS)
def test_softmax_matches_the_integer_model(dtype, out_dtype):
    for x, x_qp, beta in softmax_cases(dtype):
        expected = rows.softmax(x, x_qp, beta, out_dtype)
        (optimized,), (reference,) = run_optimized_and_reference(
            "SOFTMAX", [x], {"beta": beta}, input_quantization=[x_qp], output_quantization=out_q(dtype, out_dtype),
            output_types=out_dtype)
        what = f"shape {x.shape}, x_qp {x_qp}, beta {beta}"
        np.testing.assert_array_equal(reference, expected, err_msg=what)
        np.testing.assert_array_equal(optimized, expected, err_msg=what)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_log_softmax_matches_the_integer_model(dtype):
    rng = np.random.default_rng(np.dtype(dtype).itemsize)
    y_qp = (16 / 256, 127 if dtype == np.int8 else 255)
    for shape in SHAPES:
        for scale, spread in [(0.1, 40), (0.02, 255), (1.0, 10), (0.004, 255), (0.5, 255), (4.0, 255)]:
            x = concentrated(rng, shape, dtype, spread)
            x_qp = (np.float32(scale), random_zero_point(rng, dtype))
            (optimized,), (reference,) = run_optimized_and_reference(
                "LOG_SOFTMAX", [x], None, input_quantization=[x_qp], output_quantization=y_qp)
            expected = rows.log_softmax(x, x_qp)
            np.testing.assert_array_equal(reference, expected, err_msg=f"shape {shape}, x_qp {x_qp}")
            np.testing.assert_array_equal(optimized, expected)


def test_every_difference_and_sum_of_the_fixed_point_functions():
    # One row per difference d in [-255, 0] next to a row maximum, and rows of n equal values (sums of n
    # ones): exp, the reciprocal and the log over their whole 8-bit domain, against the NumPy model. From
    # n = 512 LiteRT's SOFTMAX aborts (a rounding shift past 31 bits); we give the limit, the minimum.
    single = np.full((256, 2), 127, np.int8)
    single[:, 1] = 127 - np.arange(256)
    counts = [np.full((1, n), 5, np.int8) for n in (1, 2, 3, 7, 100, 2049)]
    for scale in (0.004, 0.03, 0.1, 1.0):
        x_qp = (np.float32(scale), 0)
        for x in [single] + counts:
            got = run_single_op("SOFTMAX", [x], {"beta": 1.0}, input_quantization=[x_qp],
                                output_quantization=(1 / 256, -128))[0]
            np.testing.assert_array_equal(got, rows.softmax(x, x_qp, 1.0))
            got = run_single_op("LOG_SOFTMAX", [x], input_quantization=[x_qp], output_quantization=(16 / 256, 127))[0]
            np.testing.assert_array_equal(got, rows.log_softmax(x, x_qp))


def test_softmax_8bit_runs_the_table_rows():
    x = np.zeros((2, 5), np.int8)
    model = single_op_model("SOFTMAX", [x], {"beta": 1.0}, input_quantization=[(0.1, 0)],
                            output_quantization=(1 / 256, -128))
    interp = edgelite.Interpreter(model_content=model)
    interp.allocate_tensors()
    assert interp._get_ops_details()[0]["kernel"].startswith("int8 table (")


def test_threads_do_not_change_values():
    rng = np.random.default_rng(9)
    x = random_q(rng, (300, 77), np.int8)
    kwargs = dict(input_quantization=[(0.05, 1)], output_quantization=(1 / 256, -128))
    one = run_single_op("SOFTMAX", [x], {"beta": 1.0}, **kwargs)[0]
    two = run_single_op("SOFTMAX", [x], {"beta": 1.0}, num_threads=2, **kwargs)[0]
    np.testing.assert_array_equal(one, two)
    np.testing.assert_array_equal(one, rows.softmax(x, (0.05, 1), 1.0))


@requires_litert
@pytest.mark.parametrize("dtype, out_dtype", PAIRS)
def test_softmax_matches_litert(dtype, out_dtype):
    for k, (x, x_qp, beta) in enumerate(softmax_cases(dtype)):
        if k % 5:
            continue
        ours = run_single_op("SOFTMAX", [x], {"beta": beta}, input_quantization=[x_qp],
                             output_quantization=out_q(dtype, out_dtype), output_types=out_dtype)[0]
        assert_litert_equal("SOFTMAX", [x], {"beta": beta}, ours, input_quantization=[x_qp],
                            output_quantization=out_q(dtype, out_dtype), output_types=out_dtype)


@requires_litert
@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_log_softmax_matches_litert(dtype):
    rng = np.random.default_rng(5)
    y_qp = (16 / 256, 127 if dtype == np.int8 else 255)
    for shape in [(2, 3, 17), (1, 1000)]:
        x = concentrated(rng, shape, dtype, 255)
        x_qp = (np.float32(0.05), random_zero_point(rng, dtype))
        ours = run_single_op("LOG_SOFTMAX", [x], input_quantization=[x_qp], output_quantization=y_qp)[0]
        assert_litert_equal("LOG_SOFTMAX", [x], None, ours, input_quantization=[x_qp], output_quantization=y_qp)


# ---- prepare checks ----
def allocate(op, x, options=None, **kwargs):
    interp = edgelite.Interpreter(model_content=single_op_model(op, [x], options, **kwargs))
    interp.allocate_tensors()


def test_int8_output_quantization_is_checked():
    x = np.zeros((1, 4), np.int8)
    with pytest.raises(EdgeliteError, match=r"int8 output 'output0' has zero point 0, expected -128"):
        allocate("SOFTMAX", x, {"beta": 1.0}, input_quantization=[(0.1, 0)], output_quantization=(1 / 256, 0))
    with pytest.raises(EdgeliteError, match=r"int8 output 'output0' has scale 0\.004, expected 1/256"):
        allocate("SOFTMAX", x, {"beta": 1.0}, input_quantization=[(0.1, 0)], output_quantization=(0.004, -128))
    # uint8 and int8 -> int16 outputs are not read (as in LiteRT).
    allocate("SOFTMAX", x.astype(np.uint8), {"beta": 1.0}, input_quantization=[(0.1, 0)],
             output_quantization=(0.5, 3))


def test_int16_quantization_is_checked():
    x = np.zeros((1, 4), np.int16)
    with pytest.raises(EdgeliteError, match=r"int16 input 'input0' has zero point 2, expected 0"):
        allocate("SOFTMAX", x, {"beta": 1.0}, input_quantization=[(0.001, 2)], output_quantization=(1 / 32768, 0))
    with pytest.raises(EdgeliteError, match=r"int16 output 'output0' has scale .*, expected 1/32768"):
        allocate("SOFTMAX", x, {"beta": 1.0}, input_quantization=[(0.001, 0)], output_quantization=(1 / 256, 0))
    with pytest.raises(EdgeliteError, match=r"int16 SOFTMAX takes inputs of rank 1 to 4"):
        allocate("SOFTMAX", np.zeros((1, 1, 1, 1, 4), np.int16), {"beta": 1.0}, input_quantization=[(0.001, 0)],
                 output_quantization=(1 / 32768, 0))


def test_too_small_beta_times_scale_is_refused():
    # LiteRT aborts (QuantizeMultiplierGreaterThanOne); we refuse in prepare.
    with pytest.raises(EdgeliteError, match=r"too small for the fixed-point exp"):
        allocate("SOFTMAX", np.zeros((1, 4), np.int8), {"beta": 1e-9}, input_quantization=[(0.01, 0)],
                 output_quantization=(1 / 256, -128))


def test_log_softmax_output_quantization_is_checked():
    x = np.zeros((1, 4), np.int8)
    with pytest.raises(EdgeliteError, match=r"output 'output0' has scale 0\.1, expected 16/256"):
        allocate("LOG_SOFTMAX", x, input_quantization=[(0.1, 0)], output_quantization=(0.1, 127))
    with pytest.raises(EdgeliteError, match=r"int8 output 'output0' has zero point 0, expected 127"):
        allocate("LOG_SOFTMAX", x, input_quantization=[(0.1, 0)], output_quantization=(16 / 256, 0))
    with pytest.raises(EdgeliteError, match=r"uint8 output 'output0' has zero point 127, expected 255"):
        allocate("LOG_SOFTMAX", x.astype(np.uint8), input_quantization=[(0.1, 0)], output_quantization=(16 / 256, 127))


def test_missing_quantization_is_named():
    with pytest.raises(EdgeliteError, match=r"int8 input 'input0' has no quantization parameters"):
        allocate("SOFTMAX", np.zeros((1, 4), np.int8), {"beta": 1.0}, output_quantization=(1 / 256, -128))
