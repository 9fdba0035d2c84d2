"""Repeated create / allocate / invoke / destroy keeps memory flat: the resident set (VmRSS of /proc/self/status)
of a child process after many rounds is within a small margin of what it was after the first few. The same child
first keeps the interpreters of some rounds alive, to show that the measure sees a leak of that size."""

import os
import subprocess
import sys
import textwrap

import pytest

from testutil import MODELS_DIR

MODELS = ("tf_control/keras_lstm.tflite", "tf_seq/lstm_dynamic_range.tflite", "tf_quant/convnet_int8.tflite",
          "select/select_math.tflite", "mediapipe/face_detection_short_range.tflite")
ROUNDS = 200
WARMUP = 40

CHILD = textwrap.dedent(r"""
    import sys, numpy as np, edgelite
    path, rounds, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    content = open(path, "rb").read()

    def rss_kib():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])

    def one_round(keep=None):
        # alternately from the file (mapped) and from bytes (copied)
        interp = (edgelite.Interpreter(model_path=path) if len(seen) % 2 else
                  edgelite.Interpreter(model_content=content))
        interp.allocate_tensors()
        for d in interp.get_input_details():
            interp.set_tensor(d["index"], np.ones(d["shape"], d["dtype"]))
        interp.invoke()
        for d in interp.get_output_details():
            interp.get_tensor(d["index"])
        seen.append(1)
        if keep is not None:
            keep.append(interp)

    seen = []
    for _ in range(warmup):
        one_round()
    start = rss_kib()
    for _ in range(rounds - warmup):
        one_round()
    end = rss_kib()
    # sensitivity: the same number of rounds with every interpreter kept alive
    kept = []
    for _ in range(rounds - warmup):
        one_round(kept)
    leaked = rss_kib()
    print(start, end, leaked)
""")


@pytest.mark.parametrize("model", MODELS)
def test_repeated_create_and_destroy_keeps_memory_flat(model):
    path = os.path.join(MODELS_DIR, model)
    result = subprocess.run([sys.executable, "-c", CHILD, path, str(ROUNDS), str(WARMUP)], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    start, end, leaked = (int(v) for v in result.stdout.split())
    growth, kept_growth = end - start, leaked - end
    # A leak of one interpreter per round would grow by about what keeping them all alive grows by.
    assert growth < max(1024, kept_growth // 10), (
        f"{model}: resident memory grew by {growth} KiB over {ROUNDS - WARMUP} create/destroy rounds (from {start} "
        f"KiB); keeping every interpreter alive grows it by {kept_growth} KiB")
    assert kept_growth > 2 * max(growth, 0), f"{model}: the measure did not see kept interpreters ({kept_growth} KiB)"
