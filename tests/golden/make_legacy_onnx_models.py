#!/usr/bin/env python3
"""Write tests/models/onnx_legacy/: ONNX files shaped like the ones the ONNX model zoo ships from older
exporters (Caffe/Caffe2, MXNet, WinMLTools, PyTorch 0.4/1.0 at opsets 7-9), for the converter's tests.

Not part of the test suite: it needs torch 2.13.0 (CPU), onnx and onnxruntime. Run from anywhere:

    python tests/golden/make_legacy_onnx_models.py            # every model
    python tests/golden/make_legacy_onnx_models.py tiny_yolo  # some

The networks are onnx_legacy_architectures.py's (narrow, small inputs, seeded He-normal weights, perturbed
batch-norm statistics, softmax logits of standard deviation 3). Each is exported by torch's TorchScript-based exporter (dynamo=False) at the opset
its zoo counterpart has (7, 8 or 9; the exporter's oldest working ones), initializers also listed as graph
inputs. What older exporters wrote and torch 2.13 does not comes two ways:

- written by the exporter through autograd Functions with a `symbolic` (onnx_legacy_architectures.py):
  Dropout listing its mask output (torch drops Dropout in eval), one LRN node, ImageScaler, opset 7/8
  Upsample with a `scales` attribute, MaxPool with pads after the input only;
- rewritten afterwards with the onnx API, one documented function per idiom (OPTIONS below): IR version 3,
  Constant nodes as initializers, constant shape chains folded to one initializer, BatchNormalization's
  `spatial=1`, count_include_pad=0 written out, Reshape shapes with 0 and -1, Sum for residual Add,
  Caffe2 / MXNet / PyTorch 0.4 tensor names, unnamed nodes, no value_info; last, every file declares its
  outputs' shapes (declare_output_shapes).

Batch norm stays unfolded (BatchNormalization nodes; at opset 9 by exporting with TrainingMode.PRESERVE,
which skips torch's conv-BN fusion; the modules are in eval mode, so the nodes hold the running statistics).
Batch is 1 and static, as in the zoo, except squeezenet1.1 ("N") and tiny_yolo ("None", as the zoo's Tiny
YOLO v2 has it).

Not reproduced, because onnxruntime 1.32 refuses or misreads them, so they could not be checked against it:
opset 6 and older (Dropout and BatchNormalization with `is_test`: "Could not find an implementation for
Dropout(6)"), and BatchNormalization listing its training outputs (running/saved mean and variance):
onnxruntime then normalizes with the batch's statistics instead of the stored ones
(tests/converter/test_onnx_nn_breadth.py covers that form against the intended numbers).

Every file is checked (onnx.checker, then onnxruntime against the torch module, relative error < 1e-4)
before it is written; tests/models/onnx_legacy/manifest.json records opset, IR version, producer style,
rewrites, inputs and outputs, op counts, size, sha256 and versions. Reruns with the same versions give
identical files.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import io
import os
import sys
import warnings
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "models", "onnx_legacy"))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
import torch  # noqa: E402
from onnx import helper, numpy_helper, shape_inference  # noqa: E402

import onnx_manifest  # noqa: E402
from onnx_legacy_architectures import LEGACY_ARCHITECTURES, build  # noqa: E402


@dataclass
class Export:
    opset: int
    style: str                      # the tensor names: "caffe2", "mxnet", "pytorch0.4" or "torch"
    input_name: str
    output_names: Tuple[str, ...]   # (numbered instead in the "pytorch0.4" style)
    rewrites: Tuple[str, ...]       # OPTIONS applied after export, in order
    batch: Optional[str] = None     # dim_param of a symbolic batch; None: static batch 1
    ir_version: int = 3
    name_prefix: str = ""           # Caffe2's per-device scope ("gpu_0/")
    unfolded_bn: bool = False       # export with TrainingMode.PRESERVE so BatchNormalization stays a node
    notes: List[str] = field(default_factory=list)


CAFFE2 = ("constants_to_initializers", "fold_constants", "explicit_count_include_pad", "reshape_zero_and_minus_one",
          "names", "unnamed_nodes", "no_value_info", "initializers_as_inputs")
CAFFE2_WITH_SUM = CAFFE2[:4] + ("sum_for_add",) + CAFFE2[4:]

EXPORTS: Dict[str, Export] = {
    "bvlc_alexnet": Export(9, "caffe2", "data_0", ("prob_1",), CAFFE2, notes=[
        "Caffe2 model zoo bvlc_alexnet: conv-relu-LRN-pool, grouped convs (group 2), Reshape to Gemm (transB=1), "
        "Dropout with mask, Softmax"]),
    "bvlc_googlenet": Export(8, "caffe2", "data_0", ("prob_1", "aux1/prob_1"), CAFFE2, notes=[
        "BVLC GoogLeNet: ceil-mode max pools as asymmetric pads, LRN, inception blocks with a 3x3 stride-1 pool "
        "branch, the auxiliary head's AveragePool 5x5/3 with pads and count_include_pad=0, AveragePool 5x5, "
        "Dropout 0.4 / 0.7 with masks, two Softmax outputs"]),
    "squeezenet1.0": Export(7, "caffe2", "data_0", ("softmaxout_1",), CAFFE2, notes=[
        "Caffe2 zoo SqueezeNet 1.0: fire modules, ceil-mode pools, Dropout with mask, global AveragePool "
        "(kernel = map), Softmax over axis 1 of the 4-D [1, 10, 1, 1] map"]),
    "squeezenet1.1": Export(9, "pytorch0.4", "0", ("(numbered)",), (
        "names", "unnamed_nodes", "no_value_info", "initializers_as_inputs"), batch="N", ir_version=4, notes=[
        "torchvision SqueezeNet 1.1 as PyTorch 0.4/1.0 exported it: numbered tensors, initializers as inputs, "
        "x.view(x.size(0), -1) as Shape-Gather-Unsqueeze-Concat-Reshape, symbolic batch N"]),
    "vgg16_bn": Export(7, "mxnet", "data", ("vgg0_dense2_fwd",), (
        "bn_spatial", "names", "no_value_info", "initializers_as_inputs"), notes=[
        "MXNet Gluon vgg16_bn: BatchNormalization nodes with spatial=1, Flatten, Gemm transB=1, Dropout with "
        "mask"]),
    "shufflenet_v1": Export(9, "caffe2", "data_0", ("softmax_1",), CAFFE2_WITH_SUM,
                            name_prefix="gpu_0/", unfolded_bn=True, notes=[
        "Caffe2 zoo ShuffleNet (v1, g=3): grouped 1x1 convs, channel shuffle as Reshape [0, 3, -1, H, W] / "
        "Transpose / Reshape, unfolded BatchNormalization, shortcut AveragePool 3x3/2 pads 1 "
        "count_include_pad=0 + Concat, Sum residuals, gpu_0/ names"]),
    "tiny_yolo": Export(8, "torch", "image", ("grid", "grid_2"), (
        "bn_spatial", "names", "no_value_info", "initializers_as_inputs"), batch="None", notes=[
        "WinMLTools Tiny YOLO v2 backbone: ImageScaler, conv-BatchNormalization(spatial=1)-LeakyRelu, MaxPool "
        "2x2/1 pads [0, 0, 1, 1]; YOLOv3-tiny's second scale: 1x1 conv, Upsample(scales attribute, nearest), "
        "Concat, leaky ReLU as Max(x, 0.1 x); symbolic batch None"]),
}


# ---- rewrites: each turns torch 2.13's form into the one an older exporter wrote ----
def initializers_as_inputs(model, spec: Export) -> None:
    """IR version 3 (or spec.ir_version) and every initializer also listed as a graph input: before IR 4
    an initializer had to be a graph input (Caffe2, PyTorch <= 1.2 and MXNet wrote them so)."""
    model.ir_version = spec.ir_version
    listed = {i.name for i in model.graph.input}
    for init in model.graph.initializer:
        if init.name not in listed:
            model.graph.input.append(helper.make_tensor_value_info(init.name, init.data_type, list(init.dims)))


def constants_to_initializers(model, spec: Export) -> None:
    """Constant nodes become initializers: Caffe2's nets kept every constant in the init net."""
    graph = model.graph
    for node in [n for n in graph.node if n.op_type == "Constant"]:
        tensor = numpy_helper.from_array(numpy_helper.to_array(node.attribute[0].t), node.output[0])
        graph.initializer.append(tensor)
        graph.node.remove(node)


