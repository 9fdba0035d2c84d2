"""The element-wise unary family (LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, RELU_0_TO_1, HARD_SWISH, GELU, RSQRT,
NEG, ABS, CEIL, FLOOR, ROUND, SIGN, COS, SIN, EXP, LOG, SQRT, SQUARE, ELU, LEAKY_RELU; ROUND, SIGN and the two
clamps have files of their own for their edge cases): against NumPy in float64, special values,
the optimized kernels against their reference twins, against LiteRT's builtin kernels when installed,
and prepare failures."""

import importlib.util
import math

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from kernel_twins import needs_vector_kernels, run_optimized_and_reference
from litert_builtin import requires_litert, run_litert_builtin

# Tolerances against float64 truth: exact ops must match bit for bit; the transcendental ones are
# approximations good to a few ulp (GELU's erfc to ~5e-7 relative where it matters, see
# optimized/transcendental_f32.h), and atol covers values that underflow.
EXACT = dict(rtol=0, atol=0)
ROUNDED = dict(rtol=1e-6, atol=1e-7)
TRANSCENDENTAL = dict(rtol=2e-6, atol=1e-7)

_erfc = np.vectorize(math.erfc, otypes=[np.float64])
LEAKY_ALPHA = 0.3  # the alpha test_against_numpy runs LEAKY_RELU with


def _logistic(x):
    with np.errstate(over="ignore"):  # exp(-x) -> inf gives the right limit, 0
        return 1.0 / (1.0 + np.exp(-x))


NUMPY = {
    "LOGISTIC": (_logistic, TRANSCENDENTAL),
    "TANH": (np.tanh, TRANSCENDENTAL),
    "RELU": (lambda x: np.maximum(x, 0.0), EXACT),
    "RELU6": (lambda x: np.clip(x, 0.0, 6.0), EXACT),
    "RELU_N1_TO_1": (lambda x: np.clip(x, -1.0, 1.0), EXACT),
    "RELU_0_TO_1": (lambda x: np.clip(x, 0.0, 1.0), EXACT),
    "ROUND": (np.round, EXACT),
    "SIGN": (np.sign, EXACT),
    "HARD_SWISH": (lambda x: x * np.clip(x + 3.0, 0.0, 6.0) / 6.0, ROUNDED),
    "RSQRT": (lambda x: 1.0 / np.sqrt(x), ROUNDED),
    "NEG": (lambda x: -x, EXACT),
    "ABS": (np.abs, EXACT),
    "CEIL": (np.ceil, EXACT),
    "FLOOR": (np.floor, EXACT),
    "SQUARE": (np.square, ROUNDED),
    "SQRT": (np.sqrt, ROUNDED),
    "EXP": (np.exp, TRANSCENDENTAL),
    "LOG": (np.log, TRANSCENDENTAL),
    "SIN": (np.sin, TRANSCENDENTAL),
    "COS": (np.cos, TRANSCENDENTAL),
    "ELU": (lambda x: np.where(x < 0, np.expm1(np.minimum(x, 0)), x), TRANSCENDENTAL),
    "LEAKY_RELU": (lambda x: np.where(x > 0, x, x * np.float64(np.float32(LEAKY_ALPHA))), ROUNDED),
}
GELU_NUMPY = {
    False: lambda x: 0.5 * x * _erfc(-x / math.sqrt(2.0)),
    True: lambda x: 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3))),
}

# Sizes around the 16-lane vector width and thread-pool split, a prime, ranks 1 to 4.
SHAPES = [(1,), (15,), (16,), (17,), (2, 3, 5), (1, 4, 4, 13), (10007,)]


def assert_same_values(got, expected, exact):
    """NaNs where expected, infinities and zeros with their signs, the rest equal or within a few ulp."""
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    special = np.isinf(expected) | (expected == 0)
    np.testing.assert_array_equal(got[special], expected[special])
    np.testing.assert_array_equal(np.signbit(got[special]), np.signbit(expected[special]))
    if exact:
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_allclose(got, expected, **TRANSCENDENTAL)


