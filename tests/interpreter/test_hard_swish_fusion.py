"""HARD_SWISH fusion at allocate (interpreter/subgraph_fusion.cc, FuseHardSwishes): a float HARD_SWISH whose input
only it reads becomes the epilogue of the CONV_2D or DEPTHWISE_CONV_2D writing that input (MobileNet v3's 19), applied
tile by tile after the producer's own clamp. Each model runs fused and unfused (experimental_preserve_all_tensors
keeps every node): same output bits, on the optimized kernels and the reference twins, at 1-3 threads, and the
expected nodes fused or not."""

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder

RNG = np.random.default_rng(11)


def run(model, shape, preserve=False, threads=1, reference=False):
    kwargs = {"experimental_op_resolver_type": edgelite.OpResolverType.BUILTIN_REF} if reference else {}
    interp = edgelite.Interpreter(model_content=model, experimental_preserve_all_tensors=preserve,
                                  num_threads=threads, **kwargs)
    interp.allocate_tensors()
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32) * 4
    x.flat[:3] = [0.0, -0.0, 1e-30]  # zeros and a tiny value through the block's exact path
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    return [interp.get_tensor(o["index"]).copy() for o in interp.get_output_details()], interp


def fused(interp):
    """{HARD_SWISH node: the node applying it}, and the nodes applying one."""
    ops = interp._get_ops_details()
    into = {o["index"]: o["fused_into"] for o in ops if o["op_name"] == "HARD_SWISH" and o["fused_into"] is not None}
    return into, sorted(o["index"] for o in ops if o["fused_hard_swish"])


