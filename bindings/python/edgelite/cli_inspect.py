"""`edgelite inspect`: subgraphs, signatures, operators with shapes (dynamic axes as ?), types,
quantization and kernels, parameters, arena memory, unsupported operators; --html / --svg draw the graph."""

from __future__ import annotations

import os
from typing import List, Optional

from .cli_common import CommandLineError, check_input_file, check_output_file, format_dims, write_file
from .errors import UnsupportedError
from .model_graph import (ModelGraph, SubgraphInfo, annotate_with_interpreter, constant_parameters,
                          mark_unsupported_from_registry, read_model_graph, summarize_quantization)


def load_annotated_graph(path: str, delegate_ops: Optional[List[str]] = None, delegate=None) -> ModelGraph:
    """The file's graph, annotated by an interpreter (with `delegate`, or the CPU test delegate over
    `delegate_ops`)."""
    from .interpreter import Interpreter
    check_input_file(path)
    if delegate_ops:
        from .testing import CpuTestDelegate
        delegate = CpuTestDelegate(ops=delegate_ops)
    try:
        interp = Interpreter(model_path=path, experimental_delegates=[delegate] if delegate else None)
    except UnsupportedError as e:
        # The file passed the core's checks but it refused to build an interpreter: show the file's graph.
        with open(path, "rb") as f:
            graph = read_model_graph(f.read())
        graph.load_error = str(e)
        mark_unsupported_from_registry(graph)
        return graph
    with open(path, "rb") as f:
        content = f.read()
    graph = read_model_graph(content)
    annotate_with_interpreter(graph, interp, delegate)
    return graph


def tensor_text(sub: SubgraphInfo, index: int) -> str:
    """One tensor as `inspect` prints it: constness, dtype, shape with ? for dynamic axes, quantization;
    "-" for an omitted optional input (index -1)."""
    if index < 0:
        return "-"
    t = sub.tensors[index]
    kind = "const " if t.constant else ""
    return f"{kind}{t.dtype}[{format_dims(t.shape, t.signature)}]{summarize_quantization(t)}"


def _print_signatures(graph: ModelGraph) -> None:
    for sig in graph.signatures:
        tensors = graph.subgraphs[sig.subgraph].tensors if sig.subgraph < len(graph.subgraphs) else []

        def names(mapping):
            return ", ".join(f"{name} ({tensors[t].name if 0 <= t < len(tensors) else f'tensor {t}'})"
                             for name, t in mapping.items())
        print(f"signature '{sig.key}' (subgraph {sig.subgraph}): inputs {names(sig.inputs)} -> "
              f"outputs {names(sig.outputs)}")


def _print_subgraph(graph: ModelGraph, sub: SubgraphInfo) -> int:
    """Prints one subgraph; returns how many of its operators cannot run."""
    sig_names = graph.signature_names(sub.index)

    def io(tensors):
        parts = []
        for t in tensors:
            label = f" (signature '{sig_names[t]}')" if t in sig_names else ""
            parts.append(f"{sub.tensors[t].name}{label} {tensor_text(sub, t)}")
        return ", ".join(parts)
    values, nbytes = constant_parameters(sub)
    print(f"\n== subgraph {sub.index} ({sub.name or f'subgraph {sub.index}'}): {len(sub.operators)} operators, "
          f"{len(sub.tensors)} tensors")
    print(f"inputs:  {io(sub.inputs)}")
    print(f"outputs: {io(sub.outputs)}")
    print(f"constant parameters: {values:,} values ({nbytes / 1024:.1f} KiB)")
    if sub.arena_bytes is not None:
        print(f"arena: {sub.arena_bytes / 1024:.1f} KiB (one buffer for all activations)")
    elif sub.plan_error:
        print(f"arena: not planned: {' '.join(sub.plan_error.split())}")
    print(f"{'#':>4}  {'operator':<24} {'ver':>3}  inputs -> outputs  [kernel]")
    for op in sub.operators:
        mark = "  <-- cannot run" if op.unsupported else ""
        if op.partition is not None:
            where = f"  [delegated to {graph.delegate}, partition {op.partition}]"
        else:
            where = f"  [{op.kernel}]" if op.kernel else ""
            if graph.delegate and op.delegate_note:
                where += f"  (cpu: {op.delegate_note})"
        ins = ", ".join(tensor_text(sub, t) for t in op.inputs)
        outs = ", ".join(tensor_text(sub, t) for t in op.outputs)
        print(f"{op.index:>4}  {op.op_name:<24} {op.version:>3}  {ins} -> {outs}{where}{mark}")
    unsupported = [op for op in sub.operators if op.unsupported]
    for op in unsupported:
        print(f"unsupported: node {op.index}: {op.unsupported}")
    return len(unsupported)


