"""Whole architectures exported from torch by both of its exporters with a dynamic batch (tests/models/onnx,
made by tests/golden/make_onnx_models.py): CNNs, transformer encoders, a ViT, a UNet decoder, mobile
blocks, 1-D models and attention. `edgelite convert` output matches onnxruntime within 1e-3 of the largest
output at batch 1 and, after resize_tensor_input, at batch 3, in edgelite and in LiteRT, with NCHW and NHWC
inputs; two architectures are also exported live when torch is installed."""

import glob
import json
import os
import re
import sys

import numpy as np
import pytest

from converter_testutil import HAVE_LITERT, check_model_outputs, ort, run_edgelite, tflite_ops
from testutil import model_path
from edgelite.cli import main as cli_main
from edgelite.schema.Model import Model, ModelT
from edgelite.testing import run_model

ONNX_DIR = model_path("onnx")
MODELS = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(ONNX_DIR, "*.onnx")))

# Structure the conversion must reach, beyond matching numbers: per architecture (every opset variant),
# op counts that must hold (0: must not appear). Layout: one TRANSPOSE after the NCHW input and none
# elsewhere (ShuffleNet: plus the one rank-5 TRANSPOSE that is each channel shuffle), batch norms folded
# (no MUL), LRN and hard-swish recognized in their decomposed exports.
EXPECTED_OPS = {
    "resnet_basic": {"TRANSPOSE": 1, "MUL": 0, "CONV_2D": 20, "ADD": 8},
    "resnet_bottleneck": {"TRANSPOSE": 1, "MUL": 0, "CONV_2D": 23, "ADD": 6},
    "densenet": {"TRANSPOSE": 1, "CONV_2D": 21, "AVERAGE_POOL_2D": 2},
    "inception_v3": {"TRANSPOSE": 1, "MUL": 0, "ADD": 0, "CONCATENATION": 6, "AVERAGE_POOL_2D": 4},
    "squeezenet": {"TRANSPOSE": 1, "CONV_2D": 26, "CONCATENATION": 8},
    "shufflenet_v2": {"TRANSPOSE": 1 + 7, "RESHAPE": 2 * 7, "MUL": 0, "DEPTHWISE_CONV_2D": 10},
    "vgg11_bn": {"TRANSPOSE": 1, "MUL": 0, "CONV_2D": 6, "FULLY_CONNECTED": 3},
    "alexnet": {"TRANSPOSE": 1, "LOCAL_RESPONSE_NORMALIZATION": 2, "POW": 0, "DIV": 0},
    "alexnet_onnx_lrn": {"TRANSPOSE": 1, "LOCAL_RESPONSE_NORMALIZATION": 2},
    "mobilenet_v2": {"TRANSPOSE": 1, "MUL": 0, "DEPTHWISE_CONV_2D": 17, "ADD": 11, "PAD": 5},
    "mobilenet_v2_hardswish": {"TRANSPOSE": 1, "MUL": 0, "HARD_SWISH": 35, "ADD": 11},
    # Layer norms as MEAN, SUB, MUL, RSQRT (no SQRT, DIV or POW left); attention as BATCH_MATMUL + SOFTMAX;
    # exact GELU recognized (no erf polynomial: no EXP).
    "encoder_postnorm_relu": {"BATCH_MATMUL": 4, "SOFTMAX": 2, "RSQRT": 4, "MEAN": 8, "SQRT": 0, "DIV": 0,
                              "POW": 0, "FULLY_CONNECTED": 8},
    "encoder_prenorm_gelu": {"BATCH_MATMUL": 4, "SOFTMAX": 2, "RSQRT": 4, "GELU": 2, "EXP": 0, "SQRT": 0},
    "vit_tiny": {"CONV_2D": 1, "BATCH_MATMUL": 4, "SOFTMAX": 2, "RSQRT": 5, "GELU": 2, "EXP": 0},
    "unet_decoder": {"TRANSPOSE": 2, "TRANSPOSE_CONV": 1, "RESIZE_BILINEAR": 1, "CONV_2D": 6, "MUL": 0},
    "mobile_blocks": {"TRANSPOSE": 1, "HARD_SWISH": 5, "LOGISTIC": 6, "DEPTHWISE_CONV_2D": 4},
    "text_conv1d": {"GATHER": 1, "CONV_2D": 2, "LOG_SOFTMAX": 1, "MAX_POOL_2D": 1, "AVERAGE_POOL_2D": 1},
    "audio_conv1d": {"CONV_2D": 2, "GELU": 2, "MAX_POOL_2D": 1, "EXP": 0},
    "attention_masks": {"SOFTMAX": 2, "FULLY_CONNECTED": 2, "TRANSPOSE_CONV": 0},
}
BATCHES = (1, 3)

_converted = {}


def convert_with_cli(name: str, tmp_path_factory, nhwc: bool = False) -> bytes:
    """The .tflite bytes `edgelite convert` writes for tests/models/onnx/<name>.onnx (cached per session)."""
    key = (name, nhwc)
    if key not in _converted:
        out = str(tmp_path_factory.mktemp("converted") / f"{name}.tflite")
        args = ["convert", os.path.join(ONNX_DIR, f"{name}.onnx"), "-o", out] + (["--nhwc-inputs"] if nhwc else [])
        assert cli_main(args) == 0
        with open(out, "rb") as f:
            _converted[key] = f.read()
    return _converted[key]


