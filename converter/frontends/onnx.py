"""ONNX front-end: a ModelProto (or .onnx path) to the converter graph.

Values keep ONNX's layout (NCHW); operators that need channels last (conv, pooling, LRN, resize) are
emitted between TRANSPOSEs, which the passes then sink and cancel. Handlers for those live in onnx_nn.py;
this file holds the importer and the layout-free operators.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, List, Optional

import numpy as np

from ..evaluate import evaluate
from ..ir import ConversionError, Graph
from ..shapes import reshape_target

MIN_OPSET = 9
NHWC_TO_NCHW = [0, 3, 1, 2]
NCHW_TO_NHWC = [0, 2, 3, 1]

# ONNX op type -> handler(importer, node). Filled here and by onnx_nn.py.
HANDLERS: Dict[str, Callable[["OnnxImporter", Any], None]] = {}


def handler(*op_types: str):
    def register(fn):
        for t in op_types:
            HANDLERS[t] = fn
        return fn
    return register


class UnsupportedOperatorError(ConversionError):
    """The model uses ONNX operators the converter has no mapping for; lists all of them."""


class OnnxImporter:
    def __init__(self, model, nhwc_inputs: bool = False):
        import onnx
        from onnx import numpy_helper
        self.onnx, self.numpy_helper = onnx, numpy_helper
        self.model = model
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
        if self.opset < MIN_OPSET:
            raise ConversionError(f"ONNX opset {self.opset} is too old: edgelite.converter reads opset "
                                  f"{MIN_OPSET} and newer; upgrade it with onnx.version_converter.convert_version")
        self.graph = Graph(model.graph.name or "main")
        self.names: Dict[str, str] = {}  # ONNX value name -> graph value name
        self.nhwc_inputs = nhwc_inputs
        self._folded: Dict[str, Optional[np.ndarray]] = {}

    # ---- driver ----
    def run(self) -> Graph:
        g = self.model.graph
        check_supported(g)
        for init in g.initializer:
            array = self.numpy_helper.to_array(init)
            self.names[init.name] = self.graph.add_value(init.name, array.shape, array.dtype, array)
        initialized = {i.name for i in g.initializer}
        for inp in g.input:
            if inp.name not in initialized:
                self._add_input(inp)
        self.import_nodes(g)
        for out in g.output:
            if out.name not in self.names:
                raise ConversionError(f"graph output {out.name!r} is not computed by any node")
            name = self.names[out.name]
            if name in self.graph.inputs or name in self.graph.outputs or self.graph.values[name].is_const:
                # A .tflite output must be a computed tensor of its own: copy through a RESHAPE.
                name = self.graph.add_node1("RESHAPE", [name, self.const(self.graph.shape(name), np.int32)],
                                            {"new_shape": list(self.graph.shape(name))}, outputs=[out.name])
            self.graph.outputs.append(name)
        self.graph.metadata["source"] = (f"ONNX opset {self.opset}, producer "
                                         f"{self.model.producer_name or 'unknown'} {self.model.producer_version}")
        self.graph.check()
        return self.graph

    def import_nodes(self, graph_proto) -> None:
        """Imports the nodes (and initializers) of a graph; used for the model and for inlined branches,
        whose nodes read outer values by name."""
        for init in graph_proto.initializer:
            if init.name not in self.names:
                array = self.numpy_helper.to_array(init)
                self.names[init.name] = self.graph.add_value(init.name, array.shape, array.dtype, array)
        for node in graph_proto.node:
            HANDLERS[node.op_type](self, node)

    def _add_input(self, inp) -> None:
        tt = inp.type.tensor_type
        if not tt.HasField("shape"):
            raise ConversionError(f"input {inp.name!r} has no shape; give the ONNX model static input shapes")
        # Symbolic dimensions (a batch named "N") are converted as 1: .tflite shapes are concrete, and the
        # runtime's resize_tensor_input can change the batch later.
        shape = [d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else 1 for d in tt.shape.dim]
        dtype = self.onnx.helper.tensor_dtype_to_np_dtype(tt.elem_type)
        if self.nhwc_inputs and len(shape) == 4:
            nhwc = [shape[i] for i in NCHW_TO_NHWC]
            x = self.graph.add_input(inp.name, nhwc, dtype)
            self.names[inp.name] = self.transpose(x, NHWC_TO_NCHW, f"{inp.name}/nchw")
        else:
            self.names[inp.name] = self.graph.add_input(inp.name, shape, dtype)

    # ---- reading the node ----
    def input(self, node, k: int) -> Optional[str]:
        if k >= len(node.input) or not node.input[k]:
            return None
        if node.input[k] not in self.names:
            raise ConversionError(f"{node.op_type} node {node.name!r} reads {node.input[k]!r}, which is not "
                                  "computed before it (the ONNX graph must be topologically sorted)")
        return self.names[node.input[k]]

    def attr(self, node, name: str, default: Any = None) -> Any:
        for a in node.attribute:
            if a.name == name:
                value = self.onnx.helper.get_attribute_value(a)
                return value.decode() if isinstance(value, bytes) else value
        return default

    def const_input(self, node, k: int, what: str, required: bool = True) -> Optional[np.ndarray]:
        """Input k's value if it is constant or computable from constants and static shapes."""
        name = self.input(node, k)
        value = None if name is None else self.fold(name)
        if value is None and required:
            raise ConversionError(f"{node.op_type} node {node.name!r}: {what} must be known at conversion "
                                  "time (a constant, or computed from constants and static shapes)")
        return value

    def fold(self, name: str) -> Optional[np.ndarray]:
        """Evaluates `name` from constants and static shapes without changing the graph (the folding pass
        does that later), or None when it depends on run-time data."""
        value = self.graph.values[name]
        if value.is_const:
            return value.const
        if name in self._folded:
            return self._folded[name]
        self._folded[name] = None
        producer = self.graph.producer(name)
        result = None
        if producer is not None and producer.op == "SHAPE":
            result = [np.asarray(self.graph.shape(producer.inputs[0]),
                                 np.dtype(producer.attrs.get("out_type", np.int32)))]
        elif producer is not None:
            inputs = [None if i is None else self.fold(i) for i in producer.inputs]
            if all(a is not None for a, i in zip(inputs, producer.inputs) if i is not None):
                result = evaluate(producer, inputs)
        if result is not None:
            for out, r in zip(producer.outputs, result):
                self._folded[out] = r
        return self._folded[name]

    # ---- emitting ----
    def emit(self, op: str, inputs: List[Optional[str]], attrs: Optional[Dict[str, Any]] = None, node=None,
             outputs: Optional[List[str]] = None) -> List[str]:
        base = (node.name or node.op_type) if node is not None else op.lower()
        return self.graph.add_node(op, inputs, attrs, name=base, outputs=outputs)

    def emit1(self, op: str, inputs: List[Optional[str]], attrs: Optional[Dict[str, Any]] = None, node=None,
              output: Optional[str] = None) -> str:
        return self.emit(op, inputs, attrs, node, outputs=None if output is None else [output])[0]

    def finish(self, node, value: str, k: int = 0) -> None:
        """Binds ONNX output k of `node` to graph value `value`."""
        self.names[node.output[k]] = value

    def const(self, array: Any, dtype: Any = None, name: str = "const") -> str:
        return self.graph.add_const(np.asarray(array, dtype=dtype), name)

    def transpose(self, x: str, perm: List[int], output: Optional[str] = None) -> str:
        return self.emit1("TRANSPOSE", [x, self.const(perm, np.int32, f"{x}/perm")], output=output or f"{x}/t")

    def reshape(self, x: str, shape, node=None, output: Optional[str] = None) -> str:
        shape = [int(d) for d in shape]
        return self.emit1("RESHAPE", [x, self.const(shape, np.int32, "shape")], {"new_shape": shape}, node, output)

    def shape(self, name: str):
        return self.graph.shape(name)


