"""RNN, UNIDIRECTIONAL_SEQUENCE_RNN and BIDIRECTIONAL_SEQUENCE_RNN against a NumPy reference (the loop over
time written out) and LiteRT: activations, time- and batch-major, the hidden state across invokes and
reset_all_variables, merged and separate bidirectional outputs, the auxiliary input (cross links, and as the
backward cell's input), float and dynamic range; prepare failures. LiteRT is compared where its kernels are
right (see rnn.cc: its bidirectional kernel mis-offsets a narrower auxiliary input, ignores the backward input in
batch-major order, and its dynamic-range time-major form crashes LiteRT 2.3)."""

import importlib.util

import numpy as np
import pytest

import edgelite
from litert_builtin import requires_litert
from integer_reference import f32
from sequence_models import (ACTIVATIONS, Const, Runtime, Var, assert_close_relative, assert_hybrid_close,
                             hybrid_matvec, interpreter, invoke, quantize_weights, run_invokes, stateful_model)

HAVE_LITERT = importlib.util.find_spec("ai_edge_litert") is not None


def rnn_sequence(cell, x, *, activation, time_major=True, forward=True, aux=None, h0=None, hybrid=None):
    """cell: (w, r, b, w_aux) float arrays, or (int8, scale) pairs for the matrices when hybrid (the flag
    asymmetric_quantize_inputs). x [time, batch, depth] when time_major, else [batch, time, depth]; a 2-D x is
    one step. Returns (outputs in x's layout, final h)."""
    w, r, b, w_aux = cell
    act = ACTIVATIONS[activation]
    single = x.ndim == 2
    xs = x[None] if single else (x if time_major else np.swapaxes(x, 0, 1))
    if aux is not None:
        aux = aux[None] if single else (aux if time_major else np.swapaxes(aux, 0, 1))
    steps, batch = xs.shape[:2]
    dt = np.float32 if hybrid is not None else np.float64
    units = b.shape[0]
    h = np.zeros((batch, units), dt) if h0 is None else np.array(h0, dt)
    out = np.zeros((steps, batch, units), dt)

    def product(m, v):
        return hybrid_matvec(m[0], m[1], v, hybrid) if hybrid is not None else m.astype(np.float64) @ v

    for bi in range(batch):
        for t in (range(steps) if forward else range(steps - 1, -1, -1)):
            acc = b.astype(dt)
            acc = (acc + product(w, xs[t, bi])).astype(dt)
            if aux is not None and w_aux is not None:
                acc = (acc + product(w_aux, aux[t, bi])).astype(dt)
            acc = (acc + product(r, h[bi])).astype(dt)
            h[bi] = act(acc)
            out[t, bi] = h[bi]
    if single:
        return out[0], h
    return (out if time_major else np.swapaxes(out, 0, 1)), h


def make_cell(rng, depth, units, aux_depth=0, hybrid=False):
    w = f32(rng.uniform(-0.6, 0.6, (units, depth)))
    r = f32(rng.uniform(-0.4, 0.4, (units, units)))
    b = f32(rng.uniform(-0.3, 0.3, units))
    w_aux = f32(rng.uniform(-0.6, 0.6, (units, aux_depth))) if aux_depth else None
    if hybrid:
        return (quantize_weights(w), quantize_weights(r), b, quantize_weights(w_aux) if aux_depth else None)
    return w, r, b, w_aux


def as_input(m):
    if m is None:
        return None
    return Const(m[0], (float(m[1]), 0)) if isinstance(m, tuple) else m


def options(activation, asymmetric, **extra):
    return {"fused_activation_function": activation, "asymmetric_quantize_inputs": asymmetric, **extra}


# ---- RNN ----

@pytest.mark.parametrize("hybrid, asymmetric", [(False, False), (True, False), (True, True)],
                         ids=["float", "hybrid_symmetric", "hybrid_asymmetric"])
@pytest.mark.parametrize("activation", ["NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH"])
def test_rnn_steps(activation, hybrid, asymmetric):
    rng = np.random.default_rng(1)
    cell = make_cell(rng, 5, 7, hybrid=hybrid)
    xs = [f32(rng.uniform(-1, 1, (3, 5))) for _ in range(4)]
    w, r, b, _ = cell
    model = stateful_model("RNN", [Runtime(xs[0]), as_input(w), as_input(r), b, Var([3, 7])],
                           options(activation, asymmetric), version=3 if asymmetric else (2 if hybrid else 1))
    want, _ = rnn_sequence(cell, np.stack(xs), activation=activation, hybrid=asymmetric if hybrid else None)
    interp = interpreter(model)
    got = [invoke(interp, [x])[0] for x in xs]
    check = assert_hybrid_close if hybrid else (lambda a, e, what: assert_close_relative(a, e, 1e-5, what))
    for k in range(len(xs)):
        check(got[k], want[k], f"invoke {k + 1}")
    interp.reset_all_variables()
    check(invoke(interp, [xs[0]])[0], want[0], "after reset_all_variables")
    if HAVE_LITERT:
        theirs = run_invokes(model, [[x] for x in xs], runtime="litert", resolver="reference" if hybrid else "builtin")
        for k in range(len(xs)):
            check(got[k], theirs[k][0], f"LiteRT invoke {k + 1}")


