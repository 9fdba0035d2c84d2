"""Scale-shift fusion at allocate (interpreter/subgraph_fusion.cc, FuseScaleShifts): a float MUL by a constant whose
one reader is an ADD of a constant repeating along the leading axes (a batch normalization no convolution absorbed,
DenseNet's BN + ReLU) runs as one MUL node, both loops over cache-sized chunks. Each model runs fused and unfused
(experimental_preserve_all_tensors keeps every node): same output bits, on the optimized kernels and the reference
twins, and the expected nodes fused or not."""

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder

RNG = np.random.default_rng(5)


def run(model, shape, preserve=False, threads=1, reference=False, seed=0):
    kwargs = {"experimental_op_resolver_type": edgelite.OpResolverType.BUILTIN_REF} if reference else {}
    interp = edgelite.Interpreter(model_content=model, experimental_preserve_all_tensors=preserve,
                                  num_threads=threads, **kwargs)
    interp.allocate_tensors()
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32) * 3
    x.flat[:4] = [np.nan, 0.0, -0.0, np.inf]
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"]).copy(), interp, x


def scale_shift(shape, scale_shape=None, shift_shape=None, activation="RELU", mul_activation="NONE",
                shift_constant=True, extra_reader=False, separate_relu=False):
    """x -> MUL(x, scale) -> ADD(., shift) [-> RELU] -> SUB(., x): the SUB keeps the ADD's output an intermediate."""
    c = shape[-1]
    b = ModelBuilder()
    x = b.add_input("x", shape)
    scale = b.add_constant("scale", RNG.standard_normal(scale_shape or [c]).astype(np.float32))
    if shift_constant:
        shift = b.add_constant("shift", RNG.standard_normal(shift_shape or [c]).astype(np.float32))
    else:
        shift = b.add_tensor("shift", shape)
        b.add_operator("SUB", [x, x], [shift])
    m = b.add_tensor("scaled", shape)
    b.add_operator("MUL", [x, scale], [m], {"fused_activation_function": mul_activation})
    y = b.add_tensor("shifted", shape)
    b.add_operator("ADD", [m, shift], [y], {"fused_activation_function": "NONE" if separate_relu else activation})
    if separate_relu:
        r = b.add_tensor("relu", shape)
        b.add_operator(activation, [y], [r])
        y = r
    out = b.add_tensor("out", shape)
    b.add_operator("SUB", [y, x], [out])
    b.mark_output(out)
    if extra_reader:
        other = b.add_tensor("other", shape)
        b.add_operator("ADD", [m, x], [other])
        b.mark_output(other)
    return b.build()


def fused_adds(interp):
    """{ADD node: MUL node} and {MUL node: (shift tensor, activation)}."""
    ops = interp._get_ops_details()
    into = {o["index"]: o["fused_into"] for o in ops if o["fused_into"] is not None and o["op_name"] == "ADD"}
    applied = {o["index"]: (o["fused_addend"], o["fused_activation"]) for o in ops
               if o["fused_addend"] is not None and o["op_name"] == "MUL"}
    return into, applied


def assert_same_as_unfused(model, shape, threads=1, reference=False):
    fused, interp, _ = run(model, shape, threads=threads, reference=reference)
    unfused, plain, _ = run(model, shape, preserve=True, threads=threads, reference=reference)
    assert fused_adds(plain) == ({}, {})
    np.testing.assert_array_equal(fused.view(np.uint32), unfused.view(np.uint32))
    return interp


