"""Graph validation (interpreter/graph_validation.cc, subgraph_memory.cc): one hand-made bad model per rule, each
refused with an error that names the rule's problem, and the memory cap (max_arena_bytes) for declared tensors,
the arena and outputs sized during invoke."""

import os

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder


def load(content: bytes, **options):
    interp = edgelite.Interpreter(model_content=content, **options)
    interp.allocate_tensors()
    return interp


def two_adds(edit=None) -> bytes:
    """x -> ADD(x, c) -> y -> ADD(y, c) -> z; `edit(b, tensors)` rewires it before building."""
    b = ModelBuilder()
    x = b.add_input("x", [2])
    c = b.add_constant("c", np.ones(2, np.float32))
    y, z = b.add_tensor("y", [2]), b.add_tensor("z", [2])
    t = {"x": x, "c": c, "y": y, "z": z}
    ops = [(x, c, y), (y, c, z)]
    if edit:
        ops = edit(b, t, ops)
    for a, bb, out in ops:
        b.add_operator("ADD", [a, bb], [out])
    b.mark_output(t["z"])
    return b.build()


def test_the_unedited_graph_runs():
    interp = load(two_adds())
    interp.set_tensor(0, np.array([1, 2], np.float32))
    interp.invoke()
    np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]), [3, 4])


# ---- who writes a tensor ----
def _two_writers(b, t, ops):
    return [ops[0], ops[1], (t["x"], t["c"], t["z"])]


def _writes_constant(b, t, ops):
    return [(t["x"], t["x"], t["c"]), ops[1]]


def _writes_graph_input(b, t, ops):
    return [ops[0], (t["y"], t["c"], t["x"]), ops[1]]


def _writes_variable(b, t, ops):
    state = b.add_tensor("state", [2], is_variable=True)
    return [ops[0], (t["y"], t["c"], state), ops[1]]


# ---- inputs defined before use ----
def _reads_own_output(b, t, ops):
    return [ops[0], (t["z"], t["c"], t["z"])]


def _reads_later_output(b, t, ops):
    return [ops[1], ops[0]]


def _reads_nothing(b, t, ops):
    orphan = b.add_tensor("orphan", [2])
    return [ops[0], (orphan, t["c"], t["z"])]


def _output_never_written(b, t, ops):
    t["z"] = b.add_tensor("unwritten", [2])
    return [ops[0]]


@pytest.mark.parametrize("edit, pattern", [
    (_two_writers, r"node 2 \(ADD\) writes tensor 3 \('z'\), which node 1 \(ADD\) also writes"),
    (_writes_constant, r"node 0 \(ADD\) writes tensor 1 \('c'\), a constant of the model"),
    (_writes_graph_input, r"node 1 \(ADD\) writes tensor 0 \('x'\), a graph input"),
    (_writes_variable, r"node 1 \(ADD\) writes tensor 4 \('state'\), a variable"),
    (_reads_own_output, r"node 1 \(ADD\) reads tensor 3 \('z'\), its own output \(a cycle\)"),
    (_reads_later_output, r"node 0 \(ADD\) reads tensor 2 \('y'\) before node 1 \(ADD\) writes it"),
    (_reads_nothing, r"node 1 \(ADD\) reads tensor 4 \('orphan'\), which nothing writes \(no graph input, "
                     r"constant or node output\)"),
    (_output_never_written, r"subgraph 0 \('main'\) has output tensor 4 \('unwritten'\), which nothing writes"),
])
def test_dataflow_rule(edit, pattern):
    with pytest.raises(edgelite.InvalidModelError, match=pattern):
        edgelite.Interpreter(model_content=two_adds(edit))


