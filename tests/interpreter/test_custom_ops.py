"""Custom operators resolve by name and version through the op resolver; unknown ones are named."""

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder


def scale_model(scale=2.5, version=1, with_bias=False, options=None):
    b = ModelBuilder()
    x = b.add_input("x", [2, 3])
    inputs = [x]
    if with_bias:
        inputs.append(b.add_constant("bias", np.full((2, 3), 0.5, np.float32)))
    y = b.add_tensor("y", [2, 3])
    opts = np.float32(scale).tobytes() if options is None else options
    b.add_operator("CUSTOM", inputs, [y], custom_code="EdgeliteTestScale", custom_options=opts, version=version)
    b.mark_output(y)
    return b.build()


def run(model, x):
    interp = edgelite.Interpreter(model_content=model, custom_op_registerers=["AddTestCustomOps"])
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"])


X = np.arange(6, dtype=np.float32).reshape(2, 3)


def test_registered_custom_op_runs():
    np.testing.assert_array_equal(run(scale_model(2.5), X), X * 2.5)


def test_custom_op_version_2_takes_a_second_input():
    np.testing.assert_array_equal(run(scale_model(-1.0, version=2, with_bias=True), X), -X + 0.5)


def test_custom_op_version_out_of_range_is_named():
    with pytest.raises(edgelite.UnsupportedError, match="'EdgeliteTestScale' version 3 is not supported"):
        run(scale_model(version=3), X)


def test_custom_op_without_registration_is_named():
    interp = edgelite.Interpreter(model_content=scale_model())
    with pytest.raises(edgelite.UnsupportedError, match="custom operator 'EdgeliteTestScale' is not registered"):
        interp.allocate_tensors()


def test_custom_op_bad_options_fail_in_init():
    with pytest.raises(edgelite.InvalidModelError, match="custom options must hold one float32"):
        run(scale_model(options=b"\x01\x02"), X)


def test_unknown_registerer_is_refused():
    with pytest.raises(edgelite.InvalidArgumentError, match="unknown custom op registerer"):
        edgelite.Interpreter(model_content=scale_model(), custom_op_registerers=["Register_MyOps"])
