"""WHILE against loops unrolled in NumPy: the static path (shapes kept: outputs planned in the arena), the dynamic
path (a tensor growing every iteration), zero-iteration loops, a body that swaps its values, nested control flow,
one cond/body shared by two loops of different shapes; and bad models refused at allocate time with named
errors, never a crash or a stack overflow. LiteRT runs the same models when installed."""

import numpy as np
import pytest

import edgelite
from control_flow_models import (BOOL, F32, I32, add_graph, add_if, add_while, assert_outputs, const, op,
                                 requires_litert, run, run_litert, spec, while_model)
from edgelite.model_builder import ModelBuilder

COUNTER_SPECS = [spec([], I32), spec([2, 3]), spec([], I32)]


def counter_model(post_one=False):
    """(i, x, n) -> while i < n: (i + 1, x * 1.5 + 0.25, n); optionally + 1 after the loop."""
    def body(b, ins):
        i, x, n = ins
        y = op(b, "MUL", [x, const(b, 1.5, F32)], [2, 3])
        return [op(b, "ADD", [i, const(b, 1, I32)], [], I32), op(b, "ADD", [y, const(b, 0.25, F32)], [2, 3]), n]

    def post(b, outs):
        return [outs[0], op(b, "ADD", [outs[1], const(b, 1.0, F32)], [2, 3])] if post_one else outs

    return while_model(COUNTER_SPECS, lambda b, ins: op(b, "LESS", [ins[0], ins[2]], [], BOOL), body, post).build()


def counter_reference(i, x, n, post_one=False):
    x = x.copy()
    while i < n:
        i, x = i + 1, x * np.float32(1.5) + np.float32(0.25)
    return [np.int32(i), x + np.float32(1) if post_one else x] + ([] if post_one else [np.int32(n)])


@pytest.mark.parametrize("n", [0, 1, 5, -3])
def test_static_loop_matches_numpy(n):
    x = np.arange(6, dtype=F32).reshape(2, 3) / 7
    assert_outputs(run(counter_model(), [np.int32(0), x, np.int32(n)]), counter_reference(0, x, n))


def test_static_loop_keeps_outputs_in_the_arena_and_reruns():
    interp = edgelite.Interpreter(model_content=counter_model(post_one=True))
    interp.allocate_tensors()
    x = np.linspace(-1, 1, 6, dtype=F32).reshape(2, 3)
    for n in (3, 0, 7, 2):  # the same interpreter: no re-allocation between invokes
        got = run(None, [np.int32(0), x, np.int32(n)], interp=interp)
        assert_outputs(got, counter_reference(0, x, n, post_one=True))
    loop_out = interp._get_op_details(0)["outputs"]
    for t in loop_out:  # shapes never change: the loop's outputs stay where the planner put them
        assert interp._core.tensor_info(0, int(t))["allocation"] == "arena"


GROW_SPECS = [spec([], I32), spec([1, 3], F32, [-1, 3]), spec([1, 3]), spec([], I32)]


def grow_model():
    """(i, acc, row, n) -> while i < n: (i + 1, concat(acc, row), row * 2, n); then acc + 1."""
    def body(b, ins):
        i, acc, row, n = ins
        grown = op(b, "CONCATENATION", [acc, row], [2, 3], options={"axis": 0}, signature=[-1, 3])
        return [op(b, "ADD", [i, const(b, 1, I32)], [], I32), grown, op(b, "MUL", [row, const(b, 2.0, F32)], [1, 3]), n]

    def post(b, outs):
        return [outs[0], op(b, "ADD", [outs[1], const(b, 1.0, F32)], [1, 3], signature=[-1, 3]), outs[2]]

    return while_model(GROW_SPECS, lambda b, ins: op(b, "LESS", [ins[0], ins[3]], [], BOOL), body, post).build()


def grow_reference(acc, row, n):
    i = 0
    while i < n:
        i, acc, row = i + 1, np.concatenate([acc, row]), row * np.float32(2)
    return [np.int32(i), acc + np.float32(1), row]


def test_growing_tensor_takes_the_dynamic_path():
    model = grow_model()
    interp = edgelite.Interpreter(model_content=model)
    interp.allocate_tensors()
    acc = np.array([[1, 2, 3]], F32)
    row = np.array([[0.5, -1, 2]], F32)
    for n in (4, 1, 0, 9, 2):  # grows, shrinks back, none, grows past every earlier size
        got = run(None, [np.int32(0), acc, row, np.int32(n)], interp=interp)
        assert_outputs(got, grow_reference(acc, row, n))
    assert interp._core.tensor_info(0, int(interp._get_op_details(0)["outputs"][1]))["allocation"] == "owned"


