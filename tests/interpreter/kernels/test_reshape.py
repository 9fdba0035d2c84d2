"""RESHAPE: shape from the shape tensor (constant or computed at run time) or from the options, -1
inference, zero-size tensors, and refusals that name the problem."""

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder
from edgelite.testing import run_single_op


def reshape(x, shape=None, options=None, constant=True, shape_dtype=np.int32):
    inputs = [x] if shape is None else [x, np.asarray(shape, shape_dtype)]
    return run_single_op("RESHAPE", inputs, options, constant_inputs=(1,) if constant else ())[0]


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.int8, np.bool_])
@pytest.mark.parametrize("constant", [True, False])
def test_shape_tensor(dtype, constant):
    x = (np.arange(2 * 3 * 7) % 5).astype(dtype).reshape(2, 3, 7)
    for shape in [(42,), (7, 6), (-1, 7), (3, -1, 2), (1, 42, 1), (2, 3, 7)]:
        out = reshape(x, shape, constant=constant)
        np.testing.assert_array_equal(out, x.reshape(shape))


def test_int64_shape_tensor():
    x = np.arange(12, dtype=np.float32)
    np.testing.assert_array_equal(reshape(x, (3, -1), shape_dtype=np.int64), x.reshape(3, 4))


def test_shape_from_options():
    x = np.arange(30, dtype=np.float32).reshape(5, 6)
    np.testing.assert_array_equal(reshape(x, options={"new_shape": [3, -1]}), x.reshape(3, 10))
    # The shape tensor wins over the options when both are given.
    np.testing.assert_array_equal(reshape(x, (15, 2), options={"new_shape": [3, 10]}), x.reshape(15, 2))


def test_scalars():
    x = np.array([[7.5]], np.float32)
    assert reshape(x, np.zeros((0,), np.int32)).shape == ()
    # Old converters wrote new_shape [0] for a scalar.
    assert reshape(x, options={"new_shape": [0]}).shape == ()
    np.testing.assert_array_equal(reshape(np.array(3.0, np.float32), (1, 1, -1)), np.full((1, 1, 1), 3.0))


def test_zero_sized():
    x = np.zeros((0, 4), np.float32)
    assert reshape(x, (4, 0, 3)).shape == (4, 0, 3)
    assert reshape(x, (-1, 2)).shape == (0, 2)


def test_large_copy():
    x = np.random.default_rng(0).standard_normal((64, 1001)).astype(np.float32)
    np.testing.assert_array_equal(reshape(x, (1001, 64)), x.reshape(1001, 64))


@pytest.mark.parametrize("shape, message", [
    ((5, 5), "cannot reshape a tensor of 24 elements to shape \\[5, 5\\]"),
    ((-1, 5), "cannot reshape a tensor of 24 elements to shape \\[-1, 5\\]"),
    ((-1, -1), "more than one -1"),
    ((0, -1), "cannot infer the -1 dimension"),
    ((-2, 12), "invalid dimension -2"),
])
def test_incompatible_shapes_fail_in_prepare(shape, message):
    x = np.zeros((2, 3, 4), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match=message):
        reshape(x, shape)


def test_incompatible_run_time_shape_fails_in_invoke():
    x = np.zeros((2, 3, 4), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="cannot reshape a tensor of 24 elements"):
        reshape(x, (7, 3), constant=False)


def test_bad_shape_input_and_types():
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="1-D int32 or int64"):
        reshape(x, (3, 2), shape_dtype=np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="output 0 .* is int32, expected same as input 0"):
        run_single_op("RESHAPE", [x, np.int32([6])], constant_inputs=(1,), output_types=np.int32)


