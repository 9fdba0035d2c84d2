"""NumPy reference of the full-kernel LSTM (LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM, BIDIRECTIONAL_SEQUENCE_LSTM),
the loop over time written out: gates input, forget, cell, output; peephole, layer norm, CIFG, projection with
clipping, cell clipping, diagonal recurrent weights, auxiliary input. Float in float64; dynamic range (int8
weights) in float32 in LiteRT's order, each vector quantized per row as its hybrid kernels do. A plain module."""

import numpy as np

from integer_reference import f32
from sequence_models import ACTIVATIONS, hybrid_matvec, quantize_weights, sigmoid

GATES = ("input", "forget", "cell", "output")


def make_params(rng, n_input, n_cell, n_output=None, *, cifg=False, peephole=False, layer_norm=False,
                projection=False, projection_bias=True, n_aux=0, diagonal=False, scale=0.4):
    """Random float32 weights of one cell; absent tensors are None."""
    n_output = n_cell if n_output is None else n_output

    def r(*shape):
        return f32(rng.uniform(-scale, scale, shape))

    present = [not cifg, True, True, True]
    p = {
        "wx": [r(n_cell, n_input) if on else None for on in present],
        "wh": [(r(n_cell) if diagonal else r(n_cell, n_output)) if on else None for on in present],
        "p": [r(n_cell) if peephole and on and g != 2 else None for g, on in enumerate(present)],
        "b": [r(n_cell) if on else None for on in present],
        "ln": [f32(1 + r(n_cell)) if layer_norm and on else None for on in present],
        "waux": [r(n_cell, n_aux) if n_aux and on else None for on in present],
        "wp": r(n_output, n_cell) if projection else None,
        "bp": r(n_output) if projection and projection_bias else None,
        "diagonal": diagonal, "n_cell": n_cell, "n_output": n_output,
    }
    return p


def quantize_params(p):
    """The dynamic-range form: int8 matrices and peephole weights with one scale each (the converter's
    symmetric per-tensor weights); diagonal recurrent weights, biases and layer norm stay float."""
    q = dict(p)
    for key in ("wx", "waux", "p") + (() if p["diagonal"] else ("wh",)):
        q[key] = [quantize_weights(w) if w is not None else None for w in p[key]]
    q["wp"] = quantize_weights(p["wp"]) if p["wp"] is not None else None
    return q


def cell_inputs(p):
    """The cell's 17 weight and bias tensors in LiteRT's order (input-to-gate x4, recurrent x4, peephole x3,
    bias x4, projection weights and bias), as arrays, (int8, scale) pairs or None."""
    return (p["wx"] + p["wh"] + [p["p"][0], p["p"][1], p["p"][3]] + p["b"] + [p["wp"], p["bp"]])


def _normalize(v, hybrid):
    if hybrid:
        v = f32(v)
        mean = f32(np.sum(v, dtype=np.float32) / f32(v.size))
        d = f32(v - mean)
        var = f32(np.sum(f32(d * d), dtype=np.float32) / f32(v.size))
        return f32(d * f32(f32(1.0) / np.sqrt(f32(var + f32(1e-8)))))
    mean = v.mean()
    return (v - mean) / np.sqrt(((v - mean) ** 2).mean() + 1e-8)


def lstm_step(p, x, aux, h, c, *, activation="TANH", cell_clip=0.0, proj_clip=0.0, hybrid=None):
    """One step for one batch row; hybrid: None (float) or the asymmetric_quantize_inputs flag. Returns (h, c)."""
    act = ACTIVATIONS[activation]
    dt = np.float32 if hybrid is not None else np.float64

    def product(w, v):
        if hybrid is not None:
            return hybrid_matvec(w[0], w[1], v, hybrid)
        return w.astype(np.float64) @ v

    def gate(g, fn, c_for_peephole):
        acc = np.zeros(p["n_cell"], dt) if p["ln"][g] is not None else p["b"][g].astype(dt)
        acc = (acc + product(p["wx"][g], x)).astype(dt)
        if aux is not None and p["waux"][g] is not None:
            acc = (acc + product(p["waux"][g], aux)).astype(dt)
        if p["diagonal"]:
            acc = (acc + (p["wh"][g] * h).astype(dt)).astype(dt)
        elif hybrid is None or np.any(h):
            acc = (acc + product(p["wh"][g], h)).astype(dt)
        if p["p"][g] is not None and c_for_peephole is not None:
            w = p["p"][g]
            if hybrid is not None:
                w = f32(f32(w[1]) * f32(w[0]))
            acc = (acc + (w * c_for_peephole).astype(dt)).astype(dt)
        if p["ln"][g] is not None:
            acc = (_normalize(acc, hybrid is not None) * p["ln"][g] + p["b"][g]).astype(dt)
        return fn(acc).astype(dt)

    f = gate(1, sigmoid, c)
    i = (1 - f).astype(dt) if p["wx"][0] is None else gate(0, sigmoid, c)
    g = gate(2, act, None)
    c = (f * c + g * i).astype(dt)
    if cell_clip > 0:
        c = np.clip(c, -cell_clip, cell_clip).astype(dt)
    o = gate(3, sigmoid, c)
    hidden = (o * act(c)).astype(dt)
    if p["wp"] is None:
        return hidden, c
    out = np.zeros(p["n_output"], dt) if p["bp"] is None else p["bp"].astype(dt)
    if hybrid is None or np.any(hidden):
        out = (out + product(p["wp"], hidden)).astype(dt)
    if proj_clip > 0:
        out = np.clip(out, -proj_clip, proj_clip).astype(dt)
    return out, c


def lstm_sequence(p, x, *, time_major=False, forward=True, aux=None, h0=None, c0=None, **step_options):
    """Runs a cell over a rank-3 sequence (or a rank-2 single step with time_major). Returns (outputs in the
    input's layout with the output width last, final h [batch, n_output], final c [batch, n_cell])."""
    single = x.ndim == 2
    xs = x[None] if single else x
    if not time_major and not single:
        xs = np.swapaxes(xs, 0, 1)
        aux = None if aux is None else np.swapaxes(aux, 0, 1)
    elif single and aux is not None:
        aux = aux[None]
    steps, batch = xs.shape[:2]
    dt = np.float32 if step_options.get("hybrid") is not None else np.float64
    h = np.zeros((batch, p["n_output"]), dt) if h0 is None else np.array(h0, dt)
    c = np.zeros((batch, p["n_cell"]), dt) if c0 is None else np.array(c0, dt)
    out = np.zeros((steps, batch, p["n_output"]), dt)
    order = range(steps) if forward else range(steps - 1, -1, -1)
    for b in range(batch):
        for t in order:
            h[b], c[b] = lstm_step(p, xs[t, b].astype(dt), None if aux is None else aux[t, b].astype(dt), h[b], c[b],
                                   **step_options)
            out[t, b] = h[b]
    if single:
        out = out[0]
    elif not time_major:
        out = np.swapaxes(out, 0, 1)
    return out, h, c
