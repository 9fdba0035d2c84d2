"""The comparison scripts of benchmarks/ run and report what they say (one short round each; the figures themselves
are for people, machines differ)."""

import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
BENCHMARKS = os.path.join(HERE, "..", "..", "benchmarks")
MODELS = os.path.join(HERE, "..", "models")
sys.path.insert(0, BENCHMARKS)


def run_script(*args):
    out = subprocess.run([sys.executable, os.path.join(BENCHMARKS, args[0]), *args[1:]], capture_output=True,
                         text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_rss_child_reports_edgelite_arena():
    import rss
    m = rss.measure("edgelite", os.path.join(MODELS, "mediapipe", "face_detection_short_range.tflite"))
    # The arena holds at least the 128x128x3 input and the first 64x64x24 activation; RSS grew by more than it.
    assert m["arena"] >= (128 * 128 * 3 + 64 * 64 * 24) * 4
    assert m["rss_growth"] > m["arena"] and m["peak_rss"] > m["rss_growth"]


def test_compare_onnxruntime_prints_both_thread_counts():
    pytest.importorskip("onnxruntime")
    text = run_script("compare_onnxruntime.py", "--rounds", "1", "--runs", "1", "--memory", "--",
                      os.path.join(MODELS, "onnx", "shufflenet_v2.onnx"))
    assert "--- 1 thread(s) ---" in text and "--- 2 thread(s) ---" in text
    row = next(line for line in text.splitlines() if line.startswith("shufflenet_v2.onnx"))
    numbers = [float(x) for x in row.split()[1:]]
    assert len(numbers) == 10  # 3 per thread count, 3 memory columns, the outputs' difference
    assert numbers[-1] < 1e-4  # the converted model agrees with ONNX Runtime


def test_first_inference_reports_a_ratio():
    text = run_script("first_inference.py", "--runs", "2",
                      os.path.join(MODELS, "mediapipe", "face_detection_short_range.tflite"))
    row = next(line for line in text.splitlines() if re.match(r"face_detection\S+\s+edgelite", line))
    allocate, first, steady, ratio = (float(x) for x in row.split()[2:])
    assert abs(ratio - (allocate + first) / steady) < 0.02 * ratio + 0.01


def test_per_op_models_each_hold_one_node_and_run():
    # face_landmark's convolutions take float16 weights through DEQUANTIZE nodes: a cut-out convolution keeps its
    # DEQUANTIZE (its weights stay constants), and gives what the whole model's node gave.
    import numpy as np
    import edgelite
    import per_op_litert
    path = os.path.join(MODELS, "mediapipe", "face_landmark.tflite")
    whole = edgelite.Interpreter(model_path=path, experimental_preserve_all_tensors=True)
    whole.allocate_tensors()
    x = np.random.default_rng(0).standard_normal(whole.get_input_details()[0]["shape"]).astype(np.float32)
    whole.set_tensor(whole.get_input_details()[0]["index"], x)
    whole.invoke()
    ops = {o["index"]: o for o in whole._get_ops_details()}
    checked = 0
    for k, name, shapes, data in per_op_litert.one_node_models(open(path, "rb").read()):
        if checked == 3:
            break
        if name != "CONV_2D":
            continue
        node = edgelite.Interpreter(model_content=data)
        node.allocate_tensors()
        assert [o["op_name"] for o in node._get_ops_details()][-1] == "CONV_2D"
        assert all(o["op_name"] in ("DEQUANTIZE", "CONV_2D") for o in node._get_ops_details())
        assert [tuple(d["shape"]) for d in node.get_input_details()] == [tuple(s) for s in shapes]
        for d in node.get_input_details():  # the cut-out model keeps the model's tensor table
            node.set_tensor(d["index"], whole.get_tensor(d["index"]))
        node.invoke()
        want = whole.get_tensor(ops[k]["outputs"][0])
        np.testing.assert_allclose(node.get_tensor(node.get_output_details()[0]["index"]), want, rtol=1e-5, atol=1e-5)
        checked += 1
    assert checked == 3
