"""Normalizations, 1-D and transposed convolutions, pooling rewrites, softmax forms, resize and matrix
products (onnx_norm.py, onnx_nn.py, onnx_matmul.py) at several opsets against onnxruntime, with
dynamic-batch variants at batch 1 and 3."""

import numpy as np
import pytest

from converter_testutil import check_batches, check_conversion, helper, make_model, rand, single_node, tflite_ops

X4 = rand(2, 4, 6, 5, seed=1)


# ---- normalizations ----
@pytest.mark.parametrize("axis, opset", [(-1, 17), (1, 17), (2, 18)])
def test_layer_normalization(axis, opset):
    x = rand(2, 3, 4, 5, seed=2) * 3 + 1
    normalized = x.shape[axis % 4:]
    model = single_node("LayerNormalization", {"x": x}, {"s": rand(*normalized, seed=3), "b": rand(*normalized, seed=4)},
                        opset=opset, axis=axis, epsilon=1e-3)
    content = check_conversion(model, {"x": x})
    assert "RSQRT" in tflite_ops(content)


def test_layer_normalization_without_bias_dynamic_batch():
    model = single_node("LayerNormalization", {"x": rand(1, 7, 8)}, {"s": rand(8, seed=3)}, opset=17,
                        dynamic_batch=True)
    check_batches(model, lambda b: {"x": rand(b, 7, 8, seed=b)})


def test_decomposed_layer_norm_is_fused():
    """Older exports: ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div become MEAN/SUB/MUL/RSQRT."""
    n = helper.make_node
    x = rand(2, 6, 8, seed=5)
    nodes = [n("ReduceMean", ["x"], ["m"], axes=[-1]), n("Sub", ["x", "m"], ["d"]), n("Pow", ["d", "two"], ["p"]),
             n("ReduceMean", ["p"], ["v"], axes=[-1]), n("Add", ["v", "eps"], ["ve"]), n("Sqrt", ["ve"], ["s"]),
             n("Div", ["d", "s"], ["y"])]
    model = make_model(nodes, {"x": x}, ["y"], {"two": np.float32(2), "eps": np.float32(1e-5)}, opset=13)
    ops = tflite_ops(check_conversion(model, {"x": x}))
    assert "SQRT" not in ops and "DIV" not in ops and "POW" not in ops and "RSQRT" in ops


@pytest.mark.parametrize("shape", [(2, 3, 5, 4), (2, 3, 7)])
def test_instance_normalization(shape):
    x = rand(*shape, seed=6)
    c = shape[1]
    check_conversion(single_node("InstanceNormalization", {"x": x}, {"s": rand(c, seed=1), "b": rand(c, seed=2)},
                                 epsilon=1e-4), {"x": x})


@pytest.mark.parametrize("opset, per_channel", [(18, False), (21, True)])
def test_group_normalization(opset, per_channel):
    x = rand(1, 6, 4, 3, seed=7)
    size = 6 if per_channel else 2
    model = single_node("GroupNormalization", {"x": x}, {"s": rand(size, seed=1), "b": rand(size, seed=2)},
                        opset=opset, num_groups=2, dynamic_batch=True)
    check_batches(model, lambda b: {"x": rand(b, 6, 4, 3, seed=b)}, atol=2e-4)


@pytest.mark.parametrize("opset", [7, 9])
def test_batch_norm_with_training_outputs_listed_but_unused(opset):
    """Old exporters list the training outputs of an inference batch norm. onnxruntime then normalizes with
    the batch's statistics; the converter uses the stored ones, as the exporter meant, so the reference is
    the same node without the extra outputs."""
    from converter_testutil import compare, convert, onnx_reference, run_everywhere
    n = helper.make_node
    c = 4
    params = {"s": rand(c, seed=2) + 2, "bias": rand(c, seed=3), "mean": rand(c, seed=4),
              "var": np.abs(rand(c, seed=5)) + 0.5}
    inputs = ["x", "s", "bias", "mean", "var"]
    listed = make_model([n("BatchNormalization", inputs, ["y", "rm", "rv", "sm", "sv"])], {"x": X4}, ["y"], params,
                        opset=opset)
    plain = make_model([n("BatchNormalization", inputs, ["y"])], {"x": X4}, ["y"], params, opset=opset)
    compare(run_everywhere(convert(listed), [X4]), onnx_reference(plain, {"x": X4}))


