"""`edgelite benchmark`: warm-up, timed invokes (median and percentiles), then a per-operator profile as tables
and, with --plot, as a picture."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Dict, List, Tuple

import numpy as np

from .cli_common import CommandLineError, check_input_file, check_output_file


def benchmark_interpreter(interp, runs: int, warmup: int, seed: int = 0) -> np.ndarray:
    """Times `runs` invokes after `warmup` ones; returns per-run milliseconds."""
    from .cli_run import random_input
    rng = np.random.default_rng(seed)
    for d in interp.get_input_details():
        interp.set_tensor(d["index"], random_input(d, rng))
    for _ in range(warmup):
        interp.invoke()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        interp.invoke()
        times.append((time.perf_counter() - start) * 1000)
    return np.asarray(times)


@dataclass
class NodeTime:
    index: int
    op_name: str
    kernel: str
    ms: float          # average per run


@dataclass
class Profile:
    runs: int
    nodes: List[NodeTime]          # in execution order

    def by_type(self) -> List[Tuple[str, int, float]]:
        """(operator, node count, average ms per run), slowest first."""
        totals: Dict[str, List[float]] = {}
        for n in self.nodes:
            entry = totals.setdefault(n.op_name, [0.0, 0])
            entry[0] += n.ms
            entry[1] += 1
        return sorted(((op, int(c), ms) for op, (ms, c) in totals.items()), key=lambda r: -r[2])

    @property
    def total_ms(self) -> float:
        """Milliseconds per invoke summed over all operators."""
        return sum(n.ms for n in self.nodes)


def _kernel_text(node) -> str:
    """The kernel column: "float32 (avx512)", "PAD + " before it where graph fusion made a PAD the node's padding,
    "+ ADD" / "+ RELU" / "+ HARD_SWISH" where it gave the node an ADD (a residual one, or a batch normalization's
    shift) or an activation to apply, "fused into node 12" for a node that node applies (it takes no time of its
    own)."""
    if node["fused_into"] is not None:
        return f"fused into node {node['fused_into']}"
    text = node["kernel"] or ""
    if node.get("fused_pad") is not None:
        text = f"PAD + {text}"
    if node.get("fused_addend") is not None:
        text += " + ADD"
    if node["fused_activation"]:
        text += f" + {node['fused_activation']}"
    return f"{text} + HARD_SWISH" if node.get("fused_hard_swish") else text


def profile_interpreter(interp, runs: int) -> Profile:
    """Per-node times of subgraph 0 over `runs` invokes, from the core's profiler (the Python Interpreter has
    no profiling API, as LiteRT's has none)."""
    core = interp._core
    core.enable_profiling(0, True)
    try:
        for _ in range(runs):
            interp.invoke()
        done = max(1, core.profile_runs(0))
        kernels = {n["index"]: _kernel_text(n) for n in interp._get_ops_details()}
        nodes = [NodeTime(index=n, op_name=op, kernel=kernels.get(n, ""), ms=ns / done / 1e6)
                 for n, op, ns in core.profile(0)]
    finally:
        core.enable_profiling(0, False)
    return Profile(runs=done, nodes=nodes)


def _print_profile(profile: Profile, top: int) -> None:
    total = profile.total_ms or 1e-12
    print(f"\nper-operator-type profile (average over {profile.runs} runs)")
    print(f"{'operator':<28} {'count':>5} {'avg ms':>9} {'%':>6} {'cum %':>6}")
    cum = 0.0
    for op, count, ms in profile.by_type():
        pct = 100.0 * ms / total
        cum += pct
        print(f"{op:<28} {count:>5} {ms:>9.3f} {pct:>6.1f} {cum:>6.1f}")
    print(f"\ntop {top} nodes")
    print(f"{'#':>4} {'operator':<28} {'avg ms':>9} {'%':>6}  kernel")
    for n in sorted(profile.nodes, key=lambda n: -n.ms)[:top]:
        print(f"{n.index:>4} {n.op_name:<28} {n.ms:>9.3f} {100.0 * n.ms / total:>6.1f}  {n.kernel}")


def cmd_benchmark(args) -> int:
    """`edgelite benchmark`: times invoke (median and percentiles), prints the per-operator profile and, with
    --plot, draws it. Returns the exit status; user errors raise CommandLineError or an edgelite error."""
    from . import _core
    from .interpreter import Interpreter
    check_input_file(args.model)
    if args.plot:
        if args.no_profile:
            raise CommandLineError("--plot draws the per-operator profile; it cannot go with --no-profile")
        check_output_file(args.plot, "--plot")
        from .visual.profile_plot import require_matplotlib
        require_matplotlib()  # before the timing, not after it
    delegates = []
    if args.delegate:
        from .cli_common import load_cli_delegate
        delegates.append(load_cli_delegate(args.delegate, args.delegate_option))
    interp = Interpreter(model_path=args.model, num_threads=args.threads, experimental_delegates=delegates)
    start = time.perf_counter()
    interp.allocate_tensors()
    prepare_ms = (time.perf_counter() - start) * 1000
    print(f"model: {args.model}  threads: {args.threads}  warm-up: {args.warmup}  runs: {args.runs}  "
          f"instruction set: {_core.cpu_features()['best_available']}")
    if delegates:
        from .cli_common import delegate_summary
        print(f"delegate {delegate_summary(interp)}; allocate_tensors {prepare_ms:.1f} ms")
        for n in interp.get_ops_details():
            if n["delegate_note"]:
                print(f"  on the CPU: node {n['index']} {n['op_name']}: {n['delegate_note']}")
    sys.stdout.flush()  # the header shows the run has started (and tests wait for it)
    times = benchmark_interpreter(interp, args.runs, args.warmup)
    print(f"latency ms: median {np.median(times):.3f}  mean {times.mean():.3f}  min {times.min():.3f}  "
          f"p90 {np.percentile(times, 90):.3f}  p99 {np.percentile(times, 99):.3f}")
    if args.no_profile:
        return 0
    profile = profile_interpreter(interp, max(1, min(args.runs, 20)))
    _print_profile(profile, args.top)
    if args.plot:
        from .visual.profile_plot import plot_profile
        plot_profile(profile, args.plot, title=f"{args.model} — {args.threads} thread(s), "
                                               f"{_core.cpu_features()['best_available']}")
        print(f"\nprofile drawn to {args.plot}")
    return 0


def add_parser(sub, common) -> None:
    """Adds the `benchmark` subcommand and its options to the subparsers `sub` (`common`: shared options)."""
    from .cli_common import add_command, non_negative_int, positive_int
    b = add_command(sub, common, "benchmark", "time a model: median and percentiles, and a per-operator profile",
                    "Time a model on random inputs: warm-up invokes, then timed ones (median, mean, min, p90, "
                    "p99), then a per-operator profile over up to 20 more.", cmd_benchmark)
    b.add_argument("model", help="the .tflite file")
    from .cli_common import add_delegate_arguments
    add_delegate_arguments(b)
    b.add_argument("--threads", type=positive_int, default=1, help="CPU threads for the kernels")
    b.add_argument("--runs", type=positive_int, default=50, help="timed invokes")
    b.add_argument("--warmup", type=non_negative_int, default=5, help="untimed invokes before the timed ones")
    b.add_argument("--top", type=positive_int, default=10, help="how many of the slowest nodes to list")
    b.add_argument("--no-profile", action="store_true", help="skip the per-operator profile")
    b.add_argument("--plot", metavar="OUT.png",
                   help="draw the per-operator profile to a PNG (needs matplotlib: pip install "
                        "'edgelite[plot]'); default: no picture")