def test_shape_computed_from_another_input_makes_output_dynamic():
    # The new shape comes from an ADD of two run-time inputs: unknown at prepare, so sized at invoke, and
    # re-sized on every invoke.
    b = ModelBuilder()
    x = b.add_input("x", [24], np.float32)
    s0 = b.add_input("s0", [2], np.int32)
    s1 = b.add_input("s1", [2], np.int32)
    shape = b.add_tensor("shape", None, np.int32)
    out = b.add_tensor("out", None, np.float32)
    b.add_operator("ADD", [s0, s1], [shape])
    b.add_operator("RESHAPE", [x, shape], [out])
    b.mark_output(out)
    interp = edgelite.Interpreter(model_content=b.build())
    interp.allocate_tensors()
    ins = interp.get_input_details()
    data = np.arange(24, dtype=np.float32)
    interp.set_tensor(ins[0]["index"], data)
    for a, c in [((2, 2), (2, 4)), ((1, -2), (1, 1)), ((0, 0), (24, 1)), ((1, 1), (0, 23))]:
        interp.set_tensor(ins[1]["index"], np.int32(a))
        interp.set_tensor(ins[2]["index"], np.int32(c))
        interp.invoke()
        result = interp.get_tensor(interp.get_output_details()[0]["index"])
        np.testing.assert_array_equal(result, data.reshape(np.add(a, c)))


@pytest.mark.parametrize("op, extra_inputs, options, expected", [
    ("TRANSPOSE", [np.int32([0, 3, 1, 2])], None, lambda x: x.transpose(0, 3, 1, 2)),
    ("STRIDED_SLICE", [np.int32([0, 1]), np.int32([0, -1]), np.int32([1, 2])], {"begin_mask": 1, "end_mask": 1},
     lambda x: x[:, 1:-1:2]),
    ("PAD", [np.int32([[0, 0], [1, 2], [0, 1], [0, 0]])], None,
     lambda x: np.pad(x, [[0, 0], [1, 2], [0, 1], [0, 0]])),
    ("RESIZE_BILINEAR", [np.int32([4, 6])], {"align_corners": True}, None),
    ("DEPTH_TO_SPACE", [], {"block_size": 2}, lambda x: x.reshape(*x.shape[:3], 2, 2, 1).transpose(
        0, 1, 3, 2, 4, 5).reshape(1, x.shape[1] * 2, x.shape[2] * 2, 1)),
    ("CONCATENATION", ["self"], {"axis": -1}, lambda x: np.concatenate([x, x], -1)),
    ("PACK", ["self"], {"axis": 1, "values_count": 2}, lambda x: np.stack([x, x], 1)),
    ("SHAPE", [], {"out_type": "INT32"}, lambda x: np.int32(x.shape)),
])
def test_ops_downstream_of_a_tensor_sized_at_invoke(op, extra_inputs, options, expected):
    # x is reshaped by a run-time shape, so everything after it is prepared during invoke.
    b = ModelBuilder()
    x = b.add_input("x", [24], np.float32)
    s = b.add_input("s", [4], np.int32)
    r = b.add_tensor("r", None, np.float32)
    out = b.add_tensor("out", None, np.int32 if op == "SHAPE" else np.float32)
    b.add_operator("RESHAPE", [x, s], [r])
    inputs = [r] + [r if isinstance(e, str) else b.add_constant(f"c{i}", e) for i, e in enumerate(extra_inputs)]
    b.add_operator(op, inputs, [out], options)
    b.mark_output(out)
    interp = edgelite.Interpreter(model_content=b.build())
    interp.allocate_tensors()
    ins = interp.get_input_details()
    data = np.arange(24, dtype=np.float32)
    interp.set_tensor(ins[0]["index"], data)
    # Each invoke may change the shape: everything downstream is prepared again.
    for shape in [(1, 3, 2, 4), (1, 2, 3, 4)]:
        interp.set_tensor(ins[1]["index"], np.int32(shape))
        interp.invoke()
        result = interp.get_tensor(interp.get_output_details()[0]["index"])
        x4 = data.reshape(shape)
        if expected is None:  # resize to 4x6 with aligned corners keeps the corner pixels
            assert result.shape == (1, 4, 6, 4)
            corners = ([0, 0, -1, -1], [0, -1, 0, -1])
            np.testing.assert_allclose(result[0][corners], x4[0][corners])
        else:
            np.testing.assert_array_equal(result, expected(x4))
