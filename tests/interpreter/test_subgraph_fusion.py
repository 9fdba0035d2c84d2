"""Graph fusion at allocate (interpreter/subgraph_fusion.cc): a separate RELU, RELU6 or RELU_N1_TO_1 becomes its
float producer's fused activation. Each case runs the model fused and unfused (experimental_preserve_all_tensors
keeps every node) and checks the outputs are the same bits and which nodes were fused."""

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder

RNG = np.random.default_rng(0)
# Values on both sides of every clamp bound, NaN and signed zeros included.
X = np.concatenate([RNG.standard_normal(1 * 6 * 6 * 4 - 4) * 5, [np.nan, 0.0, -0.0, 6.0]]).astype(np.float32)
X = X.reshape(1, 6, 6, 4)


def run(model, preserve=False, x=X):
    interp = edgelite.Interpreter(model_content=model, experimental_preserve_all_tensors=preserve)
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()], interp


def fused_nodes(interp):
    """{activation node index: producer index} and {producer index: activation it applies}."""
    ops = interp._get_ops_details()
    return ({o["index"]: o["fused_into"] for o in ops if o["fused_into"] is not None},
            {o["index"]: o["fused_activation"] for o in ops if o["fused_activation"] is not None})


def assert_same_as_unfused(model, x=X):
    fused, interp = run(model, x=x)
    unfused, plain = run(model, preserve=True, x=x)
    assert fused_nodes(plain) == ({}, {})
    for a, b in zip(fused, unfused):
        np.testing.assert_array_equal(a.view(np.uint32), b.view(np.uint32))
    return interp


def producer_then(producer, activation, own="NONE", reader_count=1, output_is_activation=False):
    """x -> producer (fused activation `own`) -> activation -> `reader_count` ADDs (or the graph output)."""
    b = ModelBuilder()
    x = b.add_input("x", [1, 6, 6, 4])
    y = b.add_tensor("y", [1, 6, 6, 4])
    if producer == "CONV_2D":
        w = b.add_constant("w", RNG.standard_normal((4, 3, 3, 4)).astype(np.float32))
        bias = b.add_constant("bias", RNG.standard_normal(4).astype(np.float32))
        b.add_operator("CONV_2D", [x, w, bias], [y], {"padding": "SAME", "stride_w": 1, "stride_h": 1, "fused_activation_function": own})
    elif producer == "DEPTHWISE_CONV_2D":
        w = b.add_constant("w", RNG.standard_normal((1, 3, 3, 4)).astype(np.float32))
        bias = b.add_constant("bias", RNG.standard_normal(4).astype(np.float32))
        b.add_operator("DEPTHWISE_CONV_2D", [x, w, bias], [y],
                       {"padding": "SAME", "stride_w": 1, "stride_h": 1, "depth_multiplier": 1,
                        "fused_activation_function": own})
    elif producer == "FULLY_CONNECTED":
        w = b.add_constant("w", RNG.standard_normal((4, 4)).astype(np.float32))
        b.add_operator("FULLY_CONNECTED", [x, w, None], [y], {"keep_num_dims": True, "fused_activation_function": own})
    else:  # ADD, SUB, MUL with a per-channel constant
        c = b.add_constant("c", RNG.standard_normal(4).astype(np.float32))
        b.add_operator(producer, [x, c], [y], {"fused_activation_function": own})
    z = b.add_tensor("z", [1, 6, 6, 4])
    b.add_operator(activation, [y], [z])
    if output_is_activation:
        b.mark_output(z)
    for i in range(reader_count):
        out = b.add_tensor(f"out{i}", [1, 6, 6, 4])
        b.add_operator("ADD", [z, x], [out])
        b.mark_output(out)
    return b.build()


@pytest.mark.parametrize("producer", ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "SUB", "MUL"])
@pytest.mark.parametrize("activation", ["RELU", "RELU6", "RELU_N1_TO_1"])
def test_activation_folds_into_its_producer(producer, activation):
    interp = assert_same_as_unfused(producer_then(producer, activation, reader_count=2))
    assert fused_nodes(interp) == ({1: 0}, {0: activation})
    # The activation still stands in the plan, where the model has it; invoke skips it (no profile time).
    plan = [o["op_name"] for o in interp.get_ops_details()]
    assert plan[:2] == [producer, activation]


@pytest.mark.parametrize("own,activation,fused", [("RELU", "RELU6", "RELU6"), ("RELU6", "RELU", "RELU6"),
                                                  ("RELU", "RELU", "RELU"), ("RELU6", "RELU6", "RELU6")])
def test_activations_compose(own, activation, fused):
    interp = assert_same_as_unfused(producer_then("CONV_2D", activation, own=own))
    assert fused_nodes(interp) == ({1: 0}, {0: fused})


