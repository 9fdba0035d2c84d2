"""The `edgelite` command line: run, inspect, benchmark on a small model."""

import os
import subprocess
import sys

import numpy as np

from edgelite.cli import main
from edgelite.model_builder import ModelBuilder


def write_model(tmp_path):
    b = ModelBuilder()
    x = b.add_input("x", [2, 3])
    c = b.add_constant("c", np.array([1.0, 2.0, 3.0], np.float32))
    y = b.add_tensor("y", [2, 3])
    z = b.add_tensor("z", [2, 3])
    b.add_operator("MUL", [x, c], [y])
    b.add_operator("ADD", [y, c], [z])
    b.mark_output(z)
    path = tmp_path / "small.tflite"
    path.write_bytes(b.build())
    return str(path)


def test_run_with_input_file_writes_outputs(tmp_path, capsys):
    model = write_model(tmp_path)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.save(tmp_path / "x.npy", x)
    out_dir = tmp_path / "out"
    assert main(["run", model, "--input", f"x={tmp_path / 'x.npy'}", "--output-dir", str(out_dir)]) == 0
    (saved,) = os.listdir(out_dir)
    np.testing.assert_allclose(np.load(out_dir / saved), x * [1, 2, 3] + [1, 2, 3])


def test_run_with_random_inputs(tmp_path, capsys):
    assert main(["run", write_model(tmp_path)]) == 0
    assert "random float32 [2, 3]" in capsys.readouterr().out


def test_inspect_lists_operators_and_arena(tmp_path, capsys):
    assert main(["inspect", write_model(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "MUL" in out and "ADD" in out and "arena:" in out and "constant parameters: 3 values" in out


def test_inspect_names_unsupported_operators(tmp_path, capsys):
    b = ModelBuilder()
    x = b.add_input("x", [4])
    y = b.add_tensor("y", [4])
    b.add_operator("CUSTOM", [x], [y], custom_code="NotARealOp")
    b.mark_output(y)
    path = tmp_path / "custom.tflite"
    path.write_bytes(b.build())
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "NotARealOp" in out and "cannot run" in out


def test_benchmark_prints_percentiles_and_profile(tmp_path, capsys):
    assert main(["benchmark", write_model(tmp_path), "--runs", "5", "--warmup", "1"]) == 0
    out = capsys.readouterr().out
    assert "median" in out and "p90" in out and "per-operator" in out and "MUL" in out


def test_bad_model_gives_error_not_traceback(tmp_path):
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"not a model" * 10)
    result = subprocess.run([sys.executable, "-m", "edgelite", "inspect", str(bad)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "not a .tflite model" in result.stderr and "Traceback" not in result.stderr
