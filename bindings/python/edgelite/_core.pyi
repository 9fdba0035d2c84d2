# Type stub of `edgelite._core`, the pybind11 module of bindings/pybind/module.cc (the C++ interpreter behind
# edgelite.Interpreter). Kept by hand: tests/bindings/test_core_stub.py fails when this file and the compiled
# module name different classes, functions or methods. Subgraph and tensor indices are positional only, as
# pybind11 names them arg0, arg1, ...; errors are the classes of edgelite.errors (InvalidModelError,
# InvalidArgumentError, UnsupportedError, NotReadyError, InternalError).

from typing import Any, Dict, List, Optional, Sequence, Tuple, TypedDict, Union

import numpy as np
import numpy.typing as npt

_Buffer = Union[bytes, bytearray, memoryview]


class _TensorInfo(TypedDict):
    name: str
    index: int
    shape: npt.NDArray[np.int32]
    shape_signature: npt.NDArray[np.int32]
    dtype: str
    scales: npt.NDArray[np.float32]
    zero_points: npt.NDArray[np.int64]
    quantized_dimension: int
    block_size: int
    is_constant: bool
    is_variable: bool
    is_sparse: bool
    sparsity: Dict[str, Any]  # traversal_order, block_map (when the model has them), dim_metadata; {} if dense
    is_temporary: bool  # a kernel's scratch tensor (index at or past num_model_tensors)
    allocated: bool
    allocation: str  # "none", "constant", "arena" or "owned"
    bytes: int


class _NodeInfo(TypedDict):
    index: int
    plan_position: Optional[int]  # None for a node a delegate took over (listed with all_nodes=True)
    op_name: str
    version: int
    inputs: List[int]
    outputs: List[int]
    delegated: bool
    kernel: Optional[str]  # the variant prepare chose, e.g. "float32 (avx512)"; None before allocate_tensors
    partition_nodes: List[int]  # for a delegate's node: the nodes it runs
    folded: bool  # computed at prepare (outputs are constants; invoke skips it)
    delegate: Optional[str]  # for a delegate's node: the backend's name
    delegate_note: Optional[str]  # for a node a delegate was offered and did not take: why


class _SignatureInfo(TypedDict):
    key: str
    subgraph_index: int
    inputs: Dict[str, int]
    outputs: Dict[str, int]


class Delegate:
    """A backend that the interpreter hands the nodes it claims (a plugin library's delegate)."""

    @property
    def name(self) -> str: ...
    @property
    def min_partition_size(self) -> int: ...
    @property
    def max_partitions(self) -> int: ...
    def query(self, key: str, /) -> Optional[str]:
        """The plugin's free-form facts ("partitions", "device", ...); None for an unknown key."""


def load_delegate(path: str, options: Dict[str, str]) -> Delegate:
    """Loads a delegate library (plugin ABI) and creates its delegate with string options."""


