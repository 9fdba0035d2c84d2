"""MEAN, SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN: axes (negative, repeated, unordered, empty, all),
keep_dims, float32/int32/int64, empty inputs, NaNs and signed zeros, against NumPy; the optimized layout
against the reference twin; LiteRT's builtin kernels; folding; prepare failures."""

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from kernel_twins import run_optimized_and_reference
from litert_builtin import requires_litert, run_litert_builtin

OPS = ["SUM", "MEAN", "REDUCE_PROD", "REDUCE_MAX", "REDUCE_MIN"]
FLOAT_TOL = dict(rtol=1e-5, atol=1e-5)  # float32 sums of a few hundred terms against float64 NumPy
PROD_TOL = dict(rtol=1e-4, atol=1e-30)  # products of a few hundred terms, each rounding once


def reduce(op, x, axes, keep_dims, *, axis_dtype=np.int32, num_threads=1):
    return run_single_op(op, [x, np.asarray(axes, dtype=axis_dtype)], {"keep_dims": keep_dims},
                         constant_inputs=[1], num_threads=num_threads)[0]


def normalized_axes(x, axes):
    return tuple(sorted({a % x.ndim for a in np.atleast_1d(axes).tolist()})) if x.ndim else ()


def numpy_fold(x, axes, keep_dims, combine, start):
    """The in-order fold .tflite's MAX and MIN are: inputs of each output in increasing input order,
    acc = combine(acc, x), so NaNs and signed zeros come out as the kernels give them."""
    axes = normalized_axes(x, axes)
    kept = [a for a in range(x.ndim) if a not in axes]
    rows = np.transpose(x, kept + list(axes)).reshape(int(np.prod([x.shape[a] for a in kept])), -1)
    acc = np.full(rows.shape[0], start, dtype=x.dtype)
    with np.errstate(invalid="ignore"):
        for k in range(rows.shape[1]):
            acc = combine(acc, rows[:, k])
    shape = [1 if a in axes else x.shape[a] for a in range(x.ndim)] if keep_dims else [x.shape[a] for a in kept]
    return acc.reshape(shape)


def fold_start(op, dtype):
    if np.issubdtype(dtype, np.floating):
        return -np.inf if op == "REDUCE_MAX" else np.inf
    return np.iinfo(dtype).min if op == "REDUCE_MAX" else np.iinfo(dtype).max


