"""Each pass rewrites what it targets and leaves the outputs unchanged."""

import numpy as np

from converter_testutil import check_pass, rand, run_graph
from edgelite.converter.ir import Graph
from edgelite.converter.passes import (CancelTransposes, ConstantFolding, DeadNodeRemoval, DistributeOverConcat,
                                       FuseActivation, FuseBatchNorm, FuseBias, MergeReshapes, RemoveIdentity,
                                       SinkTransposes, optimize)

NONE = {"fused_activation_function": "NONE"}
CONV = {"padding": "SAME", "stride_h": 1, "stride_w": 1, "fused_activation_function": "NONE"}


def perm(g, p):
    return g.add_const(np.asarray(p, np.int32), "perm")


def conv_graph():
    """x (NHWC) -> CONV_2D; returns the graph, the conv output and the input array."""
    g = Graph()
    x = g.add_input("x", (1, 5, 6, 3), np.float32)
    y = g.add_node1("CONV_2D", [x, g.add_const(rand(4, 3, 3, 3, seed=1)), g.add_const(rand(4, seed=2))], CONV)
    return g, y, rand(1, 5, 6, 3, seed=3)


def test_constant_folding():
    g = Graph()
    x = g.add_input("x", (3, 2), np.float32)
    w = g.add_node1("TRANSPOSE", [g.add_const(rand(2, 3)), perm(g, [1, 0])])
    s = g.add_node1("CAST", [g.add_node1("SHAPE", [x])], {"in_data_type": np.int32, "out_data_type": np.float32})
    g.outputs = [g.add_node1("ADD", [g.add_node1("ADD", [x, w], NONE), s], NONE, outputs=["y"])]
    _, after = check_pass(g, ConstantFolding(), [rand(3, 2, seed=1)])
    assert after.op_counts() == {"ADD": 2}


def test_dead_node_removal():
    g = Graph()
    x = g.add_input("x", (4,), np.float32)
    unused = g.add_node1("MUL", [x, g.add_const(np.float32(3))], NONE)
    g.add_node1("LOGISTIC", [unused])
    g.outputs = [g.add_node1("ADD", [x, g.add_const(np.ones(4, np.float32))], NONE, outputs=["y"])]
    _, after = check_pass(g, DeadNodeRemoval(), [rand(4)])
    assert after.op_counts() == {"ADD": 1}
    assert len(after.values) == 3  # x, the constant, y


def test_remove_identity_keeps_output_names():
    g = Graph()
    x = g.add_input("x", (2, 3), np.float32)
    d = g.add_node1("DROPOUT", [g.add_node1("RELU", [x])])
    r = g.add_node1("RESHAPE", [d, g.add_const(np.array([2, 3], np.int32))], {"new_shape": [2, 3]})
    g.outputs = [g.add_node1("IDENTITY", [g.add_node1("TANH", [r])], outputs=["result"])]
    _, after = check_pass(g, RemoveIdentity(), [rand(2, 3)])
    assert after.op_counts() == {"RELU": 1, "TANH": 1}
    assert after.outputs == ["result"] and after.producer("result").op == "TANH"


def test_fuse_activation():
    g, y, x = conv_graph()
    a = g.add_node1("RELU6", [y])
    b = g.add_node1("ADD", [a, g.add_const(np.float32(-2))], NONE)
    g.outputs = [g.add_node1("RELU", [b], outputs=["out"])]
    _, after = check_pass(g, FuseActivation(), [x])
    assert after.op_counts() == {"CONV_2D": 1, "ADD": 1}
    assert [n.attrs["fused_activation_function"] for n in after.nodes] == ["RELU6", "RELU"]


def test_fuse_activation_leaves_shared_values():
    g, y, x = conv_graph()
    g.outputs = [g.add_node1("RELU", [y]), y]
    assert not FuseActivation().run(g)


def test_fuse_bias():
    g, y, x = conv_graph()
    t = g.add_node1("ADD", [g.add_const(rand(1, 1, 1, 4, seed=5)), y], NONE)
    g.outputs = [g.add_node1("SUB", [t, g.add_const(rand(4, seed=6))], NONE, outputs=["out"])]
    _, after = check_pass(g, FuseBias(), [x])
    assert after.op_counts() == {"CONV_2D": 1}
    assert after.outputs == ["out"]


