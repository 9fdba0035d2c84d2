"""Quantized models made by TensorFlow's converter give LiteRT's reference-kernel answers, exactly.

tests/golden/make_quant_models.py converted them (int8 with float or int8 I/O, int16x8, dynamic range) and
recorded, for two seeded inputs each, LiteRT's outputs under three op resolvers: BUILTIN_REF (its reference
kernels, the normative answer), BUILTIN (its optimized kernels) and XNNPACK. tests/models/README.md and
tests/models/tf_quant/manifest.json describe them; WORKLIST.md there lists the operators and dtypes."""

import json
import os

import numpy as np
import pytest

import edgelite
from testutil import model_path, requires_litert

# Dynamic-range (hybrid) models run float kernels between int8 matrix products whose inputs are quantized
# on the fly, so the order of float sums shows in the output. LiteRT's optimized kernels differ from its
# reference kernels by at most 6.7e-7 of the output's largest magnitude on these models (manifest:
# reference.differences.builtin_vs_ref): float rounding, no on-the-fly rounding flipped. 1e-3, the float
# golden models' tolerance, leaves room for kernels that sum in another order and so flip a few on-the-fly
# roundings by one step (each moves an output by about max|x|/127 * |w|, far below 1e-3 of the output).
DYNAMIC_TOLERANCE = 1e-3
# Against LiteRT's optimized and XNNPACK kernels an integer model may differ by one quantization step, or by
# as many steps as those kernels differ from BUILTIN_REF on the recorded inputs if that is more (up to 6
# here: rounding differences compound through the layers); against BUILTIN_REF it must be exact. XNNPACK
# quantizes hybrid inputs its own way (up to 2e-2 relative, mobilenet_v3_small_050_96_dynamic), so there a
# dynamic-range model gets twice the recorded difference, at least DYNAMIC_TOLERANCE.

_MANIFEST_PATH = model_path("tf_quant", "manifest.json")
MANIFEST = json.load(open(_MANIFEST_PATH)) if os.path.exists(_MANIFEST_PATH) else {}
ENTRIES = [m for m in MANIFEST.get("models", []) if os.path.exists(model_path(m["path"]))]
RUNNABLE = [m for m in ENTRIES if m.get("litert_runs")]
UNRUNNABLE = [m for m in ENTRIES if not m.get("litert_runs")]
# The full-size (224x224) benchmark MobileNets: LiteRT's reference kernels take 50-300 ms per invoke on them,
# so the live differential and the two-thread runs are marked slow; the recorded references stay in.
HEAVY_ARCHITECTURES = {"mobilenet_v2", "mobilenet_v3_small"}


def _name(entry):
    return os.path.splitext(os.path.basename(entry["path"]))[0]


def _params(entries, heavy_is_slow=False):
    out = []
    for e in entries:
        heavy = e["source"]["architecture"] in HEAVY_ARCHITECTURES
        out.append(pytest.param(e, id=_name(e), marks=[pytest.mark.slow] if heavy and heavy_is_slow else []))
    return out or [pytest.param(None, id="none", marks=pytest.mark.skip(reason="no quantized models committed"))]


def _is_dynamic(entry):
    return entry["source"]["mode"] == "dynamic"


def _run(path, inputs, num_threads=1):
    """edgelite's outputs for one sample (inputs without the sample axis)."""
    interp = edgelite.Interpreter(model_path=path, num_threads=num_threads)
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    return [np.array(interp.get_tensor(d["index"])) for d in interp.get_output_details()]


def _reference(entry):
    ref = np.load(model_path(entry["reference"]["file"]))
    n_in = len(entry["inputs"])
    inputs = [ref[f"input_{k}"] for k in range(n_in)]
    return ref, inputs


_OURS = {}


def _ours(entry):
    """edgelite's outputs on the recorded inputs, per sample (run once per model for the tests below)."""
    key = entry["path"]
    if key not in _OURS:
        ref, inputs = _reference(entry)
        path = model_path(entry["path"])
        _OURS[key] = [_run(path, [x[s] for x in inputs]) for s in range(inputs[0].shape[0])]
    return _OURS[key]


