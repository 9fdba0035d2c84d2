"""The Python Interpreter, with the same constructor, methods and dictionaries as LiteRT's, over the C++ core.

Code written for `ai_edge_litert.interpreter` (or `tf.lite`) runs unchanged: the tensor details, op details and
signature dictionaries have LiteRT's keys and types; information LiteRT does not give is under extra keys only.
"""

from __future__ import annotations

import enum
import os
import sys
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

from . import _core
from . import plugins as _plugins
from .errors import InvalidArgumentError


class OpResolverType(enum.Enum):
    """Which kernels the interpreter uses; the members and values of LiteRT's `OpResolverType`.

    `AUTO`, `BUILTIN` and `BUILTIN_WITHOUT_DEFAULT_DELEGATES` choose the fastest kernel each operator has on
    this CPU (edgelite applies no delegate by default, so the three are the same). `BUILTIN_REF` chooses the
    reference kernels only, the normative answer for integer models.
    """

    AUTO = 0
    BUILTIN = 1
    BUILTIN_REF = 2
    BUILTIN_WITHOUT_DEFAULT_DELEGATES = 3


def _resolver_type(value: Any) -> OpResolverType:
    if value is None:
        return OpResolverType.AUTO
    if isinstance(value, OpResolverType):
        return value
    # LiteRT's own enum (or tf.lite's) is accepted by member name, so scripts can keep passing it.
    name = getattr(value, "name", None)
    if isinstance(name, str) and name in OpResolverType.__members__ and type(value).__name__ == "OpResolverType":
        return OpResolverType[name]
    raise InvalidArgumentError(f"Unrecognized passed in op resolver type: {value!r}; use "
                               f"edgelite.OpResolverType ({', '.join(OpResolverType.__members__)})")


def load_delegate(library: str, options: Optional[dict] = None):
    """Loads a delegate, as LiteRT's `load_delegate`: pass the result in `experimental_delegates`.

    Args:
      library: "opencl" (edgelite's OpenCL delegate), or the path of a delegate library built against
        edgelite's plugin ABI (exporting `edgelite_delegate_create`).
      options: delegate options; values become strings (bools "true"/"false", lists comma-joined). Every
        delegate takes `min_partition_size` (partitions with fewer nodes stay on the CPU) and
        `max_partitions` (only the largest N are delegated); the OpenCL delegate also `precision`
        ("fp32", "fp16"), `device` (an index or part of the name) and `cache_dir`.

    Raises:
      ValueError: the library is missing or not a delegate library, an option is wrong, or the delegate
        cannot start (e.g. "no OpenCL platform").
    """
    path = _plugins.delegate_library(library)
    text_options = {str(k): _plugins.option_text(v) for k, v in (options or {}).items()}
    return _core.load_delegate(path, text_options)


def _numpy_type(dtype_name: str) -> type:
    """The NumPy scalar type of a tensor dtype name from the core; resource handles are `np.object_` and strings
    `np.bytes_`, as in LiteRT (whose get_tensor gives strings as an object array of bytes)."""
    if dtype_name == "string":
        return np.bytes_
    if dtype_name in _HELD_AS:
        return _HELD_AS[dtype_name]
    if dtype_name in ("bfloat16", "float8_e4m3fn", "float8_e5m2"):
        import ml_dtypes  # LiteRT's own dependency, imported only for models that have these types
        return getattr(ml_dtypes, dtype_name)
    return np.object_ if dtype_name == "resource" else np.dtype(dtype_name).type


# int4 / int2 / uint4 tensors hold one value a byte and read and write as int8 / uint8, as in LiteRT's Python.
_HELD_AS = {"int4": np.int8, "int2": np.int8, "uint4": np.uint8}


def _held_value(value: np.ndarray) -> np.ndarray:
    """ml_dtypes' int4 / int2 / uint4 arrays as the int8 / uint8 values their tensors hold; others unchanged."""
    return value.astype(_HELD_AS[value.dtype.name]) if value.dtype.name in _HELD_AS else value


class _ViewOwner:
    """The base object of every NumPy view `Interpreter.tensor()` hands out. It keeps the C++ core alive
    while a view exists, and counting references to it tells whether any view is still held."""

    __slots__ = ("core",)

    def __init__(self, core):
        self.core = core


