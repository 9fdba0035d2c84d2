"""ONNX control flow: If, Loop and Scan as .tflite IF and WHILE nodes calling subgraphs.

An If whose condition is known at conversion time (exporters write them for checks on static shapes) is
inlined; otherwise its branches become IF's subgraphs. Loop and Scan become WHILE: the loop-carried tuple
is (step, trip count, condition, the ONNX carried values, the scan outputs gathered so far, the values the
body reads from outside), the cond subgraph tests step < trip count and the condition, and the body
subgraph runs the ONNX body once and appends this step's scan outputs (CONCATENATION along a new axis 0,
from an empty start, so those tensors grow: their axis 0 is dynamic).

A body reads values of the enclosing graphs by name (ONNX scoping). SubgraphImporter resolves such a name
outward: a constant (or a value folded from constants) is copied into the subgraph; anything else becomes an
extra subgraph input, a capture, that the calling node passes in.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import numpy as np

from ..ir import ConversionError, Graph
from ..recurrent import reverse_time
from .onnx import OnnxImporter, _nodes_with_subgraphs, handler

_NO_ACT = {"fused_activation_function": "NONE"}


class SubgraphImporter(OnnxImporter):
    """Imports an ONNX graph attribute (a branch, a loop body) into subgraph `sub` of the parent's graph."""

    def __init__(self, parent: OnnxImporter, graph_proto, sub: Graph):  # noqa: super().__init__ builds a model graph
        self.onnx, self.numpy_helper, self.model, self.opset = parent.onnx, parent.numpy_helper, parent.model, \
            parent.opset
        self.parent, self.graph = parent, sub
        sub.probing = parent.graph.probing
        self.names, self.nhwc_inputs, self.dims, self.input_shapes = {}, False, parent.dims, {}
        self.allow_select_ops = parent.allow_select_ops
        self._folded, self._inferred = {}, parent._inferred
        self.captures: List[Tuple[str, str]] = []  # (value in the parent's graph, input of this subgraph)
        self.used = {o.name for o in graph_proto.output}
        for n in _nodes_with_subgraphs(graph_proto):
            self.used.update(n.input)

    def add_formal_input(self, onnx_name: str, shape: Sequence[int], dtype) -> str:
        """Appends an input of the subgraph (bound to ONNX name `onnx_name` unless it is empty); returns it."""
        value = self.graph.add_value(_safe(onnx_name) or "input", shape, dtype)
        self.graph.inputs.append(value)
        if onnx_name:
            self.names[onnx_name] = value
        return value

    def resolve(self, onnx_name: str) -> Optional[str]:
        if onnx_name in self.names:
            return self.names[onnx_name]
        outer = self.parent.resolve(onnx_name)
        if outer is None:
            return None
        folded = self.parent.fold(outer)
        if folded is not None:
            inner = self.graph.add_const(np.asarray(folded, self.parent.graph.dtype(outer)), _safe(onnx_name))
        else:
            v = self.parent.graph.values[outer]
            inner = self.graph.add_value(_safe(onnx_name), v.shape, v.dtype)
            self.graph.values[inner].signature = v.signature
            self.graph.inputs.append(inner)
            self.captures.append((outer, inner))
        self.names[onnx_name] = inner
        return inner

    def finish_outputs(self, onnx_names: Sequence[str]) -> List[str]:
        """The subgraph's outputs: each a tensor an operator computes (a copy when it is an input or constant)."""
        outputs = []
        for name in onnx_names:
            value = self.resolve(name)
            if value is None:
                raise ConversionError(f"subgraph {self.graph.name!r}: output {name!r} is never computed")
            v = self.graph.values[value]
            if v.is_const or value in self.graph.inputs or value in outputs:
                value = _copy(self.graph, value)
            outputs.append(value)
        self.graph.outputs = list(outputs)
        return outputs


def _safe(name: str) -> str:
    return name.replace(":", "_")


def import_body(imp: OnnxImporter, graph_proto, name: str, formal: Sequence[Tuple[str, Sequence[int], object]]):
    """(importer of the subgraph, its index): the ONNX graph imported after `formal` inputs (onnx name,
    shape, dtype); its outputs are not set yet."""
    sub, index = imp.graph.add_subgraph(name)
    child = SubgraphImporter(imp, graph_proto, sub)
    for onnx_name, shape, dtype in formal:
        child.add_formal_input(onnx_name, shape, dtype)
    child.import_nodes(graph_proto)
    return child, index


