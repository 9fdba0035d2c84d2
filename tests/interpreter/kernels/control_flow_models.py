"""Building models with control flow (WHILE, IF, CALL_ONCE) and resource variables with ModelBuilder, and
running them in edgelite and, when installed, in LiteRT. A plain module, like kernel_twins.

A subgraph is added with `add_graph(b, name, specs, fn)`: `specs` are the input (shape, dtype[, shape_signature])
and `fn(b, inputs)` adds the body and returns the output tensors; the current subgraph is restored after, so
graphs nest (a branch that holds a loop)."""

import importlib.util
import itertools

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder

requires_litert = pytest.mark.skipif(importlib.util.find_spec("ai_edge_litert") is None,
                                     reason="ai-edge-litert is not installed")

F32, I32, BOOL = np.float32, np.int32, np.bool_
_names = itertools.count()


def spec(shape, dtype=F32, signature=None):
    return (list(shape), dtype, signature)


def add_graph(b, name, specs, fn):
    """Adds subgraph `name` taking inputs `specs`, whose outputs are fn(b, inputs); returns its index."""
    previous = b.current_subgraph
    index = b.add_subgraph(name)
    inputs = [b.add_input(f"{name}_in{i}", s[0], s[1], shape_signature=s[2]) for i, s in enumerate(specs)]
    for out in fn(b, inputs):
        b.mark_output(out)
    b.set_subgraph(previous)
    return index


def op(b, name, inputs, shape=None, dtype=F32, options=None, signature=None):
    """Adds operator `name` with one new output tensor; returns the output."""
    out = b.add_tensor(f"{name.lower()}_{next(_names)}", shape, dtype, shape_signature=signature)
    b.add_operator(name, inputs, [out], options)
    return out


def const(b, value, dtype=None):
    return b.add_constant(f"c{next(_names)}", np.asarray(value, dtype=dtype))


def add_while(b, inputs, cond, body, specs):
    """A WHILE node over `inputs` with cond/body subgraph indices; returns its outputs (shaped as `specs`)."""
    outs = [b.add_tensor(f"while_out{next(_names)}", s[0], s[1], shape_signature=s[2]) for s in specs]
    b.add_operator("WHILE", inputs, outs, {"cond_subgraph_index": cond, "body_subgraph_index": body})
    return outs


def add_if(b, condition, inputs, then_index, else_index, specs):
    outs = [b.add_tensor(f"if_out{next(_names)}", s[0], s[1], shape_signature=s[2]) for s in specs]
    b.add_operator("IF", [condition] + list(inputs), outs,
                   {"then_subgraph_index": then_index, "else_subgraph_index": else_index})
    return outs


def while_model(specs, cond_fn, body_fn, post_fn=None):
    """A model whose inputs are the loop's start values and whose outputs are its results (through
    post_fn(b, outs) when given). Subgraph 1 is cond, 2 is body."""
    b = ModelBuilder()
    inputs = [b.add_input(f"x{i}", s[0], s[1], shape_signature=s[2]) for i, s in enumerate(specs)]
    cond = add_graph(b, "cond", specs, lambda b, ins: [cond_fn(b, ins)])
    body = add_graph(b, "body", specs, body_fn)
    outs = add_while(b, inputs, cond, body, specs)
    for out in (post_fn(b, outs) if post_fn else outs):
        b.mark_output(out)
    return b


def run(model, inputs, interp=None, **kwargs):
    """Outputs of `model` (bytes) run by edgelite on `inputs`; pass `interp` to reuse an interpreter across
    calls (it is allocated again only when an input's shape changes)."""
    allocate = interp is None
    interp = interp or edgelite.Interpreter(model_content=model, **kwargs)
    details = interp.get_input_details()
    for d, x in zip(details, inputs):
        if list(d["shape"]) != list(np.shape(x)):
            interp.resize_tensor_input(d["index"], list(np.shape(x)))
            allocate = True
    if allocate:
        interp.allocate_tensors()
    for d, x in zip(details, inputs):
        interp.set_tensor(d["index"], np.asarray(x, d["dtype"]))
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()]


def run_litert(model, inputs):
    """The same in LiteRT (builtin kernels, XNNPACK off)."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    interp = Interpreter(model_content=model,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    details = interp.get_input_details()
    for d, x in zip(details, inputs):
        if list(d["shape"]) != list(np.shape(x)):
            interp.resize_tensor_input(d["index"], list(np.shape(x)))
    interp.allocate_tensors()
    for d, x in zip(details, inputs):
        interp.set_tensor(d["index"], np.asarray(x, d["dtype"]))
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()]


def assert_outputs(got, expected, rtol=1e-6):
    assert len(got) == len(expected)
    for i, (g, e) in enumerate(zip(got, expected)):
        e = np.asarray(e)
        assert g.shape == e.shape, f"output {i}: shape {g.shape} != {e.shape}"
        assert g.dtype == e.dtype, f"output {i}: dtype {g.dtype} != {e.dtype}"
        np.testing.assert_allclose(g, e, rtol=rtol, atol=1e-6, err_msg=f"output {i}")
