"""Data-movement and normalisation operators through the OpenCL delegate (edgelite.load_delegate("opencl"))
on single-op models, against the CPU path of the same model: every node delegated, outputs within 1e-4
relative (exact for pure copies). Skips without an OpenCL platform (PoCL in CI)."""

import numpy as np
import pytest

import edgelite
from edgelite.interpreter import Interpreter
from edgelite.model_builder import ModelBuilder
from edgelite.testing import quantization, single_op_model

RNG = np.random.default_rng(1212)


@pytest.fixture(scope="module")
def opencl():
    try:
        return edgelite.load_delegate("opencl")
    except NotImplementedError as e:  # a build from before the plugin ABI's core side
        pytest.skip(str(e))
    except ValueError as e:
        if "OpenCL" in str(e):
            pytest.skip(str(e))
        raise


def _run(model, inputs, delegates=None):
    interp = Interpreter(model_content=model, experimental_delegates=delegates)
    interp.allocate_tensors()
    for d, value in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], value)
    interp.invoke()
    return interp, [interp.get_tensor(d["index"]) for d in interp.get_output_details()]


def check(opencl, model, inputs, exact=False):
    """Runs `model` on the CPU and through the delegate; asserts every node went to the device."""
    _, expected = _run(model, inputs)
    interp, got = _run(model, inputs, [opencl])
    plan = interp.get_ops_details()
    assert [n["op_name"] for n in plan] == ["DELEGATE"], plan
    for g, e in zip(got, expected):
        assert g.shape == e.shape and g.dtype == e.dtype
        if exact:
            np.testing.assert_array_equal(g, e)
        else:
            np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-6)


