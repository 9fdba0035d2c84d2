"""Models people export from PyTorch beyond classic CNNs, narrow but built like the real ones: transformer
encoder layers, a ViT-style patch embedding + encoder, a UNet-style decoder, MobileNet v3 / EfficientNet
blocks, a Conv1d text model with an embedding, and attention with masks. Needs torch; the test suite
imports it only when torch is installed (make_onnx_models.py exports them).

Every builder takes no arguments and returns a module; onnx_architectures.randomize seeds its weights.
"""

from __future__ import annotations

from typing import Callable, Dict, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F


# ---- transformer encoder layers (torch's own nn.TransformerEncoderLayer: MultiheadAttention inside) ----
class Encoder(nn.Module):
    def __init__(self, norm_first: bool, activation: str, d_model=32, heads=4, layers=2):
        super().__init__()
        layer = lambda: nn.TransformerEncoderLayer(d_model, heads, 2 * d_model, dropout=0.1,  # noqa: E731
                                                   activation=activation, batch_first=True, norm_first=norm_first)
        self.layers = nn.ModuleList(layer() for _ in range(layers))

    def forward(self, x):  # [N, L, d_model]
        for layer in self.layers:
            x = layer(x)
        return x


# ---- ViT-style: patch embedding (strided conv), learned positions, pre-norm encoder, mean-pooled head ----
class ViT(nn.Module):
    def __init__(self, image=16, patch=4, d_model=32, heads=4, layers=2, classes=10):
        super().__init__()
        self.patches = nn.Conv2d(3, d_model, patch, patch)
        self.positions = nn.Parameter(torch.randn(1, (image // patch) ** 2, d_model) * 0.1)
        self.encoder = Encoder(True, "gelu", d_model, heads, layers)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, classes)

    def forward(self, x):  # [N, 3, H, W]
        x = self.patches(x).flatten(2).transpose(1, 2) + self.positions
        return self.head(self.norm(self.encoder(x)).mean(1))


# ---- UNet-style decoder: strided encoder, ConvTranspose and bilinear upsampling, skip concatenations ----
class UNetDecoder(nn.Module):
    def __init__(self, c=8, classes=3):
        super().__init__()
        self.down1 = nn.Sequential(nn.Conv2d(3, c, 3, 1, 1), nn.BatchNorm2d(c), nn.ReLU())
        self.down2 = nn.Sequential(nn.Conv2d(c, 2 * c, 3, 2, 1), nn.BatchNorm2d(2 * c), nn.ReLU())
        self.down3 = nn.Sequential(nn.Conv2d(2 * c, 4 * c, 3, 2, 1), nn.ReLU())
        self.up3 = nn.ConvTranspose2d(4 * c, 2 * c, 2, 2)
        self.fuse2 = nn.Sequential(nn.Conv2d(4 * c, 2 * c, 3, 1, 1), nn.ReLU())
        self.fuse1 = nn.Sequential(nn.Conv2d(3 * c, c, 3, 1, 1), nn.ReLU())
        self.out = nn.Conv2d(c, classes, 1)

    def forward(self, x):
        d1 = self.down1(x)
        d2 = self.down2(d1)
        u2 = self.fuse2(torch.cat([self.up3(self.down3(d2)), d2], 1))
        u1 = F.interpolate(u2, scale_factor=2.0, mode="bilinear", align_corners=False)
        return self.out(self.fuse1(torch.cat([u1, d1], 1)))


# ---- MobileNet v3 / EfficientNet blocks: squeeze-excite, hard-swish, SiLU ----
class SqueezeExcite(nn.Module):
    def __init__(self, c, squeeze, gate):
        super().__init__()
        self.reduce, self.expand, self.gate = nn.Conv2d(c, squeeze, 1), nn.Conv2d(squeeze, c, 1), gate

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * self.gate(self.expand(F.relu(self.reduce(s))))


class MBConv(nn.Module):
    def __init__(self, cin, cout, expand, stride, act, gate, se=True):
        super().__init__()
        hidden = cin * expand
        self.body = nn.Sequential(
            nn.Conv2d(cin, hidden, 1, bias=False), nn.BatchNorm2d(hidden), act(),
            nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False), nn.BatchNorm2d(hidden), act(),
            SqueezeExcite(hidden, max(hidden // 4, 4), gate) if se else nn.Identity(),
            nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


class MobileBlocks(nn.Module):
    """A MobileNet v3 stage (hard-swish, hard-sigmoid gates) then an EfficientNet stage (SiLU, sigmoid)."""

    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.Hardswish())
        self.v3 = nn.Sequential(MBConv(8, 8, 3, 1, nn.Hardswish, nn.Hardsigmoid()),
                                MBConv(8, 16, 3, 2, nn.Hardswish, nn.Hardsigmoid()))
        self.effnet = nn.Sequential(MBConv(16, 16, 4, 1, nn.SiLU, nn.Sigmoid()),
                                    MBConv(16, 24, 4, 2, nn.SiLU, nn.Sigmoid()))
        self.head = nn.Linear(24, classes)

    def forward(self, x):
        x = self.effnet(self.v3(self.stem(x)))
        return self.head(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


# ---- Conv1d text classifier: embedding, 1-D convolutions and pooling, log-softmax ----
class TextConv(nn.Module):
    def __init__(self, vocab=50, dim=16, classes=4):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.conv1 = nn.Conv1d(dim, 24, 3, padding=1)
        self.conv2 = nn.Conv1d(24, 24, 5, padding=2)
        self.head = nn.Linear(24 * 6, classes)

    def forward(self, tokens):  # [N, 24] int64
        x = self.embed(tokens).transpose(1, 2)
        x = F.max_pool1d(F.relu(self.conv1(x)), 2)
        x = F.avg_pool1d(F.relu(self.conv2(x)), 2)
        return F.log_softmax(self.head(x.flatten(1)), dim=-1)


# ---- audio: strided Conv1d front end on a waveform, GELU, global pooling ----
class AudioConv(nn.Module):
    def __init__(self, classes=5):
        super().__init__()
        self.front = nn.Sequential(nn.Conv1d(1, 8, 9, 4, 4), nn.BatchNorm1d(8), nn.GELU(),
                                   nn.Conv1d(8, 16, 5, 2, 2), nn.GELU(), nn.MaxPool1d(2))
        self.head = nn.Linear(16, classes)

    def forward(self, wave):  # [N, 1, 256]
        return self.head(self.front(wave).mean(-1))


# ---- attention: scaled_dot_product_attention with a causal flag and with a boolean mask ----
class Attention(nn.Module):
    def __init__(self, d_model=24, heads=3, length=8):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.register_buffer("keep", (torch.rand(length, length) > 0.3) | torch.eye(length, dtype=torch.bool))

    def forward(self, x):  # [N, L, d_model]
        n, length, d = x.shape
        q, k, v = self.qkv(x).reshape(n, length, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        causal = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        masked = F.scaled_dot_product_attention(q, k, v, attn_mask=self.keep)
        y = (causal + masked).transpose(1, 2).reshape(n, length, d)
        return self.proj(y)


# name -> (builder, example input shape, input dtype). Every one is exported by both exporters with a
# dynamic batch (make_onnx_models.py).
TORCH_ARCHITECTURES: Dict[str, Tuple[Callable[[], nn.Module], Tuple[int, ...], str]] = {
    "encoder_postnorm_relu": (lambda: Encoder(False, "relu"), (1, 10, 32), "float32"),
    "encoder_prenorm_gelu": (lambda: Encoder(True, "gelu"), (1, 10, 32), "float32"),
    "vit_tiny": (ViT, (1, 3, 16, 16), "float32"),
    "unet_decoder": (UNetDecoder, (1, 3, 32, 32), "float32"),
    "mobile_blocks": (MobileBlocks, (1, 3, 32, 32), "float32"),
    "text_conv1d": (TextConv, (1, 24), "int64"),
    "audio_conv1d": (AudioConv, (1, 1, 256), "float32"),
    "attention_masks": (Attention, (1, 8, 24), "float32"),
}
