"""The networks the ONNX model zoo ships from Caffe/Caffe2, MXNet, WinMLTools and early PyTorch, in plain
torch.nn at narrow widths and small inputs, laid out like the originals: BVLC AlexNet, BVLC GoogLeNet
(Inception v1), SqueezeNet 1.0 (Caffe) and 1.1 (torchvision), VGG-16 with batch norm (MXNet), ShuffleNet v1
(Caffe2) and Tiny YOLO (v2 backbone, v3-tiny second scale). make_legacy_onnx_models.py exports them and
rewrites the graphs into the forms those exporters wrote.

Operators that torch 2.13 no longer writes in their old form are exported through autograd Functions
whose `symbolic` writes the ONNX node directly: Dropout with its mask output (torch drops Dropout in eval),
LRN as one node (torch decomposes it), ImageScaler (an opset 1 experimental op WinMLTools wrote), and
Upsample with a `scales` attribute (opset 7/8; torch can only write it at opset 9, as an input). Each
forward computes what the ONNX node computes, so the module is its own reference.
"""

from __future__ import annotations

from typing import Callable, Dict, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from onnx_architectures import Fire, OnnxLRN, randomize


class OnnxDropout(torch.autograd.Function):
    """Identity at inference, exported as Dropout(ratio) with its mask as a second output, as exporters
    before opset 12 wrote it (the mask is listed and never read)."""

    @staticmethod
    def forward(ctx, x, ratio: float):
        return x.clone()

    @staticmethod
    def symbolic(g, x, ratio):
        y, _mask = g.op("Dropout", x, ratio_f=ratio, outputs=2)
        return y


class Dropout(nn.Module):
    def __init__(self, ratio: float = 0.5):
        super().__init__()
        self.ratio = ratio

    def forward(self, x):
        return OnnxDropout.apply(x, self.ratio)


class LRN(nn.Module):
    """Caffe's across-channel LRN, one ONNX LRN node. alpha is Caffe's 1e-4 times 500: Caffe's nets see
    pixels in 0..255, these see activations near 1, and the normalization should still matter."""

    def __init__(self, size=5, alpha=0.05, beta=0.75, k=1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, x):
        return OnnxLRN.apply(x, self.size, self.alpha, self.beta, self.k)


class OnnxSoftmax(torch.autograd.Function):
    """Softmax as opset 1-12 define it (over everything from `axis` on, flattened), one Softmax node: how
    Caffe2 wrote the softmax over a [N, classes, 1, 1] map (torch writes Transpose-Softmax-Transpose)."""

    @staticmethod
    def forward(ctx, x, axis: int):
        return x.flatten(axis).softmax(axis).view_as(x)

    @staticmethod
    def symbolic(g, x, axis):
        return g.op("Softmax", x, axis_i=axis)


class OnnxImageScaler(torch.autograd.Function):
    """y = scale * x + bias[c]: the ImageScaler node WinMLTools put in front of Tiny YOLO v2."""

    @staticmethod
    def forward(ctx, x, scale: float, bias: Sequence[float]):
        return x * scale + torch.tensor(bias, dtype=x.dtype).view(1, -1, 1, 1)

    @staticmethod
    def symbolic(g, x, scale, bias):
        return g.op("ImageScaler", x, scale_f=scale, bias_f=list(bias))


class OnnxUpsample(torch.autograd.Function):
    """Nearest upsampling by integer factors, written as opset 7/8 Upsample(scales=[1, 1, s, s])."""

    @staticmethod
    def forward(ctx, x, factor: int):
        return F.interpolate(x, scale_factor=factor, mode="nearest")

    @staticmethod
    def symbolic(g, x, factor):
        return g.op("Upsample", x, scales_f=[1.0, 1.0, float(factor), float(factor)], mode_s="nearest")