def _nodes_with_subgraphs(graph_proto):
    """The graph's nodes and those of the graphs in their attributes (If branches), depth first."""
    for node in graph_proto.node:
        yield node
        for a in node.attribute:
            for g in ([a.g] if a.HasField("g") else []) + list(a.graphs):
                yield from _nodes_with_subgraphs(g)


def check_supported(graph_proto) -> None:
    """Raises one UnsupportedOperatorError naming every node whose operator has no mapping."""
    bad = [(n.name or f"#{i}", n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}.{n.op_type}")
           for i, n in enumerate(_nodes_with_subgraphs(graph_proto))
           if n.op_type not in HANDLERS or n.domain not in ("", "ai.onnx")]
    if bad:
        kinds = sorted({t for _, t in bad})
        listing = "\n".join(f"  - node {name!r}: {t}" for name, t in bad)
        raise UnsupportedOperatorError(
            f"cannot convert: {len(bad)} node(s) use ONNX operators edgelite.converter does not support "
            f"({', '.join(kinds)}):\n{listing}\n"
            f"Supported operators: {', '.join(sorted(HANDLERS))}.\n"
            "What to do: re-export the model without these operators (move pre/post-processing such as "
            "NonMaxSuppression out of the model), simplify it (onnx-simplifier folds constant subgraphs), or "
            "replace them with supported ones; if an operator should be supported, report it with this list.")


