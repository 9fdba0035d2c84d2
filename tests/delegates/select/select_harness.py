"""Runs one kernel of libedgelite_select.so with no model and no interpreter: a ctypes host for the
plugin ABI (interpreter/plugin_api.h) that keeps tensors as NumPy arrays, calls init / prepare / eval
as the core does and reports errors as SelectError. Like tflite-micro's kernel_runner, it lets kernel
tests cover attributes and dtypes without building a .tflite file for each case."""

import ctypes
import glob
import os

import numpy as np

from flex_encoding import flex_options, node_def

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
ABI_VERSION = 1

LITE_TYPES = {np.float32: 0, np.float16: 1, np.int32: 2, np.uint8: 3, np.int64: 4, np.bool_: 6, np.int16: 7,
              np.complex64: 8, np.int8: 9, np.float64: 10, np.complex128: 11, np.uint64: 12, np.uint32: 15, np.uint16: 16}
NUMPY_OF = {v: k for k, v in LITE_TYPES.items()}


def find_library():
    """The installed plugin (edgelite/lib/), else the build trees of this checkout."""
    candidates = []
    try:
        import edgelite
        candidates.append(os.path.join(os.path.dirname(edgelite.__file__), "lib", "libedgelite_select.so"))
    except ImportError:
        pass
    candidates += [os.environ.get("EDGELITE_SELECT_LIB", "")]
    candidates += sorted(glob.glob(os.path.join(REPO, "build", "*", "**", "libedgelite_select.so"), recursive=True))
    for path in candidates:
        if path and os.path.exists(path):
            return path
    return None


def library_or_skip():
    """A SelectLibrary of the built plugin; skips the calling test when it is not built."""
    import pytest
    path = find_library()
    if path is None:
        pytest.skip("libedgelite_select.so is not built (cmake --build <build> --target edgelite_select)")
    return SelectLibrary(path)


class SelectError(RuntimeError):
    pass


class TensorInfo(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int32), ("rank", ctypes.c_int32), ("dims", ctypes.POINTER(ctypes.c_int32)),
                ("data", ctypes.c_void_p), ("bytes", ctypes.c_size_t), ("name", ctypes.c_char_p),
                ("is_constant", ctypes.c_int32), ("is_variable", ctypes.c_int32), ("is_dynamic", ctypes.c_int32),
                ("num_scales", ctypes.c_int32), ("scales", ctypes.c_void_p), ("zero_points", ctypes.c_void_p),
                ("quantized_dimension", ctypes.c_int32), ("device_owner", ctypes.c_void_p),
                ("device_buffer", ctypes.c_void_p), ("host_stale", ctypes.c_int32)]


class NodeInfo(ctypes.Structure):
    _fields_ = [("index", ctypes.c_int32), ("builtin_code", ctypes.c_int32), ("op_name", ctypes.c_char_p),
                ("version", ctypes.c_int32), ("num_inputs", ctypes.c_int32),
                ("inputs", ctypes.POINTER(ctypes.c_int32)), ("num_outputs", ctypes.c_int32),
                ("outputs", ctypes.POINTER(ctypes.c_int32)), ("op_table", ctypes.c_void_p),
                ("custom_options", ctypes.c_void_p), ("custom_options_size", ctypes.c_size_t),
                ("has_cpu_kernel", ctypes.c_int32)]


C = ctypes.c_void_p
I32 = ctypes.c_int32
NUM_FN = ctypes.CFUNCTYPE(I32, C)
GET_TENSOR = ctypes.CFUNCTYPE(I32, C, I32, ctypes.POINTER(TensorInfo))
GET_NODE = ctypes.CFUNCTYPE(I32, C, I32, ctypes.POINTER(NodeInfo))
RESIZE = ctypes.CFUNCTYPE(I32, C, I32, I32, ctypes.POINTER(I32))
TENSOR_FN = ctypes.CFUNCTYPE(I32, C, I32)
ADD_TEMP = ctypes.CFUNCTYPE(I32, C, I32, ctypes.POINTER(I32))
REPORT = ctypes.CFUNCTYPE(I32, C, ctypes.c_char_p)
PARALLEL_TASK = ctypes.CFUNCTYPE(None, C, ctypes.c_int64, ctypes.c_int64, I32)
PARALLEL = ctypes.CFUNCTYPE(None, C, ctypes.c_int64, ctypes.c_int64, PARALLEL_TASK, C)
SET_DEVICE = ctypes.CFUNCTYPE(I32, C, I32, C, I32)


