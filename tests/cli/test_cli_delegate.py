"""`edgelite inspect --delegate` and `edgelite benchmark --delegate`: which operators went where and why the
others did not; delegate options; a bad option is a one-line error."""

import re

import pytest

import cli_models
import edgelite
from edgelite.cli import main
from testutil import model_path


def opencl_available():
    try:
        edgelite.load_delegate("opencl")
        return True
    except ValueError:
        return False


needs_opencl = pytest.mark.skipif(not opencl_available(), reason="no OpenCL delegate or platform here")


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_inspect_with_a_delegate_library_and_options(tmp_path, capsys):
    # The test delegate, loaded by path like any delegate library: notes say why MUL stayed on the CPU.
    from edgelite import plugins
    library = plugins.library_path(plugins.TEST_PLUGINS_LIBRARY)
    code, out, _ = run(capsys, "inspect", cli_models.scale_model(tmp_path), "--delegate", library,
                       "--delegate-option", "ops=ADD")
    assert code == 0
    assert re.search(r"ADD .*\[delegated to CpuTestDelegate, partition 0\]", out)
    assert re.search(r"MUL .*\(cpu: the test delegate claims only the operators it was given\)", out)


def test_malformed_delegate_option_is_a_one_line_error(tmp_path, capsys):
    code, _, err = run(capsys, "inspect", cli_models.scale_model(tmp_path), "--delegate", "opencl",
                       "--delegate-option", "precision")
    assert code != 0 and "--delegate-option takes KEY=VALUE" in err and len(err.strip().splitlines()) == 1


@needs_opencl
def test_inspect_delegate_opencl(capsys):
    code, out, _ = run(capsys, "inspect", model_path("tf", "mobilenet_v3_small.tflite"), "--delegate", "opencl")
    assert code == 0
    assert "delegate: opencl took 1 partition(s)" in out
    assert re.search(r"CONV_2D .*\[delegated to opencl, partition 0\]", out)


@needs_opencl
def test_benchmark_delegate_opencl_reports_partitions(capsys):
    code, out, _ = run(capsys, "benchmark", model_path("tf", "transformer_block.tflite"), "--delegate", "opencl",
                       "--runs", "2", "--warmup", "0", "--no-profile")
    assert code == 0
    assert re.search(r"delegate opencl: 1 partition\(s\), (\d+) of \1 operators delegated; allocate_tensors", out)
    assert "latency ms: median" in out
