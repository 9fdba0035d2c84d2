"""Matrix kernels (band part, packed diagonals, determinant, inverse, Cholesky, solve) and Einsum of
libedgelite_select.so against NumPy."""

import numpy as np
import pytest

from select_harness import SelectError

RNG = np.random.default_rng(11)


def i32(v):
    return np.array(v, np.int32)


@pytest.mark.parametrize("lower,upper", [(0, 0), (1, -1), (-1, 0), (2, 1), (-1, -1)])
def test_band_part(select_lib, lower, upper):
    x = RNG.standard_normal((2, 4, 5)).astype(np.float32)
    (y,) = select_lib.run("MatrixBandPart", [x, i32(lower), i32(upper)], [np.float32])
    i, j = np.ogrid[:4, :5]
    keep = ((lower < 0) | (i - j <= lower)) & ((upper < 0) | (j - i <= upper))
    np.testing.assert_array_equal(y, np.where(keep, x, 0))


def diag_v3_reference(diag, k, rows, cols, pad, align):
    lo, hi = (k, k) if np.ndim(k) == 0 else k
    if lo == hi:
        diag = diag[..., None, :]
    max_len = diag.shape[-1]
    out = np.full(diag.shape[:-2] + (rows, cols), pad, diag.dtype)
    for d in range(lo, hi + 1):
        length = min(rows + min(0, d), cols - max(0, d))
        right = (align in ("RIGHT_LEFT", "RIGHT_RIGHT")) if d >= 0 else (align in ("LEFT_RIGHT", "RIGHT_RIGHT"))
        offset = max_len - length if right else 0
        for t in range(length):
            i, j = (t, t + d) if d >= 0 else (t - d, t)
            out[..., i, j] = diag[..., hi - d, t + offset]
    return out


@pytest.mark.parametrize("align", ["RIGHT_LEFT", "LEFT_RIGHT", "LEFT_LEFT", "RIGHT_RIGHT"])
@pytest.mark.parametrize("k,rows,cols", [((-1, 2), -1, -1), ((0, 0), -1, -1), ((-2, 0), 5, -1), ((1, 1), -1, 6)])
def test_matrix_diag_v3(select_lib, align, k, rows, cols):
    lo, hi = k
    max_len = 4
    shape = (2, max_len) if lo == hi else (2, hi - lo + 1, max_len)
    diag = RNG.standard_normal(shape).astype(np.float32)
    kk = i32(lo) if lo == hi else i32([lo, hi])
    (y,) = select_lib.run("MatrixDiagV3", [diag, kk, i32(rows), i32(cols), np.array(-9, np.float32)], [np.float32],
                          {"align": align})
    min_rows, min_cols = max_len - min(hi, 0), max_len + max(lo, 0)
    r = max(min_rows, min_cols) if rows == -1 and cols == -1 else (min_rows if rows == -1 else rows)
    c = max(min_rows, min_cols) if rows == -1 and cols == -1 else (min_cols if cols == -1 else cols)
    np.testing.assert_array_equal(y, diag_v3_reference(diag, (lo, hi), r, c, -9, align))


def test_matrix_diag_v3_unsupported_align(select_lib):
    with pytest.raises(SelectError, match="attribute 'align' = string 'MIDDLE' is not supported"):
        select_lib.run("MatrixDiagV3", [np.ones(3, np.float32), i32(0), i32(-1), i32(-1), np.array(0, np.float32)],
                       [np.float32], {"align": "MIDDLE"})


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_det_inverse_solve_cholesky(select_lib, dtype):
    a = RNG.standard_normal((3, 4, 4)).astype(dtype) + 3 * np.eye(4, dtype=dtype)
    rtol = 2e-4 if dtype == np.float32 else 1e-10
    (det,) = select_lib.run("MatrixDeterminant", [a], [dtype])
    np.testing.assert_allclose(det, np.linalg.det(a.astype(np.float64)), rtol=rtol)
    for adjoint in (False, True):
        (inv,) = select_lib.run("MatrixInverse", [a], [dtype], {"adjoint": adjoint})
        ref = np.linalg.inv(np.swapaxes(a, -1, -2) if adjoint else a)
        np.testing.assert_allclose(inv, ref, rtol=rtol, atol=rtol)
        b = RNG.standard_normal((3, 4, 2)).astype(dtype)
        (x,) = select_lib.run("MatrixSolve", [a, b], [dtype], {"adjoint": adjoint})
        np.testing.assert_allclose(x, np.linalg.solve(np.swapaxes(a, -1, -2) if adjoint else a, b), rtol=rtol, atol=rtol)
    spd = a @ np.swapaxes(a, -1, -2)
    (l,) = select_lib.run("Cholesky", [spd], [dtype])
    np.testing.assert_allclose(l, np.linalg.cholesky(spd), rtol=rtol, atol=rtol)


def test_singular_and_not_positive_definite_are_errors(select_lib):
    with pytest.raises(SelectError, match="not invertible"):
        select_lib.run("MatrixInverse", [np.ones((3, 3), np.float32)], [np.float32])
    with pytest.raises(SelectError, match="not positive definite"):
        select_lib.run("Cholesky", [-np.eye(3, dtype=np.float32)], [np.float32])
    with pytest.raises(SelectError, match="must be square"):
        select_lib.run("MatrixDeterminant", [np.ones((2, 3), np.float32)], [np.float32])
    assert select_lib.run("MatrixDeterminant", [np.ones((3, 3), np.float32)], [np.float32])[0] == 0


EINSUM = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("ii->i", [(4, 4)]),
    ("ii", [(4, 4)]),
    ("ij->", [(3, 4)]),
    ("ij,ij->ij", [(3, 4), (3, 4)]),
    ("i,j->ij", [(3,), (4,)]),
    ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]),
    ("iij,jk", [(3, 3, 4), (4, 2)]),
    ("ab...,b->...a", [(2, 3, 4, 5), (3,)]),
    ("ba", [(2, 3)]),
]


@pytest.mark.parametrize("equation,shapes", EINSUM)
@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_einsum(select_lib, equation, shapes, dtype):
    ops = [(RNG.standard_normal(s) * 3).astype(dtype) for s in shapes]
    expected = np.einsum(equation, *[o.astype(np.float64) for o in ops])
    (y,) = select_lib.run("Einsum", ops, [dtype], {"equation": equation, "N": len(ops)}, constant=set())
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-4)


def test_einsum_bad_equations(select_lib):
    a = np.ones((2, 3), np.float32)
    with pytest.raises(SelectError, match="label 'j' has sizes 3 and 2"):
        select_lib.run("Einsum", [a, a], [np.float32], {"equation": "ij,jk->ik"})
    with pytest.raises(SelectError, match="output label 'z' appears in no operand"):
        select_lib.run("Einsum", [a], [np.float32], {"equation": "ij->z"})