def random_input(op, shape, seed=0):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * 4).astype(np.float32)
    if op in ("RSQRT", "SQRT", "LOG"):
        x = np.abs(x) + np.float32(1e-3)
    return x


def options_for(op):
    # HARD_SWISH has an (empty) options table in the schema; the others take none but LEAKY_RELU.
    return {"HARD_SWISH": {}, "LEAKY_RELU": {"alpha": LEAKY_ALPHA}}.get(op)


@pytest.mark.parametrize("op", sorted(NUMPY))
@pytest.mark.parametrize("shape", SHAPES)
def test_against_numpy(op, shape):
    x = random_input(op, shape)
    fn, tol = NUMPY[op]
    got = run_single_op(op, [x], options_for(op))[0]
    assert got.shape == x.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, fn(x.astype(np.float64)), **tol)


@pytest.mark.parametrize("approximate", [False, True])
@pytest.mark.parametrize("shape", SHAPES)
def test_gelu_against_numpy(approximate, shape):
    x = random_input("GELU", shape)
    got = run_single_op("GELU", [x], {"approximate": approximate})[0]
    np.testing.assert_allclose(got, GELU_NUMPY[approximate](x.astype(np.float64)), **TRANSCENDENTAL)


def test_gelu_without_options_is_exact():
    x = np.linspace(-5, 5, 101, dtype=np.float32)
    got = run_single_op("GELU", [x])[0]
    np.testing.assert_allclose(got, GELU_NUMPY[False](x.astype(np.float64)), **TRANSCENDENTAL)
    # The tanh form differs by up to ~1e-3 around |x| = 2: the test can tell the two apart.
    assert np.max(np.abs(got - GELU_NUMPY[True](x.astype(np.float64)))) > 1e-4


def dense_grid():
    """Every regime of the approximations: tails where exp under/overflows, the tanh polynomial's
    range, tiny values, and the special values."""
    parts = [np.linspace(-100, 100, 20001), np.linspace(-10, 10, 20001), np.linspace(-0.7, 0.7, 4001),
             np.geomspace(1e-30, 1e-2, 200), -np.geomspace(1e-30, 1e-2, 200),
             [0.0, -0.0, 88.7, -87.3, 89.0, -89.0, 1e30, -1e30]]
    return np.concatenate([np.asarray(p, dtype=np.float64) for p in parts]).astype(np.float32)


APPROXIMATED = [("LOGISTIC", None), ("TANH", None), ("GELU", {"approximate": False}), ("GELU", {"approximate": True}),
                ("EXP", None), ("LOG", None), ("ELU", None), ("SIN", None), ("COS", None)]


@pytest.mark.parametrize("op,options", APPROXIMATED)
def test_approximations_over_the_float_range(op, options):
    x = dense_grid()
    got = run_single_op(op, [x], options)[0]
    xd = x.astype(np.float64)
    with np.errstate(all="ignore"):  # LOG of negatives: NaN on both sides
        truth = GELU_NUMPY[options["approximate"]](xd) if op == "GELU" else NUMPY[op][0](xd)
    truth[np.abs(truth) > np.finfo(np.float32).max] *= np.inf  # beyond float32's range: inf (EXP)
    if op == "GELU" and options["approximate"]:
        # 1 + tanh(...) cancels to 0 in float for x < -9 in every implementation (reference included).
        keep = xd > -9
        got, truth = got[keep], truth[keep]
    np.testing.assert_allclose(got, truth, **TRANSCENDENTAL)