def load_onnx(source, *, nhwc_inputs: bool = False) -> Graph:
    import onnx
    from . import onnx_nn, onnx_slice  # noqa: F401  (register their handlers)
    if isinstance(source, (str, os.PathLike)):
        model = onnx.load(os.fspath(source))
    elif isinstance(source, (bytes, bytearray)):
        model = onnx.load_from_string(bytes(source))
    else:
        model = source
    return OnnxImporter(model, nhwc_inputs=nhwc_inputs).run()


# ---------------------------------------------------------------------------------------------------
# Layout-free operators
# ---------------------------------------------------------------------------------------------------

_UNARY = {"Relu": "RELU", "Sigmoid": "LOGISTIC", "Tanh": "TANH", "HardSwish": "HARD_SWISH",
          "Identity": "IDENTITY"}
_BINARY = {"Add": "ADD", "Sub": "SUB", "Mul": "MUL", "Div": "DIV"}


@handler(*_UNARY)
def _unary(imp: OnnxImporter, node) -> None:
    imp.finish(node, imp.emit1(_UNARY[node.op_type], [imp.input(node, 0)], {}, node, node.output[0]))


@handler("HardSigmoid")
def _hard_sigmoid(imp: OnnxImporter, node) -> None:
    # max(0, min(1, alpha x + beta)) = relu6(6 alpha x + 6 beta) / 6: RELU6 fuses into the ADD, and
    # x * hardsigmoid(x) with torch's alpha 1/6 and beta 1/2 reads as relu6(x + 3) / 6, which
    # FuseHardSwish recognizes.
    x = imp.input(node, 0)
    dtype = imp.graph.dtype(x)
    alpha, beta = float(imp.attr(node, "alpha", 0.2)), float(imp.attr(node, "beta", 0.5))
    out = node.output[0]
    none = {"fused_activation_function": "NONE"}
    if abs(6 * alpha - 1) > 1e-6:
        x = imp.emit1("MUL", [x, imp.const(6 * alpha, dtype, "hard_sigmoid_alpha")], none, node, f"{out}/scaled")
    y = imp.emit1("ADD", [x, imp.const(6 * beta, dtype, "hard_sigmoid_beta")], none, node, f"{out}/shifted")
    y = imp.emit1("RELU6", [y], {}, node, f"{out}/relu6")
    imp.finish(node, imp.emit1("MUL", [y, imp.const(1 / 6, dtype, "one_sixth")], none, node, out))


