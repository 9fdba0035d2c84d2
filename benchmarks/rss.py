"""Memory of an interpreter as the operating system sees it, measured in a child process of its own (so that one
runtime's allocations, or the other's libraries, do not count for the other): resident-set growth from before the
interpreter is made to after allocate_tensors and one invoke, and the child's peak resident set (VmHWM).

LiteRT and ONNX Runtime expose no arena size, so RSS growth is what the comparison can use for them; edgelite's own
arena bytes (the planner's buffer, every subgraph) are reported beside it.
"""

from __future__ import annotations

import json
import subprocess
import sys

# The child: reads RSS from /proc (Linux), builds one interpreter, prints one JSON line.
_CHILD = r"""
import json, sys
import numpy as np

def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0

kind, path, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
if kind == "edgelite":
    import edgelite
elif kind.startswith("litert"):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
else:
    import onnxruntime as ort
before = status("VmRSS")
arena = None
if kind == "onnxruntime":
    so = ort.SessionOptions()
    so.intra_op_num_threads, so.inter_op_num_threads = threads, 1
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    feeds = {}
    for i in sess.get_inputs():
        shape = [d if isinstance(d, int) else 1 for d in i.shape]
        feeds[i.name] = np.zeros(shape, np.float32)
    sess.run(None, feeds)
else:
    if kind == "edgelite":
        interp = edgelite.Interpreter(model_path=path, num_threads=threads)
    else:
        resolver = OpResolverType.AUTO if kind == "litert_xnnpack" else OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
        interp = Interpreter(model_path=path, num_threads=threads, experimental_op_resolver_type=resolver)
    interp.allocate_tensors()
    for d in interp.get_input_details():
        interp.set_tensor(d["index"], np.zeros(d["shape"], d["dtype"]))
    interp.invoke()
    if kind == "edgelite":
        arena = sum(interp._core.arena_bytes(s) for s in range(interp.num_subgraphs()))
print(json.dumps({"rss_growth": status("VmRSS") - before, "peak_rss": status("VmHWM"), "arena": arena}))
"""


def measure(kind: str, path: str, threads: int = 1) -> dict:
    """{"rss_growth", "peak_rss", "arena"} in bytes for `kind` ("edgelite", "litert", "litert_xnnpack",
    "onnxruntime") running the model at `path`; "arena" is None except for edgelite."""
    out = subprocess.run([sys.executable, "-c", _CHILD, kind, path, str(threads)], capture_output=True, text=True,
                         check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{kind} child for {path} failed: {out.stderr.strip()[-500:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def mib(n) -> str:
    return "-" if n is None else f"{n / 1048576:.1f}"
