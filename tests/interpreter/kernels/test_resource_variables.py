"""VAR_HANDLE, ASSIGN_VARIABLE, READ_VARIABLE and CALL_ONCE: a variable keeps its value across invokes, is shared by
every subgraph naming it, can change shape on assignment, survives reset_all_variables() and allocate_tensors()
as in LiteRT; an init subgraph runs once per interpreter; reading an unassigned variable and bad init subgraphs
are named errors. LiteRT runs the same models when installed."""

import numpy as np
import pytest

import edgelite
from control_flow_models import (BOOL, F32, I32, add_graph, add_if, assert_outputs, const, op, requires_litert, run,
                                 run_litert, spec)
from edgelite.model_builder import ModelBuilder


def handle(b, shared_name, container=""):
    return op(b, "VAR_HANDLE", [], [], "resource", {"container": container, "shared_name": shared_name})


def accumulator_model(init_value=None, shape=(2, 3)):
    """total += x every invoke and returns total * 2 and the count of invokes; with `init_value` a CALL_ONCE
    init subgraph starts total there (and count at 0), as TensorFlow's converter writes a tf.Variable."""
    shape = list(shape)
    b = ModelBuilder()
    x = b.add_input("x", shape)
    if init_value is not None:
        def init(b, _):
            b.add_operator("ASSIGN_VARIABLE", [handle(b, "total"), const(b, np.asarray(init_value, F32))], [])
            b.add_operator("ASSIGN_VARIABLE", [handle(b, "count"), const(b, 0, I32)], [])
            return []
        init_index = add_graph(b, "init", [], init)
        b.add_operator("CALL_ONCE", [], [], {"init_subgraph_index": init_index})
    total, count = handle(b, "total"), handle(b, "count")
    new_total = op(b, "ADD", [op(b, "READ_VARIABLE", [total], shape), x], shape)
    b.add_operator("ASSIGN_VARIABLE", [total, new_total], [])
    new_count = op(b, "ADD", [op(b, "READ_VARIABLE", [count], [], I32), const(b, 1, I32)], [], I32)
    b.add_operator("ASSIGN_VARIABLE", [count, new_count], [])
    b.mark_output(op(b, "MUL", [op(b, "READ_VARIABLE", [total], shape), const(b, 2.0, F32)], shape))
    b.mark_output(op(b, "READ_VARIABLE", [count], [], I32))
    return b.build()


def test_state_across_invokes_and_reset_keeps_it():
    start = np.full((2, 3), 0.5, F32)
    interp = edgelite.Interpreter(model_content=accumulator_model(start))
    interp.allocate_tensors()
    x = np.arange(6, dtype=F32).reshape(2, 3)
    total = start.copy()
    for k in range(1, 4):
        total = total + x
        assert_outputs(run(None, [x], interp=interp), [total * 2, np.int32(k)])
    # As LiteRT: reset_all_variables() resets variable tensors, not resource variables; allocate_tensors() does
    # not run the init subgraph again.
    interp.reset_all_variables()
    interp.allocate_tensors()
    total = total + x
    assert_outputs(run(None, [x], interp=interp), [total * 2, np.int32(4)])
    # A new interpreter starts over.
    assert_outputs(run(accumulator_model(start), [x]), [(start + x) * 2, np.int32(1)])


def test_read_before_any_assignment_is_a_named_error():
    interp = edgelite.Interpreter(model_content=accumulator_model(None))
    interp.allocate_tensors()
    interp.set_tensor(0, np.zeros((2, 3), F32))
    with pytest.raises(edgelite.NotReadyError, match="reads variable 'total' before any ASSIGN_VARIABLE"):
        interp.invoke()


def test_variable_shared_by_subgraphs_and_reshaped_by_assignment():
    # Main assigns v = x (of any length); the IF branch, another subgraph, reads the same v by its name and
    # grows it to concat(v, v); main then reads it back.
    b = ModelBuilder()
    flag, x = b.add_input("flag", [], BOOL), b.add_input("x", [2], F32, shape_signature=[-1])
    v = handle(b, "v", container="c")
    b.add_operator("ASSIGN_VARIABLE", [v, x], [])

    def grow(b, ins):
        h = handle(b, "v", container="c")
        value = op(b, "READ_VARIABLE", [h], [2], signature=[-1])
        b.add_operator("ASSIGN_VARIABLE", [h, op(b, "CONCATENATION", [value, value], [4], options={"axis": 0})], [])
        return [ins[0]]

    then = add_graph(b, "grow", [spec([], BOOL)], grow)
    other = add_graph(b, "keep", [spec([], BOOL)], lambda b, ins: [ins[0]])
    (done,) = add_if(b, flag, [flag], then, other, [spec([], BOOL)])
    b.mark_output(done)
    b.mark_output(op(b, "READ_VARIABLE", [v], [2], signature=[-1]))
    model = b.build()
    for flag_value in (True, False):
        for n in (2, 5):
            xv = np.arange(n, dtype=F32)
            assert_outputs(run(model, [np.bool_(flag_value), xv]),
                           [np.bool_(flag_value), np.concatenate([xv, xv]) if flag_value else xv])


def test_variables_of_each_dtype():
    for dtype, value in ((I32, [3, -4]), (BOOL, [True, False, True]), (np.int64, [2 ** 40]), (np.int8, [-5])):
        value = np.asarray(value, dtype)
        b = ModelBuilder()
        x = b.add_input("x", list(value.shape), dtype)
        h = handle(b, "v")
        b.add_operator("ASSIGN_VARIABLE", [h, x], [])
        b.mark_output(op(b, "READ_VARIABLE", [h], list(value.shape), dtype))
        assert_outputs(run(b.build(), [value]), [value])


