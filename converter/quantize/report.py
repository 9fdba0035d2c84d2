"""Per-layer error of a quantized file against its float original: both run in edgelite with every tensor
preserved over the same data; each float tensor is compared with its quantized twin (same name, or the name
with /int8 or /int16 where the file's float I/O kept the name), dequantized."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional

import numpy as np

from . import QuantizationError


SENTINEL = 1e38


@dataclass
class LayerError:
    """One compared tensor: the operator that computes it, the tensor, SNR in dB, RMSE relative to the float
    tensor's RMS, and the SNR the operator loses (dB): its worst input's SNR minus its output's, what this
    layer itself adds to the error (the other two figures accumulate along the model)."""

    op: str
    tensor: str
    snr_db: float
    relative_rmse: float
    added_db: float = 0.0


def _interp(content: bytes):
    from edgelite.interpreter import Interpreter
    interp = Interpreter(model_content=content, experimental_preserve_all_tensors=True)
    interp.allocate_tensors()
    return interp


def _dequantized(interp, detail) -> np.ndarray:
    t = interp.get_tensor(detail["index"]).astype(np.float64)
    q = detail["quantization_parameters"]
    if detail["dtype"] in (np.float32, np.float16) or len(q["scales"]) != 1:
        return t
    return (t - q["zero_points"][0]) * q["scales"][0]


def _set_inputs(interp, sample: List[np.ndarray]) -> None:
    for d, a in zip(interp.get_input_details(), sample):
        a = np.asarray(a, np.float32)
        if d["dtype"] != np.float32:
            scale, zp = d["quantization"]
            info = np.iinfo(d["dtype"])
            a = np.clip(np.round(a / scale) + zp, info.min, info.max)
        interp.set_tensor(d["index"], a.astype(d["dtype"]))


def quantization_report(float_model: bytes, quantized_model: bytes, data: Any) -> List[LayerError]:
    """Per-layer errors in execution order. `data`: float samples as for representative_data (an array whose
    first axis is samples, or an iterable of per-sample lists of arrays)."""
    f, q = _interp(bytes(float_model)), _interp(bytes(quantized_model))
    samples = [[s] for s in data] if isinstance(data, np.ndarray) else [list(s) for s in data]
    if not samples:
        raise QuantizationError("the report needs at least one sample")
    f_tensors = {t["name"]: t for t in f.get_tensor_details()}
    q_tensors = {t["name"]: t for t in q.get_tensor_details()}
    by_index = {t["index"]: t["name"] for t in f_tensors.values()}

    def twin_of(name):
        return next((q_tensors[n] for n in (f"{name}/int8", f"{name}/int16", name) if n in q_tensors), None)

    # (op or None for a graph input, tensor name, quantized twin, names of the op's compared inputs)
    pairs = [(None, by_index[d["index"]], twin_of(by_index[d["index"]]), []) for d in f.get_input_details()
             if twin_of(by_index[d["index"]]) is not None]
    for op in f._get_ops_details():
        inputs = [by_index[i] for i in op["inputs"] if i >= 0]
        for out in op["outputs"]:
            name = by_index[out]
            twin = twin_of(name)
            if twin is not None and f_tensors[name]["dtype"] == np.float32:
                pairs.append((op["op_name"], name, twin, inputs))
    if not pairs:
        raise QuantizationError("the two files have no tensors in common: give the float file the quantized "
                                "one was made from")
    signal = np.zeros(len(pairs))
    noise = np.zeros(len(pairs))
    for sample in samples:
        for interp in (f, q):
            _set_inputs(interp, [s[None] if np.ndim(s) < len(interp.get_input_details()[0]["shape"]) else s
                                 for s in sample])
            interp.invoke()
        for k, (_, name, twin, _) in enumerate(pairs):
            want = f.get_tensor(f_tensors[name]["index"]).astype(np.float64)
            got = _dequantized(q, twin)
            # Max-pool padding written as PADV2 with -FLT_MAX: a sentinel, not a value to compare.
            keep = np.abs(want) < SENTINEL
            want, got = want[keep], got[keep]
            signal[k] += np.sum(want ** 2)
            noise[k] += np.sum((got - want) ** 2)
    rows = []
    snr_of = {}
    for k, (op, name, _, inputs) in enumerate(pairs):
        snr = np.inf if noise[k] == 0 else 10 * np.log10(max(signal[k], 1e-30) / noise[k])
        snr_of[name] = float(snr)
        if op is None:
            continue
        rel = float(np.sqrt(noise[k] / signal[k])) if signal[k] > 0 else float(np.sqrt(noise[k]))
        in_snr = min((snr_of[i] for i in inputs if i in snr_of), default=np.inf)
        added = 0.0 if not np.isfinite(snr) else (in_snr - snr if np.isfinite(in_snr) else 100.0 - snr)
        rows.append(LayerError(op, name, float(snr), rel, float(added)))
    return rows


def worst_layer(rows: List[LayerError]) -> LayerError:
    """The layer that hurts most: the one that loses the most SNR itself (added_db)."""
    return max(rows, key=lambda r: r.added_db)


def format_report(rows: List[LayerError]) -> str:
    """A text table, one row per layer, the worst marked."""
    worst = worst_layer(rows)
    width = min(48, max(len(r.tensor) for r in rows))
    lines = [f"{'op':20s} {'tensor':{width}s} {'SNR dB':>8s} {'rel RMSE':>9s} {'lost dB':>8s}"]
    for r in rows:
        mark = "  <- loses most" if r is worst else ""
        lines.append(f"{r.op:20s} {r.tensor[-width:]:{width}s} {r.snr_db:8.1f} {r.relative_rmse:9.4f} {r.added_db:8.1f}{mark}")
    return "\n".join(lines)


def plot_report(rows: List[LayerError], path: str) -> Optional[str]:
    """Writes a bar chart of the per-layer relative RMSE to `path` (.png or .svg); returns the path, or None
    when matplotlib is not installed."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(max(6, 0.35 * len(rows)), 4))
    ax.bar(range(len(rows)), [r.relative_rmse for r in rows])
    ax.set_xticks(range(len(rows)), [f"{k} {r.op}" for k, r in enumerate(rows)], rotation=75, fontsize=7)
    ax.set_ylabel("relative RMSE vs float")
    ax.set_title("per-layer quantization error")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
