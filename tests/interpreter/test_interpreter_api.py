"""The Python Interpreter behaves like LiteRT's: details, set/get, views, resize, signatures, errors."""

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder

LITERT_DETAIL_KEYS = {"name", "index", "shape", "shape_signature", "dtype", "quantization",
                      "quantization_parameters", "sparsity_parameters"}


def add_chain_model(n_adds=3, shape=(1, 4), dynamic_batch=False):
    b = ModelBuilder()
    sig = [-1] + list(shape[1:]) if dynamic_batch else None
    x = b.add_input("x", list(shape), shape_signature=sig)
    one = b.add_constant("one", np.ones(shape[1:], np.float32))
    cur = x
    for i in range(n_adds):
        nxt = b.add_tensor(f"t{i}", list(shape))
        b.add_operator("ADD", [cur, one], [nxt])
        cur = nxt
    b.mark_output(cur)
    b.add_signature("serving_default", {"x": x}, {"y": cur})
    return b.build()


def test_details_have_litert_keys():
    interp = edgelite.Interpreter(model_content=add_chain_model())
    interp.allocate_tensors()
    (inp,) = interp.get_input_details()
    (out,) = interp.get_output_details()
    assert set(inp) == LITERT_DETAIL_KEYS and set(out) == LITERT_DETAIL_KEYS
    assert inp["dtype"] is np.float32
    assert list(inp["shape"]) == [1, 4]
    assert inp["quantization"] == (0.0, 0)
    assert len(interp.get_tensor_details()) >= 5


def test_invoke_adds_and_get_tensor_is_a_copy():
    interp = edgelite.Interpreter(model_content=add_chain_model(3))
    interp.allocate_tensors()
    x = np.arange(4, dtype=np.float32).reshape(1, 4)
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    out_index = interp.get_output_details()[0]["index"]
    y = interp.get_tensor(out_index)
    np.testing.assert_array_equal(y, x + 3)
    y[...] = 0
    np.testing.assert_array_equal(interp.get_tensor(out_index), x + 3)


def test_tensor_view_is_zero_copy():
    interp = edgelite.Interpreter(model_content=add_chain_model(1))
    interp.allocate_tensors()
    index = interp.get_input_details()[0]["index"]
    view = interp.tensor(index)
    view()[...] = 5.0
    interp.invoke()
    np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]), np.full((1, 4), 6.0))


def test_resize_batch_replans():
    interp = edgelite.Interpreter(model_content=add_chain_model(2, dynamic_batch=True))
    index = interp.get_input_details()[0]["index"]
    assert list(interp.get_input_details()[0]["shape_signature"]) == [-1, 4]
    interp.resize_tensor_input(index, [7, 4], strict=True)
    interp.allocate_tensors()
    x = np.random.default_rng(0).standard_normal((7, 4)).astype(np.float32)
    interp.set_tensor(index, x)
    interp.invoke()
    np.testing.assert_allclose(interp.get_tensor(interp.get_output_details()[0]["index"]), x + 2)


def test_strict_resize_refuses_fixed_dimension():
    interp = edgelite.Interpreter(model_content=add_chain_model(1, dynamic_batch=True))
    with pytest.raises(edgelite.InvalidArgumentError, match="signature"):
        interp.resize_tensor_input(interp.get_input_details()[0]["index"], [2, 5], strict=True)


def test_out_of_order_and_wrong_values_raise():
    interp = edgelite.Interpreter(model_content=add_chain_model(1))
    index = interp.get_input_details()[0]["index"]
    with pytest.raises(edgelite.NotReadyError, match="allocate_tensors"):
        interp.invoke()
    with pytest.raises(RuntimeError, match="allocate_tensors"):
        interp.set_tensor(index, np.zeros((1, 4), np.float32))
    interp.allocate_tensors()
    with pytest.raises(ValueError, match="float64"):
        interp.set_tensor(index, np.zeros((1, 4), np.float64))
    with pytest.raises(ValueError, match=r"shape \[2, 4\]"):
        interp.set_tensor(index, np.zeros((2, 4), np.float32))
    with pytest.raises(edgelite.InvalidArgumentError, match="out of range"):
        interp.get_tensor(999)
    with pytest.raises(edgelite.InvalidArgumentError, match="not an input"):
        interp.resize_tensor_input(interp.get_output_details()[0]["index"], [1, 4])