class CoreInterpreter:
    """One model loaded into the C++ interpreter; every method takes the subgraph index first."""

    def __init__(self, model_path: Optional[str], model_content: Optional[_Buffer], num_threads: int,
                 delegates: List[Delegate], custom_op_libraries: List[Tuple[str, str]] = ...,
                 select_ops_library: str = "", preserve_all_tensors: bool = False,
                 reference_kernels_only: bool = False, delegate_clustering: bool = True,
                 delegate_node_fusion: bool = True, max_arena_bytes: int = 0) -> None:
        """Loads and verifies the model (from model_path, else model_content), loads the custom-op libraries
        ((path, function) pairs; the select-ops library when Flex ops need it), then applies the delegates.
        preserve_all_tensors keeps every intermediate readable after invoke; reference_kernels_only runs the
        reference kernels (LiteRT's BUILTIN_REF); the delegate_* flags tune delegate partitioning;
        max_arena_bytes caps the memory the tensors take (0: three quarters of physical memory)."""
    def num_subgraphs(self) -> int: ...
    def num_threads(self) -> int: ...
    def subgraph_name(self, subgraph: int, /) -> str: ...
    def inputs(self, subgraph: int, /) -> List[int]: ...
    def outputs(self, subgraph: int, /) -> List[int]: ...
    def num_tensors(self, subgraph: int, /) -> int: ...
    def num_model_tensors(self, subgraph: int, /) -> int:
        """Tensors the model declares (num_tensors adds the kernels' scratch tensors after them)."""
    def native_handle(self) -> int:
        """The address of the C++ Interpreter, for code that links against the core."""
    def reset_variables(self, subgraph: int, /) -> None:
        """Resets the subgraph's variable tensors (state of stateful models) to their initial values."""
    def allocate_tensors(self, subgraph: int, /) -> None: ...
    def invoke(self, subgraph: int, /) -> None:
        """Runs the subgraph without holding the GIL."""
    def cancel(self) -> None:
        """Asks a running invoke (in another thread) to stop with CancelledError; sets an atomic flag only."""
    def ready(self, subgraph: int, /) -> bool: ...
    def tensor_info(self, subgraph: int, index: int, /) -> _TensorInfo: ...
    def get_tensor(self, subgraph: int, index: int, /) -> npt.NDArray[Any]:
        """A copy of the tensor's data."""
    def tensor_view(self, subgraph: int, index: int, owner: object, /) -> npt.NDArray[Any]:
        """The tensor's buffer without a copy; `owner` is kept alive as the array's base."""
    def set_tensor(self, subgraph: int, index: int, value: npt.ArrayLike, /) -> None:
        """Copies `value` in; its dtype and shape must be the tensor's."""
    def resize_input(self, subgraph: int, index: int, dims: Sequence[int], strict: bool, /) -> None: ...
    def nodes(self, subgraph: int, all_nodes: bool = False) -> List[_NodeInfo]:
        """The nodes of the execution plan, in order; with all_nodes every node by index, those a delegate took
        over included."""
    def unresolved(self, subgraph: int, /) -> List[str]:
        """One message per node whose operator (or operator version) this build has no kernel for."""
    def unresolved_nodes(self, subgraph: int, /) -> List[Tuple[int, str]]:
        """(node index, message) per node whose operator this build cannot run."""
    def signatures(self) -> List[_SignatureInfo]: ...
    def prepare_signature(self, key: str, inputs: List[Tuple[str, List[int]]], /) -> Tuple[int, Dict[str, int], Dict[str, int]]:
        """Checks a signature call's input names, resizes inputs whose shape changed, allocates when needed;
        returns (subgraph index, {input name: tensor}, {output name: tensor})."""
    def arena_bytes(self, subgraph: int, /) -> int: ...
    def describe_arena(self, subgraph: int, /) -> str: ...
    def enable_profiling(self, subgraph: int, on: bool, /) -> None: ...
    def profile(self, subgraph: int, /) -> List[Tuple[int, str, int]]:
        """(node index, operator name, nanoseconds summed over the profiled runs) per node."""
    def profile_runs(self, subgraph: int, /) -> int: ...


def cpu_features() -> Dict[str, Union[bool, str]]:
    """The CPU's avx2, avx512, avx512vnni and amx-int8 flags, and best_available: the ISA kernels use."""


def builtin_ops() -> List[Tuple[str, int, int]]:
    """(operator name, first version, last version) of every builtin operator this build registers."""


def builtin_op_types() -> str:
    """One line per builtin whose kernel has a variant table: the name, then each row's dtype signature
    ("(float32, int32|int64) -> float32"), tab-separated."""


# "NAME MIN MAX" lines: the builtin operators, then the LiteRT custom operators (by custom code), that the
# plugin library PLUGIN_OPS_LIBRARY serves, loaded when a model uses one (interpreter/plugin_ops.h); read
# them with edgelite.plugins.plugin_ops().
PLUGIN_OPS: str
PLUGIN_OPS_LIBRARY: str