def _scalar_bool(imp: OnnxImporter, value: str, what: str) -> str:
    """A one-element bool condition as the scalar that IF and WHILE's cond read."""
    if imp.graph.dtype(value) != np.bool_:
        raise ConversionError(f"{what}: the condition must be bool, got {imp.graph.dtype(value)}")
    if imp.shape(value) != ():
        if int(np.prod(imp.shape(value))) != 1:
            raise ConversionError(f"{what}: the condition must have one element, got shape {imp.shape(value)}")
        value = imp.graph.add_node1("RESHAPE", [value, imp.graph.add_const(np.zeros(0, np.int32), "shape")],
                                    {"new_shape": []}, name=f"{value}/scalar")
    return value


# ---- If ----

@handler("If")
def _if(imp: OnnxImporter, node) -> None:
    cond = imp.const_input(node, 0, "the condition", required=False)
    if cond is not None:
        # Exporters write If for checks on static shapes (torch's squeeze of a dimension that may not be 1):
        # with the condition known here, the taken branch is inlined.
        branch = imp.attr(node, "then_branch" if bool(np.asarray(cond).ravel()[0]) else "else_branch")
        imp.import_nodes(branch)
        for k, out in enumerate(branch.output):
            # Under the If's own output name, so graph outputs keep their names.
            imp.finish(node, imp.emit1("IDENTITY", [imp.resolve(out.name)], {}, node, node.output[k]), k)
        return
    name = node.name or "if"
    branches = []
    for attr in ("then_branch", "else_branch"):
        proto = imp.attr(node, attr)
        child, index = import_body(imp, proto, f"{name}/{attr}", [])
        child.finish_outputs([o.name for o in proto.output])
        branches.append((child, index))
    # Both branches take the union of what either reads from outside, in one order.
    outer = []
    for child, _ in branches:
        outer += [o for o, _ in child.captures if o not in outer]
    for child, _ in branches:
        by_outer = dict(child.captures)
        sub = child.graph
        sub.inputs = [by_outer.get(o) or sub.add_value("unused", imp.shape(o), imp.graph.dtype(o)) for o in outer]
    (then_child, then_index), (else_child, else_index) = branches
    then_g, else_g = then_child.graph, else_child.graph
    if len(then_g.outputs) != len(else_g.outputs):
        raise ConversionError(f"If node {name!r}: the branches give {len(then_g.outputs)} and "
                              f"{len(else_g.outputs)} outputs")
    outputs = imp.emit("IF", [_scalar_bool(imp, imp.input(node, 0), f"If node {name!r}")] + outer,
                       {"then_subgraph_index": then_index, "else_subgraph_index": else_index}, node,
                       outputs=list(node.output))
    for k, (out, a, b) in enumerate(zip(outputs, then_g.outputs, else_g.outputs)):
        if then_g.dtype(a) != else_g.dtype(b) or len(then_g.shape(a)) != len(else_g.shape(b)):
            raise ConversionError(f"If node {name!r}: output {k} differs in type or rank between the branches")
        if then_g.shape(a) != else_g.shape(b):  # the output's size depends on the branch taken
            imp.graph.values[out].signature = tuple(-1 if x != y else x for x, y in
                                                    zip(then_g.shape(a), else_g.shape(b)))
        imp.finish(node, out, k)


# ---- Loop and Scan: WHILE ----