@pytest.mark.parametrize("opset", [7, 8])
def test_batch_norm_spatial_0(opset):
    """spatial=0 (opsets 7 and 8): statistics per element of C x H x W."""
    per_element = X4.shape[1:]
    params = {"s": rand(*per_element, seed=2) + 2, "bias": rand(*per_element, seed=3),
              "mean": rand(*per_element, seed=4), "var": np.abs(rand(*per_element, seed=5)) + 0.5}
    model = single_node("BatchNormalization", {"x": X4}, params, opset=opset, spatial=0, epsilon=1e-3)
    check_conversion(model, {"x": X4})


def test_batch_norm_parameter_size_is_checked():
    from edgelite.converter import ConversionError, convert
    params = {k: np.abs(rand(7, seed=i)) + 1 for i, k in enumerate(("s", "bias", "mean", "var"))}
    with pytest.raises(ConversionError, match="7 values per parameter, expected 4"):
        convert(single_node("BatchNormalization", {"x": X4}, params, opset=9))


@pytest.mark.parametrize("opset", [7, 9])
def test_image_scaler(opset):
    """WinMLTools' preprocessing node (experimental, opsets 1-9): y = scale * x + bias[c]."""
    n = helper.make_node
    x = rand(2, 3, 5, 6, seed=3)
    nodes = [n("ImageScaler", ["x"], ["s"], scale=1 / 64, bias=[-0.5, 0.25, 2.0]),
             n("Conv", ["s", "w"], ["y"], pads=[1, 1, 1, 1])]
    model = make_model(nodes, {"x": x}, ["y"], {"w": rand(4, 3, 3, 3, seed=4)}, opset=opset, dynamic_batch=True)
    check_batches(model, lambda b: {"x": rand(b, 3, 5, 6, seed=b)})


def test_image_scaler_needs_one_bias_per_channel():
    from edgelite.converter import ConversionError, convert
    model = single_node("ImageScaler", {"x": X4}, opset=8, scale=2.0, bias=[1.0, 2.0])
    with pytest.raises(ConversionError, match="ImageScaler node 'imagescaler_node': .* 2 biases"):
        convert(model)


def test_max_of_x_and_scaled_x_becomes_leaky_relu():
    """tf.maximum(x, 0.1 * x), as graphs converted from TensorFlow 1.x write a leaky ReLU."""
    n = helper.make_node
    model = make_model([n("Mul", ["x", "a"], ["t"]), n("Max", ["x", "t"], ["y"])], {"x": X4}, ["y"],
                       {"a": np.array(0.1, np.float32)}, opset=8)
    assert tflite_ops(check_conversion(model, {"x": X4})) == ["LEAKY_RELU"]


# ---- convolutions ----
@pytest.mark.parametrize("opset", [7, 9, 13])
def test_grouped_conv_batch_norm_relu_fold(opset):
    """A grouped convolution is one CONV_2D per group; the batch norm and ReLU after it fold into those."""
    n = helper.make_node
    x = rand(2, 6, 5, 5, seed=1)
    params = {"w": rand(9, 2, 3, 3, seed=2), "s": rand(9, seed=3) + 2, "bias": rand(9, seed=4),
              "mean": rand(9, seed=5), "var": np.abs(rand(9, seed=6)) + 0.5}
    nodes = [n("Conv", ["x", "w"], ["c"], group=3, pads=[1, 1, 1, 1]),
             n("BatchNormalization", ["c", "s", "bias", "mean", "var"], ["b"]), n("Relu", ["b"], ["y"])]
    ops = tflite_ops(check_conversion(make_model(nodes, {"x": x}, ["y"], params, opset=opset), {"x": x}))
    assert sorted(set(ops)) == ["CONCATENATION", "CONV_2D", "SPLIT", "TRANSPOSE"], ops
    assert ops.count("CONV_2D") == 3
@pytest.mark.parametrize("attrs", [dict(pads=[1, 1]), dict(strides=[2], pads=[2, 1]), dict(dilations=[2])])
def test_conv1d_dynamic_batch(attrs):
    model = single_node("Conv", {"x": rand(1, 4, 12)}, {"w": rand(6, 4, 3, seed=2), "b": rand(6, seed=3)},
                        dynamic_batch=True, **attrs)
    check_batches(model, lambda b: {"x": rand(b, 4, 12, seed=b)})


