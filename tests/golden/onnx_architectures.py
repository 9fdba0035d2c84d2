"""Classic CNN architectures in plain torch.nn, narrow but built like the originals (torchvision's layouts),
for exporting to ONNX and checking the converter on real exporter output. Needs torch; the test suite
imports it only when torch is installed.

Every builder takes no arguments and returns a module in eval mode with seeded random weights; batch-norm
statistics are perturbed away from (0, 1) so folding them into convolutions changes the numbers.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn(cin: int, cout: int, k=3, stride=1, padding=None, groups=1, act=nn.ReLU) -> nn.Sequential:
    if padding is None:
        padding = (k // 2) if isinstance(k, int) else tuple(d // 2 for d in k)
    layers = [nn.Conv2d(cin, cout, k, stride, padding, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    return nn.Sequential(*layers, act()) if act is not None else nn.Sequential(*layers)


# ---- ResNet: basic (18/34) and bottleneck (50/101) residual blocks ----
class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, width, stride=1):
        super().__init__()
        self.body = nn.Sequential(conv_bn(cin, width, 3, stride), conv_bn(width, width, 3, act=None))
        self.downsample = (conv_bn(cin, width, 1, stride, 0, act=None)
                           if stride != 1 or cin != width else nn.Identity())

    def forward(self, x):
        return F.relu(self.body(x) + self.downsample(x))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, width, stride=1):
        super().__init__()
        cout = width * 4
        self.body = nn.Sequential(conv_bn(cin, width, 1, padding=0), conv_bn(width, width, 3, stride),
                                  conv_bn(width, cout, 1, padding=0, act=None))
        self.downsample = (conv_bn(cin, cout, 1, stride, 0, act=None)
                           if stride != 1 or cin != cout else nn.Identity())

    def forward(self, x):
        return F.relu(self.body(x) + self.downsample(x))


class ResNet(nn.Module):
    def __init__(self, block, layers: List[int], widths=(8, 16, 32, 64), classes=10):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, widths[0], 7, 2, 3), nn.MaxPool2d(3, 2, 1))
        blocks, cin = [], widths[0]
        for i, (n, w) in enumerate(zip(layers, widths)):
            for j in range(n):
                blocks.append(block(cin, w, 2 if j == 0 and i > 0 else 1))
                cin = w * block.expansion
        self.layers = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.layers(self.stem(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


# ---- DenseNet: BN-ReLU-Conv dense layers concatenated, transitions with average pooling ----
class DenseLayer(nn.Module):
    def __init__(self, cin, growth, bn_size=4):
        super().__init__()
        self.body = nn.Sequential(nn.BatchNorm2d(cin), nn.ReLU(), nn.Conv2d(cin, bn_size * growth, 1, bias=False),
                                  nn.BatchNorm2d(bn_size * growth), nn.ReLU(),
                                  nn.Conv2d(bn_size * growth, growth, 3, padding=1, bias=False))

    def forward(self, features: List[torch.Tensor]):
        return self.body(torch.cat(features, 1))


class DenseNet(nn.Module):
    def __init__(self, growth=8, blocks=(2, 3, 4), init=16, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, init, 7, 2, 3, bias=False), nn.BatchNorm2d(init), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))
        self.blocks, self.transitions = nn.ModuleList(), nn.ModuleList()
        c = init
        for i, n in enumerate(blocks):
            self.blocks.append(nn.ModuleList(DenseLayer(c + k * growth, growth) for k in range(n)))
            c += n * growth
            if i != len(blocks) - 1:
                self.transitions.append(nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c // 2, 1, bias=False),
                                                      nn.AvgPool2d(2, 2)))
                c //= 2
        self.head = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU())
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        x = self.stem(x)
        for i, block in enumerate(self.blocks):
            features = [x]
            for layer in block:
                features.append(layer(features))
            x = torch.cat(features, 1)
            if i < len(self.transitions):
                x = self.transitions[i](x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.head(x), 1), 1))


# ---- Inception v3: parallel branches concatenated, factorized 1x7/7x1 and 1x3/3x1 convolutions ----
def basic_conv(cin, cout, k, stride=1, padding=0):
    return conv_bn(cin, cout, k, stride, padding)


class InceptionA(nn.Module):  # 1x1 | 1x1-5x5 | 1x1-3x3-3x3 | avgpool-1x1
    def __init__(self, cin, pool_features):
        super().__init__()
        self.b1 = basic_conv(cin, 16, 1)
        self.b5 = nn.Sequential(basic_conv(cin, 12, 1), basic_conv(12, 16, 5, padding=2))
        self.b3 = nn.Sequential(basic_conv(cin, 16, 1), basic_conv(16, 24, 3, padding=1),
                                basic_conv(24, 24, 3, padding=1))
        self.bp = basic_conv(cin, pool_features, 1)

    def forward(self, x):
        pool = self.bp(F.avg_pool2d(x, 3, 1, 1))  # torchvision: count_include_pad=True
        return torch.cat([self.b1(x), self.b5(x), self.b3(x), pool], 1)


class InceptionB(nn.Module):  # grid reduction: 3x3 stride 2 | 1x1-3x3-3x3 stride 2 | max pool
    def __init__(self, cin):
        super().__init__()
        self.b3 = basic_conv(cin, 48, 3, stride=2)
        self.b3dbl = nn.Sequential(basic_conv(cin, 16, 1), basic_conv(16, 24, 3, padding=1),
                                   basic_conv(24, 24, 3, stride=2))

    def forward(self, x):
        return torch.cat([self.b3(x), self.b3dbl(x), F.max_pool2d(x, 3, 2)], 1)


class InceptionC(nn.Module):  # factorized 7x7: 1x7 then 7x1
    def __init__(self, cin, c7):
        super().__init__()
        self.b1 = basic_conv(cin, 24, 1)
        self.b7 = nn.Sequential(basic_conv(cin, c7, 1), basic_conv(c7, c7, (1, 7), padding=(0, 3)),
                                basic_conv(c7, 24, (7, 1), padding=(3, 0)))
        self.b7dbl = nn.Sequential(basic_conv(cin, c7, 1), basic_conv(c7, c7, (7, 1), padding=(3, 0)),
                                   basic_conv(c7, c7, (1, 7), padding=(0, 3)),
                                   basic_conv(c7, 24, (7, 1), padding=(3, 0)))
        self.bp = basic_conv(cin, 24, 1)

    def forward(self, x):
        return torch.cat([self.b1(x), self.b7(x), self.b7dbl(x), self.bp(F.avg_pool2d(x, 3, 1, 1))], 1)


class InceptionE(nn.Module):  # expanded filter bank: 1x3 and 3x1 side by side
    def __init__(self, cin):
        super().__init__()
        self.b1 = basic_conv(cin, 32, 1)
        self.b3 = basic_conv(cin, 32, 1)
        self.b3a, self.b3b = basic_conv(32, 32, (1, 3), padding=(0, 1)), basic_conv(32, 32, (3, 1), padding=(1, 0))
        self.bp = basic_conv(cin, 16, 1)

    def forward(self, x):
        y = self.b3(x)
        return torch.cat([self.b1(x), self.b3a(y), self.b3b(y), self.bp(F.avg_pool2d(x, 3, 1, 1))], 1)


class InceptionV3(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(basic_conv(3, 8, 3, stride=2), basic_conv(8, 8, 3), basic_conv(8, 16, 3, padding=1),
                                  nn.MaxPool2d(3, 2), basic_conv(16, 20, 1), basic_conv(20, 48, 3), nn.MaxPool2d(3, 2))
        self.mixed = nn.Sequential(InceptionA(48, 8), InceptionA(64, 16), InceptionB(72), InceptionC(144, 16),
                                   InceptionB(96), InceptionE(168))
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(112, classes)

    def forward(self, x):
        x = self.mixed(self.stem(x))
        return self.fc(self.dropout(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)))


# ---- SqueezeNet 1.0: fire modules (squeeze 1x1, expand 1x1 | 3x3 concatenated), ceil-mode max pools ----
class Fire(nn.Module):
    def __init__(self, cin, squeeze, expand):
        super().__init__()
        self.squeeze = nn.Sequential(nn.Conv2d(cin, squeeze, 1), nn.ReLU())
        self.e1 = nn.Sequential(nn.Conv2d(squeeze, expand, 1), nn.ReLU())
        self.e3 = nn.Sequential(nn.Conv2d(squeeze, expand, 3, padding=1), nn.ReLU())

    def forward(self, x):
        x = self.squeeze(x)
        return torch.cat([self.e1(x), self.e3(x)], 1)


class SqueezeNet(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        pool = lambda: nn.MaxPool2d(3, 2, ceil_mode=True)  # noqa: E731
        self.features = nn.Sequential(
            nn.Conv2d(3, 24, 7, 2), nn.ReLU(), pool(), Fire(24, 4, 16), Fire(32, 4, 16), Fire(32, 8, 32), pool(),
            Fire(64, 8, 32), Fire(64, 12, 48), Fire(96, 12, 48), Fire(96, 16, 64), pool(), Fire(128, 16, 64))
        self.classifier = nn.Sequential(nn.Dropout(0.5), nn.Conv2d(128, classes, 1), nn.ReLU(),
                                        nn.AdaptiveAvgPool2d(1))

    def forward(self, x):
        return torch.flatten(self.classifier(self.features(x)), 1)


# ---- ShuffleNet v2: channel split, depthwise 3x3, concatenation and channel shuffle (rank-5 transpose) ----
def channel_shuffle(x, groups: int):
    n, c, h, w = x.shape
    return x.view(n, groups, c // groups, h, w).transpose(1, 2).contiguous().view(n, c, h, w)


class ShuffleUnit(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride = stride
        half = cout // 2
        if stride > 1:
            self.branch1 = nn.Sequential(conv_bn(cin, cin, 3, stride, groups=cin, act=None),
                                         conv_bn(cin, half, 1, padding=0))
        self.branch2 = nn.Sequential(conv_bn(cin if stride > 1 else half, half, 1, padding=0),
                                     conv_bn(half, half, 3, stride, groups=half, act=None),
                                     conv_bn(half, half, 1, padding=0))

    def forward(self, x):
        if self.stride == 1:
            a, b = x.chunk(2, dim=1)
            out = torch.cat([a, self.branch2(b)], 1)
        else:
            out = torch.cat([self.branch1(x), self.branch2(x)], 1)
        return channel_shuffle(out, 2)


class ShuffleNetV2(nn.Module):
    def __init__(self, repeats=(2, 3, 2), channels=(16, 24, 48, 96, 128), classes=10):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, channels[0], 3, 2), nn.MaxPool2d(3, 2, 1))
        units, cin = [], channels[0]
        for n, c in zip(repeats, channels[1:]):
            units += [ShuffleUnit(cin, c, 2)] + [ShuffleUnit(c, c, 1) for _ in range(n - 1)]
            cin = c
        self.stages = nn.Sequential(*units)
        self.conv5 = conv_bn(cin, channels[-1], 1, padding=0)
        self.fc = nn.Linear(channels[-1], classes)

    def forward(self, x):
        x = self.conv5(self.stages(self.stem(x)))
        return self.fc(x.mean([2, 3]))  # torchvision's global pool: a mean over H and W


# ---- VGG-11 with batch norm: stacked 3x3 convolutions, max pools, adaptive pool, dropout classifier ----
class VGG(nn.Module):
    def __init__(self, cfg=(8, "M", 16, "M", 32, 32, "M", 64, 64, "M"), classes=10):
        super().__init__()
        layers, c = [], 3
        for v in cfg:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers.append(conv_bn(c, v, 3))
                c = v
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(2)
        self.classifier = nn.Sequential(nn.Linear(c * 4, 128), nn.ReLU(True), nn.Dropout(), nn.Linear(128, 128),
                                        nn.ReLU(True), nn.Dropout(), nn.Linear(128, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


# ---- AlexNet: 11x11 stride-4 conv, local response norm, overlapping max pools, dropout classifier ----
class OnnxLRN(torch.autograd.Function):
    """F.local_response_norm, exported as one ONNX LRN node (as Caffe-converted models have it) instead of
    torch's decomposition (square, 3-D average pool, pow, div)."""

    @staticmethod
    def forward(ctx, x, size: int, alpha: float, beta: float, k: float):
        return F.local_response_norm(x, size, alpha, beta, k)

    @staticmethod
    def symbolic(g, x, size, alpha, beta, k):
        return g.op("LRN", x, size_i=size, alpha_f=alpha, beta_f=beta, bias_f=k)


