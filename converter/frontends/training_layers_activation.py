"""edgelite.training's LeakyReLU, PReLU and ELU layers as .tflite builtins (LEAKY_RELU, PRELU, ELU; an ELU
with alpha other than 1 as RELU + alpha * (EXP(MINIMUM(x, 0)) - 1))."""

from __future__ import annotations

import numpy as np

from .training import _layer

_NONE = {"fused_activation_function": "NONE"}


@_layer("LeakyReLU")
def _leaky_relu(graph, layer, config, weights, inputs, shape):
    return graph.add_node1("LEAKY_RELU", [inputs[0]], {"alpha": float(config["negative_slope"])}, name=layer.name)


@_layer("PReLU")
def _prelu(graph, layer, config, weights, inputs, shape):
    alpha = weights["alpha"]  # input_shape[1:], size 1 on shared axes: broadcasts over the batch
    return graph.add_node1("PRELU", [inputs[0], graph.add_const(alpha.astype(graph.dtype(inputs[0])),
                                                                f"{layer.name}/alpha")], name=layer.name)


@_layer("ELU")
def _elu(graph, layer, config, weights, inputs, shape):
    x, alpha = inputs[0], float(config.get("alpha", 1.0))
    if alpha == 1.0:
        return graph.add_node1("ELU", [x], name=layer.name)
    dtype = graph.dtype(x)
    negative = graph.add_node1("EXP", [graph.add_node1("MINIMUM", [x, graph.add_const(np.asarray(0, dtype), "zero")])])
    negative = graph.add_node1("SUB", [negative, graph.add_const(np.asarray(1, dtype), "one")], _NONE)
    negative = graph.add_node1("MUL", [negative, graph.add_const(np.asarray(alpha, dtype), "alpha")], _NONE)
    return graph.add_node1("ADD", [graph.add_node1("RELU", [x]), negative], _NONE, name=layer.name)
