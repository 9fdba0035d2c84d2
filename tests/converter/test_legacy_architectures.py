"""ONNX files shaped like the model zoo's from older exporters (tests/models/onnx_legacy, made by
tests/golden/make_legacy_onnx_models.py): BVLC AlexNet and GoogLeNet, SqueezeNet 1.0 and 1.1, VGG-16 with
batch norm, ShuffleNet v1 and Tiny YOLO at opsets 7-9, with Caffe2 / MXNet / WinMLTools / PyTorch 0.4
idioms. `edgelite convert` and the Python API write the same file; it matches onnxruntime within 1e-3 of
the largest output in edgelite and in LiteRT (batch 1, and 3 where the batch is symbolic), and reaches the
structure below: Dropout gone, LRN recognized, batch norms folded (through grouped convolutions too),
leaky ReLU recognized in max(x, 0.1 x), one TRANSPOSE after the NCHW input."""

import collections
import glob
import hashlib
import json
import os
import sys

import numpy as np
import pytest

from converter_testutil import HAVE_LITERT, check_model_outputs, convert, onnx, ort, run_edgelite, tflite_ops
from testutil import model_path
from edgelite.cli import main as cli_main
from edgelite.schema.Model import Model, ModelT
from edgelite.testing import run_model

LEGACY_DIR = model_path("onnx_legacy")
MODELS = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(LEGACY_DIR, "*.onnx")))
with open(os.path.join(LEGACY_DIR, "manifest.json")) as _f:
    MANIFEST = {e["path"][:-5]: e for e in json.load(_f)["models"]}

# Op counts the conversion must reach (0: must not appear).
EXPECTED_OPS = {
    # Grouped convs (group 2) as SPLIT + CONV_2D per group + CONCATENATION, their ReLUs fused into the convs.
    "bvlc_alexnet": {"TRANSPOSE": 1, "LOCAL_RESPONSE_NORMALIZATION": 2, "CONV_2D": 8, "SPLIT": 3, "RELU": 0,
                     "FULLY_CONNECTED": 3, "RESHAPE": 1, "SOFTMAX": 1},
    # The aux head's AveragePool 5x5/3 with pads and count_include_pad=0: PAD, VALID pool, one MUL by the
    # per-position divisor; the conv1 7x7/2 pads (3 each side) one PAD; ceil-mode max pools need none.
    "bvlc_googlenet": {"TRANSPOSE": 1, "CONV_2D": 58, "LOCAL_RESPONSE_NORMALIZATION": 2, "MAX_POOL_2D": 13,
                       "AVERAGE_POOL_2D": 2, "MUL": 1, "PAD": 2, "PADV2": 0, "CONCATENATION": 9, "RELU": 0,
                       "FULLY_CONNECTED": 3, "SOFTMAX": 2},
    # torch's no-op Pad before the average pool disappears; the 4-D softmax is RESHAPE, SOFTMAX, RESHAPE.
    "squeezenet1.0": {"TRANSPOSE": 1, "CONV_2D": 26, "CONCATENATION": 8, "MAX_POOL_2D": 3, "AVERAGE_POOL_2D": 1,
                      "PAD": 0, "RELU": 0, "SOFTMAX": 1, "RESHAPE": 2},
    # The Shape-Gather-Unsqueeze-Concat chain of x.view(x.size(0), -1) becomes one RESHAPE to [-1, 10].
    "squeezenet1.1": {"TRANSPOSE": 1, "CONV_2D": 26, "CONCATENATION": 8, "RESHAPE": 1, "SHAPE": 0, "PAD": 0,
                      "RELU": 0},
    "vgg16_bn": {"TRANSPOSE": 1, "CONV_2D": 13, "MUL": 0, "ADD": 0, "FULLY_CONNECTED": 3, "RESHAPE": 1,
                 "MAX_POOL_2D": 5},
    # Seven channel shuffles (a rank-5 TRANSPOSE between two RESHAPEs each); batch norms folded into the
    # grouped convs (13 SPLIT/CONCATENATION groups) and depthwise convs; the 4 ADDs are the Sum residuals,
    # the 2 MULs the divisors of the shortcut pools whose pads SAME cannot express (the third is SAME).
    "shufflenet_v1": {"TRANSPOSE": 1 + 7, "RESHAPE": 2 * 7 + 1, "MUL": 2, "ADD": 4, "RELU": 0,
                      "DEPTHWISE_CONV_2D": 7, "AVERAGE_POOL_2D": 4, "CONCATENATION": 13 + 3, "SPLIT": 13},
    # ImageScaler as MUL + ADD; the stride-1 2x2 max pool with pads after is SAME; both outputs are NCHW.
    "tiny_yolo": {"TRANSPOSE": 1 + 2, "LEAKY_RELU": 9, "MAXIMUM": 0, "MUL": 1, "ADD": 1, "MAX_POOL_2D": 6,
                  "PAD": 0, "PADV2": 0, "RESIZE_NEAREST_NEIGHBOR": 1, "CONV_2D": 11},
}