class LRN(nn.LocalResponseNorm):
    def __init__(self, size, native_onnx: bool):
        super().__init__(size, alpha=1e-3, beta=0.75, k=2.0)
        self.native_onnx = native_onnx

    def forward(self, x):
        if self.native_onnx:
            return OnnxLRN.apply(x, self.size, self.alpha, self.beta, self.k)
        return super().forward(x)


class AlexNet(nn.Module):
    def __init__(self, native_lrn=False, classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 11, 4, 2), nn.ReLU(), LRN(5, native_lrn), nn.MaxPool2d(3, 2),
            nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), LRN(5, native_lrn), nn.MaxPool2d(3, 2),
            nn.Conv2d(32, 48, 3, padding=1), nn.ReLU(), nn.Conv2d(48, 48, 3, padding=1), nn.ReLU(),
            nn.Conv2d(48, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2))
        self.avgpool = nn.AdaptiveAvgPool2d(6)
        self.classifier = nn.Sequential(nn.Dropout(), nn.Linear(32 * 36, 128), nn.ReLU(), nn.Dropout(),
                                        nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, classes))

    def forward(self, x):
        x = self.features(x)
        if x.shape[-2:] != (6, 6):  # at 224x224 it is 6x6 already (and the LRN export loses the shape)
            x = self.avgpool(x)
        return self.classifier(torch.flatten(x, 1))