def test_loop_start_value_of_another_shape():
    acc = np.arange(12, dtype=F32).reshape(4, 3)
    row = np.ones((1, 3), F32)
    assert_outputs(run(grow_model(), [np.int32(0), acc, row, np.int32(3)]), grow_reference(acc, row, 3))


def swap_model():
    """(a, b, i, n) -> while i < n: (a + b, a, i + 1, n): body output 1 is body input 0 (crossed values)."""
    specs = [spec([2]), spec([2]), spec([], I32), spec([], I32)]

    def body(b, ins):
        a, c, i, n = ins
        return [op(b, "ADD", [a, c], [2]), a, op(b, "ADD", [i, const(b, 1, I32)], [], I32), n]

    return while_model(specs, lambda b, ins: op(b, "LESS", [ins[2], ins[3]], [], BOOL), body).build()


def pure_swap_model():
    """(a, b, i, n) -> while i < n: (b, a, i + 1, n): the body passes its inputs through, exchanged."""
    specs = [spec([3]), spec([3]), spec([], I32), spec([], I32)]

    def body(b, ins):
        a, c, i, n = ins
        return [c, a, op(b, "ADD", [i, const(b, 1, I32)], [], I32), n]

    return while_model(specs, lambda b, ins: op(b, "LESS", [ins[2], ins[3]], [], BOOL), body).build()


@pytest.mark.parametrize("n", [0, 1, 2, 7])
def test_body_that_exchanges_values(n):
    a, c = np.array([1, 2], F32), np.array([0, 1], F32)
    ea, ec = a.copy(), c.copy()
    for _ in range(n):
        ea, ec = ea + ec, ea
    assert_outputs(run(swap_model(), [a, c, np.int32(0), np.int32(n)]), [ea, ec, np.int32(max(n, 0)), np.int32(n)])
    p, q = np.array([1, 2, 3], F32), np.array([-4, -5, -6], F32)
    expected = [q, p] if n % 2 else [p, q]
    assert_outputs(run(pure_swap_model(), [p, q, np.int32(0), np.int32(n)])[:2], expected)


def while_with_if_in_body():
    """As tf.while_loop(i < n, y = sum(y) > 0 ? y * 0.5 - 1 : y + 2): an IF inside the loop's body."""
    specs = [spec([], I32), spec([2, 3]), spec([], I32)]

    def body(b, ins):
        i, y, n = ins
        positive = op(b, "GREATER", [op(b, "SUM", [y, const(b, [0, 1], I32)], [], options={"keep_dims": False}),
                                     const(b, 0.0, F32)], [], BOOL)
        then = add_graph(b, "then", [spec([2, 3])], lambda b, v: [
            op(b, "SUB", [op(b, "MUL", [v[0], const(b, 0.5, F32)], [2, 3]), const(b, 1.0, F32)], [2, 3])])
        other = add_graph(b, "else", [spec([2, 3])], lambda b, v: [op(b, "ADD", [v[0], const(b, 2.0, F32)], [2, 3])])
        (z,) = add_if(b, positive, [y], then, other, [spec([2, 3])])
        return [op(b, "ADD", [i, const(b, 1, I32)], [], I32), z, n]

    return while_model(specs, lambda b, ins: op(b, "LESS", [ins[0], ins[2]], [], BOOL), body).build()


def if_with_while_in_branch():
    """flag ? (y * 1.5 three times, by a loop) : -y."""
    b = ModelBuilder()
    flag, x = b.add_input("flag", [], BOOL), b.add_input("x", [2, 3])

    def looping(b, ins):
        loop_specs = [spec([], I32), spec([2, 3])]
        cond = add_graph(b, "loop_cond", loop_specs, lambda b, v: [op(b, "LESS", [v[0], const(b, 3, I32)], [], BOOL)])
        body = add_graph(b, "loop_body", loop_specs, lambda b, v: [
            op(b, "ADD", [v[0], const(b, 1, I32)], [], I32), op(b, "MUL", [v[1], const(b, 1.5, F32)], [2, 3])])
        return [add_while(b, [const(b, 0, I32), ins[0]], cond, body, loop_specs)[1]]

    then = add_graph(b, "then", [spec([2, 3])], looping)
    other = add_graph(b, "else", [spec([2, 3])], lambda b, v: [op(b, "NEG", [v[0]], [2, 3])])
    for out in add_if(b, flag, [x], then, other, [spec([2, 3])]):
        b.mark_output(out)
    return b.build()


