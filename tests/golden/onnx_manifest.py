"""The manifest.json beside generated ONNX files (tests/models/onnx, tests/models/onnx_legacy): read the
entries of an earlier run, write them back sorted by path with the generator's description and versions."""

from __future__ import annotations

import json
import os
from typing import Dict


def read_entries(path: str) -> Dict[str, dict]:
    """The entries of an existing manifest by file path ({} when there is none), so a partial run keeps
    the others."""
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {e["path"]: e for e in json.load(f)["models"]}


def save_model(out_dir: str, entries: Dict[str, dict], entry: dict, content: bytes) -> None:
    """Writes a model's bytes to out_dir/entry["path"] and records its manifest entry."""
    with open(os.path.join(out_dir, entry["path"]), "wb") as f:
        f.write(content)
    entries[entry["path"]] = entry


def write(path: str, description: str, generator: str, versions: Dict[str, str], entries: Dict[str, dict]) -> None:
    manifest = {"description": description, "generator": generator, "versions": versions,
                "models": [entries[k] for k in sorted(entries)]}
    with open(path, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    total = sum(e["size_bytes"] for e in manifest["models"])
    print(f"total {total / 1e6:.2f} MB in {len(manifest['models'])} files")
