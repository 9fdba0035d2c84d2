"""The passes that recognize exported patterns (LRN and hard-swish decompositions, channel shuffles,
flatten before a classifier, slices and splits between layout transposes): each rewrites what it targets
and leaves the outputs unchanged."""

import numpy as np
import pytest

from converter_testutil import check_pass, rand
from edgelite.converter.ir import Graph
from edgelite.converter.passes import (CancelTransposes, DeadNodeRemoval, FoldTransposeIntoFullyConnected,
                                       FuseHardSwish, FuseLeakyRelu, FuseLocalResponseNorm, RemoveIdentity,
                                       SinkTransposeThroughShuffle, SinkTransposes)

NONE = {"fused_activation_function": "NONE"}
CONV = {"padding": "SAME", "stride_h": 1, "stride_w": 1, "fused_activation_function": "NONE"}


def i32(*v):
    return np.asarray(v, np.int32)


def reshape(g, x, shape):
    return g.add_node1("RESHAPE", [x, g.add_const(i32(*shape))], {"new_shape": list(shape)})


def transpose(g, x, perm, **kwargs):
    return g.add_node1("TRANSPOSE", [x, g.add_const(i32(*perm))], **kwargs)


def conv_nchw():
    """x (NHWC [1, 5, 6, 3]) -> CONV_2D (4 channels) -> TRANSPOSE to NCHW [1, 4, 5, 6]."""
    g = Graph()
    x = g.add_input("x", (1, 5, 6, 3), np.float32)
    y = g.add_node1("CONV_2D", [x, g.add_const(rand(4, 3, 3, 3, seed=1)), g.add_const(rand(4, seed=2))], CONV)
    return g, transpose(g, y, [0, 3, 1, 2]), rand(1, 5, 6, 3, seed=3)


def finish(g, *passes):
    for p in passes:
        p.run(g)
    DeadNodeRemoval().run(g)
    return g.op_counts()


def lrn_graph(square_of_other_value: bool = False):
    """torch's LRN decomposition (size 3) of a conv output in NCHW: a / (1.5 + 0.3 avg3(pad(a * a)))^0.75."""
    g, a, x = conv_nchw()
    b = g.add_node1("RELU", [a]) if square_of_other_value else a
    sq = g.add_node1("MUL", [b, b], NONE)
    padded = g.add_node1("PAD", [reshape(g, sq, [1, 1, 4, 5, 6]),
                                 g.add_const(i32(0, 0, 0, 0, 1, 1, 0, 0, 0, 0).reshape(5, 2))])
    pooled = g.add_node1("AVERAGE_POOL_2D", [reshape(g, padded, [1, 6, 30, 1])],
                         {"padding": "VALID", "stride_h": 1, "stride_w": 1, "filter_height": 3, "filter_width": 1,
                          **NONE})
    scaled = g.add_node1("MUL", [reshape(g, pooled, [1, 4, 5, 6]), g.add_const(np.float32(0.3))], NONE)
    shifted = g.add_node1("ADD", [g.add_const(np.float32(1.5)), scaled], NONE)
    power = g.add_node1("POW", [shifted, g.add_const(np.float32(0.75))])
    g.outputs = [g.add_node1("DIV", [a, power], NONE, outputs=["y"])]
    return g, x


def test_fuse_local_response_norm():
    g, x = lrn_graph()
    _, after = check_pass(g, FuseLocalResponseNorm(), [x])
    assert finish(after) == {"CONV_2D": 1, "TRANSPOSE": 3, "LOCAL_RESPONSE_NORMALIZATION": 1}
    lrn = next(n for n in after.nodes if n.op == "LOCAL_RESPONSE_NORMALIZATION")
    assert lrn.attrs == {"radius": 1, "bias": 1.5, "alpha": pytest.approx(0.1), "beta": 0.75}
    assert finish(after, SinkTransposes(), CancelTransposes()) == {"CONV_2D": 1, "TRANSPOSE": 1,
                                                                    "LOCAL_RESPONSE_NORMALIZATION": 1}


def test_fuse_local_response_norm_needs_the_same_value_squared():
    g, _ = lrn_graph(square_of_other_value=True)
    assert not FuseLocalResponseNorm().run(g)


def hard_swish_graph(form: str):
    g, a, x = conv_nchw()
    shifted = g.add_node1("ADD", [a, g.add_const(np.float32(3))], NONE)
    if form == "fused_relu6":
        shifted_relu6 = shifted
        g.producer(shifted).attrs["fused_activation_function"] = "RELU6"
    else:
        shifted_relu6 = g.add_node1("RELU6", [shifted])
    sixth = g.add_const(np.float32(1 / 6))
    if form == "product_then_divide":
        y = g.add_node1("DIV", [g.add_node1("MUL", [shifted_relu6, a], NONE), g.add_const(np.float32(6))], NONE)
    else:
        y = g.add_node1("MUL", [a, g.add_node1("MUL", [sixth, shifted_relu6], NONE)], NONE)
    g.outputs = [transpose(g, y, [0, 2, 3, 1], outputs=["y"])]
    return g, x


def test_fuse_hard_swish():
    for form in ("relu6", "fused_relu6", "product_then_divide"):
        g, x = hard_swish_graph(form)
        _, after = check_pass(g, FuseHardSwish(), [x])
        assert finish(after) == {"CONV_2D": 1, "TRANSPOSE": 2, "HARD_SWISH": 1}, form


