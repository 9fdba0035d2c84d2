"""Issue acceptance, end to end: train on digits with edgelite.training, convert, run in the interpreter
with the batch resized to the whole test split: within 1e-4 of predict and the same class everywhere."""

import os
import sys

import numpy as np
import pytest

pytest.importorskip("sklearn.datasets")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))
import digits_demo  # noqa: E402

import edgelite  # noqa: E402
from edgelite.converter import convert  # noqa: E402
from testutil import requires_litert  # noqa: E402


@pytest.fixture(scope="module")
def trained():
    x_train, y_train, x_test, y_test = digits_demo.digits_split()
    model = digits_demo.build_model()
    digits_demo.compile_model(model)
    model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
    return model, x_test, y_test


def test_trains_converts_and_matches(trained, tmp_path):
    model, x_test, y_test = trained
    expected = model.predict(x_test, verbose=0)
    assert np.mean(expected.argmax(1) == y_test) >= 0.95
    path = tmp_path / "digits.tflite"
    path.write_bytes(convert(model))
    got = digits_demo.predict_batch(edgelite.Interpreter(model_path=str(path)), x_test)
    assert got.shape == expected.shape
    assert np.max(np.abs(got - expected)) <= 1e-4
    assert np.array_equal(got.argmax(1), expected.argmax(1))


@requires_litert
def test_converted_model_runs_in_litert(trained):
    from ai_edge_litert.interpreter import Interpreter
    model, x_test, _ = trained
    got = digits_demo.predict_batch(Interpreter(model_content=convert(model)), x_test)
    assert np.max(np.abs(got - model.predict(x_test, verbose=0))) <= 1e-4


def test_cli_convert_saved_model(trained, tmp_path, capsys):
    from edgelite.cli import main
    model, x_test, _ = trained
    saved = str(tmp_path / "digits.npz")
    model.save(saved)
    out = str(tmp_path / "digits.tflite")
    assert main(["convert", saved, "-o", out]) == 0
    text = capsys.readouterr().out
    assert "CONV_2D x2" in text and "parameters:" in text and "file size" in text
    assert os.path.getsize(out) > 0
