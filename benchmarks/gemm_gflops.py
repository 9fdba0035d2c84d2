"""GFLOP/s of edgelite's float CONV_2D per layer, against the core's FMA peak.

Each layer is a one-op model (random weights: speed does not depend on them) run alone (at 1 thread timed
by the thread's CPU time, so that other processes on a shared machine do not count); GFLOP/s counts 2 * out_pixels * out_c * kh * kw * in_c / groups per invoke, in the fastest of the runs
(other processes only ever add time). The peak is
FMA ports x float lanes x 2 flops x GHz (AVX-512 on a two-FMA-port core at 3.0 GHz: 2 x 16 x 2 x 3.0 =
192 GFLOP/s: the development machine says 2.1 GHz nominal, but its fastest 1x1 layers run at 155 GFLOP/s, so
it turbos to about 3 GHz); pass --ghz and --fma-ports for the machine at hand, --lanes 8 for an AVX2 one.

    python benchmarks/gemm_gflops.py [--set resnet50|mobilenet|all] [--runs 20] [--threads 1] [--ghz 3.0]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

# (name, input NHWC, out_c, kernel, stride, padding)
RESNET50 = [
    ("conv1 7x7/2", (1, 224, 224, 3), 64, 7, 2, "SAME"),
    ("res2 1x1 64->64", (1, 56, 56, 64), 64, 1, 1, "SAME"),
    ("res2 3x3 64", (1, 56, 56, 64), 64, 3, 1, "SAME"),
    ("res2 1x1 64->256", (1, 56, 56, 64), 256, 1, 1, "SAME"),
    ("res2 1x1 256->64", (1, 56, 56, 256), 64, 1, 1, "SAME"),
    ("res3 3x3 128/2", (1, 56, 56, 128), 128, 3, 2, "SAME"),
    ("res3 3x3 128", (1, 28, 28, 128), 128, 3, 1, "SAME"),
    ("res3 1x1 128->512", (1, 28, 28, 128), 512, 1, 1, "SAME"),
    ("res3 1x1 512->128", (1, 28, 28, 512), 128, 1, 1, "SAME"),
    ("res4 3x3 256", (1, 14, 14, 256), 256, 3, 1, "SAME"),
    ("res4 1x1 256->1024", (1, 14, 14, 256), 1024, 1, 1, "SAME"),
    ("res4 1x1 1024->256", (1, 14, 14, 1024), 256, 1, 1, "SAME"),
    ("res5 3x3 512", (1, 7, 7, 512), 512, 3, 1, "SAME"),
    ("res5 1x1 512->2048", (1, 7, 7, 512), 2048, 1, 1, "SAME"),
    ("res5 1x1 2048->512", (1, 7, 7, 2048), 512, 1, 1, "SAME"),
]
MOBILENET = [
    ("mnv2 first 3x3/2 3->32", (1, 224, 224, 3), 32, 3, 2, "SAME"),
    ("mnv3s first 3x3/2 3->16", (1, 224, 224, 3), 16, 3, 2, "SAME"),
    ("mnv2 1x1 16->96", (1, 112, 112, 16), 96, 1, 1, "SAME"),
    ("mnv2 1x1 144->24", (1, 56, 56, 144), 24, 1, 1, "SAME"),
    ("mnv2 1x1 32->192", (1, 28, 28, 32), 192, 1, 1, "SAME"),
    ("mnv2 1x1 384->64", (1, 14, 14, 384), 64, 1, 1, "SAME"),
    ("mnv2 1x1 960->320", (1, 7, 7, 960), 320, 1, 1, "SAME"),
    ("mnv2 1x1 320->1280", (1, 7, 7, 320), 1280, 1, 1, "SAME"),
]
SETS = {"resnet50": RESNET50, "mobilenet": MOBILENET, "all": RESNET50 + MOBILENET}


def conv_model(x_shape, out_c, kernel, stride, padding, seed=0):
    from edgelite.testing import single_op_model

    rng = np.random.default_rng(seed)
    w = rng.uniform(-0.1, 0.1, (out_c, kernel, kernel, x_shape[3])).astype(np.float32)
    b = rng.uniform(-0.1, 0.1, (out_c,)).astype(np.float32)
    x = np.zeros(x_shape, np.float32)
    opts = {"padding": padding, "stride_h": stride, "stride_w": stride, "dilation_h_factor": 1,
            "dilation_w_factor": 1, "fused_activation_function": "RELU"}
    return single_op_model("CONV_2D", [x, w, b], opts, constant_inputs=(1, 2))


def time_layer(model, x_shape, threads, runs):
    import edgelite

    interp = edgelite.Interpreter(model_content=model, num_threads=threads)
    interp.allocate_tensors()
    index = interp.get_input_details()[0]["index"]
    interp.set_tensor(index, np.random.default_rng(1).uniform(-1, 1, x_shape).astype(np.float32))
    for _ in range(3):
        interp.invoke()
    # On one thread the op runs on the calling thread: its CPU time leaves out the time a busy machine keeps
    # it off the core. With more threads, wall time.
    clock = time.thread_time if threads == 1 else time.perf_counter
    times = []
    for _ in range(runs):
        t0 = clock()
        interp.invoke()
        times.append(clock() - t0)
    out_shape = interp.get_output_details()[0]["shape"]
    # The fastest run: on a shared machine other work only ever adds time.
    return min(times), out_shape


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=sorted(SETS), default="all")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--ghz", type=float, default=3.0, help="core clock under AVX-512 load")
    parser.add_argument("--fma-ports", type=int, default=2)
    parser.add_argument("--lanes", type=int, default=16, help="floats per vector: 16 AVX-512, 8 AVX2")
    args = parser.parse_args(argv)
    peak = args.fma_ports * args.lanes * 2 * args.ghz * args.threads
    print(f"peak {peak:.1f} GFLOP/s ({args.fma_ports} FMA ports x {args.lanes} lanes x 2 x {args.ghz} GHz"
          f" x {args.threads} threads)")
    print(f"{'layer':28s} {'input':>16s} {'out_c':>6s} {'ms':>8s} {'GFLOP/s':>8s} {'% peak':>7s}")
    total_flops = total_s = 0.0
    for name, x_shape, out_c, kernel, stride, padding in SETS[args.set]:
        model = conv_model(x_shape, out_c, kernel, stride, padding)
        seconds, out_shape = time_layer(model, x_shape, args.threads, args.runs)
        flops = 2.0 * np.prod(out_shape[:3]) * out_c * kernel * kernel * x_shape[3]
        total_flops += flops
        total_s += seconds
        gflops = flops / seconds / 1e9
        print(f"{name:28s} {'x'.join(map(str, x_shape[1:])):>16s} {out_c:6d} {seconds * 1e3:8.3f} {gflops:8.1f}"
              f" {100 * gflops / peak:6.1f}%")
    gflops = total_flops / total_s / 1e9
    print(f"{'all layers':28s} {'':>16s} {'':>6s} {total_s * 1e3:8.3f} {gflops:8.1f} {100 * gflops / peak:6.1f}%")


if __name__ == "__main__":
    main()
