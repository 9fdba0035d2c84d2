"""Fixtures shared by kernel tests: running one model with the optimized kernels and with their
reference twins (EDGELITE_FORCE_REFERENCE_KERNELS=1, read by kernels in prepare)."""

import pytest

from edgelite.testing import run_single_op


@pytest.fixture
def run_both(monkeypatch):
    """run_both(op, inputs, options, **kw) -> (optimized outputs, reference outputs)."""

    def run(op, inputs, options=None, **kwargs):
        monkeypatch.delenv("EDGELITE_FORCE_REFERENCE_KERNELS", raising=False)
        optimized = run_single_op(op, inputs, options, **kwargs)
        monkeypatch.setenv("EDGELITE_FORCE_REFERENCE_KERNELS", "1")
        reference = run_single_op(op, inputs, options, **kwargs)
        monkeypatch.delenv("EDGELITE_FORCE_REFERENCE_KERNELS", raising=False)
        return optimized, reference

    return run