@pytest.mark.parametrize("op,options", APPROXIMATED)
def test_optimized_matches_reference(op, options):
    x = np.concatenate([dense_grid(), np.float32([np.inf, -np.inf, np.nan])])
    optimized, reference = run_optimized_and_reference(op, [x], options)
    # Absolute rounding error grows with |x| where a formula scales x by a cancelling term (GELU's
    # 0.5 * x * (1 + tanh(...)) near -3: one ulp of 1 times |x| / 2).
    got, want = optimized[0].astype(np.float64), reference[0].astype(np.float64)
    with np.errstate(invalid="ignore"):
        err = np.abs(got - want)
    bound = 2e-6 * np.abs(want) + 6e-8 * np.maximum(1.0, np.abs(x))
    ok = (err <= bound) | (got == want) | (np.isnan(got) & np.isnan(want))
    assert ok.all(), f"{(~ok).sum()} values differ, e.g. at x = {x[~ok][:5]}: {got[~ok][:5]} vs {want[~ok][:5]}"


@pytest.mark.parametrize("op", ["SIN", "COS"])
def test_sin_cos_over_their_reduction_range(op):
    # Within a few ulp of 1 in absolute terms up to |x| = 8192 (near zeros of the function the relative
    # error grows, as for any float argument reduction); beyond, and for inf and NaN, libm's result.
    x = np.concatenate([np.linspace(-8192, 8192, 1000003), [8192.0, 8192.001, 1e4, -3e4, 1e30, np.inf, np.nan]])
    x = x.astype(np.float32)
    optimized, reference = run_optimized_and_reference(op, [x])
    with np.errstate(invalid="ignore"):  # sin(inf)
        truth = NUMPY[op][0](x.astype(np.float64))
    finite = np.abs(x) <= 8192
    np.testing.assert_allclose(optimized[0][finite], truth[finite], rtol=0, atol=1.5e-7)
    np.testing.assert_array_equal(optimized[0][~finite], reference[0][~finite])


@pytest.mark.parametrize("op", ["FLOOR", "CEIL"])
def test_optimized_rounding_is_exact(op):
    # Bit for bit: halves, the 2^23 boundary where floats become integral, signed zeros, specials.
    edges = [0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.999999, -0.999999, 1e-30, -1e-30, 8388607.5,
             -8388607.5, 8388608.0, -8388608.0, 16777217.0, 1e30, -1e30, np.inf, -np.inf, np.nan]
    x = np.concatenate([np.linspace(-3, 3, 60001), np.linspace(-1e7, 1e7, 100003), edges]).astype(np.float32)
    optimized, reference = run_optimized_and_reference(op, [x])
    assert_same_values(optimized[0], reference[0], exact=True)
    assert_same_values(reference[0], NUMPY[op][0](x), exact=True)


@needs_vector_kernels
def test_reference_switch_takes_effect():
    # Two different implementations ran: libm's tanh and the approximation differ in the last bit somewhere.
    optimized, reference = run_optimized_and_reference("TANH", [dense_grid()])
    assert not np.array_equal(optimized[0], reference[0])


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH"])
def test_special_values(op):
    x = np.float32([np.inf, -np.inf, np.nan, 0.0])
    got = run_single_op(op, [x])[0]
    expected = {"LOGISTIC": [1.0, 0.0, np.nan, 0.5], "TANH": [1.0, -1.0, np.nan, 0.0]}[op]
    np.testing.assert_array_equal(got, np.float32(expected))


def test_rsqrt_of_zero_and_negative():
    got = run_single_op("RSQRT", [np.float32([0.0, 4.0, -1.0])])[0]
    assert got[0] == np.inf and got[1] == 0.5 and np.isnan(got[2])


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_neg_integers_wrap(dtype):
    info = np.iinfo(dtype)
    x = np.array([0, 1, -7, info.max, info.min], dtype=dtype)
    got = run_single_op("NEG", [x])[0]
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, np.array([0, -1, 7, -info.max, info.min], dtype=dtype))


@pytest.mark.parametrize("op", ["LOGISTIC", "GELU", "RELU6", "NEG"])
def test_threads_do_not_change_results(op):
    x = random_input(op, (3, 50021))
    one = run_single_op(op, [x], options_for(op), num_threads=1)[0]
    two = run_single_op(op, [x], options_for(op), num_threads=2)[0]
    np.testing.assert_array_equal(one, two)