def test_fuse_hard_swish_needs_plus_three():
    g, x = hard_swish_graph("relu6")
    for value in g.values.values():
        if value.is_const and value.const.size == 1 and value.const.item() == 3:
            value.const = np.float32(2.5)
    assert not FuseHardSwish().run(g)


def test_sink_transpose_through_channel_shuffle():
    g, a, x = conv_nchw()
    shuffled = reshape(g, transpose(g, reshape(g, a, [1, 2, 2, 5, 6]), [0, 2, 1, 3, 4]), [1, 4, 5, 6])
    g.outputs = [transpose(g, shuffled, [0, 2, 3, 1], outputs=["y"])]
    _, after = check_pass(g, SinkTransposeThroughShuffle(), [x])
    # The shuffle now runs on NHWC ([1, 5, 6, 2, 2] swapping the last two axes); the layout pair cancels.
    assert finish(after, CancelTransposes()) == {"CONV_2D": 1, "RESHAPE": 2, "TRANSPOSE": 1}
    shuffle = next(n for n in after.nodes if n.op == "TRANSPOSE")
    assert list(after.const(shuffle.inputs[1])) == [0, 1, 2, 4, 3]


def test_sink_transposes_through_strided_slice_and_split():
    g, a, x = conv_nchw()
    begin, end, strides = g.add_const(i32(0, 1, 0, 0)), g.add_const(i32(1, 4, 5, 6)), g.add_const(i32(1, 2, 1, 2))
    sliced = g.add_node1("STRIDED_SLICE", [a, begin, end, strides],
                         {"begin_mask": 0b0100, "end_mask": 0b1000, "ellipsis_mask": 0, "new_axis_mask": 0,
                          "shrink_axis_mask": 0})
    halves = g.add_node("SPLIT", [g.add_const(np.int32(1)), a], {"num_splits": 2})
    parts = g.add_node("SPLIT_V", [a, g.add_const(i32(1, 4)), g.add_const(np.int32(2))], {"num_splits": 2})
    g.outputs = [transpose(g, v, [0, 2, 3, 1], outputs=[f"y{k}"]) for k, v in enumerate([sliced] + halves + parts)]
    _, after = check_pass(g, SinkTransposes(), [x])
    assert finish(after, CancelTransposes()) == {"CONV_2D": 1, "STRIDED_SLICE": 1, "SPLIT": 1, "SPLIT_V": 1}


def test_fold_transpose_into_fully_connected():
    g, a, x = conv_nchw()
    flat = reshape(g, a, [1, 120])
    g.outputs = [g.add_node1("FULLY_CONNECTED", [flat, g.add_const(rand(7, 120, seed=4)), g.add_const(rand(7))],
                             NONE, outputs=["y"])]
    _, after = check_pass(g, FoldTransposeIntoFullyConnected(), [x])
    assert finish(after) == {"CONV_2D": 1, "RESHAPE": 1, "FULLY_CONNECTED": 1}


def test_remove_identity_drops_zero_pads():
    g, a, x = conv_nchw()
    zero = g.add_node1("PAD", [a, g.add_const(np.zeros((4, 2), np.int32))])
    g.outputs = [g.add_node1("RELU", [zero], outputs=["y"])]
    _, after = check_pass(g, RemoveIdentity(), [x])
    assert finish(after) == {"CONV_2D": 1, "TRANSPOSE": 1, "RELU": 1}


def test_split_before_convolutions_keeps_its_transpose():
    # A grouped convolution on an NCHW input: SPLIT's parts go to CONV_2Ds, so sinking the input's one
    # TRANSPOSE below the SPLIT would leave one per group.
    g = Graph()
    x = g.add_input("x", (1, 4, 5, 6), np.float32)
    parts = g.add_node("SPLIT", [g.add_const(np.int32(3)), transpose(g, x, [0, 2, 3, 1])], {"num_splits": 2})
    convs = [g.add_node1("CONV_2D", [p, g.add_const(rand(3, 3, 3, 2, seed=k)), g.add_const(rand(3, seed=k))], CONV)
             for k, p in enumerate(parts)]
    g.outputs = [g.add_node1("CONCATENATION", convs, {"axis": 3, **NONE})]
    assert not SinkTransposes().run(g)


@pytest.mark.parametrize("x_first, const_first", [(True, False), (False, True)])
def test_fuse_leaky_relu(x_first, const_first):
    g = Graph()
    x = g.add_input("x", (2, 3, 4), np.float32)
    alpha = g.add_const(np.float32(0.1))
    scaled = g.add_node1("MUL", [alpha, x] if const_first else [x, alpha], NONE)
    g.outputs = [g.add_node1("MAXIMUM", [x, scaled] if x_first else [scaled, x], outputs=["y"])]
    _, after = check_pass(g, FuseLeakyRelu(), [rand(2, 3, 4)])
    DeadNodeRemoval().run(after)
    assert after.op_counts() == {"LEAKY_RELU": 1} and abs(after.nodes[0].attrs["alpha"] - 0.1) < 1e-7


@pytest.mark.parametrize("alpha", [1.5, -0.2])
def test_fuse_leaky_relu_needs_alpha_in_0_1(alpha):
    """max(x, a x) is a leaky ReLU only for 0 <= a <= 1 (a > 1 flips which side wins)."""
    g = Graph()
    x = g.add_input("x", (2, 3), np.float32)
    g.outputs = [g.add_node1("MAXIMUM", [x, g.add_node1("MUL", [x, g.add_const(np.float32(alpha))], NONE)])]
    assert not FuseLeakyRelu().run(g)
