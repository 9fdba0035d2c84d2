"""edgelite.training's SimpleRNN, LSTM, GRU, Bidirectional and Embedding as .tflite operators.

Each direction of a recurrent layer becomes a converter.recurrent.RecurrentCell. Keras' `unroll` argument
chooses the form: unroll=False (the default) writes LSTM as UNIDIRECTIONAL_SEQUENCE_LSTM and SimpleRNN as
UNIDIRECTIONAL_SEQUENCE_RNN where the fused operator can express the layer (converter/recurrent.py says
when), which fixes the model's batch (1 unless the Input gives batch_size) since the operator's state
tensors have one size; unroll=True writes the steps out (stateless, any batch). GRU is always unrolled.
"""

from __future__ import annotations

from typing import List

import numpy as np

from ..ir import ConversionError, Graph
from ..recurrent import Activation, RecurrentCell, emit_recurrent, fused_refusal
from .training import _class_names, _layer

_KINDS = {"SimpleRNN": "rnn", "LSTM": "lstm", "GRU": "gru"}


def _activation(name: str, layer_name: str) -> Activation:
    name = (name or "linear").lower()
    if name == "hard_sigmoid":  # Keras 3: relu6(x + 3) / 6
        return Activation("hard_sigmoid", 1.0 / 6.0, 0.5)
    if name in ("sigmoid", "tanh", "relu", "relu6", "linear"):
        return Activation(name)
    raise ConversionError(f"recurrent layer {layer_name!r}: activation {name!r} has no .tflite mapping inside a "
                          "recurrent cell (sigmoid, tanh, relu, relu6, linear and hard_sigmoid have)")


def _kind(layer) -> str:
    kind = next((_KINDS[n] for n in _class_names(layer) if n in _KINDS), None)
    if kind is None:
        raise ConversionError(f"layer {layer.name!r}: {type(layer).__name__} is not a SimpleRNN, LSTM or GRU")
    return kind


def recurrent_cell(layer) -> RecurrentCell:
    """The cell of a SimpleRNN / LSTM / GRU layer, Keras' (in, gates * units) kernels transposed to (out, in)."""
    config, weights = layer.get_config(), layer.get_named_weights()
    kind = _kind(layer)
    units = int(config["units"])
    kernel, recurrent = weights["kernel"].T, weights["recurrent_kernel"].T
    bias = weights.get("bias")
    recurrent_bias = None
    if kind == "gru" and config.get("reset_after", True):
        if bias is not None:
            bias, recurrent_bias = bias[0], bias[1]
    if bias is None:
        bias = np.zeros(kernel.shape[0], kernel.dtype)
    return RecurrentCell(kind, units, np.ascontiguousarray(kernel), np.ascontiguousarray(recurrent), bias,
                         _activation(config.get("activation"), layer.name),
                         _activation(config.get("recurrent_activation", "sigmoid"), layer.name),
                         reset_after=bool(config.get("reset_after", True)), recurrent_bias=recurrent_bias)


def _fuses(layer, has_initial_states: bool, want_cell_state: bool) -> bool:
    if layer.get_config().get("unroll"):
        return False
    return fused_refusal(recurrent_cell(layer), has_initial_states, want_cell_state, True) is None


def _emit_direction(graph: Graph, layer, x: str, states: List[str], *, want_cell_state: bool,
                    restore_order: bool, name: str):
    config = layer.get_config()
    outputs, _ = emit_recurrent(
        graph, recurrent_cell(layer), x, name=name, go_backwards=bool(config.get("go_backwards")),
        restore_order=restore_order, initial_states=states, want_sequence=bool(config.get("return_sequences")),
        want_cell_state=want_cell_state, allow_fused=not config.get("unroll"), static_batch=not graph.probing)
    result = outputs.sequence if config.get("return_sequences") else outputs.states[0]
    return result, outputs.states


def _named(graph: Graph, values: List[str], names: List[str]) -> List[str]:
    """Each value renamed after the layer (what signatures show) when an operator computes it and the name
    is free; a value listed twice (the last output is also the final h) keeps its first name."""
    renamed = {}
    for value, name in zip(values, names):
        v = graph.values.get(value)
        if value in renamed or v is None or name in graph.values or v.is_const or v.variable or \
                value in graph.inputs:
            continue
        graph.rename_value(value, name)
        renamed[value] = name
    return [renamed.get(v, v) for v in values]