def test_resize_requires_new_allocation():
    interp = edgelite.Interpreter(model_content=add_chain_model(1, dynamic_batch=True))
    interp.allocate_tensors()
    interp.resize_tensor_input(interp.get_input_details()[0]["index"], [3, 4])
    with pytest.raises(edgelite.NotReadyError):
        interp.invoke()


def test_constant_tensor_cannot_be_set():
    interp = edgelite.Interpreter(model_content=add_chain_model(1))
    interp.allocate_tensors()
    const = [d for d in interp.get_tensor_details() if d["name"] == "one"][0]
    with pytest.raises(edgelite.InvalidArgumentError, match="constant"):
        interp.set_tensor(const["index"], np.ones(4, np.float32))


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="exactly one"):
        edgelite.Interpreter()
    with pytest.raises(ValueError, match="num_threads"):
        edgelite.Interpreter(model_content=add_chain_model(), num_threads=0)
    with pytest.raises(ValueError, match="cannot open"):
        edgelite.Interpreter(model_path="/nonexistent/model.tflite")


def test_signature_runner_resizes_and_runs():
    interp = edgelite.Interpreter(model_content=add_chain_model(2, dynamic_batch=True))
    assert interp.get_signature_list() == {"serving_default": {"inputs": ["x"], "outputs": ["y"]}}
    runner = interp.get_signature_runner("serving_default")
    x = np.ones((5, 4), np.float32)
    out = runner(x=x)
    np.testing.assert_array_equal(out["y"], x + 2)
    with pytest.raises(ValueError, match="no signature"):
        interp.get_signature_runner("nope")
    with pytest.raises(ValueError, match="missing inputs"):
        runner()


def test_two_subgraphs_with_signatures():
    b = ModelBuilder()
    x = b.add_input("x", [2])
    two = b.add_constant("two", np.full([2], 2.0, np.float32))
    y = b.add_tensor("y", [2])
    b.add_operator("MUL", [x, two], [y])
    b.mark_output(y)
    b.add_signature("double", {"x": x}, {"y": y})
    b.add_subgraph("negate")
    x2 = b.add_input("x", [2])
    zero = b.add_constant("zero", np.zeros([2], np.float32))
    y2 = b.add_tensor("y", [2])
    b.add_operator("SUB", [zero, x2], [y2])
    b.mark_output(y2)
    b.add_signature("negate", {"x": x2}, {"y": y2})
    interp = edgelite.Interpreter(model_content=b.build())
    assert interp.num_subgraphs() == 2
    v = np.array([1.5, -2.0], np.float32)
    np.testing.assert_array_equal(interp.get_signature_runner("double")(x=v)["y"], v * 2)
    np.testing.assert_array_equal(interp.get_signature_runner("negate")(x=v)["y"], -v)


def test_unregistered_operators_fail_allocate_with_names():
    b = ModelBuilder()
    x = b.add_input("x", [4])
    y = b.add_tensor("y", [4])
    z = b.add_tensor("z", [4])
    w = b.add_tensor("w", [4])
    b.add_operator("STABLEHLO_ADD", [x], [y])
    b.add_operator("CUSTOM", [y], [z], custom_code="MyFancyOp")
    b.add_operator("ADD", [z, z], [w], version=99)
    b.mark_output(w)
    interp = edgelite.Interpreter(model_content=b.build())
    with pytest.raises(edgelite.UnsupportedError) as info:
        interp.allocate_tensors()
    message = str(info.value)
    assert "STABLEHLO_ADD" in message
    assert "MyFancyOp" in message
    assert "ADD version 99" in message


def test_arena_reuses_memory_between_lifetimes():
    n = 1024
    interp = edgelite.Interpreter(model_content=add_chain_model(8, shape=(1, n)))
    interp.allocate_tensors()
    tensor_bytes = n * 4
    # Input, output and 7 intermediates would need 9 buffers without reuse; a chain needs 3 at once
    # (the input and the output live throughout, plus two alternating intermediates).
    assert interp.arena_bytes() <= 4 * tensor_bytes
    assert interp.arena_bytes() >= 3 * tensor_bytes