def fold_constants(model, spec: Export) -> None:
    """Nodes computed from initializers only (torch's Cast/Unsqueeze/Concat chains for a view's shape at
    opset 7/8) become initializers: Caffe2 wrote such shapes as one constant."""
    from onnx.reference import ReferenceEvaluator
    graph = model.graph
    values = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    for node in list(graph.node):
        if node.input and all(i in values for i in node.input):
            single = helper.make_model(helper.make_graph(
                [node], "fold", [], [helper.make_empty_tensor_value_info(o) for o in node.output],
                [numpy_helper.from_array(values[i], i) for i in set(node.input)]),
                opset_imports=list(model.opset_import))
            for out, array in zip(node.output, ReferenceEvaluator(single).run(None, {})):
                values[out] = np.asarray(array)
                graph.initializer.append(numpy_helper.from_array(values[out], out))
            graph.node.remove(node)
    _drop_unused_initializers(graph)


def _drop_unused_initializers(graph) -> None:
    used = {i for n in graph.node for i in n.input}
    for init in [i for i in graph.initializer if i.name not in used]:
        graph.initializer.remove(init)
    for value in [v for v in graph.input if v.name not in used]:
        graph.input.remove(value)


def declare_output_shapes(model, spec: Export) -> None:
    """The outputs' shapes, as onnxruntime computes them at batch 1 (spec.batch on axis 0 when the batch is
    symbolic): torch leaves placeholder symbols where its shape inference stopped, at the custom nodes,
    and the zoo's files declare them."""
    session = _session(model.SerializeToString())
    feed = session.get_inputs()[0]
    shape = [d if isinstance(d, int) else 1 for d in feed.shape]
    results = session.run(None, {feed.name: np.zeros(shape, np.float32)})
    for out, array in zip(model.graph.output, results):
        dims = [spec.batch if k == 0 and spec.batch else int(d) for k, d in enumerate(array.shape)]
        out.type.CopyFrom(helper.make_tensor_type_proto(onnx.TensorProto.FLOAT, dims))