def producer(b, x, op, out_c, kernel, stride, activation, groups=1, multiplier=1):
    """CONV_2D (optionally grouped) or DEPTHWISE_CONV_2D with SAME padding into a new tensor."""
    shape = list(b.tensor(x).shape)
    in_c = shape[3]
    out_shape = [shape[0], -(-shape[1] // stride), -(-shape[2] // stride), out_c]
    y = b.add_tensor("y", out_shape)
    options = {"padding": "SAME", "stride_w": stride, "stride_h": stride, "fused_activation_function": activation}
    if op == "CONV_2D":
        w = RNG.standard_normal((out_c, kernel, kernel, in_c // groups)).astype(np.float32) * 0.4
    else:
        w = RNG.standard_normal((1, kernel, kernel, out_c)).astype(np.float32) * 0.4
        options["depth_multiplier"] = multiplier
    wt = b.add_constant("w", w)
    bias = b.add_constant("b", RNG.standard_normal(out_c).astype(np.float32))
    b.add_operator(op, [x, wt, bias], [y], options)
    return y


def swish_model(shape, op="CONV_2D", out_c=20, kernel=3, stride=1, activation="NONE", groups=1, multiplier=1,
                extra_reader=False, swish_is_output=False, producer_is_output=False):
    """x -> producer -> HARD_SWISH -> ADD(h, h): the ADD keeps the HARD_SWISH's output an intermediate."""
    b = ModelBuilder()
    x = b.add_input("x", shape)
    y = producer(b, x, op, out_c, kernel, stride, activation, groups, multiplier)
    h = b.add_tensor("h", b.tensor(y).shape)
    b.add_operator("HARD_SWISH", [y], [h])
    if swish_is_output:
        b.mark_output(h)
    else:
        out = b.add_tensor("out", b.tensor(y).shape)
        b.add_operator("ADD", [h, h], [out])
        b.mark_output(out)
    if extra_reader:
        other = b.add_tensor("other", b.tensor(y).shape)
        b.add_operator("ADD", [y, y], [other])
        b.mark_output(other)
    if producer_is_output:
        b.mark_output(y)
    return b.build()


def assert_same_as_unfused(model, shape, threads=1, reference=False):
    got, interp = run(model, shape, threads=threads, reference=reference)
    want, plain = run(model, shape, preserve=True, threads=threads, reference=reference)
    assert fused(plain) == ({}, [])
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a.view(np.uint32), b.view(np.uint32))
    return interp


CONVS = [
    dict(kernel=1, stride=1, out_c=20),           # the direct GEMM, a partial panel
    dict(kernel=1, stride=1, out_c=72),
    dict(kernel=3, stride=2, out_c=16),           # MobileNet v3's stem: the implicit GEMM
    dict(kernel=3, stride=1, out_c=36, groups=2),  # rows not contiguous: row by row
]
DEPTHWISES = [
    dict(kernel=3, stride=1, out_c=20), dict(kernel=3, stride=2, out_c=72), dict(kernel=5, stride=2, out_c=40),
    dict(kernel=5, stride=1, out_c=40, multiplier=2),  # the expanded input
    dict(kernel=9, stride=1, out_c=8),             # 81 taps: the reference row
]


@pytest.mark.parametrize("reference", [False, True], ids=["optimized", "reference"])
@pytest.mark.parametrize("activation", ["NONE", "RELU6"])
@pytest.mark.parametrize("case", CONVS, ids=str)
def test_conv_applies_the_hard_swish(case, activation, reference):
    case = dict(case)
    in_c = 8 if case.get("groups", 1) == 1 else 2 * 4
    shape = [1, 13, 11, in_c] if case["kernel"] != 1 else [2, 9, 7, in_c]
    interp = assert_same_as_unfused(swish_model(shape, activation=activation, **case), shape, reference=reference)
    assert fused(interp) == ({1: 0}, [0])


@pytest.mark.parametrize("reference", [False, True], ids=["optimized", "reference"])
@pytest.mark.parametrize("case", DEPTHWISES, ids=str)
def test_depthwise_applies_the_hard_swish(case, reference):
    case = dict(case)
    in_c = case["out_c"] // case.get("multiplier", 1)
    shape = [1, 15, 17, in_c]
    interp = assert_same_as_unfused(swish_model(shape, op="DEPTHWISE_CONV_2D", activation="RELU", **case), shape,
                                    reference=reference)
    assert fused(interp) == ({1: 0}, [0])


def assert_threads_give_the_same_bits(model, shape, threads):
    """The fused block at `threads` threads, and unfused (all tensors kept), bit for bit as at one thread."""
    one, _ = run(model, shape)
    many, interp = run(model, shape, threads=threads)
    assert fused(interp) == ({1: 0}, [0])
    np.testing.assert_array_equal(one[0].view(np.uint32), many[0].view(np.uint32))
    plain, _ = run(model, shape, preserve=True, threads=threads)
    np.testing.assert_array_equal(one[0].view(np.uint32), plain[0].view(np.uint32))


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
def test_threads_give_the_same_bits(op, threads):
    shape = [1, 56, 56, 24]
    model = swish_model(shape, op=op, out_c=24, kernel=3 if op == "DEPTHWISE_CONV_2D" else 1)
    assert_threads_give_the_same_bits(model, shape, threads)


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("case", [dict(shape=[1, 7, 7, 972], kernel=3, stride=1), dict(shape=[1, 14, 14, 580], kernel=5,
                                                                                        stride=2)], ids=str)
def test_few_rows_split_by_channels_give_the_same_bits(case, threads):
    # Rows too few to share evenly are split by channel blocks as well; the fused hard swish covers each block.
    shape = case["shape"]
    model = swish_model(shape, op="DEPTHWISE_CONV_2D", out_c=shape[3], kernel=case["kernel"], stride=case["stride"])
    assert_threads_give_the_same_bits(model, shape, threads)


@pytest.mark.parametrize("kwargs", [dict(extra_reader=True), dict(swish_is_output=True), dict(producer_is_output=True)],
                         ids=["input-read-twice", "swish-output", "producer-output"])
def test_not_fused_where_the_tensors_must_stay(kwargs):
    shape = [1, 9, 9, 8]
    model = swish_model(shape, **kwargs)
    interp = assert_same_as_unfused(model, shape)
    assert fused(interp) == ({}, [])


def test_resize_plans_the_fusion_again():
    shape = [1, 9, 9, 8]
    model = swish_model(shape, op="DEPTHWISE_CONV_2D", out_c=8)
    interp = edgelite.Interpreter(model_content=model)
    interp.resize_tensor_input(0, [2, 12, 10, 8])
    interp.allocate_tensors()
    assert fused(interp) == ({1: 0}, [0])
    x = np.random.default_rng(2).standard_normal([2, 12, 10, 8]).astype(np.float32)
    interp.set_tensor(0, x)
    interp.invoke()
    plain = edgelite.Interpreter(model_content=model, experimental_preserve_all_tensors=True)
    plain.resize_tensor_input(0, [2, 12, 10, 8])
    plain.allocate_tensors()
    plain.set_tensor(0, x)
    plain.invoke()
    out = interp.get_output_details()[0]["index"]
    np.testing.assert_array_equal(interp.get_tensor(out).view(np.uint32), plain.get_tensor(out).view(np.uint32))
