"""quantize="float16" and quantize="dynamic": TensorFlow's layout, sizes, accuracy on a trained digits CNN,
and the same answers in edgelite and LiteRT; option errors."""

import numpy as np
import pytest

from quant_testutil import HAVE_LITERT, accuracy, train_digits, op_names, run_batch, tensor_dtypes

from edgelite.converter import ConversionError, QuantizationError, convert

et = pytest.importorskip("edgelite.training")
pytest.importorskip("sklearn.datasets")
import digits_demo  # noqa: E402


@pytest.fixture(scope="module")
def trained():
    return train_digits()


def test_float16_layout_size_and_outputs(trained):
    model, _, x, y, float_file, float_probs = trained
    content = convert(model, quantize="float16")
    ops = op_names(content)
    n_dq = ops.count("DEQUANTIZE")
    assert n_dq >= 6 and ops[:n_dq] == ["DEQUANTIZE"] * n_dq  # weights first, as TensorFlow places them
    assert sum(d == np.float16 for d in tensor_dtypes(content).values()) == n_dq
    assert len(content) < 0.62 * len(float_file)
    want = run_batch(float_file, x)
    got = run_batch(content, x)
    # float16 keeps 11 significant bits (relative rounding up to 2**-12 per weight); through this CNN's layers
    # the softmax outputs move by about 1e-3 at the worst of the 360 images (2.04e-3 with NumPy 2.4's training
    # run), never near a wrong class.
    assert np.max(np.abs(got - want)) < 4e-3
    assert np.mean(got.argmax(1) == want.argmax(1)) > 0.99
    if HAVE_LITERT:
        np.testing.assert_allclose(run_batch(content, x, "litert"), got, rtol=1e-5, atol=1e-6)


def test_dynamic_layout_accuracy_and_litert(trained):
    model, _, x, y, float_file, float_probs = trained
    content = convert(model, quantize="dynamic")
    dtypes = tensor_dtypes(content)
    int8 = [n for n, d in dtypes.items() if d == np.int8]
    assert len(int8) == 1  # the 16->32 conv (4608 weights); the 144- and 320-element weights stay float
    assert len(content) < len(float_file)
    assert "QUANTIZE" not in op_names(content) and "DEQUANTIZE" not in op_names(content)
    got = run_batch(content, x)
    assert abs(accuracy(got, y) - accuracy(float_probs, y)) <= 0.01
    if HAVE_LITERT:
        np.testing.assert_allclose(run_batch(content, x, "litert"), got, rtol=1e-5, atol=1e-6)


def test_dynamic_weights_are_symmetric_per_channel():
    from edgelite.converter.quantize.params import symmetric_per_channel
    w = np.random.default_rng(0).standard_normal((4, 3, 3, 8)).astype(np.float32)
    w[2] = 0.0  # a degenerate channel still gets a valid (positive) scale
    q, quant = symmetric_per_channel(w, 0)
    assert q.dtype == np.int8 and q.min() >= -127
    assert np.all(quant["scale"] > 0) and quant["quantized_dimension"] == 0 and not quant["zero_point"].any()
    np.testing.assert_array_equal(q[2], 0)
    deq = q * quant["scale"][:, None, None, None]
    assert np.max(np.abs(deq - w)) <= quant["scale"].max() / 2 + 1e-7


def test_bad_options_are_named_errors(trained):
    model = trained[0]
    with pytest.raises(QuantizationError, match="unknown quantize mode"):
        convert(model, quantize="int4")
    with pytest.raises(QuantizationError, match="needs representative_data"):
        convert(model, quantize="int8")
    with pytest.raises(QuantizationError, match="unknown inference_input_type"):
        convert(model, quantize="int8", representative_data=np.zeros((2, 8, 8, 1), np.float32),
                inference_input_type="int4")
    with pytest.raises(QuantizationError, match="needs full integer"):
        convert(model, quantize="dynamic", inference_output_type="int8")
    assert issubclass(QuantizationError, ConversionError)
