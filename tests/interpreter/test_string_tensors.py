"""String tensors: the .tflite string buffer (int32 count, int32 offsets, bytes) read from model constants and
written by set_tensor / kernels, round trips of empty strings, empty tensors, non-ASCII and NUL bytes, NumPy object,
bytes_ and str_ arrays in (str as UTF-8) and object arrays of bytes out, as LiteRT's Python API gives them; the
errors LiteRT raises (and those where LiteRT crashes); corrupt constant buffers refused at load; string bytes held
within max_arena_bytes."""

import struct

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder
from testutil import requires_litert, string_buffer

ROUND_TRIPS = {
    "plain": np.array([b"abc", b"de"], object),
    "empty_strings": np.array([b"", b"", b"x", b""], object),
    "non_ascii": np.array(["\u00fcber".encode(), "\u65e5\u672c".encode(), b"\xff\x80"], object),
    "nul_bytes": np.array([b"\x00", b"a\x00b", b"\x00\x00"], object),
    "matrix": np.array([[b"a", b"bb"], [b"ccc", b""]], object),
    "empty_tensor": np.zeros((0, 3), object),
    "scalar": np.array(b"one", object),
}


def reshape_model(shape, out_shape=None):
    """A string input -> RESHAPE (a constant shape) -> output; the identity when out_shape is None."""
    b = ModelBuilder()
    x = b.add_input("x", list(shape), object)
    target = list(shape) if out_shape is None else list(out_shape)
    s = b.add_constant("shape", np.array(target, np.int32))
    y = b.add_tensor("y", target, object)
    b.add_operator("RESHAPE", [x, s], [y])
    b.mark_output(y)
    return b.build()


def run(model, value, **kwargs):
    interp = edgelite.Interpreter(model_content=model, **kwargs)
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], value)
    interp.invoke()
    return interp, interp.get_tensor(interp.get_output_details()[0]["index"])


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_round_trip(name):
    value = ROUND_TRIPS[name]
    interp, out = run(reshape_model(value.shape), value)
    assert out.dtype == object and out.shape == value.shape
    assert all(type(v) is bytes for v in out.ravel())
    assert out.tolist() == value.tolist()
    # The input reads back as set, and again after a second invoke.
    interp.invoke()
    np.testing.assert_array_equal(interp.get_tensor(0), value)


@pytest.mark.parametrize("value", [np.array([b"ab", b"c"]), np.array(["\u00e9", "z"]),
                                   np.array([b"a", "b"], object), np.array([np.bytes_(b"q"), np.str_("r")], object)],
                         ids=["bytes_", "str_", "mixed_object", "numpy_scalars"])
def test_numpy_string_dtypes_are_accepted(value):
    _, out = run(reshape_model([2]), value)
    assert out.tolist() == [v.encode() if isinstance(v, str) else bytes(v) for v in value.tolist()]


def test_details_report_bytes_dtype():
    interp = edgelite.Interpreter(model_content=reshape_model([2]))
    assert interp.get_input_details()[0]["dtype"] is np.bytes_
    assert interp.get_output_details()[0]["dtype"] is np.bytes_


@pytest.mark.parametrize("value, message", [
    (np.array([1, 2], object), "bytes or str elements; element 0 is int"),
    (np.array([b"a", None], object), "element 1 is NoneType"),
    (np.array([bytearray(b"x"), b"a"], object), "element 0 is bytearray"),
    (np.array([b"a"], object), r"shape \[1\] but expected \[2\]"),
    (np.array([1.0, 2.0], np.float32), "float32 but expected string"),
])
def test_bad_values_are_value_errors(value, message):
    interp = edgelite.Interpreter(model_content=reshape_model([2]))
    interp.allocate_tensors()
    with pytest.raises(edgelite.InvalidArgumentError, match=message):
        interp.set_tensor(0, value)
    assert isinstance(edgelite.InvalidArgumentError("x"), ValueError)


def test_reading_or_invoking_before_set_is_an_error():
    # (LiteRT crashes on both get_tensor of an unset string input and tensor() of a string tensor.)
    interp = edgelite.Interpreter(model_content=reshape_model([2]))
    interp.allocate_tensors()
    with pytest.raises(edgelite.NotReadyError, match="holds no value"):
        interp.get_tensor(0)
    with pytest.raises(edgelite.NotReadyError, match="string input 'x' has no value"):
        interp.invoke()
    interp.set_tensor(0, np.array([b"a", b"b"], object))
    with pytest.raises(edgelite.InvalidArgumentError, match="no NumPy view"):
        interp.tensor(0)()


def test_resize_then_set_again():
    model = reshape_model([2], [-1])
    b = ModelBuilder()
    x = b.add_input("x", [2], object, shape_signature=[-1])
    s = b.add_constant("shape", np.array([-1], np.int32))
    y = b.add_tensor("y", [2], object)
    b.add_operator("RESHAPE", [x, s], [y])
    b.mark_output(y)
    interp = edgelite.Interpreter(model_content=b.build())
    for n in (2, 5, 0, 1):
        interp.resize_tensor_input(0, [n])
        interp.allocate_tensors()
        value = np.array([b"s%d" % i * i for i in range(n)], object).reshape(n)
        interp.set_tensor(0, value)
        interp.invoke()
        assert interp.get_tensor(interp.get_output_details()[0]["index"]).tolist() == value.tolist()
    assert model  # the fixed-shape builder also builds


