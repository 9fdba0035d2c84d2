"""Element-wise and scan kernels of libedgelite_select.so against NumPy / SciPy, over dtypes and attributes."""

import numpy as np
import pytest
import scipy.special

from flex_encoding import Type

RNG = np.random.default_rng(7)
FLOATS = [np.float32, np.float64]


def tol(dtype):
    return dict(rtol=2e-6, atol=2e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)


UNARY = {
    "Erf": scipy.special.erf,
    "Erfc": scipy.special.erfc,
    "Lgamma": scipy.special.gammaln,
    "Digamma": scipy.special.digamma,
    "Softsign": lambda x: x / (1 + np.abs(x)),
    "Softplus": lambda x: np.logaddexp(0, x),
    "Selu": lambda x: np.where(x > 0, 1.0507009873554805 * x, 1.0507009873554805 * 1.6732632423543772 * np.expm1(x)),
    "Rint": np.rint,
}


@pytest.mark.parametrize("op", sorted(UNARY))
@pytest.mark.parametrize("dtype", FLOATS)
def test_unary_float(select_lib, op, dtype):
    x = (RNG.standard_normal((3, 17)) * 4).astype(dtype)
    if op in ("Lgamma", "Digamma"):
        x = np.concatenate([x, np.array([[0.5, 1e-3, 30.0, -2.5, -0.3] + [7.0] * 12], dtype)], axis=0)
    (y,) = select_lib.run(op, [x], [dtype], {"T": Type(dtype)})
    expected = UNARY[op](x.astype(np.float64)).astype(dtype)
    np.testing.assert_allclose(y, expected, rtol=1e-5 if dtype == np.float32 else 1e-10,
                               atol=1e-5 if dtype == np.float32 else 1e-10)


def test_round_is_bankers_and_sign(select_lib):
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.6, -0.0, np.nan], np.float32)
    (y,) = select_lib.run("Round", [x], [np.float32])
    np.testing.assert_array_equal(y, np.round(x))
    (s,) = select_lib.run("Sign", [x], [np.float32])
    np.testing.assert_array_equal(s, np.sign(x))
    for dtype in (np.int32, np.int64, np.int8):
        xi = np.array([-3, 0, 5], dtype)
        np.testing.assert_array_equal(select_lib.run("Sign", [xi], [dtype])[0], np.sign(xi))
        np.testing.assert_array_equal(select_lib.run("Round", [xi], [dtype])[0], xi)


def test_predicates(select_lib):
    x = np.array([1.0, np.nan, np.inf, -np.inf, 0.0], np.float32)
    np.testing.assert_array_equal(select_lib.run("IsNan", [x], [np.bool_])[0], np.isnan(x))
    np.testing.assert_array_equal(select_lib.run("IsFinite", [x], [np.bool_])[0], np.isfinite(x))
    np.testing.assert_array_equal(select_lib.run("IsInf", [x], [np.bool_])[0], np.isinf(x))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64, np.int8])
def test_remainders_broadcast(select_lib, dtype):
    if np.issubdtype(dtype, np.integer):
        x = RNG.integers(-50, 50, (4, 1, 5)).astype(dtype)
        y = RNG.integers(1, 9, (3, 1)).astype(dtype) * np.where(RNG.random((3, 1)) < 0.5, -1, 1).astype(dtype)
    else:
        x = (RNG.standard_normal((4, 1, 5)) * 10).astype(dtype)
        y = (RNG.uniform(0.5, 3, (3, 1)) * np.where(RNG.random((3, 1)) < 0.5, -1, 1)).astype(dtype)
    (floor,) = select_lib.run("FloorMod", [x, y], [dtype], constant=set())
    (trunc,) = select_lib.run("Mod", [x, y], [dtype], constant=set())
    assert floor.shape == (4, 3, 5)
    np.testing.assert_allclose(floor, np.mod(x, y), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(trunc, np.fmod(x, y), rtol=1e-5, atol=1e-5)


def test_integer_mod_by_zero_is_an_error(select_lib):
    from select_harness import SelectError
    with pytest.raises(SelectError, match="integer division by zero"):
        select_lib.run("FloorMod", [np.array([3], np.int32), np.array([0], np.int32)], [np.int32])


@pytest.mark.parametrize("dtype", FLOATS)
def test_atan2(select_lib, dtype):
    y = RNG.standard_normal((2, 3, 4)).astype(dtype)
    x = RNG.standard_normal((4,)).astype(dtype)
    (z,) = select_lib.run("Atan2", [y, x], [dtype])
    np.testing.assert_allclose(z, np.arctan2(y, x), **tol(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64])
def test_clip_by_value(select_lib, dtype):
    t = (RNG.standard_normal((3, 4)) * 10).astype(dtype)
    lo, hi = np.array(-3, dtype), np.full((3, 4), 4, dtype)
    (y,) = select_lib.run("ClipByValue", [t, lo, hi], [dtype])
    np.testing.assert_array_equal(y, np.clip(t, lo, hi))


@pytest.mark.parametrize("op,ref", [("Cumsum", np.cumsum), ("Cumprod", np.cumprod)])
@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64])
def test_scans(select_lib, op, ref, exclusive, reverse, axis, dtype):
    x = RNG.integers(1, 4, (3, 4, 5)).astype(dtype)
    (y,) = select_lib.run(op, [x, np.array(axis, np.int32)], [dtype], {"exclusive": exclusive, "reverse": reverse})
    v = np.flip(x, axis) if reverse else x
    e = ref(v, axis=axis)
    if exclusive:
        identity = 0 if op == "Cumsum" else 1
        e = np.moveaxis(e, axis, 0)
        e = np.concatenate([np.full_like(e[:1], identity), e[:-1]], axis=0)
        e = np.moveaxis(e, 0, axis)
    if reverse:
        e = np.flip(e, axis)
    np.testing.assert_allclose(y, e, rtol=1e-6)
