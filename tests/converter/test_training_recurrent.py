"""Recurrent layers of edgelite.training convert to .tflite files that compute what predict computes: LSTM and
SimpleRNN as the fused sequence operators (unroll=False, Keras' default), every layer unrolled into per-step
operators where the fused operator cannot express it (or unroll=True), in LiteRT and in edgelite."""

import numpy as np
import pytest

from converter_testutil import compare_litert_then_edgelite, tflite_ops
from edgelite.converter import ConversionError, convert
from edgelite.schema.Model import Model, ModelT
from testutil import requires_litert

et = pytest.importorskip("edgelite.training")
L = et.layers
pytestmark = requires_litert
STEPS, FEATURES = 7, 3


def _x(batch, seed=0, steps=STEPS, features=FEATURES):
    return np.random.default_rng(seed).standard_normal((batch, steps, features)).astype(np.float32)


def _check(model, inputs, invokes=1, atol=1e-5):
    content = convert(model)
    expected = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    expected = expected if isinstance(expected, list) else [expected]
    compare_litert_then_edgelite(content, inputs, expected, rtol=1e-4, atol=atol, invokes=invokes)
    return content


def _input_shape(content):
    m = ModelT.InitFromObj(Model.GetRootAs(content, 0))
    t = m.subgraphs[0].tensors[m.subgraphs[0].inputs[0]]
    return list(t.shape), None if t.shapeSignature is None else list(t.shapeSignature)


def _layer_ops(content):
    return {op for op in tflite_ops(content) if op != "FULLY_CONNECTED"}


@pytest.mark.parametrize("kind,fused_op", [("LSTM", "UNIDIRECTIONAL_SEQUENCE_LSTM"),
                                           ("SimpleRNN", "UNIDIRECTIONAL_SEQUENCE_RNN")])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_lstm_and_simple_rnn_become_the_fused_operator(kind, fused_op, return_sequences, go_backwards):
    et.set_random_seed(1)
    model = et.Sequential([et.Input((STEPS, FEATURES)),
                           getattr(L, kind)(6, return_sequences=return_sequences, go_backwards=go_backwards),
                           L.Dense(4)])
    # Two invokes, the second after reset_all_variables: the fused operator's state is a variable tensor.
    content = _check(model, [_x(1)], invokes=2)
    ops = tflite_ops(content)
    assert ops.count(fused_op) == 1 and "LOGISTIC" not in ops and "TANH" not in ops
    # The state tensors have one size, so the open batch becomes 1 (no -1 in the signature).
    assert _input_shape(content) == ([1, STEPS, FEATURES], None)


def test_fused_state_carries_over_between_invokes_until_reset():
    from ai_edge_litert.interpreter import Interpreter
    et.set_random_seed(2)
    model = et.Sequential([et.Input((STEPS, FEATURES)), L.LSTM(5)])
    interp = Interpreter(model_content=convert(model))
    interp.allocate_tensors()
    x = _x(1)
    outputs = []
    for reset in (False, False, True):
        if reset:
            interp.reset_all_variables()
        interp.set_tensor(interp.get_input_details()[0]["index"], x)
        interp.invoke()
        outputs.append(interp.get_tensor(interp.get_output_details()[0]["index"]))
    expected = model.predict(x, verbose=0)
    np.testing.assert_allclose(outputs[0], expected, atol=1e-5)
    assert not np.allclose(outputs[1], expected, atol=1e-3)  # started from the first invoke's final state
    np.testing.assert_allclose(outputs[2], expected, atol=1e-5)


@pytest.mark.parametrize("make", [
    lambda: L.LSTM(5, unroll=True, return_sequences=True),
    lambda: L.SimpleRNN(5, unroll=True, go_backwards=True),
    lambda: L.GRU(5, return_sequences=True),
    lambda: L.GRU(5, reset_after=False, go_backwards=True, return_sequences=True),
    lambda: L.GRU(4, use_bias=False),
    lambda: L.LSTM(4, recurrent_activation="hard_sigmoid"),  # fused gates are logistic
    lambda: L.SimpleRNN(4, activation="sigmoid", return_sequences=True),  # not a fused activation
], ids=["lstm_unroll", "rnn_unroll_backwards", "gru", "gru_reset_before_backwards", "gru_no_bias",
        "lstm_hard_sigmoid", "rnn_sigmoid"])
