"""Reads a quantized .tflite (TensorFlow's flatbuffer object API) and lists, per operator, the tensor
dtypes and the options that matter to kernels; unions them over models into a worklist.

Used by make_quant_models.py (needs TensorFlow for the schema module; not part of the test suite)."""

import collections
import os

import numpy as np


_ACTIVATIONS = {1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT"}
_WEIGHTED = {"CONV_2D": 1, "DEPTHWISE_CONV_2D": 1, "FULLY_CONNECTED": 1, "TRANSPOSE_CONV": 1}
_BINARY = {"ADD", "SUB", "MUL", "DIV", "SQUARED_DIFFERENCE", "MAXIMUM", "MINIMUM"}
_FIXED_OUTPUT = {"SOFTMAX", "LOGISTIC", "TANH", "LOG_SOFTMAX"}


class FlatModel:
    """A read .tflite (flatbuffer object API) with the helpers inspection needs."""

    def __init__(self, path):
        from tensorflow.lite.tools import flatbuffer_utils as fbu
        from tensorflow.lite.python import schema_py_generated as S
        self.m = fbu.read_model(path)
        self.op_names = {v: k for k, v in vars(S.BuiltinOperator).items() if not k.startswith("_")}
        self.type_names = {v: k.lower() for k, v in vars(S.TensorType).items() if not k.startswith("_")}
        self.sg = self.m.subgraphs[0]

    def op_name(self, op):
        oc = self.m.operatorCodes[op.opcodeIndex]
        return self.op_names.get(max(oc.builtinCode, oc.deprecatedBuiltinCode), "?")

    def tensor(self, i):
        return None if i < 0 else self.sg.tensors[i]

    def shape(self, i):
        t = self.tensor(i)
        return [] if t is None or t.shape is None else [int(d) for d in t.shape]

    def dtype(self, i):
        return "none" if i < 0 else self.type_names[self.sg.tensors[i].type]

    def is_const(self, i):
        if i < 0:
            return False
        b = self.m.buffers[self.sg.tensors[i].buffer]
        return (b.data is not None and len(b.data) > 0) or bool(getattr(b, "size", 0))

    def quant(self, i):
        """(scales, zero_points, quantized_dimension) or None."""
        t = self.tensor(i)
        q = t.quantization if t is not None else None
        if q is None or q.scale is None or len(q.scale) == 0:
            return None
        return (np.asarray(q.scale, np.float64), np.asarray(q.zeroPoint, np.int64), int(q.quantizedDimension))

    def producer(self, i):
        for op in self.sg.operators:
            if i in list(op.outputs):
                return op
        return None


def _fmt_q(q):
    s, z = float(q[0][0]), int(q[1][0])
    inv = 1.0 / s if s else 0.0
    sv = f"1/{int(round(inv))}" if s and abs(inv - round(inv)) < 1e-6 * inv and round(inv) >= 2 else f"{s:.6g}"
    return f"({sv},{z})"


def _same_q(a, b):
    return a is not None and b is not None and len(a[0]) == len(b[0]) == 1 and \
        np.float32(a[0][0]) == np.float32(b[0][0]) and a[1][0] == b[1][0]


def op_signature(fm, op):
    return (fm.op_name(op) + " " + ",".join(fm.dtype(i) for i in op.inputs) + "->"
            + ",".join(fm.dtype(i) for i in op.outputs))


def op_variants(fm, op):
    """Kernel-relevant facts about one operator instance, as short strings."""
    name = fm.op_name(op)
    o = op.builtinOptions
    ins, outs = list(op.inputs), list(op.outputs)
    v = []
    act = getattr(o, "fusedActivationFunction", 0) if o is not None else 0
    if act:
        v.append(f"fused={_ACTIVATIONS.get(act, act)}")
    if name in ("CONV_2D", "DEPTHWISE_CONV_2D"):
        v.append(f"stride={o.strideH}x{o.strideW},padding={'SAME' if o.padding == 0 else 'VALID'}")
        if o.dilationHFactor != 1 or o.dilationWFactor != 1:
            v.append(f"dilation={o.dilationHFactor}x{o.dilationWFactor}")
        k = fm.shape(ins[1])
        v.append(f"kernel={k[1]}x{k[2]}")
        if name == "DEPTHWISE_CONV_2D":
            v.append(f"depth_multiplier={o.depthMultiplier}")
        if name == "CONV_2D" and getattr(o, "quantizedBiasType", 0):
            v.append(f"quantized_bias_type={fm.type_names[o.quantizedBiasType]}")
    elif name in ("MAX_POOL_2D", "AVERAGE_POOL_2D"):
        v.append(f"filter={o.filterHeight}x{o.filterWidth},stride={o.strideH}x{o.strideW},"
                 f"padding={'SAME' if o.padding == 0 else 'VALID'}")
    elif name == "FULLY_CONNECTED":
        v.append(f"keep_num_dims={bool(o.keepNumDims)}")
        if o.weightsFormat:
            v.append(f"weights_format={o.weightsFormat}")
        if getattr(o, "quantizedBiasType", 0):
            v.append(f"quantized_bias_type={fm.type_names[o.quantizedBiasType]}")
        in_rank = len(fm.shape(ins[0]))
        if in_rank != 2:
            v.append(f"input rank {in_rank}")
    elif name == "BATCH_MATMUL":
        v.append(f"adj_x={bool(o.adjX)},adj_y={bool(o.adjY)}")
        v.append("rhs " + ("constant" if fm.is_const(ins[1]) else "live"))
    elif name in ("ADD", "SUB") and fm.dtype(ins[0]) == "int16":
        v.append(f"pot_scale_int16={bool(o.potScaleInt16)}")
    elif name == "CONCATENATION":
        v.append(f"axis={o.axis}")
    elif name == "SOFTMAX":
        v.append(f"beta={o.beta:g}")
    elif name in ("MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN", "REDUCE_PROD"):
        axes = fm.m.buffers[fm.tensor(ins[1]).buffer].data
        axes = np.frombuffer(bytes(axes), np.int32).tolist() if axes is not None else "live"
        v.append(f"keep_dims={bool(o.keepDims)},axes={axes},rank={len(fm.shape(ins[0]))}")
    elif name == "GELU":
        v.append(f"approximate={bool(o.approximate)}")
    elif name == "STRIDED_SLICE":
        v.append(f"masks(begin={o.beginMask},end={o.endMask},shrink={o.shrinkAxisMask},"
                 f"ellipsis={o.ellipsisMask},new_axis={o.newAxisMask}),offset={bool(o.offset)}")
    # hybrid (dynamic-range) operators: float activations, int8 constant weights
    w_idx = _WEIGHTED.get(name, 1 if name == "BATCH_MATMUL" else None)
    hybrid = (w_idx is not None and len(ins) > w_idx and fm.dtype(ins[0]) == "float32"
              and fm.dtype(ins[w_idx]) == "int8")
    if hybrid:
        asym = getattr(o, "asymmetricQuantizeInputs", None) if o is not None else None
        v.append("hybrid" + ("" if asym is None else f",asymmetric_quantize_inputs={bool(asym)}"))
    # weight quantization: per-channel vs per-tensor, and its axis
    if w_idx is not None and len(ins) > w_idx and fm.is_const(ins[w_idx]) and fm.quant(ins[w_idx]) is not None:
        s, z, axis = fm.quant(ins[w_idx])
        kind = f"per-channel(axis={axis})" if len(s) > 1 else "per-tensor"
        v.append(f"weights {kind}" + ("" if not np.any(z) else ",nonzero zero points"))
        if len(ins) > 2 and ins[2] >= 0 and fm.quant(ins[2]) is not None:
            bs = fm.quant(ins[2])[0]
            v.append("bias " + ("per-channel" if len(bs) > 1 else "per-tensor"))
    # constant data operands of non-weighted operators (broadcast constants, scales, ...)
    if w_idx is None and name not in ("QUANTIZE", "DEQUANTIZE"):
        consts = [k for k, i in enumerate(ins) if fm.is_const(i) and fm.dtype(i) not in ("int32", "int64")]
        if consts:
            v.append("constant input " + ",".join(map(str, consts)))
    if name in _BINARY:
        shapes = [fm.shape(i) for i in ins]
        if shapes[0] != shapes[1]:
            v.append("broadcast")
    # quantization facts of the activations
    qin = [fm.quant(i) for i in ins]
    qout = fm.quant(outs[0]) if outs else None
    out_t = fm.dtype(outs[0]) if outs else "none"
    if out_t in ("int8", "int16") and qout is not None:
        if name in _FIXED_OUTPUT:
            v.append(f"output quantization {_fmt_q(qout)}")
        data_in = [q for i, q in zip(ins, qin) if fm.dtype(i) in ("int8", "int16") and not fm.is_const(i)]
        if name in ("CONCATENATION", "MAX_POOL_2D", "AVERAGE_POOL_2D", "RESHAPE", "MEAN", "SUM", "TRANSPOSE",
                    "PAD", "STRIDED_SLICE", "SQUEEZE", "EXPAND_DIMS", "GATHER", "SPLIT", "PACK"):
            if data_in:
                same = all(_same_q(q, qout) for q in data_in)
                v.append("input/output quantization " + ("equal" if same else "differ (requantizes)"))
        if out_t == "int16":
            zps = [int(q[1][0]) for q in data_in + [qout] if q is not None]
            if any(zps):
                v.append("int16 with nonzero zero point")
    if name == "QUANTIZE" and fm.dtype(ins[0]) == fm.dtype(outs[0]):
        v.append("requantize" + (", zero point changes" if qin[0][1][0] != qout[1][0] else ""))
    return v


def inspect_model(path):
    """Per model: op counts, signature counts, variant counts per signature, float compute ops."""
    fm = FlatModel(path)
    if len(fm.m.subgraphs) != 1:
        raise RuntimeError(f"{path}: {len(fm.m.subgraphs)} subgraphs, expected 1")
    counts, sigs = collections.Counter(), collections.Counter()
    variants = collections.defaultdict(collections.Counter)
    float_ops = collections.Counter()
    for op in fm.sg.operators:
        name = fm.op_name(op)
        sig = op_signature(fm, op)
        counts[name] += 1
        sigs[sig] += 1
        for var in op_variants(fm, op):
            variants[sig][var] += 1
        types = {fm.dtype(i) for i in list(op.inputs) + list(op.outputs) if i >= 0} - {"int32", "int64", "none"}
        if types == {"float32"} and name not in ("QUANTIZE", "DEQUANTIZE"):
            float_ops[name] += 1
    return fm, counts, sigs, variants, float_ops


def io_desc(fm, index):
    """A model input or output as the file declares it (LiteRT's get_*_details() report the same)."""
    out = {"name": fm.tensor(index).name.decode(), "shape": fm.shape(index), "dtype": fm.dtype(index)}
    q = fm.quant(index)
    if q is not None:
        out["quantization"] = {"scale": float(np.float32(q[0][0])), "zero_point": int(q[1][0])}
    return out


def output_step(fm, index):
    """One quantization step of an output: its own scale if quantized, else (float output) the scale of the
    quantized tensor its DEQUANTIZE reads; None for float outputs computed in float (dynamic range)."""
    q = fm.quant(index)
    if fm.dtype(index) in ("int8", "int16") and q is not None:
        return float(np.float32(q[0][0])), fm.tensor(index).name.decode()
    op = fm.producer(index)
    if op is not None and fm.op_name(op) == "DEQUANTIZE":
        q = fm.quant(op.inputs[0])
        if q is not None:
            return float(np.float32(q[0][0])), fm.tensor(op.inputs[0]).name.decode()
    return None, None


def worklist(entries):
    """operator -> signature -> {count, models, variants: {variant: [models]}, builtin_vs_ref}.

    builtin_vs_ref sums the models' per-operator comparisons of LiteRT's optimized kernels with BUILTIN_REF
    on identical inputs (instances compared, how many differed, the largest difference)."""
    wl = collections.defaultdict(lambda: collections.defaultdict(
        lambda: {"count": 0, "models": set(), "variants": collections.defaultdict(set),
                 "builtin_vs_ref": {"compared": 0, "differing": 0, "max_diff": 0.0}}))
    for e in entries:
        model = os.path.splitext(os.path.basename(e["path"]))[0]
        per_op = e.get("reference", {}).get("builtin_vs_ref_per_op", {})
        for sig, n in e["op_signatures"].items():
            op, types = sig.split(" ", 1)
            w = wl[op][types]
            w["count"] += n
            w["models"].add(model)
            for var in e["op_variants"].get(sig, {}):
                w["variants"][var].add(model)
            if sig in per_op:
                b = w["builtin_vs_ref"]
                b["compared"] += per_op[sig]["compared"]
                b["differing"] += per_op[sig]["differing"]
                b["max_diff"] = max(b["max_diff"], per_op[sig]["max_diff"])
    out = collections.OrderedDict()
    for op in sorted(wl):
        out[op] = collections.OrderedDict()
        for types in sorted(wl[op]):
            w = wl[op][types]
            out[op][types] = {"count": w["count"], "models": sorted(w["models"]),
                              "variants": {k: sorted(v) for k, v in sorted(w["variants"].items())},
                              "builtin_vs_ref": w["builtin_vs_ref"]}
    return out


def worklist_markdown(worklist, entries):
    lines = ["# Quantized kernel worklist",
             "",
             "Generated by `tests/golden/make_quant_models.py` from the models in this folder: every operator x",
             "tensor dtypes (inputs -> outputs, `none` = omitted optional input) x option combination they",
             "contain. `count` is instances over all models; options list the models that have them.",
             "`optimized vs ref`: LiteRT's optimized kernel (BUILTIN) against its reference kernel",
             "(BUILTIN_REF) on bit-identical inputs, over both reference samples: runs compared, how many",
             "differed, the largest difference (quantization steps for integer outputs, relative for float",
             "ones). Only operators upstream of the first divergence get identical inputs, so counts are small;",
             "a difference says the two LiteRT kernels round differently, and edgelite must follow the reference.",
             ""]
    for op, sigs in worklist.items():
        lines.append(f"## {op}")
        lines.append("")
        lines.append("| dtypes | count | optimized vs ref | options (models) |")
        lines.append("| --- | --- | --- | --- |")
        for types, w in sigs.items():
            opts = "; ".join(f"`{k}` ({', '.join(v) if len(v) <= 3 else str(len(v)) + ' models'})"
                             for k, v in w["variants"].items()) or "-"
            b = w["builtin_vs_ref"]
            cmp = (f"{b['differing']}/{b['compared']} differ, max {b['max_diff']:g}" if b["differing"] else
                   f"0/{b['compared']} differ" if b["compared"] else "-")
            lines.append(f"| `{types}` | {w['count']} | {cmp} | {opts} |")
        lines.append("")
    lines.append("## Differences between LiteRT's kernels (2 samples per model)")
    lines.append("")
    lines.append("Quantized outputs: max |a - b| in quantization steps of the output (for float outputs of")
    lines.append("integer models, of the tensor before the final DEQUANTIZE). Dynamic range: max |a - b| /")
    lines.append("max |BUILTIN_REF|.")
    lines.append("")
    lines.append("| model | output | builtin vs ref | xnnpack vs ref | xnnpack vs builtin | XNNPACK left |")
    lines.append("| --- | --- | --- | --- | --- | --- |")
    for e in entries:
        model = os.path.splitext(os.path.basename(e["path"]))[0]
        if not e["litert_runs"]:
            lines.append(f"| {model} | - | LiteRT cannot run it: {e['litert_error'][:120]} | | | |")
            continue
        left = ", ".join(f"{k} {v}" for k, v in e["reference"]["xnnpack_left_ops"].items()) or "-"
        left += f" ({e['reference']['xnnpack_partitions']} partitions)"
        for k, d in enumerate(e["reference"]["differences"]):
            lines.append(f"| {model} | {k} | {d['builtin_vs_ref']} | {d['xnnpack_vs_ref']} | "
                         f"{d['xnnpack_vs_builtin']} | {left} |")
    return "\n".join(lines) + "\n"