@pytest.mark.parametrize("n", [0, 1, 4, 9])
def test_if_inside_while_body(n):
    y = np.array([[1, -2, 3], [0.5, -4, 1]], F32)
    ey = y.copy()
    for _ in range(n):
        ey = ey * np.float32(0.5) - np.float32(1) if ey.sum() > 0 else ey + np.float32(2)
    assert_outputs(run(while_with_if_in_body(), [np.int32(0), y, np.int32(n)]), [np.int32(n), ey, np.int32(n)])


@pytest.mark.parametrize("flag", [True, False])
def test_while_inside_if_branch(flag):
    x = np.arange(6, dtype=F32).reshape(2, 3) - 2
    expected = x * np.float32(1.5) * np.float32(1.5) * np.float32(1.5) if flag else -x
    assert_outputs(run(if_with_while_in_branch(), [np.bool_(flag), x]), [expected])


def test_two_loops_share_cond_and_body_with_different_shapes():
    # Both WHILE nodes call subgraphs 1 and 2; the second gives them a [4] value, so they prepare again.
    b = ModelBuilder()
    x, y, n = b.add_input("x", [2, 3]), b.add_input("y", [4]), b.add_input("n", [], I32)
    specs = [spec([], I32), spec([2, 3], F32, [-1, -1]), spec([], I32)]
    cond = add_graph(b, "cond", specs, lambda b, v: [op(b, "LESS", [v[0], v[2]], [], BOOL)])
    body = add_graph(b, "body", specs, lambda b, v: [
        op(b, "ADD", [v[0], const(b, 1, I32)], [], I32), op(b, "MUL", [v[1], const(b, 2.0, F32)], [2, 3]), v[2]])
    first = add_while(b, [const(b, 0, I32), x, n], cond, body, specs)
    second = add_while(b, [const(b, 1, I32), y, n], cond, body, [spec([], I32), spec([4]), spec([], I32)])
    b.mark_output(first[1])
    b.mark_output(second[1])
    xv, yv = np.ones((2, 3), F32), np.arange(4, dtype=F32)
    interp = edgelite.Interpreter(model_content=b.build())
    interp.allocate_tensors()
    for k in (3, 0, 5):
        assert_outputs(run(None, [xv, yv, np.int32(k)], interp=interp),
                       [xv * np.float32(2 ** max(k, 0)), yv * np.float32(2 ** max(k - 1, 0))])


@requires_litert
def test_same_as_litert():
    # swap_model is left out: LiteRT 2.3 copies body outputs onto body inputs one by one, so a body output that
    # is another position's input reads a value already overwritten (it gives [-51.2, 0] twice where NumPy and
    # edgelite give [-22.8, -6], [-14, -3.6]); test_body_that_exchanges_values checks edgelite against NumPy.
    x = np.linspace(-2, 2, 6, dtype=F32).reshape(2, 3)
    cases = [(counter_model(True), [np.int32(0), x, np.int32(4)]),
             (grow_model(), [np.int32(0), np.ones((2, 3), F32), x[:1], np.int32(5)]),
             (while_with_if_in_body(), [np.int32(0), x, np.int32(7)]),
             (if_with_while_in_branch(), [np.bool_(True), x])]
    for model, inputs in cases:
        assert_outputs(run(model, inputs), run_litert(model, inputs))


# ---- bad models: named errors at allocate time ----

def bad_counter(cond_index=1, body_index=2, body_outputs=None, cond_output=None, cond_inputs=None):
    b = ModelBuilder()
    ins = [b.add_input(f"x{k}", s[0], s[1]) for k, s in enumerate(COUNTER_SPECS)]
    add_graph(b, "cond", cond_inputs or COUNTER_SPECS,
              cond_output or (lambda b, v: [op(b, "LESS", [v[0], v[-1]], [], BOOL)]))
    add_graph(b, "body", COUNTER_SPECS, body_outputs or (lambda b, v: [v[0], v[1], v[2]]))
    add_while(b, ins, cond_index, body_index, COUNTER_SPECS)
    return b


def expect_error(b, pattern, cls=edgelite.EdgeliteError):
    # Bad subgraph indices, recursion and deep nesting are refused when the model loads (graph validation).
    with pytest.raises(cls, match=pattern):
        edgelite.Interpreter(model_content=b.build()).allocate_tensors()


