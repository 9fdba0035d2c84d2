"""Helper for the training-layer converter tests: convert once, check the dynamic batch in the file's shape
signature, then compare edgelite and LiteRT with model.predict at several batches."""

from typing import Callable, Sequence

import numpy as np

from converter_testutil import run_everywhere
from edgelite.converter import convert
from edgelite.schema.Model import Model, ModelT

TOLERANCE = 1e-4


def input_signatures(content: bytes):
    m = ModelT.InitFromObj(Model.GetRootAs(content, 0))
    sg = m.subgraphs[0]
    return [list(sg.tensors[i].shapeSignature) if sg.tensors[i].shapeSignature is not None else
            list(sg.tensors[i].shape) for i in sg.inputs]


def check_converted(model, make_inputs: Callable[[int], Sequence[np.ndarray]], batches=(1, 5),
                    tolerance: float = TOLERANCE) -> float:
    """Converts `model`; every input must keep a dynamic batch (-1); at each batch the outputs of edgelite and
    LiteRT (when installed) must match model.predict within `tolerance` (absolute, and relative to the output's
    largest magnitude when that exceeds 1). Returns the largest error seen."""
    content = convert(model)
    assert all(sig[0] == -1 for sig in input_signatures(content)), input_signatures(content)
    worst = 0.0
    for batch in batches:
        xs = list(make_inputs(batch))
        expected = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        expected = expected if isinstance(expected, list) else [expected]
        for runtime, outputs in run_everywhere(content, xs).items():
            assert len(outputs) == len(expected), runtime
            for got, want in zip(outputs, expected):
                assert got.shape == want.shape, f"{runtime} at batch {batch}: {got.shape} vs {want.shape}"
                error = float(np.max(np.abs(got - want))) / max(1.0, float(np.max(np.abs(want))))
                worst = max(worst, error)
                assert error <= tolerance, f"{runtime} at batch {batch}: error {error:.2e}"
    return worst


def randn(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def randomize(model, seed=0, scale=0.5):
    """Sets every float weight of `model` to seeded normal values times `scale` (so zero-initialized biases
    and unit gammas are exercised too)."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        if w.dtype.kind == "f":
            w.assign(rng.standard_normal(w.shape).astype(np.float32) * scale)