_converted = {}


def converted(name: str, tmp_path_factory, nhwc: bool = False) -> bytes:
    """What `edgelite convert` writes for the file (cached per session)."""
    key = (name, nhwc)
    if key not in _converted:
        out = str(tmp_path_factory.mktemp("legacy") / f"{name}.tflite")
        args = ["convert", os.path.join(LEGACY_DIR, f"{name}.onnx"), "-o", out] + (["--nhwc-inputs"] * nhwc)
        assert cli_main(args) == 0
        with open(out, "rb") as f:
            _converted[key] = f.read()
    return _converted[key]


def symbolic_batch(name: str) -> bool:
    return isinstance(MANIFEST[name]["inputs"][0]["shape"][0], str)


def cases():
    return [(n, b) for n in MODELS for b in ((1, 3) if symbolic_batch(n) else (1,))]


def reference(name: str, batch: int = 1):
    options = ort.SessionOptions()
    options.log_severity_level = 3  # ImageScaler's "experimental op" warning
    session = ort.InferenceSession(os.path.join(LEGACY_DIR, f"{name}.onnx"), options,
                                   providers=["CPUExecutionProvider"])
    inp = session.get_inputs()[0]
    shape = [d if isinstance(d, int) else batch for d in inp.shape]
    x = np.random.default_rng(sum(map(ord, name)) + batch).standard_normal(shape).astype(np.float32)
    return x, session.run(None, {inp.name: x})


@pytest.mark.parametrize("name, batch", cases())
def test_edgelite_matches_onnxruntime(name, batch, tmp_path_factory):
    x, want = reference(name, batch)
    what = f"{name} at batch {batch} in edgelite"
    check_model_outputs(run_edgelite(converted(name, tmp_path_factory), [x], what), want, what)


@pytest.mark.skipif(not HAVE_LITERT, reason="ai-edge-litert is not installed")
@pytest.mark.parametrize("name, batch", cases())
def test_litert_matches_onnxruntime(name, batch, tmp_path_factory):
    x, want = reference(name, batch)
    content = converted(name, tmp_path_factory)
    check_model_outputs(run_model(content, [x], runtime="litert"), want, f"{name} at batch {batch} in LiteRT")


@pytest.mark.parametrize("name", MODELS)
def test_python_api_writes_what_the_cli_writes(name, tmp_path_factory):
    path = os.path.join(LEGACY_DIR, f"{name}.onnx")
    cli = converted(name, tmp_path_factory)
    assert convert(path) == cli
    assert convert(onnx.load(path)) == cli


@pytest.mark.parametrize("name", MODELS)
def test_converted_structure(name, tmp_path_factory):
    ops = tflite_ops(converted(name, tmp_path_factory))
    counts = {op: ops.count(op) for op in EXPECTED_OPS[name]}
    assert counts == EXPECTED_OPS[name], f"{name}: {sorted(collections.Counter(ops).items())}"


@pytest.mark.parametrize("name", MODELS)
def test_input_and_output_names_and_batch(name, tmp_path_factory):
    """The source's tensor names (data_0, prob_1, gpu_0/softmax_1, 0, ...) name the file's inputs and outputs;
    a symbolic batch is -1 in the shape signature, a static one stays 1."""
    m = ModelT.InitFromObj(Model.GetRootAs(converted(name, tmp_path_factory), 0))
    sg = m.subgraphs[0]
    entry = MANIFEST[name]
    declared = entry["inputs"] + entry["outputs"]
    tensors = [sg.tensors[i] for i in list(sg.inputs) + list(sg.outputs)]
    assert [t.name.decode() for t in tensors] == [d["name"] for d in declared]
    for t in tensors:
        signature = list(t.shapeSignature) if t.shapeSignature is not None else list(t.shape)
        assert signature[0] == (-1 if symbolic_batch(name) else 1), (t.name, signature)


@pytest.mark.parametrize("name", MODELS)
def test_nhwc_inputs(name, tmp_path_factory):
    x, want = reference(name)
    content = converted(name, tmp_path_factory, nhwc=True)
    assert tflite_ops(content).count("TRANSPOSE") == EXPECTED_OPS[name]["TRANSPOSE"] - 1
    x_nhwc = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    check_model_outputs(run_edgelite(content, [x_nhwc], name), want, f"{name} (NHWC input) in edgelite")


# ---- the files hold the old forms they stand for (a regeneration that loses one fails here) ----
def _nodes(model, op_type):
    return [n for n in model.graph.node if n.op_type == op_type]


def _attr(node, name, default=None):
    return next((onnx.helper.get_attribute_value(a) for a in node.attribute if a.name == name), default)


def _const(model, name):
    inits = {i.name: i for i in model.graph.initializer}
    return onnx.numpy_helper.to_array(inits[name]) if name in inits else None


def _asymmetric(pads) -> bool:
    half = len(pads) // 2
    return list(pads[:half]) != list(pads[half:])