class OnnxPaddedMaxPool(torch.autograd.Function):
    """A max pool with pads after the input only, written as one MaxPool node with asymmetric pads (as
    converters from Darknet and Caffe wrote it; torch's MaxPool2d pads both sides alike)."""

    @staticmethod
    def forward(ctx, x, kernel: int, stride: int, pad_after: int):
        return F.max_pool2d(F.pad(x, (0, pad_after, 0, pad_after), value=float("-inf")), kernel, stride)

    @staticmethod
    def symbolic(g, x, kernel, stride, pad_after):
        return g.op("MaxPool", x, kernel_shape_i=[kernel, kernel], strides_i=[stride, stride],
                    pads_i=[0, 0, pad_after, pad_after])


def conv_relu(cin, cout, k, stride=1, padding=0, groups=1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, padding, groups=groups), nn.ReLU())


# ---- BVLC AlexNet: conv-relu-LRN-pool twice, grouped convolutions (the two-GPU split), dropout FCs ----
class BvlcAlexNet(nn.Module):
    def __init__(self, widths=(16, 32, 48, 48, 32), hidden=64, classes=10, spatial=3):
        super().__init__()
        c1, c2, c3, c4, c5 = widths
        pool = lambda: nn.MaxPool2d(3, 2, ceil_mode=True)  # noqa: E731  (Caffe rounds pooled sizes up)
        self.features = nn.Sequential(
            conv_relu(3, c1, 11, 4), LRN(), pool(), conv_relu(c1, c2, 5, padding=2, groups=2), LRN(), pool(),
            conv_relu(c2, c3, 3, padding=1), conv_relu(c3, c4, 3, padding=1, groups=2),
            conv_relu(c4, c5, 3, padding=1, groups=2), pool())
        self.classifier = nn.Sequential(nn.Linear(c5 * spatial * spatial, hidden), nn.ReLU(), Dropout(0.5),
                                        nn.Linear(hidden, hidden), nn.ReLU(), Dropout(0.5), nn.Linear(hidden, classes))
        self.classifier[-1].feeds_softmax = True

    def forward(self, x):
        x = self.features(x)
        return F.softmax(self.classifier(x.view(x.size(0), -1)), 1)


# ---- BVLC GoogLeNet / Inception v1: LRN, ceil-mode pools, 1x1 | 3x3 | 5x5 | pool branches ----
class InceptionV1Block(nn.Module):
    def __init__(self, cin, c1, c3r, c3, c5r, c5, cp):
        super().__init__()
        self.b1 = conv_relu(cin, c1, 1)
        self.b3 = nn.Sequential(conv_relu(cin, c3r, 1), conv_relu(c3r, c3, 3, padding=1))
        self.b5 = nn.Sequential(conv_relu(cin, c5r, 1), conv_relu(c5r, c5, 5, padding=2))
        self.bp = nn.Sequential(nn.MaxPool2d(3, 1, 1), conv_relu(cin, cp, 1))  # the stride-1 pool branch

    def forward(self, x):
        return torch.cat([self.b1(x), self.b3(x), self.b5(x), self.bp(x)], 1)


class AuxHead(nn.Module):
    """GoogLeNet's auxiliary classifier: average pool 5x5 stride 3 (ceil mode, pad cells not counted),
    1x1 conv, two FCs with dropout 0.7, softmax."""

    def __init__(self, cin, width=16, hidden=32, classes=10, spatial=3):
        super().__init__()
        self.pool = nn.AvgPool2d(5, 3, ceil_mode=True, count_include_pad=False)
        self.conv = conv_relu(cin, width, 1)
        self.fc = nn.Sequential(nn.Linear(width * spatial * spatial, hidden), nn.ReLU(), Dropout(0.7),
                                nn.Linear(hidden, classes))
        self.fc[-1].feeds_softmax = True

    def forward(self, x):
        x = self.conv(self.pool(x))
        return F.softmax(self.fc(x.view(x.size(0), -1)), 1)


