"""Recurrent layers and Embedding: outputs against Keras' with the same weights (recorded by
tests/golden/make_keras_rnn_reference.py), return_state / initial_state in functional models, dropout,
Embedding's gradient and errors, and the arguments that are refused."""

import json
import os

import numpy as np
import pytest

from edgelite import training as et
from edgelite.training import initializers, layers
from testutil import model_path

REFERENCE = model_path("keras_rnn")
L = layers
# The cases of make_keras_rnn_reference.CASES, built with edgelite's layers.
CASES = {
    "simple_rnn": lambda: L.SimpleRNN(5, return_sequences=True, return_state=True),
    "simple_rnn_relu_backwards": lambda: L.SimpleRNN(5, activation="relu", go_backwards=True),
    "lstm": lambda: L.LSTM(5, return_sequences=True, return_state=True),
    "lstm_backwards": lambda: L.LSTM(5, return_sequences=True, go_backwards=True),
    "lstm_no_bias_hard_sigmoid": lambda: L.LSTM(5, use_bias=False, recurrent_activation="hard_sigmoid"),
    "gru": lambda: L.GRU(5, return_sequences=True, return_state=True),
    "gru_reset_before": lambda: L.GRU(5, return_sequences=True, reset_after=False),
    "gru_backwards_last": lambda: L.GRU(5, go_backwards=True),
    "bidirectional_lstm": lambda: L.Bidirectional(L.LSTM(5, return_sequences=True)),
    "bidirectional_gru_sum_state": lambda: L.Bidirectional(L.GRU(5, return_state=True), merge_mode="sum"),
    "bidirectional_rnn_none": lambda: L.Bidirectional(L.SimpleRNN(4, return_sequences=True), merge_mode=None),
}


@pytest.fixture(scope="module")
def keras_forward():
    with np.load(os.path.join(REFERENCE, "forward.npz")) as data:
        return {k: data[k] for k in data.files}


def _numbered(arrays, prefix):
    return [arrays[f"{prefix}_{k}"] for k in range(len([n for n in arrays if n.startswith(prefix + "_")]))]


@pytest.mark.parametrize("name", sorted(CASES))
def test_outputs_match_keras_with_the_same_weights(name, keras_forward):
    layer = CASES[name]()
    x = keras_forward["x"]
    layer(x)
    layer.set_weights(_numbered(keras_forward, f"{name}/weight"))
    states = _numbered(keras_forward, f"{name}/state") or None
    outputs = layer(x, initial_state=states)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    expected = _numbered(keras_forward, f"{name}/output")
    assert len(outputs) == len(expected)
    for got, want in zip(outputs, expected):
        np.testing.assert_allclose(got.data, want, rtol=1e-5, atol=1e-6)


def test_initializers_match_keras():
    with open(os.path.join(REFERENCE, "initializers.json")) as f:
        keras_init = json.load(f)
    lstm, gru = L.LSTM(5), L.GRU(5)
    x = np.zeros((1, 3, 4), np.float32)
    lstm(x), gru(x)
    np.testing.assert_array_equal(lstm.bias.data, keras_init["lstm_bias"])  # forget gate starts at 1
    assert list(gru.bias.shape) == keras_init["gru_bias_shape"]
    r = lstm.recurrent_kernel.data
    np.testing.assert_allclose(r @ r.T, keras_init["lstm_recurrent_gram"], atol=1e-5)
    assert [w.name for w in lstm.weights] == ["kernel", "recurrent_kernel", "bias"]


def test_orthogonal_initializer():
    for shape in [(6, 6), (4, 9), (9, 4), (2, 3, 5)]:
        q = initializers.Orthogonal(gain=2.0, seed=3)(shape).reshape(-1, shape[-1]).astype(np.float64)
        small = min(q.shape)
        gram = q.T @ q if q.shape[0] >= q.shape[1] else q @ q.T
        np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-5)
    np.testing.assert_array_equal(initializers.Orthogonal(seed=1)((3, 3)), initializers.Orthogonal(seed=1)((3, 3)))


def test_return_state_and_initial_state_in_a_functional_model(tmp_path):
    et.set_random_seed(0)
    encoder_in = et.Input((5, 3), name="encoder_in")
    decoder_in = et.Input((4, 2), name="decoder_in")
    _, h, c = L.LSTM(6, return_state=True, name="encoder")(encoder_in)
    decoded = L.LSTM(6, return_sequences=True, name="decoder")(decoder_in, initial_state=[h, c])
    out = L.Dense(3, name="head")(decoded)
    model = et.Model([encoder_in, decoder_in], [out, h], name="seq2seq")
    graph = model.get_graph()
    encoder = next(n for n in graph if n.layer.name == "encoder")
    decoder = next(n for n in graph if n.layer.name == "decoder")
    assert encoder.output_shape == [(None, 6), (None, 6), (None, 6)]
    assert decoder.inputs == [graph.inputs[1], encoder.id, encoder.id] and decoder.input_slots == [0, 1, 2]
    assert graph.output_slots == [0, 1]
    rng = np.random.default_rng(1)
    xe, xd = rng.standard_normal((2, 5, 3)).astype(np.float32), rng.standard_normal((2, 4, 2)).astype(np.float32)
    y, state = model.predict([xe, xd], verbose=0)
    # The same computation by hand, layer by layer.
    _, h_ref, c_ref = model.get_layer("encoder")(xe)
    np.testing.assert_allclose(state, h_ref.data, rtol=1e-6)
    ref = model.get_layer("head")(model.get_layer("decoder")(xd, initial_state=[h_ref, c_ref]))
    np.testing.assert_allclose(y, ref.data, rtol=1e-5, atol=1e-6)
    lines = []
    model.summary(print_fn=lines.append)
    assert any("[(None, 6), (None, 6), (None, 6)]" in line for line in lines)
    model.save(tmp_path / "seq2seq.npz")
    loaded = et.load_model(tmp_path / "seq2seq.npz")
    for a, b in zip(loaded.predict([xe, xd], verbose=0), (y, state)):
        np.testing.assert_array_equal(a, b)