# ---- control flow ----
def counter(cond_index=1, body_index=2, body_calls=None) -> bytes:
    """main: WHILE(i < 3) i += 1; `body_calls` adds an IF in the body calling that subgraph."""
    b = ModelBuilder()
    i = b.add_input("i", [], np.int32)
    out = b.add_tensor("i_out", [], np.int32)
    b.add_operator("WHILE", [i], [out], {"cond_subgraph_index": cond_index, "body_subgraph_index": body_index})
    b.mark_output(out)
    b.add_subgraph("cond")
    ci = b.add_input("i", [], np.int32)
    less = b.add_tensor("less", [], np.bool_)
    b.add_operator("LESS", [ci, b.add_constant("three", np.int32(3))], [less])
    b.mark_output(less)
    b.add_subgraph("body")
    bi = b.add_input("i", [], np.int32)
    nxt = b.add_tensor("next", [], np.int32)
    b.add_operator("ADD", [bi, b.add_constant("one", np.int32(1))], [nxt])
    if body_calls is None:
        b.mark_output(nxt)
    else:
        called = b.add_tensor("called", [], np.int32)
        b.add_operator("IF", [b.add_constant("yes", np.array([True])), nxt], [called],
                       {"then_subgraph_index": body_calls, "else_subgraph_index": body_calls})
        b.mark_output(called)
    return b.build()


def test_the_loop_runs():
    interp = load(counter())
    interp.set_tensor(0, np.int32(0))
    interp.invoke()
    assert int(interp.get_tensor(interp.get_output_details()[0]["index"])) == 3


def call_once(init_index) -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", [1])
    y = b.add_tensor("y", [1])
    b.add_operator("CALL_ONCE", [], [], {"init_subgraph_index": init_index})
    b.add_operator("RELU", [x], [y])
    b.mark_output(y)
    b.add_subgraph("init")
    return b.build()


@pytest.mark.parametrize("model, pattern", [
    (lambda: counter(body_index=7), r"node 0 \(WHILE\): refers to subgraph 7, out of range \(the model has 3\)"),
    (lambda: counter(cond_index=-1), r"node 0 \(WHILE\): refers to subgraph -1, out of range"),
    (lambda: counter(body_calls=9), r"node 1 \(IF\): refers to subgraph 9, out of range"),
    (lambda: call_once(4), r"node 0 \(CALL_ONCE\): refers to subgraph 4, out of range"),
])
def test_control_flow_index_out_of_range_is_refused_at_allocate(model, pattern):
    with pytest.raises(edgelite.InvalidModelError, match=pattern):
        load(model())


@pytest.mark.parametrize("model, pattern", [
    # the body calls itself
    (lambda: counter(body_calls=2), r"node 1 \(IF\): calls subgraph 2 \('body'\), which is already preparing"),
    # the body calls the main graph, which runs the loop again
    (lambda: counter(body_calls=0), r"node 1 \(IF\): calls subgraph 0 \('main'\), which is already preparing"),
    # the loop's body is the main graph itself
    (lambda: counter(body_index=0), r"node 0 \(WHILE\): calls subgraph 0 \('main'\), which is already preparing"),
])
def test_recursive_control_flow_is_refused_at_allocate(model, pattern):
    # Met where the control-flow kernels prepare their callees (every cycle reachable from the allocated graph).
    with pytest.raises(edgelite.InvalidModelError, match=pattern + ".*recursive subgraph calls are not allowed"):
        load(model())


# ---- sizes ----
def one_tensor(shape, dtype=np.float32, constant_bytes=None) -> bytes:
    """x (shape) -> RELU -> y, or with constant_bytes: a constant of that many bytes claiming `shape`."""
    b = ModelBuilder()
    if constant_bytes is None:
        x = b.add_input("x", shape, dtype)
    else:
        x = b.add_tensor("x", shape, dtype, buffer=b.add_buffer(b"\x01" * constant_bytes))
    y = b.add_tensor("y", shape, dtype)
    b.add_operator("RELU", [x], [y])
    b.mark_output(y)
    return b.build()


def test_a_shape_whose_size_overflows_is_refused():
    with pytest.raises(edgelite.InvalidModelError, match=r"tensor 'x' of shape \[2147483647, 2147483647, 2147483647\] "
                                                         r"float32 has a negative dimension or a size that overflows 64 "
                                                         r"bits"):
        edgelite.Interpreter(model_content=one_tensor([2 ** 31 - 1] * 3))


