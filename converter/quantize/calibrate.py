"""Calibration: runs the float model over the representative data in edgelite's own interpreter, with every
tensor preserved, and records each tensor's min and max."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

import numpy as np

from ..ir import Graph
from . import QuantizationError


def calibration_samples(graph: Graph, representative_data: Any) -> List[List[np.ndarray]]:
    """The samples as lists of float32 arrays shaped as the graph's inputs. Accepts an array whose first axis
    is samples (single-input models), or an iterable (or a callable returning one) of per-sample lists of
    arrays. Raises QuantizationError for wrong counts, shapes, dtypes, NaN/inf or no samples."""
    data = representative_data() if callable(representative_data) else representative_data
    if isinstance(data, np.ndarray):
        if len(graph.inputs) != 1:
            raise QuantizationError(f"the model has {len(graph.inputs)} inputs: give representative_data as an "
                                    "iterable of per-sample lists of arrays, one array per input")
        data = [[s] for s in data]
    samples = []
    for k, sample in enumerate(data):
        if isinstance(sample, np.ndarray):
            sample = [sample]
        sample = list(sample)
        if len(sample) != len(graph.inputs):
            raise QuantizationError(f"calibration sample {k} has {len(sample)} arrays, the model has "
                                    f"{len(graph.inputs)} inputs")
        samples.append([_check_array(graph, name, np.asarray(a), k) for name, a in zip(graph.inputs, sample)])
    if not samples:
        raise QuantizationError("representative_data holds no samples")
    return samples


def _check_array(graph: Graph, name: str, a: np.ndarray, k: int) -> np.ndarray:
    if a.dtype.kind not in "fiu":
        raise QuantizationError(f"calibration sample {k}, input {name!r}: dtype {a.dtype} is not numeric")
    if graph.dtype(name).kind == "f" and a.dtype.kind != "f":
        raise QuantizationError(f"calibration sample {k}, input {name!r}: dtype {a.dtype}, the model takes "
                                f"{graph.dtype(name)} (give float data, as the float model takes it)")
    signature = tuple(graph.signature(name))
    if a.ndim == len(signature) - 1 and signature[:1] in ((1,), (-1,)):
        a = a[None]  # a sample without its batch axis
    if a.ndim != len(signature) or any(d >= 0 and d != n for d, n in zip(signature, a.shape)):
        raise QuantizationError(f"calibration sample {k}, input {name!r}: shape {a.shape}, the model takes "
                                f"{tuple('?' if d < 0 else d for d in signature)}")
    if a.dtype.kind == "f" and not np.all(np.isfinite(a)):
        raise QuantizationError(f"calibration sample {k}, input {name!r} holds NaN or infinity")
    return a.astype(graph.dtype(name))


def tensor_ranges(graph: Graph, samples: List[List[np.ndarray]]) -> Dict[str, Tuple[float, float]]:
    """{value name: (min, max)} over all samples for every float tensor the float model computes."""
    from edgelite.interpreter import Interpreter
    from ..writer import write
    interp = Interpreter(model_content=write(graph), experimental_preserve_all_tensors=True)
    interp.allocate_tensors()
    by_name = {t["name"]: t for t in interp.get_tensor_details()}
    inputs = interp.get_input_details()
    wanted = [n for n, v in graph.values.items()
              if not v.is_const and v.dtype == np.float32 and n in by_name]
    ranges: Dict[str, Tuple[float, float]] = {}
    for sample in samples:
        for d, a in zip(inputs, sample):
            if list(d["shape"]) != list(a.shape):
                interp.resize_tensor_input(d["index"], list(a.shape))
                interp.allocate_tensors()
            interp.set_tensor(d["index"], a)
        interp.invoke()
        for name in wanted:
            t = interp.get_tensor(by_name[name]["index"])
            if t.size == 0:
                continue
            lo, hi = float(np.min(t)), float(np.max(t))
            if not (np.isfinite(lo) and np.isfinite(hi)):
                raise QuantizationError(f"tensor {name!r} is not finite on the calibration data")
            old = ranges.get(name)
            ranges[name] = (lo, hi) if old is None else (min(old[0], lo), max(old[1], hi))
    return ranges
