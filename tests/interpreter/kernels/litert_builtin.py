"""Running a one-op model in LiteRT with its builtin kernels and XNNPACK off: the kernels whose results
.tflite semantics are, edge cases included. (run_single_op(..., runtime="litert") lets LiteRT's default
XNNPACK delegate take the ops it supports; it differs from the builtin kernels on signed zeros, NaNs and
empty reductions.) A plain module, like kernel_twins."""

import importlib.util

import numpy as np
import pytest

from edgelite.testing import single_op_model

requires_litert = pytest.mark.skipif(importlib.util.find_spec("ai_edge_litert") is None,
                                     reason="ai-edge-litert is not installed")


def run_litert_builtin(op, inputs, options=None, *, constant_inputs=(), **model_kwargs):
    """Outputs of single_op_model(op, inputs, options, ...) run once by LiteRT's builtin kernels."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    model = single_op_model(op, inputs, options, constant_inputs=constant_inputs, **model_kwargs)
    interp = Interpreter(model_content=model,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    runtime_inputs = [np.asarray(a) for i, a in enumerate(inputs) if a is not None and i not in constant_inputs]
    details = interp.get_input_details()
    for d, value in zip(details, runtime_inputs):
        if list(d["shape"]) != list(value.shape):
            interp.resize_tensor_input(d["index"], list(value.shape))
    interp.allocate_tensors()
    for d, value in zip(details, runtime_inputs):
        interp.set_tensor(d["index"], value)
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()]