def test_unrolled_layers_keep_a_dynamic_batch(make):
    et.set_random_seed(3)
    model = et.Sequential([et.Input((STEPS, FEATURES)), make(), L.Dense(3)])
    content = _check(model, [_x(3)])
    assert not {"UNIDIRECTIONAL_SEQUENCE_LSTM", "UNIDIRECTIONAL_SEQUENCE_RNN"} & set(tflite_ops(content))
    assert _input_shape(content)[1] == [-1, STEPS, FEATURES]
    # The same file at another batch.
    expected = model.predict(_x(5, seed=1), verbose=0)
    compare_litert_then_edgelite(content, [_x(5, seed=1)], [expected], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul", None])
def test_bidirectional(merge_mode):
    et.set_random_seed(4)
    inp = et.Input((STEPS, FEATURES))
    y = L.Bidirectional(L.LSTM(4, return_sequences=True), merge_mode=merge_mode)(inp)
    if merge_mode is None:
        y = L.Concatenate()(y)
    y = L.Bidirectional(L.GRU(3), merge_mode="concat" if merge_mode is None else merge_mode)(y)
    model = et.Model(inp, L.Dense(2)(y))
    content = _check(model, [_x(1)], invokes=2)
    assert tflite_ops(content).count("UNIDIRECTIONAL_SEQUENCE_LSTM") == 2


def test_return_state_and_initial_state():
    """An encoder whose final cell state is read (so it is unrolled: the fused operator outputs only h),
    a decoder started from it (initial states: unrolled), a SimpleRNN's final state (fused: it is its
    last output)."""
    et.set_random_seed(5)
    enc_in, dec_in = et.Input((STEPS, FEATURES), name="enc_in"), et.Input((4, 2), name="dec_in")
    _, h, c = L.LSTM(5, return_state=True, name="encoder")(enc_in)
    decoded = L.LSTM(5, return_sequences=True, name="decoder")(dec_in, initial_state=[h, c])
    seq, h_rnn = L.SimpleRNN(3, return_sequences=True, return_state=True, name="side")(enc_in)
    model = et.Model([enc_in, dec_in], [L.Dense(2, name="head")(decoded), c, h_rnn, seq])
    content = _check(model, [_x(1), _x(1, seed=3, steps=4, features=2)], invokes=2)
    ops = tflite_ops(content)
    assert ops.count("UNIDIRECTIONAL_SEQUENCE_RNN") == 1 and "UNIDIRECTIONAL_SEQUENCE_LSTM" not in ops
    m = ModelT.InitFromObj(Model.GetRootAs(content, 0))
    assert [t.name for t in m.signatureDefs[0].outputs] == [b"head", b"encoder/state_c", b"side/state_h", b"side"]


def test_bidirectional_return_state():
    et.set_random_seed(6)
    inp = et.Input((STEPS, FEATURES))
    out, hf, cf, hb, cb = L.Bidirectional(L.LSTM(4, return_state=True), merge_mode="sum")(inp)
    model = et.Model(inp, [out, hf, cb])
    content = _check(model, [_x(1)], invokes=2)
    assert tflite_ops(content).count("UNIDIRECTIONAL_SEQUENCE_LSTM") == 1  # the backward c is read: unrolled


def test_embedding_classifier():
    et.set_random_seed(7)
    tokens = et.Input((9,), dtype="int32")
    model = et.Model(tokens, L.Dense(3, activation="softmax")(L.GRU(6)(L.Embedding(20, 5)(tokens))))
    ids = np.random.default_rng(0).integers(0, 20, (4, 9)).astype(np.int32)
    content = _check(model, [ids])
    assert "GATHER" in tflite_ops(content)
    # A float input (Input's default dtype) holds the indices as floats: cast, as Keras does.
    content = _check(et.Sequential([et.Input((3,)), L.Embedding(6, 2)]), [np.array([[0, 5, 2]], np.float32)])
    assert tflite_ops(content) == ["CAST", "GATHER"]


def test_open_sequence_length_is_refused():
    model = et.Sequential([et.Input((None, FEATURES)), L.LSTM(3)])
    with pytest.raises(ConversionError, match="only the batch may be open"):
        convert(model)
