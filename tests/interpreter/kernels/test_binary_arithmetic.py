"""ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM against NumPy, over broadcasting layouts,
fused activations and dtypes."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op

OPS = {
    "ADD": np.add, "SUB": np.subtract, "MUL": np.multiply, "DIV": np.divide,
    "SQUARED_DIFFERENCE": lambda a, b: (a - b) ** 2, "MAXIMUM": np.maximum, "MINIMUM": np.minimum,
}
FUSED = {"NONE": (-np.inf, np.inf), "RELU": (0, np.inf), "RELU6": (0, 6), "RELU_N1_TO_1": (-1, 1)}
SHAPES = [  # (a, b): same shape, scalar either side, trailing broadcast, general broadcast, rank mismatch
    ((2, 3, 4), (2, 3, 4)), ((2, 3, 4), (1,)), ((1,), (5, 7)), ((2, 3, 13), (13,)), ((1, 1, 5, 3), (4, 1, 3)),
    ((3, 1), (1, 4)), ((2, 1, 4), (3, 1)), ((1, 1, 1, 1), (1, 17, 1, 1)), ((), ()),
]


def rand(shape, dtype, rng, nonzero=False):
    if np.issubdtype(dtype, np.integer):
        x = rng.integers(-20, 20, size=shape).astype(dtype)
        if nonzero:
            x[x == 0] = 3
        return x
    x = rng.standard_normal(shape).astype(dtype)
    if nonzero:
        x += np.sign(x) * 0.5
    return x


@pytest.mark.parametrize("op", list(OPS))
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_float_broadcasting(op, shapes):
    rng = np.random.default_rng(1)
    a, b = rand(shapes[0], np.float32, rng), rand(shapes[1], np.float32, rng, nonzero=op == "DIV")
    (y,) = run_single_op(op, [a, b])
    np.testing.assert_allclose(y, OPS[op](a, b), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL", "DIV"])
@pytest.mark.parametrize("act", list(FUSED))
def test_fused_activation(op, act):
    rng = np.random.default_rng(2)
    a, b = rand((4, 5), np.float32, rng) * 4, rand((5,), np.float32, rng, nonzero=True) * 4
    (y,) = run_single_op(op, [a, b], {"fused_activation_function": act})
    lo, hi = FUSED[act]
    np.testing.assert_allclose(y, np.clip(OPS[op](a, b), lo, hi), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL", "MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE"])
def test_integer(op, dtype):
    rng = np.random.default_rng(3)
    a, b = rand((3, 4), dtype, rng), rand((4,), dtype, rng)
    (y,) = run_single_op(op, [a, b])
    assert y.dtype == dtype
    np.testing.assert_array_equal(y, OPS[op](a, b))


def test_integer_division_truncates_and_refuses_zero():
    a = np.array([7, -7, 9], np.int32)
    (y,) = run_single_op("DIV", [a, np.array([2, 2, -4], np.int32)])
    np.testing.assert_array_equal(y, [3, -3, -2])
    with pytest.raises(edgelite.InvalidArgumentError, match="division by zero"):
        run_single_op("DIV", [a, np.array([1, 0, 1], np.int32)])


def test_constant_operand_and_multithreading():
    rng = np.random.default_rng(4)
    a, b = rand((64, 33, 17), np.float32, rng), rand((17,), np.float32, rng)
    (y,) = run_single_op("MUL", [a, b], constant_inputs=[1], num_threads=2)
    np.testing.assert_allclose(y, a * b, rtol=1e-6)


@pytest.mark.parametrize("op", ["ADD", "SUB", "MAXIMUM", "SQUARED_DIFFERENCE"])
@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_general_broadcast_split_over_threads(op, dtype):
    # Neither operand lines up simply (both broadcast, on different axes): the plan's index loop, split in output
    # ranges over the pool; more elements than one task takes, with a range boundary inside a row.
    rng = np.random.default_rng(5)
    a, b = rand((3, 1, 257, 40), dtype, rng), rand((1, 7, 1, 40), dtype, rng)
    want = {"ADD": np.add, "SUB": np.subtract, "MAXIMUM": np.maximum,
            "SQUARED_DIFFERENCE": lambda x, y: (x - y) * (x - y)}[op](a, b)
    for threads in (1, 2, 3):
        (y,) = run_single_op(op, [a, b], num_threads=threads)
        np.testing.assert_array_equal(y, want)


@pytest.mark.parametrize("a, b, message", [
    (np.zeros((2, 3), np.float32), np.zeros((4,), np.float32), "cannot be broadcast"),
    (np.zeros((2,), np.float32), np.zeros((2,), np.int32), "int32"),
    (np.zeros((2,), np.uint8), np.zeros((2,), np.uint8), "uint8"),
])
def test_prepare_errors(a, b, message):
    with pytest.raises(edgelite.EdgeliteError, match=message):
        run_single_op("ADD", [a, b])


MORE_OPS = {"POW": np.power, "FLOOR_DIV": np.floor_divide, "FLOOR_MOD": np.mod}


@pytest.mark.parametrize("op", list(MORE_OPS))
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64])
def test_pow_floor_div_floor_mod(op, dtype):
    rng = np.random.default_rng(5)
    if op == "POW":
        a = (rng.uniform(0.5, 3, (3, 4)) if dtype == np.float32 else rng.integers(-4, 5, (3, 4))).astype(dtype)
        b = (rng.uniform(-2, 2, (4,)) if dtype == np.float32 else rng.integers(0, 5, (4,))).astype(dtype)
    else:
        a = rand((3, 4), dtype, rng)
        b = rand((4,), dtype, rng, nonzero=True)
    (y,) = run_single_op(op, [a, b])
    np.testing.assert_allclose(y, MORE_OPS[op](a, b), rtol=1e-5)


def test_integer_pow_refuses_negative_exponent():
    with pytest.raises(edgelite.InvalidArgumentError, match="negative exponent"):
        run_single_op("POW", [np.array([2, 3], np.int32), np.array([1, -1], np.int32)])


COMPARISONS = {"EQUAL": np.equal, "NOT_EQUAL": np.not_equal, "LESS": np.less, "LESS_EQUAL": np.less_equal,
               "GREATER": np.greater, "GREATER_EQUAL": np.greater_equal}


@pytest.mark.parametrize("op", list(COMPARISONS))
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64])
def test_comparisons(op, dtype):
    rng = np.random.default_rng(6)
    a = rng.integers(-3, 3, (2, 3, 4)).astype(dtype)
    b = rng.integers(-3, 3, (3, 1)).astype(dtype)
    (y,) = run_single_op(op, [a, b], output_types=np.bool_)
    assert y.dtype == np.bool_
    np.testing.assert_array_equal(y, COMPARISONS[op](a, b))


def test_comparison_needs_bool_output():
    with pytest.raises(edgelite.EdgeliteError, match="output 0 'output0' is float32, expected bool"):
        run_single_op("LESS", [np.zeros(2, np.float32), np.zeros(2, np.float32)])


@pytest.mark.parametrize("dtype", [np.int8, np.int16])
def test_floor_div_int8_int16(dtype):
    """FLOOR_DIV version 3: int8 and int16 as plain integers (LiteRT reads no quantization for them), rounding
    toward negative infinity, over a broadcast; a zero divisor is refused."""
    rng = np.random.default_rng(np.dtype(dtype).itemsize)
    info = np.iinfo(dtype)
    a = rng.integers(info.min + 1, info.max + 1, (2, 3, 7)).astype(dtype)
    b = rng.integers(-9, 10, (3, 1)).astype(dtype)
    b[b == 0] = 3
    (y,) = run_single_op("FLOOR_DIV", [a, b], version=3, num_threads=2)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y, np.floor_divide(a, b))
    with pytest.raises(edgelite.InvalidArgumentError, match="division by zero"):
        run_single_op("FLOOR_DIV", [a, np.zeros((3, 1), dtype)], version=3)


@pytest.mark.parametrize("dtype", [np.int8, np.int16])
def test_floor_div_int8_int16_matches_litert(dtype):
    pytest.importorskip("ai_edge_litert")
    from litert_builtin import run_litert_reference
    rng = np.random.default_rng(4)
    info = np.iinfo(dtype)
    a = rng.integers(info.min + 1, info.max + 1, (4, 50)).astype(dtype)
    b = rng.integers(-20, 21, (4, 50)).astype(dtype)
    b[b == 0] = -7
    (want,) = run_litert_reference("FLOOR_DIV", [a, b], version=3)
    np.testing.assert_array_equal(run_single_op("FLOOR_DIV", [a, b], version=3)[0], want)


def plain_integer(op, a, b, activation):
    """LiteRT's plain integer ADD/MUL: the result wraps in the type, then the activation clamps it."""
    wide = (a.astype(np.int64) + b.astype(np.int64)) if op == "ADD" else (a.astype(np.uint64) * b.astype(np.uint64))
    wrapped = wide.astype(a.dtype)  # NumPy's integer casts wrap
    lo, hi = {"NONE": (None, None), "RELU": (0, None), "RELU6": (0, 6), "RELU_N1_TO_1": (-1, 1)}[activation]
    if a.dtype == np.uint32 and lo is not None:
        lo = max(lo, 0)
    return np.clip(wrapped, lo, hi).astype(a.dtype) if lo is not None or hi is not None else wrapped