def _steps(actual, expected, out):
    """Max |actual - expected| in quantization steps of output `out` (manifest entry)."""
    if np.asarray(expected).dtype.kind in "iu":
        return float(np.max(np.abs(actual.astype(np.int64) - expected.astype(np.int64))))
    return float(np.max(np.abs(actual.astype(np.float64) - expected.astype(np.float64)))) / out["step"]


def _relative(actual, expected):
    expected = np.asarray(expected, np.float64)
    return float(np.max(np.abs(np.asarray(actual, np.float64) - expected))) / max(float(np.max(np.abs(expected))),
                                                                               1e-30)


def _assert_equal_output(actual, expected, out, what):
    assert actual.dtype == expected.dtype, f"{what}: dtype {actual.dtype}, expected {expected.dtype}"
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, expected {expected.shape}"
    if not np.array_equal(actual, expected):
        bad = int(np.sum(actual != expected))
        pytest.fail(f"{what}: {bad} of {expected.size} values differ from LiteRT's reference kernels, "
                    f"by up to {_steps(actual, expected, out):g} quantization steps")


@pytest.mark.parametrize("entry", _params(ENTRIES))
def test_io_details_match_manifest(entry):
    """Inputs and outputs have the dtypes, shapes and quantization TensorFlow's converter gave them."""
    interp = edgelite.Interpreter(model_path=model_path(entry["path"]))
    for kind, details, declared in (("input", interp.get_input_details(), entry["inputs"]),
                                    ("output", interp.get_output_details(), entry["outputs"])):
        assert len(details) == len(declared), kind
        for k, (d, m) in enumerate(zip(details, declared)):
            what = f"{kind} {k} ({m['name']})"
            assert d["name"] == m["name"], what
            assert np.dtype(d["dtype"]).name == m["dtype"], what
            assert list(d["shape"]) == m["shape"], what
            q = m.get("quantization")
            if q is None:
                assert d["quantization"] == (0.0, 0), what
                assert d["quantization_parameters"]["scales"].size == 0, what
            else:
                scale, zero_point = d["quantization"]
                assert np.float32(scale) == np.float32(q["scale"]) and zero_point == q["zero_point"], what
                qp = d["quantization_parameters"]
                assert qp["scales"].tolist() == [np.float32(q["scale"])], what
                assert qp["zero_points"].tolist() == [q["zero_point"]], what


@pytest.mark.parametrize("entry", _params(RUNNABLE))
def test_matches_litert_reference_kernels(entry):
    """Integer models: exactly LiteRT's BUILTIN_REF outputs. Dynamic range: within DYNAMIC_TOLERANCE."""
    ref, _ = _reference(entry)
    for s, outputs in enumerate(_ours(entry)):
        assert len(outputs) == len(entry["outputs"])
        for k, (ours, out) in enumerate(zip(outputs, entry["outputs"])):
            expected = ref[f"output_{k}"][s]
            what = f"sample {s}, output {k}"
            if _is_dynamic(entry):
                assert ours.dtype == expected.dtype and ours.shape == expected.shape, what
                err = _relative(ours, expected)
                assert err <= DYNAMIC_TOLERANCE, f"{what}: max relative error {err:.2e}"
            else:
                _assert_equal_output(ours, expected, out, what)


