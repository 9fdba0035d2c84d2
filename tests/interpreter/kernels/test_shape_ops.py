"""EXPAND_DIMS, RANK, ZEROS_LIKE, BROADCAST_ARGS and RANGE: shape-chain operators, against NumPy over shapes,
axes and dtypes, folded at prepare from constants (and sized at eval from runtime inputs), prepare failures,
and LiteRT's builtin kernels."""

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder
from edgelite.testing import run_single_op
from litert_builtin import requires_litert, run_litert_builtin

DTYPES = [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16, np.bool_, np.float16]


def values(shape, dtype, seed=0):
    return (np.random.default_rng(seed).standard_normal(shape) * 50).astype(dtype)


@pytest.mark.parametrize("shape", [(), (3,), (2, 5), (2, 3, 4)], ids=str)
@pytest.mark.parametrize("axis_type", [np.int32, np.int64])
def test_expand_dims_every_axis(shape, axis_type):
    x = values(shape, np.float32)
    for axis in range(-len(shape) - 1, len(shape) + 1):
        got = run_single_op("EXPAND_DIMS", [x, np.array([axis], axis_type)], constant_inputs=[1])[0]
        np.testing.assert_array_equal(got, np.expand_dims(x, axis))


@pytest.mark.parametrize("dtype", DTYPES)
def test_expand_dims_dtypes(dtype):
    x = values((2, 3), dtype)
    got = run_single_op("EXPAND_DIMS", [x, np.int32(1)], constant_inputs=[1])[0]
    assert got.dtype == np.dtype(dtype) and got.shape == (2, 1, 3)
    np.testing.assert_array_equal(got, x[:, None])


def test_expand_dims_runtime_axis_sizes_at_eval():
    x = values((4, 5), np.float32)
    for axis in (0, 2, -1):
        got = run_single_op("EXPAND_DIMS", [x, np.array([axis], np.int32)])[0]
        np.testing.assert_array_equal(got, np.expand_dims(x, axis))


def test_expand_dims_bad_axis():
    with pytest.raises(edgelite.EdgeliteError, match="axis 3 is out of range for rank 3"):
        run_single_op("EXPAND_DIMS", [values((2, 3), np.float32), np.int32(3)], constant_inputs=[1])
    with pytest.raises(edgelite.EdgeliteError, match="must have one element"):
        run_single_op("EXPAND_DIMS", [values((2, 3), np.float32), np.int32([0, 1])], constant_inputs=[1])


@pytest.mark.parametrize("shape", [(), (7,), (2, 0, 3), (1, 2, 3, 4, 5)], ids=str)
def test_rank(shape):
    got = run_single_op("RANK", [np.zeros(shape, np.float32)], output_types=np.int32)[0]
    assert got.dtype == np.int32 and got.shape == () and got == len(shape)


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64])
@pytest.mark.parametrize("shape", [(), (5,), (2, 3, 4)], ids=str)
def test_zeros_like(dtype, shape):
    got = run_single_op("ZEROS_LIKE", [values(shape, dtype) + 1])[0]
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, np.zeros(shape, dtype))


def test_zeros_like_refuses_other_dtypes():
    with pytest.raises(edgelite.EdgeliteError, match="int8"):
        run_single_op("ZEROS_LIKE", [np.ones(3, np.int8)])


@pytest.mark.parametrize("a,b", [([2, 1, 3], [4, 1]), ([5], [1]), ([], [3, 2]), ([1, 1], [7, 1, 6]), ([3], [3])])
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_broadcast_args(a, b, dtype):
    got = run_single_op("BROADCAST_ARGS", [np.array(a, dtype), np.array(b, dtype)])[0]
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, np.broadcast_shapes(tuple(a), tuple(b)))


def test_broadcast_args_incompatible():
    with pytest.raises(edgelite.EdgeliteError, match="cannot be broadcast"):
        run_single_op("BROADCAST_ARGS", [np.int32([2, 3]), np.int32([4])])


