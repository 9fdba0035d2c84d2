"""`edgelite run`: one invoke on inputs from .npy files (by tensor name or signature input name) or random
ones. A file must fit the input's shape signature (only dynamic axes may differ; the model is then resized)
and its dtype, unless --cast allows a same-kind conversion."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np

from .cli_common import CommandLineError, check_input_file, format_dims

NPY_MAGIC = b"\x93NUMPY"


@dataclass
class InputSlot:
    """One model input as `run` addresses it."""
    label: str                    # how messages name it
    names: Tuple[str, ...]        # the names --input accepts for it: tensor name, signature name
    detail: dict                  # the Interpreter's (or SignatureRunner's) input detail
    signature_name: Optional[str] = None


def random_input(detail, rng: np.random.Generator) -> np.ndarray:
    """A random value for the input described by `detail` (a get_input_details entry): uniform in [-1, 1]
    for floats, the full range for 8- and 16-bit integers (quantized values), small values for wider ones.

    Raises:
      CommandLineError: a dtype random values cannot stand for (strings); give it from a file.
    """
    shape = tuple(int(d) for d in detail["shape"])
    dtype = np.dtype(detail["dtype"])
    if dtype.kind == "f":
        return rng.uniform(-1.0, 1.0, size=shape).astype(dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, size=shape).astype(dtype)
    if dtype.kind not in "iu":
        raise CommandLineError(f"input '{detail['name']}' is {dtype}: give it from a file (--input), "
                               "random values are made for numbers and booleans only")
    info = np.iinfo(dtype)
    # 8- and 16-bit inputs are quantized values: their whole range; wider integers (indices, shapes) stay small.
    lo, hi = (info.min, info.max) if info.bits <= 16 else (-128, 127)
    return rng.integers(lo, hi + 1, size=shape).astype(dtype)


def load_npy(path: str, option: str = "--input") -> np.ndarray:
    """Reads one array from a .npy file (no pickles), naming `option` in errors.

    Raises:
      CommandLineError: the file is missing, an .npz archive, not .npy, or unreadable.
    """
    check_input_file(path, "input")
    with open(path, "rb") as f:
        magic = f.read(len(NPY_MAGIC))
    if magic[:2] == b"PK":
        raise CommandLineError(f"{option} {path} is an .npz archive; give one .npy file per input "
                               "(np.save(path, array))")
    if magic != NPY_MAGIC:
        raise CommandLineError(f"{option} {path} is not a .npy file (write one with np.save(path, array))")
    try:
        value = np.load(path, allow_pickle=False)
    except ValueError as e:  # object arrays need pickle, which a data file has no business needing
        raise CommandLineError(f"{option} {path}: cannot read it: {e}") from e
    return value


def parse_input_specs(specs: Optional[List[str]]) -> List[Tuple[Optional[str], str]]:
    """--input NAME=FILE.npy (or FILE.npy alone for a model with one input) -> [(name or None, path)]."""
    parsed = []
    for spec in specs or []:
        name, sep, path = spec.partition("=")
        if not sep:
            name, path = None, spec
        elif not name or not path:
            raise CommandLineError(f"--input expects NAME=FILE.npy, got {spec!r}")
        parsed.append((name, path))
    return parsed


def bind_inputs(slots: List[InputSlot], specs: List[Tuple[Optional[str], str]],
                other_names: str = "") -> Dict[int, Tuple[InputSlot, str]]:
    """Matches each --input to a slot: {slot position: (slot, path)}."""
    by_name: Dict[str, int] = {}
    for i, slot in enumerate(slots):
        for name in slot.names:
            by_name.setdefault(name, i)
    bound: Dict[int, Tuple[InputSlot, str]] = {}
    for name, path in specs:
        if name is None:
            if len(slots) != 1:
                raise CommandLineError(f"--input {path} has no NAME= and the model has {len(slots)} inputs; "
                                       f"name one of: {_known(slots)}")
            position = 0
        elif name in by_name:
            position = by_name[name]
        else:
            raise CommandLineError(f"no input named {name!r}; the inputs are: {_known(slots)}{other_names}")
        if position in bound:
            raise CommandLineError(f"input {slots[position].label} is given twice (--input)")
        bound[position] = (slots[position], path)
    return bound


def _known(slots: List[InputSlot]) -> str:
    return ", ".join(" or ".join(repr(n) for n in slot.names) for slot in slots)


def check_value(slot: InputSlot, value: np.ndarray, path: str, cast: bool) -> np.ndarray:
    """The value, if it fits the input's shape signature and dtype (cast same-kind with --cast)."""
    detail = slot.detail
    signature = [int(d) for d in detail.get("shape_signature", detail["shape"])]
    if len(signature) != len(detail["shape"]):
        signature = [int(d) for d in detail["shape"]]
    expected = format_dims(detail["shape"], signature)
    if value.ndim != len(signature) or any(s != -1 and s != v for s, v in zip(signature, value.shape)):
        dynamic = " (only the axes shown as ? may differ)" if -1 in signature else \
            " (the input has no dynamic axes)"
        raise CommandLineError(f"input {slot.label} takes shape {expected}{dynamic}; {path} has shape "
                               f"{format_dims(value.shape)}")
    want = np.dtype(detail["dtype"])
    if value.dtype == want:
        return value
    if not cast:
        raise CommandLineError(f"input {slot.label} is {want} but {path} holds {value.dtype}; convert the file "
                               f"(np.save(path, array.astype(np.{want.name}))) or pass --cast")
    if not np.can_cast(value.dtype, want, casting="same_kind"):
        hint = ""
        scale, zero_point = detail.get("quantization", (0.0, 0))
        if want.kind in "iu" and value.dtype.kind == "f" and scale:
            hint = (f"; the input is quantized (scale {scale:g}, zero point {zero_point}): give "
                    f"round(x / {scale:g}) + {zero_point} as {want}")
        raise CommandLineError(f"input {slot.label} is {want}; --cast converts only within a kind "
                               f"(float64 -> float32, int64 -> int32), not {value.dtype} -> {want}{hint}")
    return value.astype(want, casting="same_kind")