@pytest.mark.parametrize("kernels", ["builtin", "xnnpack"])
@pytest.mark.parametrize("entry", _params(RUNNABLE))
def test_close_to_litert_optimized_kernels(entry, kernels):
    """Within one quantization step (or LiteRT's own spread) of its optimized and XNNPACK kernels."""
    ref, _ = _reference(entry)
    for s, outputs in enumerate(_ours(entry)):
        for k, (ours, out) in enumerate(zip(outputs, entry["outputs"])):
            theirs = ref[f"output_{k}_{kernels}"][s]
            measured = entry["reference"]["differences"][k][f"{kernels}_vs_ref"]
            what = f"sample {s}, output {k}, against LiteRT {kernels}"
            if _is_dynamic(entry):
                tol = max(DYNAMIC_TOLERANCE, 2 * measured)
                err = _relative(ours, theirs)
                assert err <= tol, f"{what}: max relative error {err:.2e} > {tol:.2e}"
            else:
                tol = max(1.0, measured)
                err = _steps(ours, theirs, out)
                assert err <= tol + 1e-6, f"{what}: {err:g} quantization steps > {tol:g}"


@pytest.mark.parametrize("entry", _params(RUNNABLE, heavy_is_slow=True))
def test_two_threads_give_the_same_answer(entry):
    """Integer kernels have no summation-order freedom: more threads must not change a single value."""
    ref, inputs = _reference(entry)
    path = model_path(entry["path"])
    one = _ours(entry)[0]
    two = _run(path, [x[0] for x in inputs], num_threads=2)
    for k, (a, b) in enumerate(zip(one, two)):
        if _is_dynamic(entry):
            assert _relative(b, a) <= DYNAMIC_TOLERANCE, f"output {k}"
        else:
            assert np.array_equal(a, b), f"output {k}: 2 threads differ from 1"


def _fresh_inputs(entry, details, seed):
    """New inputs from the model's recorded input distribution; integer inputs quantized as an app would."""
    dist = entry["reference"]["input_distribution"]
    rng = np.random.default_rng(seed)
    lo, hi, levels = dist["low"], dist["high"], dist["levels"]
    out = []
    for d in details:
        shape = tuple(int(v) for v in d["shape"])
        if levels:
            x = (lo + rng.integers(0, levels, size=shape) * ((hi - lo) / (levels - 1))).astype(np.float32)
        else:
            x = rng.uniform(lo, hi, size=shape).astype(np.float32)
        dt = np.dtype(d["dtype"])
        if dt.kind in "iu":
            scale, zero_point = d["quantization"]
            x = np.clip(np.round(x / scale) + zero_point, np.iinfo(dt).min, np.iinfo(dt).max)
        out.append(x.astype(dt))
    return out


@requires_litert
@pytest.mark.parametrize("entry", _params(RUNNABLE, heavy_is_slow=True))
def test_differential_against_litert_reference_kernels(entry):
    """Fresh inputs, LiteRT's BUILTIN_REF kernels run now: the same answer."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    path = model_path(entry["path"])
    theirs = Interpreter(model_path=path, num_threads=1,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    theirs.allocate_tensors()
    for seed in (21, 22):
        inputs = _fresh_inputs(entry, theirs.get_input_details(), seed)
        for d, x in zip(theirs.get_input_details(), inputs):
            theirs.set_tensor(d["index"], x)
        theirs.invoke()
        expected = [np.array(theirs.get_tensor(d["index"])) for d in theirs.get_output_details()]
        ours = _run(path, inputs)
        for k, (a, b, out) in enumerate(zip(ours, expected, entry["outputs"])):
            what = f"seed {seed}, output {k}"
            if _is_dynamic(entry):
                assert _relative(a, b) <= DYNAMIC_TOLERANCE, what
            else:
                _assert_equal_output(a, b, out, what)


@pytest.mark.parametrize("entry", _params(UNRUNNABLE))
def test_model_litert_cannot_run_fails_cleanly(entry):
    """TensorFlow made it, LiteRT refuses it (see the manifest's litert_error): no answer to check, but
    edgelite must either run it or refuse it with an edgelite error, never crash."""
    try:
        interp = edgelite.Interpreter(model_path=model_path(entry["path"]))
        interp.allocate_tensors()
        for d in interp.get_input_details():
            interp.set_tensor(d["index"], np.zeros(d["shape"], d["dtype"]))
        interp.invoke()
    except edgelite.EdgeliteError:
        pass
