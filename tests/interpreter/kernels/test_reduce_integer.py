"""MEAN, SUM, REDUCE_MAX, REDUCE_MIN (int8, uint8, int16) and REDUCE_PROD (int8, int16) on quantized tensors:
against the NumPy integer model (integer_reference_rows) over axes (negative, repeated, all, the golden models'
[1, 2] and [-1] with and without keep_dims), channel counts with vector tails, and scale ratios that saturate;
the vectorized rows against the reference twins and over threads; LiteRT when installed; prepare checks.
MEAN is LiteRT's reference algorithm on every shape (BUILTIN_REF never takes its default kernel's second
one); SUM of int8 / int16 is the default kernel's float formula, since BUILTIN_REF reads those as uint8."""

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
# (input shape, axes, keep_dims)
CASES = [((2, 5, 7, 3), [1, 2], True), ((2, 5, 7, 3), [1, 2], False), ((1, 7, 7, 1280), [1, 2], False),
         ((1, 3, 3, 65), [2, 1], True), ((3, 17), [1], False), ((3, 17), [-1, 1], True), ((1, 16, 129), [-1], True),
         ((4, 3, 2), [0, 2], False), ((2, 3, 4, 5), [0, 1, 2, 3], False), ((1, 1, 1, 1), [1, 2], True),
         ((2, 64, 3), [1], True), ((5, 6), [], False)]


def case_id(case):
    return f"{'x'.join(map(str, case[0]))}-a{''.join(map(str, case[1])) or 'none'}-k{int(case[2])}"


def reduced_count(shape, axes):
    return int(np.prod([shape[a] for a in {a % len(shape) for a in axes}]))


def run_both(op, x, axes, keep, x_qp, y_qp, **kwargs):
    (optimized,), (reference,) = run_optimized_and_reference(
        op, [x, np.array(axes, np.int32)], {"keep_dims": keep}, constant_inputs=(1,), input_quantization={0: x_qp},
        output_quantization=y_qp, **kwargs)
    return optimized, reference


def check(op, x, axes, keep, x_qp, y_qp, expected):
    optimized, reference = run_both(op, x, axes, keep, x_qp, y_qp)
    what = f"{op} {x.dtype} {x.shape} axes {axes} keep {keep} x_qp {x_qp} y_qp {y_qp}"
    np.testing.assert_array_equal(reference, expected, err_msg=what)
    np.testing.assert_array_equal(optimized, expected, err_msg=what)


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("dtype", TYPES)
def test_mean(case, dtype):
    shape, axes, keep = case
    rng = np.random.default_rng(len(shape) + np.dtype(dtype).itemsize + len(axes))
    for ratio in [1.0, 0.3, 2.5, 1 / 64]:
        x = random_q(rng, shape, dtype)
        x_qp = (np.float32(rng.uniform(1e-3, 0.1)), random_zero_point(rng, dtype, extreme=ratio == 2.5))
        y_qp = (np.float32(x_qp[0] * ratio), random_zero_point(rng, dtype))
        check("MEAN", x, axes, keep, x_qp, y_qp, rows.mean(x, x_qp, y_qp, axes, keep))


def sum_qparams(rng, shape, axes, dtype, ratio):
    x_qp = (np.float32(rng.uniform(1e-3, 0.1)), random_zero_point(rng, dtype))
    return x_qp, (np.float32(x_qp[0] * np.sqrt(reduced_count(shape, axes)) * ratio), random_zero_point(rng, dtype))


@pytest.mark.parametrize("case", [c for c in CASES if c[1]], ids=case_id)
@pytest.mark.parametrize("dtype", TYPES)
def test_sum(case, dtype):
    shape, axes, keep = case
    rng = np.random.default_rng(len(shape) * 7 + np.dtype(dtype).itemsize)
    fn = rows.reduce_sum if dtype == np.uint8 else rows.reduce_sum_optimized
    for ratio in [1.0, 0.5, 4.0, 0.05]:
        x = random_q(rng, shape, dtype)
        x_qp, y_qp = sum_qparams(rng, shape, axes, dtype, ratio)
        check("SUM", x, axes, keep, x_qp, y_qp, fn(x, x_qp, y_qp, axes, keep))


@pytest.mark.parametrize("op", ["REDUCE_MAX", "REDUCE_MIN"])
@pytest.mark.parametrize("case", [c for c in CASES if c[1]], ids=case_id)
@pytest.mark.parametrize("dtype", TYPES)
def test_max_min(op, case, dtype):
    shape, axes, keep = case
    rng = np.random.default_rng(len(shape) * 5 + np.dtype(dtype).itemsize)
    x = random_q(rng, shape, dtype)
    qp = (np.float32(0.05), random_zero_point(rng, dtype))
    fn = np.max if op == "REDUCE_MAX" else np.min
    expected = fn(x, axis=tuple(sorted({a % x.ndim for a in axes})), keepdims=keep)
    check(op, x, axes, keep, qp, qp, expected)


@pytest.mark.parametrize("case", [c for c in CASES if c[1] and c[0] != (1, 7, 7, 1280)], ids=case_id)
@pytest.mark.parametrize("dtype", [pytest.param(np.int8, id="int8"), pytest.param(np.int16, id="int16")])
def test_prod(case, dtype):
    shape, axes, keep = case
    rng = np.random.default_rng(len(shape) * 11 + np.dtype(dtype).itemsize)
    for y_scale in [0.1, 0.5, 3.0]:
        zp = 0 if dtype == np.int16 else int(rng.integers(-5, 6))
        x = (rng.integers(-20, 21, shape) + zp).astype(dtype)
        x_qp = (np.float32(rng.uniform(0.02, 0.2)), zp)
        y_qp = (np.float32(y_scale), 0 if dtype == np.int16 else random_zero_point(rng, dtype))
        check("REDUCE_PROD", x, axes, keep, x_qp, y_qp, rows.reduce_prod(x, x_qp, y_qp, axes, keep))