def test_fuse_bias_into_fully_connected():
    g = Graph()
    x = g.add_input("x", (2, 5), np.float32)
    y = g.add_node1("FULLY_CONNECTED", [x, g.add_const(rand(3, 5)), None], NONE)
    g.outputs = [g.add_node1("ADD", [y, g.add_const(rand(3, seed=1))], NONE)]
    _, after = check_pass(g, FuseBias(), [rand(2, 5, seed=2)])
    assert after.op_counts() == {"FULLY_CONNECTED": 1}


def test_fuse_batch_norm():
    g, y, x = conv_graph()
    m = g.add_node1("MUL", [y, g.add_const(rand(4, seed=7))], NONE)
    g.outputs = [g.add_node1("ADD", [m, g.add_const(rand(4, seed=8))], NONE)]
    _, after = check_pass(g, FuseBatchNorm(), [x])
    assert after.op_counts() == {"CONV_2D": 1, "ADD": 1}
    assert FuseBias().run(after) and after.op_counts() == {"CONV_2D": 1}


def test_fuse_batch_norm_into_depthwise():
    g = Graph()
    x = g.add_input("x", (1, 4, 4, 2), np.float32)
    y = g.add_node1("DEPTHWISE_CONV_2D", [x, g.add_const(rand(1, 3, 3, 4)), g.add_const(rand(4, seed=1))],
                    dict(CONV, depth_multiplier=2))
    g.outputs = [g.add_node1("MUL", [g.add_const(rand(1, 4, seed=2)), y], NONE)]
    _, after = check_pass(g, FuseBatchNorm(), [rand(1, 4, 4, 2, seed=3)])
    assert after.op_counts() == {"DEPTHWISE_CONV_2D": 1}


def test_sink_transposes_through_elementwise_concat_and_reduce():
    g, y, x = conv_graph()
    t = g.add_node1("TRANSPOSE", [y, perm(g, [0, 3, 1, 2])])           # NHWC -> NCHW
    r = g.add_node1("ADD", [g.add_node1("RELU", [t]), g.add_const(rand(4, 1, 1, seed=4))], NONE)
    c = g.add_node1("CONCATENATION", [r, t], {"axis": 1, **NONE})
    p = g.add_node1("PAD", [c, g.add_const(np.array([[0, 0], [0, 0], [1, 0], [0, 2]], np.int32))])
    g.outputs = [g.add_node1("MEAN", [p, g.add_const(np.array([2, 3], np.int32))], {"keep_dims": False})]
    _, after = check_pass(g, SinkTransposes(), [x])
    while SinkTransposes().run(after):
        pass
    DeadNodeRemoval().run(after)
    # The transpose went all the way down: after MEAN nothing is left to transpose ([1, 8] keeps its order).
    assert "TRANSPOSE" not in after.op_counts()


def test_cancel_transposes():
    g, y, x = conv_graph()
    t = g.add_node1("TRANSPOSE", [y, perm(g, [0, 3, 1, 2])])
    back = g.add_node1("TRANSPOSE", [t, perm(g, [0, 2, 3, 1])])
    pooled = g.add_node1("MEAN", [back, g.add_const(np.array([1, 2], np.int32))], {"keep_dims": True})
    g.outputs = [g.add_node1("TRANSPOSE", [pooled, perm(g, [0, 3, 1, 2])], outputs=["out"])]
    _, after = check_pass(g, CancelTransposes(), [x])
    DeadNodeRemoval().run(after)
    # The pair cancels; the last one only moves size-1 axes of [1, 1, 1, 4] and becomes a RESHAPE.
    assert after.op_counts() == {"CONV_2D": 1, "MEAN": 1, "RESHAPE": 1}


def test_merge_reshapes():
    g = Graph()
    x = g.add_input("x", (2, 6), np.float32)
    a = g.add_node1("RESHAPE", [x, g.add_const(np.array([3, 4], np.int32))], {"new_shape": [3, 4]})
    g.outputs = [g.add_node1("RESHAPE", [a, g.add_const(np.array([12], np.int32))], {"new_shape": [12]})]
    _, after = check_pass(g, MergeReshapes(), [rand(2, 6)])
    DeadNodeRemoval().run(after)
    assert after.op_counts() == {"RESHAPE": 1}


