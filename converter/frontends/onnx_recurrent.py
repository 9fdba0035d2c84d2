"""ONNX LSTM, GRU and RNN (forward, reverse, bidirectional; initial states; layout 0 and 1) on the recurrent
lowering of converter/recurrent.py.

Each direction becomes one RecurrentCell: ONNX's gate order (LSTM i, o, f, c; peepholes i, o, f) is put in
the lowering's (i, f, c, o), the input and recurrent biases are summed where the formulas add them. A
direction is the fused sequence operator when its batch is static, its initial state zero (torch exports
computed zeros for an omitted h0: they fold here), Y_c is not read and its activations are the operator's;
otherwise it is unrolled, which needs a static sequence length.
"""

from __future__ import annotations

from typing import List, Optional

import numpy as np

from ..ir import ConversionError
from ..recurrent import Activation, RecurrentCell, emit_recurrent, fused_refusal
from .onnx import OnnxImporter, handler

_DEFAULT_ACTIVATIONS = {"LSTM": ["Sigmoid", "Tanh", "Tanh"], "GRU": ["Sigmoid", "Tanh"], "RNN": ["Tanh"]}
_KINDS = {"LSTM": "lstm", "GRU": "gru", "RNN": "rnn"}
# ONNX activation -> (lowering name, default alpha, default beta); the ones with parameters consume
# activation_alpha / activation_beta in order.
_ACTIVATIONS = {"sigmoid": ("sigmoid", None, None), "tanh": ("tanh", None, None), "relu": ("relu", None, None),
                "hardsigmoid": ("hard_sigmoid", 0.2, 0.5), "leakyrelu": ("leaky_relu", 0.01, None)}
_LSTM_ONNX_TO_CELL = [0, 2, 3, 1]  # ONNX blocks (i, o, f, c) -> lowering blocks (i, f, c, o)


def _activations(imp: OnnxImporter, node, directions: int) -> List[List[Activation]]:
    names = imp.attr(node, "activations")
    per_direction = len(_DEFAULT_ACTIVATIONS[node.op_type])
    names = [n.decode() if isinstance(n, bytes) else n for n in names] if names else \
        _DEFAULT_ACTIVATIONS[node.op_type] * directions
    if len(names) != per_direction * directions:
        raise ConversionError(f"{node.op_type} node {node.name!r}: {len(names)} activations for {directions} "
                              f"direction(s); expected {per_direction} each")
    alphas = list(imp.attr(node, "activation_alpha", []) or [])
    betas = list(imp.attr(node, "activation_beta", []) or [])
    result = []
    for name in names:
        spec = _ACTIVATIONS.get(name.lower())
        if spec is None:
            raise ConversionError(f"{node.op_type} node {node.name!r}: activation {name} is not supported "
                                  f"(supported: {', '.join(sorted(_ACTIVATIONS))})")
        low, alpha, beta = spec
        if alpha is not None:
            alpha = float(alphas.pop(0)) if alphas else alpha
        if beta is not None:
            beta = float(betas.pop(0)) if betas else beta
        result.append(Activation(low, alpha, beta))
    return [result[d * per_direction:(d + 1) * per_direction] for d in range(directions)]


def _weights(imp: OnnxImporter, node, k: int, what: str) -> np.ndarray:
    value = imp.const_input(node, k, what)
    return np.asarray(value, np.float32)


def _cell(imp: OnnxImporter, node, d: int, hidden: int, activations: List[Activation]) -> RecurrentCell:
    kind = _KINDS[node.op_type]
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[kind]
    w = _weights(imp, node, 1, "W")[d]
    r = _weights(imp, node, 2, "R")[d]
    b = imp.const_input(node, 3, "B", required=False)
    b = np.zeros(2 * gates * hidden, np.float32) if b is None else np.asarray(b, np.float32)[d]
    wb, rb = b[:gates * hidden], b[gates * hidden:]
    clip = imp.attr(node, "clip")
    clip = None if clip is None else float(clip)
    if kind == "lstm":
        if imp.attr(node, "input_forget", 0):
            raise ConversionError(f"LSTM node {node.name!r}: input_forget=1 (coupled input and forget gates) is "
                                  "not supported")

        def order(a):
            return np.concatenate([a[g * hidden:(g + 1) * hidden] for g in _LSTM_ONNX_TO_CELL])
        p = imp.const_input(node, 7, "P (peepholes)", required=False)
        peepholes = None
        if p is not None:
            p = np.asarray(p, np.float32)[d]
            peepholes = np.stack([p[:hidden], p[2 * hidden:], p[hidden:2 * hidden]])  # (i, o, f) -> (i, f, o)
        f, g, h = activations
        return RecurrentCell("lstm", hidden, order(w), order(r), order(wb + rb), g, f, output_activation=h,
                             peepholes=peepholes, clip=clip)
    if kind == "gru":
        f, g = activations
        reset_after = bool(imp.attr(node, "linear_before_reset", 0))
        if reset_after:
            return RecurrentCell("gru", hidden, w, r, wb, g, f, reset_after=True, recurrent_bias=rb, clip=clip)
        return RecurrentCell("gru", hidden, w, r, wb + rb, g, f, reset_after=False, clip=clip)
    return RecurrentCell("rnn", hidden, w, r, wb + rb, activations[0], clip=clip)


