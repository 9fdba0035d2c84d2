"""convert(): sources, errors, layout handling, what the written file holds, and a small whole CNN."""

import json

import numpy as np
import pytest

from converter_testutil import (HAVE_LITERT, check_conversion, helper, make_model, onnx_reference, rand,
                                single_node, tflite_ops)
from edgelite.converter import ConversionError, UnsupportedOperatorError, __version__, convert
from edgelite.schema.ActivationFunctionType import ActivationFunctionType
from edgelite.schema.Model import Model, ModelT
from edgelite.testing import run_model


def read(content):
    return ModelT.InitFromObj(Model.GetRootAs(content, 0))


def versions(content):
    m = read(content)
    return {tflite_ops(content)[i]: m.operatorCodes[op.opcodeIndex].version
            for i, op in enumerate(m.subgraphs[0].operators)}


def cnn_model(batch="N"):
    """conv-bn-relu6, depthwise-bn-relu6, pointwise-bn, residual add, global pool, classifier, softmax."""
    c = 8
    rng = np.random.default_rng(0)
    inits = {}

    def bn(prefix, n):
        inits.update({f"{prefix}_s": rng.random(n, np.float32) + 0.5, f"{prefix}_b": rng.standard_normal(n, np.float32),
                      f"{prefix}_m": rng.standard_normal(n, np.float32) * 0.1,
                      f"{prefix}_v": rng.random(n, np.float32) + 0.5})
        return [f"{prefix}_s", f"{prefix}_b", f"{prefix}_m", f"{prefix}_v"]

    inits["w1"] = rng.standard_normal((c, 3, 3, 3), np.float32) * 0.3
    inits["w2"] = rng.standard_normal((c, 1, 3, 3), np.float32) * 0.3
    inits["w3"] = rng.standard_normal((c, c, 1, 1), np.float32) * 0.3
    inits["fc_w"] = rng.standard_normal((10, c), np.float32)
    inits["fc_b"] = rng.standard_normal(10, np.float32)
    inits["six"], inits["zero"] = np.float32(6), np.float32(0)
    n = helper.make_node
    nodes = [
        n("Conv", ["x", "w1"], ["c1"], pads=[1, 1, 1, 1], strides=[2, 2], name="stem"),
        n("BatchNormalization", ["c1"] + bn("bn1", c), ["b1"]), n("Clip", ["b1", "zero", "six"], ["r1"]),
        n("Conv", ["r1", "w2"], ["c2"], pads=[1, 1, 1, 1], group=c, name="dw"),
        n("BatchNormalization", ["c2"] + bn("bn2", c), ["b2"]), n("Clip", ["b2", "zero", "six"], ["r2"]),
        n("Conv", ["r2", "w3"], ["c3"], name="pw"), n("BatchNormalization", ["c3"] + bn("bn3", c), ["b3"]),
        n("Add", ["b3", "r1"], ["res"]), n("GlobalAveragePool", ["res"], ["gap"]),
        n("Flatten", ["gap"], ["flat"]), n("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], transB=1),
        n("Softmax", ["logits"], ["probs"], axis=-1),
    ]
    model = make_model(nodes, {"x": np.zeros((1, 3, 16, 16), np.float32)}, ["probs"], inits)
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_param = batch
    return model


def test_small_cnn_converts_fused_and_matches():
    x = rand(1, 3, 16, 16)
    content = check_conversion(cnn_model(), {"x": x})
    ops = tflite_ops(content)
    assert ops.count("TRANSPOSE") == 1  # only the NCHW input; the classifier output has no layout
    assert "MUL" not in ops and ops.count("ADD") == 1  # batch norms folded into the convolutions
    assert ops.count("CONV_2D") == 2 and ops.count("DEPTHWISE_CONV_2D") == 1
    operators = read(content).subgraphs[0].operators
    fused = [op.builtinOptions.fusedActivationFunction for name, op in zip(ops, operators)
             if name in ("CONV_2D", "DEPTHWISE_CONV_2D")]
    assert fused == [ActivationFunctionType.RELU6, ActivationFunctionType.RELU6, ActivationFunctionType.NONE]


def test_nhwc_inputs_drop_the_input_transpose():
    x = rand(1, 3, 16, 16)
    content = check_conversion(cnn_model(), {"x": x}, nhwc_inputs=True)
    assert "TRANSPOSE" not in tflite_ops(content)
    m = read(content)
    assert list(m.subgraphs[0].tensors[m.subgraphs[0].inputs[0]].shape) == [1, 16, 16, 3]


def test_spatial_outputs_keep_onnx_layout():
    x = rand(1, 3, 8, 8)
    model = single_node("Conv", {"x": x}, {"w": rand(4, 3, 3, 3)}, pads=[1, 1, 1, 1])
    for nhwc in (False, True):
        content = check_conversion(model, {"x": x}, nhwc_inputs=nhwc)
        m = read(content)
        assert list(m.subgraphs[0].tensors[m.subgraphs[0].outputs[0]].shape) == [1, 4, 8, 8]


def test_signature_metadata_and_buffers():
    content = convert(cnn_model())
    m = read(content)
    (sig,) = m.signatureDefs
    assert sig.signatureKey == b"serving_default"
    assert [t.name for t in sig.inputs] == [b"x"] and [t.name for t in sig.outputs] == [b"probs"]
    meta = {e.name: bytes(m.buffers[e.buffer].data) for e in m.metadata}
    info = json.loads(meta[b"edgelite_conversion"])
    assert info["converter"] == "edgelite.converter" and info["converter_version"] == __version__
    assert info["source"].startswith("ONNX opset 13")
    data = [bytes(b.data) for b in m.buffers if b.data is not None and len(b.data)]
    assert len(data) == len(set(data)), "identical constants must share a buffer"
    assert m.description.startswith(b"edgelite.converter")


def test_symbolic_batch_becomes_one():
    m = read(convert(cnn_model(batch="batch")))
    assert list(m.subgraphs[0].tensors[m.subgraphs[0].inputs[0]].shape) == [1, 3, 16, 16]


def test_float_operator_versions():
    x = rand(1, 3, 9, 9)
    dilated = convert(single_node("Conv", {"x": x}, {"w": rand(3, 1, 3, 3)}, group=3, dilations=[2, 2],
                                  pads=[2, 2, 2, 2]))
    assert versions(dilated)["DEPTHWISE_CONV_2D"] == 2
    assert versions(convert(single_node("MatMul", {"x": x}, {"w": rand(9, 4)})))["FULLY_CONNECTED"] == 5
    plain = convert(cnn_model())
    assert set(versions(plain).values()) == {1}
    resize = single_node("Resize", {"x": x}, {"roi": np.zeros(0, np.float32),
                                              "s": np.array([1, 1, 2, 2], np.float32)}, mode="linear")
    assert versions(convert(resize))["RESIZE_BILINEAR"] == 3


def test_sources_path_and_bytes(tmp_path):
    model = cnn_model()
    path = tmp_path / "m.onnx"
    path.write_bytes(model.SerializeToString())
    assert convert(str(path)) == convert(path) == convert(model.SerializeToString()) == convert(model)
    with pytest.raises(ConversionError, match="no such file"):
        convert(str(tmp_path / "missing.onnx"))
    with pytest.raises(ConversionError, match="cannot convert a dict"):
        convert({"not": "a model"})


def test_unsupported_operators_are_listed_together():
    x = rand(2, 5)
    n = helper.make_node
    nodes = [n("Relu", ["x"], ["r"], name="ok"), n("Acos", ["r"], ["e"], name="acos_1"),
             n("Atan", ["e"], ["c"], name="atan_1"), n("Acos", ["c"], ["y"], name="acos_2")]
    with pytest.raises(UnsupportedOperatorError) as info:
        convert(make_model(nodes, {"x": x}, ["y"]))
    message = str(info.value)
    assert "3 node(s)" in message and "(Acos, Atan)" in message
    for name in ("acos_1", "atan_1", "acos_2"):
        assert f"node '{name}'" in message
    assert "What to do" in message and "'ok'" not in message


def test_unsupported_configurations_name_the_node():
    x = rand(1, 2, 4, 4)
    with pytest.raises(ConversionError, match="Pad node 'pad_node': mode 'edge'"):
        convert(single_node("Pad", {"x": x}, {"p": np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64)}, mode="edge"))
    with pytest.raises(ConversionError, match="LRN node 'lrn_node': size 4 is even"):
        convert(single_node("LRN", {"x": x}, size=4))
    old = single_node("Relu", {"x": x}, opset=6)
    with pytest.raises(ConversionError, match="opset 6 is too old"):
        convert(old)