def numpy_reduce(op, x, axes, keep_dims):
    """NumPy's reduction with .tflite's axis rules (negative and repeated axes; an empty list reduces
    nothing); integer MEAN divides with truncation toward zero; integer SUM and PROD wrap."""
    if op in ("REDUCE_MAX", "REDUCE_MIN"):
        combine = (lambda a, v: np.where(a > v, a, v)) if op == "REDUCE_MAX" else (lambda a, v: np.where(a < v, a, v))
        return numpy_fold(x, axes, keep_dims, combine, fold_start(op, x.dtype))
    axes = normalized_axes(x, axes)
    if np.issubdtype(x.dtype, np.integer):
        if op == "REDUCE_PROD":
            return np.prod(x.astype(np.int64), axis=axes, keepdims=keep_dims).astype(x.dtype)  # wraps
        total = np.sum(x.astype(np.int64), axis=axes, keepdims=keep_dims)
        if op == "SUM":
            return total.astype(x.dtype)  # wraps, as the kernel's integer sum does
        count = int(np.prod([x.shape[a] for a in axes], dtype=np.int64))
        return (np.sign(total) * (np.abs(total) // count)).astype(x.dtype)
    fn = {"SUM": np.sum, "MEAN": np.mean, "REDUCE_PROD": np.prod}[op]
    return fn(x.astype(np.float64), axis=axes, keepdims=keep_dims)


def random_floats(op, shape, seed):
    """Normal values; around 1 for products, so that they neither vanish nor overflow."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    return (1 + 0.2 * x if op == "REDUCE_PROD" else x).astype(np.float32)


def tolerance(op):
    return PROD_TOL if op == "REDUCE_PROD" else FLOAT_TOL


AXES_CASES = [
    [1, 2],        # spatial mean of NHWC
    [2, 1],        # same, unordered
    [-1],          # last axis: contiguous runs
    [0],           # first axis: rows of vectors
    [0, 2],        # non-adjacent
    [1, 3],
    [0, 1, 2, 3],  # everything
    [3, -1, 3],    # repeated, also through a negative alias
    [],            # nothing
]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("axes", AXES_CASES)
@pytest.mark.parametrize("keep_dims", [False, True])
def test_float_against_numpy(op, axes, keep_dims):
    x = random_floats(op, (2, 7, 13, 3), seed=1)
    got = reduce(op, x, axes, keep_dims)
    expected = numpy_reduce(op, x, axes, keep_dims)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, **tolerance(op))


@pytest.mark.parametrize("shape,axes", [((1,), [0]), ((1, 1, 1), [1]), ((5, 1, 4), [1]), ((5, 1, 4), [0, 2]),
                                        ((17,), [0]), ((3, 1), [-2]), ((4, 600), [0]), ((2, 3, 1100), [1])])
@pytest.mark.parametrize("op", OPS)
def test_odd_shapes(op, shape, axes):
    x = random_floats(op, shape, seed=2)
    for keep_dims in (False, True):
        np.testing.assert_allclose(reduce(op, x, axes, keep_dims), numpy_reduce(op, x, axes, keep_dims),
                                   **tolerance(op))


def test_scalar_axis_tensor():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    got = run_single_op("SUM", [x, np.int32(1)], {"keep_dims": False}, constant_inputs=[1])[0]
    np.testing.assert_array_equal(got, x.sum(axis=1))


def test_int64_axis_tensor():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_array_equal(reduce("MEAN", x, [0], True, axis_dtype=np.int64), x.mean(0, keepdims=True))


@pytest.mark.parametrize("op", OPS)
def test_rank0_input(op):
    x = np.array(2.5, dtype=np.float32)
    for axes in ([], [0]):
        got = reduce(op, x, axes, False)
        assert got.shape == () and got == np.float32(2.5)


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("axes", [[1], [0, 2], [-1], [0, 1, 2]])
def test_integers(op, dtype, axes):
    x = np.random.default_rng(3).integers(-1000, 1000, size=(3, 5, 7)).astype(dtype)
    got = reduce(op, x, axes, False)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, numpy_reduce(op, x, axes, False))


def test_integer_mean_truncates_toward_zero():
    x = np.array([[-7, 2], [7, -2], [3, 0]], dtype=np.int32)
    np.testing.assert_array_equal(reduce("MEAN", x, [1], False), [-2, 2, 1])


def test_int32_sum_wraps():
    x = np.array([2**31 - 1, 1, 5], dtype=np.int32)
    np.testing.assert_array_equal(reduce("SUM", x, [0], False), np.int32(-(2**31) + 5))


def test_int32_mean_accumulates_in_int64():
    x = np.full((4,), 2**31 - 1, dtype=np.int32)
    np.testing.assert_array_equal(reduce("MEAN", x, [0], False), np.int32(2**31 - 1))


FLOAT32 = np.finfo(np.float32)


# .tflite's starting values: MAX and MIN of nothing are the lowest and highest finite values, not -inf/+inf.
@pytest.mark.parametrize("op,fill", [("SUM", 0.0), ("MEAN", np.nan), ("REDUCE_PROD", 1.0),
                                     ("REDUCE_MAX", FLOAT32.min), ("REDUCE_MIN", FLOAT32.max)])
def test_empty_input(op, fill):
    x = np.zeros((0, 3), dtype=np.float32)
    got = reduce(op, x, [0], False)
    np.testing.assert_array_equal(got, np.full((3,), fill, dtype=np.float32))
    assert reduce(op, x, [1], True).shape == (0, 1)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("op", ["SUM", "MEAN", "REDUCE_PROD", "REDUCE_MAX", "REDUCE_MIN"])
def test_empty_integer_input(op, dtype):
    info = np.iinfo(dtype)
    fill = {"SUM": 0, "MEAN": 0, "REDUCE_PROD": 1, "REDUCE_MAX": info.min, "REDUCE_MIN": info.max}[op]
    got = reduce(op, np.zeros((2, 0), dtype=dtype), [1], True)
    np.testing.assert_array_equal(got, np.full((2, 1), fill, dtype=dtype))


def test_int32_prod_wraps():
    def wrap32(v):
        return (v + 2**31) % 2**32 - 2**31
    x = np.array([[65536, 65536, 3], [-7, 2**30, 5], [2, 3, 4]], dtype=np.int32)
    expected = [wrap32(65536 * 65536 * 3), wrap32(-7 * 2**30 * 5), 24]
    np.testing.assert_array_equal(reduce("REDUCE_PROD", x, [1], False), np.array(expected, np.int32))


def with_specials(x, seed):
    """x with NaNs, +0s, -0s and infinities sprinkled in (about 5% each)."""
    rng = np.random.default_rng(seed)
    x = x.copy()
    for value in (np.nan, 0.0, -0.0, np.inf, -np.inf):
        x[rng.random(x.shape) < 0.05] = value
    return x


def assert_bitwise(got, expected):
    """Equal values, NaNs in the same places, zeros with the same sign."""
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))


@pytest.mark.parametrize("op", ["REDUCE_MAX", "REDUCE_MIN"])
@pytest.mark.parametrize("axes", [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2], [], [2, 0]])
def test_max_min_nans_and_signed_zeros(op, axes):
    # A NaN survives only until the next input; among equal zeros the last one wins (as in .tflite).
    x = with_specials(np.random.default_rng(9).standard_normal((3, 7, 40)).astype(np.float32), seed=10)
    x[0, 0, :] = np.nan  # a row of NaNs only
    x[1, 2, :] = -0.0    # a row of -0s only
    x[2, 3, :] = -np.inf
    got = reduce(op, x, axes, True)
    assert_bitwise(got, numpy_reduce(op, x, axes, True).astype(np.float32))


@pytest.mark.parametrize("op", ["REDUCE_MAX", "REDUCE_MIN", "SUM"])
@pytest.mark.parametrize("position", [0, 17, 40001, 49999])
def test_one_output_from_many_blocks(op, position):
    # 50000 inputs into one output: the optimized kernel folds blocks in parallel and combines them.
    x = np.random.default_rng(11).standard_normal(50000).astype(np.float32)
    x[position] = np.nan
    for threads in (1, 2):
        got = reduce(op, x, [0], False, num_threads=threads)
        if op == "SUM":
            assert np.isnan(got)
        else:
            assert_bitwise(got, numpy_reduce(op, x, [0], False).astype(np.float32))


def test_sum_keeps_negative_zero():
    # -0 sums to -0 (and a single input is returned as is), as in .tflite.
    x = np.float32([[-0.0, -0.0], [-0.0, 0.0], [0.0, -0.0]])
    for op in ("SUM", "MEAN", "REDUCE_PROD"):
        assert_bitwise(reduce(op, x, [1], False), np.float32([-0.0, 0.0, 0.0] if op != "REDUCE_PROD" else
                                                             [0.0, -0.0, -0.0]))
        assert_bitwise(reduce(op, x, [], False), x)


def random_case(rng):
    rank = int(rng.integers(1, 6))
    shape = tuple(int(d) for d in rng.choice([1, 2, 3, 5, 16, 17, 31], size=rank))
    axes = [int(a) for a in rng.choice(np.arange(-rank, rank), size=int(rng.integers(0, rank + 1)))]
    return shape, axes, bool(rng.integers(0, 2))


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("op", ["REDUCE_MAX", "REDUCE_MIN"])
def test_optimized_max_min_equal_reference(op, seed):
    # MAX and MIN pick an input: the optimized layouts give exactly the in-order fold's choice.
    rng = np.random.default_rng(seed)
    shape, axes, keep_dims = random_case(rng)
    x = with_specials(rng.standard_normal(shape).astype(np.float32), seed)
    optimized, reference = run_optimized_and_reference(op, [x, np.array(axes, np.int32)],
                                                       {"keep_dims": keep_dims}, constant_inputs=[1])
    assert_bitwise(optimized[0], reference[0])
    assert_bitwise(reference[0], numpy_reduce(op, x, axes, keep_dims).astype(np.float32))


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_optimized_integer_prod_equals_reference(seed, dtype):
    # Wrapping products are exact in any order.
    rng = np.random.default_rng(seed)
    shape, axes, keep_dims = random_case(rng)
    x = rng.integers(-9, 9, size=shape).astype(dtype)
    optimized, reference = run_optimized_and_reference("REDUCE_PROD", [x, np.array(axes, np.int32)],
                                                       {"keep_dims": keep_dims}, constant_inputs=[1])
    np.testing.assert_array_equal(optimized[0], reference[0])
    np.testing.assert_array_equal(reference[0], numpy_reduce("REDUCE_PROD", x, axes, keep_dims))


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("op", ["SUM", "MEAN", "REDUCE_PROD"])
def test_optimized_matches_reference(op, seed):
    rng = np.random.default_rng(seed)
    shape, axes, keep_dims = random_case(rng)
    x = random_floats(op, shape, seed)
    optimized, reference = run_optimized_and_reference(op, [x, np.array(axes, np.int32)],
                                                       {"keep_dims": keep_dims}, constant_inputs=[1])
    assert optimized[0].shape == reference[0].shape
    # float32 sums (products) in two orders: each within a few float32 ulps per term of the truth,
    # relative to the sum of magnitudes (the product's magnitude).
    terms = x.size // max(optimized[0].size, 1)
    bound = 1e-6 * numpy_reduce(op, np.abs(x), axes, keep_dims) * (terms if op == "REDUCE_PROD" else 1) + 1e-7
    truth = numpy_reduce(op, x, axes, keep_dims)
    assert np.all(np.abs(optimized[0] - truth) <= bound)
    assert np.all(np.abs(reference[0] - truth) <= bound)


@pytest.mark.parametrize("axes", [[1, 2], [3], [0, 1, 2, 3], [0]])
def test_results_do_not_depend_on_threads(axes):
    # Fixed work splits: the same sums in the same order whatever the thread count.
    x = np.random.default_rng(4).standard_normal((4, 33, 65, 37)).astype(np.float32)
    one = reduce("SUM", x, axes, False, num_threads=1)
    two = reduce("SUM", x, axes, False, num_threads=2)
    np.testing.assert_array_equal(one, two)
    np.testing.assert_allclose(one, numpy_reduce("SUM", x, axes, False), rtol=1e-4, atol=1e-3)


@requires_litert
@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("axes,keep_dims", [([1, 2], True), ([1, 2], False), ([-1], False), ([0, 0, 2], True),
                                            ([], False), ([0, 1, 2, 3], False)])
def test_matches_litert(op, axes, keep_dims):
    x = random_floats(op, (2, 5, 6, 3), seed=5)
    inputs = [x, np.array(axes, np.int32)]
    got = run_single_op(op, inputs, {"keep_dims": keep_dims}, constant_inputs=[1])[0]
    expected = run_litert_builtin(op, inputs, {"keep_dims": keep_dims}, constant_inputs=[1])[0]
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@requires_litert
@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_integers_match_litert(op, dtype):
    x = np.random.default_rng(6).integers(-50, 50, size=(3, 4, 5)).astype(dtype)
    inputs = [x, np.array([0, 2], np.int32)]
    got = run_single_op(op, inputs, {"keep_dims": True}, constant_inputs=[1])[0]
    expected = run_litert_builtin(op, inputs, {"keep_dims": True}, constant_inputs=[1])[0]
    np.testing.assert_array_equal(got, expected)


@requires_litert
@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("axes", [[1], [0], [0, 1], []])
def test_edge_cases_match_litert(op, axes):
    # NaNs, infinities and signed zeros in every position, rows of one special value, and empty inputs.
    x = np.float32([[1, np.nan, 3], [np.nan, 1, 2], [5, 6, np.nan], [-np.inf, -np.inf, -np.inf],
                    [0.0, -0.0, 0.0], [-0.0, 0.0, -0.0], [-0.0, -0.0, -0.0], [np.inf, 1, -np.inf]])
    inputs = [x, np.array(axes, np.int32)]
    got = run_single_op(op, inputs, {"keep_dims": False}, constant_inputs=[1])[0]
    assert_bitwise(got, run_litert_builtin(op, inputs, {"keep_dims": False}, constant_inputs=[1])[0])
    empty = [np.zeros((0, 3), np.float32), np.array([0], np.int32)]
    got = run_single_op(op, empty, {"keep_dims": False}, constant_inputs=[1])[0]
    assert_bitwise(got, run_litert_builtin(op, empty, {"keep_dims": False}, constant_inputs=[1])[0])


@pytest.mark.parametrize("op,version", [("REDUCE_PROD", 2), ("REDUCE_MAX", 3), ("REDUCE_MIN", 3)])
def test_highest_version_runs_and_next_is_refused(op, version):
    inputs = [np.float32([[1, 2], [3, 4]]), np.array([1], np.int32)]
    got = run_single_op(op, inputs, {"keep_dims": False}, constant_inputs=[1], version=version)[0]
    np.testing.assert_array_equal(got, numpy_reduce(op, inputs[0], [1], False))
    with pytest.raises(EdgeliteError, match=f"operator {op} version {version + 1} is not supported"):
        run_single_op(op, inputs, {"keep_dims": False}, constant_inputs=[1], version=version + 1)


def test_constant_input_is_folded():
    # REDUCE_PROD of a constant shape (as in TF's dynamic-batch graphs) is computed at prepare: the FILL
    # it sizes has a known shape right after allocate_tensors.
    from edgelite import Interpreter
    from edgelite.model_builder import ModelBuilder
    b = ModelBuilder()
    shape = b.add_constant("shape", np.array([2, 3, 4], np.int32))
    axis = b.add_constant("axis", np.array([0], np.int32))
    value = b.add_constant("value", np.array(1.5, np.float32))
    count = b.add_tensor("count", None, np.int32)
    b.add_operator("REDUCE_PROD", [shape, axis], [count], {"keep_dims": True})
    filled = b.add_tensor("filled", None, np.float32)
    b.add_operator("FILL", [count, value], [filled])
    b.mark_output(filled)
    interp = Interpreter(model_content=b.build())
    interp.allocate_tensors()
    assert list(interp.get_output_details()[0]["shape"]) == [24]
    interp.invoke()
    np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]), np.full(24, 1.5))


def test_axis_out_of_range():
    with pytest.raises(EdgeliteError, match="axis 4 is out of range for rank 4"):
        reduce("MEAN", np.zeros((1, 2, 3, 4), np.float32), [1, 4], True)
    with pytest.raises(EdgeliteError, match="axis -5 is out of range for rank 4"):
        reduce("SUM", np.zeros((1, 2, 3, 4), np.float32), [-5], True)


def test_runtime_axis_is_refused():
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(EdgeliteError, match="axis input 'input1' must be constant"):
        run_single_op("SUM", [x, np.array([1], np.int32)], {"keep_dims": False})


def test_float_axis_is_refused():
    with pytest.raises(EdgeliteError, match="must be int32 or int64, got float32"):
        reduce("SUM", np.zeros((2, 3), np.float32), [1], False, axis_dtype=np.float32)


def test_2d_axis_is_refused():
    with pytest.raises(EdgeliteError, match=r"must be a scalar or 1-D, got shape \[1, 1\]"):
        reduce("SUM", np.zeros((2, 3), np.float32), [[1]], False)


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dtype", [np.bool_])
def test_unsupported_input_type(op, dtype):
    # The quantized types are in test_reduce_integer.py.
    name = np.dtype(dtype).name
    with pytest.raises(EdgeliteError, match=rf"dtypes \({name}, int32\) -> {name} are not supported"):
        reduce(op, np.zeros((2, 3), dtype), [1], False)
