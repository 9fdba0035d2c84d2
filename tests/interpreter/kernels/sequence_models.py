"""One-operator models with state (variable tensors) for the recurrent operators, run for several invokes in
edgelite or LiteRT; and the NumPy pieces their references share: activations, dynamic-range products
(rows quantized as LiteRT's hybrid kernels do, integer_reference_linear), random weights. A plain module."""

import numpy as np

from edgelite.model_builder import ModelBuilder
from integer_reference import f32, wrap_int32
from integer_reference_linear import quantize_rows_asymmetric, quantize_rows_symmetric


class Runtime:
    """A runtime input of the model (fed at every invoke)."""

    def __init__(self, array, quantization=None):
        self.array = np.asarray(array)
        self.quantization = quantization


class Var:
    """A variable tensor (state): zero at build, kept across invokes."""

    def __init__(self, shape, dtype=np.float32, quantization=None):
        self.shape, self.dtype, self.quantization = list(shape), dtype, quantization


class Const:
    """A constant with quantization (plain arrays are constants without)."""

    def __init__(self, array, quantization=None):
        self.array = np.asarray(array)
        self.quantization = quantization


def stateful_model(op, inputs, options=None, *, num_outputs=1, output_types=np.float32, output_quantization=None,
                   version=1):
    """A model with one `op` node. inputs: None (omitted), an array or Const (constant), Runtime, Var."""
    b = ModelBuilder()
    indices = []
    for i, x in enumerate(inputs):
        if x is None:
            indices.append(None)
        elif isinstance(x, Runtime):
            indices.append(b.add_input(f"input{i}", list(x.array.shape), x.array.dtype, quantization=x.quantization))
        elif isinstance(x, Var):
            indices.append(b.add_tensor(f"state{i}", x.shape, x.dtype, quantization=x.quantization,
                                        is_variable=True))
        else:
            c = x if isinstance(x, Const) else Const(x)
            indices.append(b.add_constant(f"const{i}", c.array, quantization=c.quantization))
    types = output_types if isinstance(output_types, (list, tuple)) else [output_types] * num_outputs
    outq = output_quantization if isinstance(output_quantization, list) else [output_quantization] * num_outputs
    outputs = [b.add_tensor(f"output{k}", None, types[k], quantization=outq[k]) for k in range(num_outputs)]
    b.add_operator(op, indices, outputs, options, version=version)
    for o in outputs:
        b.mark_output(o)
    return b.build()


def runtime_inputs(inputs):
    return [x.array for x in inputs if isinstance(x, Runtime)]


def interpreter(model, runtime="edgelite", resolver=None):
    """edgelite's or LiteRT's Interpreter for `model`; resolver: None (default kernels), "reference"
    (BUILTIN_REF) or "builtin" (LiteRT's builtin kernels, XNNPACK off)."""
    if runtime == "edgelite":
        import edgelite
        kwargs = {}
        if resolver == "reference":
            kwargs["experimental_op_resolver_type"] = edgelite.OpResolverType.BUILTIN_REF
        interp = edgelite.Interpreter(model_content=model, **kwargs)
    else:
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
        name = {"reference": "BUILTIN_REF", "builtin": "BUILTIN_WITHOUT_DEFAULT_DELEGATES", None: "AUTO"}[resolver]
        interp = Interpreter(model_content=model, experimental_op_resolver_type=getattr(OpResolverType, name))
    interp.allocate_tensors()
    return interp


def invoke(interp, feeds):
    """One invoke with `feeds` (runtime inputs in order); returns copies of the outputs."""
    for d, value in zip(interp.get_input_details(), feeds):
        interp.set_tensor(d["index"], np.asarray(value, d["dtype"]))
    interp.invoke()
    return [interp.get_tensor(d["index"]).copy() for d in interp.get_output_details()]


def run_invokes(model, feeds_per_invoke, runtime="edgelite", resolver=None):
    """Outputs of each invoke in turn (the state carries over between them)."""
    interp = interpreter(model, runtime, resolver)
    return [invoke(interp, feeds) for feeds in feeds_per_invoke]


def chosen_kernel(model):
    interp = interpreter(model)
    return interp._get_ops_details()[0]["kernel"]


# ---- NumPy pieces ----

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


ACTIVATIONS = {"NONE": lambda x: x, "RELU": lambda x: np.maximum(x, 0), "RELU_N1_TO_1": lambda x: np.clip(x, -1, 1),
               "RELU6": lambda x: np.clip(x, 0, 6), "TANH": np.tanh}


def quantize_vector(v, asymmetric):
    """(q, scale, zero point) of one float32 vector as LiteRT's row quantizers compute them."""
    q, scale, zp = (quantize_rows_asymmetric if asymmetric else quantize_rows_symmetric)(f32(v)[None, :])
    return q[0].astype(np.int64), f32(scale[0]), int(zp[0])


def hybrid_matvec(w_int8, w_scale, v, asymmetric):
    """float32(sum_k w * (q - zp)) * float32(row scale * weight scale); zeros for an all-zero v (skipped)."""
    v = f32(v)
    if not np.any(v):
        return np.zeros(w_int8.shape[0], np.float32)
    q, scale, zp = quantize_vector(v, asymmetric)
    dot = wrap_int32(np.asarray(w_int8, np.int64) @ (q - zp))
    return (f32(dot) * f32(scale * f32(w_scale))).astype(np.float32)


def quantize_weights(w):
    """Symmetric per-tensor int8 weights and their scale (max |w| / 127), as TensorFlow's converter makes."""
    w = f32(w)
    scale = f32(max(float(np.max(np.abs(w))), 1e-6) / 127.0)
    return np.clip(np.round(w / scale), -127, 127).astype(np.int8), scale


def sequence_rows(x, time_major):
    """[batch, time, depth] view of a sequence input."""
    return np.swapaxes(x, 0, 1) if time_major else x


def assert_close_relative(actual, expected, rtol=1e-5, what=""):
    """max |a - e| within rtol of max |e| (the golden models' criterion)."""
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    scale = max(float(np.max(np.abs(expected))) if expected.size else 0.0, 1e-30)
    err = float(np.max(np.abs(actual - expected))) if expected.size else 0.0
    assert err <= rtol * scale, f"{what}: max error {err:.3g} is {err / scale:.3g} of the range (rtol {rtol})"


def assert_hybrid_close(actual, expected, what):
    """Equal but for the rare step where an output state lands on the other side of a quantization rounding
    (std::tanh vs NumPy's last bit), which moves that row's later values by about one weight step."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    err = np.abs(actual - expected)
    assert np.max(err) <= 5e-3, f"{what}: max error {np.max(err):.3g}"
    assert np.mean(err <= 1e-5 * max(1.0, float(np.max(np.abs(expected))))) >= 0.98, f"{what}: too many differ"