# ---- MobileNet v2: inverted residuals (expand 1x1, depthwise 3x3, linear project), ReLU6 or hard-swish ----
class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand, act):
        super().__init__()
        hidden = cin * expand
        layers = [conv_bn(cin, hidden, 1, padding=0, act=act)] if expand != 1 else []
        layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden, act=act),
                   conv_bn(hidden, cout, 1, padding=0, act=None)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


class MobileNetV2(nn.Module):
    # (expansion, channels, repeats, stride), torchvision's table at width 0.25
    SETTINGS = ((1, 8, 1, 1), (6, 8, 2, 2), (6, 8, 3, 2), (6, 16, 4, 2), (6, 24, 3, 1), (6, 40, 3, 2),
                (6, 80, 1, 1))

    def __init__(self, act=nn.ReLU6, classes=10, last=256):
        super().__init__()
        layers, c = [conv_bn(3, 8, 3, 2, act=act)], 8
        for t, cout, n, s in self.SETTINGS:
            for i in range(n):
                layers.append(InvertedResidual(c, cout, s if i == 0 else 1, t, act))
                c = cout
        layers.append(conv_bn(c, last, 1, padding=0, act=act))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(last, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1))


def randomize(model: nn.Module, seed: int) -> nn.Module:
    """Seeded weights; batch-norm statistics and affine terms moved away from the identity."""
    torch.manual_seed(seed)
    for m in model.modules():
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d, nn.Linear, nn.Embedding)):
            m.reset_parameters()
        elif isinstance(m, nn.LayerNorm):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.2)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.2)
                m.running_mean.normal_(0.0, 0.2)
                m.running_var.uniform_(0.5, 2.0)
    return model.eval()


