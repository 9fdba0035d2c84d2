"""kernels/binary.cl and kernels/unary.cl through pyopencl (clharness) against NumPy: every operation,
broadcasts of odd shapes up to rank 6, the fused clamps, and fp16 storage where the device has it."""

import math

import numpy as np
import pytest

from delegates.opencl import clharness

RNG = np.random.default_rng(12)


def binary_defines(op, a_shape, b_shape, act_min=None, act_max=None):
    """The defines ops/elementwise.cc emits: the output shape with 1s dropped and neighbouring dims
    merged where both inputs broadcast alike, innermost first, with each input's strides."""
    out_shape = np.broadcast_shapes(a_shape, b_shape)
    rank = len(out_shape)
    pad = lambda s: (1,) * (rank - len(s)) + tuple(s)
    a, b = pad(a_shape), pad(b_shape)
    dims, pattern = [], []
    for k in reversed(range(rank)):
        if out_shape[k] == 1:
            continue
        p = (a[k] != 1, b[k] != 1)
        if dims and pattern[-1] == p:
            dims[-1] *= out_shape[k]
        else:
            dims.append(out_shape[k])
            pattern.append(p)
    d = {f"OP_{op}": 1}
    sa = sb = 1
    for k, (n, (af, bf)) in enumerate(zip(dims, pattern)):
        d[f"D{k}"], d[f"SA{k}"], d[f"SB{k}"] = n, sa if af else 0, sb if bf else 0
        sa *= n if af else 1
        sb *= n if bf else 1
    for k in range(len(dims), 6):
        d[f"D{k}"], d[f"SA{k}"], d[f"SB{k}"] = 1, 0, 0
    if math.prod(a_shape) == math.prod(out_shape):
        d["A_SAME"] = 1
    if math.prod(b_shape) == math.prod(out_shape):
        d["B_SAME"] = 1
    if act_min is not None:
        d["ACT_MIN"] = f"({act_min:.1f}f)"
    if act_max is not None:
        d["ACT_MAX"] = f"({act_max:.1f}f)"
    return d, out_shape


NUMPY_BINARY = {
    "ADD": np.add,
    "SUB": np.subtract,
    "MUL": np.multiply,
    "DIV": np.divide,
    "MAXIMUM": np.maximum,
    "MINIMUM": np.minimum,
    "SQUARED_DIFFERENCE": lambda a, b: (a - b) ** 2,
    "PRELU": lambda x, alpha: np.where(x >= 0, x, x * alpha),
}

SHAPES = [
    ((7,), (7,)),
    ((3, 5), (1,)),
    ((1,), (3, 5)),
    ((2, 3, 5), (5,)),
    ((2, 1, 5), (1, 3, 1)),
    ((4, 1, 3, 1, 2, 3), (1, 5, 1, 2, 1, 3)),
    ((13, 1, 7), (13, 11, 1)),
    ((1, 9, 9, 17), (1, 1, 1, 17)),
    ((2, 3), ()),
]


def run_binary(op, a, b, act_min=None, act_max=None, fp16=False):
    d, out_shape = binary_defines(op, a.shape, b.shape, act_min, act_max)
    dtype = np.float16 if fp16 else np.float32
    out = np.zeros(out_shape, dtype)
    (got,) = clharness.run("binary.cl", d, [a.astype(dtype), b.astype(dtype), out], [out.size], outputs=[2], fp16=fp16)
    return got