def floats(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def single(op, inputs, options=None, constant_inputs=(), **kwargs):
    model = single_op_model(op, inputs, options, constant_inputs=constant_inputs, **kwargs)
    return model, [a for i, a in enumerate(inputs) if a is not None and i not in constant_inputs]


@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_reshape_and_squeeze(opencl, dtype):
    x = (RNG.standard_normal((2, 1, 6)) * 100).astype(dtype)
    check(opencl, *single("RESHAPE", [x, np.array([3, 4], np.int32)], constant_inputs=(1,)), exact=True)
    check(opencl, *single("SQUEEZE", [x], {"squeeze_dims": [1]}), exact=True)


@pytest.mark.parametrize("shape,perm", [((3, 7), (1, 0)), ((1, 13, 17, 3), (0, 3, 1, 2)),
                                        ((2, 3, 4, 5, 3), (4, 2, 0, 3, 1)), ((2, 1, 3, 2, 5, 3), (5, 3, 1, 4, 0, 2))])
def test_transpose(opencl, shape, perm):
    check(opencl, *single("TRANSPOSE", [floats(*shape), np.array(perm, np.int32)], constant_inputs=(1,)), exact=True)


@pytest.mark.parametrize("begin,end,strides,options", [
    ([1, -1, 0], [4, 0, 5], [2, -2, 1], {"end_mask": 4}),
    ([0, 0, 2], [0, 0, 3], [1, 1, 1], {"new_axis_mask": 1, "ellipsis_mask": 2, "shrink_axis_mask": 4}),
    ([0, 1], [3, 5], [1, 2], {"begin_mask": 1, "offset": False}),
    ([-3, 0, 1], [-1, 6, 4], [1, 3, 1], {"shrink_axis_mask": 1}),
])
def test_strided_slice(opencl, begin, end, strides, options):
    x = floats(4, 6, 5)
    ints = [np.array(v, np.int32) for v in (begin, end, strides)]
    check(opencl, *single("STRIDED_SLICE", [x] + ints, options, constant_inputs=(1, 2, 3)), exact=True)


def test_slice(opencl):
    x = floats(5, 7, 3)
    check(opencl, *single("SLICE", [x, np.array([1, 2, 0], np.int32), np.array([3, -1, 2], np.int32)],
                          constant_inputs=(1, 2)), exact=True)


@pytest.mark.parametrize("axis,act", [(-1, "RELU6"), (0, "NONE"), (1, "RELU"), (2, "RELU_N1_TO_1")])
def test_concatenation(opencl, axis, act):
    shapes = {-1: [(2, 3, 4), (2, 3, 1), (2, 3, 2)], 0: [(1, 3, 4), (3, 3, 4)], 1: [(2, 1, 4), (2, 5, 4), (2, 2, 4)],
              2: [(2, 3, 4), (2, 3, 3)]}[axis]
    xs = [floats(*s) * 4 for s in shapes]
    # The second input is a constant, uploaded once by the partition executor.
    check(opencl, *single("CONCATENATION", xs, {"axis": axis, "fused_activation_function": act}, constant_inputs=(1,)))


@pytest.mark.parametrize("op", ["PAD", "PADV2"])
def test_pad(opencl, op):
    x = floats(1, 5, 7, 3)
    inputs = [x, np.array([[0, 0], [1, 2], [3, 0], [0, 1]], np.int32)]
    if op == "PADV2":
        inputs.append(np.array(-2.5, np.float32))
    check(opencl, *single(op, inputs, constant_inputs=(1, 2)), exact=True)


@pytest.mark.parametrize("mode", ["REFLECT", "SYMMETRIC"])
def test_mirror_pad(opencl, mode):
    x = floats(2, 4, 5)
    paddings = np.array([[1, 1], [3, 0], [2, 4]], np.int64)
    check(opencl, *single("MIRROR_PAD", [x, paddings], {"mode": mode}, constant_inputs=(1,)), exact=True)


@pytest.mark.parametrize("op,shape,bs", [("DEPTH_TO_SPACE", (1, 3, 5, 8), 2), ("DEPTH_TO_SPACE", (2, 2, 3, 27), 3),
                                         ("SPACE_TO_DEPTH", (1, 4, 6, 3), 2), ("SPACE_TO_DEPTH", (2, 6, 3, 5), 3)])
def test_depth_space(opencl, op, shape, bs):
    check(opencl, *single(op, [floats(*shape)], {"block_size": bs}), exact=True)


@pytest.mark.parametrize("shape,beta", [((1, 1000), 1.0), ((2, 3, 65), 0.5), ((4, 7), 2.0), ((3, 1), 1.0)])
def test_softmax(opencl, shape, beta):
    check(opencl, *single("SOFTMAX", [floats(*shape) * 5], {"beta": beta}))


@pytest.mark.parametrize("shape", [(2, 100), (3, 4, 9)])
def test_log_softmax(opencl, shape):
    check(opencl, *single("LOG_SOFTMAX", [floats(*shape) * 5]))


@pytest.mark.parametrize("flags", [{}, {"align_corners": True}, {"half_pixel_centers": True}])
@pytest.mark.parametrize("op", ["RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR"])
def test_resize(opencl, op, flags):
    for shape, size in [((1, 5, 7, 3), (8, 4)), ((2, 4, 4, 1), (9, 9)), ((1, 1, 3, 2), (2, 5))]:
        model, inputs = single(op, [floats(*shape), np.array(size, np.int32)], flags, constant_inputs=(1,))
        check(opencl, model, inputs, exact=op == "RESIZE_NEAREST_NEIGHBOR")


@pytest.mark.parametrize("kind", ["float16", "int8 per channel", "uint8 per tensor"])
def test_dequantize_constant_weights(opencl, kind):
    """A constant DEQUANTIZE feeding a CONCATENATION with a runtime input (the CPU path folds the constant)."""
    b = ModelBuilder()
    x = b.add_input("x", [4, 3], np.float32)
    if kind == "float16":
        w = b.add_constant("w", floats(2, 3).astype(np.float16))
    elif kind == "int8 per channel":
        q = RNG.integers(-128, 128, (2, 3), dtype=np.int8)
        w = b.add_constant("w", q, quantization=quantization([0.5, 0.02], [0, -3], quantized_dimension=0))
    else:
        w = b.add_constant("w", RNG.integers(0, 256, (2, 3), dtype=np.uint8), quantization=(0.1, 128))
    wf = b.add_tensor("w_float", None, np.float32)
    b.add_operator("DEQUANTIZE", [w], [wf])
    out = b.add_tensor("out", None, np.float32)
    b.add_operator("CONCATENATION", [x, wf], [out], {"axis": 0})
    b.mark_output(out)
    check(opencl, b.build(), [floats(4, 3)], exact=True)
