"""UNIDIRECTIONAL_SEQUENCE_LSTM against the NumPy reference (lstm_reference, the loop over time written out)
and LiteRT: every variant (peephole, projection with and without bias and clipping, layer norm, CIFG, cell
clipping, diagonal recurrent weights), time- and batch-major, the optimized rows and their reference twin, the
state carried across invokes and reset by reset_all_variables, dynamic range (symmetric and asymmetric rows)
against LiteRT's reference kernels, and the prepare failures."""

import contextlib

import numpy as np
import pytest

import edgelite
from litert_builtin import requires_litert
from lstm_cases import VARIANTS, lstm_options, split_variant, unidirectional_inputs
from lstm_reference import lstm_sequence, make_params, quantize_params
from kernel_twins import needs_vector_kernels, reference_kernels
from sequence_models import (assert_close_relative, assert_hybrid_close, chosen_kernel, interpreter, invoke,
                             run_invokes, runtime_inputs, stateful_model)

OP = "UNIDIRECTIONAL_SEQUENCE_LSTM"


def case(variant, *, batch=3, steps=5, n_input=7, n_cell=6, time_major=False, seed=0, hybrid=False,
         asymmetric=False, activation="TANH"):
    """(model, runtime input, float params or their quantized form, step options) for one variant."""
    rng = np.random.default_rng(seed)
    kwargs, extra = split_variant(variant)
    p = make_params(rng, n_input, n_cell, **kwargs)
    if hybrid:
        p = quantize_params(p)
    shape = (steps, batch, n_input) if time_major else (batch, steps, n_input)
    x = rng.uniform(-1, 1, shape).astype(np.float32)
    options = lstm_options(activation, asymmetric=asymmetric, time_major=time_major, **extra)
    model = stateful_model(OP, unidirectional_inputs(p, x, batch), options, version=3 if hybrid else 1)
    step = {"activation": activation, "cell_clip": extra.get("cell_clip", 0.0),
            "proj_clip": extra.get("proj_clip", 0.0), "hybrid": asymmetric if hybrid else None}
    return model, x, p, step


def expected_two_invokes(p, x, time_major, step):
    """The reference's outputs for two invokes with the same input: the second starts from the first's state."""
    first, h, c = lstm_sequence(p, x, time_major=time_major, **step)
    second, _, _ = lstm_sequence(p, x, time_major=time_major, h0=h, c0=c, **step)
    return first, second


@pytest.mark.parametrize("time_major", [False, True], ids=["batch_major", "time_major"])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_float_matches_numpy(variant, time_major):
    model, x, p, step = case(variant, time_major=time_major)
    first, second = expected_two_invokes(p, x, time_major, step)
    for label, kernels in (("optimized", contextlib.nullcontext()), ("reference", reference_kernels())):
        with kernels:
            got = run_invokes(model, [[x], [x]])
        assert_close_relative(got[0][0], first, 1e-5, f"{variant} {label} invoke 1")
        assert_close_relative(got[1][0], second, 1e-5, f"{variant} {label} invoke 2 (state carried over)")


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (1, 33, 3, 17), (4, 2, 16, 15), (2, 3, 5, 33)],
                         ids=lambda s: "b{}_t{}_i{}_c{}".format(*s))
def test_sizes(shape):
    batch, steps, n_input, n_cell = shape
    for variant in ("plain", "projection"):
        model, x, p, step = case(variant, batch=batch, steps=steps, n_input=n_input, n_cell=n_cell, seed=sum(shape))
        expected, _, _ = lstm_sequence(p, x, **step)
        assert_close_relative(run_invokes(model, [[x]])[0][0], expected, 2e-5, f"{variant} {shape}")


@pytest.mark.parametrize("activation", ["RELU", "RELU6", "RELU_N1_TO_1"])
def test_cell_activations(activation):
    model, x, p, step = case("peephole", activation=activation, seed=3)
    expected, _, _ = lstm_sequence(p, x, **step)
    assert_close_relative(run_invokes(model, [[x]])[0][0], expected, 1e-5, activation)