class ContextApi(ctypes.Structure):
    _fields_ = [("abi_version", ctypes.c_uint32), ("num_tensors", NUM_FN), ("num_nodes", NUM_FN),
                ("get_tensor", GET_TENSOR), ("get_node", GET_NODE), ("resize_tensor", RESIZE),
                ("mark_dynamic", TENSOR_FN), ("add_temporary", ADD_TEMP), ("report_error", REPORT),
                ("num_threads", NUM_FN), ("parallel_for", PARALLEL), ("cancelled", NUM_FN),
                ("prepare_node_on_cpu", TENSOR_FN), ("eval_node_on_cpu", TENSOR_FN),
                ("set_device_buffer", SET_DEVICE), ("ensure_host", TENSOR_FN)]


INIT = ctypes.CFUNCTYPE(C, ctypes.POINTER(ContextApi), C, ctypes.POINTER(NodeInfo), ctypes.POINTER(I32))
FREE = ctypes.CFUNCTYPE(None, C)
STEP = ctypes.CFUNCTYPE(I32, ctypes.POINTER(ContextApi), C, ctypes.POINTER(NodeInfo), C)


class CustomKernel(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("min_version", I32), ("max_version", I32), ("init", INIT),
                ("free", FREE), ("prepare", STEP), ("eval", STEP)]


ADD_KERNEL = ctypes.CFUNCTYPE(None, C, ctypes.POINTER(CustomKernel))


class _Tensor:
    def __init__(self, array, constant, dynamic=False):
        self.array = array
        self.constant = constant
        self.dynamic = dynamic
        self.planned = constant  # non-constant tensors get memory after prepare, as in the core


