"""The C API (libedgelite_c.so): C programs compiled with the system compiler against the installed headers and
library run committed models and give the Python API's outputs exactly (edgelite/c_api.h) and LiteRT's
(tensorflow/lite/c/c_api.h, a program written for LiteRT); their error paths fail with messages.

Skips when there is no C compiler."""

import os
import re
import shutil
import subprocess

import numpy as np
import pytest

import edgelite
from testutil import max_rel_error, model_path, requires_litert

HERE = os.path.dirname(os.path.abspath(__file__))
CC = shutil.which("cc") or shutil.which("gcc")
requires_cc = pytest.mark.skipif(CC is None, reason="needs a C compiler (cc)")
pytestmark = requires_cc

FLOAT_MODELS = [("tf", "mobilenet_v2.tflite"), ("mediapipe", "face_detection_short_range.tflite")]
INT8_MODELS = [("tf_quant", "mobilenet_v2_int8.tflite"), ("tf_quant", "mobilenet_v2_035_96_int8io.tflite")]
# The .tflite schema's type numbers (ElcType) and LiteRT's C API's own (TfLiteType).
ELC_TYPES = {np.float32: 0, np.int32: 2, np.uint8: 3, np.int64: 4, np.bool_: 6, np.int16: 7, np.int8: 9}
TFLITE_TYPES = {np.float32: 1, np.int32: 2, np.uint8: 3, np.int64: 4, np.bool_: 6, np.int16: 7, np.int8: 9}


def compile_program(source, out_dir, extra=()):
    exe = os.path.join(out_dir, os.path.splitext(os.path.basename(source))[0])
    lib = edgelite.get_library_dir()
    cmd = [CC, "-std=c99", "-Wall", "-Wextra", "-Werror", source, "-I", edgelite.get_include(), "-L", lib,
           "-ledgelite_c", f"-Wl,-rpath,{lib}", "-o", exe, *extra]
    result = subprocess.run(cmd, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(cmd)}\n{result.stderr}"
    return exe


@pytest.fixture(scope="module")
def programs(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("c_api_programs"))
    return {name: compile_program(os.path.join(HERE, name + ".c"), out) for name in ("run_model", "litert_run_model")}


def random_inputs(details, seed=0):
    rng = np.random.default_rng(seed)
    values = []
    for d in details:
        dtype, shape = d["dtype"], tuple(d["shape"])
        if np.issubdtype(dtype, np.floating):
            values.append(rng.uniform(-1, 1, shape).astype(dtype))
        else:
            info = np.iinfo(dtype)
            values.append(rng.integers(max(info.min, -128), min(info.max, 127) + 1, shape).astype(dtype))
    return values


def write_inputs(values, directory):
    paths = []
    for i, v in enumerate(values):
        path = os.path.join(directory, f"input_{i}.bin")
        np.ascontiguousarray(v).tofile(path)
        paths.append(path)
    return paths


