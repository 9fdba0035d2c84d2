"""The host-side plans of delegates/opencl/ops/layout.cc in Python, for kernel tests: each gives the
defines its builder passes to strided_copy.cl or pad.cl, so a test runs the kernel text exactly as a
launch would (the through-the-interpreter tests check the C++ planner itself against the CPU path)."""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

import numpy as np

MAX_AXES = 8

# (count, input step, output step) per axis, outermost first.
Axis = Tuple[int, int, int]


def dense_strides(dims: Sequence[int]) -> List[int]:
    strides, s = [], 1
    for d in reversed(dims):
        strides.append(s)
        s *= d
    return strides[::-1]


def simplify(axes: Sequence[Axis]) -> List[Axis]:
    """Drops axes of count 1 and merges an axis into the one inside it when both steps continue it."""
    kept = [a for a in axes if a[0] != 1]
    merged: List[Axis] = []
    for count, i_step, o_step in reversed(kept):  # innermost first
        if merged:
            c, i, o = merged[-1]
            if i_step == i * c and o_step == o * c:
                merged[-1] = (c * count, i, o)
                continue
        merged.append((count, i_step, o_step))
    return merged[::-1]


def strided_copy_defines(axes: Sequence[Axis], in_base: int = 0, out_base: int = 0) -> Tuple[Dict[str, object], int]:
    """Defines for strided_copy.cl and its global size (the element count)."""
    axes = simplify(axes)
    assert len(axes) <= MAX_AXES
    padded = [(1, 0, 0)] * (MAX_AXES - len(axes)) + list(axes)
    defines: Dict[str, object] = {"IBASE": in_base, "OBASE": out_base}
    total = 1
    for k, (count, i_step, o_step) in enumerate(padded):
        defines[f"D{k}"] = count
        defines[f"IS{k}"] = i_step
        defines[f"OS{k}"] = o_step
        total *= count
    defines["TOTAL"] = total
    return defines, total


def transpose_axes(in_dims: Sequence[int], perm: Sequence[int]) -> List[Axis]:
    in_strides = dense_strides(in_dims)
    out_dims = [in_dims[p] for p in perm]
    out_strides = dense_strides(out_dims)
    return [(out_dims[k], in_strides[perm[k]], out_strides[k]) for k in range(len(perm))]


def slice_axes(in_dims: Sequence[int], starts: Sequence[int], strides: Sequence[int],
               counts: Sequence[int]) -> Tuple[List[Axis], int]:
    """Axes and input base of a resolved strided slice (start, stride, count per input axis)."""
    in_strides = dense_strides(in_dims)
    out_strides = dense_strides(counts)
    base = sum(s * st for s, st in zip(starts, in_strides))
    return [(c, st * ist, ost) for c, st, ist, ost in zip(counts, strides, in_strides, out_strides)], base


def concat_axes(in_dims: Sequence[int], axis: int, out_axis_size: int, offset: int) -> Tuple[List[Axis], int]:
    """Axes and output base that write one input of a concatenation into its place in the output."""
    outer = int(np.prod(in_dims[:axis], dtype=np.int64))
    inner = int(np.prod(in_dims[axis + 1:], dtype=np.int64))
    n = in_dims[axis]
    return [(outer, n * inner, out_axis_size * inner), (n, inner, inner), (inner, 1, 1)], offset * inner


def depth_space_axes(depth_dims: Sequence[int], bs: int, to_space: bool) -> List[Axis]:
    """DEPTH_TO_SPACE (to_space) or SPACE_TO_DEPTH as a copy over the 6-axis view [n, h, i, w, j, c]:
    space[n, h*bs + i, w*bs + j, c] = depth[n, h, w, (i*bs + j)*C + c]."""
    n, h, w, depth_c = depth_dims
    c = depth_c // (bs * bs)
    counts = [n, h, bs, w, bs, c]
    depth_steps = [h * w * depth_c, w * depth_c, bs * c, depth_c, c, 1]
    space_steps = [h * bs * w * bs * c, bs * w * bs * c, w * bs * c, bs * c, c, 1]
    ins, outs = (depth_steps, space_steps) if to_space else (space_steps, depth_steps)
    return list(zip(counts, ins, outs))


def pad_defines(in_dims: Sequence[int], before: Sequence[int], after: Sequence[int],
                mode: int) -> Tuple[Dict[str, object], int]:
    """Defines for pad.cl: adjacent unpadded axes merged, then padded to 8 axes."""
    axes: List[List[int]] = []  # [in size, before, after]
    for d, b, a in zip(in_dims, before, after):
        if axes and b == 0 and a == 0 and axes[-1][1] == 0 and axes[-1][2] == 0:
            axes[-1][0] *= d
        else:
            axes.append([d, b, a])
    assert len(axes) <= MAX_AXES
    axes = [[1, 0, 0]] * (MAX_AXES - len(axes)) + axes
    in_strides = dense_strides([a[0] for a in axes])
    defines: Dict[str, object] = {"MODE": mode}
    total = 1
    for k, (d, b, a) in enumerate(axes):
        defines[f"D{k}"] = d + b + a
        defines[f"N{k}"] = d
        defines[f"B{k}"] = b
        defines[f"IS{k}"] = in_strides[k] if d > 1 else 0
        total *= d + b + a
    defines["TOTAL"] = total
    return defines, total
