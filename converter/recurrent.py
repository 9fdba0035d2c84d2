"""Recurrent layers (LSTM, GRU, simple RNN) as .tflite operators, for every front-end.

A front-end describes one direction of a recurrent layer as a `RecurrentCell` (weights in one canonical
layout, activations) and calls `emit_recurrent`, which writes it one of two ways:

- fused: one UNIDIRECTIONAL_SEQUENCE_LSTM (24 inputs) or UNIDIRECTIONAL_SEQUENCE_RNN node. Fastest, and
  what TensorFlow's converter writes; but the state lives in variable tensors, so it needs a static batch
  (the state's size), zero initial states, no final cell state output (the operator has one output), the
  activations the operator has, and the caller's consent (`allow_fused`). Like the files TensorFlow writes,
  such a model is stateful: each invoke starts from the state the previous one left, until
  reset_all_variables() (or allocate_tensors) zeroes it.
- unrolled (recurrent_cells.py): the time steps written out with FULLY_CONNECTED, LOGISTIC, TANH, MUL, ADD.
  Stateless, any batch (dynamic too), any initial state and activation, every output; needs a static
  sequence length. GRU has no fused operator in .tflite, so it is always unrolled.

Canonical weights: gate blocks stacked along axis 0 in the order (i, f, c, o) for LSTM (TFLite's and
Keras'), (z, r, h) for GRU (Keras' and ONNX's), one block for RNN; kernels are (gates * units, features)
and (gates * units, units), FULLY_CONNECTED's (out, in) layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from .ir import ConversionError, Graph

GATES = {"lstm": 4, "gru": 3, "rnn": 1}
# Fused operators apply one of these to the cell candidate and output (the gates are always logistic).
_FUSED_ACTIVATIONS = {"tanh": "TANH", "relu": "RELU", "relu6": "RELU6", "linear": "NONE"}


@dataclass(frozen=True)
class Activation:
    """An activation by name, with the parameters ONNX gives some (hard_sigmoid alpha/beta, leaky_relu alpha)."""
    name: str
    alpha: Optional[float] = None
    beta: Optional[float] = None

    @property
    def fused(self) -> Optional[str]:
        """The fused_activation_function a sequence operator applies for it, or None when it has none."""
        plain = self.alpha is None and self.beta is None
        return _FUSED_ACTIVATIONS.get(self.name) if plain else None

    def emit(self, graph: Graph, x: str, name: str) -> str:
        """Writes the activation of x into `graph` (operators named `name`); returns the result's value name."""
        dtype = graph.dtype(x)

        def const(v):
            return graph.add_const(np.asarray(v, dtype))
        simple = {"sigmoid": "LOGISTIC", "tanh": "TANH", "relu": "RELU", "relu6": "RELU6"}
        if self.name in simple:
            return graph.add_node1(simple[self.name], [x], name=name)
        if self.name == "linear":
            return x
        if self.name == "hard_sigmoid":  # max(0, min(1, alpha * x + beta))
            y = graph.add_node1("MUL", [x, const(self.alpha)], {"fused_activation_function": "NONE"}, name=name)
            y = graph.add_node1("ADD", [y, const(self.beta)], {"fused_activation_function": "NONE"}, name=name)
            return graph.add_node1("RELU_0_TO_1", [y], name=name)
        if self.name == "leaky_relu":
            return graph.add_node1("LEAKY_RELU", [x], {"alpha": float(self.alpha)}, name=name)
        raise ConversionError(f"activation {self.name!r} of recurrent layer {name!r} has no .tflite mapping")


