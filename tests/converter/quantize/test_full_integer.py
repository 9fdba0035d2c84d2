"""quantize="int8" and "int16x8": calibration through edgelite's interpreter, accuracy on a trained digits CNN,
the file's layout (per-channel weights, integer bias, QUANTIZE/DEQUANTIZE at float I/O), int8/uint8 I/O, the
same outputs in LiteRT BUILTIN_REF, and named errors for bad calibration data."""

import numpy as np
import pytest

from quant_testutil import HAVE_LITERT, accuracy, train_digits, interpreter, op_names, run_batch, spoil_weights

from edgelite.converter import QuantizationError, convert

et = pytest.importorskip("edgelite.training")
pytest.importorskip("sklearn.datasets")
import digits_demo  # noqa: E402


@pytest.fixture(scope="module")
def trained():
    return train_digits()


@pytest.mark.parametrize("mode", ["int8", "int16x8"])
def test_accuracy_size_and_litert(trained, mode):
    model, calib, x, y, float_file, float_probs = trained
    content = convert(model, quantize=mode, representative_data=calib)
    assert len(content) < 0.5 * len(float_file)
    ops = op_names(content)
    assert ops[0] == "QUANTIZE" and ops[-1] == "DEQUANTIZE"
    got = run_batch(content, x)
    assert abs(accuracy(got, y) - accuracy(float_probs, y)) <= 0.01
    if HAVE_LITERT:
        np.testing.assert_array_equal(run_batch(content, x, "litert"), got)


def test_int8_layout(trained):
    model, calib, *_ = trained
    content = convert(model, quantize="int8", representative_data=calib)
    interp = interpreter(content, "edgelite")
    tensors = {t["index"]: t for t in interp.get_tensor_details()}
    for op in interp._get_ops_details():
        if op["op_name"] in ("CONV_2D", "FULLY_CONNECTED"):
            x, w, b = (tensors[i] for i in op["inputs"])
            assert w["dtype"] == np.int8 and b["dtype"] == np.int32
            n = w["shape"][0]
            assert len(w["quantization_parameters"]["scales"]) == n  # per output channel
            np.testing.assert_allclose(b["quantization_parameters"]["scales"],
                                       x["quantization_parameters"]["scales"][0]
                                       * w["quantization_parameters"]["scales"], rtol=1e-6)
        if op["op_name"] == "SOFTMAX":
            assert tensors[op["outputs"][0]]["quantization"] == (1 / 256, -128)
        if op["op_name"] == "MAX_POOL_2D":
            assert tensors[op["inputs"][0]]["quantization"] == tensors[op["outputs"][0]]["quantization"]


def test_int16x8_layout(trained):
    model, calib, *_ = trained
    content = convert(model, quantize="int16x8", representative_data=calib)
    interp = interpreter(content, "edgelite")
    tensors = {t["index"]: t for t in interp.get_tensor_details()}
    for op in interp._get_ops_details():
        if op["op_name"] == "CONV_2D":
            x, w, b = (tensors[i] for i in op["inputs"])
            assert x["dtype"] == np.int16 and x["quantization"][1] == 0
            assert w["dtype"] == np.int8 and b["dtype"] == np.int64


@pytest.mark.parametrize("io", ["int8", "uint8"])
def test_integer_io(trained, io):
    model, calib, x, y, float_file, float_probs = trained
    content = convert(model, quantize="int8", representative_data=calib, inference_input_type=io,
                      inference_output_type=io)
    interp = interpreter(content, "edgelite")
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    assert inp["dtype"] == np.dtype(io) and out["dtype"] == np.dtype(io)
    scale, zp = inp["quantization"]
    assert scale > 0 and (zp == -128 if io == "int8" else zp == 0)  # digits lie in [0, 1]
    info = np.iinfo(io)
    xq = np.clip(np.round(x / scale) + zp, info.min, info.max).astype(io)
    got = run_batch(content, xq)
    o_scale, o_zp = out["quantization"]
    probs = (got.astype(np.float32) - o_zp) * o_scale
    assert abs(accuracy(probs, y) - accuracy(float_probs, y)) <= 0.01
    if HAVE_LITERT:
        np.testing.assert_array_equal(run_batch(content, xq, "litert"), got)


