"""The unrolled form of a recurrent layer: every time step written out with standard element-wise operators.

Every step's input projection comes from one FULLY_CONNECTED over the whole sequence (keep_num_dims), so a
step costs one recurrent FULLY_CONNECTED, a SPLIT into gates, the gate activations and a few MUL/ADD. The
first step of a zero initial state skips the recurrent product (it is zero), which also means no zero
state tensor has to be made for a dynamic batch. See recurrent.py for when this form is chosen.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

import numpy as np

from .ir import Graph
from .recurrent import Activation, RecurrentCell, SequenceOutputs, time_step

_NO_ACT = {"fused_activation_function": "NONE"}


class _StepWriter:
    """Emits one cell's step operators, named <layer>/t<step>/..., with the cell's constants made once."""

    def __init__(self, graph: Graph, cell: RecurrentCell, name: str, dtype):
        self.graph, self.cell, self.name, self.dtype = graph, cell, name, dtype
        self.prefix = name
        u = cell.units
        self.recurrent = self.const(cell.recurrent_kernel, "recurrent_kernel")
        if cell.kind == "gru" and not cell.reset_after:
            self.recurrent_zr = self.const(cell.recurrent_kernel[:2 * u], "recurrent_kernel_zr")
            self.recurrent_h = self.const(cell.recurrent_kernel[2 * u:], "recurrent_kernel_h")
        self.recurrent_bias = None if cell.recurrent_bias is None else self.const(cell.recurrent_bias,
                                                                                  "recurrent_bias")
        self.axis = graph.add_const(np.asarray(1, np.int32), f"{name}/gate_axis")
        self.peepholes = None if cell.peepholes is None else [self.const(p, f"peephole_{g}")
                                                               for p, g in zip(cell.peepholes, "ifo")]

    def const(self, array, what: str) -> str:
        return self.graph.add_const(np.ascontiguousarray(array, dtype=self.dtype), f"{self.name}/{what}")

    def op(self, op: str, inputs, attrs=None, what: str = "") -> str:
        return self.graph.add_node1(op, inputs, attrs, name=f"{self.prefix}/{what or op.lower()}")

    def add(self, a: str, b: str, what: str = "add") -> str:
        return self.op("ADD", [a, b], _NO_ACT, what)

    def mul(self, a: str, b: str, what: str = "mul") -> str:
        return self.op("MUL", [a, b], _NO_ACT, what)

    def product(self, h: str, kernel: str, bias: Optional[str] = None, what: str = "recurrent") -> str:
        return self.op("FULLY_CONNECTED", [h, kernel, bias], {"fused_activation_function": "NONE",
                                                              "keep_num_dims": False}, what)

    def split(self, x: str, parts: int, what: str) -> List[str]:
        return self.graph.add_node("SPLIT", [self.axis, x], {"num_splits": parts}, name=f"{self.prefix}/{what}")

    def act(self, activation: Activation, x: str, what: str, clipped: bool = True) -> str:
        clip = self.cell.clip if clipped else None
        if clip is not None:
            x = self.op("MINIMUM", [x, self.const(clip, "clip_high")], None, f"{what}_clip")
            x = self.op("MAXIMUM", [x, self.const(-clip, "clip_low")], None, f"{what}_clip")
        return activation.emit(self.graph, x, f"{self.prefix}/{what}")

    # ---- one step each; h (and c) None means the zero initial state ----

    def lstm(self, xt: str, h: Optional[str], c: Optional[str]) -> Tuple[str, str]:
        cell = self.cell
        z = xt if h is None else self.add(xt, self.product(h, self.recurrent), "gates")
        zi, zf, zc, zo = self.split(z, 4, "split")
        if self.peepholes is not None and c is not None:
            zi = self.add(zi, self.mul(c, self.peepholes[0], "peephole_i"), "gate_i")
            zf = self.add(zf, self.mul(c, self.peepholes[1], "peephole_f"), "gate_f")
        i = self.act(cell.recurrent_activation, zi, "i")
        candidate = self.mul(i, self.act(cell.activation, zc, "candidate"), "input_part")
        c = candidate if c is None else self.add(self.mul(self.act(cell.recurrent_activation, zf, "f"), c, "kept"),
                                                 candidate, "c")
        if self.peepholes is not None:
            zo = self.add(zo, self.mul(c, self.peepholes[2], "peephole_o"), "gate_o")
        # ONNX Runtime clips the gates' and candidate's inputs, not the cell state before h's activation.
        h = self.mul(self.act(cell.recurrent_activation, zo, "o"),
                     self.act(cell.h_activation, c, "c_act", clipped=False), "h")
        return h, c

    def gru(self, xt: str, h: Optional[str]) -> str:
        cell, gate = self.cell, self.cell.recurrent_activation
        xz, xr, xh = self.split(xt, 3, "split_input")
        if cell.reset_after:
            if h is not None:
                hz, hr, hh = self.split(self.product(h, self.recurrent, self.recurrent_bias), 3, "split_state")
            elif cell.recurrent_bias is not None:  # h R is zero; its bias remains
                hz, hr, hh = (self.const(cell.block(cell.recurrent_bias, k), f"recurrent_bias_{g}")
                              for k, g in enumerate("zrh"))
            else:
                hz = hr = hh = None
            z = self.act(gate, xz if hz is None else self.add(xz, hz, "gate_z"), "z")
            if hh is None:
                candidate = self.act(cell.activation, xh, "candidate")
            else:
                r = self.act(gate, xr if hr is None else self.add(xr, hr, "gate_r"), "r")
                candidate = self.act(cell.activation, self.add(xh, self.mul(r, hh, "reset"), "candidate_in"),
                                     "candidate")
        elif h is None:
            z = self.act(gate, xz, "z")
            candidate = self.act(cell.activation, xh, "candidate")  # r * h is zero
        else:
            hz, hr = self.split(self.product(h, self.recurrent_zr), 2, "split_state")
            z = self.act(gate, self.add(xz, hz, "gate_z"), "z")
            r = self.act(gate, self.add(xr, hr, "gate_r"), "r")
            reset = self.product(self.mul(r, h, "reset"), self.recurrent_h, what="candidate_recurrent")
            candidate = self.act(cell.activation, self.add(xh, reset, "candidate_in"), "candidate")
        # z * h + (1 - z) * candidate, as candidate + z * (h - candidate): three operators instead of four.
        if h is None:
            return self.op("SUB", [candidate, self.mul(z, candidate, "carry")], _NO_ACT, "h")
        return self.add(candidate, self.mul(z, self.op("SUB", [h, candidate], _NO_ACT, "delta"), "carry"), "h")

    def rnn(self, xt: str, h: Optional[str]) -> str:
        z = xt if h is None else self.add(xt, self.product(h, self.recurrent), "sum")
        return self.act(self.cell.activation, z, "h")


def emit_unrolled(graph: Graph, cell: RecurrentCell, x: str, *, name: str, time_axis: int, go_backwards: bool,
                  restore_order: bool, initial_states: List[str], want_sequence: bool) -> SequenceOutputs:
    """Writes `cell` over x step by step (arguments as recurrent.emit_recurrent; time_axis 0 or 1); an initial
    state given as None starts at zero."""
    dtype = graph.dtype(x)
    writer = _StepWriter(graph, cell, name, dtype)
    projected = graph.add_node1("FULLY_CONNECTED", [x, writer.const(cell.kernel, "kernel"), writer.const(cell.bias, "bias")],
                                {"fused_activation_function": "NONE", "keep_num_dims": True},
                                name=f"{name}/input_projection")
    steps = graph.shape(x)[time_axis]
    h, c = (initial_states + [None, None])[:2] if initial_states else (None, None)
    order = list(reversed(range(steps))) if go_backwards else list(range(steps))
    outputs = {}
    for t in order:
        writer.prefix = f"{name}/t{t}"
        xt = time_step(graph, projected, time_axis, t, f"{name}/t{t}/input")
        if cell.kind == "lstm":
            h, c = writer.lstm(xt, h, c)
        elif cell.kind == "gru":
            h = writer.gru(xt, h)
        else:
            h = writer.rnn(xt, h)
        outputs[t] = h
    sequence = None
    if want_sequence:
        packed = [outputs[t] for t in (order if go_backwards and not restore_order else range(steps))]
        sequence = graph.add_node1("PACK", packed, {"values_count": steps, "axis": time_axis},
                                   name=f"{name}/sequence")
    return SequenceOutputs(sequence, [h] if cell.kind != "lstm" else [h, c])