@pytest.mark.skipif(not HAVE_LITERT, reason="ai-edge-litert is not installed")
def test_written_file_loads_in_litert_from_path(tmp_path):
    from ai_edge_litert.interpreter import Interpreter
    path = tmp_path / "cnn.tflite"
    path.write_bytes(convert(cnn_model()))
    interp = Interpreter(model_path=str(path))
    runner = interp.get_signature_runner("serving_default")
    x = rand(1, 3, 16, 16)
    got = runner(x=x)["probs"]
    np.testing.assert_allclose(got, onnx_reference(cnn_model(), {"x": x})[0], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(run_model(path.read_bytes(), [x], runtime="litert")[0], got)


def test_edgelite_runs_converted_cnn():
    """Active once the runtime has a kernel for every operator the converter writes for a CNN."""
    from converter_testutil import edgelite_runs
    content = convert(cnn_model())
    if not edgelite_runs(content):
        from edgelite import _core
        missing = sorted(set(tflite_ops(content)) - {name for name, *_versions in _core.builtin_ops()})
        pytest.skip(f"edgelite has no kernel yet for {missing} (or not at the version written)")
    x = rand(1, 3, 16, 16)
    got = run_model(content, [x], runtime="edgelite")[0]
    np.testing.assert_allclose(got, onnx_reference(cnn_model(), {"x": x})[0], rtol=1e-4, atol=1e-5)
