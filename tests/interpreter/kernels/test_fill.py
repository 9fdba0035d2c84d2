"""FILL: constant dims (shape known at prepare, folded with a constant value), runtime dims (a dynamic
output sized at invoke, again at each invoke), every fixed-size value dtype, scalars and empty shapes,
LiteRT's builtin kernel, and prepare/invoke failures."""

import numpy as np
import pytest

from edgelite import Interpreter
from edgelite.errors import EdgeliteError
from edgelite.model_builder import ModelBuilder
from edgelite.testing import run_single_op
from litert_builtin import requires_litert, run_litert_builtin


def fill(dims, value, *, constant_dims=True, constant_value=False, **kwargs):
    value = np.asarray(value)
    constant = ([0] if constant_dims else []) + ([1] if constant_value else [])
    return run_single_op("FILL", [np.asarray(dims), value], constant_inputs=constant, output_types=value.dtype,
                         **kwargs)[0]


VALUES = [np.float32(1.5), np.int32(-7), np.int64(2**40), np.bool_(True), np.int8(-3), np.int16(300),
          np.uint8(200), np.float16(0.25), np.float64(1e-300)]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: np.asarray(v).dtype.name)
@pytest.mark.parametrize("constant_dims", [True, False])
def test_value_types(value, constant_dims):
    got = fill(np.array([2, 3, 5], np.int32), value, constant_dims=constant_dims, version=4)
    assert got.dtype == np.asarray(value).dtype
    np.testing.assert_array_equal(got, np.full((2, 3, 5), value))


@pytest.mark.parametrize("dims_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("dims", [[1], [7], [13, 1], [2, 0, 3], [1, 1, 1, 1, 17], [10007]])
def test_shapes(dims_dtype, dims):
    for constant_dims in (True, False):
        got = fill(np.array(dims, dims_dtype), np.float32(-2.5), constant_dims=constant_dims)
        np.testing.assert_array_equal(got, np.full(dims, -2.5, np.float32))
        assert got.shape == tuple(dims)


def test_empty_dims_give_a_scalar():
    for constant_dims in (True, False):
        got = fill(np.zeros(0, np.int32), np.int64(7), constant_dims=constant_dims)
        assert got.shape == () and got == 7


def test_constant_inputs_are_folded():
    # Both inputs constant: the output is computed at prepare and already has its shape.
    b = ModelBuilder()
    dims = b.add_constant("dims", np.array([3, 2], np.int64))
    value = b.add_constant("value", np.array(4, np.int32))
    out = b.add_tensor("out", None, np.int32)
    b.add_operator("FILL", [dims, value], [out])
    b.mark_output(out)
    interp = Interpreter(model_content=b.build())
    interp.allocate_tensors()
    detail = interp.get_output_details()[0]
    assert list(detail["shape"]) == [3, 2]
    interp.invoke()
    np.testing.assert_array_equal(interp.get_tensor(detail["index"]), np.full((3, 2), 4, np.int32))


def test_runtime_dims_resize_the_output_at_each_invoke():
    b = ModelBuilder()
    dims = b.add_input("dims", [2], np.int32)
    value = b.add_input("value", [], np.float32)
    out = b.add_tensor("out", None, np.float32)
    b.add_operator("FILL", [dims, value], [out])
    b.mark_output(out)
    interp = Interpreter(model_content=b.build())
    interp.allocate_tensors()
    dims_index, value_index = (d["index"] for d in interp.get_input_details())
    out_index = interp.get_output_details()[0]["index"]
    for shape, v in [((2, 3), 1.0), ((40, 50), -3.0), ((1, 0), 2.0), ((4, 4), 0.5)]:
        interp.set_tensor(dims_index, np.array(shape, np.int32))
        interp.set_tensor(value_index, np.float32(v))
        interp.invoke()
        np.testing.assert_array_equal(interp.get_tensor(out_index), np.full(shape, v, np.float32))


@requires_litert
@pytest.mark.parametrize("value", VALUES[:5], ids=lambda v: np.asarray(v).dtype.name)
@pytest.mark.parametrize("constant_dims", [True, False])
def test_matches_litert(value, constant_dims):
    inputs = [np.array([3, 1, 4], np.int64), np.asarray(value)]
    constant = [0] if constant_dims else []
    expected = run_litert_builtin("FILL", inputs, constant_inputs=constant, output_types=inputs[1].dtype,
                                  version=3)[0]
    got = fill(inputs[0], value, constant_dims=constant_dims, version=3)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_versions_four_and_five_run_and_six_is_refused():
    np.testing.assert_array_equal(fill(np.array([2], np.int32), np.float16(1.0), version=4), [1.0, 1.0])
    np.testing.assert_array_equal(fill(np.array([2], np.int32), np.float16(1.0), version=5), [1.0, 1.0])
    with pytest.raises(EdgeliteError, match="operator FILL version 6 is not supported"):
        fill(np.array([2], np.int32), np.float16(1.0), version=6)


@pytest.mark.parametrize("constant_dims", [True, False])
def test_negative_dims_are_refused(constant_dims):
    # Checked at prepare for constant dims, at invoke for runtime ones.
    with pytest.raises(EdgeliteError, match=r"dims\[1\] is -3, expected 0 to 2\^31 - 1"):
        fill(np.array([2, -3], np.int32), np.float32(1.0), constant_dims=constant_dims)


def test_dims_beyond_int32_are_refused():
    with pytest.raises(EdgeliteError, match=r"dims\[0\] is 4294967296"):
        fill(np.array([2**32], np.int64), np.float32(1.0))


@pytest.mark.parametrize("constant_dims", [True, False])
def test_too_many_elements_are_refused(constant_dims):
    with pytest.raises(EdgeliteError, match=r"output shape \[65536, 65536, 65536\]\.\.\. has too many elements"):
        fill(np.array([65536, 65536, 65536], np.int32), np.float32(1.0), constant_dims=constant_dims)


def test_float_dims_are_refused():
    with pytest.raises(EdgeliteError, match=r"input 0 'input0' is float32, expected int32\|int64"):
        fill(np.array([2.0], np.float32), np.float32(1.0))


def test_2d_dims_are_refused():
    with pytest.raises(EdgeliteError, match=r"dims input 'input0' must be 1-D, got shape \[1, 2\]"):
        fill(np.array([[2, 3]], np.int32), np.float32(1.0))


def test_non_scalar_value_is_refused():
    with pytest.raises(EdgeliteError, match=r"value input 'input1' must be a scalar, got shape \[1\]"):
        fill(np.array([2], np.int32), np.array([1.0], np.float32))


def test_output_type_must_match_value():
    with pytest.raises(EdgeliteError, match="output 0 'output0' is int32, expected same as input 1"):
        run_single_op("FILL", [np.array([2], np.int32), np.float32(1.0)], constant_inputs=[0])
