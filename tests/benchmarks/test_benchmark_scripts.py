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
