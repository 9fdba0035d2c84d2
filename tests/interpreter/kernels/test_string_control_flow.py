"""IF and WHILE carrying string tensors (LiteRT's control-flow kernels pass strings through to their subgraphs):
branches and loop bodies built with ModelBuilder, against NumPy and LiteRT."""

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder
from litert_builtin import requires_litert

S = np.dtype(object)
WORDS = np.array([b"alpha", b"", "\u00e9t\u00e9".encode(), b"nul\x00byte"], dtype=object)


def if_model(n):
    """IF(cond, words): then tiles the words twice (a new shape: the node's output is dynamic), else gives
    them back reversed by GATHER."""
    b = ModelBuilder()
    cond = b.add_input("cond", [], np.bool_)
    words = b.add_input("words", [n], S)
    out = b.add_tensor("out", [n], S)
    b.add_operator("IF", [cond, words], [out], {"then_subgraph_index": 1, "else_subgraph_index": 2})
    b.mark_output(out)
    b.add_subgraph("then")
    a = b.add_input("a", [n], S)
    tiled = b.add_tensor("tiled", [2 * n], S)
    b.add_operator("TILE", [a, b.add_constant("multiples", np.array([2], np.int32))], [tiled])
    b.mark_output(tiled)
    b.add_subgraph("else")
    a = b.add_input("a", [n], S)
    flipped = b.add_tensor("flipped", [n], S)
    b.add_operator("GATHER", [a, b.add_constant("order", np.arange(n)[::-1].astype(np.int32))], [flipped])
    b.mark_output(flipped)
    return b.build()


def while_model(n, grow):
    """WHILE(i, words) while i < limit: i + 1, and the words tiled twice (grow) or passed through unchanged."""
    b = ModelBuilder()
    i0 = b.add_input("i", [1], np.int32)
    words = b.add_input("words", [n], S)
    i_out, w_out = b.add_tensor("i_out", [1], np.int32), b.add_tensor("w_out", [n], S)
    b.add_operator("WHILE", [i0, words], [i_out, w_out], {"cond_subgraph_index": 1, "body_subgraph_index": 2})
    b.mark_output(i_out)
    b.mark_output(w_out)
    b.add_subgraph("cond")
    i, w = b.add_input("i", [1], np.int32), b.add_input("w", [n], S)
    go = b.add_tensor("go", [1], np.bool_)
    b.add_operator("LESS", [i, b.add_constant("limit", np.array([3], np.int32))], [go])
    b.mark_output(go)
    b.add_subgraph("body")
    i, w = b.add_input("i", [1], np.int32), b.add_input("w", [n], S)
    i_next = b.add_tensor("i_next", [1], np.int32)
    b.add_operator("ADD", [i, b.add_constant("one", np.array([1], np.int32))], [i_next])
    b.mark_output(i_next)
    if grow:
        w_next = b.add_tensor("w_next", [2 * n], S)
        b.add_operator("TILE", [w, b.add_constant("multiples", np.array([2], np.int32))], [w_next])
        b.mark_output(w_next)
    else:
        b.mark_output(w)
    return b.build()


def run(interpreter_class, model, feeds):
    interp = interpreter_class(model_content=model)
    interp.allocate_tensors()
    for d, value in zip(interp.get_input_details(), feeds):
        interp.set_tensor(d["index"], value)
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()]


def litert_interpreter():
    from ai_edge_litert.interpreter import Interpreter
    return Interpreter


@pytest.mark.parametrize("take_then", [True, False])
def test_if_passes_strings_to_its_branch(take_then):
    (out,) = run(edgelite.Interpreter, if_model(len(WORDS)), [np.array(take_then), WORDS])
    expected = np.tile(WORDS, 2) if take_then else WORDS[::-1]
    assert out.dtype == S
    assert out.tolist() == expected.tolist()


@requires_litert
@pytest.mark.parametrize("take_then", [True, False])
def test_if_matches_litert(take_then):
    feeds = [np.array(take_then), WORDS]
    ours, theirs = run(edgelite.Interpreter, if_model(len(WORDS)), feeds), run(litert_interpreter(), if_model(len(WORDS)), feeds)
    assert ours[0].tolist() == theirs[0].tolist()


@pytest.mark.parametrize("grow", [False, True])
@pytest.mark.parametrize("start", [0, 3])
def test_while_carries_strings(grow, start):
    i, words = run(edgelite.Interpreter, while_model(len(WORDS), grow), [np.array([start], np.int32), WORDS])
    steps = max(0, 3 - start)
    assert i.tolist() == [max(start, 3)]
    assert words.tolist() == (np.tile(WORDS, 2 ** steps) if grow else WORDS).tolist()


@requires_litert
def test_while_matches_litert():
    # Growing words only: when the body passes the strings through unchanged and runs at least once, LiteRT
    # 2.3.0's output cannot be read back ("Invalid tensor size"); test_while_carries_strings checks that case.
    feeds = [np.array([0], np.int32), WORDS]
    model = while_model(len(WORDS), grow=True)
    ours, theirs = run(edgelite.Interpreter, model, feeds), run(litert_interpreter(), model, feeds)
    assert [a.tolist() for a in ours] == [a.tolist() for a in theirs]


def test_while_invoked_again_with_other_strings():
    interp = edgelite.Interpreter(model_content=while_model(2, grow=True))
    interp.allocate_tensors()
    for words in ([b"a", b"bc"], [b"", b"longer word"]):
        interp.set_tensor(0, np.array([1], np.int32))
        interp.set_tensor(1, np.array(words, dtype=object))
        interp.invoke()
        out = interp.get_tensor(interp.get_output_details()[1]["index"])
        assert out.tolist() == words * 4
