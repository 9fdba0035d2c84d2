"""Writes tests/models/litert_registry.json: the (operator, version) pairs the builtin op resolver of the
installed ai-edge-litert accepts, asked of LiteRT itself. Each builtin code (StableHLO aside) and version
1..MAX_PROBED_VERSION goes into a one-node model; LiteRT's interpreter construction resolves every node's
kernel and fails with "Didn't find op for builtin opcode" when its resolver has no registration for the
pair (construction runs no prepare, and it maps every opcode to a kernel before it parses any node's options,
so a model whose tensors or options suit no kernel still resolves). The custom ops
LiteRT's builtin resolver adds are probed by name too, but construction accepts every custom code at every
version (an unresolved custom op becomes a placeholder that fails at prepare): for them the probe also
allocates tensors, where LiteRT says "Encountered unresolved custom op" for a (name, version) its resolver
lacks and runs the kernel's prepare for one it has. tensorflow/lite/core/kernels/register.cc is the
cross-check: its AddBuiltin(op, kernel, min, max) lines give the same ranges, its AddCustom(name, kernel)
lines (version 1, the default) the customs'.

Run from tests/: PYTHONPATH=../build/dev/site python golden/make_litert_registry.py"""

import json
import os

import numpy as np

from edgelite.model_builder import ModelBuilder
from edgelite.schema.BuiltinOperator import BuiltinOperator

OUT = os.path.join(os.path.dirname(__file__), "..", "models", "litert_registry.json")
# No builtin reaches this version; the probe stops at the first refused version above an accepted one.
MAX_PROBED_VERSION = 20
# The custom ops LiteRT's builtin resolver (BuiltinOpResolver) registers besides the builtins.
CUSTOM_OPS = ["NumericVerify", "Mfcc", "AudioSpectrogram", "TFLite_Detection_PostProcess"]


def _resolves(op, version, custom_code=None):
    """True when LiteRT's builtin resolver has a kernel for (op, version); False when it says it has none."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    b = ModelBuilder()
    x = b.add_input("x", [1], np.float32)
    y = b.add_tensor("y", [1], np.float32)
    b.add_operator(op, [x], [y], version=version, custom_code=custom_code,
                   custom_options=b"" if custom_code else None)
    b.mark_output(y)
    try:
        interpreter = Interpreter(model_content=b.build(),
                                  experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    except (ValueError, RuntimeError) as e:
        # LiteRT resolves every opcode before it parses a node's options: any other complaint (options a
        # one-node model lacks, such as BUCKETIZE's boundaries) means the pair resolved.
        return "Didn't find op for" not in str(e)
    if custom_code is None:
        return True
    try:
        interpreter.allocate_tensors()
    except (ValueError, RuntimeError) as e:
        # The kernel's own prepare refusing the one-input model means it resolved.
        return "unresolved custom op" not in str(e)
    return True


def _version_range(op, custom_code=None):
    """[min, max] of the versions LiteRT accepts for `op`, or None; the accepted set must be contiguous."""
    accepted = [v for v in range(1, MAX_PROBED_VERSION + 1) if _resolves(op, v, custom_code)]
    if not accepted:
        return None
    if accepted != list(range(accepted[0], accepted[-1] + 1)):
        raise RuntimeError(f"{op}: LiteRT accepts versions {accepted}, not one contiguous range")
    return [accepted[0], accepted[-1]]


def builtin_names():
    """Every BuiltinOperator name of our schema but CUSTOM, DELEGATE, PLACEHOLDER_FOR_GREATER_OP_CODES and
    the StableHLO ones (outside this table's scope)."""
    names = [n for n in vars(BuiltinOperator) if n.isupper()]
    skip = {"CUSTOM", "DELEGATE", "PLACEHOLDER_FOR_GREATER_OP_CODES"}
    return sorted((n for n in names if n not in skip and not n.startswith("STABLEHLO_")),
                  key=lambda n: getattr(BuiltinOperator, n))


def _format(table):
    """JSON with one operator a line, so a LiteRT upgrade's diff shows the ranges that moved."""
    lines = ["{"]
    for i, (key, value) in enumerate(table.items()):
        end = "," if i < len(table) - 1 else ""
        if isinstance(value, dict):
            items = [f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in value.items()]
            lines.append(f" {json.dumps(key)}: {{\n" + ",\n".join(items) + f"\n }}{end}")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value)}{end}")
    return "\n".join(lines) + "\n}\n"


def main():
    import ai_edge_litert
    builtins, not_registered = {}, []
    for name in builtin_names():
        r = _version_range(name)
        if r is None:
            not_registered.append(name)
        else:
            builtins[name] = r
    customs = {}
    for name in CUSTOM_OPS:
        r = _version_range("CUSTOM", custom_code=name)
        if r is not None:
            # [first, null] would say "no upper bound" (every probed version resolves).
            customs[name] = [r[0], None if r[1] == MAX_PROBED_VERSION else r[1]]
    table = {
        "litert_version": getattr(ai_edge_litert, "__version__", "unknown"),
        "resolver": "BUILTIN_WITHOUT_DEFAULT_DELEGATES",
        "how": "tests/golden/make_litert_registry.py: one-node models per (op, version) in LiteRT's Interpreter",
        "builtins": builtins,
        "customs": customs,
        "schema_builtins_not_registered": not_registered,
    }
    with open(OUT, "w") as f:
        f.write(_format(table))
    print(f"{OUT}: {len(builtins)} builtins, {len(customs)} customs; "
          f"{len(not_registered)} schema builtins not registered")


if __name__ == "__main__":
    main()