class Interpreter:
    """Runs a `.tflite` model: the same API as `ai_edge_litert.interpreter.Interpreter`.

    Typical use::

        interpreter = edgelite.Interpreter(model_path="model.tflite", num_threads=2)
        interpreter.allocate_tensors()
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
        interpreter.invoke()
        y = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])

    Errors are `edgelite.errors` classes, which also derive from the built-in exceptions LiteRT raises:
    `InvalidModelError` / `InvalidArgumentError` are `ValueError`s; `UnsupportedError` (an operator, dtype or
    version this build cannot run), `NotReadyError` (a call out of order) and `InternalError` are
    `RuntimeError`s.

    Threads: `invoke()` releases the GIL, so several interpreters run in parallel from several threads. One
    interpreter runs one call at a time: a call from a second thread while `invoke()` runs (another `invoke()`,
    `set_tensor`, `get_tensor`, `resize_tensor_input`, `allocate_tensors`, ...) raises `NotReadyError`
    ("interpreter is busy in another thread") and changes nothing; `cancel()` is the exception, callable any
    time. Use one interpreter per thread, or a lock around the calls.
    """

    def __init__(self, model_path: Optional[str] = None, model_content: Optional[bytes] = None,
                 experimental_delegates: Optional[Sequence[Any]] = None, num_threads: Optional[int] = None,
                 experimental_op_resolver_type: Any = OpResolverType.AUTO,
                 experimental_preserve_all_tensors: bool = False,
                 experimental_disable_delegate_clustering: bool = False,
                 experimental_default_delegate_latest_features: bool = False,
                 experimental_compress_quantization_zero_points: bool = False,
                 experimental_disable_delegate_node_fusion: bool = False,
                 experimental_force_delegate_node_profiling: bool = False,
                 custom_op_registerers: Optional[Sequence[Any]] = None, select_ops: bool = True,
                 max_arena_bytes: Optional[int] = None):
        """Loads and verifies a model and builds its graph (kernels are prepared by `allocate_tensors`).

        Args:
          model_path: path of a `.tflite` file (str or os.PathLike).
          model_content: the model's bytes (any buffer). Give exactly one of the two.
          experimental_delegates: edgelite delegate objects; each claims the nodes it supports.
          num_threads: threads for CPU kernels, >= 1 (default 1).
          experimental_op_resolver_type: an `OpResolverType` (LiteRT's enum is accepted too);
            `BUILTIN_REF` runs reference kernels only.
          experimental_preserve_all_tensors: every tensor gets memory of its own, so intermediate tensors
            hold their values after `invoke` (`get_tensor` on any tensor); costs memory.
          experimental_disable_delegate_clustering: partitions for delegates keep the execution order
            (consecutive nodes only) instead of gathering supported nodes across unsupported ones.
          experimental_default_delegate_latest_features: LiteRT's switch for its default delegates'
            newest features; edgelite applies no default delegate, so it changes nothing.
          experimental_compress_quantization_zero_points: LiteRT's memory saving for per-channel zero
            points that are all equal; it does not change results, and edgelite keeps them as the model
            stores them. Reported back by the property of the same name.
          experimental_disable_delegate_node_fusion: every node a delegate claims becomes a partition of
            its own.
          experimental_force_delegate_node_profiling: LiteRT's switch to time delegated nodes when a
            delegate profiles internally; edgelite always times each delegate node as one operator.
          custom_op_registerers: custom-op libraries to load (LiteRT's `InterpreterWithCustomOps` takes
            registration function names): the path of a library built against edgelite's plugin ABI
            (exporting `edgelite_register_custom_ops`), "path.so:function", or a name edgelite knows
            ("AddTestCustomOps": the test operator EdgeliteTestScale of libedgelite_test_plugins.so).
          select_ops: when the model has TensorFlow select ops (custom operators `Flex<Op>`) that nothing
            registered, load edgelite's select-ops library for them; False refuses them instead (a named
            error at `allocate_tensors`).
          max_arena_bytes: the most memory (bytes) the interpreter's tensors may take together: every
            subgraph's arena plus the memory of variables, values computed at prepare and outputs whose
            shape is known only at invoke. Beyond it `allocate_tensors` (or `invoke`, for such an output)
            raises UnsupportedError instead of exhausting the machine. Default: three quarters of the
            physical memory. (An edgelite option; LiteRT has no cap.)

        Raises:
          InvalidArgumentError (ValueError): a bad argument (both or neither model source, num_threads < 1,
            an unknown resolver type or registerer, an object that is not an edgelite delegate).
          InvalidModelError (ValueError): the file is missing, corrupt or inconsistent.
          UnsupportedError (RuntimeError): a delegate failed on the model.
          TypeError: an unknown keyword argument.
        """
        if model_path is not None and model_content is not None:
            raise InvalidArgumentError("Can't both provide `model_path` and `model_content`: give exactly one")
        if model_path is None and model_content is None:
            raise InvalidArgumentError("`model_path` or `model_content` must be specified: give exactly one")
        if model_path is not None:
            model_path = os.fspath(model_path)
        if num_threads is not None:
            if not isinstance(num_threads, int) or isinstance(num_threads, bool):
                raise InvalidArgumentError(f"type of num_threads should be int, got {type(num_threads).__name__}")
            if num_threads < 1:
                raise InvalidArgumentError(f"num_threads should be >= 1, got {num_threads}")
        if max_arena_bytes is not None:
            if not isinstance(max_arena_bytes, int) or isinstance(max_arena_bytes, bool):
                raise InvalidArgumentError(
                    f"type of max_arena_bytes should be int, got {type(max_arena_bytes).__name__}")
            if max_arena_bytes < 1:
                raise InvalidArgumentError(f"max_arena_bytes should be >= 1, got {max_arena_bytes}")
        resolver = _resolver_type(experimental_op_resolver_type)
        delegates = list(experimental_delegates or [])
        for d in delegates:
            if not isinstance(d, _core.Delegate):
                raise InvalidArgumentError(f"{d!r} is not an edgelite delegate")
        # LiteRT takes names of C registration functions here; edgelite takes custom-op libraries (plugin
        # ABI) by path, and the names it knows (edgelite.plugins.KNOWN_REGISTERERS).
        for r in custom_op_registerers or []:
            if not isinstance(r, str):
                raise InvalidArgumentError(f"custom op registerers must be strings (library paths or names), got {r!r}")
        libraries = [_plugins.registerer_library(r) for r in custom_op_registerers or []]
        select_library = (_plugins.library_path(_plugins.SELECT_OPS_LIBRARY) or "") if select_ops else ""
        self._core = _core.CoreInterpreter(
            model_path, model_content, int(num_threads or 1), delegates, libraries, select_library,
            preserve_all_tensors=bool(experimental_preserve_all_tensors),
            reference_kernels_only=resolver is OpResolverType.BUILTIN_REF,
            delegate_clustering=not experimental_disable_delegate_clustering,
            delegate_node_fusion=not experimental_disable_delegate_node_fusion,
            max_arena_bytes=max_arena_bytes or 0)
        self._delegates = delegates  # keep them alive as long as the interpreter
        self._views = _ViewOwner(self._core)
        self._experimental_compress_quantization_zero_points = bool(experimental_compress_quantization_zero_points)

    # ---- lifecycle ----
    def allocate_tensors(self) -> None:
        """Prepares every operator (checks shapes and types, picks kernels) and plans tensor memory.

        Call after creating the interpreter and after every `resize_tensor_input`.

        Raises:
          UnsupportedError: an operator, version or dtype this build cannot run (all of them are listed),
            or the tensors need more memory than `max_arena_bytes`.
          InvalidModelError: an operator's inputs do not fit it.
          RuntimeError: a NumPy view from `tensor()` is still held.
        """
        self._ensure_safe()
        # As LiteRT: the primary subgraph; control-flow operators prepare the subgraphs they call, and a
        # signature runner its own.
        self._core.allocate_tensors(0)

    def invoke(self) -> None:
        """Runs the model on the inputs set with `set_tensor`. Releases the GIL while it runs.

        Raises:
          NotReadyError: `allocate_tensors()` was not called since the last resize.
          RuntimeError: a NumPy view from `tensor()` is still held.
        """
        self._ensure_safe()
        self._core.invoke(0)

    def cancel(self) -> None:
        """Stops an `invoke()` running in another thread (LiteRT's C++ `Interpreter::Cancel`; edgelite only).

        That `invoke()` raises `CancelledError` before its next operator or loop iteration (an operator
        already running finishes first). `invoke()` releases the GIL, so another Python thread can call this
        while it runs, e.g. to stop a model whose WHILE loop does not end. Each `invoke()` starts
        uncancelled: a `cancel()` made while none runs has no effect. The interpreter stays usable.
        """
        self._core.cancel()

    def reset_all_variables(self) -> None:
        """Sets every variable tensor (recurrent state, `is_variable`) of every subgraph to zero (int8: its zero
        point). Resource variables (VAR_HANDLE / ASSIGN_VARIABLE: a converted `tf.Variable`) keep their values,
        and an init subgraph CALL_ONCE has run is not run again, as in LiteRT; a new `Interpreter` starts them
        over."""
        for s in range(self._core.num_subgraphs()):
            self._core.reset_variables(s)

    def _safe_to_run(self) -> bool:
        """True when no NumPy view from `tensor()` is alive (LiteRT's rule: memory may move otherwise)."""
        # References: self._views and getrefcount's argument; every view adds one as its base.
        return sys.getrefcount(self._views) == 2

    def _ensure_safe(self) -> None:
        """Raises RuntimeError when a NumPy view from `tensor()` is still alive."""
        if not self._safe_to_run():
            raise RuntimeError(
                "There is at least 1 reference to internal data in the interpreter in the form of a numpy "
                "array or slice. Be sure to only hold the function returned from tensor() if you are using "
                "raw data access.")

    # ---- tensors ----
    def _get_tensor_details(self, tensor_index: int, subgraph_index: int) -> Dict[str, Any]:
        """The details dictionary of one tensor (keys as `get_input_details`).

        Raises:
          ValueError: the index is out of range, or names an internal scratch tensor of a kernel.
        """
        tensor_index, subgraph_index = int(tensor_index), int(subgraph_index)
        info = self._core.tensor_info(subgraph_index, tensor_index)
        if info["is_temporary"]:
            raise InvalidArgumentError(f"tensor {tensor_index} is an internal scratch tensor of a kernel")
        scales = np.asarray(info["scales"], dtype=np.float32)
        zero_points = np.asarray(info["zero_points"], dtype=np.int32)
        scalar_quant = (float(scales[0]), int(zero_points[0])) if len(scales) == 1 and len(zero_points) >= 1 \
            else (0.0, 0)
        return {
            "name": info["name"],
            "index": tensor_index,
            "shape": np.asarray(info["shape"], dtype=np.int32),
            "shape_signature": np.asarray(info["shape_signature"], dtype=np.int32),
            "dtype": _numpy_type(info["dtype"]),
            "quantization": scalar_quant,
            "quantization_parameters": {
                "scales": scales,
                "zero_points": zero_points,
                "quantized_dimension": info["quantized_dimension"],
                "block_size": info["block_size"],
            },
            "sparsity_parameters": info["sparsity"],
        }

    def get_input_details(self) -> List[Dict[str, Any]]:
        """Details of the model's inputs, in the model's order: a list of dictionaries with

        `name`, `index` (for `set_tensor`), `shape`, `shape_signature` (-1 for a dimension the model leaves
        open), `dtype` (a NumPy type), `quantization` ((scale, zero_point) for per-tensor quantization,
        else (0.0, 0)), `quantization_parameters` (`scales`, `zero_points`, `quantized_dimension`,
        `block_size`) and `sparsity_parameters` (empty for dense tensors).
        For models with signatures, `get_signature_runner()` gives inputs by name.
        """
        return [self._get_tensor_details(i, 0) for i in self._core.inputs(0)]

    def get_output_details(self) -> List[Dict[str, Any]]:
        """Details of the model's outputs, in the model's order (keys as `get_input_details`)."""
        return [self._get_tensor_details(i, 0) for i in self._core.outputs(0)]

    def get_tensor_details(self, subgraph_index: int = 0) -> List[Dict[str, Any]]:
        """Details of every tensor of a subgraph that the model declares (kernels' scratch tensors are left out).

        Raises:
          ValueError: `subgraph_index` is out of range.
        """
        n = self._core.num_subgraphs()
        if not 0 <= int(subgraph_index) < n:
            raise InvalidArgumentError(
                f"subgraph_index is out of range: {subgraph_index} for the model, which has {n} subgraphs.")
        return [self._get_tensor_details(i, subgraph_index)
                for i in range(self._core.num_model_tensors(int(subgraph_index)))]

    def set_tensor(self, tensor_index: int, value: np.ndarray) -> None:
        """Copies `value` into a tensor (an input, or with `experimental_preserve_all_tensors` any tensor).

        The dtype must be the tensor's exactly and the shape its current shape (use `resize_tensor_input`
        to change an input's shape). For no copy, write through `tensor()` instead. A string tensor takes an
        array of bytes or str (object, `bytes_` or `str_` dtype; str is stored as UTF-8), as in LiteRT.

        Raises:
          InvalidArgumentError (ValueError): wrong dtype or shape, a constant tensor, a bad index, a string
            element that is neither bytes nor str.
          NotReadyError: called before `allocate_tensors()`.
        """
        self._core.set_tensor(0, int(tensor_index), _held_value(np.asarray(value)))

    def get_tensor(self, tensor_index: int, subgraph_index: int = 0) -> np.ndarray:
        """A copy of a tensor's value. Intermediate tensors hold their values only with
        `experimental_preserve_all_tensors=True` (otherwise their memory is reused by later operators).
        A string tensor reads as an object array of bytes, as in LiteRT.

        Raises:
          InvalidArgumentError (ValueError): a bad index.  NotReadyError: no memory yet (allocate first), or a
            string tensor that holds no value yet.
        """
        return self._core.get_tensor(int(subgraph_index), int(tensor_index))

    def tensor(self, tensor_index: int) -> Callable[[], np.ndarray]:
        """A function that returns a NumPy view (no copy) of a tensor's memory, for reading and writing.

        String tensors have no view (InvalidArgumentError; use `get_tensor`).
        Hold the function, not the view: while a view is alive, `allocate_tensors`, `invoke` and
        `resize_tensor_input` raise RuntimeError, since they may move the memory it points to (LiteRT's rule).
        """
        index = int(tensor_index)
        return lambda: self._core.tensor_view(0, index, self._views)

    def resize_tensor_input(self, input_index: int, tensor_size, strict: bool = False) -> None:
        """Changes the shape of an input; call `allocate_tensors()` afterwards.

        Args:
          input_index: the input's tensor index (`get_input_details()[i]["index"]`).
          tensor_size: the new shape.
          strict: only dimensions that are -1 in `shape_signature` may change.

        Raises:
          InvalidArgumentError (ValueError): not an input, a negative dimension, or a strict resize of a
            fixed dimension.
          RuntimeError: a NumPy view from `tensor()` is still held.
        """
        self._ensure_safe()
        dims = [int(d) for d in np.asarray(tensor_size).reshape(-1)]
        self._core.resize_input(0, int(input_index), dims, bool(strict))

    # ---- operators ----
    def _get_op_details(self, op_index: int, subgraph_index: int = 0) -> Dict[str, Any]:
        """One node: LiteRT's `index`, `op_name`, `inputs`, `outputs` (tensor indices, -1 for an omitted
        optional input), `operand_types` and `result_types` (NumPy types of the present tensors), plus
        edgelite's `version`, `kernel` (the implementation prepare chose, e.g. "int8 per-channel (avx512vnni)",
        None before `allocate_tensors`), `delegated` (a delegate's node) and `plan_position` (None for a node a
        delegate took over).

        Raises:
          ValueError: the index is out of range.
        """
        nodes = self._core.nodes(int(subgraph_index), True)
        op_index = int(op_index)
        if not 0 <= op_index < len(nodes):
            raise InvalidArgumentError(f"op index {op_index} is out of range (subgraph has {len(nodes)} nodes)")
        return self._op_details(nodes[op_index], int(subgraph_index), {})

    def _op_details(self, n: Dict[str, Any], subgraph: int, dtypes: Dict[int, Any]) -> Dict[str, Any]:
        # `dtypes` caches each tensor's NumPy type across the nodes of one _get_ops_details call.
        def types(tensors):
            for t in tensors:
                if t != -1 and t not in dtypes:
                    dtypes[t] = _numpy_type(self._core.tensor_info(subgraph, t)["dtype"])
            return [dtypes[t] for t in tensors if t != -1]
        return {"index": n["index"], "op_name": n["op_name"],
                "inputs": np.asarray(n["inputs"], dtype=np.int32),
                "outputs": np.asarray(n["outputs"], dtype=np.int32),
                "operand_types": types(n["inputs"]), "result_types": types(n["outputs"]),
                "version": n["version"], "kernel": n["kernel"], "delegated": n["delegated"],
                "delegate": n["delegate"], "delegate_note": n["delegate_note"], "folded": n["folded"],
                "fused_into": n["fused_into"], "fused_activation": n["fused_activation"],
                "fused_addend": n["fused_addend"], "fused_hard_swish": n["fused_hard_swish"],
                "fused_pad": None if n["fused_pad"] is None else [list(side) for side in n["fused_pad"]],
                "plan_position": n["plan_position"]}

    def _get_ops_details(self, subgraph_index: int = 0) -> List[Dict[str, Any]]:
        """`_get_op_details` of every node, by node index (as LiteRT: nodes a delegate took over included)."""
        dtypes: Dict[int, Any] = {}
        return [self._op_details(n, int(subgraph_index), dtypes) for n in self._core.nodes(int(subgraph_index), True)]

    def get_ops_details(self, subgraph_index: int = 0) -> List[Dict[str, Any]]:
        """The execution plan: `_get_op_details` of each node in the order invoke runs them, where each
        delegated partition is one node with `op_name` "DELEGATE" and `delegate` naming the backend; nodes
        a delegate was offered but did not take carry a `delegate_note` saying why."""
        dtypes: Dict[int, Any] = {}
        return [self._op_details(n, int(subgraph_index), dtypes) for n in self._core.nodes(int(subgraph_index), False)]

    def num_subgraphs(self) -> int:
        """The number of subgraphs in the model."""
        return self._core.num_subgraphs()

    # ---- signatures ----
    def _get_full_signature_list(self) -> Dict[str, Dict[str, Dict[str, int]]]:
        """Every signature: {key: {"inputs": {name: tensor index}, "outputs": {name: tensor index}}}."""
        return {s["key"]: {"inputs": dict(s["inputs"]), "outputs": dict(s["outputs"])}
                for s in self._core.signatures()}

    def get_signature_list(self) -> Dict[str, Dict[str, List[str]]]:
        """Every signature's input and output names: {key: {"inputs": [...], "outputs": [...]}}."""
        return {key: {"inputs": list(sig["inputs"]), "outputs": list(sig["outputs"])}
                for key, sig in self._get_full_signature_list().items()}

    def get_signature_runner(self, signature_key: Optional[str] = None) -> "SignatureRunner":
        """A callable that runs one signature with inputs and outputs by name.

        `signature_key` may be None only when the model has exactly one signature.

        Raises:
          ValueError: no such signature, or None with a model of zero or several signatures.
        """
        keys = [s["key"] for s in self._core.signatures()]
        if signature_key is None:
            if len(keys) != 1:
                raise InvalidArgumentError(
                    f"SignatureDef signature_key is None and model has {len(keys)} Signatures. None is only "
                    "allowed when the model has 1 SignatureDef" + (f" (keys: {', '.join(keys)})" if keys else ""))
            signature_key = keys[0]
        return SignatureRunner(interpreter=self, signature_key=signature_key)

    # ---- other LiteRT members ----
    @property
    def experimental_compress_quantization_zero_points(self) -> bool:
        """The constructor's option of that name (it changes no result)."""
        return self._experimental_compress_quantization_zero_points

    def _native_handle(self) -> int:
        """The address of the C++ `edgelite::Interpreter`, for C++ extensions built against this build."""
        return self._core.native_handle()

    # ---- edgelite extras ----
    def arena_bytes(self, subgraph: int = 0) -> int:
        """Bytes of the subgraph's tensor arena after `allocate_tensors` (edgelite only)."""
        return self._core.arena_bytes(subgraph)