def test_handles_tensors_look_as_in_litert():
    interp = edgelite.Interpreter(model_content=accumulator_model(np.zeros((2, 3), F32)))
    interp.allocate_tensors()
    details = {d["name"]: d for d in interp.get_tensor_details()}
    resource = [d for d in details.values() if d["dtype"] is np.object_]
    assert len(resource) == 2
    value = interp.get_tensor(resource[0]["index"])
    assert value.dtype == object and value.shape == ()
    with pytest.raises(edgelite.InvalidArgumentError, match="resource handle"):
        interp.set_tensor(resource[0]["index"], np.array(None, object))


@requires_litert
def test_same_as_litert_over_invokes():
    from ai_edge_litert.interpreter import Interpreter
    model = accumulator_model(np.full((2, 3), -1.0, F32))
    theirs, ours = Interpreter(model_content=model), edgelite.Interpreter(model_content=model)
    theirs.allocate_tensors()
    ours.allocate_tensors()
    rng = np.random.default_rng(3)
    for step in range(4):
        x = rng.normal(size=(2, 3)).astype(F32)
        if step == 2:
            theirs.reset_all_variables()
            ours.reset_all_variables()
        outs = []
        for interp in (theirs, ours):
            interp.set_tensor(interp.get_input_details()[0]["index"], x)
            interp.invoke()
            outs.append([interp.get_tensor(d["index"]) for d in interp.get_output_details()])
        assert_outputs(outs[1], outs[0])
    assert ours._get_op_details(1)["result_types"] == theirs._get_op_details(1)["result_types"]


# ---- CALL_ONCE ----

def test_init_subgraph_runs_once_even_with_two_call_once_nodes():
    b = ModelBuilder()
    x = b.add_input("x", [], F32)

    def init(b, _):  # counts its own runs in a variable
        h = handle(b, "runs")
        b.add_operator("ASSIGN_VARIABLE", [h, const(b, 1.0, F32)], [])
        return []
    init_index = add_graph(b, "init", [], init)
    b.add_operator("CALL_ONCE", [], [], {"init_subgraph_index": init_index})
    b.add_operator("CALL_ONCE", [], [], {"init_subgraph_index": init_index})
    runs = handle(b, "runs")
    after = op(b, "ADD", [op(b, "READ_VARIABLE", [runs], []), x], [])
    b.add_operator("ASSIGN_VARIABLE", [runs, after], [])
    b.mark_output(op(b, "READ_VARIABLE", [runs], []))
    interp = edgelite.Interpreter(model_content=b.build())
    interp.allocate_tensors()
    for k in range(1, 4):
        assert_outputs(run(None, [np.float32(10)], interp=interp), [np.float32(1 + 10 * k)])


def bad_call_once(init_index=1, init_inputs=(), node_inputs=False):
    b = ModelBuilder()
    x = b.add_input("x", [], F32)
    add_graph(b, "init", [spec([], F32)] if init_inputs else [], lambda b, ins: list(ins))
    b.add_operator("CALL_ONCE", [x] if node_inputs else [], [], {"init_subgraph_index": init_index})
    b.mark_output(x)
    return b


@pytest.mark.parametrize("kwargs, pattern", [
    ({"init_index": 4}, "refers to subgraph 4, out of range"),
    ({"init_index": 0}, "recursive subgraph calls"),
    ({"init_inputs": True}, r"init subgraph 1 \('init'\) has 1 inputs and 1 outputs; an init subgraph has none"),
    ({"node_inputs": True}, "has 1 inputs and 0 outputs; CALL_ONCE has none"),
])
def test_bad_call_once(kwargs, pattern):
    with pytest.raises(edgelite.EdgeliteError, match=pattern):
        edgelite.Interpreter(model_content=bad_call_once(**kwargs).build()).allocate_tensors()


def test_bad_handles():
    b = ModelBuilder()
    x = b.add_input("x", [2], F32)
    b.add_operator("ASSIGN_VARIABLE", [x, x], [])
    with pytest.raises(edgelite.InvalidModelError, match="must be a resource .* tensor, got float32"):
        edgelite.Interpreter(model_content=b.build()).allocate_tensors()
    # An int32 id that no VAR_HANDLE made.
    b = ModelBuilder()
    h, x = b.add_input("h", [], I32), b.add_input("x", [2], F32)
    b.add_operator("ASSIGN_VARIABLE", [h, x], [])
    b.mark_output(x)
    interp = edgelite.Interpreter(model_content=b.build())
    interp.allocate_tensors()
    interp.set_tensor(0, np.int32(12))
    interp.set_tensor(1, np.zeros(2, F32))
    with pytest.raises(edgelite.InvalidModelError, match="resource id 12 names no variable"):
        interp.invoke()


def test_delegate_partitioning_keeps_variable_reads_after_writes():
    # READ_VARIABLE after ASSIGN_VARIABLE is an order no tensor carries; gathering the delegate's ADD and MUL
    # nodes must not move a read before the write it follows.
    from edgelite.testing import CpuTestDelegate
    model = accumulator_model(np.full((2, 3), 0.5, F32))
    x = np.arange(6, dtype=F32).reshape(2, 3)
    plain, delegated = (edgelite.Interpreter(model_content=model),
                        edgelite.Interpreter(model_content=model, experimental_delegates=[CpuTestDelegate(ops=["ADD", "MUL"])]))
    plain.allocate_tensors()
    delegated.allocate_tensors()
    assert any(op["delegated"] for op in delegated._get_ops_details())
    for _ in range(3):
        assert_outputs(run(None, [x], interp=delegated), run(None, [x], interp=plain))