def _session(content: bytes):
    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(content, options, providers=["CPUExecutionProvider"])


def explicit_count_include_pad(model, spec: Export) -> None:
    """count_include_pad=0 written on every AveragePool (torch leaves the default out)."""
    for node in model.graph.node:
        if node.op_type == "AveragePool" and not any(a.name == "count_include_pad" for a in node.attribute):
            node.attribute.append(helper.make_attribute("count_include_pad", 0))


def bn_spatial(model, spec: Export) -> None:
    """BatchNormalization(spatial=1) before opset 9, as MXNet and WinMLTools wrote it."""
    assert model.opset_import[0].version < 9, "spatial exists before opset 9 only"
    for node in model.graph.node:
        if node.op_type == "BatchNormalization":
            node.attribute.append(helper.make_attribute("spatial", 1))


def reshape_zero_and_minus_one(model, spec: Export) -> None:
    """A Reshape to a constant shape gets Caffe2's form: 0 (copy the input's size) on the batch axis and
    -1 for the largest other axis, in an initializer of its own."""
    inferred = shape_inference.infer_shapes(model)
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in list(inferred.graph.value_info) + list(inferred.graph.input)}
    inits = {i.name: i for i in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type != "Reshape" or node.input[1] not in inits:
            continue
        shape = numpy_helper.to_array(inits[node.input[1]]).astype(np.int64)
        if shapes[node.input[0]][0] != shape[0]:
            continue
        shape[0] = 0
        if -1 not in shape:
            shape[1 + int(np.argmax(shape[1:]))] = -1
        name = f"{node.output[0]}/shape"
        model.graph.initializer.append(numpy_helper.from_array(shape, name))
        node.input[1] = name
    _drop_unused_initializers(model.graph)


def sum_for_add(model, spec: Export) -> None:
    """Add of two activations becomes Sum: Caffe2's residual connections."""
    inits = {i.name for i in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Add" and not set(node.input) & inits:
            node.op_type = "Sum"


_CAFFE2_KINDS = {"Conv": "conv", "Relu": "relu", "LRN": "norm", "MaxPool": "pool", "AveragePool": "pool",
                 "Concat": "concat", "Dropout": "drop", "Gemm": "fc", "Softmax": "softmax", "Reshape": "reshape",
                 "BatchNormalization": "spatbn", "Transpose": "transpose", "Sum": "sum", "Flatten": "flatten"}
_CAFFE2_PARAMS = {"Conv": ("w", "b"), "Gemm": ("w", "b"), "BatchNormalization": ("s", "bias", "rm", "riv"),
                  "Reshape": ("shape",)}
_MXNET_KINDS = {"Conv": "conv", "BatchNormalization": "batchnorm", "Relu": "relu", "MaxPool": "pool",
                "Flatten": "flatten", "Gemm": "dense", "Dropout": "dropout"}
_MXNET_PARAMS = {"Conv": ("weight", "bias"), "Gemm": ("weight", "bias"),
                 "BatchNormalization": ("gamma", "beta", "running_mean", "running_var")}


def _torch_scope(node) -> str:
    """The first two module names of torch's node name ('/blocks/3a/b1/b1.0/Conv' -> 'blocks/3a/')."""
    parts = [p.replace(".", "_") for p in node.name.strip("/").split("/")[:-1]]
    return "/".join(parts[:2]) + "/" if len(parts) > 2 else ""


def _new_names(model, spec: Export) -> Dict[str, str]:
    graph = model.graph
    inits = {i.name for i in graph.initializer}
    if spec.style == "pytorch0.4":
        # Numbered values: the input 0, then the parameters in order, then every node output.
        names = {graph.input[0].name: "0"}
        counter = iter(range(1, 1 << 30))
        for init in graph.initializer:
            names[init.name] = str(next(counter))
        for node in graph.node:
            for out in node.output:
                names[out] = str(next(counter))
        return names
    names = {graph.input[0].name: spec.input_name}
    names.update({o.name: n for o, n in zip(graph.output, spec.output_names)})
    if spec.style == "torch":  # torch's own names inside
        return names
    kinds, params = (_MXNET_KINDS, _MXNET_PARAMS) if spec.style == "mxnet" else (_CAFFE2_KINDS, _CAFFE2_PARAMS)
    counts = collections.Counter()
    for node in graph.node:
        kind = kinds.get(node.op_type, node.op_type.lower())
        if spec.style == "mxnet":
            base = f"vgg0_{kind}{counts[kind]}"
            outs = [f"{base}_fwd"] + [f"{base}_mask"] * (len(node.output) > 1)
        else:
            base = f"{spec.name_prefix}{_torch_scope(node)}{kind}{counts[kind] + 1}"
            outs = [f"{base}_1"] + [f"{spec.name_prefix}_{kind}{counts[kind] + 1}_mask_1"] * (len(node.output) > 1)
        counts[kind] += 1
        for out, new in zip(node.output, outs):
            names.setdefault(out, new)
        for k, param in enumerate(params.get(node.op_type, ())):
            if k + 1 < len(node.input) and node.input[k + 1] in inits:
                names.setdefault(node.input[k + 1], f"{base}_{param}" + ("" if spec.style == "mxnet" else "_0"))
    return names


def names(model, spec: Export) -> None:
    """Tensor names in the exporter's style: Caffe2's data_0 / conv3_w_0 / conv3_1 / prob_1 (with module
    scopes, so some names hold '/'), MXNet's vgg0_conv0_weight / vgg0_conv0_fwd, or PyTorch 0.4's numbers."""
    mapping = _new_names(model, spec)
    graph = model.graph
    assert len(set(mapping.values())) == len(mapping), "tensor names collide"
    rename = lambda n: mapping.get(n, n)  # noqa: E731
    for node in graph.node:
        node.input[:] = [rename(n) for n in node.input]
        node.output[:] = [rename(n) for n in node.output]
    for value in list(graph.input) + list(graph.output) + list(graph.value_info):
        value.name = rename(value.name)
    for init in graph.initializer:
        init.name = rename(init.name)


def unnamed_nodes(model, spec: Export) -> None:
    """Nodes without names, as Caffe2 and PyTorch 0.4 wrote them."""
    for node in model.graph.node:
        node.name = ""


def no_value_info(model, spec: Export) -> None:
    """No shapes for intermediate values (older exporters wrote none)."""
    del model.graph.value_info[:]


OPTIONS: Dict[str, Callable] = {f.__name__: f for f in (
    initializers_as_inputs, constants_to_initializers, fold_constants, declare_output_shapes,
    explicit_count_include_pad, bn_spatial,
    reshape_zero_and_minus_one, sum_for_add, names, unnamed_nodes, no_value_info)}


# ---- export, check, describe ----
def example_input(name: str, batch: int = 1, seed: int = 0) -> np.ndarray:
    shape = (batch,) + tuple(LEGACY_ARCHITECTURES[name][1][1:])
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def export(name: str) -> bytes:
    """The rewritten ONNX bytes of model `name`."""
    spec = EXPORTS[name]
    model, _ = build(name)
    outputs = [f"output_{k}" for k in range(len(spec.output_names))]
    dynamic = None if spec.batch is None else {n: {0: spec.batch} for n in ["input"] + outputs}
    buffer = io.BytesIO()
    mode = torch.onnx.TrainingMode.PRESERVE if spec.unfolded_bn else torch.onnx.TrainingMode.EVAL
    with warnings.catch_warnings(), torch.no_grad(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.from_numpy(example_input(name)),), buffer, dynamo=False,
                          opset_version=spec.opset, training=mode, do_constant_folding=True,
                          keep_initializers_as_inputs=True, input_names=["input"], output_names=outputs,
                          dynamic_axes=dynamic)
    proto = onnx.load_from_string(buffer.getvalue())
    for rewrite in spec.rewrites + ("declare_output_shapes",):
        OPTIONS[rewrite](proto, spec)
    proto.producer_name = f"edgelite tests/golden/make_legacy_onnx_models.py ({spec.style} style)"
    proto.producer_version = f"torch {torch.__version__}"
    return proto.SerializeToString()


def check_against_torch(name: str, content: bytes) -> float:
    """onnxruntime's outputs against the torch module's at batch 1 (and 3 for a symbolic batch)."""
    session = _session(content)
    model, _ = build(name)
    worst = 0.0
    for batch in (1, 3) if EXPORTS[name].batch else (1,):
        x = example_input(name, batch, seed=batch + 7)
        got = session.run(None, {session.get_inputs()[0].name: x})
        with torch.no_grad():
            want = model(torch.from_numpy(x))
        for g, w in zip(got, want if isinstance(want, tuple) else (want,)):
            w = w.numpy()
            assert g.shape == w.shape, (name, g.shape, w.shape)
            worst = max(worst, float(np.abs(g - w).max() / np.abs(w).max()))
    assert worst < 1e-4, f"{name}: onnxruntime differs from torch by {worst:.2e}"
    return worst


def _dims(value) -> list:
    return [d.dim_param if d.HasField("dim_param") else d.dim_value for d in value.type.tensor_type.shape.dim]


def describe(name: str, content: bytes, ort_vs_torch: float) -> dict:
    model = onnx.load_from_string(content)
    spec = EXPORTS[name]
    inits = {i.name for i in model.graph.initializer}
    return {
        "path": f"{name}.onnx", "architecture": name, "style": spec.style, "notes": spec.notes,
        "opset": model.opset_import[0].version, "ir_version": model.ir_version,
        "exporter": "torch.onnx.export(dynamo=False" + (", training=PRESERVE" if spec.unfolded_bn else "") + ")",
        "rewrites": list(spec.rewrites),
        "inputs": [{"name": i.name, "shape": _dims(i)} for i in model.graph.input if i.name not in inits],
        "outputs": [{"name": o.name, "shape": _dims(o)} for o in model.graph.output],
        "initializers_listed_as_inputs": all(i in {v.name for v in model.graph.input} for i in inits),
        "parameters": int(sum(np.prod(i.dims) for i in model.graph.initializer
                              if i.data_type == onnx.TensorProto.FLOAT)),
        "onnx_op_counts": dict(sorted(collections.Counter(n.op_type for n in model.graph.node).items())),
        "onnxruntime_vs_torch_max_rel_error": float(f"{ort_vs_torch:.3g}"),
        "size_bytes": len(content), "sha256": hashlib.sha256(content).hexdigest(),
    }


def main(argv) -> int:
    names_ = argv or list(EXPORTS)
    os.makedirs(OUT_DIR, exist_ok=True)
    manifest_path = os.path.join(OUT_DIR, "manifest.json")
    entries = onnx_manifest.read_entries(manifest_path)
    for name in names_:
        content = export(name)
        onnx.checker.check_model(onnx.load_from_string(content))
        entry = describe(name, content, check_against_torch(name, content))
        onnx_manifest.save_model(OUT_DIR, entries, entry, content)
        print(f"{entry['path']:24s} {entry['size_bytes'] / 1024:7.1f} KiB  opset {entry['opset']} IR "
              f"{entry['ir_version']}  onnxruntime vs torch {entry['onnxruntime_vs_torch_max_rel_error']:.1e}")
    onnx_manifest.write(
        manifest_path,
        "Zoo-style ONNX files (Caffe2, MXNet, WinMLTools, PyTorch 0.4 idioms at opsets 7-9) of "
        "tests/golden/onnx_legacy_architectures.py: exported by torch.onnx (TorchScript-based) "
        "and rewritten with the onnx API; seeded random weights.",
        "tests/golden/make_legacy_onnx_models.py",
        {"torch": torch.__version__, "onnx": onnx.__version__, "onnxruntime": ort.__version__}, entries)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