PLAIN_CASES = [("ADD", np.int16, 5), ("MUL", np.int16, 7), ("MUL", np.uint32, 7)]


@pytest.mark.parametrize("op,dtype,version", PLAIN_CASES)
@pytest.mark.parametrize("activation", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
def test_plain_integer_add_mul(op, dtype, version, activation):
    """ADD 5 / MUL 7: int16 without quantization parameters, and MUL 7's uint32, as plain integers over
    broadcasts (wrapping, then the fused activation)."""
    if dtype == np.uint32 and activation == "RELU_N1_TO_1":
        pytest.skip("a negative bound means nothing for uint32")
    rng = np.random.default_rng(len(op) + np.dtype(dtype).itemsize)
    info = np.iinfo(dtype)
    for sa, sb in [((3, 40), (3, 40)), ((2, 1, 5), (4, 1)), ((7,), ())]:
        a = rng.integers(info.min, info.max, sa, endpoint=True).astype(dtype)
        b = rng.integers(info.min, info.max, sb, endpoint=True).astype(dtype)
        got = run_single_op(op, [a, b], {"fused_activation_function": activation}, version=version)[0]
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, plain_integer(op, a, b, activation))


@pytest.mark.parametrize("op,dtype,version", PLAIN_CASES)
def test_plain_integer_add_mul_matches_litert(op, dtype, version):
    pytest.importorskip("ai_edge_litert")
    from litert_builtin import run_litert_reference
    rng = np.random.default_rng(8)
    info = np.iinfo(dtype)
    a = rng.integers(info.min, info.max, (5, 1, 30), endpoint=True).astype(dtype)
    b = rng.integers(info.min, info.max, (4, 30), endpoint=True).astype(dtype)
    for activation in ("NONE", "RELU6"):
        options = {"fused_activation_function": activation}
        (want,) = run_litert_reference(op, [a, b], options, version=version)
        np.testing.assert_array_equal(run_single_op(op, [a, b], options, version=version)[0], want)


