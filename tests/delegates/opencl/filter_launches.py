"""What the compute-heavy builders (delegates/opencl/ops/{conv,fully_connected,pool,mean}.cc) compute on the
host, restated for the kernel tests: TFLite's padding, the weight repacking into blocks of 4 output channels,
and the defines and launch sizes of each kernel, so that clharness runs a kernel file exactly as the builder
would launch it. NumPy references for the operators live here too (plain loops over taps, no tricks)."""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

import clharness


def div_up(a: int, b: int) -> int:
    return (a + b - 1) // b


def output_size(same: bool, size: int, filt: int, stride: int, dilation: int) -> int:
    effective = (filt - 1) * dilation + 1
    return (size + stride - 1) // stride if same else (size - effective + stride) // stride


def padding_before(stride: int, dilation: int, size: int, filt: int, out: int) -> int:
    effective = (filt - 1) * dilation + 1
    return max((out - 1) * stride + effective - size, 0) // 2


ACTIVATION_NAMES = ["NONE", "RELU", "RELU_N1_TO_1", "RELU6"]  # by .tflite code


def window_options(stride, dilation, same: bool, act: int, **extra) -> dict:
    """Conv2DOptions / DepthwiseConv2DOptions for edgelite.testing's single-op models."""
    return dict(padding="SAME" if same else "VALID", stride_h=stride[0], stride_w=stride[1],
                dilation_h_factor=dilation[0], dilation_w_factor=dilation[1],
                fused_activation_function=ACTIVATION_NAMES[act], **extra)


def activate(x: np.ndarray, act: int) -> np.ndarray:
    """.tflite fused activations 0 NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6."""
    if act == 1:
        return np.maximum(x, 0)
    if act == 2:
        return np.clip(x, -1, 1)
    if act == 3:
        return np.clip(x, 0, 6)
    return x