class _LoopBuilder:
    """Builds the WHILE node, its cond and its body around an imported ONNX body (see the module docstring)."""

    def __init__(self, imp: OnnxImporter, node):
        self.imp, self.node, self.name = imp, node, node.name or node.op_type.lower()

    def cond_subgraph(self, body: Graph, has_limit: bool, has_cond: bool) -> int:
        """step < limit (when there is a limit) and cond (when the loop has one), over body's inputs."""
        sub, index = self.imp.graph.add_subgraph(f"{self.name}/cond")
        inputs = []
        for k, value in enumerate(body.inputs):
            inputs.append(sub.add_value(f"in{k}", body.shape(value), body.dtype(value)))
            sub.values[inputs[-1]].signature = body.values[value].signature
        sub.inputs = inputs
        step, limit, cond = inputs[:3]
        parts = []
        if has_limit:
            parts.append(sub.add_node1("LESS", [step, limit], name="below_limit"))
        if has_cond:
            parts.append(cond)
        if len(parts) == 2:
            out = sub.add_node1("LOGICAL_AND", parts, name="go_on")
        else:
            out = sub.add_node1("RESHAPE", [parts[0], sub.add_const(np.zeros(0, np.int32))], {"new_shape": []},
                                name="go_on")
        sub.outputs = [out]
        return index

    def emit(self, body: Graph, body_index: int, cond_index: int, operands: List[str], growing: Sequence[int],
             final_length: Optional[int] = None) -> List[str]:
        """The WHILE node over `operands`; `growing` lists the carried positions whose axis 0 grows, to
        `final_length` rows when the trip count is known (else their axis 0 stays dynamic after the loop)."""
        for k in growing:
            for g, value in ((body, body.inputs[k]), (body, body.outputs[k])):
                g.values[value].signature = (-1,) + tuple(g.shape(value)[1:])
            cond = self.imp.graph.subgraph(cond_index)
            cond.values[cond.inputs[k]].signature = (-1,) + tuple(cond.shape(cond.inputs[k])[1:])
        outputs = self.imp.emit("WHILE", operands, {"cond_subgraph_index": cond_index,
                                                    "body_subgraph_index": body_index}, self.node)
        for k in growing:
            value = self.imp.graph.values[outputs[k]]
            if final_length is None:
                value.signature = (-1,) + tuple(value.shape[1:])
            else:
                value.shape = (final_length,) + tuple(value.shape[1:])
        return outputs


def _empty(imp: OnnxImporter, shape: Sequence[int], dtype, name: str) -> str:
    return imp.graph.add_const(np.zeros((0,) + tuple(shape), dtype), name)


def _append_step(sub: Graph, accumulated: str, value: str, name: str) -> str:
    """accumulated (n, ...) with value (...) appended as row n."""
    row = sub.add_node1("RESHAPE", [value, sub.add_const(np.asarray((1,) + sub.shape(value), np.int32))],
                        {"new_shape": [1] + list(sub.shape(value))}, name=f"{name}/row")
    return sub.add_node1("CONCATENATION", [accumulated, row], {"axis": 0, **_NO_ACT}, name=name)


@handler("Loop")
def _loop(imp: OnnxImporter, node) -> None:
    body_proto = imp.attr(node, "body")
    limit, cond = imp.input(node, 0), imp.input(node, 1)
    carried = [imp.input(node, k) for k in range(2, len(node.input))]
    if limit is None and cond is None:
        raise ConversionError(f"Loop node {node.name!r} has neither a trip count nor a condition: it never ends")
    n_carried = len(carried)
    n_scan = len(body_proto.output) - 1 - n_carried
    builder = _LoopBuilder(imp, node)
    # The step counter and trip count are int32 (.tflite's LESS and ADD on int32 run everywhere).
    limit32 = imp.const(np.int32(0), np.int32, "no_limit") if limit is None else imp.emit1(
        "CAST", [limit], {"in_data_type": imp.graph.dtype(limit), "out_data_type": np.int32}, node)
    limit32 = imp.emit1("RESHAPE", [limit32, imp.const(np.zeros(0, np.int32), np.int32, "shape")], {"new_shape": []},
                        node) if imp.shape(limit32) != () else limit32
    cond0 = imp.const(np.bool_(True), np.bool_, "true") if cond is None else \
        _scalar_bool(imp, cond, f"Loop node {builder.name!r}")
    formal = [("", (), np.int32), ("", (), np.int32), ("", (), np.bool_)]
    formal += [("", imp.shape(v), imp.graph.dtype(v)) for v in carried]
    child, body_index = _import_loop_body(imp, body_proto, builder.name, formal, n_carried)
    body = child.graph
    step, limit_in, cond_in = body.inputs[:3]
    # The ONNX body's own inputs (iteration number, condition, carried values) bind to formal inputs 0, 2, 3...
    scan_values = child.body_scan_values
    accumulators, appended = [], []
    for k, value in enumerate(scan_values):
        acc = child.add_formal_input("", (0,) + body.shape(value), body.dtype(value))
        accumulators.append(acc)
        appended.append(_append_step(body, acc, value, f"scan_{k}"))
    # Captures were added while the body was imported, before the accumulators: they go last.
    body.inputs = child.formal_inputs + accumulators + [inner for _, inner in child.captures]
    next_step = body.add_node1("ADD", [step, body.add_const(np.int32(1))], _NO_ACT, name="next_step")
    body.outputs = [next_step, _copy(body, limit_in), child.body_cond_out if cond is not None else _copy(body, cond_in)]
    body.outputs += child.body_carried_out + appended + [_copy(body, inner) for _, inner in child.captures]
    cond_index = builder.cond_subgraph(body, limit is not None, cond is not None)
    operands = [imp.const(np.int32(0), np.int32, "step"), limit32, cond0] + carried
    operands += [_empty(imp, body.shape(v), body.dtype(v), f"{builder.name}/scan_start") for v in scan_values]
    operands += [outer for outer, _ in child.captures]
    growing = range(3 + n_carried, 3 + n_carried + n_scan)
    # A constant trip count and no condition: the scan outputs have that many rows.
    trips = imp.fold(limit) if limit is not None and cond is None else None
    outputs = builder.emit(body, body_index, cond_index, operands, growing,
                           None if trips is None else max(int(np.asarray(trips).ravel()[0]), 0))
    for k in range(n_carried + n_scan):
        imp.finish(node, _rename(imp, outputs[3 + k], node.output[k]), k)


