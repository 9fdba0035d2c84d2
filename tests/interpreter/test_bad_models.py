"""Corrupt or inconsistent models raise InvalidModelError naming the problem; they never crash."""

import flatbuffers
import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder
from edgelite.schema.Model import Model, ModelT


def good_model() -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", [2, 3])
    c = b.add_constant("c", np.arange(3, dtype=np.float32))
    y = b.add_tensor("y", [2, 3])
    b.add_operator("ADD", [x, c], [y])
    b.mark_output(y)
    b.add_signature("serving_default", {"x": x}, {"y": y})
    return b.build()


def edited(edit) -> bytes:
    """Unpacks the good model, applies `edit` to the object tree, packs it again."""
    m = ModelT.InitFromObj(Model.GetRootAs(good_model(), 0))
    edit(m)
    builder = flatbuffers.Builder(1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def load(content: bytes):
    interp = edgelite.Interpreter(model_content=content)
    interp.allocate_tensors()
    return interp


def test_good_model_loads():
    load(good_model())


@pytest.mark.parametrize("content, pattern", [
    (b"", "empty"),
    (b"\x00" * 4, "too small"),
    (b"hello world, this is not a model at all", "not a .tflite model"),
])
def test_not_a_model(content, pattern):
    with pytest.raises(edgelite.InvalidModelError, match=pattern):
        load(content)


def test_every_truncation_is_refused():
    content = good_model()
    for cut in range(0, len(content) - 1, 7):
        with pytest.raises(edgelite.InvalidModelError):
            load(content[:cut])


def _set_input_index(m):
    m.subgraphs[0].operators[0].inputs = [0, 57]


def _set_output_index(m):
    m.subgraphs[0].operators[0].outputs = [-1]


def _set_buffer_index(m):
    m.subgraphs[0].tensors[1].buffer = 99


def _set_opcode_index(m):
    m.subgraphs[0].operators[0].opcodeIndex = 7


def _short_buffer(m):
    m.buffers[m.subgraphs[0].tensors[1].buffer].data = np.zeros(5, np.uint8)


def _negative_dim(m):
    m.subgraphs[0].tensors[0].shape = [2, -3]


def _subgraph_input(m):
    m.subgraphs[0].inputs = [12]


def _signature_tensor(m):
    m.signatureDefs[0].inputs[0].tensorIndex = 40


def _signature_subgraph(m):
    m.signatureDefs[0].subgraphIndex = 3


def _bad_type(m):
    m.subgraphs[0].tensors[0].type = 77


def _no_subgraphs(m):
    m.subgraphs = []


def _version(m):
    m.version = 9


def _buffer_offset_past_end(m):
    buf = m.buffers[m.subgraphs[0].tensors[1].buffer]
    buf.data = None
    buf.offset = 1 << 40
    buf.size = 12


@pytest.mark.parametrize("edit, pattern", [
    (_set_input_index, "tensor 57, out of range"),
    (_set_output_index, "output refers to tensor -1"),
    (_set_buffer_index, "buffer index 99 is out of range"),
    (_set_opcode_index, "operator code index 7"),
    (_short_buffer, "needs 12 bytes but its buffer has 5"),
    (_negative_dim, "negative dimension"),
    (_subgraph_input, "subgraph input refers to tensor 12"),
    (_signature_tensor, "tensor 40, out of range"),
    (_signature_subgraph, "subgraph 3, out of range"),
    (_no_subgraphs, "no subgraphs"),
    (_version, "schema version is 9"),
    (_buffer_offset_past_end, "past the end of the file"),
])
def test_inconsistent_model(edit, pattern):
    with pytest.raises(edgelite.InvalidModelError, match=pattern):
        load(edited(edit))


def test_unknown_tensor_type_is_unsupported():
    with pytest.raises(edgelite.EdgeliteError, match="type"):
        load(edited(_bad_type))
