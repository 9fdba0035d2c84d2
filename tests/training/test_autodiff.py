"""Autodiff engine and ops: every primitive's backward rule against finite differences, tape semantics, and
the window ops (conv, depthwise, pooling) against plain-loop references with TF padding."""

import numpy as np
import pytest

from edgelite.training import Tensor, grad, no_grad, ops
from edgelite.training.autodiff import apply
from edgelite.training.primitives import PRIMITIVES


def away_from_zero(rng, *shape, low=0.2, high=1.5):
    """Values with |x| in [low, high]: keeps kinked rules (relu, max, clip) off their kinks."""
    return rng.uniform(low, high, shape) * rng.choice([-1.0, 1.0], shape)


# One case per primitive: name -> (fn(*tensors), make_inputs(rng)). A primitive added to the table without a
# case here fails test_every_primitive_has_a_gradient_check.
PRIMITIVE_CASES = {
    "add": (lambda a, b: apply("add", a, b), lambda r: [r.normal(size=(3, 4)), r.normal(size=(4,))]),
    "mul": (lambda a, b: apply("mul", a, b), lambda r: [r.normal(size=(3, 4)), r.normal(size=(3, 1))]),
    "div": (lambda a, b: apply("div", a, b), lambda r: [r.normal(size=(3, 4)), away_from_zero(r, 1, 4)]),
    "neg": (lambda a: apply("neg", a), lambda r: [r.normal(size=(5,))]),
    "pow": (lambda a: apply("pow", a, exponent=-1.5), lambda r: [r.uniform(0.5, 2.0, (3, 3))]),
    "exp": (lambda a: apply("exp", a), lambda r: [r.normal(size=(4, 2))]),
    "log": (lambda a: apply("log", a), lambda r: [r.uniform(0.2, 3.0, (4, 2))]),
    "tanh": (lambda a: apply("tanh", a), lambda r: [r.normal(size=(4, 2))]),
    "sigmoid": (lambda a: apply("sigmoid", a), lambda r: [3 * r.normal(size=(4, 2))]),
    "erf": (lambda a: apply("erf", a), lambda r: [r.normal(size=(4, 2))]),
    "relu": (lambda a: apply("relu", a), lambda r: [away_from_zero(r, 4, 3)]),
    "maximum": (lambda a, b: apply("maximum", a, b),
                lambda r: [x := r.normal(size=(3, 4)), x + away_from_zero(r, 3, 4)]),
    "minimum": (lambda a, b: apply("minimum", a, b),
                lambda r: [x := r.normal(size=(3, 4)), x + away_from_zero(r, 3, 4)]),
    # Round trip through long double so the check's float64 precision survives the cast.
    "cast": (lambda a: apply("cast", apply("cast", a, dtype=np.longdouble), dtype=np.float64),
             lambda r: [r.normal(size=(3,))]),
    "sum": (lambda a: apply("sum", a, axis=(0, 2), keepdims=False), lambda r: [r.normal(size=(2, 3, 4))]),
    "max": (lambda a: apply("max", a, axis=1, keepdims=True), lambda r: [r.normal(size=(3, 5, 2))]),
    "reshape": (lambda a: apply("reshape", a, shape=(4, -1)), lambda r: [r.normal(size=(2, 3, 4))]),
    "transpose": (lambda a: apply("transpose", a, axes=(2, 0, 1)), lambda r: [r.normal(size=(2, 3, 4))]),
    "pad": (lambda a: apply("pad", a, pads=((1, 0), (0, 2)), value=0.5), lambda r: [r.normal(size=(3, 2))]),
    "concat": (lambda a, b, c: apply("concat", a, b, c, axis=1),
               lambda r: [r.normal(size=(2, 1)), r.normal(size=(2, 3)), r.normal(size=(2, 2))]),
    "getitem": (lambda a: apply("getitem", a, index=(np.array([0, 2, 0]), slice(1, None))),
                lambda r: [r.normal(size=(3, 4))]),
    "matmul": (lambda a, b: apply("matmul", a, b), lambda r: [r.normal(size=(2, 3, 4)), r.normal(size=(4, 5))]),
    "einsum": (lambda a, b: apply("einsum", a, b, subscripts="nhwijc,ijcm->nhwcm"),
               lambda r: [r.normal(size=(2, 2, 3, 2, 2, 3)), r.normal(size=(2, 2, 3, 2))]),
    "im2col": (lambda a: apply("im2col", a, kernel=(2, 3), strides=(2, 1), dilation=(1, 2)),
               lambda r: [r.normal(size=(2, 6, 7, 3))]),
}


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_every_primitive_has_a_gradient_check(name, gradcheck, rng):
    assert name in PRIMITIVE_CASES, f"primitive {name!r} has no gradient check in PRIMITIVE_CASES"
    fn, make_inputs = PRIMITIVE_CASES[name]
    gradcheck.function(fn, make_inputs(rng))