class _MainGraph:
    """Runs subgraph 0 through the Interpreter's input/output details."""

    def __init__(self, interp, signature_names: Dict[int, str]):
        self.interp = interp
        self.slots = []
        for d in interp.get_input_details():
            sig = signature_names.get(int(d["index"]))
            names = (d["name"],) + ((sig,) if sig and sig != d["name"] else ())
            self.slots.append(InputSlot(label=repr(d["name"]), names=names, detail=d, signature_name=sig))

    def resize(self, slot: InputSlot, shape) -> None:
        self.interp.resize_tensor_input(slot.detail["index"], list(shape), strict=False)

    def allocate(self) -> List[dict]:
        self.interp.allocate_tensors()
        details = {int(d["index"]): d for d in self.interp.get_input_details()}
        return [details[int(s.detail["index"])] for s in self.slots]

    def invoke(self, values: List[np.ndarray]) -> Tuple[List[Tuple[str, np.ndarray]], float]:
        for slot, value in zip(self.slots, values):
            self.interp.set_tensor(slot.detail["index"], value)
        start = time.perf_counter()
        self.interp.invoke()
        elapsed = (time.perf_counter() - start) * 1000
        return [(d["name"], self.interp.get_tensor(d["index"])) for d in self.interp.get_output_details()], elapsed


class _Signature:
    """Runs one signature through its SignatureRunner: inputs and outputs by signature name."""

    def __init__(self, interp, key: str):
        self.runner = interp.get_signature_runner(key)
        self.slots = []
        for name, d in self.runner.get_input_details().items():
            names = (name,) + ((d["name"],) if d["name"] != name else ())
            self.slots.append(InputSlot(label=f"{name!r} (tensor {d['name']!r})", names=names, detail=d,
                                        signature_name=name))

    def resize(self, slot: InputSlot, shape) -> None:
        self.runner.resize_tensor_input(slot.signature_name, list(shape))

    def allocate(self) -> List[dict]:
        self.runner.allocate_tensors()
        details = self.runner.get_input_details()
        return [details[s.signature_name] for s in self.slots]

    def invoke(self, values: List[np.ndarray]) -> Tuple[List[Tuple[str, np.ndarray]], float]:
        start = time.perf_counter()
        outputs = self.runner(**{s.signature_name: v for s, v in zip(self.slots, values)})
        elapsed = (time.perf_counter() - start) * 1000
        tensors = {name: d["name"] for name, d in self.runner.get_output_details().items()}
        return [(f"{name} ({tensors[name]})", value) for name, value in outputs.items()], elapsed


