"""Fuzz test: flipped and truncated bytes of real models must raise an edgelite error or run; the
process must never die. Each batch runs in a child process so a crash is reported, not fatal."""

import glob
import os
import subprocess
import sys
import textwrap

import pytest

from testutil import MODELS_DIR

FUZZ_CHILD = textwrap.dedent(r"""
    import sys, threading, numpy as np, edgelite
    path, seed, cases = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    original = open(path, "rb").read()
    rng = np.random.default_rng(seed)
    outcomes = {"error": 0, "ran": 0}
    for case in range(cases):
        data = bytearray(original)
        kind = case % 3
        if kind == 0:    # flip a few random bytes anywhere
            for pos in rng.integers(0, len(data), size=int(rng.integers(1, 9))):
                data[pos] ^= int(rng.integers(1, 256))
        elif kind == 1:  # flip bytes in the first 4 KiB, where tables and offsets live
            for pos in rng.integers(0, min(len(data), 4096), size=int(rng.integers(1, 5))):
                data[pos] ^= int(rng.integers(1, 256))
        else:            # truncate
            data = data[: int(rng.integers(0, len(data)))]
        try:
            interp = edgelite.Interpreter(model_content=bytes(data))
            interp.allocate_tensors()
            if interp.arena_bytes() > (256 << 20):
                outcomes["ran"] += 1
                continue
            for d in interp.get_input_details():
                interp.set_tensor(d["index"], np.zeros(d["shape"], d["dtype"]))
            # A flipped constant can make a WHILE loop endless (a step of 0): stop it after 2 s with cancel().
            watchdog = threading.Timer(2.0, interp.cancel)
            watchdog.start()
            try:
                interp.invoke()
            finally:
                watchdog.cancel()
            for d in interp.get_output_details():
                interp.get_tensor(d["index"])
            outcomes["ran"] += 1
        except edgelite.EdgeliteError:
            outcomes["error"] += 1
    print(outcomes)
""")


# A Keras LSTM (two dynamic WHILE loops), a tf.cond inside a tf.while_loop, and tf.Variable state.
CONTROL_FLOW_TARGETS = ("keras_lstm.tflite", "cond_in_while.tflite", "variables.tflite")
SEQUENCE_TARGETS = ("bidirectional_lstm.tflite", "lstm_dynamic_range.tflite")
# TF-converted SELECT_TF_OPS models (Flex custom operators: FlexBuffers options holding NodeDefs, run by
# libedgelite_select.so): many small Flex nodes, complex64 tensors, image ops with constant boxes.
SELECT_TARGETS = ("select_math.tflite", "select_fft.tflite", "select_image.tflite")


def fuzz_targets():
    paths = sorted(glob.glob(os.path.join(MODELS_DIR, "**", "*.tflite"), recursive=True))
    small = [p for p in paths if os.path.getsize(p) < 3 * 1024 * 1024]
    quant = [p for p in small if os.path.basename(os.path.dirname(p)) == "tf_quant"]
    control = [p for p in small if os.path.basename(os.path.dirname(p)) == "tf_control"]
    sequence = [p for p in small if os.path.basename(os.path.dirname(p)) == "tf_seq"]
    select = [p for p in small if os.path.basename(os.path.dirname(p)) == "select"]
    # the first float and MediaPipe models, then the small quantized ones (convnet and transformer in every
    # mode: int8/int16 tensors, quantization parameters, hybrid weights, a model LiteRT refuses), then
    # control flow (subgraph indices, nested calls, resource variables and CALL_ONCE), then the fused LSTMs
    # (24 inputs with optional ones, variable state tensors; float and dynamic range, bidirectional), then
    # Flex models
    control_picks = [p for p in control if os.path.basename(p) in CONTROL_FLOW_TARGETS]
    sequence_picks = [p for p in sequence if os.path.basename(p) in SEQUENCE_TARGETS]
    select_picks = [p for p in select if os.path.basename(p) in SELECT_TARGETS]
    return ([p for p in small if p not in quant and p not in control and p not in sequence and p not in select][:8]
            + [p for p in quant if os.path.getsize(p) < 256 * 1024] + control_picks + sequence_picks + select_picks)


@pytest.mark.parametrize("path", fuzz_targets() or [None])
def test_mutated_models_never_crash(path, tmp_path):
    if path is None:
        from edgelite.model_builder import ModelBuilder
        import numpy as np
        b = ModelBuilder()
        x = b.add_input("x", [1, 8])
        c = b.add_constant("c", np.linspace(-1, 1, 8).astype(np.float32))
        y = b.add_tensor("y", [1, 8])
        z = b.add_tensor("z", [1, 8])
        b.add_operator("MUL", [x, c], [y])
        b.add_operator("ADD", [y, c], [z], options={"fused_activation_function": "RELU"})
        b.mark_output(z)
        path = str(tmp_path / "small.tflite")
        with open(path, "wb") as f:
            f.write(b.build())
    fuzz(path)


# Converted by edgelite itself (tests/models/onnx_legacy): operators and layouts the committed .tflite files
# lack (SPLIT of grouped convs, LRN, rank-5 channel-shuffle TRANSPOSE, PADV2, RESIZE_NEAREST_NEIGHBOR,
# LEAKY_RELU, -1 batch signatures); converting takes a fraction of a second each.
CONVERTED_TARGETS = ("bvlc_alexnet", "shufflenet_v1", "squeezenet1.1", "tiny_yolo")


@pytest.mark.parametrize("name", CONVERTED_TARGETS)
def test_mutated_converted_models_never_crash(name, tmp_path):
    pytest.importorskip("onnx")
    from edgelite.converter import convert
    path = str(tmp_path / f"{name}.tflite")
    with open(path, "wb") as f:
        f.write(convert(os.path.join(MODELS_DIR, "onnx_legacy", f"{name}.onnx")))
    fuzz(path)


def fuzz(path: str) -> None:
    result = subprocess.run([sys.executable, "-c", FUZZ_CHILD, path, "1234", "150"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (
        f"fuzzing {os.path.basename(path)} crashed the process (exit {result.returncode}):\n"
        f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    assert "error" in result.stdout
