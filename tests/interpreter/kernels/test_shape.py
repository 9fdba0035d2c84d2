"""SHAPE (int32/int64 out_type, folded at prepare), and the dynamic-batch shape chain
SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE resolving before invoke, after every input resize."""

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder
from edgelite.testing import run_single_op


@pytest.mark.parametrize("shape", [(), (7,), (1, 13), (2, 3, 5, 7), (0, 4)])
@pytest.mark.parametrize("out_type", [np.int32, np.int64])
def test_shape_values_and_type(shape, out_type):
    x = np.zeros(shape, np.float32)
    options = {"out_type": "INT64" if out_type == np.int64 else "INT32"}
    out = run_single_op("SHAPE", [x], options, output_types=out_type)[0]
    assert out.dtype == out_type
    np.testing.assert_array_equal(out, np.array(shape, out_type).reshape(len(shape)))


def test_output_type_must_match_out_type():
    with pytest.raises(edgelite.EdgeliteError, match="output.*int32.*expected int64"):
        run_single_op("SHAPE", [np.zeros((3, 4), np.float32)], {"out_type": "INT64"}, output_types=np.int32)
    with pytest.raises(edgelite.EdgeliteError, match="out_type float32 is not supported"):
        run_single_op("SHAPE", [np.zeros((3, 4), np.float32)], {"out_type": "FLOAT32"})


def dynamic_batch_model():
    """x: [batch, 6, 4] -> reshape to [batch, 24], the batch read from SHAPE(x) at prepare."""
    b = ModelBuilder()
    x = b.add_input("x", [1, 6, 4], np.float32, shape_signature=[-1, 6, 4])
    shape = b.add_tensor("shape", None, np.int32)
    batch = b.add_tensor("batch", None, np.int32)
    new_shape = b.add_tensor("new_shape", None, np.int32)
    y = b.add_tensor("y", None, np.float32)
    b.add_operator("SHAPE", [x], [shape], {"out_type": "INT32"})
    b.add_operator("STRIDED_SLICE", [shape, b.add_constant("b", np.int32([0])), b.add_constant("e", np.int32([1])),
                                     b.add_constant("s", np.int32([1]))], [batch], {"shrink_axis_mask": 1})
    b.add_operator("PACK", [batch, b.add_constant("features", np.int32(24))], [new_shape],
                   {"values_count": 2, "axis": 0})
    b.add_operator("RESHAPE", [x, new_shape], [y])
    b.mark_output(y)
    b.mark_output(new_shape)
    return b.build()


def test_shape_chain_resolves_at_prepare_after_resize():
    interp = edgelite.Interpreter(model_content=dynamic_batch_model())
    x_index = interp.get_input_details()[0]["index"]
    y_detail, shape_detail = interp.get_output_details()
    rng = np.random.default_rng(0)
    for batch in [1, 5, 3]:
        interp.resize_tensor_input(x_index, [batch, 6, 4])
        interp.allocate_tensors()
        # Known before invoke: the chain was folded at prepare, so the reshape is not dynamic.
        y_detail = interp.get_output_details()[0]
        assert list(y_detail["shape"]) == [batch, 24]
        x = rng.standard_normal((batch, 6, 4)).astype(np.float32)
        interp.set_tensor(x_index, x)
        interp.invoke()
        np.testing.assert_array_equal(interp.get_tensor(y_detail["index"]), x.reshape(batch, 24))
        np.testing.assert_array_equal(interp.get_tensor(shape_detail["index"]), [batch, 24])


def test_shape_of_a_tensor_sized_at_invoke():
    # RESHAPE with a run-time shape is dynamic; SHAPE after it must run at invoke.
    b = ModelBuilder()
    x = b.add_input("x", [12], np.float32)
    s = b.add_input("s", [3], np.int32)
    r = b.add_tensor("r", None, np.float32)
    out = b.add_tensor("out", None, np.int64)
    b.add_operator("RESHAPE", [x, s], [r])
    b.add_operator("SHAPE", [r], [out], {"out_type": "INT64"})
    b.mark_output(out)
    interp = edgelite.Interpreter(model_content=b.build())
    interp.allocate_tensors()
    ins = interp.get_input_details()
    interp.set_tensor(ins[0]["index"], np.zeros(12, np.float32))
    for new_shape in [(2, 3, 2), (1, -1, 4), (12, 1, 1)]:
        interp.set_tensor(ins[1]["index"], np.int32(new_shape))
        interp.invoke()
        expected = np.zeros(12).reshape(new_shape).shape
        np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]), expected)
