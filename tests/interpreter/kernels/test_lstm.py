"""LSTM: the FULL kernel (one step of the 24-input cell, its state carried from invoke to invoke) against the
NumPy reference and LiteRT, float and dynamic range; the BASIC kernel (5 inputs, 4 outputs, the previous output
and state written back) against NumPy and LiteRT; prepare failures."""

import contextlib

import numpy as np
import pytest

import edgelite
from kernel_twins import reference_kernels
from litert_builtin import requires_litert
from lstm_cases import lstm_options, split_variant, unidirectional_inputs
from lstm_reference import lstm_sequence, make_params, quantize_params
from sequence_models import (Runtime, Var, assert_close_relative, assert_hybrid_close, run_invokes, sigmoid,
                             stateful_model)

FULL_VARIANTS = ["plain", "peephole", "projection", "projection_clip", "layer_norm", "cifg",
                 "cifg_peephole_layer_norm_projection", "cell_clip"]


def full_case(variant, *, batch=3, n_input=5, n_cell=6, seed=0, hybrid=False, asymmetric=False, steps=3):
    rng = np.random.default_rng(seed)
    kwargs, extra = split_variant(variant)
    p = make_params(rng, n_input, n_cell, **kwargs)
    if hybrid:
        p = quantize_params(p)
    xs = [rng.uniform(-1, 1, (batch, n_input)).astype(np.float32) for _ in range(steps)]
    options = lstm_options(asymmetric=asymmetric, kernel_type="FULL", **extra)
    model = stateful_model("LSTM", unidirectional_inputs(p, xs[0], batch), options, version=4 if hybrid else 1)
    step = {"cell_clip": extra.get("cell_clip", 0.0), "proj_clip": extra.get("proj_clip", 0.0),
            "hybrid": asymmetric if hybrid else None}
    return model, xs, p, step


def expected_steps(p, xs, step):
    """One invoke per input, the state carried over: the reference run as a time-major sequence of them."""
    out, _, _ = lstm_sequence(p, np.stack(xs), time_major=True, **step)
    return list(out)


@pytest.mark.parametrize("variant", FULL_VARIANTS)
def test_full_matches_numpy(variant):
    model, xs, p, step = full_case(variant)
    expected = expected_steps(p, xs, step)
    for kernels in (contextlib.nullcontext(), reference_kernels()):
        with kernels:
            got = run_invokes(model, [[x] for x in xs])
        for k in range(len(xs)):
            assert_close_relative(got[k][0], expected[k], 1e-5, f"{variant} invoke {k + 1}")


@requires_litert
@pytest.mark.parametrize("variant", FULL_VARIANTS)
def test_full_matches_litert(variant):
    model, xs, _, _ = full_case(variant, seed=4)
    ours = run_invokes(model, [[x] for x in xs])
    theirs = run_invokes(model, [[x] for x in xs], runtime="litert", resolver="builtin")
    for k in range(len(xs)):
        assert_close_relative(ours[k][0], theirs[k][0], 1e-5, f"{variant} invoke {k + 1}")


@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
@pytest.mark.parametrize("variant", ["plain", "peephole", "projection", "layer_norm", "cifg"])
def test_full_hybrid(variant, asymmetric):
    model, xs, p, step = full_case(variant, hybrid=True, asymmetric=asymmetric, seed=8)
    expected = expected_steps(p, xs, step)
    got = run_invokes(model, [[x] for x in xs])
    for k in range(len(xs)):
        assert_hybrid_close(got[k][0], expected[k], f"{variant} invoke {k + 1}")


@requires_litert
@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
def test_full_hybrid_matches_litert_reference(asymmetric):
    for variant in ("plain", "peephole", "projection", "layer_norm"):
        model, xs, _, _ = full_case(variant, hybrid=True, asymmetric=asymmetric, seed=9)
        ours = run_invokes(model, [[x] for x in xs])
        theirs = run_invokes(model, [[x] for x in xs], runtime="litert", resolver="reference")
        for k in range(len(xs)):
            assert_hybrid_close(ours[k][0], theirs[k][0], f"{variant} invoke {k + 1}")


def test_full_refuses_diagonal_recurrent_weights():
    model, xs, _, _ = full_case("diagonal")
    with pytest.raises(edgelite.EdgeliteError, match="are 1-D; this operator takes"):
        run_invokes(model, [[xs[0]]])


# ---- BASIC ----

def basic_case(batch=2, depth=3, units=4, seed=0):
    rng = np.random.default_rng(seed)
    w = rng.uniform(-0.5, 0.5, (4 * units, depth + units)).astype(np.float32)
    b = rng.uniform(-0.5, 0.5, 4 * units).astype(np.float32)
    xs = [rng.uniform(-1, 1, (batch, depth)).astype(np.float32) for _ in range(3)]
    inputs = [Runtime(xs[0]), Var([batch, units]), w, b, Var([batch, units])]
    model = stateful_model("LSTM", inputs, {"kernel_type": "BASIC", "fused_activation_function": "TANH"},
                           num_outputs=4, version=2)
    return model, xs, w, b


def basic_reference(xs, w, b):
    units = w.shape[0] // 4
    h = np.zeros((xs[0].shape[0], units))
    c = np.zeros_like(h)
    outs = []
    for x in xs:
        concat = np.concatenate([x, h], axis=1)
        gates = concat @ w.T.astype(np.float64) + b
        i, g, f, o = (gates[:, k * units:(k + 1) * units] for k in range(4))
        c = sigmoid(i) * np.tanh(g) + sigmoid(f) * c
        h = sigmoid(o) * np.tanh(c)
        outs.append([h, c, concat, gates])
    return outs


def test_basic_matches_numpy():
    model, xs, w, b = basic_case()
    got = run_invokes(model, [[x] for x in xs])
    for k, expected in enumerate(basic_reference(xs, w, b)):
        for name, a, e in zip(("output", "state", "concat", "gates"), got[k], expected):
            assert_close_relative(a, e, 1e-5, f"invoke {k + 1} {name}")


@requires_litert
def test_basic_matches_litert():
    model, xs, _, _ = basic_case(seed=3)
    ours = run_invokes(model, [[x] for x in xs])
    theirs = run_invokes(model, [[x] for x in xs], runtime="litert", resolver="builtin")
    for k in range(len(xs)):
        for a, e in zip(ours[k], theirs[k]):
            assert_close_relative(a, e, 1e-5, f"invoke {k + 1}")


def test_basic_prepare_failures():
    model = stateful_model("LSTM", [Runtime(np.zeros((2, 3), np.float32)), np.zeros((2, 4), np.float32),
                                    np.zeros((16, 7), np.float32), np.zeros(16, np.float32), Var([2, 4])],
                           {"kernel_type": "BASIC"}, num_outputs=4, version=2)
    with pytest.raises(edgelite.EdgeliteError, match="writes the new output and state back"):
        run_invokes(model, [[np.zeros((2, 3), np.float32)]])
    model = stateful_model("LSTM", [Runtime(np.zeros((2, 3), np.float32)), Var([2, 4]),
                                    np.zeros((16, 6), np.float32), np.zeros(16, np.float32), Var([2, 4])],
                           {"kernel_type": "BASIC"}, num_outputs=4, version=2)
    with pytest.raises(edgelite.EdgeliteError, match=r"weights 'const2' has shape \[16, 6\], expected \[16, 7\]"):
        run_invokes(model, [[np.zeros((2, 3), np.float32)]])