def _initial_state(imp: OnnxImporter, node, k: int, d: int, batch_major: bool) -> Optional[str]:
    """Direction d's initial state (batch, hidden), or None when it is absent or known to be zero."""
    name = imp.input(node, k)
    if name is None:
        return None
    value = imp.fold(name)
    if value is not None and not np.any(value):
        return None
    shape = imp.shape(name)  # (directions, batch, hidden), or (batch, directions, hidden) with layout 1
    axis = 1 if batch_major else 0
    begin, end = [0, 0, 0], [0, 0, 0]
    begin[axis], end[axis] = d, d + 1
    mask = 0b111 & ~(1 << axis)
    state = imp.emit1("STRIDED_SLICE", [name, imp.const(begin, np.int32, "begin"), imp.const(end, np.int32, "end"),
                                        imp.const([1, 1, 1], np.int32, "strides")],
                      {"begin_mask": mask, "end_mask": mask, "ellipsis_mask": 0, "new_axis_mask": 0,
                       "shrink_axis_mask": 1 << axis}, node)
    assert imp.shape(state) == (shape[1 - axis], shape[2])
    return state


def _check_sequence_lens(imp: OnnxImporter, node, steps: int) -> None:
    if imp.input(node, 4) is None:
        return
    lens = imp.const_input(node, 4, "sequence_lens", required=False)
    if lens is None or np.any(np.asarray(lens) != steps):
        raise ConversionError(f"{node.op_type} node {node.name!r}: sequence_lens must be constant and equal to the "
                              f"sequence length {steps} (shorter sequences in a batch are not supported)")


@handler("LSTM", "GRU", "RNN")
def _recurrent(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    batch_major = bool(imp.attr(node, "layout", 0))
    direction = imp.attr(node, "direction", "forward")
    if direction not in ("forward", "reverse", "bidirectional"):
        raise ConversionError(f"{node.op_type} node {node.name!r}: unknown direction {direction!r}")
    directions = 2 if direction == "bidirectional" else 1
    hidden = int(imp.attr(node, "hidden_size", 0)) or imp.shape(imp.input(node, 2))[-1]
    shape = imp.shape(x)
    if len(shape) != 3:
        raise ConversionError(f"{node.op_type} node {node.name!r}: X must be 3-D, got {list(shape)}")
    time_axis, batch_axis = (1, 0) if batch_major else (0, 1)
    _check_sequence_lens(imp, node, shape[time_axis])
    activations = _activations(imp, node, directions)
    outputs = list(node.output) + [""] * (3 - len(node.output))
    want_y, want_h, want_c = (bool(o) and o in imp.used for o in outputs[:3])
    want_c = want_c and node.op_type == "LSTM"
    static_batch = not imp.is_dynamic(node.input[0], batch_axis)
    if imp.is_dynamic(node.input[0], time_axis) and not static_batch:
        raise ConversionError(f"{node.op_type} node {node.name!r}: both the batch and the sequence length are "
                              "dynamic; give one of them a static size (input_shapes=...)")
    count = 2 if node.op_type == "LSTM" else 1
    sequences, finals = [], []
    for d in range(directions):
        # A state that is absent or zero is None: the lowering starts such a state at zero by itself.
        states = [_initial_state(imp, node, k, d, batch_major) for k in (5, 6)[:count]]
        states = states if any(s is not None for s in states) else []
        cell = _cell(imp, node, d, hidden, activations[d])
        refusal = fused_refusal(cell, states, want_c, static_batch)
        if refusal is not None and imp.is_dynamic(node.input[0], time_axis):
            raise ConversionError(f"{node.op_type} node {node.name!r}: the sequence length is dynamic, which only the "
                                  f"fused operator takes, and it cannot be used: {refusal}; give the sequence a "
                                  "static length (input_shapes=...)")
        reverse = direction == "reverse" or d == 1
        result, _ = emit_recurrent(
            imp.graph, cell, x, name=f"{node.name or node.op_type}/d{d}", time_major=not batch_major,
            go_backwards=reverse, restore_order=True, initial_states=states, want_sequence=want_y,
            want_cell_state=want_c, static_batch=static_batch)
        sequences.append(result.sequence)
        finals.append(result.states)
    batch, steps = shape[batch_axis], shape[time_axis]
    # Y: (T, directions, B, H), or (B, T, directions, H) with layout 1; Y_h / Y_c: (directions, B, H) or (B,
    # directions, H).
    if want_y:
        _finish_stack(imp, node, 0, sequences, [batch, steps, 1, hidden] if batch_major else [steps, 1, batch, hidden],
                      2 if batch_major else 1)
    for k, wanted in ((1, want_h), (2, want_c)):
        if wanted:
            _finish_stack(imp, node, k, [f[k - 1] for f in finals], [batch, 1, hidden] if batch_major else
                          [1, batch, hidden], 1 if batch_major else 0)


def _finish_stack(imp: OnnxImporter, node, k: int, parts: List[str], shape: List[int], axis: int) -> None:
    """ONNX output k: the directions' parts, each reshaped to `shape` (a unit directions axis), along `axis`."""
    out = node.output[k]
    if len(parts) == 1:
        imp.finish(node, imp.reshape(parts[0], shape, node, out), k)
        return
    parts = [imp.reshape(p, shape, node) for p in parts]
    imp.finish(node, imp.emit1("CONCATENATION", parts, {"axis": axis, "fused_activation_function": "NONE"}, node,
                               out), k)
