"""`edgelite run`: inputs by tensor or signature name, resizing only dynamic axes, exact dtypes (or --cast)."""

import os

import numpy as np
import pytest

import cli_models
from edgelite import Interpreter
from edgelite.cli import main
from testutil import model_path

X = np.arange(6, dtype=np.float32).reshape(2, 3)
EXPECTED = X * [1, 2, 3] + [1, 2, 3]


def saved_outputs(folder):
    return [np.load(os.path.join(folder, name)) for name in sorted(os.listdir(folder))]


@pytest.mark.parametrize("name", ["x", "features"])  # the tensor's name, the signature's name for it
def test_input_by_tensor_or_signature_name(tmp_path, capsys, name):
    model = cli_models.scale_model(tmp_path)
    np.save(tmp_path / "x.npy", X)
    assert main(["run", model, "--input", f"{name}={tmp_path / 'x.npy'}", "--output-dir", str(tmp_path / "o")]) == 0
    (out,) = saved_outputs(tmp_path / "o")
    np.testing.assert_allclose(out, EXPECTED)
    assert "from" in capsys.readouterr().out


def test_unnamed_input_for_a_one_input_model(tmp_path, capsys):
    model = cli_models.scale_model(tmp_path)
    np.save(tmp_path / "x.npy", X)
    assert main(["run", model, "--input", str(tmp_path / "x.npy"), "--output-dir", str(tmp_path / "o")]) == 0
    np.testing.assert_allclose(saved_outputs(tmp_path / "o")[0], EXPECTED)


def test_signature_run_names_outputs_by_signature(tmp_path, capsys):
    model = cli_models.scale_model(tmp_path)
    np.save(tmp_path / "x.npy", X)
    assert main(["run", model, "--signature", "serving_default", "--input", f"features={tmp_path / 'x.npy'}",
                 "--output-dir", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "output scores (z)" in out
    (saved,) = os.listdir(tmp_path / "o")
    assert "scores" in saved
    np.testing.assert_allclose(np.load(tmp_path / "o" / saved), EXPECTED)


def test_dynamic_axis_resizes_the_model(tmp_path, capsys):
    model = cli_models.dynamic_batch_model(tmp_path)
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.save(tmp_path / "x.npy", x)
    assert main(["run", model, "--input", f"x={tmp_path / 'x.npy'}", "--output-dir", str(tmp_path / "o")]) == 0
    np.testing.assert_array_equal(saved_outputs(tmp_path / "o")[0], x + 1)


def test_dynamic_batch_transformer_matches_the_interpreter(tmp_path, capsys):
    model = model_path("tf", "transformer_block_dynamic_batch.tflite")
    tokens = np.random.default_rng(0).standard_normal((2, 16, 64)).astype(np.float32)
    np.save(tmp_path / "t.npy", tokens)
    assert main(["run", model, "--input", f"tokens={tmp_path / 't.npy'}", "--output-dir", str(tmp_path / "o")]) == 0
    interp = Interpreter(model_path=model)
    runner = interp.get_signature_runner()
    (want,) = runner(tokens=tokens).values()
    np.testing.assert_array_equal(saved_outputs(tmp_path / "o")[0], want)


def test_cast_converts_within_a_kind(tmp_path, capsys):
    model = cli_models.scale_model(tmp_path)
    np.save(tmp_path / "x64.npy", X.astype(np.float64))
    assert main(["run", model, "--input", f"x={tmp_path / 'x64.npy'}", "--cast",
                 "--output-dir", str(tmp_path / "o")]) == 0
    np.testing.assert_allclose(saved_outputs(tmp_path / "o")[0], EXPECTED)
    assert main(["run", model, "--input", f"x={tmp_path / 'x64.npy'}"]) == 1  # without --cast: refused


def test_random_inputs_of_every_input(tmp_path, capsys):
    assert main(["run", cli_models.two_input_model(tmp_path), "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert out.count("random float32 [3]") == 2 and "invoke:" in out


def test_quantized_input_from_file(tmp_path, capsys):
    model = cli_models.int8_input_model(tmp_path)
    q = np.array([-128, -1, 0, 127], np.int8)
    np.save(tmp_path / "q.npy", q)
    assert main(["run", model, "--input", f"input0={tmp_path / 'q.npy'}", "--output-dir", str(tmp_path / "o")]) == 0
    np.testing.assert_array_equal(saved_outputs(tmp_path / "o")[0], q)