class SelectLibrary:
    def __init__(self, path):
        self.path = path
        self.lib = ctypes.CDLL(path)
        self.kernels = {}

        def add(_registry, kernel):
            self.kernels[kernel.contents.name.decode()] = kernel.contents

        self._add = ADD_KERNEL(add)
        error = ctypes.create_string_buffer(512)
        status = self.lib.edgelite_register_custom_ops(ctypes.c_uint32(ABI_VERSION), self._add, None, error,
                                                       ctypes.c_size_t(512))
        if status != 0:
            raise SelectError(error.value.decode())
        self.lib.edgelite_select_describe.restype = ctypes.c_int32

    def describe(self, options: bytes) -> str:
        """edgelite_select_describe: the custom_options as JSON, or SelectError with the decoder's message."""
        size = 1 << 16
        out = ctypes.create_string_buffer(size)
        status = self.lib.edgelite_select_describe(options, ctypes.c_size_t(len(options)), out, ctypes.c_size_t(size))
        if status == 1:
            size = int(out.value)
            out = ctypes.create_string_buffer(size)
            status = self.lib.edgelite_select_describe(options, ctypes.c_size_t(len(options)), out,
                                                       ctypes.c_size_t(size))
        if status != 0:
            raise SelectError(out.value.decode())
        return out.value.decode("utf-8")

    def run(self, op, inputs, output_dtypes, attrs=None, constant=None, options=None, dynamic_inputs=(),
            kernel_name=None):
        """Runs Flex<op> on `inputs` (arrays); returns the outputs. `constant` lists the inputs whose values
        are known at prepare (default: all but input 0); `options` overrides the custom_options bytes."""
        inputs = [np.asarray(x) for x in inputs]
        if constant is None:
            constant = set(range(1, len(inputs)))
        tensors = [_Tensor(np.ascontiguousarray(x), i in constant, i in dynamic_inputs) for i, x in enumerate(inputs)]
        for dt in output_dtypes:
            tensors.append(_Tensor(np.zeros((0,), dtype=dt), False))
        n_in, n_out = len(inputs), len(output_dtypes)
        errors = []
        keep = []  # dims arrays and names alive while the library may read them
        phase = ["prepare"]

        def get_tensor(_ctx, index, out):
            t = tensors[index]
            dims = (I32 * max(t.array.ndim, 1))(*t.array.shape)
            keep.append(dims)
            info = out.contents
            info.type = LITE_TYPES[t.array.dtype.type]
            info.rank = t.array.ndim
            info.dims = ctypes.cast(dims, ctypes.POINTER(I32))
            has_data = t.planned or phase[0] == "eval"
            info.data = t.array.ctypes.data if has_data and t.array.size else (None if not has_data else
                                                                             t.array.ctypes.data)
            info.bytes = t.array.nbytes
            info.name = b"t%d" % index
            info.is_constant = int(t.constant)
            info.is_variable = 0
            info.is_dynamic = int(t.dynamic)
            info.num_scales = 0
            return 0

        def resize(_ctx, index, rank, dims):
            t = tensors[index]
            if index < n_in:
                errors.append("resize of an input")
                return 1
            if phase[0] == "eval" and not t.dynamic:
                errors.append(f"resize of non-dynamic tensor {index} during eval")
                return 1
            t.array = np.zeros(tuple(dims[i] for i in range(rank)), dtype=t.array.dtype)
            t.resized = True
            return 0

        def mark_dynamic(_ctx, index):
            tensors[index].dynamic = True
            return 0

        def report(_ctx, message):
            errors.append(message.decode())
            return 1

        def fail(*_args):
            return 1

        def run_task(_ctx, n, _grain, task, arg):
            task(arg, 0, n, 0)

        api = ContextApi(ABI_VERSION, NUM_FN(lambda _c: len(tensors)), NUM_FN(lambda _c: 1), GET_TENSOR(get_tensor),
                         GET_NODE(fail), RESIZE(resize), TENSOR_FN(mark_dynamic), ADD_TEMP(fail), REPORT(report),
                         NUM_FN(lambda _c: 1), PARALLEL(run_task), NUM_FN(lambda _c: 0), TENSOR_FN(fail),
                         TENSOR_FN(fail), SET_DEVICE(fail), TENSOR_FN(fail))
        if options is None:
            options = flex_options(op, node_def(op, attrs, name=f"test/{op}"))
        options_buf = ctypes.create_string_buffer(options, len(options))
        in_idx = (I32 * max(n_in, 1))(*range(n_in))
        out_idx = (I32 * n_out)(*range(n_in, n_in + n_out))
        name = (kernel_name or "Flex" + op).encode()
        node = NodeInfo(0, 32, name, 1, n_in, ctypes.cast(in_idx, ctypes.POINTER(I32)), n_out,
                        ctypes.cast(out_idx, ctypes.POINTER(I32)), None,
                        ctypes.cast(options_buf, ctypes.c_void_p), len(options), 0)
        kernel = self.kernels.get(name.decode())
        if kernel is None:
            raise SelectError(f"no kernel registered for {name.decode()}")

        def check(status, what):
            if status != 0:
                raise SelectError(f"{what}: " + "; ".join(errors))

        status = I32(0)
        user = kernel.init(ctypes.byref(api), None, ctypes.byref(node), ctypes.byref(status))
        check(status.value, "init")
        try:
            check(kernel.prepare(ctypes.byref(api), None, ctypes.byref(node), user), "prepare")
            for t in tensors[n_in:]:
                t.planned = True
            phase[0] = "eval"
            check(kernel.eval(ctypes.byref(api), None, ctypes.byref(node), user), "eval")
        finally:
            kernel.free(user)
        outs = [t.array for t in tensors[n_in:]]
        self.last_dynamic = [t.dynamic for t in tensors[n_in:]]
        return outs