@dataclass
class RecurrentCell:
    """One direction of a recurrent layer in the lowering's canonical layout (module docstring): the kind,
    the weights, the activations and the ONNX extras (peepholes, clip, a separate h activation)."""

    kind: str  # "lstm", "gru" or "rnn"
    units: int
    kernel: np.ndarray  # (gates * units, features)
    recurrent_kernel: np.ndarray  # (gates * units, units)
    bias: np.ndarray  # (gates * units,): added to the input projection
    activation: Activation  # the candidate's; also LSTM's output activation unless output_activation is set
    recurrent_activation: Activation = Activation("sigmoid")
    # GRU: reset_after=True applies the reset gate to (h R_h + recurrent_bias_h) (Keras' default, ONNX's
    # linear_before_reset=1, PyTorch's); False to h before the product (ONNX's default).
    reset_after: bool = True
    recurrent_bias: Optional[np.ndarray] = None  # GRU reset_after: (3 * units,), added to h R
    output_activation: Optional[Activation] = None  # LSTM: ONNX's third activation (h = o * act(c))
    peepholes: Optional[np.ndarray] = None  # LSTM: (3, units) for the i, f, o gates (ONNX's P)
    clip: Optional[float] = None  # ONNX: the gates' and candidate's inputs clipped to [-clip, clip]

    def __post_init__(self):
        g, u = GATES[self.kind], self.units
        if self.kernel.shape[0] != g * u or self.recurrent_kernel.shape != (g * u, u) or self.bias.shape != (g * u,):
            raise ConversionError(f"{self.kind} cell: weights {self.kernel.shape}, {self.recurrent_kernel.shape}, "
                                  f"{self.bias.shape} do not hold {g} gate blocks of {u} units")

    @property
    def h_activation(self) -> Activation:
        """LSTM: the activation of the cell state in h = o * act(c)."""
        return self.output_activation or self.activation

    def block(self, array: np.ndarray, gate: int) -> np.ndarray:
        """Gate block `gate` (its `units` rows or entries) of a canonical kernel or bias."""
        return array[gate * self.units:(gate + 1) * self.units]


@dataclass
class SequenceOutputs:
    """What emit_recurrent wrote: the output sequence (if asked for) and the final states."""

    sequence: Optional[str]  # (batch, time, units), or time-major like the input; None if not asked for
    states: List[Optional[str]]  # final h (and c for LSTM, None when fused), (batch, units)


def fused_refusal(cell: RecurrentCell, initial_states, want_cell_state: bool, static_batch: bool) -> Optional[str]:
    """Why the cell cannot be one fused operator (None: it can)."""
    if cell.kind == "gru":
        return "GRU has no fused .tflite operator"
    if not static_batch:
        return "the batch is dynamic, and the fused operator's state tensors have a fixed size"
    if initial_states:
        return "initial states are given (the fused operator starts from its zeroed state tensors)"
    if want_cell_state:
        return "the final cell state is read (the fused operator outputs only h)"
    if cell.recurrent_activation != Activation("sigmoid") and cell.kind == "lstm":
        return f"the gate activation is {cell.recurrent_activation.name} (fused gates are logistic)"
    if cell.activation.fused is None or cell.h_activation != cell.activation:
        return f"the activation {cell.activation.name} is not one the fused operator applies"
    if cell.clip is not None:
        return "activation inputs are clipped (the fused operator clips the cell state instead)"
    return None


def emit_recurrent(graph: Graph, cell: RecurrentCell, x: str, *, name: str, time_major: bool = False,
                   go_backwards: bool = False, restore_order: bool = False, initial_states: Sequence[str] = (),
                   want_sequence: bool = True, want_cell_state: bool = False, allow_fused: bool = True,
                   static_batch: bool = True) -> Tuple[SequenceOutputs, bool]:
    """One direction of a recurrent layer over x ((batch, time, features), or (time, batch, features) when
    time_major). go_backwards reads the steps last to first; the sequence output is then in reading order,
    unless restore_order puts it back in input order (ONNX's reverse direction, Keras' Bidirectional).
    Returns the outputs and whether the fused operator was used."""
    from .recurrent_cells import emit_unrolled
    if allow_fused and fused_refusal(cell, initial_states, want_cell_state, static_batch) is None:
        return _emit_fused(graph, cell, x, name, time_major, go_backwards, restore_order), True
    time_axis = 0 if time_major else 1
    if graph.shape(x)[time_axis] < 1:
        raise ConversionError(f"recurrent layer {name!r}: the input sequence is empty")
    return emit_unrolled(graph, cell, x, name=name, time_axis=time_axis, go_backwards=go_backwards,
                         restore_order=restore_order, initial_states=list(initial_states),
                         want_sequence=want_sequence), False