@pytest.mark.parametrize("op", sorted(NUMPY_BINARY))
@pytest.mark.parametrize("a_shape,b_shape", SHAPES)
def test_binary_broadcast(op, a_shape, b_shape):
    a = RNG.standard_normal(a_shape).astype(np.float32)
    b = RNG.standard_normal(b_shape).astype(np.float32)
    if op == "DIV":
        b = np.where(np.abs(b) < 0.1, 0.5, b).astype(np.float32)
    want = NUMPY_BINARY[op](a, b).astype(np.float32)
    np.testing.assert_allclose(run_binary(op, a, b), want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("lo,hi", [(0.0, None), (-1.0, 1.0), (0.0, 6.0)])
def test_binary_fused_clamp(lo, hi):
    a = (RNG.standard_normal((3, 17)) * 5).astype(np.float32)
    b = (RNG.standard_normal((17,)) * 5).astype(np.float32)
    want = np.clip(a + b, lo, np.inf if hi is None else hi)
    np.testing.assert_allclose(run_binary("ADD", a, b, lo, hi), want, rtol=1e-6)


def test_binary_nan_follows_the_cpu_rule():
    a = np.array([np.nan, 1.0, np.nan], np.float32)
    b = np.array([2.0, np.nan, np.nan], np.float32)
    got = run_binary("MAXIMUM", a, b)
    # a > b ? a : b: a NaN in b propagates, one in a does not.
    assert got[0] == 2.0 and np.isnan(got[1]) and np.isnan(got[2])
    got = run_binary("ADD", np.array([np.nan], np.float32), np.array([1.0], np.float32), 0.0, 6.0)
    assert np.isnan(got[0])


def _erfc(x):
    return np.vectorize(math.erfc)(x.astype(np.float64))


NUMPY_UNARY = {
    "RELU": lambda x, al: np.maximum(x, 0),
    "RELU6": lambda x, al: np.clip(x, 0, 6),
    "RELU_N1_TO_1": lambda x, al: np.clip(x, -1, 1),
    "LEAKY_RELU": lambda x, al: np.where(x > 0, x, x * al),
    "LOGISTIC": lambda x, al: 1 / (1 + np.exp(-x.astype(np.float64))),
    "TANH": lambda x, al: np.tanh(x.astype(np.float64)),
    "HARD_SWISH": lambda x, al: x * np.clip(x + 3, 0, 6) / 6,
    "GELU_EXACT": lambda x, al: 0.5 * x * _erfc(-x / np.sqrt(2)),
    "GELU_TANH": lambda x, al: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x.astype(np.float64) ** 3))),
    "ELU": lambda x, al: np.where(x < 0, np.expm1(x.astype(np.float64)), x),
    "RSQRT": lambda x, al: 1 / np.sqrt(x.astype(np.float64)),
    "SQRT": lambda x, al: np.sqrt(x.astype(np.float64)),
    "ABS": lambda x, al: np.abs(x),
    "NEG": lambda x, al: -x,
    "EXP": lambda x, al: np.exp(x.astype(np.float64)),
}
POSITIVE_ONLY = {"RSQRT", "SQRT"}


def run_unary(op, x, alpha=0.0, fp16=False):
    dtype = np.float16 if fp16 else np.float32
    out = np.zeros(x.shape, dtype)
    (got,) = clharness.run("unary.cl", {f"OP_{op}": 1}, [x.astype(dtype), out, alpha], [x.size], outputs=[1], fp16=fp16)
    return got


@pytest.mark.parametrize("op", sorted(NUMPY_UNARY))
@pytest.mark.parametrize("n", [1, 7, 1000, 4099])
def test_unary(op, n):
    x = (RNG.standard_normal(n) * 4).astype(np.float32)
    if op in POSITIVE_ONLY:
        x = np.abs(x) + 0.01
    if op == "EXP":
        x = np.clip(x, -20, 20)
    alpha = 0.2
    want = NUMPY_UNARY[op](x, alpha)
    np.testing.assert_allclose(run_unary(op, x, alpha), want, rtol=2e-6, atol=1e-6)


def test_gelu_exact_keeps_precision_for_large_negative_inputs():
    x = np.array([-8.0, -10.0, -12.0], np.float32)
    want = NUMPY_UNARY["GELU_EXACT"](x, 0)
    np.testing.assert_allclose(run_unary("GELU_EXACT", x), want, rtol=1e-4)
    assert np.all(run_unary("GELU_EXACT", x) != 0)


def test_relu_passes_nan_and_negative_zero():
    got = run_unary("RELU", np.array([np.nan, -0.0, -1.0], np.float32))
    assert np.isnan(got[0]) and got[1] == 0 and np.signbit(got[1]) and got[2] == 0


def _device_has_fp16():
    ctx, _ = clharness.context()
    return "cl_khr_fp16" in ctx.devices[0].extensions


def test_fp16_storage():
    if not _device_has_fp16():
        pytest.skip("the OpenCL device has no cl_khr_fp16")
    a = RNG.standard_normal((5, 33)).astype(np.float32)
    b = RNG.standard_normal((33,)).astype(np.float32)
    want = np.clip(a * b, 0, 6)
    got = run_binary("MUL", a, b, 0.0, 6.0, fp16=True)
    assert got.dtype == np.float16
    np.testing.assert_allclose(got.astype(np.float32), want, rtol=2e-3, atol=2e-3)
    x = (RNG.standard_normal(257) * 3).astype(np.float32)
    np.testing.assert_allclose(run_unary("TANH", x, fp16=True).astype(np.float32), np.tanh(x), rtol=2e-3, atol=2e-3)
