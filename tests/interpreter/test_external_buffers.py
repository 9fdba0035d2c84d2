"""Buffers stored after the flatbuffer (offset/size, the layout of models over 2 GB) are read in place."""

import flatbuffers
import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder
from edgelite.schema.Model import Model, ModelT


def model_with_trailing_buffer(values: np.ndarray, corrupt_size: bool = False) -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", list(values.shape))
    c = b.add_constant("c", values)
    y = b.add_tensor("y", list(values.shape))
    b.add_operator("ADD", [x, c], [y])
    b.mark_output(y)
    m = ModelT.InitFromObj(Model.GetRootAs(b.build(), 0))
    buf = m.buffers[m.subgraphs[0].tensors[c].buffer]
    buf.data = None
    payload = values.tobytes()
    buf.size = len(payload) + (8 if corrupt_size else 0)

    def pack(offset):
        buf.offset = offset
        builder = flatbuffers.Builder(1024)
        builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
        return bytes(builder.Output())

    # The offset field is a fixed 8 bytes, so packing once to learn the length and again with the real
    # offset gives the same length.
    length = len(pack(2))
    offset = (length + 15) // 16 * 16
    head = pack(offset)
    assert len(head) == length
    return head + b"\0" * (offset - length) + payload


def test_trailing_buffer_is_used():
    values = np.linspace(-3, 3, 12).astype(np.float32).reshape(3, 4)
    interp = edgelite.Interpreter(model_content=model_with_trailing_buffer(values))
    interp.allocate_tensors()
    x = np.ones((3, 4), np.float32)
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]), x + values)


def test_trailing_buffer_past_end_is_refused():
    values = np.ones(4, np.float32)
    with pytest.raises(edgelite.InvalidModelError, match="past the end of the file"):
        edgelite.Interpreter(model_content=model_with_trailing_buffer(values, corrupt_size=True))


def test_trailing_buffer_from_file(tmp_path):
    values = np.arange(6, dtype=np.float32)
    path = tmp_path / "external.tflite"
    path.write_bytes(model_with_trailing_buffer(values))
    interp = edgelite.Interpreter(model_path=str(path))
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], np.zeros(6, np.float32))
    interp.invoke()
    np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]), values)