def test_gradient_reaches_the_initial_state(gradcheck, rng):
    layer = L.GRU(3, return_sequences=True, dtype="float64")
    gradcheck.function(lambda x, h: layer(x, initial_state=[h]), [rng.normal(size=(2, 4, 2)), rng.normal(size=(2, 3))])


def test_dropout_applies_in_training_only():
    x = np.random.default_rng(0).standard_normal((4, 6, 3)).astype(np.float32)
    for layer in (L.LSTM(4, dropout=0.5, seed=1), L.GRU(4, recurrent_dropout=0.5, seed=1),
                  L.SimpleRNN(4, dropout=0.5, recurrent_dropout=0.5, seed=1)):
        inference = layer(x).data
        np.testing.assert_array_equal(layer(x, training=False).data, inference)
        assert not np.allclose(layer(x, training=True).data, inference)


def test_sequential_refuses_a_layer_with_several_outputs():
    with pytest.raises(ValueError, match="has 3 outputs"):
        et.Sequential([et.Input((4, 2)), L.LSTM(3, return_state=True)])


def test_embedding_gathers_rows_and_its_table_gradient(gradcheck, rng):
    layer = L.Embedding(7, 3, dtype="float64")
    indices = np.array([[0, 6, 6], [2, 2, 1]])  # repeats: their gradients must add up
    out = layer(indices)
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out.data, layer.embeddings.data[indices])
    table = rng.normal(size=(7, 3))
    gradcheck.function(lambda t: et.ops.getitem(t, indices), [table])
    symbolic = layer(et.Input((5,), dtype="int32"))
    assert symbolic.shape == (None, 5, 3)
    np.testing.assert_array_equal(layer(indices.astype(np.float32)).data, out.data)  # float indices, like Keras


@pytest.mark.parametrize("indices,match", [(np.array([[7]]), "outside"), (np.array([[-1]]), "outside"),
                                           (np.array([[0.5]]), "whole numbers")])
def test_embedding_rejects_bad_indices(indices, match):
    with pytest.raises(ValueError, match=match):
        L.Embedding(7, 3)(indices)


@pytest.mark.parametrize("make,match", [
    (lambda: L.Embedding(5, 2, mask_zero=True), "mask_zero"),
    (lambda: L.LSTM(3, stateful=True), "stateful"),
    (lambda: L.Bidirectional(L.Dense(3)), "wraps"),
])
def test_unsupported_arguments_are_refused(make, match):
    with pytest.raises((NotImplementedError, ValueError), match=match):
        make()


def test_bad_shapes_name_the_layer():
    with pytest.raises(ValueError, match="lstm_x.*batch, time, features"):
        L.LSTM(3, name="lstm_x")(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="takes 2 initial state"):
        L.LSTM(3)(np.zeros((2, 4, 3)), initial_state=[np.zeros((2, 3))])
    with pytest.raises(ValueError, match="initial state h has shape"):
        L.GRU(3)(np.zeros((2, 4, 3)), initial_state=[np.zeros((2, 4))])


def test_bidirectional_config_round_trip_keeps_names_and_weights():
    layer = L.Bidirectional(L.LSTM(3, return_sequences=True, name="enc"), name="bi")
    x = np.random.default_rng(0).standard_normal((2, 4, 2)).astype(np.float32)
    y = layer(x).data
    assert (layer.forward_layer.name, layer.backward_layer.name) == ("forward_enc", "backward_enc")
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards
    clone = L.Bidirectional.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x).data, y)


def test_recurrent_model_saves_loads_and_keeps_training(tmp_path):
    et.set_random_seed(8)
    model = et.Sequential([et.Input((6,), dtype="int32"), L.Embedding(12, 4),
                           L.Bidirectional(L.LSTM(3, return_sequences=True, dropout=0.1)), L.GRU(5, reset_after=False),
                           L.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).integers(0, 12, (8, 6)).astype(np.int32)
    y = np.arange(8) % 2
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "m.npz")
    loaded = et.load_model(tmp_path / "m.npz")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert [w.path for w in loaded.weights] == [w.path for w in model.weights]
    before = loaded.evaluate(x, y, verbose=0)
    loaded.fit(x, y, epochs=5, verbose=0)
    assert loaded.evaluate(x, y, verbose=0) < before