def _avg_pool_excluding_asymmetric_pads(m) -> bool:
    return any(_attr(n, "count_include_pad") == 0 and _asymmetric(_attr(n, "pads", []))
               for n in _nodes(m, "AveragePool"))


def _ceil_mode_max_pool_pads(m) -> bool:
    return any(_asymmetric(_attr(n, "pads", [])) for n in _nodes(m, "MaxPool"))


def _reshape_with_zero_and_minus_one(m) -> bool:
    shapes = [_const(m, n.input[1]) for n in _nodes(m, "Reshape")]
    return any(s is not None and 0 in s and -1 in s for s in shapes)


def _groups(k):
    return lambda m: any(_attr(n, "group", 1) == k for n in _nodes(m, "Conv"))


def _bn_spatial(m) -> bool:
    return all(_attr(n, "spatial") == 1 for n in _nodes(m, "BatchNormalization"))


# Per file: {op type: node count} and {form: test on the ModelProto}.
LEGACY_FORMS = {
    "bvlc_alexnet": ({"LRN": 2, "Dropout": 2, "Gemm": 3},
                     {"group=2 Conv": _groups(2), "Reshape [0, -1]": _reshape_with_zero_and_minus_one,
                      "Gemm transB=1": lambda m: all(_attr(n, "transB") == 1 for n in _nodes(m, "Gemm"))}),
    "bvlc_googlenet": ({"LRN": 2, "Dropout": 2, "Softmax": 2},
                       {"AveragePool count_include_pad=0 with asymmetric pads": _avg_pool_excluding_asymmetric_pads,
                        "ceil-mode MaxPool pads": _ceil_mode_max_pool_pads,
                        "stride-1 pool branch": lambda m: any(_attr(n, "strides") == [1, 1]
                                                              for n in _nodes(m, "MaxPool"))}),
    "squeezenet1.0": ({"Dropout": 1, "Pad": 1, "Softmax": 1},
                      {"Softmax axis 1 on a 4-D map": lambda m: _attr(_nodes(m, "Softmax")[0], "axis") == 1,
                       "ceil-mode MaxPool pads": _ceil_mode_max_pool_pads}),
    "squeezenet1.1": ({"Dropout": 1, "Shape": 1, "Gather": 1, "Reshape": 1}, {}),
    "vgg16_bn": ({"Dropout": 2, "BatchNormalization": 13, "Flatten": 1}, {"spatial=1": _bn_spatial}),
    "shufflenet_v1": ({"Sum": 4, "BatchNormalization": 22, "Transpose": 7},
                      {"group=3 Conv": _groups(3), "Reshape [0, 3, -1, H, W]": _reshape_with_zero_and_minus_one}),
    "tiny_yolo": ({"ImageScaler": 1, "Upsample": 1, "Max": 2, "LeakyRelu": 7},
                  {"Upsample scales attribute": lambda m: _attr(_nodes(m, "Upsample")[0], "scales") is not None,
                   "spatial=1": _bn_spatial}),
}


@pytest.mark.parametrize("name", MODELS)
def test_files_hold_the_legacy_forms(name):
    path = os.path.join(LEGACY_DIR, f"{name}.onnx")
    model = onnx.load(path)
    entry = MANIFEST[name]
    with open(path, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == entry["sha256"], "file differs from the manifest"
    assert model.opset_import[0].version == entry["opset"] <= 9 and model.ir_version == entry["ir_version"]
    listed = {i.name for i in model.graph.input}
    assert all(i.name in listed for i in model.graph.initializer), "initializers are listed as graph inputs"
    assert all(len(n.output) == 2 for n in _nodes(model, "Dropout")), "Dropout lists its mask"
    counts, forms = LEGACY_FORMS[name]
    assert {op: len(_nodes(model, op)) for op in counts} == counts
    for form, holds in forms.items():
        assert holds(model), f"{name}: no {form}"


def test_every_file_is_listed_and_expected():
    assert set(MODELS) == set(MANIFEST) == set(EXPECTED_OPS) == set(LEGACY_FORMS)


def test_regeneration_gives_the_same_bytes():
    """make_legacy_onnx_models.py is deterministic: with the versions the manifest names, a rerun writes
    the committed file."""
    torch = pytest.importorskip("torch")
    with open(os.path.join(LEGACY_DIR, "manifest.json")) as f:
        versions = json.load(f)["versions"]
    if torch.__version__ != versions["torch"] or onnx.__version__ != versions["onnx"]:
        pytest.skip(f"the files were made with torch {versions['torch']}, onnx {versions['onnx']}")
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "golden"))
    try:
        import make_legacy_onnx_models
    finally:
        sys.path.pop(0)
    for name in ("squeezenet1.0", "tiny_yolo"):
        with open(os.path.join(LEGACY_DIR, f"{name}.onnx"), "rb") as f:
            assert make_legacy_onnx_models.export(name) == f.read(), name
