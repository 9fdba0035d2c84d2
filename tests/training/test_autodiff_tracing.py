"""autodiff.tracing(): every op records its node (the converter's tracer reads them), gradients are unchanged,
and stop_gradient keeps a link to the tensor it stops."""

import numpy as np

from edgelite.training import Tensor, grad, ops
from edgelite.training.autodiff import tracing


def test_tracing_records_ops_on_constants_without_changing_gradients():
    x = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    c = Tensor(np.array([0.5, 0.5, 0.5]))
    outside = ops.multiply(c, 2.0)
    assert outside._node is None  # no gradient needed: computed eagerly, not recorded
    with tracing():
        doubled = ops.multiply(c, 2.0)
        y = ops.sum(ops.multiply(x, doubled))
    assert doubled._node is not None and doubled._node.op == "mul" and not doubled.requires_grad
    (g,) = grad(y, [x])
    np.testing.assert_array_equal(g, [1.0, 1.0, 1.0])


def test_stop_gradient_keeps_its_source_and_blocks_the_gradient():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    stopped = ops.stop_gradient(x)
    assert stopped._gradient_stopped_from is x and not stopped.requires_grad
    (g,) = grad(ops.sum(ops.multiply(x, stopped)), [x])
    np.testing.assert_array_equal(g, [1.0, 2.0])  # d/dx of x * const(x)
