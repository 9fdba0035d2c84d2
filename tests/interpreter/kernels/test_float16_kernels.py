"""float16 tensors on ADD (version 6), MUL (8), SOFTMAX (4), SIN and COS (2), GELU (3) and CAST (5): against NumPy
(each value widened to float32, the float32 operation, rounded to the nearest half, as LiteRT's half kernels)
and against LiteRT's builtin kernels (BUILTIN_REF does not register these versions in LiteRT 2.3.0)."""

import math

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from litert_builtin import requires_litert, run_litert_builtin

H = np.float16
SHAPES = [((3, 5), (3, 5)), ((2, 1, 4), (3, 1)), ((7,), ()), ((), (2, 3)), ((1, 2, 1, 3, 1, 2), (2, 1, 4, 1, 5, 2))]


def halves(rng, shape, scale=4.0):
    """Random halves with edge values mixed in: signed zeros, subnormals, the largest half, infinities."""
    x = (rng.standard_normal(shape) * scale).astype(H)
    flat = x.reshape(-1)
    specials = np.array([0.0, -0.0, 6e-8, -3e-5, 65504, -65504, np.inf, -np.inf, 300, 1e-4], H)
    k = min(flat.size, specials.size)
    flat[:k] = rng.permutation(specials)[:k]
    return x


def numpy_binary(op, a, b, activation):
    """LiteRT's half ADD/MUL: the float32 operation rounded to half, clamped to the activation's range within
    +-65504 (the half type's range: an overflow or an infinity saturates; NaN stays)."""
    f = {"ADD": np.add, "MUL": np.multiply}[op](a.astype(np.float32), b.astype(np.float32))
    lo, hi = {"NONE": (-65504, 65504), "RELU": (0, 65504), "RELU6": (0, 6), "RELU_N1_TO_1": (-1, 1)}[activation]
    return np.clip(f.astype(H), lo, hi).astype(H)


@pytest.mark.parametrize("op,version", [("ADD", 6), ("MUL", 8)])
def test_binary_float16_against_numpy(op, version):
    rng = np.random.default_rng(len(op))
    for k, (sa, sb) in enumerate(SHAPES):
        a, b = halves(rng, sa), halves(rng, sb)
        activation = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1", "NONE"][k]
        with np.errstate(invalid="ignore", over="ignore"):
            want = numpy_binary(op, a, b, activation)
        got = run_single_op(op, [a, b], {"fused_activation_function": activation}, version=version,
                            num_threads=1 + k % 2)[0]
        assert got.dtype == H
        np.testing.assert_array_equal(got, want)  # NaNs included (inf - inf, 0 * inf)
        if activation == "NONE":
            assert not np.isinf(got).any()


@requires_litert
@pytest.mark.parametrize("op,version", [("ADD", 6), ("MUL", 8)])
def test_binary_float16_against_litert(op, version):
    rng = np.random.default_rng(3)
    for k, (sa, sb) in enumerate(SHAPES[:4] + [((20, 1, 30), (25, 1))]):
        a, b = halves(rng, sa, scale=4.0 if k < 4 else 200.0), halves(rng, sb, scale=4.0 if k < 4 else 200.0)
        options = {"fused_activation_function": ["NONE", "RELU", "RELU6", "NONE", "NONE"][k]}
        want = run_litert_builtin(op, [a, b], options, version=version)[0]
        got = run_single_op(op, [a, b], options, version=version)[0]
        np.testing.assert_array_equal(got, want)


def test_sub_has_no_float16():
    """LiteRT's SUB has no half kernel: neither has ours, and it says so."""
    a = np.ones(3, H)
    with pytest.raises(edgelite.EdgeliteError, match="float16"):
        run_single_op("SUB", [a, a], version=5)


def numpy_softmax(x, beta):
    """LiteRT's half SOFTMAX: exps in float32 stored as halves, the float32 sum of the unrounded exps."""
    f = x.astype(np.float32)
    m = np.maximum(f.max(axis=-1, keepdims=True), np.float32(-65504))
    e = np.exp((f - m) * np.float32(beta)).astype(np.float32)
    total = np.zeros(e.shape[:-1] + (1,), np.float32)
    for c in range(e.shape[-1]):  # in order, as the kernel sums
        total += e[..., c:c + 1]
    return (e.astype(H).astype(np.float32) / total).astype(H)


@pytest.mark.parametrize("shape,beta", [((4, 10), 1.0), ((2, 3, 17), 0.5), ((1, 300), 2.0), ((5,), 1.0)])
def test_softmax_float16(shape, beta):
    x = (np.random.default_rng(shape[-1]).standard_normal(shape) * 3).astype(H)
    got = run_single_op("SOFTMAX", [x], {"beta": beta}, version=4, num_threads=2)[0]
    np.testing.assert_array_equal(got, numpy_softmax(x, beta))