def _import_loop_body(imp, body_proto, name, formal, n_carried):
    """The ONNX Loop body in a subgraph whose first inputs are (step, limit, cond, carried...): the body's
    iteration number reads the step (cast to its int64), its condition and carried values bind directly."""
    sub, index = imp.graph.add_subgraph(f"{name}/body")
    child = SubgraphImporter(imp, body_proto, sub)
    ins = [child.add_formal_input("", shape, dtype) for _, shape, dtype in formal]
    onnx_inputs = [i.name for i in body_proto.input]
    if len(onnx_inputs) != 2 + n_carried:
        raise ConversionError(f"Loop body {name!r} takes {len(onnx_inputs)} inputs; the Loop carries {n_carried}")
    if onnx_inputs[0]:
        it_type = body_proto.input[0].type.tensor_type.elem_type
        it_dtype = imp.onnx.helper.tensor_dtype_to_np_dtype(it_type) if it_type else np.dtype(np.int64)
        child.names[onnx_inputs[0]] = sub.add_node1("CAST", [ins[0]], {"in_data_type": np.int32,
                                                                       "out_data_type": it_dtype}, name="iteration")
    child.names[onnx_inputs[1]] = ins[2]
    for onnx_name, value in zip(onnx_inputs[2:], ins[3:]):
        child.names[onnx_name] = value
    child.import_nodes(body_proto)
    outs = [o.name for o in body_proto.output]
    resolved = child.finish_outputs(outs)
    child.formal_inputs = ins
    child.body_cond_out = _scalar_bool(child, resolved[0], f"Loop body {name!r}")
    child.body_carried_out = resolved[1:1 + n_carried]
    child.body_scan_values = resolved[1 + n_carried:]
    for value, k in zip(child.body_carried_out, range(n_carried)):
        if sub.shape(value) != sub.shape(ins[3 + k]) or sub.dtype(value) != sub.dtype(ins[3 + k]):
            raise ConversionError(f"Loop body {name!r}: carried value {k} changes shape or type "
                                  f"({sub.shape(ins[3 + k])} -> {sub.shape(value)}); only fixed shapes are supported")
    return child, index


def _copy(g: Graph, value: str) -> str:
    """A copy of `value` (a subgraph output must be a tensor an operator writes): IDENTITY, which the writer
    lowers to a RESHAPE that also holds for dynamic sizes."""
    return g.add_node1("IDENTITY", [value], name=f"{value}/pass")


def _rename(imp: OnnxImporter, value: str, onnx_name: str) -> str:
    if onnx_name not in imp.graph.values:
        imp.graph.rename_value(value, onnx_name)
        return onnx_name
    return value