# ---- UNIDIRECTIONAL_SEQUENCE_RNN ----

@pytest.mark.parametrize("hybrid, asymmetric", [(False, False), (True, False), (True, True)],
                         ids=["float", "hybrid_symmetric", "hybrid_asymmetric"])
@pytest.mark.parametrize("time_major", [False, True], ids=["batch_major", "time_major"])
def test_sequence_rnn(time_major, hybrid, asymmetric):
    rng = np.random.default_rng(2)
    cell = make_cell(rng, 6, 9, hybrid=hybrid)
    x = f32(rng.uniform(-1, 1, (5, 2, 6) if time_major else (2, 5, 6)))
    w, r, b, _ = cell
    model = stateful_model("UNIDIRECTIONAL_SEQUENCE_RNN", [Runtime(x), as_input(w), as_input(r), b, Var([2, 9])],
                           options("TANH", asymmetric, time_major=time_major), version=2 if hybrid else 1)
    flag = asymmetric if hybrid else None
    first, h = rnn_sequence(cell, x, activation="TANH", time_major=time_major, hybrid=flag)
    second, _ = rnn_sequence(cell, x, activation="TANH", time_major=time_major, h0=h, hybrid=flag)
    got = run_invokes(model, [[x], [x]])
    check = assert_hybrid_close if hybrid else (lambda a, e, what: assert_close_relative(a, e, 1e-5, what))
    check(got[0][0], first, "invoke 1")
    check(got[1][0], second, "invoke 2")
    if HAVE_LITERT:
        theirs = run_invokes(model, [[x], [x]], runtime="litert", resolver="reference" if hybrid else "builtin")
        for k in range(2):
            check(got[k][0], theirs[k][0], f"LiteRT invoke {k + 1}")


# ---- BIDIRECTIONAL_SEQUENCE_RNN ----

def bidirectional_case(*, merge, time_major, aux, hybrid=False, asymmetric=False, seed=3, batch=2, steps=4,
                       aux_depth=3):
    rng = np.random.default_rng(seed)
    depth = 5
    cross = aux == "cross"
    fw = make_cell(rng, depth, 6, aux_depth if cross else 0, hybrid)
    bw = make_cell(rng, depth, 4, aux_depth if cross else 0, hybrid)
    shape = (steps, batch) if time_major else (batch, steps)
    x = f32(rng.uniform(-1, 1, shape + (depth,)))
    aux_x = f32(rng.uniform(-1, 1, shape + (aux_depth if cross else depth,))) if aux else None
    inputs = ([Runtime(x)] + [as_input(fw[0]), as_input(fw[1]), fw[2], Var([batch, 6])] +
              [as_input(bw[0]), as_input(bw[1]), bw[2], Var([batch, 4])] +
              [Runtime(aux_x) if aux else None, as_input(fw[3]), as_input(bw[3])])
    model = stateful_model("BIDIRECTIONAL_SEQUENCE_RNN", inputs,
                           options("TANH", asymmetric, time_major=time_major, merge_outputs=merge),
                           num_outputs=1 if merge else 2, version=2 if hybrid else 1)
    flag = asymmetric if hybrid else None
    out_fw, _ = rnn_sequence(fw, x, activation="TANH", time_major=time_major, aux=aux_x if cross else None,
                             hybrid=flag)
    out_bw, _ = rnn_sequence(bw, aux_x if aux == "backward" else x, activation="TANH", time_major=time_major,
                             forward=False, aux=aux_x if cross else None, hybrid=flag)
    want = [np.concatenate([out_fw, out_bw], -1)] if merge else [out_fw, out_bw]
    return model, [x] if aux_x is None else [x, aux_x], want


@pytest.mark.parametrize("hybrid, asymmetric", [(False, False), (True, False), (True, True)],
                         ids=["float", "hybrid_symmetric", "hybrid_asymmetric"])