def _cell_state_used(layer, used: set, first_state_slot: int) -> bool:
    return _kind(layer) == "lstm" and bool(layer.get_config().get("return_state")) and first_state_slot + 1 in used


def _recurrent_needs_static_batch(node, used: set) -> bool:
    return _fuses(node.layer, len(node.inputs) > 1, _cell_state_used(node.layer, used, 1))


@_layer("SimpleRNN", "LSTM", "GRU", uses=True, static_batch=_recurrent_needs_static_batch)
def _recurrent(graph, layer, config, weights, inputs, shape, used=frozenset()):
    result, states = _emit_direction(graph, layer, inputs[0], list(inputs[1:]), restore_order=False,
                                     want_cell_state=_cell_state_used(layer, used, 1), name=layer.name)
    if not config.get("return_state"):
        return _named(graph, [result], [layer.name])[0]
    return _named(graph, [result] + states, [layer.name] + [f"{layer.name}/state_{n}" for n in "hc"])


def _bidirectional_needs_static_batch(node, used: set) -> bool:
    layer = node.layer
    half = len(layer.forward_layer.state_names)
    first = 2 if layer.merge_mode is None else 1
    return (_fuses(layer.forward_layer, len(node.inputs) > 1, _cell_state_used(layer.forward_layer, used, first))
            or _fuses(layer.backward_layer, len(node.inputs) > 1,
                      _cell_state_used(layer.backward_layer, used, first + half)))


@_layer("Bidirectional", uses=True, static_batch=_bidirectional_needs_static_batch)
def _bidirectional(graph, layer, config, weights, inputs, shape, used=frozenset()):
    forward, backward = layer.forward_layer, layer.backward_layer
    half = len(forward.state_names)
    states = list(inputs[1:])
    first = 2 if layer.merge_mode is None else 1
    y, forward_states = _emit_direction(graph, forward, inputs[0], states[:half], restore_order=False,
                                        want_cell_state=_cell_state_used(forward, used, first),
                                        name=f"{layer.name}/{forward.name}")
    # Keras flips the backward sequence back to input order before merging (with return_sequences).
    y_rev, backward_states = _emit_direction(graph, backward, inputs[0], states[half:], restore_order=True,
                                             want_cell_state=_cell_state_used(backward, used, first + half),
                                             name=f"{layer.name}/{backward.name}")
    mode = layer.merge_mode
    no_act = {"fused_activation_function": "NONE"}
    if mode == "concat":
        axis = graph.values[y].rank - 1
        merged = [graph.add_node1("CONCATENATION", [y, y_rev], {"axis": axis, **no_act}, name=layer.name)]
    elif mode in ("sum", "ave"):
        total = graph.add_node1("ADD", [y, y_rev], no_act, name=layer.name if mode == "sum" else f"{layer.name}/sum")
        merged = [total] if mode == "sum" else [graph.add_node1(
            "MUL", [total, graph.add_const(np.asarray(0.5, graph.dtype(y)))], no_act, name=layer.name)]
    elif mode == "mul":
        merged = [graph.add_node1("MUL", [y, y_rev], no_act, name=layer.name)]
    else:
        merged = [y, y_rev]
    if not layer.return_state and mode is not None:
        return merged[0]
    states_out = (forward_states + backward_states) if layer.return_state else []
    names = [layer.name] if mode is not None else [f"{layer.name}/forward", f"{layer.name}/backward"]
    names += [f"{layer.name}/forward_state_{n}" for n in "hc"][:len(forward_states)]
    names += [f"{layer.name}/backward_state_{n}" for n in "hc"][:len(backward_states)]
    return _named(graph, merged + states_out, names)


@_layer("Embedding")
def _embedding(graph, layer, config, weights, inputs, shape):
    indices = inputs[0]
    dtype = graph.dtype(indices)
    if dtype.kind == "f":  # Keras casts float indices to int
        indices = graph.add_node1("CAST", [indices], {"in_data_type": dtype, "out_data_type": np.int32},
                                  name=f"{layer.name}/indices")
    elif dtype not in (np.dtype(np.int32), np.dtype(np.int64)):
        indices = graph.add_node1("CAST", [indices], {"in_data_type": dtype, "out_data_type": np.int32},
                                  name=f"{layer.name}/indices")
    table = graph.add_const(weights["embeddings"], f"{layer.name}/embeddings")
    return graph.add_node1("GATHER", [table, indices], {"axis": 0, "batch_dims": 0}, name=layer.name)
