"""Every subcommand on every kind of bad input: one `edgelite: error:` line, a non-zero exit, no traceback."""

import os
import signal
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import cli_models
from edgelite import cli, cli_run
from edgelite.cli import main
from testutil import model_path

MOBILENET = model_path("tf", "mobilenet_v2.tflite")
ONNX_MODEL = model_path("onnx", "alexnet.onnx")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Paths of good and bad inputs, by name."""
    d = tmp_path_factory.mktemp("bad_inputs")
    f = {"dir": str(d), "missing": str(d / "missing.tflite"), "scale": cli_models.scale_model(d),
         "two": cli_models.two_input_model(d), "int8": cli_models.int8_input_model(d),
         "unsupported": cli_models.unsupported_op_model(d), "dynamic": cli_models.dynamic_batch_model(d)}
    (d / "text.tflite").write_text("this is not a model\n" * 20)
    f["text"] = str(d / "text.tflite")
    with open(MOBILENET, "rb") as src:
        (d / "truncated.tflite").write_bytes(src.read(50_000))
    f["truncated"] = str(d / "truncated.tflite")
    with open(ONNX_MODEL, "rb") as src:
        (d / "truncated.onnx").write_bytes(src.read(3000))
    f["truncated_onnx"] = str(d / "truncated.onnx")
    (d / "empty.onnx").write_bytes(b"")
    f["empty"] = str(d / "empty.onnx")
    with zipfile.ZipFile(d / "other.npz", "w") as z:
        z.writestr("something.npy", b"not a saved model")
    f["zip"] = str(d / "other.npz")
    for name, value in {"good": np.ones((2, 3), np.float32), "wrong_shape": np.ones((3, 2), np.float32),
                        "wrong_rank": np.ones(6, np.float32), "float64": np.ones((2, 3)),
                        "int32": np.ones((2, 3), np.int32), "float4": np.ones(4, np.float32),
                        "batch3": np.ones((3, 4), np.float32), "wide": np.ones((1, 5), np.float32)}.items():
        np.save(d / f"{name}.npy", value)
        f[name] = str(d / f"{name}.npy")
    np.savez(d / "archive.npz", x=np.ones((2, 3), np.float32))
    f["npz"] = str(d / "archive.npz")
    (d / "plain.txt").write_text("1 2 3\n")
    f["plain"] = str(d / "plain.txt")
    f["under_file"] = str(d / "plain.txt" / "out")  # a path whose "folder" is a regular file
    f["no_folder"] = str(d / "no" / "such" / "out.png")
    return f


BAD_COMMANDS = {
    # run
    "run missing file": ["run", "{missing}"],
    "run a directory": ["run", "{dir}"],
    "run not a model": ["run", "{text}"],
    "run truncated model": ["run", "{truncated}"],
    "run zero threads": ["run", "{scale}", "--threads", "0"],
    "run negative threads": ["run", "{scale}", "--threads", "-2"],
    "run non-numeric seed": ["run", "{scale}", "--seed", "x"],
    "run wrong shape": ["run", "{scale}", "--input", "x={wrong_shape}"],
    "run wrong rank": ["run", "{scale}", "--input", "x={wrong_rank}"],
    "run static axis of a dynamic input": ["run", "{dynamic}", "--input", "x={wide}"],
    "run wrong dtype": ["run", "{scale}", "--input", "x={float64}"],
    "run int file for float input": ["run", "{scale}", "--input", "x={int32}"],
    "run cast across kinds": ["run", "{int8}", "--input", "input0={float4}", "--cast"],
    "run unknown input name": ["run", "{scale}", "--input", "nope={good}"],
    "run unnamed input, two inputs": ["run", "{two}", "--input", "{float4}"],
    "run input given twice": ["run", "{scale}", "--input", "x={good}", "--input", "features={good}"],
    "run empty input name": ["run", "{scale}", "--input", "={good}"],
    "run input file missing": ["run", "{scale}", "--input", "x={missing}"],
    "run input file not npy": ["run", "{scale}", "--input", "x={plain}"],
    "run input file npz": ["run", "{scale}", "--input", "x={npz}"],
    "run input file is a directory": ["run", "{scale}", "--input", "x={dir}"],
    "run unsupported operator": ["run", "{unsupported}"],
    "run output dir under a file": ["run", "{scale}", "--output-dir", "{under_file}"],
    "run unknown signature": ["run", "{scale}", "--signature", "nope"],
    "run signature of a model without": ["run", "{two}", "--signature", "serving_default"],
    # inspect
    "inspect missing file": ["inspect", "{missing}"],
    "inspect a directory": ["inspect", "{dir}"],
    "inspect not a model": ["inspect", "{text}"],
    "inspect truncated model": ["inspect", "{truncated}"],
    "inspect html into missing folder": ["inspect", "{scale}", "--html", "{no_folder}"],
    "inspect html onto a directory": ["inspect", "{scale}", "--html", "{dir}"],
    "inspect svg under a file": ["inspect", "{scale}", "--svg", "{under_file}"],
    "inspect empty delegate list": ["inspect", "{scale}", "--test-delegate", ","],
    # benchmark
    "benchmark missing file": ["benchmark", "{missing}"],
    "benchmark a directory": ["benchmark", "{dir}"],
    "benchmark not a model": ["benchmark", "{text}"],
    "benchmark truncated model": ["benchmark", "{truncated}"],
    "benchmark zero runs": ["benchmark", "{scale}", "--runs", "0"],
    "benchmark negative runs": ["benchmark", "{scale}", "--runs", "-5"],
    "benchmark negative warm-up": ["benchmark", "{scale}", "--warmup", "-1"],
    "benchmark zero top": ["benchmark", "{scale}", "--top", "0"],
    "benchmark negative threads": ["benchmark", "{scale}", "--threads", "-1"],
    "benchmark fractional runs": ["benchmark", "{scale}", "--runs", "2.5"],
    "benchmark unsupported operator": ["benchmark", "{unsupported}"],
    "benchmark plot into missing folder": ["benchmark", "{scale}", "--plot", "{no_folder}"],
    "benchmark plot without profile": ["benchmark", "{scale}", "--plot", "{dir}/p.png", "--no-profile"],
    # convert
    "convert missing file": ["convert", "{missing}", "-o", "{dir}/out.tflite"],
    "convert a directory": ["convert", "{dir}", "-o", "{dir}/out.tflite"],
    "convert not onnx": ["convert", "{text}", "-o", "{dir}/out.tflite"],
    "convert truncated onnx": ["convert", "{truncated_onnx}", "-o", "{dir}/out.tflite"],
    "convert empty file": ["convert", "{empty}", "-o", "{dir}/out.tflite"],
    "convert a tflite": ["convert", "{scale}", "-o", "{dir}/out.tflite"],
    "convert a zip that is not a model": ["convert", "{zip}", "-o", "{dir}/out.tflite"],
    "convert output folder missing": ["convert", ONNX_MODEL, "-o", "{no_folder}"],
    "convert output is a directory": ["convert", ONNX_MODEL, "-o", "{dir}"],
    "convert output is the source": ["convert", "{truncated_onnx}", "-o", "{truncated_onnx}"],
    "convert without -o": ["convert", ONNX_MODEL],
    # the command itself
    "no command": [],
    "unknown command": ["frobnicate"],
    "unknown option": ["run", "{scale}", "--frobnicate"],
}


def run_main(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as e:  # argparse's usage errors exit through SystemExit
        code = e.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_error_line(code, out, err):
    assert code not in (0, None), (out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("edgelite: error: "), err


@pytest.mark.parametrize("case", sorted(BAD_COMMANDS))
def test_bad_input_is_one_error_line(case, files, capsys):
    argv = [a.format(**files) for a in BAD_COMMANDS[case]]
    code, out, err = run_main(argv, capsys)
    assert_one_error_line(code, out, err)
    assert code in (1, 2)  # 2: the command line itself is malformed (argparse); 1: everything else


def test_exit_codes(files, capsys):
    assert run_main(["benchmark", files["scale"], "--runs", "0"], capsys)[0] == 2
    assert run_main(["frobnicate"], capsys)[0] == 2
    assert run_main(["run", files["text"]], capsys)[0] == 1
    assert run_main(["run", files["scale"], "--input", f"x={files['float64']}"], capsys)[0] == 1


def test_messages_name_the_problem(files, capsys):
    checks = {
        ("run", files["scale"], "--input", f"x={files['wrong_shape']}"): ["takes shape 2x3", "has shape 3x2"],
        ("run", files["dynamic"], "--input", f"x={files['wide']}"): ["?x4", "only the axes shown as ?"],
        ("run", files["scale"], "--input", f"x={files['float64']}"): ["float32", "float64", "--cast"],
        ("run", files["int8"], "--input", f"input0={files['float4']}", "--cast"): ["quantized", "scale 0.5"],
        ("run", files["scale"], "--input", f"nope={files['good']}"): ["'x' or 'features'"],
        ("run", files["unsupported"]): ["NotARealOp"],
        ("benchmark", files["scale"], "--runs", "0"): ["--runs", "positive integer", "got 0"],
        ("convert", files["text"], "-o", f"{files['dir']}/o.tflite"): ["neither an ONNX model"],
        ("inspect", files["missing"]): ["no such model file"],
    }
    for argv, words in checks.items():
        _, _, err = run_main(list(argv), capsys)
        for word in words:
            assert word in err, (argv, err)


def test_convert_without_onnx_installed(files, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` now fails as if it were not installed
    code, out, err = run_main(["convert", ONNX_MODEL, "-o", os.path.join(files["dir"], "o.tflite")], capsys)
    assert_one_error_line(code, out, err)
    assert "onnx" in err


def test_plot_without_matplotlib(files, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, out, err = run_main(["benchmark", files["scale"], "--runs", "1", "--plot",
                               os.path.join(files["dir"], "p.png")], capsys)
    assert_one_error_line(code, out, err)
    assert "pip install 'edgelite[plot]'" in err
    assert "latency" not in out  # refused before the timing, not after it


def test_internal_bug_is_one_line_and_debug_shows_it(files, capsys, monkeypatch):
    def broken(args):
        raise TypeError("a bug")
    monkeypatch.setattr(cli_run, "cmd_run", broken)
    code, out, err = run_main(["run", files["scale"]], capsys)
    assert_one_error_line(code, out, err)
    assert "internal error: TypeError: a bug" in err and "--debug" in err
    with pytest.raises(TypeError):
        main(["run", files["scale"], "--debug"])
    monkeypatch.setenv("EDGELITE_DEBUG", "1")
    with pytest.raises(TypeError):
        main(["run", files["scale"]])


def test_keyboard_interrupt_exits_130(files, capsys, monkeypatch):
    def interrupted(args):
        raise KeyboardInterrupt
    monkeypatch.setattr(cli_run, "cmd_run", interrupted)
    assert main(["run", files["scale"]]) == cli.EXIT_INTERRUPTED == 130
    captured = capsys.readouterr()
    assert captured.err.strip() == "edgelite: interrupted" and "Traceback" not in captured.out


def edgelite_process(*args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "edgelite", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


@pytest.mark.parametrize("case", ["run not a model", "inspect truncated model", "benchmark zero runs",
                                  "convert not onnx", "run wrong dtype", "unknown command"])
def test_the_installed_command_prints_no_traceback(case, files):
    proc = edgelite_process(*[a.format(**files) for a in BAD_COMMANDS[case]])
    out, err = proc.communicate(timeout=120)
    assert_one_error_line(proc.returncode, out, err)


def test_ctrl_c_during_a_benchmark(files):
    proc = edgelite_process("benchmark", MOBILENET, "--runs", "100000", "--no-profile")
    assert proc.stdout.readline().startswith("model:")  # the timing loop has started
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "Traceback" not in out + err and err.strip() == "edgelite: interrupted"


def test_a_closed_pipe_is_not_an_error():
    proc = subprocess.Popen(f"{sys.executable} -m edgelite inspect {MOBILENET} | head -n 2", shell=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=120)
    assert len(out.splitlines()) == 2 and "Traceback" not in err and err.strip() == ""
