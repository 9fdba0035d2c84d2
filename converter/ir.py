"""The converter's graph: named values (shape, dtype, optional constant data) and nodes.

Nodes use .tflite operator names and option fields (snake_case schema names) as attributes, so the
writer hands them to ModelBuilder as they are; a few converter-only ops (IDENTITY, DROPOUT) are removed
or lowered before writing. Values keep the source framework's layout until passes rewrite it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..errors import EdgeliteError


class ConversionError(EdgeliteError, ValueError):
    """The source model cannot be converted; the message says which node and why."""


@dataclass
class Value:
    """A named tensor of the graph: shape, NumPy dtype, the data when it is a constant, and the shape signature (-1
    on dynamic axes) when it has dynamic dimensions."""

    name: str
    shape: Tuple[int, ...]
    dtype: np.dtype
    const: Optional[np.ndarray] = None
    # The shape with -1 on dynamic axes (None: static). Set by dynamic.merge_probes; `shape` then holds
    # the first probe's stand-in sizes, which shape inference and the passes work with.
    signature: Optional[Tuple[int, ...]] = None
    # A .tflite variable tensor: state that a stateful operator (a fused LSTM or RNN) reads and updates in
    # place, zero when the interpreter allocates (and resets) its tensors. No node produces it.
    variable: bool = False
    # Quantization parameters as written to the file: {"scale": [...], "zero_point": [...],
    # "quantized_dimension": k} (one entry per channel of axis k when per-channel); None for plain tensors.
    quant: Optional[Dict[str, Any]] = None

    @property
    def is_const(self) -> bool:
        """Whether the value is a constant (its data is known at conversion time)."""
        return self.const is not None

    @property
    def rank(self) -> int:
        """The number of axes."""
        return len(self.shape)


@dataclass(eq=False)
class Node:
    """One operator application: the .tflite operator name (`op`), input and output value names, the operator's
    options (`attrs`, schema field names) and a name for messages."""

    op: str
    inputs: List[Optional[str]]  # value names; None marks an omitted optional input
    outputs: List[str]
    attrs: Dict[str, Any] = field(default_factory=dict)
    name: str = ""

    def __repr__(self) -> str:
        return f"Node({self.op} {self.name!r}: {self.inputs} -> {self.outputs})"


# Node attributes that hold a subgraph index (WhileOptions, IfOptions): the primary graph is 0, and
# graph.subgraphs[k] is subgraph k + 1, as in the .tflite file.
SUBGRAPH_ATTRS = ("cond_subgraph_index", "body_subgraph_index", "then_subgraph_index", "else_subgraph_index")


class Graph:
    """Values by name, nodes in execution order, graph inputs/outputs by value name.

    The graphs that control-flow nodes call (WHILE's cond and body, IF's branches) live in `subgraphs`, one
    list shared by the primary graph and every subgraph (so a loop inside a loop body indexes the same
    list); each has its own values, inputs and outputs, matched by position to its caller's operands."""

    def __init__(self, name: str = "main", subgraphs: Optional[List["Graph"]] = None):
        self.name = name
        self.subgraphs: List["Graph"] = [] if subgraphs is None else subgraphs
        self.values: Dict[str, Value] = {}
        self.nodes: List[Node] = []
        self.inputs: List[str] = []
        self.outputs: List[str] = []
        self.metadata: Dict[str, str] = {}  # e.g. source framework and version, for the written file
        # Converted with stand-in sizes for dynamic dimensions (dynamic.py): tensors sized by shapes
        # (BROADCAST_TO, TILE, FILL) stay computed, since their size may be dynamic.
        self.probing = False
        self._counter = itertools.count()

    # ---- values ----
    def unique_name(self, base: str) -> str:
        """`base`, or `base_<n>` when `base` already names a value."""
        name = base
        while name in self.values:
            name = f"{base}_{next(self._counter)}"
        return name

    def add_value(self, name: str, shape: Sequence[int], dtype: Any, const: Optional[np.ndarray] = None,
                  unique: bool = True) -> str:
        """Adds a value (a constant when `const` is given) and returns its name: `name` made unique, or exactly
        `name` with unique=False, which raises ConversionError when it is taken."""
        if unique:
            name = self.unique_name(name)
        elif name in self.values:
            raise ConversionError(f"value {name!r} is defined twice")
        self.values[name] = Value(name, tuple(int(d) for d in shape), np.dtype(dtype), const)
        return name

    def add_const(self, array: Any, name: str = "const", dtype: Any = None) -> str:
        """Adds `array` (cast to `dtype` when given) as a constant value named after `name`; returns its name."""
        array = np.asarray(array, dtype=dtype)
        return self.add_value(name, array.shape, array.dtype, array)

    def add_variable(self, name: str, shape: Sequence[int], dtype: Any) -> str:
        """A variable tensor (state of a stateful operator), zero at allocation."""
        name = self.add_value(name, shape, dtype)
        self.values[name].variable = True
        return name

    def add_input(self, name: str, shape: Sequence[int], dtype: Any) -> str:
        """Adds a graph input `name` of `shape` and `dtype` (the name must be free: ConversionError otherwise);
        returns it."""
        name = self.add_value(name, shape, dtype, unique=False)
        self.inputs.append(name)
        return name

    def const(self, name: Optional[str]) -> Optional[np.ndarray]:
        """The data of value `name` when it is a constant, else None (None for an omitted input too)."""
        return None if name is None else self.values[name].const

    def shape(self, name: str) -> Tuple[int, ...]:
        """The shape of value `name` (stand-in sizes on dynamic axes; see signature)."""
        return self.values[name].shape

    def dtype(self, name: str) -> np.dtype:
        """The NumPy dtype of value `name`."""
        return self.values[name].dtype

    def signature(self, name: str) -> Tuple[int, ...]:
        """The shape with -1 on dynamic axes."""
        v = self.values[name]
        return v.shape if v.signature is None else v.signature

    # ---- nodes ----
    def add_node(self, op: str, inputs: Sequence[Optional[str]], attrs: Optional[Dict[str, Any]] = None, *,
                 name: str = "", outputs: Optional[Sequence[str]] = None,
                 position: Optional[int] = None) -> List[str]:
        """Adds a node and values for its outputs, shaped by shape inference; returns the output names.
        `outputs` gives output names (made unique unless already declared without a producer)."""
        from .shapes import infer_shapes
        node = Node(op, list(inputs), [], dict(attrs or {}), name or op.lower())
        specs = infer_shapes(self, node)
        if outputs is None:
            outputs = [f"{node.name}:{k}" if len(specs) > 1 else node.name for k in range(len(specs))]
        if len(outputs) != len(specs):
            raise ConversionError(f"{op} node {node.name!r} has {len(specs)} outputs, {len(outputs)} named")
        for out, (shape, dtype) in zip(outputs, specs):
            node.outputs.append(self.add_value(out, shape, dtype))
        self.insert_node(node, position)
        return node.outputs

    def add_node1(self, op: str, inputs: Sequence[Optional[str]], attrs: Optional[Dict[str, Any]] = None,
                  **kwargs: Any) -> str:
        """add_node for single-output ops: returns the one output name."""
        (out,) = self.add_node(op, inputs, attrs, **kwargs)
        return out

    def insert_node(self, node: Node, position: Optional[int] = None) -> None:
        """Puts `node` at `position` of the execution order (at the end when None); its output values must exist."""
        if position is None:
            self.nodes.append(node)
        else:
            self.nodes.insert(position, node)

    def remove_node(self, node: Node) -> None:
        """Removes `node` from the execution order (its values stay until prune_values)."""
        self.nodes.remove(node)

    def producer(self, value: Optional[str]) -> Optional[Node]:
        """The node that computes `value`, or None for an input, a constant or None."""
        if value is None:
            return None
        for node in self.nodes:
            if value in node.outputs:
                return node
        return None

    def consumers(self, value: str) -> List[Node]:
        """The nodes that read `value`, in execution order."""
        return [n for n in self.nodes if value in n.inputs]

    def num_uses(self, value: str) -> int:
        """Uses by nodes plus one per appearance among the graph outputs."""
        return sum(n.inputs.count(value) for n in self.nodes) + self.outputs.count(value)

    def replace_uses(self, old: str, new: str, *, include_outputs: bool = True) -> None:
        """Makes every node read `new` instead of `old`, and the graph outputs too unless include_outputs=False."""
        for node in self.nodes:
            node.inputs = [new if i == old else i for i in node.inputs]
        if include_outputs:
            self.outputs = [new if o == old else o for o in self.outputs]

    def rename_value(self, old: str, new: str) -> None:
        """Gives value `old` the name `new` (which must be free), everywhere it appears."""
        if new in self.values:
            raise ConversionError(f"cannot rename {old!r} to {new!r}: the name is taken")
        value = self.values.pop(old)
        value.name = new
        self.values[new] = value
        for node in self.nodes:
            node.inputs = [new if i == old else i for i in node.inputs]
            node.outputs = [new if o == old else o for o in node.outputs]
        self.inputs = [new if i == old else i for i in self.inputs]
        self.outputs = [new if o == old else o for o in self.outputs]

    def used_values(self) -> set:
        """The names of the values that inputs, outputs or nodes refer to."""
        used = set(self.inputs) | set(self.outputs)
        for node in self.nodes:
            used.update(i for i in node.inputs if i is not None)
            used.update(node.outputs)
        return used

    def prune_values(self) -> None:
        """Drops the values that nothing refers to any more (after passes removed their nodes)."""
        used = self.used_values()
        for name in [n for n in self.values if n not in used]:
            del self.values[name]

    def op_counts(self) -> Dict[str, int]:
        """{operator name: number of nodes}: what the graph computes, for tests and reports."""
        counts: Dict[str, int] = {}
        for node in self.nodes:
            counts[node.op] = counts.get(node.op, 0) + 1
        return counts

    def check(self) -> None:
        """Every input defined before use, every value produced once: raises ConversionError if not."""
        defined = set(self.inputs) | {n for n, v in self.values.items() if v.is_const or v.variable}
        for node in self.nodes:
            for i in node.inputs:
                if i is not None and i not in defined:
                    raise ConversionError(f"{node.op} node {node.name!r} reads {i!r} before it is computed")
            for o in node.outputs:
                if o in defined:
                    raise ConversionError(f"{node.op} node {node.name!r} writes {o!r}, already defined")
                defined.add(o)
        for o in self.outputs:
            if o not in defined:
                raise ConversionError(f"graph output {o!r} is never computed")

    def add_subgraph(self, name: str) -> Tuple["Graph", int]:
        """A new empty subgraph sharing this graph's list, and its .tflite subgraph index."""
        sub = Graph(self.unique_subgraph_name(name), self.subgraphs)
        self.subgraphs.append(sub)
        return sub, len(self.subgraphs)

    def subgraph(self, index: int) -> "Graph":
        """The subgraph a node attribute names by its .tflite index (1 is subgraphs[0]); ConversionError if none."""
        if not 1 <= index <= len(self.subgraphs):
            raise ConversionError(f"subgraph index {index} does not exist ({len(self.subgraphs)} subgraphs)")
        return self.subgraphs[index - 1]

    def unique_subgraph_name(self, base: str) -> str:
        """`base`, or base_1, base_2, ... when a subgraph already has that name."""
        taken = {g.name for g in self.subgraphs}
        name, k = base, 1
        while name in taken:
            name, k = f"{base}_{k}", k + 1
        return name

    def copy(self) -> "Graph":
        """An independent copy of this (primary) graph and of every subgraph: values, nodes, inputs, outputs and
        metadata (constant arrays are shared, not copied)."""
        subgraphs: List["Graph"] = []
        g = self._copy_one(subgraphs)
        subgraphs.extend(sub._copy_one(subgraphs) for sub in self.subgraphs)
        return g

    def _copy_one(self, subgraphs: List["Graph"]) -> "Graph":
        g = Graph(self.name, subgraphs)
        g.values = {n: Value(v.name, v.shape, v.dtype, v.const, v.signature, v.variable, v.quant)
                    for n, v in self.values.items()}
        g.nodes = [Node(n.op, list(n.inputs), list(n.outputs), dict(n.attrs), n.name) for n in self.nodes]
        g.inputs, g.outputs, g.metadata = list(self.inputs), list(self.outputs), dict(self.metadata)
        g.probing = self.probing
        g._counter = itertools.count()  # unique_name skips names already taken
        return g

    def __repr__(self) -> str:
        lines = [f"Graph {self.name}: inputs {self.inputs} outputs {self.outputs}"]
        for n in self.nodes:
            shapes = [self.values[o].shape for o in n.outputs]
            lines.append(f"  {n.op:24s} {n.name}: {n.inputs} -> {n.outputs} {shapes} {n.attrs or ''}")
        return "\n".join(lines)

