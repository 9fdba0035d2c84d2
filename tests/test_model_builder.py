"""ModelBuilder writes what the schema readers read back, in files LiteRT accepts; testing helpers run them."""

import os
import re

import numpy as np
import pytest

from edgelite.model_builder import (BUFFER_ALIGNMENT, ENUM_FIELDS, OPTIONS_TABLE, ModelBuilder, _camel,
                                    numpy_dtype, tensor_type)
from edgelite.schema.ActivationFunctionType import ActivationFunctionType
from edgelite.schema.BuiltinOperator import BuiltinOperator
from edgelite.schema.BuiltinOptions import BuiltinOptions
from edgelite.schema.DimensionMetadata import DimensionMetadataT
from edgelite.schema.DimensionType import DimensionType
from edgelite.schema.Model import Model, ModelT
from edgelite.schema.Padding import Padding
from edgelite.schema.SparsityParameters import SparsityParametersT
from edgelite.schema.TensorType import TensorType
from edgelite.testing import quantization, run_model, run_single_op, single_op_model

SCHEMA = os.path.join(os.path.dirname(__file__), "..", "schema", "edgelite.fbs")
try:
    import ai_edge_litert.interpreter  # noqa: F401
    HAVE_LITERT = True
except Exception:
    HAVE_LITERT = False
requires_litert = pytest.mark.skipif(not HAVE_LITERT, reason="ai-edge-litert is not installed")


def read(content: bytes) -> ModelT:
    assert Model.ModelBufferHasIdentifier(content, 0)
    return ModelT.InitFromObj(Model.GetRootAs(content, 0))


def conv_add_model():
    rng = np.random.default_rng(0)
    b = ModelBuilder(description="test")
    x = b.add_input("x", [1, 6, 7, 2], shape_signature=[-1, 6, 7, 2])
    w = b.add_constant("w", rng.standard_normal((3, 3, 3, 2)).astype(np.float32))
    bias = b.add_constant("bias", rng.standard_normal(3).astype(np.float32))
    y = b.add_tensor("y", [1, 3, 4, 3])
    b.add_operator("CONV_2D", [x, w, bias], [y],
                   {"padding": "SAME", "stride_w": 2, "stride_h": 2, "fused_activation_function": "RELU6"})
    one = b.add_constant("one", np.ones(3, np.float32))
    z = b.add_tensor("z")
    b.add_operator("ADD", [y, one], [z])
    b.mark_output(z)
    b.add_signature("serving_default", {"x": x}, {"z": z})
    b.add_metadata("min_runtime_version", b"1.5.0")
    return b.build(), (rng, x, w, bias)


def reference_conv_add(x, w, bias):
    """SAME padding, stride 2, RELU6, then +1; weights OHWI."""
    n, h, wd, c = x.shape
    oh, ow = -(-h // 2), -(-wd // 2)
    pad_h = max((oh - 1) * 2 + 3 - h, 0)
    pad_w = max((ow - 1) * 2 + 3 - wd, 0)
    xp = np.pad(x, [(0, 0), (pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2), (0, 0)])
    out = np.zeros((n, oh, ow, w.shape[0]), np.float64)
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, 2 * i:2 * i + 3, 2 * j:2 * j + 3, :]
            out[:, i, j, :] = np.einsum("nhwc,ohwc->no", patch, w) + bias
    return np.clip(out, 0, 6) + 1


