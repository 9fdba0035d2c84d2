"""Control-flow models made by TensorFlow's converter (tests/models/tf_control: tf.while_loop, tf.cond, both
nested, tf.Variable state, Keras 3 LSTM / GRU / SimpleRNN stacks) give LiteRT's outputs within 1e-5 relative.

The recorded references come from tests/golden/make_control_flow_models.py: every model has several cases run in
order on one interpreter (trip counts 0 and up, either branch, state carried from invoke to invoke). The live
test runs LiteRT the same way when it is installed."""

import json
import os
import sys

import numpy as np
import pytest

import edgelite
from testutil import max_rel_error, model_path, requires_litert

# The cases run exactly as the generator ran them in LiteRT (one interpreter, in order, resized as needed).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden"))
from make_control_flow_models import litert_interpreter, run_cases  # noqa: E402

TOLERANCE = 1e-5  # relative to each output's largest magnitude
MANIFEST_PATH = model_path("tf_control", "manifest.json")
ENTRIES = json.load(open(MANIFEST_PATH))["models"] if os.path.exists(MANIFEST_PATH) else []
IDS = [os.path.basename(e["path"])[:-len(".tflite")] for e in ENTRIES]


def recorded_cases(entry):
    ref = np.load(model_path(entry["reference"]["file"]))
    cases = []
    for k in range(len(entry["cases"])):
        def arrays(kind):
            keys = sorted((key for key in ref.files if key.startswith(f"case{k}_{kind}_")),
                          key=lambda key: int(key.rsplit("_", 1)[1]))
            return [ref[key] for key in keys]
        cases.append((arrays("input"), arrays("output")))
    return cases


def assert_close(ours, theirs, what):
    assert len(ours) == len(theirs), what
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert a.shape == b.shape and a.dtype == b.dtype, f"{what}, output {i}: {a.dtype}{a.shape} vs {b.dtype}{b.shape}"
        err = max_rel_error(a, b)
        assert err <= TOLERANCE, f"{what}, output {i}: max relative error {err:.2e}"


def test_models_are_committed():
    assert len(ENTRIES) >= 8
    ops = {op for e in ENTRIES for op in e["op_counts"]}
    assert {"WHILE", "IF", "CALL_ONCE", "VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE"} <= ops


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_matches_recorded_litert_outputs(entry):
    cases = recorded_cases(entry)
    ours = run_cases(edgelite.Interpreter(model_path=model_path(entry["path"])), [c[0] for c in cases])
    for k, (got, (_, expected)) in enumerate(zip(ours, cases)):
        assert_close(got, expected, f"case {k}")


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_two_threads_and_reference_kernels(entry):
    cases = recorded_cases(entry)
    inputs = [c[0] for c in cases]
    one = run_cases(edgelite.Interpreter(model_path=model_path(entry["path"])), inputs)
    for kwargs in ({"num_threads": 2}, {"experimental_op_resolver_type": edgelite.OpResolverType.BUILTIN_REF}):
        other = run_cases(edgelite.Interpreter(model_path=model_path(entry["path"]), **kwargs), inputs)
        for k, (a, b) in enumerate(zip(other, one)):
            assert_close(a, b, f"{kwargs}, case {k}")


@requires_litert
@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_differential_against_litert(entry):
    path = model_path(entry["path"])
    rng = np.random.default_rng(41)
    # Fresh inputs: the recorded ones scaled by 0.5 to 1.5 per element (signs kept, so a loop that runs until a
    # value grows past a bound still ends); integer trip counts and flags as recorded.
    cases = []
    for inputs, _ in recorded_cases(entry):
        cases.append([x * rng.uniform(0.5, 1.5, x.shape).astype(x.dtype) if x.dtype.kind == "f" else x for x in inputs])
    theirs = run_cases(litert_interpreter(path), cases)
    ours = run_cases(edgelite.Interpreter(model_path=path), cases)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        assert_close(a, b, f"case {k}")


def test_stateful_model_starts_over_in_a_new_interpreter():
    entry = next(e for e in ENTRIES if e["stateful"])
    cases = recorded_cases(entry)
    interp = edgelite.Interpreter(model_path=model_path(entry["path"]))
    first = run_cases(interp, [cases[0][0]])[0]
    again = run_cases(interp, [cases[0][0]])[0]  # state carried: differs from the first invoke
    assert any(not np.array_equal(a, b) for a, b in zip(first, again))
    fresh = run_cases(edgelite.Interpreter(model_path=model_path(entry["path"])), [cases[0][0]])[0]
    assert_close(fresh, cases[0][1], "fresh interpreter, case 0")
