"""The `edgelite` command line on a small model: what run, inspect and benchmark print."""

import cli_models
from edgelite.cli import main


def test_run_with_random_inputs(tmp_path, capsys):
    assert main(["run", cli_models.scale_model(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "random float32 [2, 3]" in out and "output z: float32 [2, 3]" in out and "invoke:" in out


def test_inspect_lists_operators_and_arena(tmp_path, capsys):
    assert main(["inspect", cli_models.scale_model(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "MUL" in out and "ADD" in out and "arena:" in out and "constant parameters: 3 values" in out
    assert "all operators are supported by this build" in out


def test_benchmark_prints_percentiles_and_profile(tmp_path, capsys):
    assert main(["benchmark", cli_models.scale_model(tmp_path), "--runs", "5", "--warmup", "1", "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "median" in out and "p90" in out and "per-operator" in out and "MUL" in out
    assert "top 1 nodes" in out


def test_benchmark_without_profile(tmp_path, capsys):
    assert main(["benchmark", cli_models.scale_model(tmp_path), "--runs", "2", "--no-profile"]) == 0
    out = capsys.readouterr().out
    assert "median" in out and "per-operator" not in out
