"""IF against NumPy: either branch, outputs planned in the arena when both branches give the same static shapes and
dynamic when they differ, a branch that returns its input unchanged, branches with several inputs and outputs;
bad models refused at allocate time with named errors. LiteRT runs the same models when installed."""

import numpy as np
import pytest

import edgelite
from control_flow_models import (BOOL, F32, I32, add_graph, add_if, assert_outputs, const, op, requires_litert, run,
                                 run_litert, spec)
from edgelite.model_builder import ModelBuilder


def if_model(then_fn, else_fn, in_specs, out_specs, post_fn=None):
    b = ModelBuilder()
    flag = b.add_input("flag", [], BOOL)
    ins = [b.add_input(f"x{k}", s[0], s[1], shape_signature=s[2]) for k, s in enumerate(in_specs)]
    then = add_graph(b, "then", in_specs, then_fn)
    other = add_graph(b, "else", in_specs, else_fn)
    outs = add_if(b, flag, ins, then, other, out_specs)
    for out in (post_fn(b, outs) if post_fn else outs):
        b.mark_output(out)
    return b


def two_way_model():
    """flag ? (relu(x) * 2, x + y) : (tanh(x) - 1, x * y), then + 1 on the first output."""
    s = [spec([2, 3]), spec([2, 3])]
    return if_model(
        lambda b, v: [op(b, "MUL", [op(b, "RELU", [v[0]], [2, 3]), const(b, 2.0, F32)], [2, 3]),
                      op(b, "ADD", [v[0], v[1]], [2, 3])],
        lambda b, v: [op(b, "SUB", [op(b, "TANH", [v[0]], [2, 3]), const(b, 1.0, F32)], [2, 3]),
                      op(b, "MUL", [v[0], v[1]], [2, 3])],
        s, s, lambda b, outs: [op(b, "ADD", [outs[0], const(b, 1.0, F32)], [2, 3]), outs[1]]).build()


@pytest.mark.parametrize("flag", [True, False])
def test_either_branch(flag):
    x = np.array([[-1, 0.5, 2], [3, -0.25, 0]], F32)
    y = np.arange(6, dtype=F32).reshape(2, 3)
    expected = ([np.maximum(x, 0) * 2 + 1, x + y] if flag else [np.tanh(x) - 1 + 1, x * y])
    assert_outputs(run(two_way_model(), [np.bool_(flag), x, y]), expected, rtol=1e-6)


def test_flag_changes_between_invokes_and_outputs_stay_in_the_arena():
    interp = edgelite.Interpreter(model_content=two_way_model())
    interp.allocate_tensors()
    x = np.linspace(-3, 3, 6, dtype=F32).reshape(2, 3)
    for flag in (True, False, False, True):
        got = run(None, [np.bool_(flag), x, x], interp=interp)
        assert_outputs(got, [np.maximum(x, 0) * 2 + 1, x + x] if flag else [np.tanh(x), x * x])
    for t in interp._get_op_details(0)["outputs"]:
        assert interp._core.tensor_info(0, int(t))["allocation"] == "arena"


def shape_changing_model():
    """flag ? x : concat(x, x) (a pass-through branch, and branches of different output shapes)."""
    s = [spec([2, 3])]
    return if_model(lambda b, v: [v[0]],
                    lambda b, v: [op(b, "CONCATENATION", [v[0], v[0]], [4, 3], options={"axis": 0})],
                    s, [spec([2, 3], F32, [-1, 3])],
                    lambda b, outs: [op(b, "MUL", [outs[0], const(b, 3.0, F32)], [2, 3], signature=[-1, 3])]).build()


def test_branches_of_different_shapes_make_the_output_dynamic():
    interp = edgelite.Interpreter(model_content=shape_changing_model())
    interp.allocate_tensors()
    x = np.arange(6, dtype=F32).reshape(2, 3)
    for flag in (False, True, False):
        got = run(None, [np.bool_(flag), x], interp=interp)
        assert_outputs(got, [3 * (x if flag else np.concatenate([x, x]))])


def test_branch_inputs_resized():
    x = np.arange(15, dtype=F32).reshape(5, 3)
    for flag in (True, False):
        assert_outputs(run(shape_changing_model(), [np.bool_(flag), x]), [3 * (x if flag else np.concatenate([x, x]))])


def test_integer_and_bool_values_pass_through():
    s = [spec([3], I32), spec([2], BOOL)]
    model = if_model(lambda b, v: [op(b, "ADD", [v[0], const(b, 1, I32)], [3], I32), op(b, "LOGICAL_NOT", [v[1]], [2], BOOL)],
                     lambda b, v: [v[0], v[1]], s, s).build()
    a, m = np.array([1, -2, 7], I32), np.array([True, False])
    assert_outputs(run(model, [np.bool_(True), a, m]), [a + 1, ~m])
    assert_outputs(run(model, [np.bool_(False), a, m]), [a, m])


@requires_litert
@pytest.mark.parametrize("flag", [True, False])
def test_same_as_litert(flag):
    x = np.linspace(-2, 2, 6, dtype=F32).reshape(2, 3)
    for model, inputs in ((two_way_model(), [np.bool_(flag), x, x * 3]), (shape_changing_model(), [np.bool_(flag), x])):
        assert_outputs(run(model, inputs), run_litert(model, inputs))


# ---- bad models ----

def expect_error(b, pattern):
    with pytest.raises(edgelite.EdgeliteError, match=pattern):
        edgelite.Interpreter(model_content=b.build()).allocate_tensors()


def simple(then_index=1, else_index=2, cond_dtype=BOOL, cond_shape=(), else_fn=None, out_count=1):
    b = ModelBuilder()
    flag = b.add_input("flag", list(cond_shape), cond_dtype)
    x = b.add_input("x", [2])
    add_graph(b, "then", [spec([2])], lambda b, v: [v[0]])
    add_graph(b, "else", [spec([2])], else_fn or (lambda b, v: [op(b, "NEG", [v[0]], [2])]))
    add_if(b, flag, [x], then_index, else_index, [spec([2])] * out_count)
    return b


@pytest.mark.parametrize("kwargs, pattern", [
    ({"then_index": 5}, "refers to subgraph 5, out of range"),
    ({"else_index": -2}, "refers to subgraph -2, out of range"),
    ({"then_index": 0}, "recursive subgraph calls"),
    ({"cond_dtype": F32}, r"the condition .* must be one bool, got float32"),
    ({"cond_shape": (2,)}, r"must be one bool, got bool \[2\]"),
    ({"out_count": 2}, r"then subgraph 1 \('then'\) gives 1 outputs but the node has 2"),
    ({"else_fn": lambda b, v: [op(b, "CAST", [v[0]], [2], I32)]}, r"else subgraph 2 .* output 0 .* is int32"),
])
def test_bad_if(kwargs, pattern):
    expect_error(simple(**kwargs), pattern)


def test_branch_input_count_differs():
    b = ModelBuilder()
    flag, x = b.add_input("flag", [], BOOL), b.add_input("x", [2])
    add_graph(b, "then", [spec([2]), spec([2])], lambda b, v: [v[0]])
    add_if(b, flag, [x], 1, 1, [spec([2])])
    expect_error(b, r"then subgraph 1 \('then'\) takes 2 inputs but the node gives it 1")