@needs_vector_kernels
def test_kernel_choice():
    model, _, _, _ = case("plain")
    assert chosen_kernel(model).startswith("float32 (")
    assert "reference" not in chosen_kernel(model)
    with reference_kernels():
        assert chosen_kernel(model) == "float32 (reference)"
    # Diagonal recurrent weights have no packed form: the reference row runs them.
    assert chosen_kernel(case("diagonal")[0]) == "float32 (reference)"
    hybrid = case("plain", hybrid=True)[0]
    assert chosen_kernel(hybrid).startswith("hybrid int8 (") and "reference" not in chosen_kernel(hybrid)
    with reference_kernels():
        assert chosen_kernel(hybrid) == "hybrid int8 (reference)"


@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
def test_hybrid_rows_equal_their_reference_twin(asymmetric):
    # The vectorized int8 products sum the same integers: the rows agree bit for bit.
    for variant in ("plain", "projection", "peephole"):
        model, x, _, _ = case(variant, hybrid=True, asymmetric=asymmetric, n_input=37, n_cell=19, seed=21)
        optimized = run_invokes(model, [[x], [x]])
        with reference_kernels():
            reference = run_invokes(model, [[x], [x]])
        for k in range(2):
            np.testing.assert_array_equal(optimized[k][0], reference[k][0], f"{variant} invoke {k + 1}")


def test_state_persists_and_resets():
    model, x, p, step = case("projection", seed=5)
    first, second = expected_two_invokes(p, x, False, step)
    interp = interpreter(model)
    a = invoke(interp, [x])[0]
    b = invoke(interp, [x])[0]
    assert_close_relative(a, first, 1e-5, "first")
    assert_close_relative(b, second, 1e-5, "second")
    assert not np.allclose(a, b)
    interp.reset_all_variables()
    assert_close_relative(invoke(interp, [x])[0], first, 1e-5, "after reset_all_variables")


def test_twenty_input_form():
    rng = np.random.default_rng(2)
    p = make_params(rng, 4, 5, peephole=True)
    x = rng.uniform(-1, 1, (2, 3, 4)).astype(np.float32)
    model = stateful_model(OP, unidirectional_inputs(p, x, 2, twenty=True), lstm_options())
    expected, _, _ = lstm_sequence(p, x)
    assert_close_relative(run_invokes(model, [[x]])[0][0], expected, 1e-5)


@requires_litert
@pytest.mark.parametrize("time_major", [False, True], ids=["batch_major", "time_major"])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_float_matches_litert(variant, time_major):
    model, x, _, _ = case(variant, time_major=time_major, seed=11)
    ours = run_invokes(model, [[x], [x]])
    theirs = run_invokes(model, [[x], [x]], runtime="litert", resolver="builtin")
    for k in range(2):
        assert_close_relative(ours[k][0], theirs[k][0], 1e-5, f"{variant} invoke {k + 1}")


# ---- dynamic range ----

@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
@pytest.mark.parametrize("variant", ["plain", "peephole", "projection", "layer_norm", "cifg",
                                     "cifg_peephole_layer_norm_projection", "diagonal", "cell_clip"])
def test_hybrid_matches_numpy(variant, asymmetric):
    model, x, p, step = case(variant, hybrid=True, asymmetric=asymmetric, seed=7)
    first, second = expected_two_invokes(p, x, False, step)
    got = run_invokes(model, [[x], [x]])
    assert_hybrid_close(got[0][0], first, f"{variant} invoke 1")
    assert_hybrid_close(got[1][0], second, f"{variant} invoke 2")


@requires_litert
@pytest.mark.parametrize("time_major", [False, True], ids=["batch_major", "time_major"])
@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
@pytest.mark.parametrize("variant", ["plain", "peephole", "projection", "layer_norm", "cifg", "diagonal"])
def test_hybrid_matches_litert_reference(variant, asymmetric, time_major):
    model, x, _, _ = case(variant, hybrid=True, asymmetric=asymmetric, time_major=time_major, seed=13)
    ours = run_invokes(model, [[x], [x]])
    theirs = run_invokes(model, [[x], [x]], runtime="litert", resolver="reference")
    for k in range(2):
        assert_hybrid_close(ours[k][0], theirs[k][0], f"{variant} invoke {k + 1}")


