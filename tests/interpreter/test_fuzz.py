"""Fuzz test: flipped bytes, overwritten words and truncations of real models must raise an edgelite error or run;
the process must never die or hang. Cases run in child processes (tests/fuzz_mutations.py), so a crash is reported
with its seed and case, not fatal. EDGELITE_FUZZ_SEED fixes the seed (default: random per run) and
EDGELITE_FUZZ_CASES the cases per model (default 150); scripts/fuzz_models.py runs long campaigns."""

import glob
import os
import subprocess
import sys

import pytest

import fuzz_mutations
from testutil import MODELS_DIR

# One seed per test run (EDGELITE_FUZZ_SEED reproduces a run), printed with every failure.
SEED = fuzz_mutations.run_seed()


# A Keras LSTM (two dynamic WHILE loops), a tf.cond inside a tf.while_loop, and tf.Variable state.
CONTROL_FLOW_TARGETS = ("keras_lstm.tflite", "cond_in_while.tflite", "variables.tflite")
SEQUENCE_TARGETS = ("bidirectional_lstm.tflite", "lstm_dynamic_range.tflite")
# TF-converted SELECT_TF_OPS models (Flex custom operators: FlexBuffers options holding NodeDefs, run by
# libedgelite_select.so): many small Flex nodes, complex64 tensors, image ops with constant boxes.
SELECT_TARGETS = ("select_math.tflite", "select_fft.tflite", "select_image.tflite")
# String tensors: a TF-converted text lookup (string constants in a CALL_ONCE init subgraph, HASHTABLE_* ops).
STRING_TARGETS = ("text_lookup.tflite",)


def fuzz_targets():
    paths = fuzz_mutations.model_paths(MODELS_DIR)
    small = [p for p in paths if os.path.getsize(p) < 3 * 1024 * 1024]
    quant = [p for p in small if os.path.basename(os.path.dirname(p)) == "tf_quant"]
    control = [p for p in small if os.path.basename(os.path.dirname(p)) == "tf_control"]
    sequence = [p for p in small if os.path.basename(os.path.dirname(p)) == "tf_seq"]
    select = [p for p in small if os.path.basename(os.path.dirname(p)) == "select"]
    strings = [p for p in small if os.path.basename(os.path.dirname(p)) == "tf_strings"]
    # the first float and MediaPipe models, then the small quantized ones (convnet and transformer in every
    # mode: int8/int16 tensors, quantization parameters, hybrid weights, a model LiteRT refuses), then
    # control flow (subgraph indices, nested calls, resource variables and CALL_ONCE), then the fused LSTMs
    # (24 inputs with optional ones, variable state tensors; float and dynamic range, bidirectional), then
    # Flex models
    control_picks = [p for p in control if os.path.basename(p) in CONTROL_FLOW_TARGETS]
    sequence_picks = [p for p in sequence if os.path.basename(p) in SEQUENCE_TARGETS]
    select_picks = [p for p in select if os.path.basename(p) in SELECT_TARGETS]
    string_picks = [p for p in strings if os.path.basename(p) in STRING_TARGETS]
    grouped = set(quant) | set(control) | set(sequence) | set(select) | set(strings)
    return ([p for p in small if p not in grouped][:8]
            + [p for p in quant if os.path.getsize(p) < 256 * 1024] + control_picks + sequence_picks + select_picks
            + string_picks)


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


def string_ops_model() -> bytes:
    """String constants and every string operator: SKIP_GRAM, HASHTABLE_LOOKUP, a hash table, GATHER, EQUAL."""
    from edgelite.model_builder import ModelBuilder
    import numpy as np
    b = ModelBuilder()
    text = b.add_input("text", [1], object)
    grams = b.add_tensor("grams", [], object)
    b.add_operator("SKIP_GRAM", [text], [grams], options={"ngram_size": 2, "max_skip_size": 1,
                                                          "include_all_ngrams": True})
    handle = b.add_tensor("handle", [], "resource")
    b.add_operator("HASHTABLE", [], [handle], options={"table_id": 3, "key_dtype": 5, "value_dtype": 4})
    keys = b.add_constant("keys", np.array([b"a", b"a b", b"b", b"\xff"], object))
    b.add_operator("HASHTABLE_IMPORT", [handle, keys, b.add_constant("ids", np.array([1, 2, 3, 4], np.int64))], [])
    ids = b.add_tensor("gram_ids", [], np.int64)
    b.add_operator("HASHTABLE_FIND", [handle, grams, b.add_constant("missing", np.array([0], np.int64))], [ids])
    names, hits = b.add_tensor("names", [], object), b.add_tensor("hits", [], np.uint8)
    b.add_operator("HASHTABLE_LOOKUP", [b.add_constant("lookup", np.array([2, 5, 9], np.int32)),
                                        b.add_constant("sorted", np.array([1, 2, 5], np.int32)),
                                        b.add_constant("words", np.array([b"one", b"", b"five"], object))], [names, hits])
    picked = b.add_tensor("picked", [], object)
    b.add_operator("GATHER", [names, b.add_constant("order", np.array([2, 0], np.int32))], [picked])
    same = b.add_tensor("same", [], np.bool_)
    b.add_operator("EQUAL", [picked, b.add_constant("five", np.array([b"five"], object))], [same])
    for t in (ids, hits, same):
        b.mark_output(t)
    return b.build()


def test_mutated_string_models_never_crash(tmp_path):
    path = str(tmp_path / "string_ops.tflite")
    with open(path, "wb") as f:
        f.write(string_ops_model())
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
    cases = fuzz_mutations.cases_per_model()
    counts, failures = fuzz_mutations.run_cases(path, SEED, 0, cases)
    assert not failures, (f"fuzzing {os.path.basename(path)} with seed {SEED} failed {len(failures)} of {cases} "
                          f"cases ({counts}):\n" + "\n".join(str(f) for f in failures[:3]))
    assert counts["error"] > 0, f"no mutation of {os.path.basename(path)} was refused (seed {SEED}): {counts}"


# Inputs the fuzzer once found crashing or hanging edgelite (named <model>-seed<S>-case<N>-<kind>.tflite, the case
# that made them), each now an edgelite error or a run, in a child process so a regression is reported, not fatal.
REGRESSIONS = sorted(glob.glob(os.path.join(MODELS_DIR, fuzz_mutations.REGRESSIONS_DIR, "*.tflite")))
REGRESSION_CHILD = "import sys; sys.path.insert(0, sys.argv[1]); from fuzz_mutations import try_model; " \
                   "print(try_model(open(sys.argv[2], 'rb').read()))"


@pytest.mark.parametrize("path", REGRESSIONS, ids=os.path.basename)
def test_fuzz_regression_never_crashes(path):
    tests_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, "-c", REGRESSION_CHILD, tests_dir, path], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and result.stdout.strip() in ("error", "ran"), (
        f"{os.path.basename(path)}: exit {result.returncode}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
