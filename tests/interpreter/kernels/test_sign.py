"""SIGN: -1, 0 or 1 for float32 (optimized loop and reference twin), float64 and int32 (version 2); NaN stays
NaN and both zeros give +0, as in .tflite; other dtypes refused; and LiteRT's builtin kernel."""

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from kernel_twins import run_optimized_and_reference
from litert_builtin import requires_litert, run_litert_builtin

SPECIAL = [0.0, -0.0, 1e-45, -1e-45, 1e-30, -1e-30, 0.5, -2.0, 1e30, -1e30, np.inf, -np.inf, np.nan]


def sign_reference(x):
    # np.sign gives NaN for NaN and +0 for both zeros.
    return np.sign(x) + np.zeros((), x.dtype)


def assert_same(got, want):
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    if np.issubdtype(got.dtype, np.floating):
        np.testing.assert_array_equal(np.signbit(got), np.signbit(want))


@pytest.mark.parametrize("shape", [(), (1,), (16,), (17,), (3, 5, 7), (0,), (10007,)], ids=str)
def test_float32(shape):
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    optimized, reference = run_optimized_and_reference("SIGN", [x])
    assert_same(optimized[0], sign_reference(x))
    assert_same(reference[0], sign_reference(x))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_special_values(dtype):
    x = np.array(SPECIAL, dtype)
    optimized, reference = run_optimized_and_reference("SIGN", [x])
    assert_same(optimized[0], sign_reference(x))
    assert_same(reference[0], sign_reference(x))


def test_int32():
    info = np.iinfo(np.int32)
    x = np.array([0, 1, -1, 7, -7, info.max, info.min], np.int32)
    assert_same(run_single_op("SIGN", [x], version=2)[0], np.sign(x))


@pytest.mark.parametrize("dtype", [np.int64, np.int8, np.float16])
def test_other_types_are_refused(dtype):
    name = np.dtype(dtype).name
    with pytest.raises(EdgeliteError, match=rf"node 0 \(SIGN\): dtypes \({name}\) -> {name} are not supported.*"
                                            r"supported: \(float32\) -> float32; \(int32\) -> int32; \(float64\)"):
        run_single_op("SIGN", [np.zeros(3, dtype)])


def test_version_three_is_refused():
    with pytest.raises(EdgeliteError, match="operator SIGN version 3 is not supported"):
        run_single_op("SIGN", [np.zeros(3, np.float32)], version=3)


@requires_litert
@pytest.mark.parametrize("dtype,version", [(np.float32, 1), (np.int32, 2), (np.float64, 1)])
def test_matches_litert(dtype, version):
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.integers(-3, 4, 50), SPECIAL if dtype != np.int32 else []]).astype(dtype)
    assert_same(run_single_op("SIGN", [x], version=version)[0], run_litert_builtin("SIGN", [x], version=version)[0])