@pytest.mark.parametrize("cond_index, body_index, pattern", [
    (7, 2, "refers to subgraph 7, out of range"),
    (1, 9, "refers to subgraph 9, out of range"),
    (-1, 2, "refers to subgraph -1, out of range"),
    (2, 2, "cond and body are the same subgraph"),
    (0, 2, "recursive subgraph calls"),
    (1, 0, "recursive subgraph calls"),
])
def test_bad_subgraph_indices(cond_index, body_index, pattern):
    expect_error(bad_counter(cond_index, body_index), pattern)


def test_body_output_count_differs():
    expect_error(bad_counter(body_outputs=lambda b, v: [v[0], v[1]]),
                 r"body subgraph 2 \('body'\) gives 2 outputs but the node has 3")


def test_cond_signature_differs():
    expect_error(bad_counter(cond_inputs=COUNTER_SPECS[:2], cond_output=lambda b, v: [op(b, "LESS", [v[0], v[0]], [], BOOL)]),
                 r"cond subgraph 1 \('cond'\) takes 2 inputs but the node gives it 3")
    wrong_types = [spec([], I32), spec([2, 3], I32), spec([], I32)]
    expect_error(bad_counter(cond_inputs=wrong_types), r"cond subgraph 1 \('cond'\) input 1 .* is int32 but the node "
                                                       r"gives it 'x1', float32")


def test_cond_must_give_one_bool():
    expect_error(bad_counter(cond_output=lambda b, v: [v[1]]), r"must give one bool, got float32 \[2, 3\]")


def test_body_output_type_differs():
    expect_error(bad_counter(body_outputs=lambda b, v: [v[0], op(b, "CAST", [v[1]], [2, 3], I32), v[2]]),
                 r"body subgraph 2 \('body'\) output 1 .* is int32 but node output 1 .* is float32")


def test_node_input_and_output_counts_differ():
    b = ModelBuilder()
    x = b.add_input("x", [], I32)
    add_graph(b, "cond", [spec([], I32)], lambda b, v: [op(b, "LESS", [v[0], v[0]], [], BOOL)])
    add_graph(b, "body", [spec([], I32)], lambda b, v: [v[0]])
    outs = [b.add_tensor("o1", [], I32), b.add_tensor("o2", [], I32)]
    b.add_operator("WHILE", [x], outs, {"cond_subgraph_index": 1, "body_subgraph_index": 2})
    expect_error(b, "has 1 inputs and 2 outputs")


def test_body_that_loops_into_itself_is_refused():
    # The body holds a WHILE whose body is the body again: recursion, refused before it can run.
    b = ModelBuilder()
    ins = [b.add_input(f"x{k}", s[0], s[1]) for k, s in enumerate(COUNTER_SPECS)]
    add_graph(b, "cond", COUNTER_SPECS, lambda b, v: [op(b, "LESS", [v[0], v[2]], [], BOOL)])
    add_graph(b, "body", COUNTER_SPECS, lambda b, v: add_while(b, v, 1, 2, COUNTER_SPECS))
    add_while(b, ins, 1, 2, COUNTER_SPECS)
    expect_error(b, "recursive subgraph calls")


def test_deep_nesting_is_refused_not_a_stack_overflow():
    # 200 subgraphs, each a loop whose body is the next: refused at a fixed depth.
    depth = 200
    b = ModelBuilder()
    x = b.add_input("x", [], I32)
    s = [spec([], I32)]
    cond = add_graph(b, "cond", s, lambda b, v: [op(b, "LESS", [v[0], const(b, 0, I32)], [], BOOL)])
    first_body = len(b._subgraphs)
    for k in range(depth):
        nxt = first_body + k + 1 if k + 1 < depth else None
        add_graph(b, f"body{k}", s, (lambda nxt: lambda b, v: add_while(b, v, cond, nxt, s) if nxt else [v[0]])(nxt))
    b.mark_output(add_while(b, [x], cond, first_body, s)[0])
    expect_error(b, "nested deeper than 64", edgelite.UnsupportedError)


def test_constant_subgraph_input_is_refused():
    b = bad_counter()
    b.set_subgraph(1)
    sg = b._subgraphs[1]
    sg.inputs[1] = const(b, np.zeros((2, 3), F32))  # cond's input 1 is now a constant of the model
    b.set_subgraph(0)
    expect_error(b, "is a constant of the model")
