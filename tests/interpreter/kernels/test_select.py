"""SELECT_V2 (condition, x and y broadcast together) and SELECT (x and y of one shape; a condition of that shape,
a scalar, or a vector picking rows) against np.where: shapes with broadcast axes in every position, scalars,
empty tensors, every fixed-size dtype (quantized values move unchanged), threads, constant folding, failures
with their messages, and LiteRT's builtin kernels."""

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from dtype_values import random_values
from litert_builtin import requires_litert, run_litert_builtin

DTYPES = [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16, np.bool_, np.float16, np.float64, np.uint32]


def values(shape, dtype, seed=0):
    return random_values(shape, dtype, seed, spread=None)


def select(op, cond, x, y, **kwargs):
    return run_single_op(op, [cond, x, y], output_types=np.asarray(x).dtype, **kwargs)[0]


# (condition, x, y) shapes that broadcast: scalars, leading 1s, broadcast axes in every position, rank 5 and 6,
# sizes around the thread-pool split.
BROADCAST_SHAPES = [
    ((), (), ()),
    ((5,), (5,), (5,)),
    ((), (3, 4), (3, 4)),
    ((3, 4), (), ()),
    ((3, 1), (1, 4), (3, 4)),
    ((2, 3, 4), (4,), (3, 1)),
    ((1, 7), (6, 1), (1,)),
    ((2, 1, 5), (1, 3, 1), (2, 3, 5)),
    ((4, 1, 3, 1, 2), (1, 5, 1, 1, 2), (4, 5, 3, 7, 1)),
    ((2, 1, 2, 1, 2, 1), (1, 2, 1, 2, 1, 2), ()),
    ((17, 1), (1, 10007), (17, 10007)),
    ((0, 3), (1, 3), (0, 1)),
]


@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
def test_select_v2_broadcasts_like_numpy(shapes):
    cond = values(shapes[0], np.bool_, 1)
    x, y = values(shapes[1], np.float32, 2), values(shapes[2], np.float32, 3)
    got = select("SELECT_V2", cond, x, y)
    np.testing.assert_array_equal(got, np.where(cond, x, y))
    assert got.shape == np.broadcast_shapes(*shapes)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("op", ["SELECT", "SELECT_V2"])
def test_dtypes(op, dtype):
    cond = values((3, 17), np.bool_, 4)
    x, y = values((3, 17), dtype, 5), values((3, 17), dtype, 6)
    got = select(op, cond, x, y)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, np.where(cond, x, y))


def test_quantized_values_move_unchanged():
    cond = values((4, 4), np.bool_, 7)
    x, y = values((4, 4), np.int8, 8), values((4, 4), np.int8, 9)
    q = (0.5, 3)
    got = run_single_op("SELECT_V2", [cond, x, y], input_quantization={1: q, 2: q}, output_quantization=q,
                        output_types=np.int8)[0]
    np.testing.assert_array_equal(got, np.where(cond, x, y))


@pytest.mark.parametrize("cond_shape", [(4, 3, 5), (), (4,)], ids=["same shape", "scalar", "rows"])
def test_select_v1_conditions(cond_shape):
    cond = values(cond_shape, np.bool_, 10)
    x, y = values((4, 3, 5), np.float32, 11), values((4, 3, 5), np.float32, 12)
    got = select("SELECT", cond, x, y)
    picked = cond.reshape(cond.shape + (1,) * (3 - cond.ndim)) if cond.ndim == 1 else cond
    np.testing.assert_array_equal(got, np.where(picked, x, y))


def test_select_v1_vector_condition_of_a_vector_is_element_wise():
    cond, x, y = values(6, np.bool_, 13), values(6, np.int32, 14), values(6, np.int32, 15)
    np.testing.assert_array_equal(select("SELECT", cond, x, y), np.where(cond, x, y))


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_threads(threads):
    cond = values((7, 1, 4099), np.bool_, 16)
    x, y = values((1, 5, 4099), np.float32, 17), values((7, 5, 1), np.float32, 18)
    got = select("SELECT_V2", cond, x, y, num_threads=threads)
    np.testing.assert_array_equal(got, np.where(cond, x, y))


def test_constant_inputs_are_folded():
    cond = values((3, 3), np.bool_, 19)
    x, y = values((3, 3), np.float32, 20), np.float32(-1e9)
    got = run_single_op("SELECT_V2", [cond, x, y], constant_inputs=[0, 2], output_types=np.float32)[0]
    np.testing.assert_array_equal(got, np.where(cond, x, y))


