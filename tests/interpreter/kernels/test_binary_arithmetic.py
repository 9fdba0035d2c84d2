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