def test_clamps_that_are_no_single_activation_stay_apart():
    # RELU_N1_TO_1 after RELU is [0, 1], which no fused activation is.
    interp = assert_same_as_unfused(producer_then("CONV_2D", "RELU_N1_TO_1", own="RELU"))
    assert fused_nodes(interp) == ({}, {})


def test_producer_output_read_elsewhere_is_not_fused():
    b = ModelBuilder()
    x = b.add_input("x", [1, 6, 6, 4])
    c = b.add_constant("c", RNG.standard_normal(4).astype(np.float32))
    y = b.add_tensor("y", [1, 6, 6, 4])
    b.add_operator("ADD", [x, c], [y])
    z = b.add_tensor("z", [1, 6, 6, 4])
    b.add_operator("RELU", [y], [z])
    out = b.add_tensor("out", [1, 6, 6, 4])
    b.add_operator("MUL", [z, y], [out])  # the unclamped y is read too
    b.mark_output(out)
    interp = assert_same_as_unfused(b.build())
    assert fused_nodes(interp) == ({}, {})


def test_activation_that_is_a_graph_output_is_not_fused():
    interp = assert_same_as_unfused(producer_then("ADD", "RELU", reader_count=0, output_is_activation=True))
    assert fused_nodes(interp) == ({}, {})


def test_constant_producer_folds_with_its_activation():
    # Both inputs constant: the ADD and the RELU are computed at prepare, nothing is fused.
    b = ModelBuilder()
    x = b.add_input("x", [1, 6, 6, 4])
    c = b.add_constant("c", RNG.standard_normal(4).astype(np.float32))
    d = b.add_constant("d", RNG.standard_normal(4).astype(np.float32))
    y = b.add_tensor("y", [4])
    b.add_operator("ADD", [c, d], [y])
    z = b.add_tensor("z", [4])
    b.add_operator("RELU", [y], [z])
    out = b.add_tensor("out", [1, 6, 6, 4])
    b.add_operator("ADD", [x, z], [out])
    b.mark_output(out)
    interp = assert_same_as_unfused(b.build())
    assert fused_nodes(interp) == ({}, {})


def test_quantized_producer_is_not_fused():
    b = ModelBuilder()
    q = {"scale": [0.1], "zero_point": [0]}
    x = b.add_input("x", [1, 6, 6, 4], np.int8, quantization=q)
    y = b.add_tensor("y", [1, 6, 6, 4], np.int8, quantization=q)
    b.add_operator("ADD", [x, x], [y])
    z = b.add_tensor("z", [1, 6, 6, 4], np.int8, quantization=q)
    b.add_operator("RELU", [y], [z])
    out = b.add_tensor("out", [1, 6, 6, 4], np.int8, quantization=q)
    b.add_operator("ADD", [z, x], [out])
    b.mark_output(out)
    xq = RNG.integers(-128, 127, (1, 6, 6, 4)).astype(np.int8)
    interp = assert_same_as_unfused(b.build(), x=xq)
    assert fused_nodes(interp) == ({}, {})


def run_resized(model, x, preserve):
    interp = edgelite.Interpreter(model_content=model, experimental_preserve_all_tensors=preserve)
    interp.resize_tensor_input(0, list(x.shape))
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"]), interp


def test_fusion_survives_a_resize():
    model = producer_then("ADD", "RELU6", reader_count=1)
    x = np.concatenate([X, -X])
    got, interp = run_resized(model, x, preserve=False)
    want, _ = run_resized(model, x, preserve=True)
    np.testing.assert_array_equal(got, want)
    assert fused_nodes(interp) == ({1: 0}, {0: "RELU6"})


def test_face_detection_relus_fold_into_adds_and_convs():
    from testutil import model_path
    path = model_path("mediapipe", "face_detection_short_range.tflite")
    outputs, interps = [], []
    for preserve in (False, True):
        it = edgelite.Interpreter(model_path=path, experimental_preserve_all_tensors=preserve)
        it.allocate_tensors()
        x = np.random.default_rng(1).standard_normal(it.get_input_details()[0]["shape"]).astype(np.float32)
        it.set_tensor(it.get_input_details()[0]["index"], x)
        it.invoke()
        outputs.append([it.get_tensor(d["index"]).copy() for d in it.get_output_details()])
        interps.append(it)
    for a, b in zip(*outputs):
        np.testing.assert_array_equal(a, b)
    into, applied = fused_nodes(interps[0])
    names = {o["index"]: o["op_name"] for o in interps[0]._get_ops_details()}
    # 17 RELUs; the 16 ADDs they were folded into then go into a convolution (test_residual_add_fusion.py).
    assert sorted(names[n] for n in into).count("RELU") == 17 and set(applied.values()) == {"RELU"}
    assert sorted(names[n] for n in into).count("ADD") == 16