# BVLC's table (1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj) at 1/8 of the width.
GOOGLENET_BLOCKS = {"3a": (8, 12, 16, 2, 4, 4), "3b": (16, 16, 24, 4, 12, 8), "4a": (24, 12, 26, 2, 6, 8),
                    "4b": (20, 14, 28, 3, 8, 8), "4c": (16, 16, 32, 3, 8, 8), "4d": (14, 18, 36, 4, 8, 8),
                    "4e": (32, 20, 40, 4, 16, 16), "5a": (32, 20, 40, 4, 16, 16), "5b": (48, 24, 48, 6, 16, 16)}


class GoogLeNet(nn.Module):
    def __init__(self, classes=10, final_pool=5):
        super().__init__()
        pool = lambda: nn.MaxPool2d(3, 2, ceil_mode=True)  # noqa: E731
        self.stem = nn.Sequential(conv_relu(3, 8, 7, 2, 3), pool(), LRN(), conv_relu(8, 8, 1),
                                  conv_relu(8, 24, 3, padding=1), LRN(), pool())
        blocks, cin = {}, 24
        for name, widths in GOOGLENET_BLOCKS.items():
            blocks[name] = InceptionV1Block(cin, *widths)
            cin = widths[0] + widths[2] + widths[4] + widths[5]
        self.blocks = nn.ModuleDict(blocks)
        self.pool3, self.pool4 = pool(), pool()
        self.aux = AuxHead(sum(GOOGLENET_BLOCKS["4a"][i] for i in (0, 2, 4, 5)), classes=classes)
        self.final_pool = nn.AvgPool2d(final_pool, 1)
        self.dropout = Dropout(0.4)
        self.fc = nn.Linear(cin, classes)
        self.fc.feeds_softmax = True

    def forward(self, x):
        x = self.stem(x)
        x = self.blocks["3b"](self.blocks["3a"](x))
        x = self.blocks["4a"](self.pool3(x))
        aux = self.aux(x)
        for name in ("4b", "4c", "4d", "4e"):
            x = self.blocks[name](x)
        x = self.blocks["5b"](self.blocks["5a"](self.pool4(x)))
        x = self.dropout(self.final_pool(x))
        return F.softmax(self.fc(x.view(x.size(0), -1)), 1), aux


# ---- SqueezeNet: Caffe's 1.0 (7x7 stem, softmax on the pooled 4-D map) and torchvision's 1.1 ----
class SqueezeNet(nn.Module):
    def __init__(self, version: str, classes=10, final_pool=6):
        super().__init__()
        pool = lambda: nn.MaxPool2d(3, 2, ceil_mode=True)  # noqa: E731
        if version == "1.0":
            self.features = nn.Sequential(
                nn.Conv2d(3, 24, 7, 2), nn.ReLU(), pool(), Fire(24, 4, 16), Fire(32, 4, 16), Fire(32, 8, 32), pool(),
                Fire(64, 8, 32), Fire(64, 12, 48), Fire(96, 12, 48), Fire(96, 16, 64), pool(), Fire(128, 16, 64))
        else:
            self.features = nn.Sequential(
                nn.Conv2d(3, 16, 3, 2), nn.ReLU(), pool(), Fire(16, 4, 16), Fire(32, 4, 16), pool(),
                Fire(32, 8, 32), Fire(64, 8, 32), pool(), Fire(64, 12, 48), Fire(96, 12, 48), Fire(96, 16, 64),
                Fire(128, 16, 64))
        self.version = version
        # Caffe's global pooling and torchvision 0.x's AvgPool2d(13): an AveragePool as large as the map.
        self.classifier = nn.Sequential(Dropout(0.5), nn.Conv2d(128, classes, 1), nn.ReLU(),
                                        nn.AvgPool2d(final_pool, 1))
        self.classifier[1].feeds_softmax = version == "1.0"

    def forward(self, x):
        x = self.classifier(self.features(x))
        if self.version == "1.0":
            return OnnxSoftmax.apply(x, 1)  # Caffe2's softmaxout_1 keeps the [N, classes, 1, 1] shape
        return x.view(x.size(0), -1)