COMPOSITE_CASES = {
    "subtract": (lambda a, b: ops.subtract(a, b), [(3, 4), (3, 4)]),
    "mean": (lambda a: ops.mean(a, axis=(1, 2)), [(2, 3, 4)]),
    "min": (lambda a: ops.min(a, axis=0), [(4, 3)]),
    "softmax": (lambda a: ops.softmax(a, axis=-1), [(3, 5)]),
    "log_softmax": (lambda a: ops.log_softmax(a, axis=0), [(4, 3)]),
    "logsumexp": (lambda a: ops.logsumexp(a, axis=1), [(3, 4)]),
    "square_sqrt": (lambda a: ops.sqrt(ops.add(ops.square(a), 1.0)), [(5,)]),
    "conv2d_same_strided": (lambda x, k: ops.conv2d(x, k, (2, 2), "same", (1, 1)), [(2, 5, 6, 3), (3, 3, 3, 4)]),
    "conv2d_dilated": (lambda x, k: ops.conv2d(x, k, (1, 1), "valid", (2, 1)), [(1, 6, 5, 2), (2, 2, 2, 3)]),
    "depthwise": (lambda x, k: ops.depthwise_conv2d(x, k, (1, 2), "same", (1, 1)), [(2, 5, 5, 3), (3, 2, 3, 2)]),
    "max_pool_same": (lambda x: ops.max_pool2d(x, (3, 3), (2, 2), "same"), [(2, 5, 5, 2)]),
    "avg_pool_same": (lambda x: ops.avg_pool2d(x, (3, 3), (2, 2), "same"), [(2, 5, 4, 2)]),
    "avg_pool_valid": (lambda x: ops.avg_pool2d(x, (2, 2), (1, 2), "valid"), [(1, 4, 5, 3)]),
}


@pytest.mark.parametrize("name", sorted(COMPOSITE_CASES))
def test_composite_op_gradients(name, gradcheck, rng):
    fn, shapes = COMPOSITE_CASES[name]
    gradcheck.function(fn, [rng.normal(size=s) for s in shapes])


# ---- tape semantics ----

def test_reused_tensor_accumulates_gradient():
    x = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    y = x * x + x * 3.0
    (g,) = grad(y, [x])
    np.testing.assert_allclose(g, 2 * x.data + 3.0)


def test_broadcast_gradient_is_summed_back_to_input_shape():
    a = Tensor(np.ones((3, 4)), requires_grad=True)
    b = Tensor(np.ones((1, 4)), requires_grad=True)
    c = Tensor(np.ones((4,)), requires_grad=True)
    ga, gb, gc = grad(a + b + c, [a, b, c])
    assert gb.shape == (1, 4) and gc.shape == (4,)
    np.testing.assert_array_equal(gb, np.full((1, 4), 3.0))
    np.testing.assert_array_equal(gc, np.full((4,), 3.0))


def test_no_grad_records_nothing():
    x = Tensor(np.ones(3), requires_grad=True)
    with no_grad():
        y = ops.exp(x) * 2.0
    assert not y.requires_grad and y._node is None
    z = ops.exp(x)
    assert z.requires_grad and z._node is not None


def test_backward_accumulates_into_leaf_grad():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x * x).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad, 4 * x.data)


def test_unconnected_and_constant_inputs_get_zero_gradient():
    x = Tensor(np.ones(2), requires_grad=True)
    unused = Tensor(np.ones(3), requires_grad=True)
    gx, gu = grad(ops.exp(x), [x, unused])
    np.testing.assert_allclose(gx, np.e)
    np.testing.assert_array_equal(gu, np.zeros(3))


def test_float32_stays_float32_through_forward_and_backward(rng):
    x = Tensor(rng.normal(size=(2, 6, 6, 3)).astype(np.float32), requires_grad=True)
    k = Tensor(rng.normal(size=(3, 3, 3, 4)).astype(np.float32), requires_grad=True)
    y = ops.max_pool2d(ops.relu(ops.conv2d(x, k, (1, 1), "same")) * 0.5 + 1.0, (2, 2), (2, 2))
    assert y.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grad(ops.mean(y), [x, k]))


