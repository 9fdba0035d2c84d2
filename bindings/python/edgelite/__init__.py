"""edgelite: on-device inference for .tflite models.

`edgelite.Interpreter` is a drop-in replacement for `ai_edge_litert.interpreter.Interpreter`.
"""

from .errors import (CancelledError, EdgeliteError, InternalError, InvalidArgumentError, InvalidModelError,
                     MissingDependencyError, NotReadyError, UnsupportedError)
from .interpreter import Interpreter, InterpreterWithCustomOps, OpResolverType, SignatureRunner, load_delegate

__version__ = "0.1.0"

__all__ = [
    "Interpreter", "InterpreterWithCustomOps", "OpResolverType", "SignatureRunner", "load_delegate",
    "EdgeliteError", "InvalidModelError", "InvalidArgumentError", "UnsupportedError", "NotReadyError", "InternalError",
    "MissingDependencyError", "CancelledError", "__version__",
]
