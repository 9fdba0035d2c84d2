#!/usr/bin/env python3
"""Export the classic CNN architectures of onnx_architectures.py to ONNX for the converter's tests.

Not part of the test suite: it needs torch (pip install torch==2.13.0, CPU build) and onnx. Run from
anywhere:

    python tests/golden/make_onnx_models.py             # every architecture and opset variant
    python tests/golden/make_onnx_models.py resnet_basic densenet

It writes tests/models/onnx/<name>.onnx (the first opset listed for the architecture) and
<name>_opset<k>.onnx for the others, plus tests/models/onnx/manifest.json (input shape, opset, ONNX op
counts, parameter count, size, sha256, versions). Exports use the TorchScript-based exporter
(dynamo=False): it is what most published ONNX CNNs were made with, and it writes the older opsets.
Weights are seeded (onnx_architectures.randomize), so reruns with the same versions give identical files.
"""

from __future__ import annotations

import collections
import hashlib
import io
import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "models", "onnx"))
sys.path.insert(0, HERE)

import onnx  # noqa: E402
import torch  # noqa: E402

from onnx_architectures import ARCHITECTURES, build  # noqa: E402


def file_name(name: str, opset: int) -> str:
    return f"{name}.onnx" if opset == ARCHITECTURES[name][2][0] else f"{name}_opset{opset}.onnx"


def export(name: str, opset: int) -> bytes:
    """The ONNX bytes of architecture `name` at `opset` (input 'input' NCHW, output 'logits')."""
    model, shape = build(name)
    buffer = io.BytesIO()
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.zeros(shape),), buffer, opset_version=opset, dynamo=False,
                          input_names=["input"], output_names=["logits"], do_constant_folding=True)
    return buffer.getvalue()


def describe(name: str, opset: int, content: bytes) -> dict:
    model = onnx.load_from_string(content)
    model_proto, shape = build(name)
    return {
        "path": file_name(name, opset), "architecture": name, "opset": opset, "input_shape": list(shape),
        "parameters": sum(p.numel() for p in model_proto.parameters()),
        "onnx_op_counts": dict(sorted(collections.Counter(n.op_type for n in model.graph.node).items())),
        "size_bytes": len(content), "sha256": hashlib.sha256(content).hexdigest(),
    }


def main(argv) -> int:
    names = argv or list(ARCHITECTURES)
    os.makedirs(OUT_DIR, exist_ok=True)
    manifest_path = os.path.join(OUT_DIR, "manifest.json")
    entries = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            entries = {e["path"]: e for e in json.load(f)["models"]}
    for name in names:
        for opset in ARCHITECTURES[name][2]:
            content = export(name, opset)
            onnx.checker.check_model(onnx.load_from_string(content))
            entry = describe(name, opset, content)
            with open(os.path.join(OUT_DIR, entry["path"]), "wb") as f:
                f.write(content)
            entries[entry["path"]] = entry
            print(f"{entry['path']:40s} {entry['size_bytes'] / 1024:8.1f} KiB  opset {opset}")
    manifest = {
        "description": "CNN architectures written in torch.nn (tests/golden/onnx_architectures.py), exported "
                       "to ONNX with torch.onnx.export(dynamo=False); seeded random weights.",
        "generator": "tests/golden/make_onnx_models.py",
        "versions": {"torch": torch.__version__, "onnx": onnx.__version__},
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
