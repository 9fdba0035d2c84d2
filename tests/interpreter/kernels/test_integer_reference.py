"""The arithmetic helpers of integer_reference on their own (no LiteRT needed): multipliers at their edges,
the two roundings of MultiplyByQuantizedMultiplier against exact rational arithmetic, and the fixed-point
functions against float math."""

import math
from fractions import Fraction

import numpy as np

import integer_reference as ir


def exact_round_half_away(value):
    return int(math.floor(abs(value) + Fraction(1, 2))) * (1 if value >= 0 else -1)


def test_quantize_multiplier_edges():
    assert ir.quantize_multiplier(0.0) == (0, 0)
    assert ir.quantize_multiplier(0.5) == (1 << 30, 0)
    assert ir.quantize_multiplier(1.0) == (1 << 30, 1)
    assert ir.quantize_multiplier(1.0 - 2.0 ** -40) == (1 << 30, 1)  # significand rounds up to 2^31: carry
    assert ir.quantize_multiplier(2.0 ** -31) == (1 << 30, -30)
    assert ir.quantize_multiplier(2.0 ** -40) == (0, 0)  # shift below -31 flushes to zero
    m, s = ir.quantize_multiplier(np.array([0.3, 3.0, 1e-5]))
    for real, mi, si in zip([0.3, 3.0, 1e-5], m, s):
        assert abs(mi * 2.0 ** (si - 31) - real) <= 2.0 ** (si - 32)


def test_multiply_by_quantized_multiplier_rounds_twice():
    rng = np.random.default_rng(0)
    x = rng.integers(-(1 << 24), 1 << 24, 4000)
    real = 0.0123456
    m, s = ir.quantize_multiplier(real)
    got = ir.multiply_by_quantized_multiplier(x, m, s)
    exact = np.array([exact_round_half_away(Fraction(int(v)) * Fraction(m, 1 << (31 - s))) for v in x])
    diff = got - exact
    assert set(np.unique(diff)) <= {-1, 0, 1} and np.mean(diff != 0) < 0.01  # double rounding: rarely one off


def test_roundings_on_ties():
    ties = np.array([-5, -3, -1, 1, 3, 5]) << 2  # x / 8 = -2.5, -1.5, -0.5, 0.5, 1.5, 2.5
    np.testing.assert_array_equal(ir.rounding_divide_by_pot(ties, 3), [-3, -2, -1, 1, 2, 3])  # away from zero
    half = 1 << 30  # SRDHM(x, 2^30) = x / 2, ties toward +infinity (not away from zero)
    np.testing.assert_array_equal(ir.srdhm(np.array([-3, -1, 1, 3]), half), [-1, 0, 1, 2])
    x = np.array([-6, -2, 2, 6])  # x * 0.5 * 2^-1 = -1.5, -0.5, 0.5, 1.5
    np.testing.assert_array_equal(ir.multiply_by_quantized_multiplier(x, half, -1), [-2, -1, 1, 2])
    np.testing.assert_array_equal(ir.multiply_by_quantized_multiplier_neon(x, half, -1), [-1, 0, 1, 2])
    assert ir.srdhm(ir.INT32_MIN, ir.INT32_MIN) == ir.INT32_MAX
    assert ir.multiply_by_quantized_multiplier_int64(np.array([-3, 3]), 1 << 30, 0)[1] == 2


def test_fixed_point_functions_track_float_math():
    a = -np.arange(1, 1 << 15, 97, dtype=np.int64) * (1 << 16)  # negative Q5.26 values down to about -32
    exp = ir.exp_on_negative_values(a, 5) / 2.0 ** 31
    np.testing.assert_allclose(exp, np.exp(a / 2.0 ** 26), atol=1e-6)
    x = np.arange(0, (1 << 31) - 1, 1 << 22, dtype=np.int64)
    np.testing.assert_allclose(ir.one_over_one_plus_x_for_x_in_0_1(x) / 2.0 ** 31, 1 / (1 + x / 2.0 ** 31),
                               atol=1e-8)
    sums = np.array([1 << 19, 3 << 19, 1000 << 19, (1 << 30) + 12345])  # Q12.19, values >= 1
    log = ir.log_x_for_x_greater_than_or_equal_to_1(sums, 12, 5) / 2.0 ** 26
    np.testing.assert_allclose(log, np.log(sums / 2.0 ** 19), atol=1e-6)


def test_quantize_special_values():
    x = np.array([0.49999997, 0.5, -0.5, 2.5, np.nan, np.inf, -np.inf, 1e12], np.float32)
    np.testing.assert_array_equal(ir.quantize(x, 1.0, 0, np.int8), [0, 1, -1, 3, -128, -128, -128, -128])
