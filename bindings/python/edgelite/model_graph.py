"""A model's graph as `edgelite inspect` shows it: read from the flatbuffer (so a model the interpreter cannot
run is still drawn), then annotated with what the interpreter decided (shapes after prepare, the kernel each
node runs, delegate partitions, operators this build lacks, arena size)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np

from .model_builder import enum_name


@dataclass
class TensorInfo:
    index: int
    name: str
    dtype: str                      # "float32", "int8", ... (TensorType names in lower case)
    shape: Tuple[int, ...]          # after prepare when the interpreter planned the subgraph, else the file's
    signature: Tuple[int, ...]      # the file's shape_signature, -1 on dynamic axes (the shape when absent)
    constant: bool                  # data in the file, or folded to a constant at prepare
    model_constant: bool            # data in the file (the model's parameters)
    scales: Tuple[float, ...] = ()
    zero_points: Tuple[int, ...] = ()
    quantized_dimension: int = 0

    @property
    def dynamic(self) -> bool:
        """Whether the shape signature has a dynamic (-1) axis."""
        return any(d == -1 for d in self.signature)

    @property
    def num_elements(self) -> int:
        """The number of elements of the shape (1 for a scalar)."""
        return int(np.prod(self.shape)) if self.shape else 1


@dataclass
class OperatorInfo:
    index: int                      # the operator's position in the file's subgraph
    op_name: str                    # "CONV_2D", or a custom operator's code
    version: int
    inputs: List[int]               # tensor indices, -1 for an omitted optional input
    outputs: List[int]
    kernel: Optional[str] = None    # the implementation prepare chose, e.g. "float32 (avx512)"
    partition: Optional[int] = None  # which delegate partition (numbered from 0 over the model) runs it
    delegate_note: Optional[str] = None  # why the delegate did not take it (when one was applied)
    unsupported: Optional[str] = None  # why this build cannot run it


@dataclass
class SubgraphInfo:
    index: int
    name: str
    tensors: List[TensorInfo]
    operators: List[OperatorInfo]
    inputs: List[int]
    outputs: List[int]
    arena_bytes: Optional[int] = None   # None when not planned
    plan_error: Optional[str] = None    # why the interpreter could not plan it


@dataclass
class SignatureInfo:
    key: str
    subgraph: int
    inputs: Dict[str, int]          # signature name -> tensor index in `subgraph`
    outputs: Dict[str, int]


@dataclass
class ModelGraph:
    description: str
    subgraphs: List[SubgraphInfo]
    signatures: List[SignatureInfo]
    delegate: Optional[str] = None      # the delegate's name when one was applied
    load_error: Optional[str] = None    # why the interpreter refused the model (the graph is the file's)
    partitions: List[List[int]] = field(default_factory=list)

    def signature_names(self, subgraph: int) -> Dict[int, str]:
        """tensor index -> "key:name" (or "name" with one signature) of the signatures on `subgraph`."""
        names: Dict[int, str] = {}
        for sig in self.signatures:
            if sig.subgraph != subgraph:
                continue
            for name, t in list(sig.inputs.items()) + list(sig.outputs.items()):
                label = name if len(self.signatures) == 1 else f"{sig.key}:{name}"
                names.setdefault(t, label)
        return names


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else (value or "")


def _ints(obj, name: str) -> List[int]:
    if getattr(obj, f"{name}Length")() == 0:
        return []
    return [int(v) for v in getattr(obj, f"{name}AsNumpy")()]


def _tensor_from_file(model, index: int, tensor) -> TensorInfo:
    from .schema.TensorType import TensorType
    shape = tuple(_ints(tensor, "Shape"))
    signature = tuple(_ints(tensor, "ShapeSignature")) or shape
    buffer = model.Buffers(tensor.Buffer()) if 0 < tensor.Buffer() < model.BuffersLength() else None
    has_data = buffer is not None and (buffer.DataLength() > 0 or buffer.Offset() > 1) or tensor.ExternalBuffer() > 0
    q = tensor.Quantization()
    scales = tuple(float(s) for s in q.ScaleAsNumpy()) if q is not None and q.ScaleLength() else ()
    zeros = tuple(int(z) for z in q.ZeroPointAsNumpy()) if q is not None and q.ZeroPointLength() else ()
    return TensorInfo(index=index, name=_text(tensor.Name()), dtype=enum_name(TensorType, tensor.Type()).lower(),
                      shape=shape, signature=signature, constant=has_data, model_constant=has_data,
                      scales=scales, zero_points=zeros,
                      quantized_dimension=int(q.QuantizedDimension()) if q is not None else 0)


def _operator_name(model, code_index: int) -> Tuple[str, int]:
    from .schema.BuiltinOperator import BuiltinOperator
    if not 0 <= code_index < model.OperatorCodesLength():
        return f"<operator code {code_index}>", 0
    code = model.OperatorCodes(code_index)
    # Old writers fill only the byte field; new ones put 127 there for codes above it.
    builtin = max(code.DeprecatedBuiltinCode(), code.BuiltinCode())
    if builtin == BuiltinOperator.CUSTOM:
        return _text(code.CustomCode()) or "CUSTOM", code.Version()
    return enum_name(BuiltinOperator, builtin), code.Version()


def read_model_graph(content: bytes) -> ModelGraph:
    """The graph as the file states it. Call only on a file the core's verifier accepted: the Python readers
    trust every offset."""
    from .schema.Model import Model
    model = Model.GetRootAs(content, 0)
    subgraphs = []
    for s in range(model.SubgraphsLength()):
        sg = model.Subgraphs(s)
        tensors = [_tensor_from_file(model, t, sg.Tensors(t)) for t in range(sg.TensorsLength())]
        operators = []
        for o in range(sg.OperatorsLength()):
            op = sg.Operators(o)
            name, version = _operator_name(model, op.OpcodeIndex())
            operators.append(OperatorInfo(index=o, op_name=name, version=version, inputs=_ints(op, "Inputs"),
                                          outputs=_ints(op, "Outputs")))
        subgraphs.append(SubgraphInfo(index=s, name=_text(sg.Name()), tensors=tensors, operators=operators,
                                      inputs=_ints(sg, "Inputs"), outputs=_ints(sg, "Outputs")))
    signatures = []
    for i in range(model.SignatureDefsLength()):
        sig = model.SignatureDefs(i)
        maps = [{_text(m.Name()): int(m.TensorIndex()) for m in (get(j) for j in range(n))}
                for get, n in ((sig.Inputs, sig.InputsLength()), (sig.Outputs, sig.OutputsLength()))]
        signatures.append(SignatureInfo(key=_text(sig.SignatureKey()), subgraph=int(sig.SubgraphIndex()),
                                        inputs=maps[0], outputs=maps[1]))
    return ModelGraph(description=_text(model.Description()), subgraphs=subgraphs, signatures=signatures)


def mark_unsupported_from_registry(graph: ModelGraph) -> None:
    """Without an interpreter (it refused the model), marks the operators the build's operator list lacks:
    builtins it does not list or lists with a lower maximum version, and every custom operator (the command
    line registers none) except those a plugin library of this installation serves (`plugins.plugin_ops`)."""
    from . import _core, plugins
    from .schema.BuiltinOperator import BuiltinOperator
    versions = {name: (first, last) for name, first, last in _core.builtin_ops()}
    # Operators a plugin library serves (interpreter/plugin_ops.h): runnable when the library is installed.
    served = {name: (low, high, library) for name, low, high, library in plugins.plugin_ops()}
    for sub in graph.subgraphs:
        for op in sub.operators:
            if op.op_name in served:
                low, high, library = served[op.op_name]
                if plugins.library_path(library) is None:
                    op.unsupported = (f"operator {op.op_name} runs in the plugin library {library}, which this "
                                      f"installation lacks")
                elif not low <= op.version <= high:
                    op.unsupported = (f"operator {op.op_name} version {op.version} is not supported ({library} "
                                      f"runs versions {low} to {high})")
            elif op.op_name in versions:
                first, last = versions[op.op_name]
                if not first <= op.version <= last:
                    op.unsupported = (f"operator {op.op_name} version {op.version} is not supported (this build "
                                      f"runs versions {first} to {last})")
            elif isinstance(getattr(BuiltinOperator, op.op_name, None), int):
                op.unsupported = f"operator {op.op_name} is not supported by this build"
            else:
                op.unsupported = f"custom operator '{op.op_name}' is not registered"


def annotate_with_interpreter(graph: ModelGraph, interp, delegate=None) -> None:
    """Adds what `interp` (an edgelite.Interpreter built from the same file) decided: plans each subgraph
    and records shapes, kernels, unsupported operators, partitions and arena sizes.

    Shapes and kernels come from the Interpreter's details (get_tensor_details, _get_ops_details). Three
    things have no public accessor and are read from the core (`interp._core`), here only: planning one
    subgraph by index (Interpreter.allocate_tensors plans the primary one), the operators this build lacks (unresolved_nodes),
    and whether a tensor is constant."""
    from .errors import EdgeliteError
    core = interp._core
    graph.partitions = []
    graph.delegate = delegate.name if delegate is not None else None
    for sub in graph.subgraphs:
        unresolved = list(core.unresolved_nodes(sub.index))
        for node_index, message in unresolved:
            if node_index < len(sub.operators):
                sub.operators[node_index].unsupported = message.split(":", 1)[1].strip()
        if not unresolved:
            try:
                core.allocate_tensors(sub.index)
                sub.arena_bytes = int(interp.arena_bytes(sub.index))
            except EdgeliteError as e:
                sub.plan_error = str(e)
        else:
            sub.plan_error = f"{len(unresolved)} operator(s) this build cannot run"
        details = interp.get_tensor_details(subgraph_index=sub.index)
        for t, detail in zip(sub.tensors, details):
            t.shape = tuple(int(d) for d in detail["shape"])
            info = core.tensor_info(sub.index, t.index)
            t.constant = bool(info["is_constant"])
            t.model_constant = info["allocation"] == "constant" and t.model_constant
        nodes = interp._get_ops_details(sub.index)
        for node in nodes:
            if node["index"] < len(sub.operators):
                op = sub.operators[node["index"]]
                op.kernel = node["kernel"]
                op.delegate_note = node["delegate_note"]
        # Partitions are numbered over the model, subgraph by subgraph, in execution order.
        for node in core.nodes(sub.index, False):
            if node["delegate"] is None:
                continue
            for n in node["partition_nodes"]:
                if n < len(sub.operators):
                    sub.operators[n].partition = len(graph.partitions)
            graph.partitions.append(list(node["partition_nodes"]))


def summarize_quantization(t: TensorInfo) -> str:
    """" q=0.0235/-128" for per-tensor quantization, " q=32 scales on axis 0" for per-channel, "" for none."""
    if not t.scales:
        return ""
    if len(t.scales) == 1:
        return f" q={t.scales[0]:.6g}/{t.zero_points[0] if t.zero_points else 0}"
    return f" q={len(t.scales)} scales on axis {t.quantized_dimension}"


def constant_parameters(sub: SubgraphInfo) -> Tuple[int, int]:
    """(values, bytes) of the model's constants in the subgraph (not values folded at prepare)."""
    values = nbytes = 0
    for t in sub.tensors:
        if t.model_constant:
            values += t.num_elements
            nbytes += t.num_elements * _itemsize(t.dtype)
    return values, nbytes


def _itemsize(dtype: str) -> float:
    if dtype in ("int4", "uint4"):
        return 0.5
    try:
        return np.dtype(dtype).itemsize
    except TypeError:  # string, resource, variant: no fixed size
        return 0