# b repeating along leading axes in short blocks: the optimized rows repeat b so that one loop spans many
# blocks (BinaryData::b_repeats), with a repeat count that divides the blocks (9216 = 2^10 * 9 blocks of 16; 97
# blocks, a prime: none), for float and int32, with a fused clamp.
@pytest.mark.parametrize("a_shape,b_shape", [((1, 96, 96, 16), (1, 1, 16)), ((97, 5), (5,)), ((2, 6, 7, 3), (3,)),
                                             ((64, 300), (300,)), ((12, 1), (1,))], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_short_broadcast_blocks(a_shape, b_shape, dtype):
    rng = np.random.default_rng(5)
    a, b = rand(a_shape, dtype, rng), rand(b_shape, dtype, rng)
    for op in ["ADD", "MUL", "MAXIMUM"]:
        for constant in ([], [1]):
            (y,) = run_single_op(op, [a, b], constant_inputs=constant)
            np.testing.assert_array_equal(y, OPS[op](a, b))
    (y,) = run_single_op("SUB", [a.astype(np.float32), b.astype(np.float32)], {"fused_activation_function": "RELU"})
    np.testing.assert_array_equal(y, np.maximum(a.astype(np.float32) - b.astype(np.float32), 0))


def test_short_broadcast_block_is_read_at_every_invoke():
    # A runtime b is repeated afresh at each invoke, not once at prepare.
    from edgelite.testing import single_op_model
    rng = np.random.default_rng(6)
    a, b = rand((1, 48, 48, 8), np.float32, rng), rand((8,), np.float32, rng)
    interp = edgelite.Interpreter(model_content=single_op_model("MUL", [a, b]))
    interp.allocate_tensors()
    inputs = interp.get_input_details()
    for scale in (1.0, -3.0):
        interp.set_tensor(inputs[0]["index"], a)
        interp.set_tensor(inputs[1]["index"], b * np.float32(scale))
        interp.invoke()
        got = interp.get_tensor(interp.get_output_details()[0]["index"])
        np.testing.assert_array_equal(got, a * (b * np.float32(scale)))
