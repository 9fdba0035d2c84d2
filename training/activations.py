"""Activation functions (Keras names and formulas) and their by-name lookup for layers and serialization.

Layers store an activation by name in their config, so the converter can map it to a fused activation or
an operator without calling it.
"""

import math

from . import ops


def linear(x):
    """The identity, x (the activation of a layer given none)."""
    return x


def relu(x):
    """max(x, 0)."""
    return ops.relu(x)


def relu6(x):
    """min(max(x, 0), 6)."""
    return ops.minimum(ops.relu(x), 6.0)


def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return ops.sigmoid(x)


def tanh(x):
    """The hyperbolic tangent of x."""
    return ops.tanh(x)


def softmax(x, axis=-1):
    """exp(x) normalized to sum 1 over `axis` (default: the last)."""
    return ops.softmax(x, axis)


def gelu(x, approximate=False):
    """Keras 3 default is the exact form x * Phi(x); approximate=True is the tanh form."""
    if approximate:
        inner = ops.multiply(ops.add(x, ops.multiply(ops.power(x, 3), 0.044715)), math.sqrt(2.0 / math.pi))
        return ops.multiply(ops.multiply(x, 0.5), ops.add(ops.tanh(inner), 1.0))
    return ops.multiply(ops.multiply(x, 0.5), ops.add(ops.erf(ops.multiply(x, 1.0 / math.sqrt(2.0))), 1.0))


def gelu_approximate(x):
    """The tanh-form GELU by name, so a layer can select it in a serializable way (edgelite extension)."""
    return gelu(x, approximate=True)


def hard_sigmoid(x):
    """relu6(x + 3) / 6, the piecewise-linear sigmoid of Keras 3 and MobileNetV3."""
    return ops.divide(relu6(ops.add(x, 3.0)), 6.0)


def hard_swish(x):
    """x * relu6(x + 3) / 6 (MobileNetV3; Keras 3 calls it hard_silu / hard_swish)."""
    return ops.multiply(x, hard_sigmoid(x))


def swish(x):
    """x * sigmoid(x) (also named 'silu')."""
    return ops.multiply(x, ops.sigmoid(x))


_ACTIVATIONS = {
    "linear": linear, "relu": relu, "relu6": relu6, "sigmoid": sigmoid, "tanh": tanh, "softmax": softmax,
    "gelu": gelu, "gelu_approximate": gelu_approximate, "hard_sigmoid": hard_sigmoid,
    "hard_swish": hard_swish, "hard_silu": hard_swish, "swish": swish, "silu": swish,
}


def get(identifier):
    """Name, None (linear) or a function from this module -> the function."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    try:
        return _ACTIVATIONS[str(identifier).lower()]
    except KeyError:
        raise ValueError(f"unknown activation {identifier!r}; known: {sorted(_ACTIVATIONS)}") from None


def serialize(activation):
    """Function -> its registered name; an unregistered callable cannot be saved."""
    for name, fn in _ACTIVATIONS.items():
        if fn is activation:
            return name
    raise ValueError(f"activation {activation!r} is not a registered edgelite activation and cannot be "
                     "serialized; use a name from activations, or a custom Layer")
