"""Recurrent models made by TensorFlow's converter from tf_keras layers (tests/models/tf_seq/, made by
tests/golden/make_sequence_models.py; tests/models/README.md) give LiteRT's answers: the fused
UNIDIRECTIONAL_SEQUENCE_LSTM alone, returning its last step, stacked, bidirectional (REVERSE_V2 and
CONCATENATION around the backward one) and with dynamic-range weights, and SimpleRNN (a WHILE loop). Each was
recorded over successive invokes of one interpreter; the LSTM state carries from one to the next, so the later
invokes check it, and reset_all_variables brings back the first invoke's answer."""

import json
import os

import numpy as np
import pytest

import edgelite
from testutil import model_path, requires_litert

# Float models: within 1e-5 of the output's largest magnitude (the criterion); measured at most 4e-7.
# Dynamic range: LiteRT's reference kernels' answer; measured 2.2e-7, no on-the-fly rounding flipped. A flip
# (a float sum in another order putting a quantized state one step over) moves outputs by about
# max|h|/127 * |w|, some 1e-3 of the output: 1e-4 would catch it, to be looked at rather than allowed.
FLOAT_TOLERANCE = 1e-5
DYNAMIC_TOLERANCE = 1e-4

_MANIFEST_PATH = model_path("tf_seq", "manifest.json")
MANIFEST = json.load(open(_MANIFEST_PATH)) if os.path.exists(_MANIFEST_PATH) else {}
ENTRIES = [m for m in MANIFEST.get("models", []) if os.path.exists(model_path(m["path"]))]


def _params():
    return [pytest.param(e, id=os.path.splitext(os.path.basename(e["path"]))[0]) for e in ENTRIES] or [
        pytest.param(None, id="none", marks=pytest.mark.skip(reason="no recurrent golden models committed"))]


def _tolerance(entry):
    dynamic = any("weights=int8" in v for v in entry["op_variants"])
    return DYNAMIC_TOLERANCE if dynamic else FLOAT_TOLERANCE


def _reference(entry):
    return np.load(model_path(entry["reference"]["file"]))


def _relative_error(actual, expected):
    expected = np.asarray(expected, np.float64)
    return float(np.max(np.abs(np.asarray(actual, np.float64) - expected)) / max(np.max(np.abs(expected)), 1e-30))


def _invoke_all(interp, ref, n_inputs, invokes):
    outs = []
    for k in range(invokes):
        for i, d in enumerate(interp.get_input_details()[:n_inputs]):
            interp.set_tensor(d["index"], ref[f"input_{i}"][k])
        interp.invoke()
        outs.append([interp.get_tensor(d["index"]).copy() for d in interp.get_output_details()])
    return outs


def test_manifest_lists_models():
    assert ENTRIES, "no recurrent golden models found"
    ops = set().union(*(e["ops"] for e in ENTRIES))
    assert {"UNIDIRECTIONAL_SEQUENCE_LSTM", "REVERSE_V2", "WHILE"} <= ops
    assert any("weights=int8" in v for e in ENTRIES for v in e["op_variants"])


@pytest.mark.parametrize("reference_kernels", [False, True], ids=["default", "builtin_ref"])
@pytest.mark.parametrize("entry", _params())
def test_matches_litert_over_invokes(entry, reference_kernels):
    ref = _reference(entry)
    kwargs = {"experimental_op_resolver_type": edgelite.OpResolverType.BUILTIN_REF} if reference_kernels else {}
    interp = edgelite.Interpreter(model_path=model_path(entry["path"]), **kwargs)
    interp.allocate_tensors()
    invokes = entry["reference"]["invokes"]
    outs = _invoke_all(interp, ref, len(entry["inputs"]), invokes)
    tolerance = _tolerance(entry)
    for k in range(invokes):
        for i in range(len(entry["outputs"])):
            for suffix in ("", "_builtin"):
                err = _relative_error(outs[k][i], ref[f"output_{i}{suffix}"][k])
                assert err <= tolerance, f"invoke {k + 1} output {i} vs LiteRT{suffix}: {err:.3g} of the range"
    # The fused LSTM's state carries over (the invokes' answers differ); SimpleRNN's WHILE loop starts from zero
    # each time. A reset gives the first answer again either way.
    differ = _relative_error(ref["output_0"][1], ref["output_0"][0]) > 1e-3
    assert differ == entry["reference"]["state_across_invokes"]
    interp.reset_all_variables()
    again = _invoke_all(interp, ref, len(entry["inputs"]), 1)[0]
    assert _relative_error(again[0], ref["output_0"][0]) <= tolerance


@requires_litert
@pytest.mark.parametrize("entry", _params())
def test_live_against_litert(entry):
    """The same inputs through LiteRT now (the installed version), and a fresh input."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    ref = _reference(entry)
    rng = np.random.default_rng(7)
    feeds = {f"input_{i}": rng.uniform(-1, 1, ref[f"input_{i}"].shape).astype(np.float32)
             for i in range(len(entry["inputs"]))}
    theirs = Interpreter(model_path=model_path(entry["path"]),
                         experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    theirs.allocate_tensors()
    ours = edgelite.Interpreter(model_path=model_path(entry["path"]))
    ours.allocate_tensors()
    invokes = entry["reference"]["invokes"]
    a = _invoke_all(ours, feeds, len(entry["inputs"]), invokes)
    b = _invoke_all(theirs, feeds, len(entry["inputs"]), invokes)
    for k in range(invokes):
        for i in range(len(entry["outputs"])):
            assert _relative_error(a[k][i], b[k][i]) <= _tolerance(entry)