def cmd_inspect(args) -> int:
    """`edgelite inspect`: prints subgraphs, signatures, operators with their kernels, tensors and the arena,
    or with --html / --svg draws the graph to a file. Returns the exit status."""
    for option in ("html", "svg"):
        if getattr(args, option):
            check_output_file(getattr(args, option), f"--{option}")
    delegate_ops = [op.strip().upper() for op in args.test_delegate.split(",") if op.strip()] \
        if args.test_delegate else None
    if args.test_delegate is not None and not delegate_ops:
        raise CommandLineError("--test-delegate needs operator names, e.g. --test-delegate CONV_2D,ADD")
    delegate = None
    if args.delegate:
        from .cli_common import load_cli_delegate
        delegate = load_cli_delegate(args.delegate, args.delegate_option)
    graph = load_annotated_graph(args.model, delegate_ops, delegate)
    size = os.path.getsize(args.model)
    print(f"model: {args.model} ({size / 1024:.1f} KiB), {len(graph.subgraphs)} subgraph(s)")
    if graph.description:
        print(f"description: {graph.description}")
    if graph.load_error:
        print(f"the interpreter refused this model: {' '.join(graph.load_error.split())}")
        print("(showing the graph as the file states it)")
    _print_signatures(graph)
    if graph.delegate:
        print(f"delegate: {graph.delegate} took {len(graph.partitions)} partition(s) "
              f"of {sum(len(p) for p in graph.partitions)} operator(s)")
    unsupported = sum(_print_subgraph(graph, sub) for sub in graph.subgraphs)
    if unsupported:
        print(f"\n{unsupported} operator(s) cannot run in this build")
    elif not graph.load_error:
        print("\nall operators are supported by this build")
    if args.html or args.svg:
        from .visual.graph_svg import render_html, render_svg
        title = os.path.basename(args.model)
        if args.svg:
            write_file(args.svg, render_svg(graph, title), "--svg")
            print(f"graph drawn to {args.svg}")
        if args.html:
            write_file(args.html, render_html(graph, title), "--html")
            print(f"graph drawn to {args.html} (open it in a browser)")
    return 0


def add_parser(sub, common) -> None:
    """Adds the `inspect` subcommand and its options to the subparsers `sub` (`common`: shared options)."""
    from .cli_common import add_command
    i = add_command(sub, common, "inspect", "show subgraphs, signatures, operators, shapes, parameters, arena",
                    "List a model's subgraphs, signatures, operators (shapes with dynamic axes as ?, types, "
                    "quantization, the kernel each runs), parameters and arena memory, and the operators this "
                    "build cannot run; optionally draw the graph.", cmd_inspect)
    i.add_argument("model", help="the .tflite file")
    i.add_argument("--html", metavar="OUT.html",
                   help="also draw the graph as one self-contained HTML page (pan with the mouse, zoom with "
                        "the wheel, hover for details); default: no drawing")
    i.add_argument("--svg", metavar="OUT.svg", help="also draw the graph as an SVG picture; default: no drawing")
    from .cli_common import add_delegate_arguments
    add_delegate_arguments(i)
    i.add_argument("--test-delegate", metavar="OP[,OP...]",
                   help="hand these operators to edgelite's CPU test delegate (edgelite.testing.CpuTestDelegate) "
                        "to see how a delegate partitions the graph; default: no delegate")
