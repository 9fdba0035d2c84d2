"""SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND against a NumPy reshape/transpose of TensorFlow's definition: 1 and
2 spatial dimensions, paddings and crops, trailing dimensions, the round trip, quantized padding with the zero
point, prepare failures, and LiteRT's builtin kernels (which take inputs of rank 3 and 4 only; ours any rank)."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from litert_builtin import requires_litert, run_litert_builtin


def numpy_space_to_batch(x, block, pads, pad_value=0):
    m = len(block)
    x = np.pad(x, [(0, 0)] + [tuple(p) for p in pads] + [(0, 0)] * (x.ndim - m - 1), constant_values=pad_value)
    b = x.shape[0]
    shape = [b]
    for i in range(m):
        shape += [x.shape[i + 1] // block[i], block[i]]
    rest = list(x.shape[m + 1:])
    y = x.reshape(shape + rest)
    # [b, s0/b0, b0, s1/b1, b1, ...] -> [b0, b1, ..., b, s0/b0, s1/b1, ..., rest]
    order = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + list(range(1 + 2 * m, y.ndim))
    y = y.transpose(order)
    return y.reshape([b * int(np.prod(block))] + [x.shape[i + 1] // block[i] for i in range(m)] + rest)


def numpy_batch_to_space(x, block, crops):
    m = len(block)
    nb = int(np.prod(block))
    b = x.shape[0] // nb
    rest = list(x.shape[m + 1:])
    y = x.reshape(list(block) + [b] + list(x.shape[1:]))
    # [b0, b1, ..., b, s0, s1, ..., rest] -> [b, s0, b0, s1, b1, ..., rest]
    order = [m]
    for i in range(m):
        order += [m + 1 + i, i]
    order += list(range(2 * m + 1, y.ndim))
    y = y.transpose(order).reshape([b] + [x.shape[i + 1] * block[i] for i in range(m)] + rest)
    index = tuple([slice(None)] + [slice(c[0], y.shape[i + 1] - c[1]) for i, c in enumerate(crops)])
    return y[index]


CASES = [  # input shape, block, paddings
    ((1, 4, 4, 1), [2, 2], [[0, 0], [0, 0]]),
    ((2, 5, 7, 3), [2, 3], [[1, 0], [0, 2]]),
    ((3, 6, 2), [3], [[0, 0]]),
    ((1, 5, 4, 2, 2), [2, 2], [[1, 0], [0, 0]]),
    ((2, 3, 3, 1), [1, 1], [[0, 0], [0, 0]]),
    ((1, 6, 6, 8), [2, 2], [[2, 2], [2, 2]]),
]


@pytest.mark.parametrize("shape,block,pads", CASES, ids=str)
def test_space_to_batch(shape, block, pads):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    got = run_single_op("SPACE_TO_BATCH_ND", [x, np.int32(block), np.int32(pads)], constant_inputs=[1, 2])[0]
    np.testing.assert_array_equal(got, numpy_space_to_batch(x, block, pads))


@pytest.mark.parametrize("shape,block,pads", CASES, ids=str)
def test_batch_to_space_inverts(shape, block, pads):
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    batched = numpy_space_to_batch(x, block, pads)
    got = run_single_op("BATCH_TO_SPACE_ND", [batched, np.int32(block), np.int32(pads)], constant_inputs=[1, 2])[0]
    np.testing.assert_array_equal(got, numpy_batch_to_space(batched, block, pads))
    np.testing.assert_array_equal(got, x)


def test_batch_to_space_crops_more_than_padding():
    x = np.arange(4 * 2 * 2, dtype=np.float32).reshape(4, 2, 2, 1)
    crops = [[1, 0], [0, 1]]
    got = run_single_op("BATCH_TO_SPACE_ND", [x, np.int32([2, 2]), np.int32(crops)], constant_inputs=[1, 2])[0]
    np.testing.assert_array_equal(got, numpy_batch_to_space(x, [2, 2], crops))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.int16, np.uint8])
def test_dtypes(dtype):
    x = (np.arange(2 * 4 * 6 * 3) % 50).astype(dtype).reshape(2, 4, 6, 3)
    got = run_single_op("SPACE_TO_BATCH_ND", [x, np.int32([2, 2]), np.int32([[0, 0], [1, 1]])],
                        constant_inputs=[1, 2], version=4)[0]
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, numpy_space_to_batch(x, [2, 2], [[0, 0], [1, 1]]))


def test_int8_pads_with_zero_point():
    x = np.full((1, 2, 2, 1), 7, np.int8)
    q = (0.5, -3)
    got = run_single_op("SPACE_TO_BATCH_ND", [x, np.int32([2, 2]), np.int32([[1, 1], [1, 1]])], constant_inputs=[1, 2],
                        input_quantization={0: q}, output_quantization=q)[0]
    np.testing.assert_array_equal(got, numpy_space_to_batch(x, [2, 2], [[1, 1], [1, 1]], pad_value=-3))


def test_prepare_failures():
    x = np.zeros((1, 5, 4, 1), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="padded to 5 is not a multiple of block 2"):
        run_single_op("SPACE_TO_BATCH_ND", [x, np.int32([2, 2]), np.int32([[0, 0], [0, 0]])], constant_inputs=[1, 2])
    with pytest.raises(edgelite.EdgeliteError, match="paddings must have shape"):
        run_single_op("SPACE_TO_BATCH_ND", [x, np.int32([2, 2]), np.int32([0, 0])], constant_inputs=[1, 2])
    with pytest.raises(edgelite.EdgeliteError, match="not a multiple of the block count 4"):
        run_single_op("BATCH_TO_SPACE_ND", [np.zeros((6, 2, 2, 1), np.float32), np.int32([2, 2]),
                                            np.int32([[0, 0], [0, 0]])], constant_inputs=[1, 2])
    with pytest.raises(edgelite.EdgeliteError, match="must be constant"):
        run_single_op("BATCH_TO_SPACE_ND", [np.zeros((4, 2, 2, 1), np.float32), np.int32([2, 2]),
                                            np.int32([[0, 0], [0, 0]])], constant_inputs=[2])
    with pytest.raises(edgelite.EdgeliteError, match="negative or too large"):
        run_single_op("BATCH_TO_SPACE_ND", [np.zeros((4, 2, 2, 1), np.float32), np.int32([2, 2]),
                                            np.int32([[3, 2], [0, 0]])], constant_inputs=[1, 2])


@requires_litert
@pytest.mark.parametrize("shape,block,pads", [c for c in CASES if len(c[0]) <= 4], ids=str)
def test_against_litert(shape, block, pads):
    x = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
    args = [x, np.int32(block), np.int32(pads)]
    s2b = run_single_op("SPACE_TO_BATCH_ND", args, constant_inputs=[1, 2])[0]
    np.testing.assert_array_equal(s2b, run_litert_builtin("SPACE_TO_BATCH_ND", args, constant_inputs=[1, 2])[0])
    back = [s2b, np.int32(block), np.int32(pads)]
    np.testing.assert_array_equal(run_single_op("BATCH_TO_SPACE_ND", back, constant_inputs=[1, 2])[0],
                                  run_litert_builtin("BATCH_TO_SPACE_ND", back, constant_inputs=[1, 2])[0])


@requires_litert
def test_int8_against_litert():
    x = np.random.default_rng(3).integers(-128, 127, (2, 3, 5, 2)).astype(np.int8)
    q = (0.25, 5)
    args = [x, np.int32([2, 2]), np.int32([[1, 0], [0, 1]])]
    kw = dict(constant_inputs=[1, 2], input_quantization={0: q}, output_quantization=q, version=2)
    np.testing.assert_array_equal(run_single_op("SPACE_TO_BATCH_ND", args, **kw)[0],
                                  run_litert_builtin("SPACE_TO_BATCH_ND", args, **kw)[0])


@pytest.mark.parametrize("rate,size", [(2, 8), (2, 9), (3, 12)])
def test_dilated_convolution_as_older_converters_wrote_it(rate, size):
    """SPACE_TO_BATCH_ND -> CONV_2D (VALID) -> BATCH_TO_SPACE_ND equals CONV_2D with dilation `rate` (SAME):
    TensorFlow's atrous convolution before converters fused it."""
    from edgelite.model_builder import ModelBuilder
    from edgelite.testing import run_model
    rng = np.random.default_rng(rate)
    x = rng.standard_normal((1, size, size, 3)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    bias = rng.standard_normal(4).astype(np.float32)
    # SAME padding of the dilated 3x3 is `rate` each side, padded up to a multiple of the rate.
    extra = (-size) % rate
    pads = np.int32([[rate, rate + extra], [rate, rate + extra]])
    crops = np.int32([[0, extra], [0, extra]])
    b = ModelBuilder()
    xi = b.add_input("x", list(x.shape), np.float32)
    block = b.add_constant("block", np.int32([rate, rate]))
    s2b, conv, y = (b.add_tensor(n, None, np.float32) for n in ("s2b", "conv", "y"))
    b.add_operator("SPACE_TO_BATCH_ND", [xi, block, b.add_constant("pads", pads)], [s2b])
    b.add_operator("CONV_2D", [s2b, b.add_constant("w", w), b.add_constant("bias", bias)], [conv],
                   {"padding": "VALID", "stride_h": 1, "stride_w": 1})
    b.add_operator("BATCH_TO_SPACE_ND", [conv, block, b.add_constant("crops", crops)], [y])
    b.mark_output(y)
    got = run_model(b.build(), [x])[0]
    want = run_single_op("CONV_2D", [x, w, bias], {"padding": "SAME", "stride_h": 1, "stride_w": 1,
                                                  "dilation_h_factor": rate, "dilation_w_factor": rate},
                         constant_inputs=[1, 2])[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
