#!/usr/bin/env python3
"""Export the classic CNN architectures of onnx_architectures.py to ONNX for the converter's tests.

Not part of the test suite: it needs torch (pip install torch==2.13.0, CPU build) and onnx. Run from
anywhere:

    python tests/golden/make_onnx_models.py             # every architecture and opset variant
    python tests/golden/make_onnx_models.py resnet_basic densenet

It writes tests/models/onnx/<name>.onnx (the first export listed for the architecture) and
<name>_opset<k>.onnx / <name>_dynamo.onnx for the others, plus tests/models/onnx/manifest.json (input
shape, exporter, opset, ONNX op counts, parameter count, size, sha256, versions). Most exports use the
TorchScript-based exporter (dynamo=False): it is what most published ONNX CNNs were made with, and it
writes the older opsets; a few use torch's default dynamo exporter (needs onnxscript), whose graphs differ
(Split with num_outputs, Squeeze instead of If, unfolded BatchNormalization). Weights are seeded
(onnx_architectures.randomize), so reruns with the same versions give identical files.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import io
import json
import logging
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "models", "onnx"))
sys.path.insert(0, HERE)

import onnx  # noqa: E402
import torch  # noqa: E402

from onnx_architectures import ARCHITECTURES, build  # noqa: E402


DYNAMO_OPSET = 18


def file_name(name: str, export_kind) -> str:
    if export_kind == ARCHITECTURES[name][2][0]:
        return f"{name}.onnx"
    return f"{name}_dynamo.onnx" if export_kind == "dynamo" else f"{name}_opset{export_kind}.onnx"


def export(name: str, export_kind) -> bytes:
    """The ONNX bytes of architecture `name` (input 'input' NCHW, output 'logits'), exported at opset
    `export_kind` by the TorchScript-based exporter, or by the dynamo exporter when it is "dynamo"."""
    model, shape = build(name)
    dynamo = export_kind == "dynamo"
    args = dict(input_names=["input"], output_names=["logits"], dynamo=dynamo,
                opset_version=DYNAMO_OPSET if dynamo else export_kind)
    with warnings.catch_warnings(), torch.no_grad(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        if dynamo:
            return torch.onnx.export(model, (torch.zeros(shape),), **args).model_proto.SerializeToString()
        buffer = io.BytesIO()
        torch.onnx.export(model, (torch.zeros(shape),), buffer, do_constant_folding=True, **args)
    return buffer.getvalue()


def describe(name: str, export_kind, content: bytes) -> dict:
    model = onnx.load_from_string(content)
    model_proto, shape = build(name)
    opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    return {
        "path": file_name(name, export_kind), "architecture": name, "opset": opset,
        "exporter": "dynamo" if export_kind == "dynamo" else "torchscript", "input_shape": list(shape),
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
    entries = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            entries = {e["path"]: e for e in json.load(f)["models"]}
    for name in names:
        for export_kind in ARCHITECTURES[name][2]:
            content = export(name, export_kind)
            onnx.checker.check_model(onnx.load_from_string(content))
            entry = describe(name, export_kind, content)
            with open(os.path.join(OUT_DIR, entry["path"]), "wb") as f:
                f.write(content)
            entries[entry["path"]] = entry
            print(f"{entry['path']:40s} {entry['size_bytes'] / 1024:8.1f} KiB  {entry['exporter']} opset "
                  f"{entry['opset']}")
    manifest = {
        "description": "CNN architectures written in torch.nn (tests/golden/onnx_architectures.py), exported "
                       "to ONNX with torch.onnx.export (dynamo=False unless 'exporter' says dynamo); seeded "
                       "random weights.",
        "generator": "tests/golden/make_onnx_models.py",
        "versions": {"torch": torch.__version__, "onnx": onnx.__version__, "onnxscript": _version("onnxscript")},
        "models": [entries[k] for k in sorted(entries)],
    }
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    total = sum(e["size_bytes"] for e in manifest["models"])
    print(f"total {total / 1e6:.2f} MB in {len(manifest['models'])} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