def reverse_time(graph: Graph, x: str, time_axis: int, name: str) -> str:
    """x with its time axis reversed (STRIDED_SLICE with stride -1)."""
    rank = graph.values[x].rank
    strides = [1] * rank
    strides[time_axis] = -1
    zeros = graph.add_const(np.zeros(rank, np.int32), "begin")
    mask = (1 << rank) - 1
    return graph.add_node1("STRIDED_SLICE", [x, zeros, graph.add_const(np.zeros(rank, np.int32), "end"),
                                             graph.add_const(np.asarray(strides, np.int32), "strides")],
                           {"begin_mask": mask, "end_mask": mask, "ellipsis_mask": 0, "new_axis_mask": 0,
                            "shrink_axis_mask": 0}, name=name)


def time_step(graph: Graph, x: str, time_axis: int, t: int, name: str) -> str:
    """Step t of x (negative: from the end), the time axis removed (STRIDED_SLICE with shrink_axis_mask)."""
    rank = graph.values[x].rank
    begin, end = [0] * rank, [0] * rank
    begin[time_axis], end[time_axis] = t, t + 1
    others = ((1 << rank) - 1) & ~(1 << time_axis)
    return graph.add_node1("STRIDED_SLICE", [x, graph.add_const(np.asarray(begin, np.int32), "begin"),
                                             graph.add_const(np.asarray(end, np.int32), "end"),
                                             graph.add_const(np.ones(rank, np.int32), "strides")],
                           {"begin_mask": others, "end_mask": others, "ellipsis_mask": 0, "new_axis_mask": 0,
                            "shrink_axis_mask": 1 << time_axis}, name=name)


def _emit_fused(graph: Graph, cell: RecurrentCell, x: str, name: str, time_major: bool, go_backwards: bool,
                restore_order: bool) -> SequenceOutputs:
    time_axis = 0 if time_major else 1
    batch = graph.shape(x)[1 if time_major else 0]
    dtype = graph.dtype(x)
    source = reverse_time(graph, x, time_axis, f"{name}/reversed_input") if go_backwards else x

    def const(array, what):
        return graph.add_const(np.ascontiguousarray(array, dtype=dtype), f"{name}/{what}")
    state = graph.add_variable(f"{name}/h_state", (batch, cell.units), dtype)
    if cell.kind == "lstm":
        gates = "ifco"
        peephole = [None] * 3 if cell.peepholes is None else [const(p, f"cell_to_{g}") for p, g in
                                                              zip(cell.peepholes, "ifo")]
        inputs = ([source] + [const(cell.block(cell.kernel, k), f"input_to_{g}") for k, g in enumerate(gates)]
                  + [const(cell.block(cell.recurrent_kernel, k), f"recurrent_to_{g}") for k, g in enumerate(gates)]
                  + peephole + [const(cell.block(cell.bias, k), f"{g}_gate_bias") for k, g in enumerate(gates)]
                  + [None, None, state, graph.add_variable(f"{name}/c_state", (batch, cell.units), dtype)]
                  + [None] * 4)
        attrs = {"fused_activation_function": cell.activation.fused, "cell_clip": 0.0, "proj_clip": 0.0,
                 "time_major": time_major, "asymmetric_quantize_inputs": False, "diagonal_recurrent_tensors": False}
        op = "UNIDIRECTIONAL_SEQUENCE_LSTM"
    else:
        inputs = [source, const(cell.kernel, "kernel"), const(cell.recurrent_kernel, "recurrent_kernel"),
                  const(cell.bias, "bias"), state]
        attrs = {"time_major": time_major, "fused_activation_function": cell.activation.fused,
                 "asymmetric_quantize_inputs": False}
        op = "UNIDIRECTIONAL_SEQUENCE_RNN"
    sequence = graph.add_node1(op, inputs, attrs, name=f"{name}/sequence")
    # Step -1 (the last, counted from the end): the same constant for any sequence length.
    last = time_step(graph, sequence, time_axis, -1, f"{name}/h")
    if go_backwards and restore_order:
        sequence = reverse_time(graph, sequence, time_axis, f"{name}/sequence_in_input_order")
    # The final cell state stays inside the operator's variable tensor: None marks it unavailable.
    return SequenceOutputs(sequence, [last, None] if cell.kind == "lstm" else [last])