def test_roundtrip_through_schema_readers():
    content, _ = conv_add_model()
    m = read(content)
    assert m.version == 3 and m.description == b"test"
    sg = m.subgraphs[0]
    assert [t.name for t in sg.tensors] == [b"x", b"w", b"bias", b"y", b"one", b"z"]
    assert list(sg.inputs) == [0] and list(sg.outputs) == [5]
    assert list(sg.tensors[0].shapeSignature) == [-1, 6, 7, 2]
    assert sg.tensors[5].shape is None or len(sg.tensors[5].shape) == 0
    assert sg.tensors[0].buffer == 0 and len(m.buffers[0].data if m.buffers[0].data is not None else []) == 0
    w = np.frombuffer(bytes(m.buffers[sg.tensors[1].buffer].data), np.float32)
    assert w.shape == (54,)
    conv = sg.operators[0]
    assert m.operatorCodes[conv.opcodeIndex].builtinCode == BuiltinOperator.CONV_2D
    assert conv.builtinOptionsType == BuiltinOptions.Conv2DOptions
    opts = conv.builtinOptions
    assert (opts.padding, opts.strideW, opts.strideH) == (Padding.SAME, 2, 2)
    assert opts.fusedActivationFunction == ActivationFunctionType.RELU6
    assert sg.operators[1].builtinOptionsType == BuiltinOptions.AddOptions
    (sig,) = m.signatureDefs
    assert sig.signatureKey == b"serving_default" and sig.inputs[0].name == b"x"
    (meta,) = m.metadata
    assert meta.name == b"min_runtime_version" and bytes(m.buffers[meta.buffer].data) == b"1.5.0"


def test_constant_buffers_are_deduplicated_and_aligned():
    b = ModelBuilder()
    x = b.add_input("x", [5])
    c1 = b.add_constant("c1", np.arange(5, dtype=np.float32))
    c2 = b.add_constant("c2", np.arange(5, dtype=np.float32))
    c3 = b.add_constant("c3", np.arange(5, dtype=np.int32))
    odd = b.add_constant("odd", np.arange(3, dtype=np.int8))
    y = b.add_tensor("y")
    b.add_operator("ADD", [x, c1], [y])
    b.mark_output(y)
    content = b.build()
    m = read(content)
    tensors = m.subgraphs[0].tensors
    assert tensors[c1].buffer == tensors[c2].buffer
    assert tensors[c3].buffer != tensors[c1].buffer
    assert len(m.buffers) == 4  # sentinel, float arange, int arange, int8 arange
    raw = Model.GetRootAs(content, 0)
    for i in range(1, raw.BuffersLength()):
        start = raw.Buffers(i).DataAsNumpy()
        offset = start.__array_interface__["data"][0] - np.frombuffer(content, np.uint8).__array_interface__["data"][0]
        assert offset % BUFFER_ALIGNMENT == 0, f"buffer {i} starts at {offset}"
    del odd


def test_operator_codes_deduplicated_with_both_code_fields():
    b = ModelBuilder()
    x = b.add_input("x", [4])
    t = [b.add_tensor(f"t{i}") for i in range(4)]
    b.add_operator("ADD", [x, x], [t[0]])
    b.add_operator("ADD", [t[0], x], [t[1]])
    b.add_operator("ADD", [t[1], x], [t[2]], version=2)
    b.add_operator("GELU", [t[2]], [t[3]], {"approximate": True})
    b.mark_output(t[3])
    m = read(b.build())
    codes = [(c.builtinCode, c.deprecatedBuiltinCode, c.version) for c in m.operatorCodes]
    assert codes == [(0, 0, 1), (0, 0, 2), (BuiltinOperator.GELU, 127, 1)]
    assert [o.opcodeIndex for o in m.subgraphs[0].operators] == [0, 0, 1, 2]
    assert m.subgraphs[0].operators[3].builtinOptions.approximate is True


def test_custom_and_omitted_inputs_and_options2():
    b = ModelBuilder()
    x = b.add_input("x", [2, 3], np.int32)
    y = b.add_tensor("y", None, np.int32)
    z = b.add_tensor("z", None, np.int32)
    b.add_operator("CUSTOM", [x, None], [y], custom_code="MyOp", custom_options=b"\x01\x02")
    b.add_operator("STABLEHLO_TRANSPOSE", [y], [z], {"permutation": np.array([1, 0])})
    b.mark_output(z)
    m = read(b.build())
    op0, op1 = m.subgraphs[0].operators
    assert list(op0.inputs) == [0, -1]
    assert m.operatorCodes[0].customCode == b"MyOp"
    assert bytes(op0.customOptions) == b"\x01\x02"
    assert list(op1.builtinOptions2.permutation) == [1, 0]
    assert m.subgraphs[0].tensors[0].type == TensorType.INT32


