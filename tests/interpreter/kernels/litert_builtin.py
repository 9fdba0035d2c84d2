"""Running a one-op model in LiteRT with one of its op resolvers: the builtin kernels with XNNPACK off (the
kernels whose results .tflite semantics are, edge cases included), the reference kernels (BUILTIN_REF: the
normative answer for integer arithmetic), or the default (XNNPACK on). (run_single_op(..., runtime="litert")
lets LiteRT's default XNNPACK delegate take the ops it supports; it differs from the builtin kernels on signed
zeros, NaNs and empty reductions, and by a rounding step on quantized ops.) A plain module, like kernel_twins."""

import importlib.util

import numpy as np
import pytest

from edgelite.testing import single_op_model

requires_litert = pytest.mark.skipif(importlib.util.find_spec("ai_edge_litert") is None,
                                     reason="ai-edge-litert is not installed")

# Our names for LiteRT's OpResolverType members.
RESOLVERS = {"builtin": "BUILTIN_WITHOUT_DEFAULT_DELEGATES", "reference": "BUILTIN_REF", "xnnpack": "BUILTIN"}


def run_litert_model(model, runtime_inputs, resolver="builtin"):
    """Outputs of `model` run once by LiteRT with the resolver named in RESOLVERS."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    interp = Interpreter(model_content=model,
                         experimental_op_resolver_type=getattr(OpResolverType, RESOLVERS[resolver]))
    details = interp.get_input_details()
    for d, value in zip(details, runtime_inputs):
        if list(d["shape"]) != list(value.shape):
            interp.resize_tensor_input(d["index"], list(value.shape))
    interp.allocate_tensors()
    for d, value in zip(details, runtime_inputs):
        interp.set_tensor(d["index"], value)
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()]


def run_litert_single_op(op, inputs, options=None, *, resolver="builtin", constant_inputs=(), **model_kwargs):
    """Outputs of single_op_model(op, inputs, options, ...) run once by LiteRT with `resolver`."""
    model = single_op_model(op, inputs, options, constant_inputs=constant_inputs, **model_kwargs)
    runtime_inputs = [np.asarray(a) for i, a in enumerate(inputs) if a is not None and i not in constant_inputs]
    return run_litert_model(model, runtime_inputs, resolver)


def run_litert_builtin(op, inputs, options=None, **kwargs):
    """LiteRT's builtin kernels, XNNPACK off."""
    return run_litert_single_op(op, inputs, options, resolver="builtin", **kwargs)


def run_litert_reference(op, inputs, options=None, **kwargs):
    """LiteRT's reference kernels (BUILTIN_REF): the normative integer arithmetic."""
    return run_litert_single_op(op, inputs, options, resolver="reference", **kwargs)