def test_calibration_accepts_iterables_and_callables(trained):
    model, calib, *_ = trained
    a = convert(model, quantize="int8", representative_data=calib)
    assert convert(model, quantize="int8", representative_data=lambda: ([s[None]] for s in calib)) == a
    assert convert(model, quantize="int8", representative_data=[[s] for s in calib]) == a


def test_bad_calibration_data(trained):
    model, calib, *_ = trained
    with pytest.raises(QuantizationError, match="shape"):
        convert(model, quantize="int8", representative_data=np.zeros((4, 9, 8, 1), np.float32))
    with pytest.raises(QuantizationError, match="dtype"):
        convert(model, quantize="int8", representative_data=(calib * 16).astype(np.int32))
    bad = calib.copy()
    bad[3, 0, 0, 0] = np.nan
    with pytest.raises(QuantizationError, match="NaN"):
        convert(model, quantize="int8", representative_data=bad)
    with pytest.raises(QuantizationError, match="no samples"):
        convert(model, quantize="int8", representative_data=np.zeros((0, 8, 8, 1), np.float32))
    with pytest.raises(QuantizationError, match="2 arrays"):
        convert(model, quantize="int8", representative_data=[[calib[0], calib[1]]])


def test_degenerate_layer_quantizes_validly():
    et.set_random_seed(4)
    model = digits_demo.build_model()
    conv = model.layers[0]
    conv.kernel.assign(np.zeros(conv.kernel.shape, np.float32))  # every later activation is constant
    conv.bias.assign(np.zeros(conv.bias.shape, np.float32))
    x = np.random.default_rng(0).random((8, 8, 8, 1)).astype(np.float32)
    content = convert(model, quantize="int8", representative_data=x)
    interp = interpreter(content, "edgelite")
    assert all(t["quantization"][0] > 0 for t in interp.get_tensor_details()
               if t["dtype"] == np.int8 and len(t["quantization_parameters"]["scales"]) == 1)
    got = run_batch(content, x)
    np.testing.assert_allclose(got, run_batch(convert(model), x), atol=2 / 256)


def test_report_points_at_the_hurt_layer(trained, tmp_path):
    from edgelite.converter import quantization_report
    from edgelite.converter.quantize.report import format_report, plot_report, worst_layer
    model, calib, x, *_ = trained
    float_file = convert(model)
    content = convert(model, quantize="int8", representative_data=calib)
    rows = quantization_report(float_file, content, x[:20])
    assert [r.op for r in rows][:2] == ["CONV_2D", "MAX_POOL_2D"]
    assert all(r.relative_rmse < 0.05 and r.snr_db > 25 for r in rows)
    assert "loses most" in format_report(rows)
    for op, occurrence in (("CONV_2D", 1), ("FULLY_CONNECTED", 0)):
        spoiled, layer = spoil_weights(content, op, occurrence)
        bad = quantization_report(float_file, spoiled, x[:20])
        assert worst_layer(bad).tensor == layer, format_report(bad)
    path = plot_report(rows, str(tmp_path / "report.png"))
    assert path is None or (tmp_path / "report.png").stat().st_size > 0


def test_int16_io(trained):
    model, calib, x, y, float_file, float_probs = trained
    content = convert(model, quantize="int16x8", representative_data=calib, inference_input_type="int16",
                      inference_output_type="int16")
    interp = interpreter(content, "edgelite")
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    assert inp["dtype"] == np.int16 and inp["quantization"][1] == 0 and out["dtype"] == np.int16
    xq = np.clip(np.round(x / inp["quantization"][0]), -32768, 32767).astype(np.int16)
    got = run_batch(content, xq)
    assert abs(accuracy(got.astype(np.float32), y) - accuracy(float_probs, y)) <= 0.01
    if HAVE_LITERT:
        np.testing.assert_array_equal(run_batch(content, xq, "litert"), got)
    for mode, io in (("int8", "int16"), ("int16x8", "int8"), ("int16x8", "uint8")):
        with pytest.raises(QuantizationError, match="does not go with"):
            convert(model, quantize=mode, representative_data=calib, inference_input_type=io)