def test_quantization_sparsity_strings_and_subgraphs():
    b = ModelBuilder()
    q = b.add_input("q", [1, 4], np.int8, quantization={"scale": 0.5, "zero_point": -3})
    pc = b.add_constant("pc", np.zeros((2, 3), np.int8),
                        quantization={"scale": [0.1, 0.2], "zero_point": [0, 0], "quantized_dimension": 0})
    sparsity = SparsityParametersT(traversalOrder=[0, 1], dimMetadata=[
        DimensionMetadataT(format=DimensionType.DENSE, denseSize=2),
        DimensionMetadataT(format=DimensionType.DENSE, denseSize=2)])
    sp = b.add_constant("sp", np.arange(4, dtype=np.float32), shape=[2, 2], sparsity=sparsity)
    s = b.add_constant("s", np.array(["ab", "", "xyz"]))
    b.mark_output(q)
    second = b.add_subgraph("body")
    b.add_input("x", [3])
    m = read(b.build())
    t = m.subgraphs[0].tensors
    assert list(t[q].quantization.scale) == [0.5] and list(t[q].quantization.zeroPoint) == [-3]
    assert list(t[pc].quantization.scale) == pytest.approx([0.1, 0.2])
    assert list(t[sp].shape) == [2, 2] and list(t[sp].sparsity.traversalOrder) == [0, 1]
    assert t[s].type == TensorType.STRING
    raw = bytes(m.buffers[t[s].buffer].data)
    count, *offsets = np.frombuffer(raw[:20], "<i4")
    assert count == 3 and raw[offsets[0]:offsets[3]] == b"abxyz"
    assert second == 1 and m.subgraphs[1].name == b"body"


def test_bad_arguments_are_refused_with_a_message():
    b = ModelBuilder()
    x = b.add_input("x", [2])
    with pytest.raises(ValueError, match="unknown builtin operator 'CONV2D'"):
        b.add_operator("CONV2D", [x], [x])
    with pytest.raises(ValueError, match="no field 'stride'"):
        b.add_operator("CONV_2D", [x], [x], {"stride": 1})
    with pytest.raises(ValueError, match="'VALIDISH' is not one of"):
        b.add_operator("CONV_2D", [x], [x], {"padding": "VALIDISH"})
    with pytest.raises(ValueError, match="takes no builtin options"):
        b.add_operator("RELU", [x], [x], {"alpha": 1})
    with pytest.raises(IndexError, match="tensor 7 does not exist"):
        b.add_operator("RELU", [x], [7])
    with pytest.raises(ValueError, match="custom_code"):
        b.add_operator("CUSTOM", [x], [x])


def _schema_text():
    with open(SCHEMA) as f:
        return re.sub(r"//.*", "", f.read())


@pytest.mark.skipif(not os.path.exists(SCHEMA), reason="schema source not found")
def test_options_table_covers_every_operator_and_matches_unions():
    text = _schema_text()
    ops = re.search(r"enum BuiltinOperator\s*:\s*int\s*\{([^}]*)\}", text).group(1)
    op_names = re.findall(r"(\w+)\s*=", ops)
    assert sorted(op_names) == sorted(OPTIONS_TABLE), "OPTIONS_TABLE must list every BuiltinOperator once"
    members = set()
    for union in ("BuiltinOptions", "BuiltinOptions2"):
        body = re.search(rf"union {union}\s*\{{([^}}]*)\}}", text).group(1)
        members |= set(re.findall(r"\w+", body))
    named = {t for t in OPTIONS_TABLE.values() if t}
    assert named == members, (sorted(named - members), sorted(members - named))


@pytest.mark.skipif(not os.path.exists(SCHEMA), reason="schema source not found")
def test_enum_fields_and_field_names_match_schema():
    import importlib
    text = _schema_text()
    enums = set(re.findall(r"enum\s+(\w+)\s*:", text))
    for table in sorted({t for t in OPTIONS_TABLE.values() if t}):
        body = re.search(rf"table {table}\s*\{{([^}}]*)\}}", text).group(1)
        obj = getattr(importlib.import_module(f"edgelite.schema.{table}"), table + "T")()
        for field, ftype in re.findall(r"(\w+)\s*:\s*\[?(\w+)\]?", body):
            if "deprecated" in body.split(field, 1)[1].split(";", 1)[0]:
                continue
            assert hasattr(obj, _camel(field)), f"{table}.{field}"
            if ftype in enums:
                assert ENUM_FIELDS.get(field) == ftype, f"{table}.{field}: {ftype}"