def _target(interp, model_path: str, signature: Optional[str]):
    from .model_graph import read_model_graph
    with open(model_path, "rb") as f:
        graph = read_model_graph(f.read())
    keys = [s.key for s in graph.signatures]
    if signature is not None:
        if signature not in keys:
            raise CommandLineError(f"--signature {signature!r}: the model has "
                                   + (f"signatures {', '.join(map(repr, keys))}" if keys else "no signatures"))
        return _Signature(interp, signature), ""
    on_main = [s for s in graph.signatures if s.subgraph == 0]
    names = {}
    for sig in on_main:
        for name, t in sig.inputs.items():
            names.setdefault(t, name)
    others = [k for k in keys if k not in {s.key for s in on_main}]
    hint = f" (inputs of signatures {', '.join(map(repr, others))} need --signature)" if others else ""
    return _MainGraph(interp, names), hint


def cmd_run(args) -> int:
    """`edgelite run`: runs the model once on the given (or random) inputs, checked against each input's
    shape_signature and dtype, and prints or saves the outputs. Returns the exit status."""
    from .interpreter import Interpreter
    check_input_file(args.model)
    specs = parse_input_specs(args.input)
    interp = Interpreter(model_path=args.model, num_threads=args.threads)
    target, hint = _target(interp, args.model, args.signature)
    bound = bind_inputs(target.slots, specs, hint)
    given: Dict[int, np.ndarray] = {}
    for position, (slot, path) in bound.items():
        value = check_value(slot, load_npy(path), path, args.cast)
        if list(value.shape) != [int(d) for d in slot.detail["shape"]]:
            target.resize(slot, value.shape)
        given[position] = value
    details = target.allocate()
    rng = np.random.default_rng(args.seed)
    values = []
    for position, (slot, detail) in enumerate(zip(target.slots, details)):
        if position in given:
            value = given[position]
            print(f"input  {slot.label}: {value.dtype} {list(value.shape)} from {bound[position][1]}")
        else:
            value = random_input(detail, rng)
            print(f"input  {slot.label}: random {value.dtype} {list(value.shape)}")
        values.append(value)
    outputs, elapsed = target.invoke(values)
    if args.output_dir:
        try:
            os.makedirs(args.output_dir, exist_ok=True)
        except OSError as e:
            raise CommandLineError(f"--output-dir {args.output_dir}: cannot create it: {e.strerror or e}") from e
    for i, (name, out) in enumerate(outputs):
        flat = out.reshape(-1)
        preview = np.array2string(flat[:6], precision=5, separator=", ", max_line_width=1 << 20)
        print(f"output {name}: {out.dtype} {list(out.shape)} {preview}{' ...' if flat.size > 6 else ''}")
        if args.output_dir:
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or f"output_{i}"
            path = os.path.join(args.output_dir, f"{i}_{safe}.npy")
            try:
                np.save(path, out)
            except OSError as e:
                raise CommandLineError(f"--output-dir: cannot write {path}: {e.strerror or e}") from e
    if args.output_dir:
        print(f"outputs written to {args.output_dir}")
    print(f"invoke: {elapsed:.2f} ms" if isinstance(target, _MainGraph)
          else f"signature call (set inputs, invoke, read outputs): {elapsed:.2f} ms")
    return 0


def add_parser(sub, common) -> None:
    """Adds the `run` subcommand and its options to the subparsers `sub` (`common`: shared options)."""
    from .cli_common import add_command, positive_int
    r = add_command(sub, common, "run", "run a model once on given or random inputs",
                    "Run a model once. Inputs not given are random. A file must have the input's dtype and fit "
                    "its shape signature: only dynamic axes (? in `edgelite inspect`) may differ, and the model is "
                    "resized to the file.", cmd_run)
    r.add_argument("model", help="the .tflite file")
    r.add_argument("--input", action="append", metavar="NAME=FILE.npy",
                   help="an input from a .npy file, by tensor name or signature input name (FILE.npy alone for "
                        "a model with one input); repeat for more inputs; default: random inputs")
    r.add_argument("--signature", metavar="KEY",
                   help="run this signature (inputs and outputs by its names); default: the main subgraph, "
                        "whose inputs also answer to the names of its signatures")
    r.add_argument("--cast", action="store_true",
                   help="convert an input file of another dtype of the same kind (float64 -> float32, "
                        "int64 -> int32) instead of refusing it")
    r.add_argument("--output-dir", metavar="DIR", help="write each output as a .npy file here; default: don't write")
    r.add_argument("--threads", type=positive_int, default=1, help="CPU threads for the kernels")
    r.add_argument("--seed", type=int, default=0, help="seed of the random inputs")