def test_constant_input_is_folded():
    x = np.linspace(-3, 3, 64, dtype=np.float32).reshape(8, 8)
    got = run_single_op("TANH", [x], constant_inputs=[0])[0]
    np.testing.assert_allclose(got, np.tanh(x.astype(np.float64)), **TRANSCENDENTAL)


@requires_litert
@pytest.mark.parametrize("op", sorted(NUMPY) + ["GELU"])
def test_matches_litert(op):
    x = random_input(op, (2, 9, 11, 3), seed=3)
    options = options_for(op)
    got = run_single_op(op, [x], options)[0]
    expected = run_litert_builtin(op, [x], options)[0]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


# The operators added with ABS: their edge cases, option handling and integer paths.
NEWER_OPS = ["ABS", "CEIL", "FLOOR", "COS", "SIN", "EXP", "LOG", "SQRT", "SQUARE", "ELU", "LEAKY_RELU"]
EXACT_OPS = {"ABS", "CEIL", "FLOOR", "SQUARE", "SQRT", "LEAKY_RELU"}  # correctly rounded: bit for bit
SPECIAL_VALUES = np.float32([0.0, -0.0, 1e-30, -1e-30, 1e-8, -1e-8, 0.5, -0.5, 1.0, -1.0, 2.5, -2.5, 3.0, -3.5,
                             88.0, -88.0, 89.0, -104.0, 1e6, 1e30, -1e30, np.inf, -np.inf, np.nan])


@pytest.mark.parametrize("op", NEWER_OPS)
def test_newer_ops_special_values(op):
    # NaN below 0 for LOG and SQRT, -inf for LOG(0), -0 kept by SQRT, CEIL, ELU; overflow to inf.
    x = SPECIAL_VALUES
    with np.errstate(all="ignore"):
        expected = NUMPY[op][0](x.astype(np.float64)).astype(np.float32)
    got = run_single_op(op, [x], options_for(op))[0]
    assert_same_values(got, expected, exact=op in EXACT_OPS)


@requires_litert
@pytest.mark.parametrize("op", NEWER_OPS)
def test_special_values_match_litert(op):
    x = SPECIAL_VALUES
    got = run_single_op(op, [x], options_for(op))[0]
    expected = run_litert_builtin(op, [x], options_for(op))[0]
    if op in EXACT_OPS:
        assert_same_values(got, expected, exact=True)
    else:
        # LiteRT's EXP gives denormals for x < -87.3 where the fast ExpF flushes to 0: atol covers them.
        np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-37, equal_nan=True)


@pytest.mark.parametrize("alpha", [0.0, 0.01, 0.3, 1.5, -0.5])
def test_leaky_relu_alpha(alpha):
    # alpha above 1 or below 0 is not max(x, alpha * x); 0 takes the alpha branch, so -0.5 turns +0 into -0.
    x = np.float32([-3.0, -1e-3, -0.0, 0.0, 1e-3, 2.0, np.inf, -np.inf, np.nan])
    got = run_single_op("LEAKY_RELU", [x], {"alpha": alpha})[0]
    with np.errstate(invalid="ignore"):
        expected = np.where(x > 0, x, x * np.float32(alpha)).astype(np.float32)
    assert_same_values(got, expected, exact=True)


def test_leaky_relu_without_options_has_alpha_zero():
    x = np.float32([-2.0, 3.0])
    got = run_single_op("LEAKY_RELU", [x])[0]
    assert_same_values(got, np.float32([-0.0, 3.0]), exact=True)


@requires_litert
@pytest.mark.parametrize("options", [None, {"alpha": 0.2}, {"alpha": 1.5}, {"alpha": -0.5}])
def test_leaky_relu_matches_litert(options):
    x = np.concatenate([random_input("LEAKY_RELU", (61,), seed=7), np.float32([0.0, -0.0, np.nan])])
    got = run_single_op("LEAKY_RELU", [x], options)[0]
    assert_same_values(got, run_litert_builtin("LEAKY_RELU", [x], options)[0], exact=True)


