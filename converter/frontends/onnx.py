"""ONNX front-end: a ModelProto (or .onnx path) to the converter graph.

Values keep ONNX's layout (NCHW); operators that need channels last (conv, pooling, LRN, resize) are
emitted between TRANSPOSEs, which the passes then sink and cancel. This file holds the importer, constants
and casts; the handlers live by operator family: onnx_math (element-wise), onnx_tensor (shapes and layout),
onnx_slice, onnx_index (gathers, scatters, sorting), onnx_matmul, onnx_norm, onnx_nn (convolution, pooling,
softmax, resize), onnx_recurrent (LSTM, GRU, RNN) and onnx_control_flow (If, Loop, Scan).
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

from ...errors import MissingDependencyError
from ..evaluate import evaluate
from ..ir import ConversionError, Graph

MIN_OPSET = 7
NHWC_TO_NCHW = [0, 3, 1, 2]
NCHW_TO_NHWC = [0, 2, 3, 1]

# ONNX op type -> handler(importer, node). Filled here and by the onnx_*.py files.
HANDLERS: Dict[str, Callable[["OnnxImporter", Any], None]] = {}
# ONNX op types that convert only as TensorFlow select ops (allow_select_ops=True): onnx_select.py.
SELECT_HANDLERS: Dict[str, Callable[["OnnxImporter", Any], None]] = {}


def handler(*op_types: str, table: Optional[Dict[str, Callable]] = None):
    """Decorator registering a function handler(importer, node) for the ONNX operator types `op_types` (in
    HANDLERS, or in `table`: SELECT_HANDLERS for select ops)."""
    def register(fn):
        for t in op_types:
            (HANDLERS if table is None else table)[t] = fn
        return fn
    return register


class UnsupportedOperatorError(ConversionError):
    """The model uses ONNX operators the converter has no mapping for; lists all of them."""


def require_onnx():
    """The `onnx` module. onnx is an optional dependency (the `onnx` extra), imported only when an ONNX
    model is read; raises MissingDependencyError naming the pip command when it is not installed."""
    try:
        import onnx
        from onnx import numpy_helper  # noqa: F401  (a broken install fails here rather than mid-import)
    except ImportError as e:
        raise MissingDependencyError("converting an ONNX model (or a torch module, which is exported to ONNX) "
                                     "needs the onnx package, which is not installed: "
                                     "pip install 'edgelite[onnx]'") from e
    return onnx


def _dim_symbol(inp, axis: int, dim) -> Optional[str]:
    """The symbol of a dimension that has no static size: its dim_param, or one made from its place."""
    if dim.HasField("dim_value") and dim.dim_value > 0:
        return None
    return dim.dim_param if dim.HasField("dim_param") and dim.dim_param else f"{inp.name}:{axis}"


def _graph_inputs(model):
    initialized = {i.name for i in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in initialized]


def onnx_symbols(model, input_shapes: Optional[Dict[str, Sequence[int]]] = None) -> List[str]:
    """The symbolic dimensions of the model's inputs, in order of appearance (inputs whose shape is given
    in input_shapes have none)."""
    symbols: List[str] = []
    for inp in _graph_inputs(model):
        if input_shapes and inp.name in input_shapes:
            continue
        for axis, dim in enumerate(inp.type.tensor_type.shape.dim):
            sym = _dim_symbol(inp, axis, dim)
            if sym is not None and sym not in symbols:
                symbols.append(sym)
    return symbols


class OnnxImporter:
    """Imports one ONNX ModelProto into a converter Graph (see load_onnx). nhwc_inputs makes 4-D inputs
    channels-last; dims gives sizes for symbolic dimensions (the dynamic-shape probes); input_shapes fixes input
    shapes by name. Handlers (onnx_*.py) call its helpers to read inputs and attributes and to emit .tflite
    operators. Raises MissingDependencyError without onnx, ConversionError for opsets before 7."""

    def __init__(self, model, nhwc_inputs: bool = False, dims: Optional[Dict[str, int]] = None,
                 input_shapes: Optional[Dict[str, Sequence[int]]] = None, allow_select_ops: bool = False):
        onnx = require_onnx()
        self.onnx, self.numpy_helper = onnx, onnx.numpy_helper
        self.model = model
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
        if self.opset < MIN_OPSET:
            raise ConversionError(f"ONNX opset {self.opset} is too old: edgelite.converter reads opset "
                                  f"{MIN_OPSET} and newer; upgrade it with onnx.version_converter.convert_version")
        self.graph = Graph(model.graph.name or "main")
        self.names: Dict[str, str] = {}  # ONNX value name -> graph value name
        self.nhwc_inputs = nhwc_inputs
        self.dims = dict(dims or {})  # symbol -> the size it stands for in this conversion
        self.graph.probing = bool(self.dims)
        self.input_shapes = dict(input_shapes or {})
        # Operators without a builtin lowering may be written as TensorFlow select ops (onnx_select.py).
        self.allow_select_ops = allow_select_ops
        self._folded: Dict[str, Optional[np.ndarray]] = {}
        self._inferred: Optional[Dict[str, List[Optional[int]]]] = None  # ONNX shape inference, when asked

    # ---- driver ----
    def run(self) -> Graph:
        """Imports the model: initializers, inputs, every node (through its handler), outputs; returns the checked
        Graph. Raises UnsupportedOperatorError listing every node whose operator has no handler, ConversionError for
        anything else that cannot be converted (with the node named)."""
        g = self.model.graph
        check_supported(g, self.allow_select_ops)
        self.used = {o.name for o in g.output}
        for n in _nodes_with_subgraphs(g):
            self.used.update(n.input)
        for init in g.initializer:
            array = self.initializer(init)
            self.names[init.name] = self.graph.add_value(init.name, array.shape, array.dtype, array)
        initialized = {i.name for i in g.initializer}
        for inp in g.input:
            if inp.name not in initialized:  # older exporters list initializers among the inputs
                self._add_input(inp)
        unknown = set(self.input_shapes) - {i.name for i in g.input}
        if unknown:
            raise ConversionError(f"input_shapes names {sorted(unknown)}, which are not model inputs")
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
                array = self.initializer(init)
                self.names[init.name] = self.graph.add_value(init.name, array.shape, array.dtype, array)
        for node in graph_proto.node:
            (HANDLERS.get(node.op_type) or SELECT_HANDLERS[node.op_type])(self, node)

    def initializer(self, init) -> np.ndarray:
        """The data of an initializer TensorProto as a NumPy array. Raises ConversionError when the data lives in an
        external file that was not loaded."""
        if init.data_location == self.onnx.TensorProto.EXTERNAL:
            raise ConversionError(f"initializer {init.name!r} keeps its data in an external file that was not "
                                  "loaded: convert the .onnx path (its .data file beside it), or load it with "
                                  "onnx.load(path) first")
        return self.numpy_helper.to_array(init)

    def _add_input(self, inp) -> None:
        tt = inp.type.tensor_type
        if not tt.HasField("shape"):
            raise ConversionError(f"input {inp.name!r} has no shape; give the ONNX model static input shapes")
        if inp.name in self.input_shapes:
            shape = [int(d) for d in self.input_shapes[inp.name]]
            if len(shape) != len(tt.shape.dim):
                raise ConversionError(f"input_shapes gives input {inp.name!r} rank {len(shape)}; the model "
                                      f"has rank {len(tt.shape.dim)}")
        else:
            # Symbolic dimensions take the size given for this conversion (dynamic.py converts with two).
            shape = [self.dims.get(_dim_symbol(inp, k, d), 1) if _dim_symbol(inp, k, d) else d.dim_value
                     for k, d in enumerate(tt.shape.dim)]
        dtype = self.onnx.helper.tensor_dtype_to_np_dtype(tt.elem_type)
        if self.nhwc_inputs and len(shape) == 4:
            nhwc = [shape[i] for i in NCHW_TO_NHWC]
            x = self.graph.add_input(inp.name, nhwc, dtype)
            self.names[inp.name] = self.transpose(x, NHWC_TO_NCHW, f"{inp.name}/nchw")
        else:
            self.names[inp.name] = self.graph.add_input(inp.name, shape, dtype)

    def is_dynamic(self, onnx_name: str, axis: int) -> bool:
        """Whether axis `axis` of ONNX value `onnx_name` may change size with the model's symbolic dimensions.
        Without symbolic dimensions nothing is. Else ONNX shape inference decides where it knows a static size;
        where it does not (a symbol, or a size computed through Slice/Concat), the axis counts as dynamic when
        its size here is one of this conversion's stand-in sizes for the symbols (dynamic.py's primes)."""
        if not self.graph.probing:
            return False
        if self._inferred is None:
            self._inferred = {}
            try:
                inferred = self.onnx.shape_inference.infer_shapes(self.model)
            except Exception:  # noqa: BLE001 - a model shape inference cannot read: treat every axis as dynamic
                inferred = None
            if inferred is not None:
                g = inferred.graph
                for info in list(g.input) + list(g.value_info) + list(g.output):
                    if info.type.tensor_type.HasField("shape"):
                        self._inferred[info.name] = [d.dim_value if d.HasField("dim_value") and d.dim_value > 0
                                                     else None for d in info.type.tensor_type.shape.dim]
        dims = self._inferred.get(onnx_name)
        if dims is not None and axis < len(dims) and dims[axis] is not None:
            return False
        name = self.names.get(onnx_name)
        return name is None or self.graph.shape(name)[axis] in set(self.dims.values())

    # ---- reading the node ----
    def input(self, node, k: int) -> Optional[str]:
        """The graph value for input k of `node`, or None when the input is omitted. Raises ConversionError when the
        input is not computed before the node."""
        if k >= len(node.input) or not node.input[k]:
            return None
        name = self.resolve(node.input[k])
        if name is None:
            raise ConversionError(f"{node.op_type} node {node.name!r} reads {node.input[k]!r}, which is not "
                                  "computed before it (the ONNX graph must be topologically sorted)")
        return name

    def resolve(self, onnx_name: str) -> Optional[str]:
        """The graph value of an ONNX value name, or None (a subgraph's importer also looks outside)."""
        return self.names.get(onnx_name)

    def used_outputs(self, node, first: int = 1) -> List[str]:
        """Outputs of `node` from index `first` on that some node or the graph reads (optional outputs that
        older exporters list without using them, such as Dropout's mask, are not)."""
        return [o for o in node.output[first:] if o and o in self.used]

    def attr(self, node, name: str, default: Any = None) -> Any:
        """The value of attribute `name` of `node` (strings decoded), or `default` when it is absent."""
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
        """Adds a .tflite operator `op` on graph values `inputs` with options `attrs`, named after the ONNX `node`;
        returns its output value names."""
        base = (node.name or node.op_type) if node is not None else op.lower()
        return self.graph.add_node(op, inputs, attrs, name=base, outputs=outputs)

    def emit1(self, op: str, inputs: List[Optional[str]], attrs: Optional[Dict[str, Any]] = None, node=None,
              output: Optional[str] = None) -> str:
        """emit for operators with one output: returns that output's value name."""
        return self.emit(op, inputs, attrs, node, outputs=None if output is None else [output])[0]

    def finish(self, node, value: str, k: int = 0) -> None:
        """Binds ONNX output k of `node` to graph value `value`."""
        self.names[node.output[k]] = value

    def const(self, array: Any, dtype: Any = None, name: str = "const") -> str:
        """Adds a constant (`array` as `dtype`) to the graph; returns its value name."""
        return self.graph.add_const(np.asarray(array, dtype=dtype), name)

    def transpose(self, x: str, perm: List[int], output: Optional[str] = None) -> str:
        """Emits a TRANSPOSE of value `x` by `perm`; returns the output value name."""
        return self.emit1("TRANSPOSE", [x, self.const(perm, np.int32, f"{x}/perm")], output=output or f"{x}/t")

    def reshape(self, x: str, shape, node=None, output: Optional[str] = None) -> str:
        """Emits a RESHAPE of value `x` to the static `shape`; returns the output value name."""
        shape = [int(d) for d in shape]
        return self.emit1("RESHAPE", [x, self.const(shape, np.int32, "shape")], {"new_shape": shape}, node, output)

    def shape(self, name: str):
        """The shape of graph value `name`."""
        return self.graph.shape(name)


def _nodes_with_subgraphs(graph_proto):
    """The graph's nodes and those of the graphs in their attributes (If branches), depth first."""
    for node in graph_proto.node:
        yield node
        for a in node.attribute:
            for g in ([a.g] if a.HasField("g") else []) + list(a.graphs):
                yield from _nodes_with_subgraphs(g)


def check_supported(graph_proto, allow_select_ops: bool = False) -> None:
    """Raises one UnsupportedOperatorError naming every node whose operator has no mapping (operators that
    convert only as select ops count as mapped with allow_select_ops)."""
    known = set(HANDLERS) | (set(SELECT_HANDLERS) if allow_select_ops else set())
    bad = [(n.name or f"#{i}", n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}.{n.op_type}")
           for i, n in enumerate(_nodes_with_subgraphs(graph_proto))
           if n.op_type not in known or n.domain not in ("", "ai.onnx")]
    if bad:
        kinds = sorted({t for _, t in bad})
        listing = "\n".join(f"  - node {name!r}: {t}" for name, t in bad)
        select = sorted(set(kinds) & set(SELECT_HANDLERS))
        hint = (f"{', '.join(select)} convert(s) as TensorFlow select ops with allow_select_ops=True "
                "(edgelite convert --allow-select-ops); the file then needs edgelite's select library or "
                "TensorFlow's Flex delegate.\n") if select else ""
        raise UnsupportedOperatorError(
            f"cannot convert: {len(bad)} node(s) use ONNX operators edgelite.converter does not support "
            f"({', '.join(kinds)}):\n{listing}\n{hint}"
            f"Supported operators: {', '.join(sorted(HANDLERS))}.\n"
            "What to do: re-export the model without these operators (move pre/post-processing such as "
            "NonMaxSuppression out of the model), simplify it (onnx-simplifier folds constant subgraphs), or "
            "replace them with supported ones; if an operator should be supported, report it with this list.")


def read_onnx(source):
    """The ModelProto of a path (external data is read from beside it), bytes or a ModelProto."""
    onnx = require_onnx()
    if isinstance(source, (str, os.PathLike)):
        try:
            return onnx.load(os.fspath(source))
        except (OSError, ValueError) as e:
            raise ConversionError(f"cannot read {os.fspath(source)!r}: {e}") from e
    if isinstance(source, (bytes, bytearray)):
        return onnx.load_from_string(bytes(source))
    return source


def load_onnx(source, *, nhwc_inputs: bool = False, dims: Optional[Dict[str, int]] = None,
              input_shapes: Optional[Dict[str, Sequence[int]]] = None, allow_select_ops: bool = False) -> Graph:
    """The converter Graph of an ONNX model (a path, bytes or ModelProto), before optimization. Options as
    OnnxImporter. Raises MissingDependencyError without onnx (pip install 'edgelite[onnx]'),
    UnsupportedOperatorError or ConversionError when the model cannot be converted."""
    from . import (onnx_control_flow, onnx_index, onnx_math, onnx_matmul, onnx_nn, onnx_norm,  # noqa: F401
                   onnx_recurrent, onnx_select, onnx_slice, onnx_tensor)
    return OnnxImporter(read_onnx(source), nhwc_inputs=nhwc_inputs, dims=dims, input_shapes=input_shapes,
                        allow_select_ops=allow_select_ops).run()


def axes_of(imp: OnnxImporter, node, input_index: int, since_opset: int) -> Optional[List[int]]:
    """Axes from the attribute (older opsets) or from an input (since_opset and later)."""
    if imp.opset >= since_opset:
        axes = imp.const_input(node, input_index, "axes", required=False)
        if imp.input(node, input_index) and axes is None:
            raise ConversionError(f"{node.op_type} node {node.name!r}: axes must be a constant")
    else:
        axes = imp.attr(node, "axes")
    return None if axes is None else [int(a) for a in np.asarray(axes).ravel()]


# ---- constants, casts ----

@handler("Dropout")
def _dropout(imp: OnnxImporter, node) -> None:
    if imp.used_outputs(node):
        raise ConversionError(f"Dropout node {node.name!r}: the mask output is read, which is only meaningful "
                              "in training; export the model in inference mode (model.eval())")
    training = imp.const_input(node, 2, "training_mode", required=False) if imp.opset >= 12 else None
    if training is not None and bool(training):
        raise ConversionError(f"Dropout node {node.name!r} has training_mode=True; export in inference mode")
    imp.finish(node, imp.emit1("DROPOUT", [imp.input(node, 0)], {}, node, node.output[0]))


@handler("Constant")
def _constant(imp: OnnxImporter, node) -> None:
    a = node.attribute[0]
    if a.name == "value":
        array = imp.numpy_helper.to_array(a.t)
    elif a.name == "sparse_value":
        sparse = a.sparse_tensor
        values, indices = imp.numpy_helper.to_array(sparse.values), imp.numpy_helper.to_array(sparse.indices)
        array = np.zeros(int(np.prod(sparse.dims)), values.dtype)
        flat = indices if indices.ndim == 1 else np.ravel_multi_index(tuple(indices.T), tuple(sparse.dims))
        array[flat] = values
        array = array.reshape(tuple(sparse.dims))
    elif a.name in ("value_float", "value_int"):
        array = np.asarray(imp.attr(node, a.name), np.float32 if a.name == "value_float" else np.int64)
    elif a.name in ("value_floats", "value_ints"):
        array = np.asarray(imp.attr(node, a.name), np.float32 if a.name == "value_floats" else np.int64)
    else:
        raise ConversionError(f"Constant node {node.name!r}: {a.name} (string) constants have no .tflite "
                              "use here")
    imp.finish(node, imp.graph.add_const(array, node.output[0]))


@handler("ConstantOfShape")
def _constant_of_shape(imp: OnnxImporter, node) -> None:
    value = imp.attr(node, "value")
    fill = imp.numpy_helper.to_array(value).reshape(-1)[:1] if value is not None else np.zeros(1, np.float32)
    dims = imp.const_input(node, 0, "shape", required=False)
    if dims is not None and not imp.graph.probing:
        imp.finish(node, imp.graph.add_const(np.full([int(d) for d in dims], fill[0], fill.dtype), node.output[0]))
        return
    dims32 = (imp.const(dims, np.int32, "dims") if dims is not None else
              imp.emit1("CAST", [imp.input(node, 0)], {"in_data_type": np.int64, "out_data_type": np.int32}, node))
    imp.finish(node, imp.emit1("FILL", [dims32, imp.const(fill[0], fill.dtype, "fill_value")], {}, node,
                               node.output[0]))


@handler("Cast")
def _cast(imp: OnnxImporter, node) -> None:
    x = imp.input(node, 0)
    to = imp.onnx.helper.tensor_dtype_to_np_dtype(imp.attr(node, "to"))
    imp.finish(node, imp.emit1("CAST", [x], {"in_data_type": imp.graph.dtype(x), "out_data_type": to}, node,
                               node.output[0]))