# LiteRT's set_tensor of a 0-d string array stores garbage (its FILL then repeats it): edgelite keeps the value.
@requires_litert
@pytest.mark.parametrize("name", sorted(set(ROUND_TRIPS) - {"scalar"}))
def test_same_as_litert(name):
    from ai_edge_litert.interpreter import Interpreter
    value = ROUND_TRIPS[name]
    model = reshape_model(value.shape)
    theirs = Interpreter(model_content=model)
    theirs.allocate_tensors()
    theirs.set_tensor(0, value)
    theirs.invoke()
    expected = theirs.get_tensor(theirs.get_output_details()[0]["index"])
    _, ours = run(model, value)
    assert ours.dtype == expected.dtype and ours.shape == expected.shape
    assert ours.tolist() == expected.tolist()
    assert theirs.get_input_details()[0]["dtype"] == edgelite.Interpreter(model_content=model).get_input_details()[0]["dtype"]


def constant_model(data: bytes, shape=(2,)):
    """A string constant holding the raw buffer `data`, reshaped to the output."""
    b = ModelBuilder()
    c = b.add_tensor("words", list(shape), object, buffer=b.add_buffer(data))
    s = b.add_constant("shape", np.array([-1], np.int32))
    y = b.add_tensor("y", [int(np.prod(shape))], object)
    b.add_operator("RESHAPE", [c, s], [y])
    b.mark_output(y)
    return b.build()


def test_constant_strings_are_read_from_the_model():
    interp = edgelite.Interpreter(model_content=constant_model(string_buffer([b"x\x00", b"yz"])))
    interp.allocate_tensors()
    interp.invoke()
    assert interp.get_tensor(interp.get_output_details()[0]["index"]).tolist() == [b"x\x00", b"yz"]


def corrupt(words, patch):
    data = bytearray(string_buffer(words))
    for word, value in patch.items():
        struct.pack_into("<i", data, 4 * word, value)
    return bytes(data)


@pytest.mark.parametrize("data, message", [
    (corrupt([b"ab", b"c"], {0: 3}), "holds 3 strings but the shape needs 2"),
    (corrupt([b"ab", b"c"], {0: 0x7FFFFFFF}), "holds 2147483647 strings"),
    (corrupt([b"ab", b"c"], {2: 9}), "string offset 1 is 9"),            # decreasing
    (corrupt([b"ab", b"c"], {3: 99}), "string offset 2 is 99"),          # past the end
    (corrupt([b"ab", b"c"], {1: 4}), "string offset 0 is 4"),            # inside the header
    (corrupt([b"ab", b"c"], {1: -8}), "string offset 0 is -8"),
    (b"\x02\x00", "has no count"),
    (struct.pack("<3i", 2, 16, 18), "offsets need 16 bytes"),
])
def test_corrupt_constant_buffers_are_invalid_models(data, message):
    with pytest.raises(edgelite.InvalidModelError, match=message):
        edgelite.Interpreter(model_content=constant_model(data))


def test_set_tensor_string_bytes_count_against_the_memory_cap():
    interp = edgelite.Interpreter(model_content=reshape_model([2]), max_arena_bytes=64 * 1024)
    interp.allocate_tensors()
    interp.set_tensor(0, np.array([b"a" * 1000, b"b"], object))
    with pytest.raises(edgelite.UnsupportedError, match="memory cap"):
        interp.set_tensor(0, np.array([b"a" * 100_000, b"b"], object))


def test_kernel_string_outputs_count_against_the_memory_cap():
    b = ModelBuilder()
    x = b.add_input("x", [1], object)
    m = b.add_constant("multiples", np.array([1000], np.int32))
    y = b.add_tensor("y", [1000], object)
    b.add_operator("TILE", [x, m], [y])
    b.mark_output(y)
    interp = edgelite.Interpreter(model_content=b.build(), max_arena_bytes=64 * 1024)
    interp.allocate_tensors()
    interp.set_tensor(0, np.array([b"12345678"], object))
    interp.invoke()  # 1000 strings of 8 bytes: 12 KB
    interp.set_tensor(0, np.array([b"1234567890" * 10], object))
    with pytest.raises(edgelite.UnsupportedError, match="memory cap"):
        interp.invoke()  # 100 KB


def test_a_huge_string_output_fails_on_the_cap_before_it_is_built():
    b = ModelBuilder()
    x = b.add_input("x", [1], object)
    y = b.add_tensor("y", [], object)
    b.add_operator("TILE", [x, b.add_constant("multiples", np.array([1 << 30], np.int32))], [y])
    b.mark_output(y)
    interp = edgelite.Interpreter(model_content=b.build(), max_arena_bytes=1 << 26)
    interp.allocate_tensors()
    interp.set_tensor(0, np.array([b"x"], object))
    with pytest.raises(edgelite.UnsupportedError, match="memory cap"):
        interp.invoke()
