"""edgelite: on-device inference for .tflite models.

`edgelite.Interpreter` is a drop-in replacement for `ai_edge_litert.interpreter.Interpreter`.
"""

from .errors import (CancelledError, EdgeliteError, InternalError, InvalidArgumentError, InvalidModelError,
                     MissingDependencyError, NotReadyError, UnsupportedError)
from .interpreter import Interpreter, InterpreterWithCustomOps, OpResolverType, SignatureRunner, load_delegate

__version__ = "0.1.0"


def get_include() -> str:
    """The folder of edgelite's C headers, for a C or C++ compiler's -I (as `numpy.get_include()`).

    It holds `edgelite/c_api.h` (edgelite's C API) and LiteRT's C API headers (`tensorflow/lite/c/c_api.h`,
    `tensorflow/lite/c/common.h`, ...), both implemented by `libedgelite_c.so` in `get_library_dir()`.
    """
    import os
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "include")


def get_library_dir() -> str:
    """The folder of `libedgelite_c.so` and the plugin libraries, for a linker's -L and -Wl,-rpath.

    It also holds `pkgconfig/edgelite.pc` and `cmake/edgelite/edgeliteConfig.cmake`.
    """
    from .plugins import library_dir
    return library_dir()

__all__ = [
    "Interpreter", "InterpreterWithCustomOps", "OpResolverType", "SignatureRunner", "load_delegate",
    "EdgeliteError", "InvalidModelError", "InvalidArgumentError", "UnsupportedError", "NotReadyError", "InternalError",
    "MissingDependencyError", "CancelledError", "__version__", "get_include", "get_library_dir",
]
