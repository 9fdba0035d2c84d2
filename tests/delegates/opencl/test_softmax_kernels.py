"""Kernel tests of softmax.cl (SOFTMAX with beta, LOG_SOFTMAX) on PoCL against NumPy, with the work-group
size delegates/opencl/ops/softmax.cc chooses (LOCAL: the next power of two of the depth, at most 64)."""

import numpy as np
import pytest

import clharness

RNG = np.random.default_rng(25)


def local_size(depth):
    local = 1
    while local < depth and local < 64:
        local *= 2
    return local


def run_softmax(x, beta=1.0, log=False, fp16=False):
    depth = x.shape[-1]
    rows = x.size // depth
    local = local_size(depth)
    defines = {"DEPTH": depth, "LOCAL": local}
    if log:
        defines["LOG"] = 1
    (y,) = clharness.run("softmax.cl", defines, [x, np.zeros_like(x), beta], [rows * local], outputs=[1],
                         local_size=[local], fp16=fp16)
    return y


def reference(x, beta=1.0, log=False):
    x = x.astype(np.float64)
    m = x.max(axis=-1, keepdims=True)
    if log:
        return x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True))
    e = np.exp((x - m) * beta)
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("shape", [(1, 1), (3, 2), (4, 63), (2, 64), (5, 65), (1, 1000), (2, 3, 7, 129)])
@pytest.mark.parametrize("beta", [1.0, 0.37, 2.5])
def test_softmax(shape, beta):
    x = (RNG.standard_normal(shape) * 5).astype(np.float32)
    np.testing.assert_allclose(run_softmax(x, beta), reference(x, beta), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (2, 64), (6, 100), (1, 1001)])
def test_log_softmax(shape):
    x = (RNG.standard_normal(shape) * 5).astype(np.float32)
    np.testing.assert_allclose(run_softmax(x, log=True), reference(x, log=True), rtol=1e-5, atol=1e-5)


def test_large_logits_do_not_overflow():
    x = np.array([[1000.0, 999.0, -1000.0, 0.0], [-88.0, -89.0, -87.5, -300.0]], np.float32)
    np.testing.assert_allclose(run_softmax(x), reference(x), rtol=1e-5, atol=1e-30)
    np.testing.assert_allclose(run_softmax(x, log=True), reference(x, log=True), rtol=1e-5)


def test_softmax_fp16_sums_in_float():
    """A row of 70001 values near 0 sums its exps above half's largest value (65504): the kernel sums in float."""
    ctx, _ = clharness.context()
    if "cl_khr_fp16" not in ctx.devices[0].extensions:
        pytest.skip("device has no cl_khr_fp16")
    x = (RNG.standard_normal((4, 70001)) * 0.01).astype(np.float16)
    y = run_softmax(x, fp16=True)
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y.astype(np.float64), reference(x.astype(np.float32)), rtol=2e-2)