class InterpreterWithCustomOps(Interpreter):
    """LiteRT's `InterpreterWithCustomOps`: an `Interpreter` taking `custom_op_registerers` first.

    edgelite's `Interpreter` takes the same argument, so this only keeps code written for LiteRT working.
    """

    def __init__(self, custom_op_registerers: Optional[Sequence[Any]] = None, **kwargs: Any):
        super().__init__(custom_op_registerers=custom_op_registerers, **kwargs)


class SignatureRunner:
    """Runs one signature of a model: call it with inputs by name, get a dict of outputs by name.

    Made by `Interpreter.get_signature_runner(key)`; inputs of a new shape resize the graph, as LiteRT's
    runner does. Don't call other methods of the interpreter while a call is running.
    """

    def __init__(self, interpreter: Optional[Interpreter] = None, signature_key: Optional[str] = None):
        """Args: interpreter: the `Interpreter` of the model; signature_key: the signature to run.

        Raises:
          ValueError: no interpreter or key, or the model has no such signature.
        """
        if not interpreter:
            raise InvalidArgumentError("None interpreter provided.")
        if not signature_key:
            raise InvalidArgumentError("None signature_key provided.")
        sigs = {s["key"]: s for s in interpreter._core.signatures()}
        if signature_key not in sigs:
            raise InvalidArgumentError(f'Invalid signature_key provided: no signature "{signature_key}"; the model has: '
                                       + (", ".join(sigs) if sigs else "no signatures"))
        self._interp = interpreter
        self._core = interpreter._core
        self._sig = sigs[signature_key]
        self._subgraph = self._sig["subgraph_index"]
        self._allocated = False

    def get_input_details(self) -> Dict[str, Dict[str, Any]]:
        """{input name: tensor details} (keys as `Interpreter.get_input_details`)."""
        return {name: self._interp._get_tensor_details(t, self._subgraph) for name, t in self._sig["inputs"].items()}

    def get_output_details(self) -> Dict[str, Dict[str, Any]]:
        """{output name: tensor details} (keys as `Interpreter.get_input_details`)."""
        return {name: self._interp._get_tensor_details(t, self._subgraph) for name, t in self._sig["outputs"].items()}

    def resize_tensor_input(self, input_name: str, new_shape) -> None:
        """Changes the shape of an input by name; the next call or `allocate_tensors` prepares again."""
        t = self._input_index(input_name)
        self._core.resize_input(self._subgraph, t, [int(d) for d in new_shape], False)
        self._allocated = False

    def allocate_tensors(self) -> None:
        """Prepares the signature's subgraph (done by the first call if not done here)."""
        self._core.allocate_tensors(self._subgraph)
        self._allocated = True

    def _input_index(self, name: str) -> int:
        if name not in self._sig["inputs"]:
            raise InvalidArgumentError(
                f"Invalid Input name ({name}) for SignatureDef {self._sig['key']!r}; inputs: {list(self._sig['inputs'])}")
        return self._sig["inputs"][name]

    def __call__(self, **inputs: np.ndarray) -> Dict[str, np.ndarray]:
        """Runs the signature on `inputs` (name=array) and returns {output name: array}.

        Raises:
          ValueError: a missing, extra or unknown input name, or a wrong dtype.
        """
        values = {name: np.asarray(value) for name, value in inputs.items()}
        # The core checks the names, resizes inputs whose shape changed and allocates when needed (the same
        # path the C API's signature runner takes).
        _, input_tensors, _ = self._core.prepare_signature(self._sig["key"],
                                                           [(n, list(v.shape)) for n, v in values.items()])
        self._allocated = True
        for name, value in values.items():
            self._core.set_tensor(self._subgraph, input_tensors[name], value)
        self._core.invoke(self._subgraph)
        return {name: self._core.get_tensor(self._subgraph, t) for name, t in self._sig["outputs"].items()}
