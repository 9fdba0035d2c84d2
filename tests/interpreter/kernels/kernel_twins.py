"""Running a one-op model with the optimized kernels and again with their reference twins
(EDGELITE_FORCE_REFERENCE_KERNELS=1, which kernels read in prepare). A plain module, not a conftest:
`conftest` is a name the suite's top-level conftest already uses."""

import contextlib
import os

import pytest

from edgelite import _core
from edgelite.testing import run_single_op

_SWITCH = "EDGELITE_FORCE_REFERENCE_KERNELS"

# x86-64 CPUs without AVX2 (or EDGELITE_MAX_ISA=portable) run the reference rows of the vector kernels: x86-64's
# portable build holds only baseline-only integer loops (interpreter/kernels/optimized/vector_isa.h).
needs_vector_kernels = pytest.mark.skipif(_core.cpu_features()["best_available"] == "portable",
                                          reason="no vector kernels on an x86-64 CPU without AVX2")


@contextlib.contextmanager
def reference_kernels():
    """Interpreters allocated inside run the reference twins."""
    old = os.environ.get(_SWITCH)
    os.environ[_SWITCH] = "1"
    try:
        yield
    finally:
        if old is None:
            del os.environ[_SWITCH]
        else:
            os.environ[_SWITCH] = old


def run_optimized_and_reference(op, inputs, options=None, **kwargs):
    """(optimized outputs, reference outputs) of run_single_op(op, inputs, options, **kwargs)."""
    optimized = run_single_op(op, inputs, options, **kwargs)
    with reference_kernels():
        reference = run_single_op(op, inputs, options, **kwargs)
    return optimized, reference
