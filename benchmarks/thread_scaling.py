"""How edgelite (and LiteRT with XNNPACK beside it) speeds up from 1 to N threads, measured in one process.

Interpreters at 1 and at N threads run the same model on the same input, alternating in rounds so that
machine noise hits both alike; the speed-up is the ratio of medians (1-thread ms / N-thread ms). On a
shared machine the N-thread figure needs N idle cores: compare edgelite's speed-up with XNNPACK's from the
same run rather than with a target. When other jobs load the machine, --stat min (the fastest run of each)
shows what the code does when it gets its cores.

    python benchmarks/thread_scaling.py [MODEL.tflite ...] [--threads 2] [--rounds 9] [--runs 10] [--no-litert] [--stat min]
"""

import argparse
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from compare_litert import (DEFAULT_MODELS, MODELS, edgelite_interpreter, litert_interpreter,  # noqa: E402
                            make_inputs, time_runs)

SCALING_MODELS = DEFAULT_MODELS + [os.path.join(MODELS, "tf", "mobilenet_v3_small.tflite")]


def scaling(path, threads, rounds, runs, with_litert, stat):
    interps = {("edgelite", 1): edgelite_interpreter(path, 1), ("edgelite", threads): edgelite_interpreter(path, threads)}
    if with_litert:
        interps[("xnnpack", 1)] = litert_interpreter(path, 1, xnnpack=True)
        interps[("xnnpack", threads)] = litert_interpreter(path, threads, xnnpack=True)
    inputs = make_inputs(interps[("edgelite", 1)].get_input_details())
    for interp in interps.values():
        for d, x in zip(interp.get_input_details(), inputs):
            interp.set_tensor(d["index"], x)
        interp.invoke()
        interp.invoke()
    times = {key: [] for key in interps}
    for _ in range(rounds):
        for key, interp in interps.items():
            times[key].extend(time_runs(interp, runs))
    return {key: stat(t) * 1e3 for key, t in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-litert", action="store_true", help="time edgelite only")
    parser.add_argument("--stat", choices=["median", "min"], default="median")
    args = parser.parse_args()
    n = args.threads
    print(f"1 vs {n} threads, {args.rounds} rounds x {args.runs} runs each, alternating, {args.stat} ms")
    head = f"{'model':40s} {'edgelite 1t':>11s} {f'{n}t':>7s} {'speed-up':>8s}"
    if not args.no_litert:
        head += f" {'XNNPACK 1t':>10s} {f'{n}t':>7s} {'speed-up':>8s}"
    print(head)
    for path in args.models or SCALING_MODELS:
        ms = scaling(path, n, args.rounds, args.runs, not args.no_litert,
                     statistics.median if args.stat == "median" else min)
        line = f"{os.path.basename(path):40s} {ms[('edgelite', 1)]:11.3f} {ms[('edgelite', n)]:7.3f} " \
               f"{ms[('edgelite', 1)] / ms[('edgelite', n)]:7.2f}x"
        if not args.no_litert:
            line += f" {ms[('xnnpack', 1)]:10.3f} {ms[('xnnpack', n)]:7.3f} {ms[('xnnpack', 1)] / ms[('xnnpack', n)]:7.2f}x"
        print(line, flush=True)


if __name__ == "__main__":
    main()
