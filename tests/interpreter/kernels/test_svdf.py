"""SVDF against a NumPy reference (the memory shifted each invoke, the feature and time filters, rank sums) and
LiteRT: float32 with and without bias and with each activation, ranks 1 and 2, the state across invokes and
reset_all_variables; dynamic range (int8 feature weights; int8 time weights as LiteRT reads them, or float32),
symmetric and asymmetric rows; full integer (int8 / int16) equal to LiteRT's reference kernels bit for bit;
prepare failures."""

import numpy as np
import pytest

import edgelite
from integer_reference import f32, multiply_by_quantized_multiplier, quantize_multiplier, wrap_int32
from litert_builtin import requires_litert
from sequence_models import (ACTIVATIONS, Const, Runtime, Var, assert_close_relative, assert_hybrid_close,
                             hybrid_matvec, interpreter, invoke, quantize_weights, run_invokes, stateful_model)


def svdf_float(xs, wf, wt, bias, rank, activation, hybrid=None):
    """Outputs of successive invokes. wf / wt float, or (int8, scale) when hybrid (the asymmetric flag)."""
    filters, memory = (wt[0] if isinstance(wt, tuple) else wt).shape
    if isinstance(wt, tuple):
        wt = f32(f32(wt[0]) * f32(wt[1]))
    batch = xs[0].shape[0]
    dt = np.float32 if hybrid is not None else np.float64
    state = np.zeros((batch, filters, memory), dt)
    outs = []
    for x in xs:
        state[:, :, :-1] = state[:, :, 1:].copy()
        for b in range(batch):
            state[b, :, -1] = hybrid_matvec(wf[0], wf[1], x[b], hybrid) if hybrid is not None else wf @ x[b]
        time = np.sum(state * wt[None].astype(dt), axis=2)
        out = time.reshape(batch, filters // rank, rank).sum(-1)
        if bias is not None:
            out = out + bias
        outs.append(ACTIVATIONS[activation](out))
    return outs


def float_case(*, batch=2, input_size=6, filters=8, memory=5, rank=2, activation="RELU", bias=True, seed=0,
               hybrid=False, asymmetric=False, int8_time=True):
    rng = np.random.default_rng(seed)
    wf = f32(rng.uniform(-0.5, 0.5, (filters, input_size)))
    wt = f32(rng.uniform(-0.5, 0.5, (filters, memory)))
    b = f32(rng.uniform(-0.3, 0.3, filters // rank)) if bias else None
    xs = [f32(rng.uniform(-1, 1, (batch, input_size))) for _ in range(4)]
    if hybrid:
        wf = quantize_weights(wf)
        if int8_time:
            wt = quantize_weights(wt)
    as_const = lambda m: Const(m[0], (float(m[1]), 0)) if isinstance(m, tuple) else m  # noqa: E731
    inputs = [Runtime(xs[0]), as_const(wf), as_const(wt), b, Var([batch, filters * memory])]
    opts = {"rank": rank, "fused_activation_function": activation, "asymmetric_quantize_inputs": asymmetric}
    model = stateful_model("SVDF", inputs, opts, version=(4 if asymmetric else 2) if hybrid else 1)
    want = svdf_float(xs, wf, wt, b, rank, activation, asymmetric if hybrid else None)
    return model, xs, want


@pytest.mark.parametrize("activation", ["NONE", "RELU", "RELU6", "TANH"])
@pytest.mark.parametrize("rank, bias", [(1, True), (2, True), (2, False)], ids=["rank1", "rank2", "rank2_no_bias"])
def test_float_matches_numpy(rank, bias, activation):
    model, xs, want = float_case(rank=rank, bias=bias, activation=activation)
    interp = interpreter(model)
    got = [invoke(interp, [x])[0] for x in xs]
    for k in range(len(xs)):
        assert_close_relative(got[k], want[k], 1e-5, f"invoke {k + 1}")
    interp.reset_all_variables()
    assert_close_relative(invoke(interp, [xs[0]])[0], want[0], 1e-5, "after reset_all_variables")


@pytest.mark.parametrize("int8_time", [True, False], ids=["int8_time_weights", "float_time_weights"])
@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
def test_hybrid_matches_numpy(asymmetric, int8_time):
    model, xs, want = float_case(hybrid=True, asymmetric=asymmetric, int8_time=int8_time, seed=3)
    got = run_invokes(model, [[x] for x in xs])
    for k in range(len(xs)):
        assert_hybrid_close(got[k][0], want[k], f"invoke {k + 1}")


@requires_litert
@pytest.mark.parametrize("case", [dict(), dict(rank=1, activation="NONE"), dict(bias=False, activation="TANH"),
                                  dict(hybrid=True), dict(hybrid=True, asymmetric=True)],
                         ids=["float_relu", "float_rank1", "float_no_bias", "hybrid", "hybrid_asymmetric"])
def test_matches_litert(case):
    model, xs, _ = float_case(seed=5, **case)
    ours = run_invokes(model, [[x] for x in xs])
    theirs = run_invokes(model, [[x] for x in xs], runtime="litert",
                         resolver="reference" if case.get("hybrid") else "builtin")
    for k in range(len(xs)):
        if case.get("hybrid"):
            assert_hybrid_close(ours[k][0], theirs[k][0], f"invoke {k + 1}")
        else:
            assert_close_relative(ours[k][0], theirs[k][0], 1e-5, f"invoke {k + 1}")


# ---- full integer ----

def svdf_integer(xs, x_q, wf, wf_q, wt, wt_q, bias, state_q, y_q, rank):
    """LiteRT's EvalIntegerSVDF: int32 feature products (input zero point removed) requantized into the int16
    state, int32 time products, rank sums and bias, requantized to int8 with the output zero point."""
    filters, memory = wt.shape
    batch = xs[0].shape[0]
    m1 = quantize_multiplier(np.float64(f32(f32(f32(x_q[0]) * f32(wf_q[0])) / f32(state_q[0]))))
    m2 = quantize_multiplier(np.float64(f32(f32(f32(state_q[0]) * f32(wt_q[0])) / f32(y_q[0]))))
    state = np.zeros((batch, filters, memory), np.int64)
    outs = []
    for x in xs:
        state[:, :, :-1] = state[:, :, 1:].copy()
        dot = wrap_int32((np.asarray(x, np.int64) - x_q[1]) @ np.asarray(wf, np.int64).T)
        state[:, :, -1] = np.clip(multiply_by_quantized_multiplier(dot, *m1), -32768, 32767)
        time = wrap_int32(np.sum(state * np.asarray(wt, np.int64)[None], axis=2))
        total = wrap_int32(time.reshape(batch, filters // rank, rank).sum(-1) + (0 if bias is None else bias))
        outs.append(np.clip(multiply_by_quantized_multiplier(total, *m2) + y_q[1], -128, 127).astype(np.int8))
    return outs


def integer_case(seed=0, bias=True, rank=2):
    rng = np.random.default_rng(seed)
    batch, input_size, filters, memory = 2, 7, 6, 4
    x_q, wf_q, wt_q, state_q, y_q = (0.02, 3), (0.01, 0), (0.002, 0), (0.004, 0), (0.05, -128)
    xs = [rng.integers(-128, 128, (batch, input_size)).astype(np.int8) for _ in range(4)]
    wf = rng.integers(-127, 128, (filters, input_size)).astype(np.int8)
    wt = rng.integers(-2000, 2000, (filters, memory)).astype(np.int16)
    b = rng.integers(-20000, 20000, filters // rank).astype(np.int32) if bias else None
    inputs = [Runtime(xs[0], x_q), Const(wf, wf_q), Const(wt, wt_q), Const(b, (0.0001, 0)) if bias else None,
              Var([batch, filters * memory], np.int16, state_q)]
    model = stateful_model("SVDF", inputs, {"rank": rank, "fused_activation_function": "RELU"},
                           output_types=np.int8, output_quantization=y_q, version=3)
    return model, xs, svdf_integer(xs, x_q, wf, wf_q, wt, wt_q, b, state_q, y_q, rank)


@pytest.mark.parametrize("bias, rank", [(True, 2), (False, 1)], ids=["bias_rank2", "no_bias_rank1"])
def test_integer_matches_numpy(bias, rank):
    model, xs, want = integer_case(bias=bias, rank=rank)
    got = run_invokes(model, [[x] for x in xs])
    for k in range(len(xs)):
        np.testing.assert_array_equal(got[k][0], want[k], f"invoke {k + 1}")


@requires_litert
def test_integer_matches_litert_reference():
    model, xs, _ = integer_case(seed=4)
    ours = run_invokes(model, [[x] for x in xs])
    theirs = run_invokes(model, [[x] for x in xs], runtime="litert", resolver="reference")
    for k in range(len(xs)):
        np.testing.assert_array_equal(ours[k][0], theirs[k][0], f"invoke {k + 1}")


def test_prepare_failures():
    x = np.zeros((2, 6), np.float32)

    def fails(inputs, match, opts=None):
        model = stateful_model("SVDF", inputs, opts or {"rank": 2, "fused_activation_function": "RELU"})
        with pytest.raises(edgelite.EdgeliteError, match=match):
            run_invokes(model, [[x]])

    wf, wt = np.zeros((8, 6), np.float32), np.zeros((8, 5), np.float32)
    fails([Runtime(x), wf, wt, None, Var([2, 40])], "rank 3 must be positive and divide", {"rank": 3})
    fails([Runtime(x), wf, wt, None, Var([2, 39])], "the state")
    fails([Runtime(x), wf, wt, None, np.zeros((2, 40), np.float32)], "must be a variable tensor")
    fails([Runtime(x), wf[:, :5], wt, None, Var([2, 40])], "feature weights")
    fails([Runtime(x), wf, wt[:7], None, Var([2, 40])], "time weights")
    fails([Runtime(x), wf, wt, np.zeros(3, np.float32), Var([2, 40])], "bias")
    fails([Runtime(x), wf, np.zeros((8, 0), np.float32), None, Var([2, 0])], "have no memory")


@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
def test_hybrid_rows_equal_their_reference_twin(asymmetric):
    from kernel_twins import reference_kernels
    model, xs, _ = float_case(hybrid=True, asymmetric=asymmetric, input_size=37, seed=9)
    optimized = run_invokes(model, [[x] for x in xs])
    with reference_kernels():
        reference = run_invokes(model, [[x] for x in xs])
    for k in range(len(xs)):
        np.testing.assert_array_equal(optimized[k][0], reference[k][0])