def pack_filter_blocks(filt: np.ndarray, groups: int) -> np.ndarray:
    """[out_c, inner] -> [block][inner][4], each group's channels padded to a multiple of 4 (ops/filter_util.h)."""
    out_c, inner = filt.shape
    per_group = out_c // groups
    bpg = div_up(per_group, 4)
    packed = np.zeros((groups * bpg, inner, 4), np.float32)
    for oc in range(out_c):
        g, local = divmod(oc, per_group)
        packed[g * bpg + local // 4, :, local % 4] = filt[oc]
    return packed.ravel()


def pack_bias_blocks(bias: Optional[np.ndarray], out_c: int, groups: int) -> np.ndarray:
    per_group = out_c // groups
    bpg = div_up(per_group, 4)
    packed = np.zeros((groups * bpg, 4), np.float32)
    if bias is not None:
        for oc in range(out_c):
            g, local = divmod(oc, per_group)
            packed[g * bpg + local // 4, local % 4] = bias[oc]
    return packed.ravel()


def run_gemm(x: np.ndarray, packed: np.ndarray, packed_bias: np.ndarray, rows: int, depth: int, units: int,
             act: int, fp16: bool = False) -> np.ndarray:
    """kernels/fully_connected.cl as GemmLaunch launches it; returns [rows, units]."""
    dtype = np.float16 if fp16 else np.float32
    blocks = div_up(units, 4)
    rb = 4 if rows >= 4 else rows
    defines = dict(ROWS=rows, DEPTH=depth, UNITS=units, NUM_BLOCKS=blocks, RB=rb, ACT=act,
                   DEPTH_VEC4=int(depth % 4 == 0))
    out = np.zeros((rows, units), dtype)
    (y,) = clharness.run("fully_connected.cl", defines,
                         [x.astype(dtype), packed.astype(dtype), packed_bias.astype(dtype), out],
                         (blocks, div_up(rows, rb)), outputs=[3], fp16=fp16)
    return y


def window_defines(n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl, act, blocks):
    wb = 4 if ow >= 4 else ow
    defines = dict(BATCH=n, IH=ih, IW=iw, IC=ic, OH=oh, OW=ow, OC=oc, KH=kh, KW=kw, SH=sh, SW=sw, DH=dh, DW=dw,
                   PT=pt, PL=pl, ACT=act, WB=wb, NUM_BLOCKS=blocks)
    return defines, (blocks, div_up(ow, wb), n * oh)


def conv2d_launch(x: np.ndarray, filt: np.ndarray, bias: Optional[np.ndarray], stride: Sequence[int],
                  dilation: Sequence[int], same: bool, act: int, fp16: bool = False) -> np.ndarray:
    """CONV_2D as ops/conv.cc builds it: the 1x1 stride-1 ungrouped product, else conv2d.cl.
    x [N, H, W, C], filt [OC, KH, KW, FIC]."""
    n, ih, iw, ic = x.shape
    oc, kh, kw, fic = filt.shape
    groups = ic // fic
    (sh, sw), (dh, dw) = stride, dilation
    oh, ow = output_size(same, ih, kh, sh, dh), output_size(same, iw, kw, sw, dw)
    packed = pack_filter_blocks(filt.reshape(oc, -1), groups)
    packed_bias = pack_bias_blocks(bias, oc, groups)
    if kh == kw == 1 and sh == sw == 1 and groups == 1:
        return run_gemm(x.reshape(-1, ic), packed, packed_bias, n * oh * ow, ic, oc, act, fp16).reshape(n, oh, ow, oc)
    per_group = oc // groups
    bpg = div_up(per_group, 4)
    defines, global_size = window_defines(n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw,
                                          padding_before(sh, dh, ih, kh, oh), padding_before(sw, dw, iw, kw, ow), act,
                                          groups * bpg)
    defines.update(FIC=fic, OCG=per_group, BPG=bpg, FIC_VEC4=int(fic % 4 == 0))
    dtype = np.float16 if fp16 else np.float32
    out = np.zeros((n, oh, ow, oc), dtype)
    (y,) = clharness.run("conv2d.cl", defines, [x.astype(dtype), packed.astype(dtype), packed_bias.astype(dtype), out],
                         global_size, outputs=[3], fp16=fp16)
    return y


def depthwise_launch(x: np.ndarray, filt: np.ndarray, bias: Optional[np.ndarray], stride: Sequence[int],
                     dilation: Sequence[int], same: bool, act: int, fp16: bool = False) -> np.ndarray:
    """DEPTHWISE_CONV_2D as ops/conv.cc builds it. filt [1, KH, KW, OC]."""
    n, ih, iw, ic = x.shape
    _, kh, kw, oc = filt.shape
    (sh, sw), (dh, dw) = stride, dilation
    oh, ow = output_size(same, ih, kh, sh, dh), output_size(same, iw, kw, sw, dw)
    blocks = div_up(oc, 4)
    packed = np.zeros((blocks, kh * kw, 4), np.float32)
    taps = filt.reshape(kh * kw, oc)
    for c in range(oc):
        packed[c // 4, :, c % 4] = taps[:, c]
    mult = oc // ic
    defines, global_size = window_defines(n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw,
                                          padding_before(sh, dh, ih, kh, oh), padding_before(sw, dw, iw, kw, ow), act,
                                          blocks)
    defines.update(MULT=mult, DW_VEC4=int(mult == 1 and oc % 4 == 0))
    dtype = np.float16 if fp16 else np.float32
    out = np.zeros((n, oh, ow, oc), dtype)
    (y,) = clharness.run("depthwise_conv2d.cl", defines,
                         [x.astype(dtype), packed.ravel().astype(dtype), pack_bias_blocks(bias, oc, 1).astype(dtype),
                          out], global_size, outputs=[3], fp16=fp16)
    return y


def padded_input(x: np.ndarray, kh: int, kw: int, stride, dilation, same: bool, fill: float = 0.0):
    """x padded as TFLite pads it (odd pixel after), with the output size."""
    n, ih, iw, c = x.shape
    (sh, sw), (dh, dw) = stride, dilation
    oh, ow = output_size(same, ih, kh, sh, dh), output_size(same, iw, kw, sw, dw)
    pt, pl = padding_before(sh, dh, ih, kh, oh), padding_before(sw, dw, iw, kw, ow)
    hp = max((oh - 1) * sh + (kh - 1) * dh + 1, ih + pt)
    wp = max((ow - 1) * sw + (kw - 1) * dw + 1, iw + pl)
    xp = np.full((n, hp, wp, c), fill, x.dtype)
    xp[:, pt:pt + ih, pl:pl + iw] = x
    return xp, oh, ow


def taps(xp: np.ndarray, oh: int, ow: int, kh: int, kw: int, stride, dilation):
    """Yields (ky, kx, window) where window [N, OH, OW, C] holds the input under tap (ky, kx)."""
    (sh, sw), (dh, dw) = stride, dilation
    for ky in range(kh):
        for kx in range(kw):
            y0, x0 = ky * dh, kx * dw
            yield ky, kx, xp[:, y0:y0 + (oh - 1) * sh + 1:sh, x0:x0 + (ow - 1) * sw + 1:sw]


def conv2d_reference(x, filt, bias, stride, dilation, same, act):
    oc, kh, kw, fic = filt.shape
    groups = x.shape[3] // fic
    per_group = oc // groups
    xp, oh, ow = padded_input(x.astype(np.float64), kh, kw, stride, dilation, same)
    out = np.zeros((x.shape[0], oh, ow, oc))
    for ky, kx, win in taps(xp, oh, ow, kh, kw, stride, dilation):
        for g in range(groups):
            w = filt[g * per_group:(g + 1) * per_group, ky, kx, :].astype(np.float64)  # [ocg, fic]
            out[..., g * per_group:(g + 1) * per_group] += win[..., g * fic:(g + 1) * fic] @ w.T
    if bias is not None:
        out += bias
    return activate(out, act)


def depthwise_reference(x, filt, bias, stride, dilation, same, act):
    _, kh, kw, oc = filt.shape
    mult = oc // x.shape[3]
    xp, oh, ow = padded_input(x.astype(np.float64), kh, kw, stride, dilation, same)
    out = np.zeros((x.shape[0], oh, ow, oc))
    for ky, kx, win in taps(xp, oh, ow, kh, kw, stride, dilation):
        out += np.repeat(win, mult, axis=3) * filt[0, ky, kx].astype(np.float64)
    if bias is not None:
        out += bias
    return activate(out, act)