def run_program(exe, *args):
    result = subprocess.run([exe, *map(str, args)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{exe} {' '.join(map(str, args))}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def described(stdout, what):
    """{index: (name, type, dims, scale, zero point, bytes)} from the programs' "input|output i ..." lines."""
    pattern = re.compile(rf"^{what} (\d+) (\S+) type=(-?\d+) dims=([\d,]*) scale=(\S+) zp=(-?\d+) bytes=(\d+)", re.M)
    return {int(m[1]): (m[2], int(m[3]), [int(x) for x in m[4].split(",") if x], float(m[5]), int(m[6]), int(m[7]))
            for m in pattern.finditer(stdout)}


def read_outputs(directory, details, names=None):
    outs = []
    for i, d in enumerate(details):
        path = os.path.join(directory, f"{names[i] if names else f'output_{i}'}.bin")
        outs.append(np.fromfile(path, dtype=d["dtype"]).reshape(d["shape"]))
    return outs


def python_outputs(path, inputs, **kwargs):
    interp = edgelite.Interpreter(model_path=path, num_threads=1, **kwargs)
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    return interp, [interp.get_tensor(d["index"]) for d in interp.get_output_details()]


def check_described(stdout, interp, types):
    for what, details in (("input", interp.get_input_details()), ("output", interp.get_output_details())):
        lines = described(stdout, what)
        assert sorted(lines) == list(range(len(details))), stdout
        for i, d in enumerate(details):
            name, type_number, dims, scale, zero_point, nbytes = lines[i]
            assert name == d["name"]
            assert type_number == types[d["dtype"]]
            assert dims == list(d["shape"])
            assert (np.float32(scale), zero_point) == (np.float32(d["quantization"][0]), d["quantization"][1])
            assert nbytes == int(np.prod(d["shape"])) * np.dtype(d["dtype"]).itemsize


@pytest.mark.parametrize("folder,name", FLOAT_MODELS + INT8_MODELS)
def test_c_api_outputs_equal_python(programs, tmp_path, folder, name):
    path = model_path(folder, name)
    details = edgelite.Interpreter(model_path=path).get_input_details()
    inputs = random_inputs(details)
    stdout = run_program(programs["run_model"], path, tmp_path, *write_inputs(inputs, tmp_path))
    interp, expected = python_outputs(path, inputs)
    check_described(stdout, interp, ELC_TYPES)
    for got, want in zip(read_outputs(tmp_path, interp.get_output_details()), expected):
        np.testing.assert_array_equal(got, want)


def test_c_api_loads_the_plugin_for_plugin_served_operators(programs, tmp_path):
    """TFLite_Detection_PostProcess runs from libedgelite_select.so, which the C API loads beside itself."""
    path = model_path("detection", "ssd_regular.tflite")
    inputs = [np.load(model_path("detection", "ssd_regular.io.npz"))["image"]]
    stdout = run_program(programs["run_model"], path, tmp_path, *write_inputs(inputs, tmp_path))
    interp, expected = python_outputs(path, inputs)
    for got, want in zip(read_outputs(tmp_path, interp.get_output_details()), expected):
        np.testing.assert_array_equal(got, want)
    assert int(expected[3][0]) > 0


def test_c_api_resize_then_run(programs, tmp_path):
    path = model_path("tf", "transformer_block_dynamic_batch.tflite")
    probe = edgelite.Interpreter(model_path=path)
    d = probe.get_input_details()[0]
    shape = [3] + list(d["shape"][1:])
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    stdout = run_program(programs["run_model"], path, tmp_path, "--resize", "0=" + ",".join(map(str, shape)),
                         *write_inputs([x], tmp_path))
    interp = edgelite.Interpreter(model_path=path, num_threads=1)
    interp.resize_tensor_input(d["index"], shape)
    interp.allocate_tensors()
    interp.set_tensor(d["index"], x)
    interp.invoke()
    want = interp.get_tensor(interp.get_output_details()[0]["index"])
    assert described(stdout, "output")[0][2] == list(want.shape)
    got = np.fromfile(tmp_path / "output_0.bin", dtype=np.float32).reshape(want.shape)
    np.testing.assert_array_equal(got, want)


def test_c_api_opencl_delegate(programs, tmp_path):
    if not os.path.exists(os.path.join(edgelite.get_library_dir(), "libedgelite_opencl.so")):
        pytest.skip("this build has no OpenCL delegate")
    path = model_path("tf", "mobilenet_v2.tflite")
    inputs = random_inputs(edgelite.Interpreter(model_path=path).get_input_details(), seed=4)
    result = subprocess.run([programs["run_model"], path, str(tmp_path), "--delegate", "opencl",
                             *write_inputs(inputs, tmp_path)], capture_output=True, text=True, timeout=300)
    if result.returncode and "no OpenCL platform" in result.stderr:
        pytest.skip("no OpenCL platform on this machine")
    assert result.returncode == 0, result.stderr
    interp, cpu = python_outputs(path, inputs)
    gpu = read_outputs(tmp_path, interp.get_output_details())
    assert max_rel_error(gpu[0], cpu[0]) < 1e-5


def litert_outputs(path, inputs, reference_kernels=False):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    kwargs = {"experimental_op_resolver_type": OpResolverType.BUILTIN_REF} if reference_kernels else {}
    interp = Interpreter(model_path=path, num_threads=1, **kwargs)
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()]


@requires_litert
@pytest.mark.parametrize("folder,name", FLOAT_MODELS + INT8_MODELS)
def test_litert_program_gives_litert_outputs(programs, tmp_path, folder, name):
    path = model_path(folder, name)
    interp = edgelite.Interpreter(model_path=path)
    inputs = random_inputs(interp.get_input_details(), seed=2)
    stdout = run_program(programs["litert_run_model"], path, tmp_path, *write_inputs(inputs, tmp_path))
    check_described(stdout, interp, TFLITE_TYPES)
    got = read_outputs(tmp_path, interp.get_output_details())
    quantized = (folder, name) in INT8_MODELS
    # Integer kernels: LiteRT's reference kernels, bit for bit (its optimized ones round a few values per
    # thousand differently, by one step); float: within 1e-5 of the output's largest magnitude (the golden tests'
    # measure: kernels sum in different orders).
    for g, want in zip(got, litert_outputs(path, inputs, reference_kernels=quantized)):
        assert g.shape == want.shape and g.dtype == want.dtype
        if quantized:
            np.testing.assert_array_equal(g, want)
        else:
            assert max_rel_error(g, want) < 1e-5


@requires_litert
def test_litert_program_signature_runner(programs, tmp_path):
    from ai_edge_litert.interpreter import Interpreter
    path = model_path("tf", "mobilenet_v2.tflite")
    litert = Interpreter(model_path=path, num_threads=1)
    runner = litert.get_signature_runner("serving_default")
    (name, detail), = runner.get_input_details().items()
    x = random_inputs([detail], seed=3)[0]
    x_path = tmp_path / "x.bin"
    x.tofile(x_path)
    run_program(programs["litert_run_model"], path, tmp_path, "--signature", "serving_default", f"{name}={x_path}")
    for out_name, want in runner(**{name: x}).items():
        got = np.fromfile(tmp_path / f"{out_name}.bin", dtype=want.dtype).reshape(want.shape)
        assert max_rel_error(got, want) < 1e-5


def test_litert_program_null_key_runner_without_signatures(programs, tmp_path):
    # LiteRT gives a model without signatures a runner over its primary subgraph, named by the tensors.
    path = model_path("mediapipe", "face_detection_short_range.tflite")
    assert edgelite.Interpreter(model_path=path).get_signature_list() == {}
    details = edgelite.Interpreter(model_path=path).get_input_details()
    inputs = random_inputs(details, seed=5)
    files = [f"{d['name']}={p}" for d, p in zip(details, write_inputs(inputs, tmp_path))]
    run_program(programs["litert_run_model"], path, tmp_path, "--signature", "-", *files)
    interp, expected = python_outputs(path, inputs)
    names = [d["name"] for d in interp.get_output_details()]
    for got, want in zip(read_outputs(tmp_path, interp.get_output_details(), names), expected):
        np.testing.assert_array_equal(got, want)


def error_messages(stdout):
    return dict(re.findall(r"^error (\w+): (.*)$", stdout, re.M))


def test_c_api_error_paths(programs):
    path = model_path("tf", "mobilenet_v2.tflite")
    messages = error_messages(run_program(programs["run_model"], "--errors", path))
    assert {"bad_model", "missing_file", "num_threads", "invoke_before_allocate", "input_index", "output_index",
            "input_size", "output_size", "signature_key", "signature_index", "max_arena_bytes",
            "arena_cap"} <= set(messages)
    assert "out of range" in messages["input_index"] and "out of range" in messages["output_index"]
    assert "memory cap of 1024 bytes" in messages["arena_cap"]
    assert "bytes" in messages["input_size"] and "bytes" in messages["output_size"]
    assert "serving_default" in messages["signature_key"]
    # The same checks and messages as the Python API (one validation path in the core).
    with pytest.raises(edgelite.NotReadyError) as e:
        edgelite.Interpreter(model_path=path).invoke()
    assert messages["invoke_before_allocate"] == str(e.value)
    with pytest.raises(edgelite.InvalidModelError) as e:
        edgelite.Interpreter(model_content=b"this is not a flatbuffer, nor a .tflite model at all\0")
    assert messages["bad_model"] == str(e.value)
    with pytest.raises(edgelite.InvalidArgumentError) as e:
        edgelite.Interpreter(model_path=path).get_signature_runner("no such signature")
    assert messages["signature_key"] == str(e.value)


def test_litert_program_error_paths(programs):
    messages = error_messages(run_program(programs["litert_run_model"], "--errors",
                                          model_path("tf", "mobilenet_v2.tflite")))
    assert {"bad_model", "missing_file", "num_threads", "invoke_before_allocate", "input_index", "output_index",
            "tensor_index", "input_size", "output_size", "signature_key"} <= set(messages)
    assert "allocate_tensors" in messages["invoke_before_allocate"]


def test_headers_compile_as_cxx(tmp_path):
    cxx = shutil.which("c++") or shutil.which("g++")
    if cxx is None:
        pytest.skip("needs a C++ compiler")
    src = tmp_path / "both.cc"
    src.write_text('#include "edgelite/c_api.h"\n#include "tensorflow/lite/c/c_api.h"\n'
                   '#include "tensorflow/lite/c/common.h"\n#include "tensorflow/lite/core/c/c_api.h"\n'
                   'int main() { return TfLiteVersion() == ElcVersion() ? 0 : 1; }\n')
    lib = edgelite.get_library_dir()
    exe = tmp_path / "both"
    subprocess.run([cxx, "-Wall", "-Werror", str(src), "-I", edgelite.get_include(), "-L", lib, "-ledgelite_c",
                    f"-Wl,-rpath,{lib}", "-o", str(exe)], check=True)
    subprocess.run([str(exe)], check=True)


def test_pkg_config_file(tmp_path):
    pkg_config = shutil.which("pkg-config")
    if pkg_config is None:
        pytest.skip("needs pkg-config")
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(edgelite.get_library_dir(), "pkgconfig"))
    flags = subprocess.run([pkg_config, "--cflags", "--libs", "edgelite"], env=env, capture_output=True, text=True,
                           check=True).stdout.split()
    assert "-ledgelite_c" in flags
    exe = compile_program(os.path.join(HERE, "run_model.c"), str(tmp_path), extra=flags)
    out = subprocess.run([exe, "--errors", model_path("tf", "mobilenet_v2.tflite")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_only_the_c_api_is_exported():
    nm = shutil.which("nm")
    if nm is None:
        pytest.skip("needs binutils' nm")
    lib = os.path.join(edgelite.get_library_dir(), "libedgelite_c.so")
    out = subprocess.run([nm, "-D", "--defined-only", lib], capture_output=True, text=True, check=True).stdout
    names = [line.split()[-1] for line in out.splitlines() if line.strip()]
    assert names and all(n.startswith(("Elc", "TfLite")) for n in names), [n for n in names if not n.startswith(("Elc", "TfLite"))]
    assert {"ElcInterpreterCreate", "TfLiteInterpreterCreate", "TfLiteSignatureRunnerInvoke"} <= set(names)


def test_get_include_and_library_dir():
    assert os.path.isfile(os.path.join(edgelite.get_include(), "edgelite", "c_api.h"))
    assert os.path.isfile(os.path.join(edgelite.get_include(), "tensorflow", "lite", "c", "c_api.h"))
    assert os.path.isfile(os.path.join(edgelite.get_library_dir(), "libedgelite_c.so"))
    assert os.path.isfile(os.path.join(edgelite.get_library_dir(), "cmake", "edgelite", "edgeliteConfig.cmake"))


def stripped_c_library_size(tmp_path):
    strip = shutil.which("strip")
    if strip is None:
        pytest.skip("needs binutils' strip")
    out = tmp_path / "libedgelite_c.so"
    subprocess.run([strip, "-o", str(out), os.path.join(edgelite.get_library_dir(), "libedgelite_c.so")], check=True)
    return out.stat().st_size


def test_stripped_c_library_is_under_2_mb(tmp_path):
    # libedgelite_c.so carries the whole core (1.83 MB stripped when the core reached 2 MB, issue 13).
    size = stripped_c_library_size(tmp_path)
    assert size < 2_000_000, f"{size / 1e6:.2f} MB stripped"


@pytest.mark.parametrize("type_name, elc_type, tflite_type", [("BFLOAT16", 18, 19), ("INT4", 17, 18),
                                                               ("FLOAT8_E4M3FN", 21, None)])
def test_low_precision_tensors_through_the_c_apis(programs, tmp_path, type_name, elc_type, tflite_type):
    """A CAST from bfloat16 / INT4 / float8 to float32: the C API names the input's type (ELC_*, and the LiteRT
    API's kTfLite* where its enum has one), takes its bytes (INT4: one value a byte) and gives Python's answer."""
    import ml_dtypes
    from edgelite.model_builder import ModelBuilder
    from edgelite.schema.TensorType import TensorType
    b = ModelBuilder()
    x = b.add_input("x", [6], np.float32)
    b.tensor(x).type = getattr(TensorType, type_name)
    y = b.add_tensor("y", [6], np.float32)
    b.add_operator("CAST", [x], [y], version=9)
    b.mark_output(y)
    path = str(tmp_path / "cast.tflite")
    with open(path, "wb") as f:
        f.write(b.build())
    values = {"BFLOAT16": np.float32([1.5, -2.25, 3, 0.1, 1e30, -0.0]).astype(ml_dtypes.bfloat16),
              "INT4": np.int8([-8, -1, 0, 1, 7, 3]),
              "FLOAT8_E4M3FN": np.float32([1.5, -2.25, 3, 0.1, 448, -0.0]).astype(ml_dtypes.float8_e4m3fn)}[type_name]
    stdout = run_program(programs["run_model"], path, tmp_path, *write_inputs([values], tmp_path))
    assert described(stdout, "input")[0][1] == elc_type
    assert described(stdout, "input")[0][5] == values.nbytes
    _, expected = python_outputs(path, [values])
    np.testing.assert_array_equal(read_outputs(tmp_path, [{"dtype": np.float32, "shape": [6]}])[0], expected[0])
    if tflite_type is not None:
        stdout = run_program(programs["litert_run_model"], path, tmp_path, *write_inputs([values], tmp_path))
        assert described(stdout, "input")[0][1] == tflite_type