@pytest.mark.parametrize("activation", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
@pytest.mark.parametrize("shape", [[1, 7, 9, 20], [1, 56, 56, 64], [2, 5, 3, 1000]], ids=str)
def test_mul_takes_the_add(activation, shape):
    interp = assert_same_as_unfused(scale_shift(shape, activation=activation), shape)
    into, applied = fused_adds(interp)
    assert into == {1: 0}
    shift = interp._get_ops_details()[0]["inputs"][1] + 1  # the constants were added scale, shift
    assert applied == {0: (shift, None if activation == "NONE" else activation)}


@pytest.mark.parametrize("scale_shape, shift_shape", [([1], [20]), ([20], [1]), ([1, 1, 1, 20], [9, 20]),
                                                      ([7, 9, 20], [7, 9, 20]),
                                                      ([7, 1, 20], [20])],  # a scale that broadcasts in the middle
                         ids=str)
def test_scales_and_shifts_of_other_shapes(scale_shape, shift_shape):
    shape = [1, 7, 9, 20]
    interp = assert_same_as_unfused(scale_shift(shape, scale_shape, shift_shape), shape)
    assert fused_adds(interp)[0] == {1: 0}


@pytest.mark.parametrize("threads", [2, 3])
def test_threads(threads):
    shape = [1, 28, 28, 96]
    assert fused_adds(assert_same_as_unfused(scale_shift(shape), shape, threads=threads))[0] == {1: 0}


def test_reference_kernels():
    shape = [1, 14, 14, 48]
    assert fused_adds(assert_same_as_unfused(scale_shift(shape, activation="RELU6"), shape, reference=True))[0] == {1: 0}


def test_a_separate_relu_goes_with_the_add():
    shape = [1, 7, 9, 20]
    interp = assert_same_as_unfused(scale_shift(shape, separate_relu=True), shape)
    ops = interp._get_ops_details()
    assert [o["fused_into"] for o in ops[1:3]] == [0, 0]  # the ADD and its RELU: both applied by the MUL
    assert ops[0]["fused_activation"] == "RELU"


def test_matches_numpy():
    shape = [1, 6, 5, 16]
    model = scale_shift(shape, activation="RELU6")
    y, interp, x = run(model, shape)
    scale = interp.get_tensor(interp._get_ops_details()[0]["inputs"][1])
    shift = interp.get_tensor(interp._get_ops_details()[0]["inputs"][1] + 1)
    with np.errstate(invalid="ignore"):
        want = np.clip(x * scale + shift, 0, 6) - x  # two roundings in float32, as the two nodes
    np.testing.assert_array_equal(y, want.astype(np.float32))


@pytest.mark.parametrize("case", ["mul activation", "product read twice", "shift computed", "shift per row"])
def test_not_fused(case):
    shape = [1, 7, 9, 20]
    model = {"mul activation": lambda: scale_shift(shape, mul_activation="RELU"),
             "product read twice": lambda: scale_shift(shape, extra_reader=True),
             "shift computed": lambda: scale_shift(shape, shift_constant=False),
             "shift per row": lambda: scale_shift(shape, shift_shape=[7, 1, 1])}[case]()
    interp = assert_same_as_unfused(model, shape)
    assert fused_adds(interp)[0] == {}


@pytest.mark.parametrize("reference", [False, True])
def test_resize_prepares_the_fusion_again(reference):
    # A new batch size: the fusion is planned again with the new shapes, and stays bit for bit the unfused result.
    shape = [1, 7, 9, 20]
    model = scale_shift(shape, activation="RELU6")
    kwargs = {"experimental_op_resolver_type": edgelite.OpResolverType.BUILTIN_REF} if reference else {}
    outs = []
    for preserve in (False, True):
        interp = edgelite.Interpreter(model_content=model, experimental_preserve_all_tensors=preserve, **kwargs)
        interp.allocate_tensors()
        interp.resize_tensor_input(0, [3, 7, 9, 20])
        interp.allocate_tensors()
        x = np.random.default_rng(4).standard_normal((3, 7, 9, 20)).astype(np.float32)
        interp.set_tensor(interp.get_input_details()[0]["index"], x)
        interp.invoke()
        outs.append(interp.get_tensor(interp.get_output_details()[0]["index"]))
        if not preserve:
            assert fused_adds(interp)[0] == {1: 0}
    np.testing.assert_array_equal(outs[0].view(np.uint32), outs[1].view(np.uint32))
