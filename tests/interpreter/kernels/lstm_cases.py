"""Building LSTM models for the kernel tests: a cell's parameters (lstm_reference.make_params) as the inputs
of UNIDIRECTIONAL_SEQUENCE_LSTM, LSTM and BIDIRECTIONAL_SEQUENCE_LSTM, float or dynamic range; and the
variants the tests sweep. A plain module."""

import numpy as np

from lstm_reference import cell_inputs
from sequence_models import Const, Runtime, Var

# name -> make_params keywords (and options) of the variants every LSTM operator runs.
VARIANTS = {
    "plain": {},
    "peephole": {"peephole": True},
    "projection": {"projection": True, "n_output": 4},
    "projection_no_bias": {"projection": True, "projection_bias": False, "n_output": 7},
    "projection_clip": {"projection": True, "n_output": 5, "options": {"proj_clip": 0.05}},
    "layer_norm": {"layer_norm": True},
    "cifg": {"cifg": True},
    "cifg_peephole_layer_norm_projection": {"cifg": True, "peephole": True, "layer_norm": True, "projection": True,
                                            "n_output": 3},
    "cell_clip": {"options": {"cell_clip": 0.3}},
    "diagonal": {"diagonal": True},
}


def split_variant(variant):
    """(make_params keywords, extra options) of a VARIANTS entry."""
    kwargs = dict(VARIANTS[variant])
    return kwargs, kwargs.pop("options", {})


def tensor(value, hybrid):
    """A parameter as a model input: float arrays as constants, (int8, scale) pairs as quantized constants."""
    if value is None:
        return None
    if isinstance(value, tuple):
        return Const(value[0], (float(value[1]), 0))
    return np.asarray(value, np.float32)


def cell_tensors(p):
    return [tensor(v, True) for v in cell_inputs(p)]


def layer_norm_tensors(p):
    return [tensor(v, False) for v in p["ln"]]


def lstm_options(activation="TANH", cell_clip=0.0, proj_clip=0.0, asymmetric=False, **extra):
    return {"fused_activation_function": activation, "cell_clip": cell_clip, "proj_clip": proj_clip,
            "asymmetric_quantize_inputs": asymmetric, **extra}


def unidirectional_inputs(p, x, batch, *, twenty=False):
    """The 24 (or 20) inputs of UNIDIRECTIONAL_SEQUENCE_LSTM / LSTM for parameters p and runtime input x."""
    inputs = [Runtime(x)] + cell_tensors(p) + [Var([batch, p["n_output"]]), Var([batch, p["n_cell"]])]
    return inputs if twenty else inputs + layer_norm_tensors(p)


def bidirectional_inputs(fw, bw, x, batch, aux=None):
    """The 48 inputs of BIDIRECTIONAL_SEQUENCE_LSTM; `aux` a runtime auxiliary input (or None)."""
    states = [Var([batch, fw["n_output"]]), Var([batch, fw["n_cell"]]), Var([batch, bw["n_output"]]),
              Var([batch, bw["n_cell"]])]
    aux_weights = [tensor(w, True) for w in fw["waux"]] + [tensor(w, True) for w in bw["waux"]]
    return ([Runtime(x)] + cell_tensors(fw) + cell_tensors(bw) + states +
            [Runtime(aux) if aux is not None else None] + aux_weights)
