"""Issue acceptance, end to end for sequences: SimpleRNN, LSTM and GRU classifiers trained with
edgelite.training on tests/sequence_task.py reach the accuracy Keras reached with the same settings
(tests/models/keras_rnn/accuracy.json, from tests/golden/make_keras_rnn_reference.py), and their converted
files match predict within 1e-4 in LiteRT and edgelite."""

import json
import os
import sys

import numpy as np
import pytest

from edgelite import training as et
from edgelite.converter import convert
from sequence_task import CLASSES, FEATURES, SETTINGS, STEPS, train_and_test_data
from testutil import model_path, requires_litert

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "converter"))
from converter_testutil import compare_litert_then_edgelite, tflite_ops  # noqa: E402

SEEDS = (0, 1, 2)
# Keras' mean test accuracy over five seeds; ours, over three, may fall short of it by this much at most.
MARGIN = 0.03
KINDS = {"SimpleRNN": "UNIDIRECTIONAL_SEQUENCE_RNN", "LSTM": "UNIDIRECTIONAL_SEQUENCE_LSTM", "GRU": "SPLIT"}


@pytest.fixture(scope="module")
def data():
    return train_and_test_data()


@pytest.fixture(scope="module")
def keras_accuracy():
    with open(model_path("keras_rnn", "accuracy.json")) as f:
        reference = json.load(f)
    assert reference["settings"] == SETTINGS
    return {kind: r["mean"] for kind, r in reference["results"].items()}


def _train(kind, seed, data):
    (x_train, y_train), (x_test, y_test) = data
    et.set_random_seed(seed)
    model = et.Sequential([et.Input((STEPS, FEATURES)), getattr(et.layers, kind)(SETTINGS["units"]),
                           et.layers.Dense(CLASSES, activation="softmax")])
    model.compile(optimizer=et.optimizers.Adam(SETTINGS["learning_rate"]), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=SETTINGS["epochs"], batch_size=SETTINGS["batch_size"], verbose=0)
    return model, model.evaluate(x_test, y_test, verbose=0)[1]


@requires_litert
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_trains_to_keras_accuracy_converts_and_matches(kind, data, keras_accuracy):
    runs = [_train(kind, seed, data) for seed in SEEDS]
    mean = float(np.mean([accuracy for _, accuracy in runs]))
    assert mean >= keras_accuracy[kind] - MARGIN, f"{kind}: {mean:.3f} against Keras' {keras_accuracy[kind]:.3f}"
    model = runs[0][0]
    content = convert(model)
    assert KINDS[kind] in tflite_ops(content)
    (_, _), (x_test, _) = data
    if kind == "GRU":  # unrolled: a dynamic batch, the whole test split in one invoke
        compare_litert_then_edgelite(content, [x_test], [model.predict(x_test, verbose=0)], rtol=0, atol=1e-4)
        return
    # Fused: batch 1, and the state reset between sequences (each checked invoke follows a reset).
    cases = [([x[None]], [model.predict(x[None], verbose=0)]) for x in x_test[:16]]
    compare_litert_then_edgelite(content, *cases[0], rtol=0, atol=1e-4, invokes=2, more=cases[1:])