# name -> (builder, input shape, exports). An export is an opset for the TorchScript-based exporter
# (dynamo=False) or "dynamo" for torch's default exporter (opset 18). The first is the main file
# (<name>.onnx); the others are written as <name>_opset<k>.onnx and <name>_dynamo.onnx.
ARCHITECTURES: Dict[str, Tuple[Callable[[], nn.Module], Tuple[int, ...], Tuple[int, ...]]] = {
    "resnet_basic": (lambda: ResNet(BasicBlock, [2, 2, 2, 2]), (1, 3, 64, 64), (13, 9, 17)),
    "resnet_bottleneck": (lambda: ResNet(Bottleneck, [1, 2, 2, 1], widths=(8, 16, 24, 32)), (1, 3, 224, 224), (13,)),
    "densenet": (DenseNet, (1, 3, 64, 64), (13, "dynamo")),
    "inception_v3": (InceptionV3, (1, 3, 128, 128), (13,)),
    "squeezenet": (SqueezeNet, (1, 3, 96, 96), (13, 9)),
    "shufflenet_v2": (ShuffleNetV2, (1, 3, 64, 64), (13, 9, "dynamo")),
    "vgg11_bn": (VGG, (1, 3, 64, 64), (13,)),
    "alexnet": (AlexNet, (1, 3, 224, 224), (13, 9, "dynamo")),
    "alexnet_onnx_lrn": (lambda: AlexNet(native_lrn=True), (1, 3, 224, 224), (13,)),
    "mobilenet_v2": (MobileNetV2, (1, 3, 224, 224), (13,)),
    "mobilenet_v2_hardswish": (lambda: MobileNetV2(act=nn.Hardswish), (1, 3, 64, 64), (13, 17)),
}


def build(name: str, seed: int = 0) -> Tuple[nn.Module, Tuple[int, ...]]:
    builder, shape, _ = ARCHITECTURES[name]
    torch.manual_seed(seed)
    return randomize(builder(), seed), shape
