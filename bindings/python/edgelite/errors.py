"""Exceptions raised by edgelite. Each names the problem; all derive from EdgeliteError and from the
built-in exception a LiteRT user would catch (ValueError for bad input, RuntimeError for bad state)."""


class EdgeliteError(Exception):
    """Base class of every edgelite error."""


class InvalidModelError(EdgeliteError, ValueError):
    """The model file is corrupt, truncated or internally inconsistent."""


class InvalidArgumentError(EdgeliteError, ValueError):
    """A call got a wrong value: dtype, shape, tensor index, option."""


class UnsupportedError(EdgeliteError, RuntimeError):
    """The model is valid but uses an operator, version or dtype this build cannot run."""


class NotReadyError(EdgeliteError, RuntimeError):
    """A call came out of order, e.g. invoke() before allocate_tensors()."""


class InternalError(EdgeliteError, RuntimeError):
    """A bug in edgelite; please report it with the model."""


class MissingDependencyError(EdgeliteError, ImportError):
    """An optional package that a feature needs is not installed. The message names the feature and the pip
    command that installs the package (e.g. ``pip install edgelite[onnx]`` for the ONNX front-end); it is an
    ImportError too, so code that already catches a failed import keeps working."""


class CancelledError(EdgeliteError, RuntimeError):
    """`Interpreter.cancel()` stopped a running `invoke()` (LiteRT's kTfLiteCancelled)."""