def test_numpy_array_on_the_left_defers_to_tensor():
    x = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    y = np.array([1.0, 2.0, 3.0]) * x  # float64 constant meets float32 tensor: tensor dtype wins
    assert isinstance(y, Tensor) and y.dtype == np.float32
    np.testing.assert_allclose(grad(y, [x], np.ones(3))[0], [1.0, 2.0, 3.0])


def test_einsum_rejects_rules_it_cannot_differentiate():
    a = Tensor(np.ones((2, 2)))
    with pytest.raises(ValueError):
        ops.einsum("ii->i", a)  # repeated index (diagonal)
    with pytest.raises(ValueError):
        ops.einsum("ij,j->j", a, Tensor(np.ones(2)))  # index i only in operand 0
    with pytest.raises(ValueError):
        ops.einsum("ij,jk", a, a)  # implicit output


# ---- window ops against loop references ----

def reference_conv2d(x, k, strides, pads, dilation):
    """Direct convolution over an explicitly padded input: pads = ((top, bottom), (left, right))."""
    x = np.pad(x, ((0, 0),) + tuple(pads) + ((0, 0),))
    kh, kw, _, cout = k.shape
    (sh, sw), (dh, dw) = strides, dilation
    ho = (x.shape[1] - (kh - 1) * dh - 1) // sh + 1
    wo = (x.shape[2] - (kw - 1) * dw - 1) // sw + 1
    out = np.zeros((x.shape[0], ho, wo, cout))
    for i in range(ho):
        for j in range(wo):
            window = x[:, i * sh:i * sh + (kh - 1) * dh + 1:dh, j * sw:j * sw + (kw - 1) * dw + 1:dw, :]
            out[:, i, j, :] = np.einsum("nabc,abcd->nd", window, k)
    return out


def test_conv2d_same_padding_puts_the_extra_pixel_bottom_right():
    # TF: 4x4 input, 3x3 kernel, stride 2, SAME -> 2x2 output, pad top/left 0 and bottom/right 1.
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    k = np.ones((3, 3, 1, 1))
    y = ops.conv2d(Tensor(x), Tensor(k), (2, 2), "same").data
    np.testing.assert_array_equal(y[0, :, :, 0], [[45.0, 39.0], [66.0, 50.0]])


@pytest.mark.parametrize("size,kernel,stride,dilation,pads", [
    ((5, 6), (3, 3), (1, 1), (1, 1), ((1, 1), (1, 1))),
    ((5, 6), (3, 2), (2, 2), (1, 1), ((1, 1), (0, 1))),
    ((7, 7), (3, 3), (1, 1), (2, 2), ((2, 2), (2, 2))),
    ((6, 5), (2, 2), (3, 2), (1, 1), ((0, 1), (0, 1))),
])
def test_conv2d_matches_direct_convolution(size, kernel, stride, dilation, pads, rng):
    x = rng.normal(size=(2,) + size + (3,))
    k = rng.normal(size=kernel + (3, 4))
    np.testing.assert_allclose(ops.conv2d(Tensor(x), Tensor(k), stride, "same", dilation).data,
                               reference_conv2d(x, k, stride, pads, dilation), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ops.conv2d(Tensor(x), Tensor(k), stride, "valid", dilation).data,
                               reference_conv2d(x, k, stride, ((0, 0), (0, 0)), dilation), rtol=1e-10, atol=1e-12)


def test_depthwise_conv2d_channel_order_is_channel_times_multiplier(rng):
    x = rng.normal(size=(2, 5, 5, 3))
    k = rng.normal(size=(3, 3, 3, 2))
    y = ops.depthwise_conv2d(Tensor(x), Tensor(k), (2, 2), "same").data
    for c in range(3):
        for m in range(2):
            expected = reference_conv2d(x[..., c:c + 1], k[:, :, c:c + 1, m:m + 1], (2, 2), ((1, 1), (1, 1)), (1, 1))
            np.testing.assert_allclose(y[..., c * 2 + m], expected[..., 0], rtol=1e-10, atol=1e-12)


def test_pooling_same_semantics_match_tf():
    x = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    # 2x2 windows, stride 2, SAME on 3x3: pad only bottom/right; average counts only real cells.
    avg = ops.avg_pool2d(Tensor(x), (2, 2), (2, 2), "same").data[0, :, :, 0]
    np.testing.assert_allclose(avg, [[(1 + 2 + 4 + 5) / 4, (3 + 6) / 2], [(7 + 8) / 2, 9.0]])
    mx = ops.max_pool2d(Tensor(-x), (2, 2), (2, 2), "same").data[0, :, :, 0]
    np.testing.assert_array_equal(mx, [[-1.0, -3.0], [-7.0, -9.0]])  # padding never wins, even vs negatives
