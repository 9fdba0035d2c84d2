"""Runs one kernel file of delegates/opencl/kernels/ through pyopencl, wrapped as the delegate's partition
executor wraps it (kernels/common.cl first, then the launch's defines, KERNEL_NAME, the file). Kernel tests
use it as the independent path: NumPy computes the expected values, pyopencl runs the kernel text alone.
Skips the test when pyopencl or an OpenCL platform is missing."""

from __future__ import annotations

import os
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import pytest

KERNEL_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "delegates", "opencl", "kernels")

_context = None


def context():
    """A pyopencl context and queue on the first device (skips the test when there is none)."""
    global _context
    if _context is None:
        cl = pytest.importorskip("pyopencl")
        try:
            platforms = cl.get_platforms()
        except cl.Error:
            pytest.skip("no OpenCL platform")
        devices = [d for p in platforms for d in p.get_devices()]
        if not devices:
            pytest.skip("no OpenCL device")
        ctx = cl.Context([devices[0]])
        _context = (ctx, cl.CommandQueue(ctx))
    return _context


def source(file: str, defines: Dict[str, object], fp16: bool = False) -> str:
    """Program text for one launch of `file`, as the executor builds it."""
    with open(os.path.join(KERNEL_DIR, "common.cl")) as f:
        text = ("#define EL_FP16 1\n" if fp16 else "") + f.read() + "\n"
    text += "#define KERNEL_NAME el_k0\n"
    for k, v in defines.items():
        text += f"#define {k} {v}\n"
    with open(os.path.join(KERNEL_DIR, file)) as f:
        text += f.read()
    return text


Arg = Union[np.ndarray, int, float, Tuple[str, int]]


def run(file: str, defines: Dict[str, object], args: Sequence[Arg], global_size: Sequence[int],
        outputs: Sequence[int], local_size: Optional[Sequence[int]] = None, fp16: bool = False) -> List[np.ndarray]:
    """Builds and runs `file`. `args` in parameter order: arrays become buffers (copied back when their
    position is in `outputs`), Python ints int32 scalars, floats float32 scalars, ("scratch", n) an n-byte
    buffer. Returns the arrays at `outputs`."""
    import pyopencl as cl
    ctx, queue = context()
    program = cl.Program(ctx, source(file, defines, fp16)).build()
    kernel = getattr(program, "el_k0")
    mf = cl.mem_flags
    bufs, cl_args = {}, []
    for i, a in enumerate(args):
        if isinstance(a, np.ndarray):
            a = np.ascontiguousarray(a)
            b = cl.Buffer(ctx, mf.READ_WRITE | mf.COPY_HOST_PTR, hostbuf=a) if a.nbytes else cl.Buffer(ctx, mf.READ_WRITE, 4)
            bufs[i] = (b, a)
            cl_args.append(b)
        elif isinstance(a, tuple) and a[0] == "scratch":
            cl_args.append(cl.Buffer(ctx, mf.READ_WRITE, max(4, int(a[1]))))
        elif isinstance(a, (bool, int, np.integer)):
            cl_args.append(np.int32(a))
        else:
            cl_args.append(np.float32(a))
    kernel(queue, tuple(global_size), tuple(local_size) if local_size else None, *cl_args)
    results = []
    for i in outputs:
        b, host = bufs[i]
        out = np.empty_like(host)
        cl.enqueue_copy(queue, out, b)
        results.append(out)
    queue.finish()
    return results
