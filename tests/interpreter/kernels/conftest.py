"""Fixtures shared by kernel tests: running one model with the optimized kernels and with their
reference twins (EDGELITE_KERNELS=reference, read by each kernel when the interpreter is built)."""

import pytest

from edgelite.testing import run_single_op


@pytest.fixture
def run_both(monkeypatch):
    """run_both(op, inputs, options, **kw) -> (optimized outputs, reference outputs)."""

    def run(op, inputs, options=None, **kwargs):
        monkeypatch.delenv("EDGELITE_KERNELS", raising=False)
        optimized = run_single_op(op, inputs, options, **kwargs)
        monkeypatch.setenv("EDGELITE_KERNELS", "reference")
        reference = run_single_op(op, inputs, options, **kwargs)
        monkeypatch.delenv("EDGELITE_KERNELS", raising=False)
        return optimized, reference

    return run