@pytest.mark.parametrize("op", ["MEAN", "SUM", "REDUCE_MAX"])
def test_vectorized_rows_are_chosen(op):
    x = np.zeros((1, 7, 7, 96), np.int8)
    model = single_op_model(op, [x, np.array([1, 2], np.int32)], {"keep_dims": True}, constant_inputs=(1,),
                            input_quantization={0: (0.1, 0)}, output_quantization=(0.1, 0))
    interp = edgelite.Interpreter(model_content=model)
    interp.allocate_tensors()
    assert not interp._get_ops_details()[0]["kernel"].endswith("(reference)")


@pytest.mark.parametrize("op", ["MEAN", "SUM", "REDUCE_MIN"])
def test_threads_do_not_change_values(op):
    rng = np.random.default_rng(2)
    x = random_q(rng, (4, 40, 40, 33), np.int8)
    kwargs = dict(constant_inputs=(1,), input_quantization={0: (0.02, 3)},
                  output_quantization=(0.02, 3) if op == "REDUCE_MIN" else (0.05, -2))
    inputs = [x, np.array([1, 2], np.int32)]
    one = run_single_op(op, inputs, {"keep_dims": False}, **kwargs)[0]
    two = run_single_op(op, inputs, {"keep_dims": False}, num_threads=2, **kwargs)[0]
    np.testing.assert_array_equal(one, two)


@pytest.mark.parametrize("op, fill", [("MEAN", 0), ("SUM", -2), ("REDUCE_MAX", -128), ("REDUCE_MIN", 127),
                                      ("REDUCE_PROD", -2)])
def test_empty_input(op, fill):
    # MEAN gives LiteRT's integer NaN (0), SUM the output zero point, MAX/MIN the fold's start; LiteRT leaves
    # an empty REDUCE_PROD's output unwritten, we give the zero point.
    x = np.zeros((0, 3), np.int8)
    y_qp = (0.1, 0) if op.startswith("REDUCE_M") else (0.1, -2)
    for outputs in run_both(op, x, [0], False, (0.1, 0), y_qp):
        np.testing.assert_array_equal(outputs, np.full(3, fill, np.int8))


# ---- LiteRT ----
@requires_litert
@pytest.mark.parametrize("case", CASES[:8], ids=case_id)
@pytest.mark.parametrize("dtype", TYPES)
def test_matches_litert(case, dtype):
    shape, axes, keep = case
    rng = np.random.default_rng(17)
    x = random_q(rng, shape, dtype)
    kw = dict(constant_inputs=(1,))
    inputs = [x, np.array(axes, np.int32)]
    x_qp = (np.float32(0.03), random_zero_point(rng, dtype))
    y_qp = (np.float32(0.05), random_zero_point(rng, dtype))
    for op, out_qp, resolver in [("MEAN", y_qp, "reference"), ("REDUCE_MAX", x_qp, "reference"),
                                 ("REDUCE_MIN", x_qp, "reference"),
                                 # int8 / int16 SUM: LiteRT's default kernel (its reference one is broken)
                                 ("SUM", sum_qparams(rng, shape, axes, dtype, 1.0)[1],
                                  "reference" if dtype == np.uint8 else "builtin"),
                                 ("REDUCE_PROD", y_qp, "reference")]:
        if op == "REDUCE_PROD" and dtype == np.uint8:
            continue
        data = inputs if op != "REDUCE_PROD" else [np.clip(x, -3, 3).astype(dtype), inputs[1]]
        ours = run_single_op(op, data, {"keep_dims": keep}, input_quantization={0: x_qp},
                             output_quantization=out_qp, **kw)[0]
        assert_litert_equal(op, data, {"keep_dims": keep}, ours, resolver=resolver, input_quantization={0: x_qp},
                            output_quantization=out_qp, **kw)


# ---- prepare checks ----
def allocate(op, x, axes=(1,), **kwargs):
    model = single_op_model(op, [x, np.array(axes, np.int32)], {"keep_dims": False}, constant_inputs=(1,), **kwargs)
    edgelite.Interpreter(model_content=model).allocate_tensors()


@pytest.mark.parametrize("op", ["MEAN", "SUM", "REDUCE_PROD"])
def test_missing_quantization_is_named(op):
    with pytest.raises(EdgeliteError, match=rf"node 0 \({op}\): int8 output 'output0' has no quantization"):
        allocate(op, np.zeros((2, 3), np.int8), input_quantization={0: (0.1, 0)})


@pytest.mark.parametrize("op", ["MEAN", "SUM", "REDUCE_PROD"])
def test_int16_needs_zero_points_zero(op):
    with pytest.raises(EdgeliteError, match=r"int16 input 'input0' has zero point 4, expected 0"):
        allocate(op, np.zeros((2, 3), np.int16), input_quantization={0: (0.1, 4)}, output_quantization=(0.1, 0))


@pytest.mark.parametrize("op", ["REDUCE_MAX", "REDUCE_MIN"])
def test_max_min_need_equal_quantization(op):
    with pytest.raises(EdgeliteError, match=r"this operator needs them equal"):
        allocate(op, np.zeros((2, 3), np.int8), input_quantization={0: (0.1, 0)}, output_quantization=(0.2, 0))
    allocate(op, np.zeros((2, 3), np.int8))  # no quantization on either side: raw integers


def test_unquantized_int8_prod_is_refused():
    with pytest.raises(EdgeliteError, match=r"input has quantization parameters"):
        allocate("REDUCE_PROD", np.zeros((2, 3), np.int8))