def test_dtype_mapping_roundtrips():
    for dt in (np.float32, np.float16, np.int8, np.uint8, np.int16, np.int32, np.int64, np.bool_, np.float64):
        assert numpy_dtype(tensor_type(dt)) == np.dtype(dt)
    with pytest.raises(ValueError, match="no .tflite tensor type"):
        tensor_type(np.dtype("datetime64[s]"))


@requires_litert
def test_litert_runs_conv_add_model():
    content, _ = conv_add_model()
    m = read(content)
    w = np.frombuffer(bytes(m.buffers[m.subgraphs[0].tensors[1].buffer].data), np.float32).reshape(3, 3, 3, 2)
    bias = np.frombuffer(bytes(m.buffers[m.subgraphs[0].tensors[2].buffer].data), np.float32)
    x = np.random.default_rng(1).standard_normal((1, 6, 7, 2)).astype(np.float32)
    (got,) = run_model(content, [x], runtime="litert")
    np.testing.assert_allclose(got, reference_conv_add(x, w, bias), rtol=1e-5, atol=1e-5)


@requires_litert
def test_single_op_model_runs_in_litert_with_unsized_outputs():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    c = np.array([1.0, -1.0, 0.5], np.float32)
    (got,) = run_single_op("ADD", [a, c], {"fused_activation_function": "RELU"}, constant_inputs=[1],
                           runtime="litert")
    np.testing.assert_array_equal(got, np.maximum(a + c, 0))
    (idx,) = run_single_op("ARG_MAX", [a, np.array([1], np.int32)], {"output_type": np.int32},
                           constant_inputs=[1], output_types=np.int32, runtime="litert")
    np.testing.assert_array_equal(idx, [2, 2])


def test_single_op_model_layout():
    content = single_op_model("SUB", [np.zeros((2, 2), np.float32), np.ones(2, np.float32)],
                              constant_inputs=[1], num_outputs=1)
    sg = read(content).subgraphs[0]
    assert list(sg.inputs) == [0] and list(sg.outputs) == [2]
    assert sg.tensors[1].buffer != 0


def test_single_op_model_quantization():
    # Per-tensor pairs, per-channel dicts with their axis, a {position: entry} dict, and output dtypes.
    x, w = np.zeros((1, 4, 4, 3), np.int8), np.zeros((5, 1, 1, 3), np.int8)
    content = single_op_model("CONV_2D", [x, w, np.zeros(5, np.int32)], {"padding": "SAME"}, constant_inputs=[1, 2],
                              input_quantization={0: (0.5, -3), 1: quantization([0.1, 0.2, 0.3, 0.4, 0.5], 0, 0)},
                              output_quantization=(0.25, 7), output_types=np.int8)
    t = read(content).subgraphs[0].tensors
    assert list(t[0].quantization.scale) == [0.5] and list(t[0].quantization.zeroPoint) == [-3]
    np.testing.assert_allclose(t[1].quantization.scale, [0.1, 0.2, 0.3, 0.4, 0.5], rtol=1e-7)
    assert list(t[1].quantization.zeroPoint) == [0] * 5 and t[1].quantization.quantizedDimension == 0
    assert t[2].quantization is None
    assert list(t[3].quantization.scale) == [0.25] and t[3].type == TensorType.INT8
    with pytest.raises(ValueError, match="quantized_dimension"):
        quantization([0.1, 0.2])
    with pytest.raises(ValueError, match="expected 2 entries, got 3"):
        single_op_model("ADD", [x, x], input_quantization=[(1.0, 0)] * 3)


def test_edgelite_runs_single_op():
    pytest.importorskip("edgelite._core")
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    (got,) = run_single_op("MUL", [a, a], {"fused_activation_function": "RELU_N1_TO_1"})
    np.testing.assert_array_equal(got, np.clip(a * a, -1, 1))
