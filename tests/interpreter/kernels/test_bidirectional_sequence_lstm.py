"""BIDIRECTIONAL_SEQUENCE_LSTM against the NumPy reference (a forward and a backward lstm_reference pass) and
LiteRT: merged and separate outputs, time- and batch-major, peephole, projection, CIFG, the auxiliary input
with weights (cross links) and without (the backward cell's input), float and dynamic range, the state carried
across invokes, prepare failures."""

import contextlib

import numpy as np
import pytest

import edgelite
from kernel_twins import reference_kernels
from litert_builtin import requires_litert
from lstm_cases import bidirectional_inputs, lstm_options, split_variant
from lstm_reference import lstm_sequence, make_params, quantize_params
from sequence_models import assert_close_relative, assert_hybrid_close, run_invokes, stateful_model

OP = "BIDIRECTIONAL_SEQUENCE_LSTM"
VARIANTS = ["plain", "peephole", "projection", "cifg", "cell_clip"]


def case(variant, *, merge=True, time_major=True, aux=None, batch=2, steps=4, n_input=5, seed=0, hybrid=False,
         asymmetric=False, same_sizes=False):
    """aux: None, "cross" (auxiliary input and weights) or "backward" (auxiliary input only). The backward cell
    is one narrower than the forward one unless same_sizes (LiteRT checks both cells against the forward's
    sizes)."""
    rng = np.random.default_rng(seed)
    kwargs, extra = split_variant(variant)
    n_aux = 3 if aux == "cross" else 0
    fw = make_params(rng, n_input, 6, n_aux=n_aux, **kwargs)
    kwargs_bw = dict(kwargs, n_output=kwargs["n_output"] - 1) if "n_output" in kwargs and not same_sizes else kwargs
    bw = make_params(rng, n_input, 6 if same_sizes else 5, n_aux=n_aux, **kwargs_bw)
    if hybrid:
        fw, bw = quantize_params(fw), quantize_params(bw)
    shape = (steps, batch) if time_major else (batch, steps)
    x = rng.uniform(-1, 1, shape + (n_input,)).astype(np.float32)
    aux_x = None
    if aux:
        aux_x = rng.uniform(-1, 1, shape + (n_aux if aux == "cross" else n_input,)).astype(np.float32)
    options = lstm_options(asymmetric=asymmetric, merge_outputs=merge, time_major=time_major, **extra)
    model = stateful_model(OP, bidirectional_inputs(fw, bw, x, batch, aux_x), options, num_outputs=1 if merge else 2,
                           version=3 if hybrid else 1)
    step = {"cell_clip": extra.get("cell_clip", 0.0), "proj_clip": extra.get("proj_clip", 0.0),
            "hybrid": asymmetric if hybrid else None}
    feeds = [x] if aux_x is None else [x, aux_x]
    return model, feeds, (fw, bw, x, aux_x, aux), step


def expected(params, time_major, merge, step, states=None):
    fw, bw, x, aux_x, aux = params
    states = states or [None] * 4
    cross = aux_x if aux == "cross" else None
    out_fw, h_fw, c_fw = lstm_sequence(fw, x, time_major=time_major, aux=cross, h0=states[0], c0=states[1], **step)
    bw_input = aux_x if aux == "backward" else x
    out_bw, h_bw, c_bw = lstm_sequence(bw, bw_input, time_major=time_major, forward=False, aux=cross, h0=states[2],
                                       c0=states[3], **step)
    outputs = [np.concatenate([out_fw, out_bw], axis=-1)] if merge else [out_fw, out_bw]
    return outputs, [h_fw, c_fw, h_bw, c_bw]


