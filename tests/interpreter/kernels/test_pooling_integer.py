"""AVERAGE_POOL_2D and MAX_POOL_2D on int8, uint8 and int16 (raw values, the output's fused-activation range):
against the NumPy integer model (integer_reference_rows) over filters, strides, SAME/VALID, 1x1, global windows
and channel counts around the vector block (63, 64, 65, 130), every fused activation; the vectorized 8-bit rows
against the reference twins, capped ISAs and threads; LiteRT when installed; prepare checks."""

import numpy as np
import pytest

import edgelite
import integer_reference_rows as rows
from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op, single_op_model
from kernel_twins import run_optimized_and_reference
from litert_builtin import requires_litert
from quant_cases import assert_litert_equal, random_q, random_zero_point

TYPES = [pytest.param(t, id=np.dtype(t).name) for t in (np.int8, np.uint8, np.int16)]
OPS = ["AVERAGE_POOL_2D", "MAX_POOL_2D"]
# (input NHWC, filter, stride, padding)
CASES = [((1, 7, 9, 5), (3, 3), (1, 1), "SAME"), ((2, 8, 8, 3), (2, 2), (2, 2), "VALID"),
         ((1, 11, 10, 17), (3, 3), (2, 2), "SAME"), ((1, 1, 1, 1), (1, 1), (1, 1), "VALID"),
         ((1, 5, 5, 130), (5, 5), (1, 1), "SAME"), ((1, 6, 9, 64), (2, 4), (3, 2), "SAME"),
         ((1, 7, 7, 65), (7, 7), (1, 1), "VALID"), ((2, 4, 6, 63), (2, 2), (1, 1), "VALID"),
         ((1, 3, 3, 8), (5, 5), (2, 2), "SAME")]
ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]


def case_id(case):
    shape, filt, stride, padding = case
    return f"x{'x'.join(map(str, shape))}-f{filt[0]}{filt[1]}-s{stride[0]}{stride[1]}-{padding}"


def options(filt, stride, padding, activation="NONE"):
    return {"padding": padding, "stride_h": stride[0], "stride_w": stride[1], "filter_height": filt[0],
            "filter_width": filt[1], "fused_activation_function": activation}


def model_answer(op, x, qp, filt, stride, padding, activation):
    fn = rows.average_pool if op == "AVERAGE_POOL_2D" else rows.max_pool
    return fn(x, qp, filt, stride, padding, activation)


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dtype", TYPES)
def test_matches_the_integer_model(case, op, dtype):
    shape, filt, stride, padding = case
    rng = np.random.default_rng(sum(shape) + len(op) + np.dtype(dtype).itemsize)
    for activation in ACTIVATIONS:
        x = random_q(rng, shape, dtype)
        qp = (np.float32(rng.uniform(0.005, 0.05)), random_zero_point(rng, dtype, extreme=activation == "RELU6"))
        (optimized,), (reference,) = run_optimized_and_reference(
            op, [x], options(filt, stride, padding, activation), input_quantization=[qp], output_quantization=qp)
        expected = model_answer(op, x, qp, filt, stride, padding, activation)
        np.testing.assert_array_equal(reference, expected, err_msg=activation)
        np.testing.assert_array_equal(optimized, expected, err_msg=activation)


def test_averages_round_half_away_from_zero():
    # Windows of two values summing to odd numbers: every tie, both signs.
    x = np.array([-128, -127, -3, -2, -1, 0, 1, 2, 3, 127], np.int8)
    pairs = np.stack(np.meshgrid(x, x), -1).reshape(1, -1, 2, 1)
    qp = (0.1, 0)
    got = run_single_op("AVERAGE_POOL_2D", [pairs], options((1, 2), (1, 2), "VALID"), input_quantization=[qp],
                        output_quantization=qp)[0]
    total = pairs.astype(np.int64).sum(axis=2, keepdims=True)
    expected = np.where(total > 0, (total + 1) // 2, -((-total + 1) // 2))
    np.testing.assert_array_equal(got, expected.astype(np.int8))


@pytest.mark.parametrize("isa", ["portable", "avx2", "avx512"])
@pytest.mark.parametrize("op", OPS)
def test_vectorized_rows_under_each_isa(monkeypatch, op, isa):
    from edgelite import _core
    if isa != "portable" and not _core.cpu_features()[isa]:
        pytest.skip(f"this CPU has no {isa}")
    monkeypatch.setenv("EDGELITE_MAX_ISA", isa)
    rng = np.random.default_rng(6)
    x = random_q(rng, (1, 9, 9, 131), np.int8)
    qp = (np.float32(0.02), -4)
    opts = options((3, 3), (2, 2), "SAME", "RELU")
    interp = edgelite.Interpreter(model_content=single_op_model(op, [x], opts, input_quantization=[qp],
                                                                output_quantization=qp))
    interp.allocate_tensors()
    # x86-64's portable build has no vector kernels (optimized/vector_isa.h): a portable cap leaves the reference.
    assert interp._get_ops_details()[0]["kernel"] == f"int8 ({'reference' if isa == 'portable' else isa})"
    (optimized,), (reference,) = run_optimized_and_reference(op, [x], opts, input_quantization=[qp],
                                                             output_quantization=qp)
    np.testing.assert_array_equal(optimized, reference)
    np.testing.assert_array_equal(reference, model_answer(op, x, qp, (3, 3), (2, 2), "SAME", "RELU"))


def test_huge_average_windows_take_the_reference_row():
    # The vector average divides in float32, exact below 65536 values a window.
    x = np.zeros((1, 300, 300, 2), np.int8)
    qp = (0.1, 0)
    interp = edgelite.Interpreter(model_content=single_op_model(
        "AVERAGE_POOL_2D", [x], options((300, 300), (1, 1), "VALID"), input_quantization=[qp],
        output_quantization=qp))
    interp.allocate_tensors()
    assert interp._get_ops_details()[0]["kernel"] == "int8 (reference)"


@pytest.mark.parametrize("op", OPS)
def test_threads_do_not_change_values(op):
    rng = np.random.default_rng(8)
    x = random_q(rng, (2, 40, 40, 70), np.uint8)
    qp = (np.float32(0.01), 100)
    opts = options((3, 3), (1, 1), "SAME")
    one = run_single_op(op, [x], opts, input_quantization=[qp], output_quantization=qp)[0]
    two = run_single_op(op, [x], opts, input_quantization=[qp], output_quantization=qp, num_threads=2)[0]
    np.testing.assert_array_equal(one, two)


@requires_litert
@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dtype", TYPES)
def test_matches_litert(case, op, dtype):
    shape, filt, stride, padding = case
    rng = np.random.default_rng(21)
    x = random_q(rng, shape, dtype)
    qp = (np.float32(0.02), random_zero_point(rng, dtype))
    opts = options(filt, stride, padding, "RELU6")
    ours = run_single_op(op, [x], opts, input_quantization=[qp], output_quantization=qp)[0]
    assert_litert_equal(op, [x], opts, ours, input_quantization=[qp], output_quantization=qp)


def test_missing_output_quantization_is_named():
    model = single_op_model("MAX_POOL_2D", [np.zeros((1, 2, 2, 1), np.int8)], options((2, 2), (1, 1), "VALID"),
                            input_quantization=[(0.1, 0)])
    with pytest.raises(EdgeliteError, match=r"node 0 \(MAX_POOL_2D\): int8 output 'output0' has no quantization"):
        edgelite.Interpreter(model_content=model).allocate_tensors()