# ---- VGG-16 with batch norm, as MXNet's Gluon model zoo builds it (batch norm after every conv) ----
VGG16_STAGES = ((8, 2), (16, 2), (32, 3), (48, 3), (48, 3))  # (width, convs) per stage, a max pool after each


class Vgg16Bn(nn.Module):
    def __init__(self, stages=VGG16_STAGES, hidden=64, classes=10):
        super().__init__()
        layers, c = [], 3
        for width, convs in stages:
            for _ in range(convs):
                layers += [nn.Conv2d(c, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU()]
                c = width
            layers.append(nn.MaxPool2d(2, 2))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Linear(c, hidden), nn.ReLU(), Dropout(0.5), nn.Linear(hidden, hidden),
                                        nn.ReLU(), Dropout(0.5), nn.Linear(hidden, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


# ---- ShuffleNet v1 (g = 3): grouped 1x1 convs, channel shuffle, pooled shortcut concatenated ----
def channel_shuffle(x, groups: int):
    n, c, h, w = x.shape
    return x.view(n, groups, c // groups, h, w).transpose(1, 2).contiguous().view(n, c, h, w)


class ShuffleV1Unit(nn.Module):
    def __init__(self, cin, cout, stride, groups=3, first_grouped=True):
        super().__init__()
        self.stride, self.groups = stride, groups
        branch = cout - cin if stride == 2 else cout
        mid = cout // 4
        self.compress = nn.Sequential(nn.Conv2d(cin, mid, 1, groups=groups if first_grouped else 1, bias=False),
                                      nn.BatchNorm2d(mid), nn.ReLU())
        self.depthwise = nn.Sequential(nn.Conv2d(mid, mid, 3, stride, 1, groups=mid, bias=False), nn.BatchNorm2d(mid))
        self.expand = nn.Sequential(nn.Conv2d(mid, branch, 1, groups=groups, bias=False), nn.BatchNorm2d(branch))
        self.shortcut = nn.AvgPool2d(3, 2, 1, count_include_pad=False) if stride == 2 else None

    def forward(self, x):
        y = self.expand(self.depthwise(channel_shuffle(self.compress(x), self.groups)))
        if self.shortcut is not None:
            return F.relu(torch.cat([self.shortcut(x), y], 1))
        return F.relu(x + y)


class ShuffleNetV1(nn.Module):
    def __init__(self, stages=((48, 2), (96, 3), (192, 2)), classes=10, final_pool=4):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 24, 3, 2, 1, bias=False), nn.BatchNorm2d(24), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))
        units, cin = [], 24
        for i, (cout, repeats) in enumerate(stages):
            units.append(ShuffleV1Unit(cin, cout, 2, first_grouped=i > 0))  # stage 2's first 1x1 is dense
            units += [ShuffleV1Unit(cout, cout, 1) for _ in range(repeats - 1)]
            cin = cout
        self.units = nn.Sequential(*units)
        self.pool = nn.AvgPool2d(final_pool)
        self.fc = nn.Linear(cin, classes)
        self.fc.feeds_softmax = True

    def forward(self, x):
        x = self.pool(self.units(self.stem(x)))
        return F.softmax(self.fc(x.view(x.size(0), -1)), 1)


# ---- Tiny YOLO: v2's backbone (ImageScaler, conv-BN-leaky, a stride-1 2x2 max pool) and v3-tiny's
# second scale (1x1 conv, nearest Upsample x2, concat with the earlier map) ----
class LeakyAsMax(nn.Module):
    """max(x, 0.1 x): the leaky ReLU of graphs converted from TensorFlow 1.x (tf.maximum)."""

    def forward(self, x):
        return torch.max(x, 0.1 * x)


def conv_bn_leaky(cin, cout, k=3, leaky: nn.Module = None) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, k, 1, k // 2, bias=False), nn.BatchNorm2d(cout),
                         leaky if leaky is not None else nn.LeakyReLU(0.1))


