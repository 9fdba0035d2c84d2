"""ONNX LSTM, GRU and RNN against onnxruntime: single nodes over the operators' options, and PyTorch exports
(tests/models/onnx_rnn/, from tests/golden/make_onnx_rnn_models.py: nn.LSTM / nn.GRU / nn.RNN, two layers,
bidirectional, initial states, both exporters) in LiteRT and edgelite."""

import json

import numpy as np
import pytest
from onnx import helper

from converter_testutil import (compare_litert_then_edgelite, make_model, onnx_reference, rand, tflite_ops)
from edgelite.converter import ConversionError, convert
from testutil import model_path, requires_litert

pytestmark = requires_litert
GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}
FUSED = {"UNIDIRECTIONAL_SEQUENCE_LSTM", "UNIDIRECTIONAL_SEQUENCE_RNN"}
T, B, I, H = 5, 2, 3, 4
_REFERENCES = {}  # id(model) -> (model, reference function) for layout-1 models


def _model(op, directions=1, states=False, peepholes=False, outputs=("Y", "Y_h", "Y_c"), layout=0,
           dynamic=None, lens=None, **attrs):
    """A one-node model and its inputs (time major; swapped to batch major for layout 1, whose reference
    _reference computes from the same node at layout 0)."""
    g = GATES[op]
    x_shape, state_shape = (T, B, I), (directions, B, H)
    inputs = {"x": rand(*x_shape, seed=1)}
    weights = {"W": rand(directions, g * H, I, seed=2) * 0.6, "R": rand(directions, g * H, H, seed=3) * 0.6,
               "B": rand(directions, 2 * g * H, seed=4) * 0.3}
    names = ["x", "W", "R", "B", "", "", ""]
    if states:
        inputs["h0"] = rand(*state_shape, seed=5)
        names[5] = "h0"
        if op == "LSTM":
            inputs["c0"] = rand(*state_shape, seed=6)
            names[6] = "c0"
    if peepholes:
        weights["P"] = rand(directions, 3 * H, seed=7) * 0.5
        names.append("P")
    if lens is not None:
        weights["lens"] = np.asarray(lens, np.int32)
        names[4] = "lens"
    while names and not names[-1]:
        names.pop()
    outputs = [o for o in outputs if op == "LSTM" or o != "Y_c"]
    direction = attrs.pop("direction", "bidirectional" if directions == 2 else "forward")

    def build(layout):
        node = helper.make_node(op, names, outputs, hidden_size=H, name=f"{op.lower()}_node", direction=direction,
                                layout=layout, **attrs)
        x_shape = (B, T, I) if layout else (T, B, I)
        state_shape = (B, directions, H) if layout else (directions, B, H)
        examples = {n: np.zeros(x_shape if n == "x" else state_shape, np.float32) for n in inputs}
        return make_model([node], examples, outputs, weights, opset=14)
    model = build(layout)
    if dynamic is not None:  # make one axis of x symbolic
        model.graph.input[0].type.tensor_type.shape.dim[dynamic].dim_param = "n"
    if layout:
        inputs = {n: np.ascontiguousarray(np.swapaxes(a, 0, 1)) for n, a in inputs.items()}
        time_major = build(0)
        if dynamic is not None:
            time_major.graph.input[0].type.tensor_type.shape.dim[1 - dynamic if dynamic < 2 else 2].dim_param = "n"
        _REFERENCES[id(model)] = (model, _batch_major_reference(time_major))
    return model, inputs


def _batch_major_reference(time_major):
    """onnxruntime runs layout 0 only: layout 1's outputs from the same node at layout 0, transposed."""
    def run(inputs):
        outs = onnx_reference(time_major, {n: np.ascontiguousarray(np.swapaxes(a, 0, 1)) for n, a in inputs.items()})
        return [np.transpose(o, (2, 0, 1, 3)) if o.ndim == 4 else np.swapaxes(o, 0, 1) for o in outs]
    return run


def _reference(model, inputs):
    return _REFERENCES[id(model)][1](inputs) if id(model) in _REFERENCES else onnx_reference(model, inputs)


def _check(model, inputs, fused, atol=1e-5, invokes=1):
    content = convert(model)
    assert bool(FUSED & set(tflite_ops(content))) == fused, tflite_ops(content)
    compare_litert_then_edgelite(content, list(inputs.values()), _reference(model, inputs), atol=atol,
                                 invokes=invokes)
    return content


