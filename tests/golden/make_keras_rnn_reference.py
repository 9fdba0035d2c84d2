#!/usr/bin/env python3
"""Reference numbers from Keras for edgelite.training's recurrent layers (tests/models/keras_rnn/).

Not part of the test suite: it needs TensorFlow / Keras 3 (made with TF 2.21.0, Keras 3.15.1). Run

    python tests/golden/make_keras_rnn_reference.py

It writes
- forward.npz: for each case of CASES, the layer's weights (seeded random values set into the Keras layer),
  the input, the initial states where the case has them, and Keras' outputs. tests/training/
  test_recurrent_layers.py sets the same weights into the edgelite layer and compares: gate order, GRU's
  reset_after conventions, go_backwards order, Bidirectional merging and return_state all show there.
- initializers.json: what Keras' default initializers give that does not depend on the random draw (LSTM's
  unit_forget_bias bias, GRU's bias shape, R R^T of the orthogonal recurrent kernel).
- accuracy.json: test accuracy of SimpleRNN, LSTM and GRU classifiers on tests/sequence_task.py, trained by
  Keras with sequence_task.SETTINGS for each of SEEDS (weights and shuffling seeded by
  keras.utils.set_random_seed), so tests/test_end_to_end_sequences.py can ask edgelite for the same.
"""

import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "models", "keras_rnn"))
sys.path.insert(0, os.path.dirname(HERE))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from sequence_task import CLASSES, SETTINGS, STEPS, FEATURES, train_and_test_data  # noqa: E402

SEEDS = (0, 1, 2, 3, 4)
L = keras.layers
# name -> (make layer, has initial state); the same names and arguments are built in edgelite by the tests.
CASES = {
    "simple_rnn": (lambda: L.SimpleRNN(5, return_sequences=True, return_state=True), True),
    "simple_rnn_relu_backwards": (lambda: L.SimpleRNN(5, activation="relu", go_backwards=True), False),
    "lstm": (lambda: L.LSTM(5, return_sequences=True, return_state=True), True),
    "lstm_backwards": (lambda: L.LSTM(5, return_sequences=True, go_backwards=True), False),
    "lstm_no_bias_hard_sigmoid": (lambda: L.LSTM(5, use_bias=False, recurrent_activation="hard_sigmoid"), False),
    "gru": (lambda: L.GRU(5, return_sequences=True, return_state=True), True),
    "gru_reset_before": (lambda: L.GRU(5, return_sequences=True, reset_after=False), False),
    "gru_backwards_last": (lambda: L.GRU(5, go_backwards=True), False),
    "bidirectional_lstm": (lambda: L.Bidirectional(L.LSTM(5, return_sequences=True)), False),
    "bidirectional_gru_sum_state": (lambda: L.Bidirectional(L.GRU(5, return_state=True), merge_mode="sum"), False),
    "bidirectional_rnn_none": (lambda: L.Bidirectional(L.SimpleRNN(4, return_sequences=True), merge_mode=None),
                               False),
}


def forward_reference():
    rng = np.random.default_rng(0)
    arrays = {"x": rng.standard_normal((3, 6, 4)).astype(np.float32)}
    for name, (make, with_state) in CASES.items():
        layer = make()
        layer(arrays["x"])
        weights = [(rng.standard_normal(w.shape) * 0.4).astype(np.float32) for w in layer.get_weights()]
        layer.set_weights(weights)
        arrays.update((f"{name}/weight_{k}", w) for k, w in enumerate(weights))
        states = None
        if with_state:
            count = 2 if isinstance(layer, L.LSTM) else 1
            states = [rng.standard_normal((3, layer.units)).astype(np.float32) for _ in range(count)]
            arrays.update((f"{name}/state_{k}", s) for k, s in enumerate(states))
        outputs = layer(arrays["x"], initial_state=states)
        outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        arrays.update((f"{name}/output_{k}", np.asarray(o)) for k, o in enumerate(outputs))
    np.savez_compressed(os.path.join(OUT_DIR, "forward.npz"), **arrays)


def initializer_reference():
    lstm, gru = L.LSTM(5), L.GRU(5)
    x = np.zeros((1, 3, 4), np.float32)
    lstm(x), gru(x)
    recurrent = lstm.get_weights()[1]
    return {"lstm_bias": lstm.get_weights()[2].tolist(), "gru_bias_shape": list(gru.get_weights()[2].shape),
            "lstm_recurrent_gram": np.round(recurrent @ recurrent.T, 5).tolist()}


def accuracy_reference():
    (x_train, y_train), (x_test, y_test) = train_and_test_data()
    s = SETTINGS
    results = {}
    for kind in ("SimpleRNN", "LSTM", "GRU"):
        accuracies, seconds = [], []
        for seed in SEEDS:
            keras.utils.set_random_seed(seed)
            model = keras.Sequential([keras.Input((STEPS, FEATURES)), getattr(L, kind)(s["units"]),
                                      L.Dense(CLASSES, activation="softmax")])
            model.compile(optimizer=keras.optimizers.Adam(s["learning_rate"]),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            start = time.perf_counter()
            model.fit(x_train, y_train, epochs=s["epochs"], batch_size=s["batch_size"], verbose=0)
            seconds.append(time.perf_counter() - start)
            accuracies.append(float(model.evaluate(x_test, y_test, verbose=0)[1]))
        results[kind] = {"accuracy": accuracies, "mean": float(np.mean(accuracies)),
                         "fit_seconds": float(np.mean(seconds))}
        print(kind, np.round(accuracies, 3))
    return results


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    forward_reference()
    import tensorflow as tf
    info = {"tensorflow": tf.__version__, "keras": keras.__version__}
    with open(os.path.join(OUT_DIR, "initializers.json"), "w") as f:
        json.dump(dict(info, **initializer_reference()), f, indent=1)
        f.write("\n")
    with open(os.path.join(OUT_DIR, "accuracy.json"), "w") as f:
        json.dump(dict(info, settings=SETTINGS, seeds=list(SEEDS), results=accuracy_reference()), f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