class TinyYolo(nn.Module):
    def __init__(self, widths=(4, 8, 16, 16, 32, 32), anchors=5, classes=2):
        super().__init__()
        out = anchors * (5 + classes)
        layers, c = [], 3
        for i, w in enumerate(widths):
            layers.append(conv_bn_leaky(c, w))
            layers.append(nn.MaxPool2d(2, 2))
            c = w
        self.early, self.late = nn.Sequential(*layers[:8]), nn.Sequential(*layers[8:-1])
        self.head1 = nn.Sequential(conv_bn_leaky(c, 2 * c), nn.Conv2d(2 * c, out, 1))
        self.lateral = conv_bn_leaky(2 * c, 16, 1, LeakyAsMax())
        self.head2 = nn.Sequential(conv_bn_leaky(16 + widths[3], 32, 3, LeakyAsMax()), nn.Conv2d(32, out, 1))

    def forward(self, x):
        x = OnnxImageScaler.apply(x, 1.0 / 64, (-0.5, 0.25, 0.0))
        early = self.early(x)  # 16 channels at 1/16 of the input
        # The last max pool of Tiny YOLO v2 keeps the size: 2x2, stride 1, one row and column padded after.
        late = OnnxPaddedMaxPool.apply(self.late(early), 2, 1, 1)
        features = self.head1[0](late)
        grid = self.head1[1](features)
        up = OnnxUpsample.apply(self.lateral(features), 2)
        return grid, self.head2(torch.cat([up, early], 1))


# name -> (builder, input shape at batch 1)
LEGACY_ARCHITECTURES: Dict[str, Tuple[Callable[[], nn.Module], Tuple[int, ...]]] = {
    "bvlc_alexnet": (BvlcAlexNet, (1, 3, 115, 115)),
    "bvlc_googlenet": (GoogLeNet, (1, 3, 160, 160)),
    "squeezenet1.0": (lambda: SqueezeNet("1.0"), (1, 3, 111, 111)),
    "squeezenet1.1": (lambda: SqueezeNet("1.1", final_pool=6), (1, 3, 100, 100)),
    "vgg16_bn": (Vgg16Bn, (1, 3, 32, 32)),
    "shufflenet_v1": (ShuffleNetV1, (1, 3, 112, 112)),
    "tiny_yolo": (TinyYolo, (1, 3, 96, 96)),
}


def he_init(model: nn.Module, seed: int) -> nn.Module:
    """He-normal weights and small random biases, so that activations keep their scale through 60 ReLU
    layers (torch's default initialization shrinks them layer by layer, leaving the output to the biases),
    then the logits of every softmax scaled to a standard deviation of 3 on a seeded input, so the
    probabilities are neither uniform nor one-hot."""
    torch.manual_seed(seed)
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            if m.bias is not None:
                nn.init.normal_(m.bias, 0.0, 0.1)
    return model


def calibrate_logits(model: nn.Module, shape, seed: int, target_std: float = 3.0) -> nn.Module:
    layers = [m for m in model.modules() if getattr(m, "feeds_softmax", False)]
    seen = {}
    hooks = [m.register_forward_hook(lambda mod, i, o: seen.__setitem__(mod, o)) for m in layers]
    with torch.no_grad():
        model(torch.randn(shape, generator=torch.Generator().manual_seed(seed)))
        for m in layers:
            factor = target_std / float(seen[m].std())
            m.weight.mul_(factor)
            m.bias.mul_(factor)
    for h in hooks:
        h.remove()
    return model


def build(name: str, seed: int = 0) -> Tuple[nn.Module, Tuple[int, ...]]:
    builder, shape = LEGACY_ARCHITECTURES[name]
    torch.manual_seed(seed)
    model = he_init(randomize(builder(), seed), seed)  # randomize moves the batch-norm statistics
    return calibrate_logits(model, (2,) + tuple(shape[1:]), seed + 1), shape