def test_elu_keeps_precision_near_zero():
    # expm1, not exp(x) - 1: relative precision for tiny negative inputs.
    x = -np.geomspace(1e-30, 1e-3, 50).astype(np.float32)
    got = run_single_op("ELU", [x])[0]
    np.testing.assert_allclose(got, np.expm1(x.astype(np.float64)), rtol=2e-6, atol=0)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_abs_integers_wrap(dtype):
    info = np.iinfo(dtype)
    x = np.array([0, 1, -7, info.max, -info.max, info.min], dtype=dtype)
    got = run_single_op("ABS", [x], version=5)[0]
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, np.array([0, 1, 7, info.max, info.max, info.min], dtype=dtype))


@requires_litert
def test_abs_int32_matches_litert():
    x = np.concatenate([np.random.default_rng(8).integers(-1000, 1000, 37), [np.iinfo(np.int32).min]])
    x = x.astype(np.int32)
    got = run_single_op("ABS", [x], version=5)[0]
    np.testing.assert_array_equal(got, run_litert_builtin("ABS", [x], version=5)[0])


@pytest.mark.parametrize("op,version", [("ABS", 5), ("EXP", 2), ("LOG", 2), ("LEAKY_RELU", 2), ("SIN", 2),
                                        ("ELU", 1)])
def test_highest_version_runs_and_next_is_refused(op, version):
    x = np.float32([0.5, 2.0])
    expected = run_single_op(op, [x], options_for(op), version=1)[0]
    np.testing.assert_array_equal(run_single_op(op, [x], options_for(op), version=version)[0], expected)
    with pytest.raises(EdgeliteError, match=f"operator {op} version {version + 1} is not supported"):
        run_single_op(op, [x], options_for(op), version=version + 1)


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH", "RELU", "GELU", "RSQRT", "CEIL", "FLOOR", "COS", "SIN", "EXP",
                                "LOG", "SQRT", "SQUARE", "ELU", "LEAKY_RELU"])
def test_integer_input_is_refused(op):
    # int32 has no kernel; the quantized types of the operators that have them are in
    # test_activations_integer.py.
    quantized = op in ("LOGISTIC", "TANH", "RELU", "GELU", "RSQRT", "SQRT", "ELU", "LEAKY_RELU")
    # SIN, COS and GELU also run float16 (test_float16_kernels.py).
    half = r"\(float16\) -> float16; " if op in ("SIN", "COS", "GELU") else ""
    supported = (r"\(float32\) -> float32; " + half + (r"\(int8\) -> int8" if quantized else "")).rstrip("; ")
    supported += "" if quantized else "$"
    with pytest.raises(EdgeliteError, match=r"input 0 'input0' is int32, expected float32.*; supported: " + supported):
        run_single_op(op, [np.arange(6, dtype=np.int32)], options_for(op))


@pytest.mark.parametrize("op,dtype,version", [("NEG", np.uint8, 1), ("ABS", np.uint8, 2), ("ABS", np.float16, 1)])
def test_other_types_are_refused(op, dtype, version):
    # As LiteRT: no uint8 NEG or ABS (int8 and int16 are in test_activations_integer.py).
    name = np.dtype(dtype).name
    with pytest.raises(EdgeliteError, match=rf"dtypes \({name}\) -> {name} are not supported.*supported: \(float32\) -> float32; \(int32\) -> int32; \(int64\) -> int64; \(int8\) -> int8; \(int16\) -> int16$"):
        run_single_op(op, [np.arange(6).astype(dtype)], version=version)


def test_output_type_must_match():
    with pytest.raises(EdgeliteError, match=r"dtypes \(float32\) -> int32 are not supported"):
        run_single_op("RELU", [np.zeros(4, np.float32)], output_types=np.int32)


