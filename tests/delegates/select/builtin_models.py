"""One-node models of the builtin operators the select-ops library serves (interpreter/plugin_ops.h), made
with edgelite's ModelBuilder, and a runner for edgelite and LiteRT alike."""

from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from edgelite.model_builder import ModelBuilder


def one_node(op: str, inputs: Sequence[Any], outputs: Sequence[Any], options: Optional[Dict] = None,
             version: int = 1) -> bytes:
    """`inputs`: ("in", shape, dtype) for a model input, a NumPy array for a constant, None for an omitted
    optional input. `outputs`: (shape, dtype) each (shape None: unknown until run)."""
    b = ModelBuilder()
    ins: List[Optional[int]] = []
    for k, spec in enumerate(inputs):
        if spec is None:
            ins.append(None)
        elif isinstance(spec, tuple):
            ins.append(b.add_input(f"x{k}", spec[1], spec[2]))
        else:
            ins.append(b.add_constant(f"c{k}", np.asarray(spec)))
    outs = []
    for k, (shape, dtype) in enumerate(outputs):
        t = b.add_tensor(f"y{k}", shape if shape is not None else [], dtype)
        b.mark_output(t)
        outs.append(t)
    b.add_operator(op, ins, outs, options, version=version)
    return b.build()


def run(interp_cls, content: bytes, feeds: Sequence[np.ndarray], **kwargs) -> List[np.ndarray]:
    interp = interp_cls(model_content=content, **kwargs)
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), feeds):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    return [interp.get_tensor(d["index"]).copy() for d in interp.get_output_details()]


def run_edgelite(content: bytes, feeds: Sequence[np.ndarray], **kwargs) -> List[np.ndarray]:
    import edgelite
    return run(edgelite.Interpreter, content, feeds, **kwargs)


def run_litert(content: bytes, feeds: Sequence[np.ndarray]) -> List[np.ndarray]:
    from ai_edge_litert.interpreter import Interpreter
    return run(Interpreter, content, feeds)