@handler("Scan")
def _scan(imp: OnnxImporter, node) -> None:
    """Scan as WHILE over the scan inputs' length (static): each step GATHERs its slice of every scan input
    (from the end for reverse directions), runs the body, appends its scan outputs; after the loop the
    outputs are reversed / moved to their axes as the attributes ask."""
    if imp.opset < 9:
        raise ConversionError(f"Scan node {node.name!r}: opset {imp.opset} Scan (with a batch axis) is not supported")
    body_proto = imp.attr(node, "body")
    m = int(imp.attr(node, "num_scan_inputs"))
    operands = [imp.input(node, k) for k in range(len(node.input))]
    states, scans = operands[:len(operands) - m], operands[len(operands) - m:]
    in_axes = [a % len(imp.shape(x)) for a, x in zip(imp.attr(node, "scan_input_axes", [0] * m), scans)]
    in_dirs = list(imp.attr(node, "scan_input_directions", [0] * m))
    lengths = {imp.shape(x)[a] for x, a in zip(scans, in_axes)}
    if len(lengths) != 1:
        raise ConversionError(f"Scan node {node.name!r}: the scan inputs have different lengths {sorted(lengths)}")
    steps = lengths.pop()
    k_out = len(body_proto.output) - len(states)
    out_axes = list(imp.attr(node, "scan_output_axes", [0] * k_out))
    out_dirs = list(imp.attr(node, "scan_output_directions", [0] * k_out))
    builder = _LoopBuilder(imp, node)
    sub, body_index = imp.graph.add_subgraph(f"{builder.name}/body")
    child = SubgraphImporter(imp, body_proto, sub)
    formal = [child.add_formal_input("", (), np.int32), child.add_formal_input("", (), np.int32),
              child.add_formal_input("", (), np.bool_)]
    formal += [child.add_formal_input("", imp.shape(v), imp.graph.dtype(v)) for v in states + scans]
    step, limit_in, cond_in = formal[:3]
    onnx_inputs = [i.name for i in body_proto.input]
    if len(onnx_inputs) != len(states) + m:
        raise ConversionError(f"Scan node {node.name!r}: the body takes {len(onnx_inputs)} inputs, the node gives "
                              f"{len(states) + m}")
    for onnx_name, value in zip(onnx_inputs[:len(states)], formal[3:3 + len(states)]):
        child.names[onnx_name] = value
    last = sub.add_const(np.int32(steps - 1), "last_step")
    backward = sub.add_node1("SUB", [last, step], _NO_ACT, name="backward_step") if any(in_dirs) else None
    for onnx_name, whole, axis, direction in zip(onnx_inputs[len(states):], formal[3 + len(states):], in_axes, in_dirs):
        child.names[onnx_name] = sub.add_node1("GATHER", [whole, backward if direction else step],
                                               {"axis": axis, "batch_dims": 0}, name=f"{_safe(onnx_name)}/step")
    child.import_nodes(body_proto)
    resolved = child.finish_outputs([o.name for o in body_proto.output])
    new_states, scan_values = resolved[:len(states)], resolved[len(states):]
    accumulators = [child.add_formal_input("", (0,) + sub.shape(v), sub.dtype(v)) for v in scan_values]
    appended = [_append_step(sub, acc, v, f"scan_{k}") for k, (acc, v) in enumerate(zip(accumulators, scan_values))]
    sub.inputs = formal + accumulators + [inner for _, inner in child.captures]
    sub.outputs = [sub.add_node1("ADD", [step, sub.add_const(np.int32(1))], _NO_ACT, name="next_step"),
                   _copy(sub, limit_in), _copy(sub, cond_in)] + new_states
    sub.outputs += [_copy(sub, v) for v in formal[3 + len(states):]] + appended
    sub.outputs += [_copy(sub, inner) for _, inner in child.captures]
    cond_index = builder.cond_subgraph(sub, True, False)
    first_acc = 3 + len(states) + m
    operands = [imp.const(np.int32(0), np.int32, "step"), imp.const(np.int32(steps), np.int32, "steps"),
                imp.const(np.bool_(True), np.bool_, "true")] + states + scans
    operands += [_empty(imp, sub.shape(v), sub.dtype(v), f"{builder.name}/scan_start") for v in scan_values]
    operands += [outer for outer, _ in child.captures]
    outputs = builder.emit(sub, body_index, cond_index, operands, range(first_acc, first_acc + len(scan_values)),
                           final_length=steps)
    for k in range(len(states)):
        imp.finish(node, _rename(imp, outputs[3 + k], node.output[k]), k)
    for k in range(len(scan_values)):
        y = outputs[first_acc + k]
        if out_dirs[k]:
            y = reverse_time(imp.graph, y, 0, f"{builder.name}/reversed_{k}")
        axis = out_axes[k] % imp.graph.values[y].rank
        if axis:
            perm = list(range(1, axis + 1)) + [0] + list(range(axis + 1, imp.graph.values[y].rank))
            y = imp.transpose(y, perm)
        out = len(states) + k
        imp.finish(node, _rename(imp, y, node.output[out]), out)
