"""Subgraphs that call subgraphs (the mechanism WHILE, IF and CALL_ONCE are built on), through an IF whose
condition is a constant true and whose branches are both the callee: the caller prepares the callee with its
input shapes and runs it; a call back into a subgraph that is preparing or running is a named error, never a
stack overflow; a tensor whose shape changes during invoke becomes dynamic and the nodes after it prepare
again."""

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder


def call(b, subgraph, inputs, outputs):
    always = b.add_constant("always", np.array([True]))
    b.add_operator("IF", [always] + list(inputs), outputs,
                   {"then_subgraph_index": subgraph, "else_subgraph_index": subgraph})


def interpreter(model):
    return edgelite.Interpreter(model_content=model)


def times_three_callee(b, shape):
    b.add_subgraph("times_three")
    a = b.add_input("a", shape)
    three = b.add_constant("three", np.array([3.0], np.float32))
    out = b.add_tensor("b", shape)
    b.add_operator("MUL", [a, three], [out])
    b.mark_output(out)


def test_caller_runs_callee_and_uses_its_output():
    b = ModelBuilder()
    x = b.add_input("x", [2, 3], shape_signature=[-1, 3])
    y, z = b.add_tensor("y", [2, 3]), b.add_tensor("z", [2, 3])
    call(b, 1, [x], [y])
    b.add_operator("ADD", [y, y], [z])
    b.mark_output(z)
    times_three_callee(b, [2, 3])
    interp = interpreter(b.build())
    interp.allocate_tensors()
    for batch in (2, 5):  # a new input shape re-prepares the callee with it
        xv = np.arange(batch * 3, dtype=np.float32).reshape(batch, 3)
        if batch != 2:
            interp.resize_tensor_input(0, [batch, 3])
            interp.allocate_tensors()
        interp.set_tensor(0, xv)
        interp.invoke()
        np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]), 6 * xv)


@pytest.mark.parametrize("target", [0, 1])
def test_recursion_is_a_named_error(target):
    # Subgraph 0 calls 1; subgraph 1 calls `target` (0: back to its caller, 1: itself).
    b = ModelBuilder()
    x = b.add_input("x", [2])
    y = b.add_tensor("y", [2])
    call(b, 1, [x], [y])
    b.mark_output(y)
    b.add_subgraph("loop")
    a = b.add_input("a", [2])
    out = b.add_tensor("out", [2])
    call(b, target, [a], [out])
    b.mark_output(out)
    with pytest.raises(edgelite.EdgeliteError, match="recursive subgraph calls"):
        interpreter(b.build()).allocate_tensors()


def test_self_call_and_out_of_range_subgraph():
    for target, message in ((0, "recursive"), (3, "out of range")):
        b = ModelBuilder()
        x = b.add_input("x", [2])
        y = b.add_tensor("y", [2])
        call(b, target, [x], [y])
        b.mark_output(y)
        with pytest.raises(edgelite.EdgeliteError, match=message):
            interpreter(b.build()).allocate_tensors()


def test_signature_mismatch_is_a_named_error():
    b = ModelBuilder()
    x = b.add_input("x", [2, 3])
    y, w = b.add_tensor("y", [2, 3]), b.add_tensor("w", [2, 3])
    call(b, 1, [x], [y, w])
    b.mark_output(y)
    times_three_callee(b, [2, 3])
    with pytest.raises(edgelite.InvalidModelError, match=r"then subgraph 1 \('times_three'\) gives 1 outputs but the node has 2"):
        interpreter(b.build()).allocate_tensors()


def test_tensor_that_grows_during_invoke_becomes_dynamic():
    # The callee tiles its input by multiples it receives at run time, so the caller's output has its
    # real shape only after the call; the ADD after it prepares again at eval.
    b = ModelBuilder()
    x = b.add_input("x", [1, 2])
    m = b.add_input("m", [2], np.int32)
    t, z = b.add_tensor("t", [1, 2]), b.add_tensor("z", [1, 2])
    one = b.add_constant("one", np.array([1.0], np.float32))
    call(b, 1, [x, m], [t])
    b.add_operator("ADD", [t, one], [z])
    b.mark_output(z)
    b.add_subgraph("tiler")
    a = b.add_input("a", [1, 2])
    mult = b.add_input("mult", [2], np.int32)
    tiled = b.add_tensor("tiled", [1, 2])
    b.add_operator("TILE", [a, mult], [tiled])
    b.mark_output(tiled)
    interp = interpreter(b.build())
    interp.allocate_tensors()
    xv = np.array([[1.0, -2.0]], np.float32)
    for mv in ([1, 1], [3, 2], [2, 5], [1, 1]):
        interp.set_tensor(0, xv)
        interp.set_tensor(1, np.array(mv, np.int32))
        interp.invoke()
        got = interp.get_tensor(interp.get_output_details()[0]["index"])
        np.testing.assert_array_equal(got, np.tile(xv, mv) + 1)
