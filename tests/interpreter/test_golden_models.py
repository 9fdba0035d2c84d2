"""Models made by TensorFlow's converter and shipped by MediaPipe give LiteRT's outputs.

Reference outputs were recorded from LiteRT's builtin kernels (XNNPACK off) by
tests/golden/make_golden_models.py; the live differential test below also runs LiteRT when installed."""

import os

import numpy as np
import pytest

import edgelite
from testutil import load_manifest, max_rel_error, model_path, requires_litert, run_interpreter

TOLERANCE = 1e-3  # relative to the output's largest magnitude, as the issue sets
MANIFEST = load_manifest()
MODELS = sorted(MANIFEST.get("models", {}).keys()) if isinstance(MANIFEST.get("models"), dict) else []


def _entries():
    models = MANIFEST.get("models", [])
    if isinstance(models, dict):
        models = [dict(v, path=k) if "path" not in v else v for k, v in models.items()]
    return [m for m in models if os.path.exists(model_path(m["path"]))]


ENTRIES = _entries()
IDS = [m["path"] for m in ENTRIES]


def _run(path, inputs, num_threads=1):
    interp = run_interpreter(edgelite.Interpreter(model_path=path, num_threads=num_threads), inputs)
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()]


@pytest.mark.skipif(not ENTRIES, reason="no golden models committed")
@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_matches_recorded_litert_outputs(entry):
    path = model_path(entry["path"])
    ref_path = os.path.splitext(path)[0] + ".io.npz"
    if not os.path.exists(ref_path):
        pytest.skip("no recorded outputs for this model")
    ref = np.load(ref_path)
    inputs = [ref[f"input_{i}"] for i in range(sum(1 for k in ref.files if k.startswith("input_")))]
    outputs = _run(path, inputs)
    n_out = sum(1 for k in ref.files if k.startswith("output_"))
    assert len(outputs) == n_out
    for i, out in enumerate(outputs):
        expected = ref[f"output_{i}"]
        assert out.shape == expected.shape, f"output {i}"
        err = max_rel_error(out, expected)
        assert err <= TOLERANCE, f"output {i}: max relative error {err:.2e}"


@pytest.mark.skipif(not ENTRIES, reason="no golden models committed")
@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_multithreaded_matches_single_threaded(entry):
    path = model_path(entry["path"])
    interp = edgelite.Interpreter(model_path=path)
    rng = np.random.default_rng(7)
    inputs = [rng.uniform(-1, 1, size=tuple(d["shape"])).astype(d["dtype"]) for d in interp.get_input_details()]
    one = _run(path, inputs, 1)
    two = _run(path, inputs, 2)
    for a, b in zip(one, two):
        assert max_rel_error(b, a) <= 1e-5


@requires_litert
@pytest.mark.skipif(not ENTRIES, reason="no golden models committed")
@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_differential_against_litert(entry):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    path = model_path(entry["path"])
    theirs = Interpreter(model_path=path, num_threads=1,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    theirs.allocate_tensors()
    rng = np.random.default_rng(11)
    inputs = [rng.uniform(0, 1, size=tuple(d["shape"])).astype(d["dtype"]) for d in theirs.get_input_details()]
    for d, x in zip(theirs.get_input_details(), inputs):
        theirs.set_tensor(d["index"], x)
    theirs.invoke()
    expected = [theirs.get_tensor(d["index"]) for d in theirs.get_output_details()]
    ours = _run(path, inputs)
    for i, (a, b) in enumerate(zip(ours, expected)):
        assert max_rel_error(a, b) <= TOLERANCE, f"output {i}"


@pytest.mark.skipif(not ENTRIES, reason="no golden models committed")
@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_inspect_works(entry, capsys):
    from edgelite.cli import main
    assert main(["inspect", model_path(entry["path"])]) == 0
    out = capsys.readouterr().out
    assert "subgraph 0" in out
    assert "all operators are supported" in out