@pytest.mark.parametrize("start,limit,delta", [(0, 10, 1), (3, 18, 4), (10, 0, -3), (5, 5, 1), (-2, 7, 2)])
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32])
@pytest.mark.parametrize("constant", [True, False])
def test_range(start, limit, delta, dtype, constant):
    inputs = [np.array(v, dtype) for v in (start, limit, delta)]
    got = run_single_op("RANGE", inputs, constant_inputs=[0, 1, 2] if constant else [])[0]
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, np.arange(start, limit, delta, dtype=dtype))


def test_range_fractional_delta():
    got = run_single_op("RANGE", [np.float32(0.5), np.float32(2.0), np.float32(0.4)])[0]
    np.testing.assert_allclose(got, np.arange(0.5, 2.0, 0.4, dtype=np.float32), rtol=1e-6)


@requires_litert
@pytest.mark.parametrize("start,limit,delta", [(0.0, 0.9, 0.3), (0.1, 1.0, 0.1), (-1.0, 1.0, 0.2), (0.5, 2.0, 0.4),
                                               (1.0, 0.0, -0.1)])
def test_range_float_length_as_litert(start, limit, delta):
    """The length is computed in float, where quotients like 0.9 / 0.3 land on an integer."""
    inputs = [np.float32(start), np.float32(limit), np.float32(delta)]
    ours = run_single_op("RANGE", inputs, constant_inputs=[0, 1, 2])[0]
    theirs = run_litert_builtin("RANGE", inputs, constant_inputs=[0, 1, 2])[0]
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


def test_range_bad_delta():
    with pytest.raises(edgelite.EdgeliteError, match="delta must not be 0"):
        run_single_op("RANGE", [np.int32(0), np.int32(4), np.int32(0)], constant_inputs=[0, 1, 2])
    with pytest.raises(edgelite.EdgeliteError, match="does not lead from start"):
        run_single_op("RANGE", [np.int32(0), np.int32(4), np.int32(-1)])


def test_shape_chain_folds_at_prepare():
    """RANK and RANGE of a constant feed RESHAPE: the output shape is known before invoke."""
    b = ModelBuilder()
    x = b.add_input("x", [2, 3, 4], np.float32)
    rank = b.add_tensor("rank", None, np.int32)
    b.add_operator("RANK", [x], [rank])
    axes = b.add_tensor("axes", None, np.int32)
    b.add_operator("RANGE", [b.add_constant("start", np.int32(0)), rank, b.add_constant("delta", np.int32(1))], [axes])
    y = b.add_tensor("y", None, np.float32)
    b.add_operator("SUM", [x, axes], [y], {"keep_dims": False})
    b.mark_output(y)
    interp = edgelite.Interpreter(model_content=b.build())
    interp.allocate_tensors()
    assert list(interp.get_output_details()[0]["shape"]) == []
    xv = values((2, 3, 4), np.float32)
    interp.set_tensor(interp.get_input_details()[0]["index"], xv)
    interp.invoke()
    np.testing.assert_allclose(interp.get_tensor(interp.get_output_details()[0]["index"]), xv.sum(), rtol=1e-5)


@requires_litert
def test_against_litert():
    x = values((2, 3), np.float32)
    for op, inputs, kw in [
        ("EXPAND_DIMS", [x, np.int32(-1)], {"constant_inputs": [1]}),
        ("RANK", [x], {"output_types": np.int32}),
        ("ZEROS_LIKE", [x], {}),
        ("BROADCAST_ARGS", [np.int32([2, 1]), np.int32([3, 1, 4])], {}),
        ("RANGE", [np.float32(1), np.float32(9), np.float32(1.5)], {"constant_inputs": [0, 1, 2]}),
    ]:
        ours = run_single_op(op, inputs, **kw)[0]
        theirs = run_litert_builtin(op, inputs, **kw)[0]
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape, op
        np.testing.assert_array_equal(ours, theirs)