@pytest.mark.parametrize("op,shapes,message", [
    ("SELECT_V2", ((3,), (4,), (3,)), r"shapes \[3\], \[4\] and \[3\] cannot be broadcast together"),
    ("SELECT_V2", ((2, 3), (3,), (2, 2)), r"shapes \[2, 3\], \[3\] and \[2, 2\] cannot be broadcast together"),
    ("SELECT", ((3,), (3, 4), (4,)), r"x \[3, 4\] and y \[4\] must have the same shape \(SELECT_V2 broadcasts them\)"),
    ("SELECT", ((4,), (3, 4), (3, 4)), r"condition \[4\] must have the shape of x \[3, 4\], be a scalar, or be a "
                                       r"vector of x's first dimension"),
    ("SELECT", ((3, 1), (3, 4), (3, 4)), r"condition \[3, 1\] must have the shape of x"),
])
def test_shape_failures(op, shapes, message):
    with pytest.raises(EdgeliteError, match=r"node 0 \(" + op + r"\): " + message):
        select(op, values(shapes[0], np.bool_, 0), values(shapes[1], np.float32, 0), values(shapes[2], np.float32, 0))


def test_type_failures():
    x = np.zeros(3, np.float32)
    with pytest.raises(EdgeliteError, match=r"input 0 'input0' is float32, expected bool"):
        select("SELECT_V2", x, x, x)
    with pytest.raises(EdgeliteError, match=r"input 2 'input2' is int32, expected same as input 1"):
        select("SELECT_V2", x > 0, x, np.zeros(3, np.int32))
    with pytest.raises(EdgeliteError, match=r"output 0 'output0' is int32, expected same as input 1"):
        run_single_op("SELECT_V2", [x > 0, x, x], output_types=np.int32)


def test_versions():
    cond, x = values((2, 2, 2, 2, 2), np.bool_, 1), values((2, 2, 2, 2, 2), np.float32, 2)
    np.testing.assert_array_equal(select("SELECT", cond, x, -x, version=3), np.where(cond, x, -x))
    # SELECT 4 and SELECT_V2 2 add uint32.
    u = values((2, 2, 2, 2, 2), np.uint32, 3)
    np.testing.assert_array_equal(select("SELECT", cond, u, ~u, version=4), np.where(cond, u, ~u))
    np.testing.assert_array_equal(select("SELECT_V2", cond[:1], u, ~u[0], version=2), np.where(cond[:1], u, ~u[0]))
    with pytest.raises(EdgeliteError, match="operator SELECT version 5 is not supported"):
        select("SELECT", cond, x, -x, version=5)
    with pytest.raises(EdgeliteError, match="operator SELECT_V2 version 3 is not supported"):
        select("SELECT_V2", cond, x, -x, version=3)


def test_other_kernels_refuse_uint32_by_name():
    """uint32 tensors load (for SELECT); a kernel without a uint32 row says so, as for any other dtype."""
    u = np.arange(4, dtype=np.uint32)
    with pytest.raises(EdgeliteError, match="uint32"):
        run_single_op("ADD", [u, u])


@requires_litert
@pytest.mark.parametrize("op,version,cond_shape", [("SELECT_V2", 2, (3, 1, 5)), ("SELECT", 4, (4,))])
def test_uint32_matches_litert(op, version, cond_shape):
    cond = values(cond_shape, np.bool_, 27)
    shape = (3, 4, 5) if op == "SELECT_V2" else (4, 3, 5)
    x, y = values(shape, np.uint32, 28), values(shape[-1:] if op == "SELECT_V2" else shape, np.uint32, 29)
    expected = run_litert_builtin(op, [cond, x, y], output_types=np.dtype(np.uint32), version=version)[0]
    got = select(op, cond, x, y, version=version)
    assert got.dtype == np.uint32
    np.testing.assert_array_equal(got, expected)


LITERT_DTYPES = [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16, np.bool_]


@requires_litert
@pytest.mark.parametrize("dtype", LITERT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shapes", [s for s in BROADCAST_SHAPES if len(s[0]) <= 5 and 10007 not in s[1]], ids=str)
def test_select_v2_matches_litert(shapes, dtype):
    cond = values(shapes[0], np.bool_, 21)
    x, y = values(shapes[1], dtype, 22), values(shapes[2], dtype, 23)
    expected = run_litert_builtin("SELECT_V2", [cond, x, y], output_types=np.dtype(dtype))[0]
    got = select("SELECT_V2", cond, x, y)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


@requires_litert
@pytest.mark.parametrize("dtype", LITERT_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("cond_shape", [(4, 3, 5), (), (4,)], ids=["same shape", "scalar", "rows"])
def test_select_v1_matches_litert(cond_shape, dtype):
    cond = values(cond_shape, np.bool_, 24)
    x, y = values((4, 3, 5), dtype, 25), values((4, 3, 5), dtype, 26)
    version = 2 if np.dtype(dtype) == np.int8 else 1
    expected = run_litert_builtin("SELECT", [cond, x, y], output_types=np.dtype(dtype), version=version)[0]
    np.testing.assert_array_equal(select("SELECT", cond, x, y, version=version), expected)
