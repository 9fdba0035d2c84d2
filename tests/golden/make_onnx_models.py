#!/usr/bin/env python3
"""Export the architectures of onnx_architectures.py (classic CNNs) and torch_architectures.py (transformers,
decoders, mobile blocks, 1-D models) to ONNX for the converter's tests, with a dynamic batch axis.

Not part of the test suite: it needs torch (pip install torch==2.13.0, CPU build) and onnx. Run from
anywhere:

    python tests/golden/make_onnx_models.py             # every architecture and opset variant
    python tests/golden/make_onnx_models.py resnet_basic densenet

It writes tests/models/onnx/<name>.onnx (the first export listed for the architecture) and
<name>_opset<k>.onnx / <name>_dynamo.onnx for the others, plus tests/models/onnx/manifest.json (input
shape, exporter, opset, ONNX op counts, parameter count, size, sha256, versions). Most exports use the
TorchScript-based exporter (dynamo=False): it is what most published ONNX CNNs were made with, and it
writes the older opsets; a few use torch's default dynamo exporter (needs onnxscript), whose graphs differ
(Split with num_outputs, Squeeze instead of If, unfolded BatchNormalization). The models of
torch_architectures.py are exported by both (<name>.onnx at opset 17, <name>_dynamo.onnx at 18). Axis 0 of
the input and output is dynamic ("batch"); the example batch is 2, since torch.export specializes a
dynamic axis of size 1. Weights are seeded (onnx_architectures.randomize), so reruns with the same versions
give identical files.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import io
import logging
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "models", "onnx"))
sys.path.insert(0, HERE)

import onnx  # noqa: E402
import torch  # noqa: E402

import onnx_architectures  # noqa: E402
import onnx_manifest  # noqa: E402
from onnx_architectures import randomize  # noqa: E402
from torch_architectures import TORCH_ARCHITECTURES  # noqa: E402

# name -> (builder, input shape, exports, input dtype): the CNNs and the torch_architectures models.
ARCHITECTURES = {name: (builder, shape, exports, "float32")
                 for name, (builder, shape, exports) in onnx_architectures.ARCHITECTURES.items()}
ARCHITECTURES.update({name: (builder, shape, (17, "dynamo"), dtype)
                      for name, (builder, shape, dtype) in TORCH_ARCHITECTURES.items()})
EXPORT_BATCH = 2
# nn.TransformerEncoderLayer's inference fast path is one fused aten op that torch.onnx cannot export.
torch.backends.mha.set_fastpath_enabled(False)


DYNAMO_OPSET = 18


def file_name(name: str, export_kind) -> str:
    if export_kind == ARCHITECTURES[name][2][0]:
        return f"{name}.onnx"
    return f"{name}_dynamo.onnx" if export_kind == "dynamo" else f"{name}_opset{export_kind}.onnx"


def build(name: str, seed: int = 0):
    """(module in eval mode with seeded weights, example input shape at batch 1)."""
    builder, shape, _, _ = ARCHITECTURES[name]
    torch.manual_seed(seed)
    return randomize(builder(), seed), shape


def example_input(name: str, batch: int, seed: int = 0):
    """A seeded input of architecture `name` at `batch` (token ids below 50 for integer inputs)."""
    _, shape, _, dtype = ARCHITECTURES[name]
    generator = torch.Generator().manual_seed(seed)
    shape = (batch,) + tuple(shape[1:])
    if dtype == "int64":
        return torch.randint(0, 50, shape, generator=generator)
    return torch.randn(shape, generator=generator)


def export(name: str, export_kind) -> bytes:
    """The ONNX bytes of architecture `name` (input 'input', output 'logits', axis 0 of both dynamic),
    exported at opset `export_kind` by the TorchScript-based exporter, or by the dynamo exporter when it
    is "dynamo"."""
    model, _ = build(name)
    dynamo = export_kind == "dynamo"
    x = example_input(name, EXPORT_BATCH)
    args = dict(input_names=["input"], output_names=["logits"], dynamo=dynamo,
                opset_version=DYNAMO_OPSET if dynamo else export_kind)
    with warnings.catch_warnings(), torch.no_grad(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        if dynamo:
            shapes = ({0: torch.export.Dim("batch")},)
            return torch.onnx.export(model, (x,), dynamic_shapes=shapes, **args).model_proto.SerializeToString()
        buffer = io.BytesIO()
        torch.onnx.export(model, (x,), buffer, do_constant_folding=True,
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, **args)
    return buffer.getvalue()


def describe(name: str, export_kind, content: bytes) -> dict:
    model = onnx.load_from_string(content)
    model_proto, shape = build(name)
    opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    return {
        "path": file_name(name, export_kind), "architecture": name, "opset": opset,
        "exporter": "dynamo" if export_kind == "dynamo" else "torchscript", "input_shape": list(shape),
        "input_dtype": ARCHITECTURES[name][3], "dynamic_axes": {"input": [0], "logits": [0]},
        "parameters": sum(p.numel() for p in model_proto.parameters()),
        "onnx_op_counts": dict(sorted(collections.Counter(n.op_type for n in model.graph.node).items())),
        "size_bytes": len(content), "sha256": hashlib.sha256(content).hexdigest(),
    }


def _version(module: str) -> str:
    try:
        return __import__(module).__version__
    except ImportError:
        return "not installed"


def main(argv) -> int:
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)  # "torchvision is not installed" notes
    names = argv or list(ARCHITECTURES)
    os.makedirs(OUT_DIR, exist_ok=True)
    manifest_path = os.path.join(OUT_DIR, "manifest.json")
    entries = onnx_manifest.read_entries(manifest_path)
    for name in names:
        for export_kind in ARCHITECTURES[name][2]:
            content = export(name, export_kind)
            onnx.checker.check_model(onnx.load_from_string(content))
            entry = describe(name, export_kind, content)
            onnx_manifest.save_model(OUT_DIR, entries, entry, content)
            print(f"{entry['path']:40s} {entry['size_bytes'] / 1024:8.1f} KiB  {entry['exporter']} opset "
                  f"{entry['opset']}")
    onnx_manifest.write(
        manifest_path,
        "Architectures written in torch.nn (tests/golden/onnx_architectures.py, "
        "torch_architectures.py), exported to ONNX with torch.onnx.export (dynamo=False unless "
        "'exporter' says dynamo) with a dynamic batch axis; seeded random weights.",
        "tests/golden/make_onnx_models.py",
        {"torch": torch.__version__, "onnx": onnx.__version__, "onnxscript": _version("onnxscript")}, entries)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