@pytest.mark.parametrize("op,lo,hi", [("RELU", 0.0, None), ("RELU6", 0.0, 6.0), ("RELU_N1_TO_1", -1.0, 1.0),
                                       ("RELU_0_TO_1", 0.0, 1.0)])
def test_clamps_keep_nan_and_negative_zero(op, lo, hi):
    # .tflite's clamps compare (x < lo ? lo : x): NaN passes through and -0 stays -0, on every row.
    x = np.float32([np.nan, -0.0, 0.0, -1.5, 0.5, 3.0, 7.0, np.inf, -np.inf] * 3)
    expected = np.where(x < lo, np.float32(lo), x)
    if hi is not None:
        expected = np.where(x > hi, np.float32(hi), expected)
    optimized, reference = run_optimized_and_reference(op, [x])
    for got in (optimized[0], reference[0]):
        np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))
    if importlib.util.find_spec("ai_edge_litert") is not None:
        (lite,) = run_litert_builtin(op, [x])
        np.testing.assert_array_equal(np.signbit(lite), np.signbit(optimized[0]))
        np.testing.assert_array_equal(lite, optimized[0])


@pytest.mark.parametrize("op", sorted(NUMPY) + ["GELU"])
def test_results_do_not_depend_on_position_or_length(op):
    # The optimized loops run in vector-wide blocks, the last one from a zero-padded copy: every element's result
    # is the same bits whether it lands in a full block, in the partial last one, or at another lane.
    x = np.concatenate([random_input(op, (97,)), np.float32([np.inf, -np.inf, np.nan, 0.0, -0.0, 9000.0, -1e5])])
    if op in ("RSQRT", "SQRT", "LOG"):
        x = np.abs(x)
    whole = run_single_op(op, [x], options_for(op))[0]
    for start, stop in [(0, 1), (3, 20), (1, 17), (5, 37), (40, 104), (13, 104)]:
        part = run_single_op(op, [x[start:stop].copy()], options_for(op))[0]
        np.testing.assert_array_equal(part.view(np.uint32), whole[start:stop].view(np.uint32))


def test_hard_swish_is_the_reference_to_the_bit():
    # The optimized HARD_SWISH divides by 6 without a division (an FMA-corrected product, unary_f32.cc) and falls
    # back to dividing for a block holding a subnormal, infinite or NaN x * relu6(x + 3): NumPy's float32
    # x * clip(x + 3, 0, 6) / 6 bit for bit, on random bit patterns (every exponent), a dense grid, values whose
    # product is subnormal or overflows, and those mixed into blocks of ordinary values.
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2 ** 32, size=200_003, dtype=np.uint64).astype(np.uint32).view(np.float32)
    tiny = np.float32([1e-38, -1e-38, 1e-40, -1e-40, 1e-45, -1e-45, 3e-39, -2.9999999, -3.0, -3.0000002])
    huge = np.float32([3e38, -3e38, 1e38, np.inf, -np.inf, np.nan, 0.0, -0.0])
    mixed = np.tile(np.concatenate([np.linspace(-4, 4, 61, dtype=np.float32), tiny[:3], huge[:2]]), 7)
    x = np.concatenate([bits, np.linspace(-8, 8, 100_001, dtype=np.float32), tiny, huge, mixed])
    with np.errstate(all="ignore"):
        expected = x * np.clip(x + np.float32(3), np.float32(0), np.float32(6)) / np.float32(6)
    expected[np.isnan(x)] = np.nan
    got = run_single_op("HARD_SWISH", [x], {})[0]
    optimized, reference = run_optimized_and_reference("HARD_SWISH", [x], {})
    for out in (got, optimized[0], reference[0]):
        assert_same_values(out, expected, exact=True)
        same = (out.view(np.uint32) == expected.view(np.uint32)) | np.isnan(expected)
        assert same.all(), f"x = {x[~same][:5]}"