def test_pipeline_reaches_fixed_point():
    g, y, x = conv_graph()
    t = g.add_node1("TRANSPOSE", [y, perm(g, [0, 3, 1, 2])])
    n = g.add_node1("ADD", [g.add_node1("MUL", [t, g.add_const(rand(4, 1, 1, seed=9))], NONE),
                            g.add_const(rand(4, 1, 1, seed=10))], NONE)
    g.outputs = [g.add_node1("TRANSPOSE", [g.add_node1("RELU", [n]), perm(g, [0, 2, 3, 1])], outputs=["out"])]
    optimize(g)
    assert g.op_counts() == {"CONV_2D": 1}
    assert g.nodes[0].attrs["fused_activation_function"] == "RELU"


def test_fuse_activation_skips_concatenation():
    g = Graph()
    x = g.add_input("x", (2, 3), np.float32)
    c = g.add_node1("CONCATENATION", [x, x], {"axis": 1, **NONE})
    g.outputs = [g.add_node1("RELU", [c])]
    assert not FuseActivation().run(g)


def test_fuse_bias_takes_the_adds_activation():
    g, y, x = conv_graph()
    g.outputs = [g.add_node1("ADD", [y, g.add_const(rand(4, seed=5))], {"fused_activation_function": "RELU"},
                             outputs=["out"])]
    _, after = check_pass(g, FuseBias(), [x])
    assert after.op_counts() == {"CONV_2D": 1} and after.nodes[0].attrs["fused_activation_function"] == "RELU"


def test_fuse_batch_norm_takes_the_muls_activation():
    g, y, x = conv_graph()
    g.outputs = [g.add_node1("MUL", [y, g.add_const(rand(4, seed=7))], {"fused_activation_function": "RELU6"})]
    _, after = check_pass(g, FuseBatchNorm(), [x])
    assert after.op_counts() == {"CONV_2D": 1} and after.nodes[0].attrs["fused_activation_function"] == "RELU6"


def grouped_conv_graph():
    """x (NHWC, 4 channels) -> SPLIT in 2 -> one CONV_2D per half -> CONCATENATION (6 channels): a grouped
    convolution as the ONNX front-end writes it."""
    g = Graph()
    x = g.add_input("x", (1, 5, 6, 4), np.float32)
    halves = g.add_node("SPLIT", [g.add_const(np.int32(3)), x], {"num_splits": 2})
    convs = [g.add_node1("CONV_2D", [h, g.add_const(rand(3, 3, 3, 2, seed=k)), g.add_const(rand(3, seed=k + 5))],
                         CONV) for k, h in enumerate(halves)]
    return g, g.add_node1("CONCATENATION", convs, {"axis": 3, **NONE}), rand(1, 5, 6, 4, seed=9)


def test_distribute_batch_norm_and_relu_over_grouped_conv():
    g, y, x = grouped_conv_graph()
    m = g.add_node1("MUL", [y, g.add_const(rand(6, seed=11))], NONE)
    a = g.add_node1("ADD", [g.add_const(rand(1, 1, 1, 6, seed=12)), m], NONE)
    g.outputs = [g.add_node1("RELU", [a], outputs=["out"])]
    before, after = check_pass(g, DistributeOverConcat(), [x])
    assert after.op_counts() == {"SPLIT": 1, "CONV_2D": 2, "MUL": 2, "CONCATENATION": 1, "ADD": 1, "RELU": 1}
    optimize(after)  # the per-group MULs fold into the convs, then the ADD and RELU move over and fold too
    assert after.op_counts() == {"SPLIT": 1, "CONV_2D": 2, "CONCATENATION": 1}
    assert [n.attrs["fused_activation_function"] for n in after.nodes if n.op == "CONV_2D"] == ["RELU", "RELU"]
    assert after.outputs == ["out"]
    expected, got = run_graph(before, [x]), run_graph(after, [x])
    for runtime in expected:
        np.testing.assert_allclose(got[runtime][0], expected[runtime][0], rtol=1e-5, atol=1e-5)


def test_distribute_over_concat_only_where_every_part_folds():
    g = Graph()
    x = g.add_input("x", (1, 5, 6, 4), np.float32)
    c = g.add_node1("CONCATENATION", [x, x], {"axis": 3, **NONE})
    g.outputs = [g.add_node1("MUL", [c, g.add_const(rand(8, seed=1))], NONE)]
    assert not DistributeOverConcat().run(g)
    g, y, _ = grouped_conv_graph()  # a constant that varies along H is not per channel
    g.outputs = [g.add_node1("MUL", [y, g.add_const(rand(1, 5, 1, 1, seed=2))], NONE)]
    assert not DistributeOverConcat().run(g)