def reference(name: str, batch: int = 1):
    """A seeded random input at `batch` (the models' batch axis is dynamic) and onnxruntime's outputs."""
    session = ort.InferenceSession(os.path.join(ONNX_DIR, f"{name}.onnx"), providers=["CPUExecutionProvider"])
    inp = session.get_inputs()[0]
    shape = [batch if not isinstance(d, int) else d for d in inp.shape]
    rng = np.random.default_rng(sum(map(ord, name)) + batch)
    if inp.type == "tensor(int64)":
        x = rng.integers(0, 50, shape).astype(np.int64)  # token ids
    else:
        x = rng.standard_normal(shape).astype(np.float32)
    return x, session.run(None, {inp.name: x})


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("name", MODELS)
def test_edgelite_matches_onnxruntime(name, batch, tmp_path_factory):
    content = convert_with_cli(name, tmp_path_factory)
    x, want = reference(name, batch)
    what = f"{name} at batch {batch}"
    check_model_outputs(run_edgelite(content, [x], what), want, f"{what} in edgelite")


@pytest.mark.skipif(not HAVE_LITERT, reason="ai-edge-litert is not installed")
@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("name", MODELS)
def test_litert_matches_onnxruntime(name, batch, tmp_path_factory):
    content = convert_with_cli(name, tmp_path_factory)
    x, want = reference(name, batch)
    check_model_outputs(run_model(content, [x], runtime="litert"), want, f"{name} at batch {batch} in LiteRT")


@pytest.mark.parametrize("name", MODELS)
def test_batch_is_dynamic(name, tmp_path_factory):
    """The exporters' symbolic batch is -1 in the input's and output's shape signature (1 in the shape)."""
    m = ModelT.InitFromObj(Model.GetRootAs(convert_with_cli(name, tmp_path_factory), 0))
    sg = m.subgraphs[0]
    for t in [sg.tensors[i] for i in list(sg.inputs) + list(sg.outputs)]:
        assert list(t.shapeSignature)[0] == -1 and list(t.shape)[0] == 1, (t.name, t.shape, t.shapeSignature)


@pytest.mark.parametrize("name", MODELS)
def test_nhwc_inputs(name, tmp_path_factory):
    x, want = reference(name)
    if x.ndim != 4:
        pytest.skip("no 4-D image input")
    content = convert_with_cli(name, tmp_path_factory, nhwc=True)
    x_nhwc = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    runtimes = ["litert"] if HAVE_LITERT else []
    assert tflite_ops(content).count("TRANSPOSE") == tflite_ops(convert_with_cli(name, tmp_path_factory)).count(
        "TRANSPOSE") - 1, "NHWC input should drop exactly the input transpose"
    for runtime in runtimes:
        check_model_outputs(run_model(content, [x_nhwc], runtime=runtime), want, f"{name} (NHWC input) in {runtime}")
    got = run_edgelite(content, [x_nhwc], f"{name} (NHWC input)")
    check_model_outputs(got, want, f"{name} (NHWC input) in edgelite")


def architecture(name: str) -> str:
    return re.sub(r"_(opset\d+|dynamo)$", "", name)


@pytest.mark.parametrize("name", MODELS)
def test_converted_structure(name, tmp_path_factory):
    ops = tflite_ops(convert_with_cli(name, tmp_path_factory))
    expected = EXPECTED_OPS[architecture(name)]
    counts = {op: ops.count(op) for op in expected}
    assert counts == expected, f"{name}: {sorted((o, ops.count(o)) for o in set(ops))}"


def test_models_are_listed_in_manifest():
    with open(os.path.join(ONNX_DIR, "manifest.json")) as f:
        listed = {e["path"][:-5] for e in json.load(f)["models"]}
    assert listed == set(MODELS)
    assert {architecture(n) for n in MODELS} == set(EXPECTED_OPS)


def test_live_torch_export(tmp_path):
    """Exports an architecture with the installed torch and checks it against torch and onnxruntime."""
    torch = pytest.importorskip("torch")
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "golden"))
    try:
        import make_onnx_models
    finally:
        sys.path.pop(0)
    for name, opset in (("shufflenet_v2", 13), ("mobilenet_v2_hardswish", 13), ("encoder_prenorm_gelu", "dynamo")):
        path = tmp_path / f"{name}.onnx"
        path.write_bytes(make_onnx_models.export(name, opset))
        out = str(tmp_path / f"{name}.tflite")
        assert cli_main(["convert", str(path), "-o", out]) == 0
        model, shape = make_onnx_models.build(name)
        x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
        with torch.no_grad():
            want = [model(torch.from_numpy(x)).numpy()]
        with open(out, "rb") as f:
            content = f.read()
        results = {"edgelite": run_edgelite(content, [x], name)}
        if HAVE_LITERT:
            results["litert"] = run_model(content, [x], runtime="litert")
        for runtime, got in results.items():
            check_model_outputs(got, want, f"{name} exported by torch {torch.__version__}, in {runtime}")