@handler("Pow")
def _pow(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    dtype = imp.graph.dtype(x)
    exponent = imp.const_input(node, 1, "exponent", required=False)
    out = node.output[0]
    if exponent is not None and exponent.size == 1 and float(exponent) in (1.0, 2.0):
        y = (imp.emit1("IDENTITY", [x], {}, node, out) if float(exponent) == 1.0 else
             imp.emit1("MUL", [x, x], {"fused_activation_function": "NONE"}, node, out))
    else:
        e = imp.input(node, 1)
        if exponent is not None:
            e = imp.const(exponent.astype(dtype), name="exponent")
        elif imp.graph.dtype(e) != dtype:
            e = imp.emit1("CAST", [e], {"in_data_type": imp.graph.dtype(e), "out_data_type": dtype}, node)
        y = imp.emit1("POW", [x, e], {}, node, out)
    imp.finish(node, y)


@handler("If")
def _if(imp: OnnxImporter, node) -> None:
    # .tflite has IF with subgraphs, but exporters write If for checks on static shapes (torch's squeeze of
    # a dimension that may not be 1): with the condition known here, the taken branch is inlined.
    cond = imp.const_input(node, 0, "the condition", required=False)
    if cond is None:
        raise ConversionError(f"If node {node.name!r}: the condition depends on run-time data; only If nodes "
                              "whose condition is known at conversion time (static shapes) are supported")
    branch = imp.attr(node, "then_branch" if bool(np.asarray(cond).ravel()[0]) else "else_branch")
    imp.import_nodes(branch)
    for k, out in enumerate(branch.output):
        # Under the If's own output name, so graph outputs keep their names.
        imp.finish(node, imp.emit1("IDENTITY", [imp.names[out.name]], {}, node, node.output[k]), k)


@handler("Dropout")
def _dropout(imp: OnnxImporter, node) -> None:
    if len(node.output) > 1 and node.output[1]:
        raise ConversionError(f"Dropout node {node.name!r}: the mask output is only meaningful in training; "
                              "export the model in inference mode (model.eval())")
    training = imp.const_input(node, 2, "training_mode", required=False) if imp.opset >= 12 else None
    if training is not None and bool(training):
        raise ConversionError(f"Dropout node {node.name!r} has training_mode=True; export in inference mode")
    imp.finish(node, imp.emit1("DROPOUT", [imp.input(node, 0)], {}, node, node.output[0]))


@handler("LeakyRelu")
def _leaky_relu(imp: OnnxImporter, node) -> None:
    alpha = float(imp.attr(node, "alpha", 0.01))
    imp.finish(node, imp.emit1("LEAKY_RELU", [imp.input(node, 0)], {"alpha": alpha}, node, node.output[0]))


_TWO_INPUTS_NO_OPTIONS = {"PRelu": "PRELU", "Equal": "EQUAL"}


@handler(*_TWO_INPUTS_NO_OPTIONS)
def _two_inputs(imp: OnnxImporter, node) -> None:
    a, b = imp.input(node, 0), imp.input(node, 1)
    imp.finish(node, imp.emit1(_TWO_INPUTS_NO_OPTIONS[node.op_type], [a, b], {}, node, node.output[0]))


@handler("Gelu")
def _gelu(imp: OnnxImporter, node) -> None:
    approximate = imp.attr(node, "approximate", "none")
    if approximate not in ("none", "tanh"):
        raise ConversionError(f"Gelu node {node.name!r}: approximate={approximate!r} is not 'none' or 'tanh'")
    imp.finish(node, imp.emit1("GELU", [imp.input(node, 0)], {"approximate": approximate == "tanh"}, node,
                               node.output[0]))


@handler("Clip")
def _clip(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    if imp.opset < 11:
        lo, hi = imp.attr(node, "min", -np.inf), imp.attr(node, "max", np.inf)
    else:
        lo_c = imp.const_input(node, 1, "min", required=False)
        hi_c = imp.const_input(node, 2, "max", required=False)
        if (imp.input(node, 1) and lo_c is None) or (imp.input(node, 2) and hi_c is None):
            raise ConversionError(f"Clip node {node.name!r}: min and max must be constants")
        lo = -np.inf if lo_c is None else float(lo_c)
        hi = np.inf if hi_c is None else float(hi_c)
    named = {(0.0, 6.0): "RELU6", (0.0, np.inf): "RELU", (-1.0, 1.0): "RELU_N1_TO_1"}
    out = node.output[0]
    if (lo, hi) in named:
        imp.finish(node, imp.emit1(named[(lo, hi)], [x], {}, node, out))
        return
    dtype = imp.graph.dtype(x)
    if hi != np.inf:
        x = imp.emit1("MINIMUM", [x, imp.const(hi, dtype, "clip_max")], {}, node,
                      out if lo == -np.inf else f"{out}/min")
    if lo != -np.inf:
        x = imp.emit1("MAXIMUM", [x, imp.const(lo, dtype, "clip_min")], {}, node, out)
    if lo == -np.inf and hi == np.inf:
        x = imp.emit1("IDENTITY", [x], {}, node, out)
    imp.finish(node, x)


@handler(*_BINARY)
def _binary(imp: OnnxImporter, node) -> None:
    a, b = imp.input(node, 0), imp.input(node, 1)
    imp.finish(node, imp.emit1(_BINARY[node.op_type], [a, b], {"fused_activation_function": "NONE"}, node,
                               node.output[0]))


@handler("Sum")
def _sum(imp: OnnxImporter, node) -> None:
    terms = [imp.input(node, k) for k in range(len(node.input))]
    acc = terms[0]
    if len(terms) == 1:
        acc = imp.emit1("IDENTITY", [acc], {}, node, node.output[0])
    for k, t in enumerate(terms[1:], start=1):
        out = node.output[0] if k == len(terms) - 1 else f"{node.output[0]}/partial{k}"
        acc = imp.emit1("ADD", [acc, t], {"fused_activation_function": "NONE"}, node, out)
    imp.finish(node, acc)


@handler("Constant")
def _constant(imp: OnnxImporter, node) -> None:
    a = node.attribute[0]
    if a.name == "value":
        array = imp.numpy_helper.to_array(a.t)
    elif a.name in ("value_float", "value_int"):
        array = np.asarray(imp.attr(node, a.name), np.float32 if a.name == "value_float" else np.int64)
    elif a.name in ("value_floats", "value_ints"):
        array = np.asarray(imp.attr(node, a.name), np.float32 if a.name == "value_floats" else np.int64)
    else:
        raise ConversionError(f"Constant node {node.name!r}: {a.name} constants are not supported")
    imp.finish(node, imp.graph.add_const(array, node.output[0]))


@handler("ConstantOfShape")
def _constant_of_shape(imp: OnnxImporter, node) -> None:
    value = imp.attr(node, "value")
    fill = imp.numpy_helper.to_array(value).reshape(-1)[:1] if value is not None else np.zeros(1, np.float32)
    dims = imp.const_input(node, 0, "shape", required=False)
    if dims is not None:
        imp.finish(node, imp.graph.add_const(np.full([int(d) for d in dims], fill[0], fill.dtype), node.output[0]))
        return
    dims32 = imp.emit1("CAST", [imp.input(node, 0)], {"in_data_type": np.int64, "out_data_type": np.int32}, node)
    imp.finish(node, imp.emit1("FILL", [dims32, imp.const(fill[0], fill.dtype, "fill_value")], {}, node,
                               node.output[0]))


@handler("Cast")
def _cast(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    to = imp.onnx.helper.tensor_dtype_to_np_dtype(imp.attr(node, "to"))
    imp.finish(node, imp.emit1("CAST", [x], {"in_data_type": imp.graph.dtype(x), "out_data_type": to}, node,
                               node.output[0]))


@handler("Shape")
def _shape(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    rank = len(imp.shape(x))
    start, end = imp.attr(node, "start", 0), imp.attr(node, "end", rank)
    start, end = max(start + rank if start < 0 else start, 0), min(end + rank if end < 0 else end, rank)
    full = (start, end) == (0, rank)
    out = imp.emit1("SHAPE", [x], {"out_type": np.int64}, node, node.output[0] if full else None)
    if not full:
        indices = imp.const(np.arange(start, end, dtype=np.int32), name="shape_range")
        out = imp.emit1("GATHER", [out, indices], {"axis": 0}, node, node.output[0])
    imp.finish(node, out)


@handler("Gather")
def _gather(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    axis = imp.attr(node, "axis", 0) % len(imp.shape(x))
    indices = imp.const_input(node, 1, "indices", required=False)
    if indices is not None:
        # .tflite GATHER has no negative indices: wrap them here.
        dim = imp.shape(x)[axis]
        idx = imp.const(np.where(indices < 0, indices + dim, indices).astype(np.int32), name="indices")
    else:
        idx = imp.input(node, 1)
    imp.finish(node, imp.emit1("GATHER", [x, idx], {"axis": axis}, node, node.output[0]))


@handler("Concat")
def _concat(imp: OnnxImporter, node) -> None:
    inputs = [imp.input(node, k) for k in range(len(node.input))]
    inputs = [i for i in inputs if int(np.prod(imp.shape(i))) > 0 or len(inputs) == 1]
    axis = imp.attr(node, "axis") % len(imp.shape(inputs[0]))
    imp.finish(node, imp.emit1("CONCATENATION", inputs, {"axis": axis, "fused_activation_function": "NONE"},
                               node, node.output[0]))


@handler("Reshape")
def _reshape(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    target = [int(d) for d in imp.const_input(node, 1, "the target shape")]
    in_shape = imp.shape(x)
    if not imp.attr(node, "allowzero", 0):
        target = [in_shape[i] if d == 0 else d for i, d in enumerate(target)]
    imp.finish(node, imp.reshape(x, reshape_target(in_shape, target), node, node.output[0]))


@handler("Flatten")
def _flatten(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = imp.shape(x)
    axis = imp.attr(node, "axis", 1)
    axis = axis + len(shape) if axis < 0 else axis
    target = [int(np.prod(shape[:axis])), int(np.prod(shape[axis:]))]
    imp.finish(node, imp.reshape(x, target, node, node.output[0]))


@handler("Transpose")
def _transpose(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    perm = imp.attr(node, "perm") or list(range(len(imp.shape(x))))[::-1]
    imp.finish(node, imp.transpose(x, [int(p) for p in perm], node.output[0]))


def _axes(imp: OnnxImporter, node, input_index: int, since_opset: int) -> Optional[List[int]]:
    """Axes from the attribute (older opsets) or from an input (since_opset and later)."""
    if imp.opset >= since_opset:
        axes = imp.const_input(node, input_index, "axes", required=False)
        if imp.input(node, input_index) and axes is None:
            raise ConversionError(f"{node.op_type} node {node.name!r}: axes must be a constant")
    else:
        axes = imp.attr(node, "axes")
    return None if axes is None else [int(a) for a in np.asarray(axes).ravel()]


@handler("Unsqueeze")
def _unsqueeze(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = list(imp.shape(x))
    axes = _axes(imp, node, 1, 13)
    rank = len(shape) + len(axes)
    for a in sorted(a % rank for a in axes):
        shape.insert(a, 1)
    imp.finish(node, imp.reshape(x, shape, node, node.output[0]))


@handler("Squeeze")
def _squeeze(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    shape = imp.shape(x)
    axes = _axes(imp, node, 1, 13)
    axes = {a % len(shape) for a in axes} if axes else {i for i, d in enumerate(shape) if d == 1}
    bad = [a for a in axes if shape[a] != 1]
    if bad:
        raise ConversionError(f"Squeeze node {node.name!r}: axes {bad} of shape {list(shape)} are not 1")
    imp.finish(node, imp.reshape(x, [d for i, d in enumerate(shape) if i not in axes], node, node.output[0]))


@handler("Pad")
def _pad(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    rank = len(imp.shape(x))
    mode = imp.attr(node, "mode", "constant")
    if imp.opset < 11:
        pads, value = imp.attr(node, "pads"), float(imp.attr(node, "value", 0.0))
    else:
        pads = imp.const_input(node, 1, "pads")
        v = imp.const_input(node, 2, "constant_value", required=False)
        value = 0.0 if v is None else float(np.asarray(v).ravel()[0]) if np.asarray(v).size else 0.0
    pads = [int(p) for p in np.asarray(pads).ravel()]
    axes = _axes(imp, node, 3, 18) if imp.opset >= 18 else None
    axes = list(range(rank)) if axes is None else [a % rank for a in axes]
    paddings = np.zeros((rank, 2), np.int32)
    for k, a in enumerate(axes):
        paddings[a] = (pads[k], pads[k + len(axes)])
    if (paddings < 0).any():
        raise ConversionError(f"Pad node {node.name!r}: negative pads (cropping) are not supported")
    out = node.output[0]
    pad_const = imp.const(paddings, name="paddings")
    if mode == "constant":
        if value == 0.0:
            result = imp.emit1("PAD", [x, pad_const], {}, node, out)
        else:
            result = imp.emit1("PADV2", [x, pad_const, imp.const(value, imp.graph.dtype(x), "pad_value")], {},
                               node, out)
    elif mode == "reflect":
        result = imp.emit1("MIRROR_PAD", [x, pad_const], {"mode": "REFLECT"}, node, out)
    else:
        raise ConversionError(f"Pad node {node.name!r}: mode {mode!r} has no .tflite equivalent (constant and "
                              "reflect are supported)")
    imp.finish(node, result)


@handler("ReduceMean", "ReduceSum", "ReduceMax")
def _reduce(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    rank = len(imp.shape(x))
    since = 13 if node.op_type == "ReduceSum" else 18
    axes = _axes(imp, node, 1, since)
    if not axes:
        if imp.attr(node, "noop_with_empty_axes", 0):
            imp.finish(node, imp.emit1("IDENTITY", [x], {}, node, node.output[0]))
            return
        axes = list(range(rank))
    op = {"ReduceMean": "MEAN", "ReduceSum": "SUM", "ReduceMax": "REDUCE_MAX"}[node.op_type]
    axes_const = imp.const(sorted(a % rank for a in axes), np.int32, "axes")
    imp.finish(node, imp.emit1(op, [x, axes_const], {"keep_dims": bool(imp.attr(node, "keepdims", 1))}, node,
                               node.output[0]))
