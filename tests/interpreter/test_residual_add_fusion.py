"""Residual ADD fusion at allocate (interpreter/subgraph_fusion.cc, FuseResidualAdds): a float ADD of a CONV_2D's
output and a same-shaped tensor computed before the convolution becomes the convolution's epilogue. Each model runs
fused and unfused (experimental_preserve_all_tensors keeps every node): same output bits, and the expected nodes
fused or not."""

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder

RNG = np.random.default_rng(3)
SHAPE = [1, 7, 9, 20]  # odd sizes: partial row tiles and a partial column panel


def run(model, preserve=False, threads=1, x=None):
    interp = edgelite.Interpreter(model_content=model, experimental_preserve_all_tensors=preserve,
                                  num_threads=threads)
    interp.allocate_tensors()
    d = interp.get_input_details()[0]
    x = RNG.standard_normal(d["shape"]).astype(np.float32) * 3 if x is None else x
    interp.set_tensor(d["index"], x)
    interp.invoke()
    return [interp.get_tensor(o["index"]).copy() for o in interp.get_output_details()], interp


def fusions(interp):
    """{ADD node: conv node} and {conv node: (addend tensor, activation)}."""
    ops = interp._get_ops_details()
    names = {o["index"]: o["op_name"] for o in ops}
    into = {o["index"]: o["fused_into"] for o in ops if o["fused_into"] is not None and names[o["index"]] == "ADD"}
    applied = {o["index"]: (o["fused_addend"], o["fused_activation"]) for o in ops if o["fused_addend"] is not None}
    return into, applied


def assert_same_as_unfused(model, threads=1):
    x = RNG.standard_normal(SHAPE).astype(np.float32) * 3
    x.flat[:3] = [np.nan, 0.0, -0.0]
    fused, interp = run(model, threads=threads, x=x)
    unfused, plain = run(model, preserve=True, threads=threads, x=x)
    assert fusions(plain) == ({}, {})
    for a, b in zip(fused, unfused):
        np.testing.assert_array_equal(a.view(np.uint32), b.view(np.uint32))
    return interp