def test_a_zero_dimension_does_not_hide_an_overflowing_shape():
    with pytest.raises(edgelite.InvalidModelError, match="overflows 64 bits"):
        edgelite.Interpreter(model_content=one_tensor([0] + [2 ** 31 - 1] * 3))


def test_a_constant_buffer_must_fill_its_shape():
    with pytest.raises(edgelite.InvalidModelError, match=r"shape \[1048576, 1048576\] float32 needs 4398046511104 "
                                                         r"bytes but its buffer has 12"):
        edgelite.Interpreter(model_content=one_tensor([1 << 20, 1 << 20], constant_bytes=12))


def test_a_100_gb_tensor_fails_at_allocate_with_the_default_cap():
    interp = edgelite.Interpreter(model_content=one_tensor([25, 1 << 30]))  # 25 Gi floats = 100 GiB
    cap = os.sysconf("SC_PHYS_PAGES") // 4 * 3 * os.sysconf("SC_PAGE_SIZE")  # DefaultMaxArenaBytes()
    if cap >= 100 << 30:
        pytest.skip(f"this machine's default cap ({cap} bytes, 3/4 of its memory) holds 100 GiB")
    with pytest.raises(edgelite.UnsupportedError, match=r"tensor 'x' of shape \[25, 1073741824\] float32 needs "
                                                        r"107374182400 bytes, past the memory cap of "
                                                        rf"{cap} bytes \(max_arena_bytes\)"):
        interp.allocate_tensors()


def test_max_arena_bytes_caps_the_arena():
    # two 600 KB tensors live at once: each fits under a 1 MB cap, the arena does not
    model = one_tensor([150_000])
    load(model, max_arena_bytes=2 << 20)
    with pytest.raises(edgelite.UnsupportedError, match=r"the tensor arena needs \d+ more bytes, past the memory "
                                                        r"cap of 1048576 bytes \(max_arena_bytes; \d+ bytes taken\)"):
        load(model, max_arena_bytes=1 << 20)


def test_a_resized_input_beyond_the_cap_is_refused():
    interp = load(one_tensor([4]), max_arena_bytes=1 << 20)
    with pytest.raises(edgelite.UnsupportedError, match="past the memory cap of 1048576 bytes"):
        interp.resize_tensor_input(0, [1 << 20])
    with pytest.raises(edgelite.InvalidArgumentError, match="overflows 64 bits"):
        interp.resize_tensor_input(0, [2 ** 31 - 1] * 3)
    interp.invoke()  # the interpreter is still usable at its old shape


def fill_from_input() -> bytes:
    """y = FILL(dims, 1.0) with dims a graph input: y's shape is known only at invoke."""
    b = ModelBuilder()
    dims = b.add_input("dims", [2], np.int32)
    y = b.add_tensor("y", [0, 0])
    b.add_operator("FILL", [dims, b.add_constant("one", np.float32(1))], [y])
    b.mark_output(y)
    return b.build()


def test_an_output_sized_at_invoke_is_held_to_the_cap():
    interp = load(fill_from_input(), max_arena_bytes=1 << 20)
    interp.set_tensor(0, np.array([4, 8], np.int32))
    interp.invoke()
    out = interp.get_output_details()[0]["index"]
    assert interp.get_tensor(out).shape == (4, 8)
    interp.set_tensor(0, np.array([1 << 15, 1 << 15], np.int32))  # 4 GiB
    with pytest.raises(edgelite.UnsupportedError, match=r"tensor 'y' of shape \[32768, 32768\] float32 needs "
                                                        r"4294967296 bytes, past the memory cap of 1048576"):
        interp.invoke()
    interp.set_tensor(0, np.array([2, 3], np.int32))
    interp.invoke()
    np.testing.assert_array_equal(interp.get_tensor(out), np.ones((2, 3), np.float32))


@pytest.mark.parametrize("value", [0, -5, 1.5, True])
def test_max_arena_bytes_must_be_a_positive_int(value):
    with pytest.raises(edgelite.InvalidArgumentError, match="max_arena_bytes"):
        edgelite.Interpreter(model_content=one_tensor([4]), max_arena_bytes=value)