@pytest.mark.parametrize("attrs", [
    dict(strides=[2, 2]), dict(strides=[2, 2], pads=[1, 1, 1, 1]), dict(strides=[2, 2], output_padding=[1, 1]),
    dict(strides=[2, 1], pads=[0, 1, 1, 0]), dict(strides=[2, 2], output_shape=[9, 11]),
    dict(strides=[3, 3], auto_pad="SAME_UPPER"), dict(group=2, strides=[2, 2]),
])
def test_conv_transpose(attrs):
    c_in, group = 4, attrs.get("group", 1)
    w = rand(c_in, 6 // group, 3, 3, seed=2)
    model = single_node("ConvTranspose", {"x": rand(1, c_in, 4, 5)}, {"w": w, "b": rand(6, seed=3)},
                        dynamic_batch=True, **attrs)
    check_batches(model, lambda b: {"x": rand(b, c_in, 4, 5, seed=b)})


def test_conv_transpose_1d():
    model = single_node("ConvTranspose", {"x": rand(2, 3, 7)}, {"w": rand(3, 5, 4, seed=2)}, strides=[2])
    check_conversion(model, {"x": rand(2, 3, 7)})


# ---- pooling ----
@pytest.mark.parametrize("attrs", [
    dict(kernel_shape=[3, 3], pads=[0, 1, 2, 1], count_include_pad=0),
    dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=0, strides=[2, 2]),
    dict(kernel_shape=[3, 3], pads=[1, 0, 1, 2], count_include_pad=1),
    dict(kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
    dict(kernel_shape=[2, 3], strides=[2, 2], pads=[1, 1, 0, 0], ceil_mode=1, count_include_pad=1),
    dict(kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER"),
    dict(kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_LOWER"),
    dict(kernel_shape=[3, 3], auto_pad="VALID"),
])
@pytest.mark.parametrize("opset", [7, 11, 19])
def test_average_pool_exact_rewrites(attrs, opset):
    if attrs.get("ceil_mode") and opset < 10:
        pytest.skip("ceil_mode is from opset 10")
    model = single_node("AveragePool", {"x": X4}, opset=opset, **attrs)
    check_conversion(model, {"x": X4})


@pytest.mark.parametrize("attrs", [dict(kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
                                   dict(kernel_shape=[2, 2], pads=[0, 0, 1, 1])])
def test_max_pool_with_unused_indices(attrs):
    node = helper.make_node("MaxPool", ["x"], ["y", "indices"], **attrs)
    check_conversion(make_model([node], {"x": X4}, ["y"], opset=12), {"x": X4})


@pytest.mark.parametrize("op", ["MaxPool", "AveragePool"])
def test_pool1d_dynamic_batch(op):
    model = single_node(op, {"x": rand(1, 3, 11)}, kernel_shape=[3], strides=[2], pads=[1, 1], dynamic_batch=True)
    check_batches(model, lambda b: {"x": rand(b, 3, 11, seed=b)})


# ---- softmax forms ----
@pytest.mark.parametrize("axis, opset", [(-1, 13), (1, 13), (1, 11), (-1, 11)])
def test_log_softmax(axis, opset):
    x = rand(2, 3, 4, seed=3) * 3
    check_conversion(single_node("LogSoftmax", {"x": x}, opset=opset, axis=axis), {"x": x})


def test_hardmax():
    x = rand(2, 5, seed=3)
    check_conversion(single_node("Hardmax", {"x": x}), {"x": x})


# ---- resize ----
@pytest.mark.parametrize("opset", [7, 9])
def test_upsample_old_opsets(opset):
    x = rand(1, 2, 3, 4)
    if opset == 7:
        model = single_node("Upsample", {"x": x}, opset=7, scales=[1.0, 1.0, 2.0, 3.0], mode="nearest")
    else:
        model = single_node("Upsample", {"x": x}, {"s": np.array([1, 1, 2, 2], np.float32)}, opset=9,
                            mode="linear")
    check_conversion(model, {"x": x})


def test_resize_cubic_names_node_attribute_and_value():
    from edgelite.converter import ConversionError, convert
    x = rand(1, 2, 3, 4)
    model = single_node("Resize", {"x": x}, {"roi": np.zeros(0, np.float32), "s": np.array([1, 1, 2, 2], np.float32)},
                        mode="cubic")
    with pytest.raises(ConversionError, match="Resize node 'resize_node': attribute mode='cubic'"):
        convert(model)


def test_resize_dynamic_batch():
    model = single_node("Resize", {"x": rand(1, 2, 3, 4)}, {"roi": np.zeros(0, np.float32),
                                                             "s": np.array([1, 1, 2, 2], np.float32)},
                        mode="linear", coordinate_transformation_mode="pytorch_half_pixel", dynamic_batch=True)
    check_batches(model, lambda b: {"x": rand(b, 2, 3, 4, seed=b)})


# ---- matrix products ----
@pytest.mark.parametrize("a_shape, b_shape", [((2, 3, 4, 5), (5, 6)), ((2, 1, 4, 5), (3, 5, 6)), ((4, 5), (2, 5, 3)),
                                              ((2, 3, 4, 5), (2, 3, 5, 2))])
def test_matmul_broadcasting(a_shape, b_shape):
    a, b = rand(*a_shape, seed=1), rand(*b_shape, seed=2)
    check_conversion(single_node("MatMul", {"a": a, "b": b}), {"a": a, "b": b})


def test_matmul_constant_3d_rhs():
    a = rand(3, 4, 5, seed=1)
    content = check_conversion(single_node("MatMul", {"a": a}, {"b": rand(3, 5, 2, seed=2)}), {"a": a})
    assert tflite_ops(content) == ["BATCH_MATMUL"]


@pytest.mark.parametrize("equation, shapes", [
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 6, 5)]),
    ("ij,jk", [(3, 4), (4, 5)]), ("bnd,dh->bnh", [(2, 3, 4), (4, 6)]), ("ij->ji", [(3, 4)]),
    ("bij,bj->bi", [(2, 3, 4), (2, 4)]), ("ik,jk->ij", [(3, 5), (4, 5)]),
])
def test_einsum(equation, shapes):
    inputs = {f"x{k}": rand(*s, seed=k) for k, s in enumerate(shapes)}
    check_conversion(single_node("Einsum", inputs, opset=12, equation=equation), inputs)


def test_einsum_dynamic_batch():
    inputs = lambda b: {"q": rand(b, 2, 4, 3, seed=b), "k": rand(b, 2, 5, 3, seed=b + 9)}  # noqa: E731
    model = single_node("Einsum", inputs(1), opset=12, equation="bhqd,bhkd->bhqk", dynamic_batch=True)
    check_batches(model, inputs)


def test_gemm_dynamic_batch_and_flatten():
    n = helper.make_node
    model = make_model([n("Flatten", ["x"], ["f"]), n("Gemm", ["f", "w", "c"], ["y"], transB=1, alpha=0.5, beta=2.0)],
                       {"x": rand(1, 3, 2, 2)}, ["y"], {"w": rand(5, 12, seed=1), "c": rand(5, seed=2)},
                       dynamic_batch=True)
    check_batches(model, lambda b: {"x": rand(b, 3, 2, 2, seed=b)})


@pytest.mark.parametrize("opset", [7, 9, 11])
def test_model_zoo_style_graph(opset):
    """An Inception v1 / Caffe2-era graph: ceil-mode max pool, LRN, a 1x1 | 3x3 | pool branch block with a
    count_include_pad=0 average pool, Dropout listing its mask, Reshape with 0 and -1, Gemm, Softmax."""
    n = helper.make_node
    x = rand(2, 3, 17, 17, seed=9)
    inits = {"w1": rand(8, 3, 3, 3, seed=1) * 0.3, "b1": rand(8, seed=2), "wa": rand(4, 8, 1, 1, seed=3),
             "wb": rand(4, 8, 3, 3, seed=4) * 0.3, "wc": rand(4, 8, 1, 1, seed=5),
             "fc": rand(12 * 16, 5, seed=6) * 0.1, "fb": rand(5, seed=7), "shape": np.array([0, -1], np.int64)}
    pool_attrs = dict(kernel_shape=[3, 3], strides=[2, 2])
    if opset >= 10:
        pool_attrs["ceil_mode"] = 1
    dropout_inputs = ["cat"]
    nodes = [n("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]), n("Relu", ["c1"], ["r1"]),
             n("MaxPool", ["r1"], ["p1"], **pool_attrs),
             n("LRN", ["p1"], ["l1"], size=5, alpha=1e-3, beta=0.75, bias=2.0),
             n("Conv", ["l1", "wa"], ["ba"]), n("Conv", ["l1", "wb"], ["bb"], pads=[1, 1, 1, 1]),
             n("AveragePool", ["l1"], ["pc"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=0),
             n("Conv", ["pc", "wc"], ["bc"]), n("Concat", ["ba", "bb", "bc"], ["cat"], axis=1),
             n("Dropout", dropout_inputs, ["drop", "mask"]),
             n("AveragePool", ["drop"], ["gp"], kernel_shape=[2, 2], strides=[2, 2]),
             n("Reshape", ["gp", "shape"], ["flat"]) if opset >= 9 else n("Flatten", ["gp"], ["flat"]),
             n("Gemm", ["flat", "fc", "fb"], ["logits"]), n("Softmax", ["logits"], ["y"])]
    model = make_model(nodes, {"x": x}, ["y"], inits, opset=opset)
    check_conversion(model, {"x": x})