def test_hybrid_zero_input_gives_the_bias_path():
    # An all-zero input and state skip their products; the gates are then functions of the biases alone.
    model, x, p, step = case("plain", hybrid=True, seed=1)
    zeros = np.zeros_like(x)
    expected, _, _ = lstm_sequence(p, zeros, **step)
    assert_hybrid_close(run_invokes(model, [[zeros]])[0][0], expected, "zero input")


# ---- prepare failures ----

def failing(inputs_edit=None, options_edit=None, variant="plain", hybrid=False, x_shape=(2, 3, 4)):
    rng = np.random.default_rng(0)
    kwargs, extra = split_variant(variant)
    p = make_params(rng, x_shape[-1], 5, **kwargs)
    if hybrid:
        p = quantize_params(p)
    x = rng.uniform(-1, 1, x_shape).astype(np.float32)
    inputs = unidirectional_inputs(p, x, x_shape[0])
    if inputs_edit:
        inputs_edit(inputs)
    options = lstm_options(**extra)
    if options_edit:
        options_edit(options)
    model = stateful_model(OP, inputs, options)
    interp = edgelite.Interpreter(model_content=model)
    for d, v in zip(interp.get_input_details(), runtime_inputs(inputs)):
        if list(d["shape"]) != list(v.shape):
            interp.resize_tensor_input(d["index"], list(v.shape))
    with pytest.raises(edgelite.EdgeliteError) as info:
        interp.allocate_tensors()
    return str(info.value)


def set_input(i, value):
    def edit(inputs):
        inputs[i] = value
    return edit


def test_prepare_failures():
    from sequence_models import Runtime, Var
    assert "input weights (forget gate) (input 2) are missing" in failing(set_input(2, None))
    assert "CIFG" in failing(set_input(5, None))
    assert "peephole" in failing(set_input(10, None), variant="peephole")
    assert "projection bias is given without projection weights" in failing(set_input(17, np.zeros(5, np.float32)))
    assert "must be a variable tensor" in failing(set_input(18, np.zeros((2, 5), np.float32)))
    assert "output state" in failing(set_input(18, Var([3, 5])))
    assert "a sequence is 3-D" in failing(set_input(0, Runtime(np.zeros((2, 4), np.float32))))
    def narrow_recurrent(inputs):
        for i in range(5, 9):
            inputs[i] = np.zeros((5, 3), np.float32)
    assert "output width 3 differs from the 5 cells, which needs projection weights" in failing(narrow_recurrent)
    assert "layer norm coefficients (output gate) (input 23) are missing" in failing(set_input(23, None),
                                                                                    variant="layer_norm")
    assert "switch layer norm on" in failing(set_input(20, np.ones(5, np.float32)))
    assert "must not be negative" in failing(options_edit=lambda o: o.update(cell_clip=-1.0))
    assert "activation NONE is not supported" in failing(
        options_edit=lambda o: o.update(fused_activation_function="NONE"))
    assert "uint8" in failing(set_input(2, np.zeros((5, 4), np.uint8)))
    assert "expected float32 like the input-to-forget weights" in failing(set_input(3, np.zeros((5, 4), np.int32)))
    assert "integer LSTM" in failing(set_input(0, Runtime(np.zeros((2, 3, 4), np.int8), (0.1, 0))))


def test_hybrid_prepare_failures():
    from sequence_models import Const
    per_channel = {"scale": np.full(5, 0.1, np.float32), "zero_point": np.zeros(5, np.int64),
                   "quantized_dimension": 0}
    assert "per-channel" in failing(set_input(2, Const(np.ones((5, 4), np.int8), per_channel)), hybrid=True)
    assert "zero point 3" in failing(set_input(2, Const(np.ones((5, 4), np.int8), (0.1, 3))), hybrid=True)
