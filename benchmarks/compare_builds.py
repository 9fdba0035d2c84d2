"""Side-by-side latency of two edgelite builds (say main's and a branch's), to check that a build change (flags,
kernel tables) costs no speed. Each build runs in a worker process of its own (one `edgelite._core` per
process); the workers take turns, one round of timed invokes each (after 20 ms of untimed ones), so that machine
noise hits both alike, and the result is the ratio of medians (B / A; above 1 is slower) and, steadier where the
machine's speed drifts, the median over rounds of the ratio within a round ("paired"). The outputs of the two
builds must be equal.

    python benchmarks/compare_builds.py A_SITE B_SITE [MODEL.tflite ...] [--threads 1] [--rounds 9] [--runs 10]
        [--cpu]

--cpu times each invoke by the calling thread's CPU time instead of the wall clock, so that time spent off the
core (another tenant's turn) does not count; at more than one thread it counts only the calling thread's share.
`best` is the ratio of the fastest runs (B / A). On a busy Zen 3 host an A/A run of one build against a copy of
itself had medians 0.85-1.07 apart by either clock, the fastest runs 0.94-1.00: there only `best` tells 5% apart.

A_SITE and B_SITE are install directories holding the `edgelite` package (scripts/dev_build.sh's BUILD/site).
Without models: MobileNet v2 float and the full-integer int8 MobileNet v2 from tests/models.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "tests", "models")
DEFAULT_MODELS = [
    os.path.join(MODELS, "tf", "mobilenet_v2.tflite"),
    os.path.join(MODELS, "tf_quant", "mobilenet_v2_int8.tflite"),
]

# The worker: loads the model in the build on its PYTHONPATH, then answers "RUNS\n" with the times of that many
# invokes (one JSON line) and "OUT\n" with a digest of the outputs.
WORKER = r"""
import hashlib, json, sys, time
import numpy as np
sys.path.insert(0, sys.argv[3])
from compare_litert import make_inputs, warm_up
import edgelite
interp = edgelite.Interpreter(model_path=sys.argv[1], num_threads=int(sys.argv[2]))
interp.allocate_tensors()
for d, x in zip(interp.get_input_details(), make_inputs(interp.get_input_details())):
    interp.set_tensor(d["index"], x)
interp.invoke(); interp.invoke()
clock = time.thread_time if sys.argv[4] == "cpu" else time.perf_counter
print(json.dumps({"core": edgelite._core.__file__}), flush=True)
for line in sys.stdin:
    if line.strip() == "OUT":
        h = hashlib.sha256()
        for d in interp.get_output_details():
            h.update(np.ascontiguousarray(interp.get_tensor(d["index"])).tobytes())
        print(json.dumps({"digest": h.hexdigest()}), flush=True)
        continue
    warm_up(interp)
    times = []
    for _ in range(int(line)):
        t = clock(); interp.invoke(); times.append(clock() - t)
    print(json.dumps({"times": times}), flush=True)
"""


class Worker:
    def __init__(self, site: str, model: str, threads: int, clock: str):
        env = dict(os.environ, PYTHONPATH=os.path.abspath(site))
        self.proc = subprocess.Popen([sys.executable, "-c", WORKER, model, str(threads), HERE, clock], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.core = self.ask(None)["core"]

    def ask(self, line):
        if line is not None:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        if not reply:
            raise RuntimeError(f"worker for {self.proc.args[3]} exited ({self.proc.wait()})")
        return json.loads(reply)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def compare(sites, model, threads, rounds, runs, clock="wall"):
    workers = [Worker(site, model, threads, clock) for site in sites]
    try:
        if workers[0].core == workers[1].core:
            raise SystemExit(f"both builds load the same module: {workers[0].core}")
        same = workers[0].ask("OUT")["digest"] == workers[1].ask("OUT")["digest"]
        times = [[], []]
        paired = []  # per round, B's median over A's: the two rounds ran next to each other, under the same drift
        for r in range(rounds):
            order = (0, 1) if r % 2 == 0 else (1, 0)  # neither build always goes first
            medians = [0.0, 0.0]
            for i in order:
                t = workers[i].ask(str(runs))["times"]
                times[i] += t
                medians[i] = float(np.median(t))
            paired.append(medians[1] / medians[0])
        return ([float(np.median(t)) * 1e3 for t in times], float(np.median(paired)), same,
                float(np.min(times[1]) / np.min(times[0])))
    finally:
        for w in workers:
            w.close()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("a_site")
    p.add_argument("b_site")
    p.add_argument("models", nargs="*")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=9)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--cpu", action="store_true", help="time by the calling thread's CPU time")
    args = p.parse_args(argv)
    models = args.models or [m for m in DEFAULT_MODELS if os.path.exists(m)]
    clock = "cpu" if args.cpu else "wall"
    print(f"A={args.a_site}  B={args.b_site}  threads={args.threads}  {args.rounds} rounds x {args.runs} runs, "
          f"{clock} time")
    print(f"{'model':<32} {'A ms':>8} {'B ms':>8} {'B/A':>6} {'paired':>6} {'best':>6}  outputs")
    for path in models:
        (a, b), paired, same, best = compare([args.a_site, args.b_site], path, args.threads, args.rounds,
                                             args.runs, clock)
        print(f"{os.path.basename(path):<32} {a:>8.3f} {b:>8.3f} {b / a:>6.3f} {paired:>6.3f} {best:>6.3f}  "
              f"{'equal' if same else 'DIFFER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
