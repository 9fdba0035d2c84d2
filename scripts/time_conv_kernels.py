"""Informal timing of the convolution-family kernels against LiteRT's builtin kernels (XNNPACK off).

Builds one-op models at MobileNet-v2 / BlazeFace layer shapes, plus two synthetic whole networks made only
of these operators and ADD (MobileNet-v2's layer list at 224x224, and a BlazeFace-like detector body at
128x128 with its odd channel counts), and runs them through benchmarks/compare_litert.py's side-by-side
timer. Not part of the test suite; random weights, so only the timings mean anything.

With --golden MODEL.tflite ..., times instead every layer of this family in those models alone (as a one-op
model with the model's weights and options, on the inputs LiteRT gave it) and sums them per model.

    PYTHONPATH=build/<you>/site python scripts/time_conv_kernels.py [--threads 1] [--only NAME]
    PYTHONPATH=build/<you>/site python scripts/time_conv_kernels.py --golden tests/models/tf/mobilenet_v2.tflite
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

import numpy as np

from edgelite.model_builder import ModelBuilder
from edgelite.testing import single_op_model

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "benchmarks"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "interpreter", "kernels"))
from compare_litert import compare  # noqa: E402
from conv_family import golden_layers  # noqa: E402

FAMILY = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "BATCH_MATMUL", "AVERAGE_POOL_2D", "MAX_POOL_2D")

RNG = np.random.default_rng(0)


def weights(*shape):
    return (RNG.standard_normal(shape) * (2.0 / np.prod(shape[1:])) ** 0.5).astype(np.float32)


def conv_options(stride=1, activation="RELU6", padding="SAME"):
    return {"padding": padding, "stride_h": stride, "stride_w": stride, "fused_activation_function": activation}


class Net:
    """A tiny layer-stacking helper over ModelBuilder for the synthetic networks."""

    def __init__(self, shape):
        self.b = ModelBuilder()
        self.x = self.b.add_input("image", list(shape))
        self.n = 0

    def op(self, name, inputs, options):
        self.n += 1
        out = self.b.add_tensor(f"t{self.n}")
        self.b.add_operator(name, inputs, [out], options)
        return out

    def conv(self, x, in_c, out_c, k=1, stride=1, activation="RELU6"):
        w = self.b.add_constant(f"w{self.n}", weights(out_c, k, k, in_c))
        bias = self.b.add_constant(f"b{self.n}", np.zeros(out_c, np.float32))
        return self.op("CONV_2D", [x, w, bias], conv_options(stride, activation))

    def dw(self, x, c, stride=1, k=3, activation="RELU6"):
        w = self.b.add_constant(f"w{self.n}", weights(1, k, k, c))
        bias = self.b.add_constant(f"b{self.n}", np.zeros(c, np.float32))
        return self.op("DEPTHWISE_CONV_2D", [x, w, bias], dict(conv_options(stride, activation), depth_multiplier=1))

    def build(self, outputs):
        for o in outputs:
            self.b.mark_output(o)
        return self.b.build()


def mobilenet_v2():
    net = Net((1, 224, 224, 3))
    x, c = net.conv(net.x, 3, 32, k=3, stride=2), 32
    for t, out_c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                           (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            stride = s if i == 0 else 1
            h = net.conv(x, c, c * t) if t != 1 else x
            h = net.dw(h, c * t, stride)
            h = net.conv(h, c * t, out_c, activation="NONE")
            x = net.op("ADD", [x, h], {}) if stride == 1 and c == out_c else h
            c = out_c
    x = net.conv(x, c, 1280)
    x = net.op("AVERAGE_POOL_2D", [x], {"padding": "VALID", "filter_height": 7, "filter_width": 7,
                                        "stride_h": 1, "stride_w": 1})
    w = net.b.add_constant("fc_w", weights(1001, 1280))
    x = net.op("FULLY_CONNECTED", [x, w, net.b.add_constant("fc_b", np.zeros(1001, np.float32))], {})
    return net.build([x])


def blazeface_like():
    # Channel counts of MediaPipe's short-range face detector; residuals where shapes allow (the real
    # model pads channels with PAD, which this family does not own).
    net = Net((1, 128, 128, 3))
    x, c = net.conv(net.x, 3, 24, k=5, stride=2, activation="RELU"), 24
    heads = []
    for out_c, stride in [(24, 1), (28, 1), (32, 2), (36, 1), (42, 1), (48, 2), (56, 1), (64, 1), (72, 1),
                          (80, 1), (88, 1), (96, 2), (96, 1), (96, 1), (96, 1), (96, 1)]:
        h = net.dw(x, c, stride, activation="NONE")
        h = net.conv(h, c, out_c, activation="NONE" if c == out_c else "RELU")
        if c == out_c:
            skip = x if stride == 1 else net.op("MAX_POOL_2D", [x], {"padding": "VALID", "filter_height": 2,
                                                                     "filter_width": 2, "stride_h": 2, "stride_w": 2})
            h = net.op("ADD", [skip, h], {"fused_activation_function": "RELU"})
        x, c = h, out_c
        if out_c == 88:
            heads += [net.conv(x, c, 2, activation="NONE"), net.conv(x, c, 32, activation="NONE")]
    heads += [net.conv(x, c, 6, activation="NONE"), net.conv(x, c, 96, activation="NONE")]
    return net.build(heads)


def one_op(name, x_shape, inputs, options, constant=(1, 2)):
    x = RNG.standard_normal(x_shape).astype(np.float32)
    return single_op_model(name, [x] + inputs, options, constant_inputs=constant)


def conv_case(x_shape, out_c, k=1, stride=1):
    w, b = weights(out_c, k, k, x_shape[3]), np.zeros(out_c, np.float32)
    return lambda: one_op("CONV_2D", x_shape, [w, b], conv_options(stride))


def depthwise_case(x_shape, stride=1):
    w, b = weights(1, 3, 3, x_shape[3]), np.zeros(x_shape[3], np.float32)
    return lambda: one_op("DEPTHWISE_CONV_2D", x_shape, [w, b], dict(conv_options(stride), depth_multiplier=1))


def pool_case(op, x_shape, size, stride):
    return lambda: one_op(op, x_shape, [], {"padding": "VALID", "filter_height": size, "filter_width": size,
                                            "stride_h": stride, "stride_w": stride})


def cases():
    return {
        "conv1x1 56x56x24->144": conv_case((1, 56, 56, 24), 144),
        "conv1x1 7x7x960->320": conv_case((1, 7, 7, 960), 320),
        "conv3x3/2 224x224x3->32": conv_case((1, 224, 224, 3), 32, k=3, stride=2),
        "conv3x3 28x28x64->64": conv_case((1, 28, 28, 64), 64, k=3),
        "dw3x3 112x112x32": depthwise_case((1, 112, 112, 32)),
        "dw3x3/2 112x112x96": depthwise_case((1, 112, 112, 96), stride=2),
        "dw3x3 64x64x28": depthwise_case((1, 64, 64, 28)),
        "fc 1280->1001": lambda: one_op("FULLY_CONNECTED", (1, 1280), [weights(1001, 1280),
                                                                       np.zeros(1001, np.float32)], {}),
        "maxpool2x2/2 64x64x24": pool_case("MAX_POOL_2D", (1, 64, 64, 24), 2, 2),
        "avgpool7x7 7x7x1280": pool_case("AVERAGE_POOL_2D", (1, 7, 7, 1280), 7, 1),
        "bmm 8x(50x64 @ 64x50)": lambda: single_op_model(
            "BATCH_MATMUL", [RNG.standard_normal((8, 50, 64)).astype(np.float32),
                             RNG.standard_normal((8, 64, 50)).astype(np.float32)], {}),
        "mobilenet_v2 (synthetic)": mobilenet_v2,
        "blazeface-like (synthetic)": blazeface_like,
    }


def time_golden(paths, args):
    print(f"{'model (family layers only)':<44} {'layers':>6} {'edgelite ms':>12} {'LiteRT ms':>10} {'ratio':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for model in paths:
            total_ours = total_theirs = 0.0
            layers = list(golden_layers(model, FAMILY))
            for layer in layers:
                path = os.path.join(tmp, "layer.tflite")
                with open(path, "wb") as f:
                    f.write(single_op_model(layer.op, layer.inputs, layer.options,
                                            constant_inputs=layer.constant_inputs, version=layer.version))
                ours, theirs, _ = compare(path, args.threads, args.rounds, args.runs)
                total_ours += ours
                total_theirs += theirs
            print(f"{os.path.basename(model):<44} {len(layers):>6} {total_ours:>12.3f} {total_theirs:>10.3f} "
                  f"{total_ours / total_theirs:>7.2f}", flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--only", default=None, help="run the cases whose name contains this")
    p.add_argument("--golden", nargs="+", default=None, help="time the family's layers of these models")
    args = p.parse_args(argv)
    print(f"threads={args.threads}; LiteRT with BUILTIN_WITHOUT_DEFAULT_DELEGATES")
    if args.golden:
        time_golden(args.golden, args)
        return 0
    print(f"{'case':<28} {'edgelite ms':>12} {'LiteRT ms':>10} {'ratio':>7} {'max rel diff':>13}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in cases().items():
            if args.only and args.only not in name:
                continue
            path = os.path.join(tmp, "model.tflite")
            with open(path, "wb") as f:
                f.write(make())
            ours, theirs, worst = compare(path, args.threads, args.rounds, args.runs)
            print(f"{name:<28} {ours:>12.3f} {theirs:>10.3f} {ours / theirs:>7.2f} {worst:>13.2e}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
