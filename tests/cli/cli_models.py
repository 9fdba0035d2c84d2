"""Small models for the command-line tests, each written to a folder and returned as a path."""

import numpy as np

from edgelite.model_builder import ModelBuilder
from edgelite.testing import single_op_model


def _write_bytes(content: bytes, folder, name: str) -> str:
    path = folder / name
    path.write_bytes(content)
    return str(path)


def _write(b: ModelBuilder, folder, name: str) -> str:
    return _write_bytes(b.build(), folder, name)


def scale_model(folder) -> str:
    """z = x * c + c on a static [2, 3] input, with a signature 'serving_default' naming x 'features'."""
    b = ModelBuilder()
    x = b.add_input("x", [2, 3])
    c = b.add_constant("c", np.array([1.0, 2.0, 3.0], np.float32))
    y = b.add_tensor("y", [2, 3])
    z = b.add_tensor("z", [2, 3])
    b.add_operator("MUL", [x, c], [y])
    b.add_operator("ADD", [y, c], [z])
    b.mark_output(z)
    b.add_signature("serving_default", {"features": x}, {"scores": z})
    return _write(b, folder, "scale.tflite")


def dynamic_batch_model(folder) -> str:
    """z = x + 1 on an input of shape [1, 4] whose first axis is dynamic (shape_signature [-1, 4])."""
    b = ModelBuilder()
    x = b.add_input("x", [1, 4], shape_signature=[-1, 4])
    one = b.add_constant("one", np.ones([4], np.float32))
    z = b.add_tensor("z", [1, 4], shape_signature=[-1, 4])
    b.add_operator("ADD", [x, one], [z])
    b.mark_output(z)
    return _write(b, folder, "dynamic.tflite")


def two_input_model(folder) -> str:
    """input0 + input1 on two [3] inputs, no signature."""
    return _write_bytes(single_op_model("ADD", [np.zeros(3, np.float32)] * 2), folder, "two_inputs.tflite")


def int8_input_model(folder) -> str:
    """A quantized int8 input 'input0' (scale 0.5, zero point 3) passed through RESHAPE."""
    model = single_op_model("RESHAPE", [np.zeros(4, np.int8), np.array([4], np.int32)], constant_inputs=[1],
                            input_quantization={0: (0.5, 3)}, output_quantization=(0.5, 3))
    return _write_bytes(model, folder, "int8.tflite")


def unsupported_op_model(folder) -> str:
    """x -> custom operator this build lacks -> ABS, and a second subgraph that runs."""
    b = ModelBuilder()
    x = b.add_input("x", [4])
    y = b.add_tensor("y", [4])
    z = b.add_tensor("z", [4])
    b.add_operator("CUSTOM", [x], [y], custom_code="NotARealOp")
    b.add_operator("ABS", [y], [z])
    b.mark_output(z)
    b.set_subgraph(b.add_subgraph("second"))
    a = b.add_input("a", [2])
    c = b.add_tensor("c", [2])
    b.add_operator("NEG", [a], [c])
    b.mark_output(c)
    return _write(b, folder, "unsupported.tflite")