@pytest.mark.parametrize("aux", [None, "cross", "backward"], ids=["no_aux", "aux_cross", "aux_backward"])
@pytest.mark.parametrize("time_major", [True, False], ids=["time_major", "batch_major"])
@pytest.mark.parametrize("merge", [True, False], ids=["merged", "separate"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_float_matches_numpy(variant, merge, time_major, aux):
    model, feeds, params, step = case(variant, merge=merge, time_major=time_major, aux=aux)
    first, states = expected(params, time_major, merge, step)
    second, _ = expected(params, time_major, merge, step, states)
    for kernels in (contextlib.nullcontext(), reference_kernels()):
        with kernels:
            got = run_invokes(model, [feeds, feeds])
        for k, want in enumerate((first, second)):
            assert len(got[k]) == len(want)
            for a, e in zip(got[k], want):
                assert_close_relative(a, e, 1e-5, f"{variant} invoke {k + 1}")


@requires_litert
@pytest.mark.parametrize("aux", [None, "cross", "backward"], ids=["no_aux", "aux_cross", "aux_backward"])
@pytest.mark.parametrize("time_major", [True, False], ids=["time_major", "batch_major"])
@pytest.mark.parametrize("merge", [True, False], ids=["merged", "separate"])
def test_float_matches_litert(merge, time_major, aux):
    # LiteRT's batch-major merged kernel offsets its state rows by the merged width: it is right for batch 1 only.
    batch = 1 if merge and not time_major else 2
    for variant in ("peephole", "projection"):
        model, feeds, _, _ = case(variant, merge=merge, time_major=time_major, aux=aux, batch=batch, seed=5,
                                          same_sizes=True)
        ours = run_invokes(model, [feeds, feeds])
        theirs = run_invokes(model, [feeds, feeds], runtime="litert", resolver="builtin")
        for k in range(2):
            for a, e in zip(ours[k], theirs[k]):
                assert_close_relative(a, e, 1e-5, f"{variant} invoke {k + 1}")


@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
@pytest.mark.parametrize("aux", [None, "cross"], ids=["no_aux", "aux_cross"])
def test_hybrid_matches_numpy(aux, asymmetric):
    for variant in ("plain", "peephole", "projection", "cifg"):
        model, feeds, params, step = case(variant, aux=aux, hybrid=True, asymmetric=asymmetric, seed=2)
        want, _ = expected(params, True, True, step)
        assert_hybrid_close(run_invokes(model, [feeds])[0][0], want[0], variant)


@requires_litert
@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
@pytest.mark.parametrize("aux", [None, "cross", "backward"], ids=["no_aux", "aux_cross", "aux_backward"])
def test_hybrid_matches_litert_reference(aux, asymmetric):
    for variant in ("plain", "projection"):
        model, feeds, _, _ = case(variant, merge=False, aux=aux, hybrid=True, asymmetric=asymmetric, seed=6,
                                          same_sizes=True)
        ours = run_invokes(model, [feeds, feeds])
        theirs = run_invokes(model, [feeds, feeds], runtime="litert", resolver="reference")
        for k in range(2):
            for a, e in zip(ours[k], theirs[k]):
                assert_hybrid_close(a, e, f"{variant} invoke {k + 1}")


def test_prepare_failures():
    model, feeds, _, _ = case("plain", merge=False)
    b = stateful_model(OP, [None] * 3, lstm_options(merge_outputs=True))
    with pytest.raises(edgelite.EdgeliteError, match="expects 48 inputs, got 3"):
        run_invokes(b, [[]])
    # One cell with auxiliary weights, the other without.
    rng = np.random.default_rng(0)
    fw = make_params(rng, 5, 6, n_aux=3)
    bw = make_params(rng, 5, 6)
    x = rng.uniform(-1, 1, (4, 2, 5)).astype(np.float32)
    aux = rng.uniform(-1, 1, (4, 2, 3)).astype(np.float32)
    m = stateful_model(OP, bidirectional_inputs(fw, bw, x, 2, aux), lstm_options(merge_outputs=True))
    with pytest.raises(edgelite.EdgeliteError, match="one cell only"):
        run_invokes(m, [[x, aux]])
    wrong = rng.uniform(-1, 1, (3, 2, 3)).astype(np.float32)
    fw["waux"] = [None] * 4
    m = stateful_model(OP, bidirectional_inputs(fw, bw, x, 2, wrong), lstm_options(merge_outputs=True))
    with pytest.raises(edgelite.EdgeliteError, match="must match the input's"):
        run_invokes(m, [[x, wrong]])