@pytest.mark.parametrize("aux", [None, "cross", "backward"], ids=["no_aux", "aux_cross", "aux_backward"])
@pytest.mark.parametrize("time_major", [True, False], ids=["time_major", "batch_major"])
@pytest.mark.parametrize("merge", [True, False], ids=["merged", "separate"])
def test_bidirectional_matches_numpy(merge, time_major, aux, hybrid, asymmetric):
    model, feeds, want = bidirectional_case(merge=merge, time_major=time_major, aux=aux, hybrid=hybrid,
                                            asymmetric=asymmetric)
    got = run_invokes(model, [feeds])[0]
    assert len(got) == len(want)
    for a, e in zip(got, want):
        if hybrid:
            assert_hybrid_close(a, e, "output")
        else:
            assert_close_relative(a, e, 1e-5, "output")


@requires_litert
@pytest.mark.parametrize("merge", [True, False], ids=["merged", "separate"])
def test_bidirectional_matches_litert(merge):
    # Where LiteRT's kernel is right: any layout without an auxiliary input; an auxiliary input as deep as the
    # input in time-major order; the backward cell's own input in time-major order.
    cases = [dict(time_major=True, aux=None), dict(time_major=False, aux=None),
             dict(time_major=True, aux="cross", aux_depth=5), dict(time_major=False, aux="cross", aux_depth=3),
             dict(time_major=True, aux="backward")]
    for kwargs in cases:
        model, feeds, _ = bidirectional_case(merge=merge, **kwargs)
        ours = run_invokes(model, [feeds, feeds])
        theirs = run_invokes(model, [feeds, feeds], runtime="litert", resolver="builtin")
        for k in range(2):
            for a, e in zip(ours[k], theirs[k]):
                assert_close_relative(a, e, 1e-5, f"{kwargs} invoke {k + 1}")
    # Dynamic range: batch-major only (LiteRT 2.3's time-major form crashes; its source runs the sequence
    # max_time times there), an auxiliary input as deep as the input (it offsets the auxiliary rows by the
    # input's depth).
    for kwargs in (dict(time_major=False, aux=None), dict(time_major=False, aux="cross", aux_depth=5)):
        for asymmetric in (False, True):
            model, feeds, _ = bidirectional_case(merge=merge, hybrid=True, asymmetric=asymmetric, **kwargs)
            ours = run_invokes(model, [feeds])
            theirs = run_invokes(model, [feeds], runtime="litert", resolver="reference")
            for a, e in zip(ours[0], theirs[0]):
                assert_hybrid_close(a, e, f"hybrid {kwargs}")


def test_prepare_failures():
    rng = np.random.default_rng(0)
    x = f32(rng.uniform(-1, 1, (3, 5)))
    w, r, b, _ = make_cell(rng, 5, 7)

    def fails(inputs, match, op="RNN", opts=None):
        model = stateful_model(op, inputs, opts or options("TANH", False))
        with pytest.raises(edgelite.EdgeliteError, match=match):
            run_invokes(model, [[x]])

    fails([Runtime(x), w, r, b, np.zeros((3, 7), np.float32)], "must be a variable tensor")
    fails([Runtime(x), w, r, b, Var([3, 6])], "hidden state")
    fails([Runtime(x), w[:, :4], r, b, Var([3, 7])], r"weights 'const1' has shape \[7, 4\], expected \[7, 5\]")
    fails([Runtime(x), w, r[:, :6], b, Var([3, 7])], "recurrent weights")
    fails([Runtime(x), w, r, b[:6], Var([3, 7])], "bias")
    fails([Runtime(x), w, Const(np.zeros((7, 7), np.int8), (0.1, 0)), b, Var([3, 7])], "recurrent weights are int8")
    fails([Runtime(x), w, r, b, Var([3, 7])], "activation SIGN_BIT", opts=options("SIGN_BIT", False))
    fails([Runtime(x), w, r, b, Var([3, 7])], "a sequence is 3-D", op="UNIDIRECTIONAL_SEQUENCE_RNN",
          opts=options("TANH", False, time_major=False))


@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
def test_hybrid_rows_equal_their_reference_twin(asymmetric):
    from kernel_twins import reference_kernels
    model, feeds, _ = bidirectional_case(merge=False, time_major=True, aux="cross", hybrid=True,
                                         asymmetric=asymmetric, seed=9)
    optimized = run_invokes(model, [feeds, feeds])
    with reference_kernels():
        reference = run_invokes(model, [feeds, feeds])
    for k in range(2):
        for a, e in zip(optimized[k], reference[k]):
            np.testing.assert_array_equal(a, e)