@requires_litert
def test_softmax_float16_against_litert():
    x = (np.random.default_rng(1).standard_normal((6, 33)) * 4).astype(H)
    for beta in (1.0, 0.25):
        want = run_litert_builtin("SOFTMAX", [x], {"beta": beta}, version=4)[0]
        np.testing.assert_array_equal(run_single_op("SOFTMAX", [x], {"beta": beta}, version=4)[0], want)


def gelu_half_steps(x, approximate):
    """LiteRT's half GELU: the expression in half arithmetic, each step rounded to half."""
    def r(v):
        return np.asarray(v, np.float64).astype(np.float32).astype(H).astype(np.float64)
    x = r(x)
    if approximate:
        cube = r(r(x * x) * x)
        inner = r(r(0.79788456080286536) * r(x + r(r(0.044715) * cube)))
        tail = r(1 + r(np.tanh(inner)))
    else:
        tail = r(np.vectorize(math.erfc)(r(x * r(-0.70710678118654752))))
    return r(r(0.5 * x) * tail)


UNARY = [("SIN", 2, None, np.sin), ("COS", 2, None, np.cos),
         ("GELU", 3, {"approximate": False}, lambda x: gelu_half_steps(x, False)),
         ("GELU", 3, {"approximate": True}, lambda x: gelu_half_steps(x, True))]


def half_ulps(got, want):
    """Distance in halves between two float16 arrays of finite values."""
    def ordered(h):
        i = h.view(np.int16).astype(np.int32)
        return np.where(i < 0, -(i & 0x7fff), i)
    return np.abs(ordered(got) - ordered(want))


@pytest.mark.parametrize("op,version,options,fn", UNARY)
def test_unary_float16_against_numpy(op, version, options, fn):
    x = np.concatenate([(np.random.default_rng(7).standard_normal(1000) * 3), [0, -0.0, 1e-7, 12, -12]]).astype(H)
    got = run_single_op(op, [x], options, version=version, num_threads=2)[0]
    assert got.dtype == H
    # The float32 function (GELU: each step) rounded to half: the correctly rounded value or its neighbour.
    want = np.asarray(fn(x.astype(np.float64))).astype(H)
    assert half_ulps(got, want).max() <= 1


@requires_litert
@pytest.mark.parametrize("op,version,options,fn", UNARY)
def test_unary_float16_against_litert(op, version, options, fn):
    x = (np.random.default_rng(9).standard_normal((3, 200)) * 3).astype(H)
    want = run_litert_builtin(op, [x], options, version=version)[0]
    got = run_single_op(op, [x], options, version=version)[0]
    ulps = half_ulps(got, want)
    if op in ("SIN", "COS"):
        np.testing.assert_array_equal(got, want)  # both sinf/cosf rounded once
    else:
        # LiteRT's half GELU evaluates its expression in Eigen half arithmetic (a rounding per step) and
        # Eigen's erfc/tanh approximations; ours rounds the float32 function once.
        assert ulps.max() <= 2, (x.ravel()[ulps.argmax()], got.ravel()[ulps.argmax()], want.ravel()[ulps.argmax()])


CAST_PAIRS = [(H, np.float32), (H, np.int32), (H, np.int8), (H, np.bool_), (H, np.float64),
              (np.float32, H), (np.int32, H), (np.int64, H), (np.float64, H), (np.uint8, H), (np.bool_, H)]


def cast_input(dtype, n=700):
    rng = np.random.default_rng(n)
    if dtype == np.bool_:
        return rng.integers(0, 2, n).astype(bool)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return rng.integers(max(info.min, -100000), min(info.max, 100000) + 1, n).astype(dtype)
    x = rng.standard_normal(n) * 50
    if dtype == H:
        x = np.clip(x, -127, 127)  # in range of every integer output (out-of-range conversion is undefined)
    return np.concatenate([x, [0.0, -0.0, 1e-6, 70000.0 if dtype != H else 0.5]]).astype(dtype)


@pytest.mark.parametrize("src,dst", CAST_PAIRS, ids=[f"{np.dtype(a).name}-{np.dtype(b).name}" for a, b in CAST_PAIRS])
def test_cast_float16(src, dst):
    """CAST version 5's float16: through float32, as LiteRT (so a float64 or int64 input rounds to float32 first)."""
    x = cast_input(src)
    got = run_single_op("CAST", [x], output_types=dst, version=5)[0]
    assert got.dtype == dst
    if dst == H:
        with np.errstate(over="ignore"):
            want = x.astype(np.float32).astype(H)  # 70000 -> inf
    elif dst == np.bool_:
        want = x != 0
    else:
        want = x.astype(np.float32).astype(dst)
    np.testing.assert_array_equal(got, want)


@requires_litert
@pytest.mark.parametrize("src,dst", CAST_PAIRS, ids=[f"{np.dtype(a).name}-{np.dtype(b).name}" for a, b in CAST_PAIRS])
def test_cast_float16_against_litert(src, dst):
    x = cast_input(src)
    want = run_litert_builtin("CAST", [x], output_types=dst, version=5)[0]
    np.testing.assert_array_equal(run_single_op("CAST", [x], output_types=dst, version=5)[0], want)