def conv(b, x, out_c, kernel=3, stride=1, activation="NONE", name="c"):
    in_c = b.tensor(x).shape[3]
    w = b.add_constant(f"{name}_w", RNG.standard_normal((out_c, kernel, kernel, in_c)).astype(np.float32) * 0.3)
    bias = b.add_constant(f"{name}_b", RNG.standard_normal(out_c).astype(np.float32))
    shape = list(b.tensor(x).shape)
    y = b.add_tensor(name, [1, -(-shape[1] // stride), -(-shape[2] // stride), out_c])
    b.add_operator("CONV_2D", [x, w, bias], [y], {"padding": "SAME", "stride_w": stride, "stride_h": stride,
                                                   "fused_activation_function": activation})
    return y


def shortcut(b, x, kind):
    if kind == "conv":
        return conv(b, x, SHAPE[3], kernel=1, name="shortcut")
    a = b.add_tensor("shortcut", SHAPE)
    b.add_operator("MUL", [x, x], [a])
    return a


def residual_block(activation="RELU", conv_activation="NONE", kernel=3, shortcut_first=True, swap=False,
                   separate_relu=False, extra_reader=False, shortcut_kind="conv"):
    """x -> a = shortcut(x) [before or after the main conv in the plan] ; y = conv(x) ; ADD(y, a)."""
    b = ModelBuilder()
    x = b.add_input("x", SHAPE)
    if shortcut_first:
        a = shortcut(b, x, shortcut_kind)
        y = conv(b, x, SHAPE[3], kernel=kernel, activation=conv_activation, name="main")
    else:
        y = conv(b, x, SHAPE[3], kernel=kernel, activation=conv_activation, name="main")
        a = shortcut(b, x, shortcut_kind)
    out = b.add_tensor("sum", SHAPE)
    b.add_operator("ADD", [a, y] if swap else [y, a], [out],
                   {"fused_activation_function": "NONE" if separate_relu else activation})
    if separate_relu:
        r = b.add_tensor("relu", SHAPE)
        b.add_operator(activation, [out], [r])
        out = r
    final = b.add_tensor("final", SHAPE)
    b.add_operator("MUL", [out, out], [final])
    b.mark_output(final)
    if extra_reader:
        other = b.add_tensor("other", SHAPE)
        b.add_operator("SUB", [y, x], [other])
        b.mark_output(other)
    return b.build()


@pytest.mark.parametrize("activation", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
@pytest.mark.parametrize("kernel", [1, 3])
@pytest.mark.parametrize("swap", [False, True])
def test_residual_add_becomes_the_convolutions_epilogue(activation, kernel, swap):
    interp = assert_same_as_unfused(residual_block(activation, kernel=kernel, swap=swap))
    into, applied = fusions(interp)
    assert into == {2: 1}
    assert applied == {1: (0 + interp._get_ops_details()[0]["outputs"][0], None if activation == "NONE" else activation)}


def test_a_separate_relu_after_the_add_goes_with_it():
    interp = assert_same_as_unfused(residual_block("RELU", separate_relu=True))
    ops = interp._get_ops_details()
    assert [o["fused_into"] for o in ops[2:4]] == [1, 1]  # the ADD and its RELU: both applied by conv 1
    assert ops[1]["fused_activation"] == "RELU"


def test_two_threads():
    assert fusions(assert_same_as_unfused(residual_block("RELU6"), threads=2))[0] == {2: 1}


def test_the_later_of_two_convolutions_takes_the_add():
    # main (node 0), then the shortcut conv (node 1): main's output is there when the shortcut runs.
    interp = assert_same_as_unfused(residual_block(shortcut_first=False))
    assert fusions(interp)[0] == {2: 1}


def test_a_convolution_moves_after_a_shortcut_computed_later():
    # main conv (node 0), the shortcut MUL (node 1): the conv runs after the MUL, just before the ADD.
    interp = assert_same_as_unfused(residual_block(shortcut_first=False, shortcut_kind="mul"))
    assert fusions(interp)[0] == {2: 0}
    plan = sorted(interp._get_ops_details(), key=lambda o: o["plan_position"])
    assert [o["index"] for o in plan][:3] == [1, 0, 2]


@pytest.mark.parametrize("case", ["conv activation", "conv output read twice"])
def test_not_fused(case):
    model = {"conv activation": lambda: residual_block(conv_activation="RELU", shortcut_kind="mul"),
             "conv output read twice": lambda: residual_block(extra_reader=True, shortcut_kind="mul")}[case]()
    interp = assert_same_as_unfused(model)
    assert fusions(interp)[0] == {}


def test_broadcast_add_is_not_fused():
    b = ModelBuilder()
    x = b.add_input("x", SHAPE)
    y = conv(b, x, SHAPE[3], name="main")
    c = b.add_constant("c", RNG.standard_normal(SHAPE[3]).astype(np.float32))
    out = b.add_tensor("out", SHAPE)
    b.add_operator("ADD", [y, c], [out], {"fused_activation_function": "RELU"})
    final = b.add_tensor("final", SHAPE)
    b.add_operator("MUL", [out, out], [final])
    b.mark_output(final)
    assert fusions(assert_same_as_unfused(b.build()))[0] == {}


@pytest.mark.parametrize("path,fused_adds", [(("tf", "mobilenet_v2.tflite"), 10),
                                             (("mediapipe", "face_landmark.tflite"), 20),
                                             (("mediapipe", "face_detection_short_range.tflite"), 16)])
def test_models_fuse_their_residual_adds(path, fused_adds):
    from testutil import model_path
    outputs, interps = [], []
    for preserve in (False, True):
        it = edgelite.Interpreter(model_path=model_path(*path), experimental_preserve_all_tensors=preserve)
        it.allocate_tensors()
        d = it.get_input_details()[0]
        it.set_tensor(d["index"], np.random.default_rng(1).standard_normal(d["shape"]).astype(np.float32))
        it.invoke()
        outputs.append([it.get_tensor(o["index"]).copy() for o in it.get_output_details()])
        interps.append(it)
    for a, b in zip(*outputs):
        np.testing.assert_array_equal(a, b)
    assert len(fusions(interps[0])[0]) == fused_adds