@pytest.mark.parametrize("op", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
@pytest.mark.parametrize("states", [False, True])
def test_directions_and_initial_states(op, direction, states):
    model, inputs = _model(op, 2 if direction == "bidirectional" else 1, states=states, direction=direction)
    # LSTM's Y_c is read here, which the fused operator cannot output; GRU is never fused.
    _check(model, inputs, fused=op == "RNN" and not states, invokes=2)


@pytest.mark.parametrize("directions", [1, 2])
@pytest.mark.parametrize("layout", [0, 1])
def test_lstm_without_cell_state_output_is_fused(directions, layout):
    model, inputs = _model("LSTM", directions, outputs=("Y", "Y_h"), layout=layout)
    _check(model, inputs, fused=True, invokes=2)


@pytest.mark.parametrize("op,attrs,fused", [
    ("LSTM", {"activations": ["Sigmoid", "Relu", "Relu"]}, True),
    ("LSTM", {"activations": ["HardSigmoid", "Tanh", "Relu"], "activation_alpha": [0.3], "activation_beta": [0.4]},
     False),
    ("LSTM", {"clip": 0.7}, False),
    ("GRU", {"linear_before_reset": 1}, False),
    ("GRU", {"activations": ["Sigmoid", "LeakyRelu"], "activation_alpha": [0.2], "clip": 1.2}, False),
    ("RNN", {"activations": ["Relu"]}, True),
    ("RNN", {"activations": ["Sigmoid"]}, False),
], ids=["lstm_relu", "lstm_hard_sigmoid", "lstm_clip", "gru_linear_before_reset", "gru_leaky_clip", "rnn_relu",
        "rnn_sigmoid"])
def test_activations_and_clip(op, attrs, fused):
    model, inputs = _model(op, outputs=("Y", "Y_h"), layout=1, **attrs)
    _check(model, inputs, fused=fused)


@pytest.mark.parametrize("outputs", [("Y", "Y_h"), ("Y", "Y_h", "Y_c")])
def test_lstm_peepholes(outputs):
    model, inputs = _model("LSTM", 2, peepholes=True, outputs=outputs)
    _check(model, inputs, fused=len(outputs) == 2)


def test_dynamic_batch_is_unrolled_and_runs_at_any_batch():
    model, inputs = _model("LSTM", 2, outputs=("Y", "Y_h"), layout=1, dynamic=0)
    content = _check(model, inputs, fused=False)
    x = rand(5, T, I, seed=9)
    compare_litert_then_edgelite(content, [x], _reference(model, {"x": x}))


def test_dynamic_sequence_length_takes_the_fused_operator():
    model, _ = _model("RNN", 2, outputs=("Y", "Y_h"), dynamic=0)  # layout 0: axis 0 is time
    content = convert(model)
    assert "UNIDIRECTIONAL_SEQUENCE_RNN" in tflite_ops(content)
    for steps in (3, 8):
        x = rand(steps, B, I, seed=steps)
        compare_litert_then_edgelite(content, [x], onnx_reference(model, {"x": x}))


def test_dynamic_sequence_length_without_a_fused_form_is_refused():
    model, _ = _model("GRU", dynamic=0)
    with pytest.raises(ConversionError, match="sequence length is dynamic.*GRU has no fused"):
        convert(model)


@pytest.mark.parametrize("lens,ok", [([T, T], True), ([T, 3], False)])
def test_sequence_lens(lens, ok):
    model, inputs = _model("GRU", lens=lens)
    if ok:
        _check(model, inputs, fused=False)
    else:
        with pytest.raises(ConversionError, match="sequence_lens"):
            convert(model)


def test_input_forget_is_refused():
    model, _ = _model("LSTM", input_forget=1)
    with pytest.raises(ConversionError, match="input_forget"):
        convert(model)


# ---- PyTorch exports ----

with open(model_path("onnx_rnn", "manifest.json")) as _f:
    MANIFEST = json.load(_f)


def _feeds(model, entry, batch, seed=0):
    rng = np.random.default_rng(seed)
    feeds = {}
    for inp in model.graph.input:
        if inp.name != "input":
            feeds[inp.name] = rng.standard_normal((2, batch, 8)).astype(np.float32)
        elif "text" in entry["model"]:
            feeds[inp.name] = rng.integers(0, 40, (batch, MANIFEST["steps"])).astype(np.int64)
        else:
            feeds[inp.name] = rng.standard_normal((batch, MANIFEST["steps"], MANIFEST["features"])).astype(np.float32)
    return feeds


@pytest.mark.parametrize("entry", MANIFEST["models"], ids=[e["path"] for e in MANIFEST["models"]])
def test_pytorch_exports_match_onnxruntime(entry):
    import onnx
    model = onnx.load(model_path("onnx_rnn", entry["path"]))
    content = convert(model)
    ops = set(tflite_ops(content))
    # A static batch lets LSTM be the fused operator; a dynamic one keeps the file batch-free (unrolled).
    if entry["static_batch"] and "lstm" in entry["model"]:
        assert "UNIDIRECTIONAL_SEQUENCE_LSTM" in ops
    if not entry["static_batch"]:
        assert not FUSED & ops
    batches = [1] if entry["static_batch"] else [2, 3]
    cases = [(list(f.values()), onnx_reference(model, f)) for f in (_feeds(model, entry, b) for b in batches)]
    compare_litert_then_edgelite(content, *cases[0], more=cases[1:], invokes=2)


def test_fixing_the_batch_of_a_pytorch_export_gives_the_fused_operator():
    import onnx
    model = onnx.load(model_path("onnx_rnn", "rnn_relu_2layer.onnx"))
    content = convert(model, input_shapes={"input": [1, MANIFEST["steps"], MANIFEST["features"]]})
    assert tflite_ops(content).count("UNIDIRECTIONAL_SEQUENCE_RNN") == 2
    feeds = _feeds(model, {"model": "rnn"}, 1)
    compare_litert_then_edgelite(content, list(feeds.values()), onnx_reference(model, feeds), invokes=2)
