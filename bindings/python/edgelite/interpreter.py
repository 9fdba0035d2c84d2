"""The Python Interpreter, with the same methods and dictionaries as LiteRT's, over the C++ core."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from . import _core
from .errors import InvalidArgumentError, NotReadyError


def load_delegate(library: str, options: Optional[dict] = None):
    """LiteRT loads delegates from shared libraries; edgelite's delegates are built in.

    Use an edgelite delegate object instead (for example `edgelite.testing.CpuTestDelegate`)."""
    raise InvalidArgumentError(
        f"cannot load delegate library {library!r}: edgelite links its delegates in; pass a delegate "
        "object from edgelite (e.g. edgelite.testing.CpuTestDelegate(ops=[...])) in experimental_delegates")


class Interpreter:
    """Runs a .tflite model. Same API as `ai_edge_litert.interpreter.Interpreter`."""

    def __init__(self, model_path: Optional[str] = None, model_content: Optional[bytes] = None,
                 experimental_delegates: Optional[Sequence[Any]] = None, num_threads: Optional[int] = None,
                 experimental_op_resolver_type: Any = None, experimental_preserve_all_tensors: bool = False,
                 custom_op_registerers: Optional[Sequence[Any]] = None, **unused_litert_options: Any):
        if (model_path is None) == (model_content is None):
            raise InvalidArgumentError("give exactly one of model_path or model_content")
        if model_path is not None:
            model_path = os.fspath(model_path)
        if num_threads is None:
            num_threads = 1
        if not isinstance(num_threads, int) or (num_threads < 1 and num_threads != -1):
            raise InvalidArgumentError(f"num_threads must be a positive integer or -1, got {num_threads!r}")
        delegates = list(experimental_delegates or [])
        for d in delegates:
            if not isinstance(d, _core.Delegate):
                raise InvalidArgumentError(f"{d!r} is not an edgelite delegate")
        # LiteRT takes names of C registration functions here; edgelite links its custom operators in, and
        # the one registerer it knows adds the test operators (edgelite.testing.TEST_CUSTOM_OPS).
        registerers = list(custom_op_registerers or [])
        unknown = [r for r in registerers if r != "AddTestCustomOps"]
        if unknown:
            raise InvalidArgumentError(
                f"unknown custom op registerer(s) {unknown}: edgelite registers custom operators in C++ through "
                "OpResolver::AddCustom; from Python only 'AddTestCustomOps' is available")
        self._core = _core.CoreInterpreter(model_path, model_content, num_threads, delegates,
                                           "AddTestCustomOps" in registerers)
        self._delegates = delegates  # keep them alive as long as the interpreter

    # ---- lifecycle ----
    def allocate_tensors(self) -> None:
        for s in range(self._core.num_subgraphs()):
            self._core.allocate_tensors(s)

    def invoke(self) -> None:
        self._core.invoke(0)

    # ---- tensors ----
    def _detail(self, index: int, subgraph: int = 0) -> Dict[str, Any]:
        info = self._core.tensor_info(subgraph, index)
        scales = np.asarray(info["scales"], dtype=np.float32)
        zero_points = np.asarray(info["zero_points"], dtype=np.int32)
        scalar_quant = (float(scales[0]), int(zero_points[0])) if len(scales) == 1 and len(zero_points) >= 1 \
            else (0.0, 0)
        return {
            "name": info["name"],
            "index": index,
            "shape": np.asarray(info["shape"], dtype=np.int32),
            "shape_signature": np.asarray(info["shape_signature"], dtype=np.int32),
            "dtype": np.dtype(info["dtype"]).type,
            "quantization": scalar_quant,
            "quantization_parameters": {
                "scales": scales,
                "zero_points": zero_points,
                "quantized_dimension": info["quantized_dimension"],
                "block_size": info["block_size"],
            },
            "sparsity_parameters": {} if not info["is_sparse"] else {"sparse": True},
        }

    def get_input_details(self) -> List[Dict[str, Any]]:
        return [self._detail(i) for i in self._core.inputs(0)]

    def get_output_details(self) -> List[Dict[str, Any]]:
        return [self._detail(i) for i in self._core.outputs(0)]

    def get_tensor_details(self) -> List[Dict[str, Any]]:
        return [self._detail(i) for i in range(self._core.num_tensors(0))]

    def set_tensor(self, tensor_index: int, value: np.ndarray) -> None:
        self._core.set_tensor(0, int(tensor_index), np.asarray(value))

    def get_tensor(self, tensor_index: int, subgraph_index: int = 0) -> np.ndarray:
        return self._core.get_tensor(subgraph_index, int(tensor_index))

    def tensor(self, tensor_index: int):
        """Returns a function that gives a zero-copy NumPy view of the tensor's current memory.

        The view is valid until the next allocate_tensors() or resize, as in LiteRT."""
        return lambda: self._core.tensor_view(0, int(tensor_index), self._core)

    def resize_tensor_input(self, input_index: int, tensor_size, strict: bool = False) -> None:
        dims = [int(d) for d in np.asarray(tensor_size).reshape(-1)]
        self._core.resize_input(0, int(input_index), dims, bool(strict))

    # ---- signatures ----
    def get_signature_list(self) -> Dict[str, Dict[str, List[str]]]:
        return {s["key"]: {"inputs": list(s["inputs"].keys()), "outputs": list(s["outputs"].keys())}
                for s in self._core.signatures()}

    def get_signature_runner(self, signature_key: Optional[str] = None) -> "SignatureRunner":
        sigs = self._core.signatures()
        if not sigs:
            raise InvalidArgumentError("this model has no signatures")
        if signature_key is None:
            if len(sigs) > 1:
                raise InvalidArgumentError(
                    "the model has several signatures; name one of: " + ", ".join(s["key"] for s in sigs))
            return SignatureRunner(self, sigs[0])
        for s in sigs:
            if s["key"] == signature_key:
                return SignatureRunner(self, s)
        raise InvalidArgumentError(
            f"no signature {signature_key!r}; the model has: " + ", ".join(s["key"] for s in sigs))

    # ---- edgelite extras ----
    def _get_ops_details(self, subgraph: int = 0) -> List[Dict[str, Any]]:
        return [{"index": n["index"], "op_name": n["op_name"], "version": n["version"],
                 "inputs": np.asarray(n["inputs"], dtype=np.int32),
                 "outputs": np.asarray(n["outputs"], dtype=np.int32), "delegated": n["delegated"],
                 "kernel": n["kernel"]}
                for n in self._core.nodes(subgraph)]

    def num_subgraphs(self) -> int:
        return self._core.num_subgraphs()

    def arena_bytes(self, subgraph: int = 0) -> int:
        return self._core.arena_bytes(subgraph)


class SignatureRunner:
    """Runs one signature: call it with inputs by name, get a dict of outputs by name (LiteRT API)."""

    def __init__(self, interpreter: Interpreter, signature: Dict[str, Any]):
        self._interp = interpreter
        self._core = interpreter._core
        self._sig = signature
        self._subgraph = signature["subgraph_index"]
        self._allocated = False

    def get_input_details(self) -> Dict[str, Dict[str, Any]]:
        return {name: self._interp._detail(t, self._subgraph) for name, t in self._sig["inputs"].items()}

    def get_output_details(self) -> Dict[str, Dict[str, Any]]:
        return {name: self._interp._detail(t, self._subgraph) for name, t in self._sig["outputs"].items()}

    def resize_tensor_input(self, input_name: str, new_shape) -> None:
        t = self._input_index(input_name)
        self._core.resize_input(self._subgraph, t, [int(d) for d in new_shape], False)
        self._allocated = False

    def allocate_tensors(self) -> None:
        self._core.allocate_tensors(self._subgraph)
        self._allocated = True

    def _input_index(self, name: str) -> int:
        if name not in self._sig["inputs"]:
            raise InvalidArgumentError(
                f"signature {self._sig['key']!r} has no input {name!r}; inputs: {list(self._sig['inputs'])}")
        return self._sig["inputs"][name]

    def __call__(self, **inputs: np.ndarray) -> Dict[str, np.ndarray]:
        missing = set(self._sig["inputs"]) - set(inputs)
        if missing:
            raise InvalidArgumentError(f"missing inputs for signature {self._sig['key']!r}: {sorted(missing)}")
        # Inputs of a new shape resize the graph, as LiteRT's runner does.
        for name, value in inputs.items():
            t = self._input_index(name)
            value = np.asarray(value)
            if list(self._core.tensor_info(self._subgraph, t)["shape"]) != list(value.shape):
                self._core.resize_input(self._subgraph, t, list(value.shape), False)
                self._allocated = False
        if not self._allocated or not self._core.ready(self._subgraph):
            self.allocate_tensors()
        for name, value in inputs.items():
            self._core.set_tensor(self._subgraph, self._input_index(name), np.asarray(value))
        self._core.invoke(self._subgraph)
        return {name: self._core.get_tensor(self._subgraph, t) for name, t in self._sig["outputs"].items()}
