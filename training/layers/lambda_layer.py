"""Lambda: wraps a function of the inputs as a layer (keras.layers.Lambda)."""

import inspect

from .. import activations
from .layer import Layer


class Lambda(Layer):
    """Calls `function(inputs, **arguments)` (keras.layers.Lambda). output_shape: None (found by running the
    function once), a shape without the batch axis, or a function of the input shape. Written with
    edgelite.training.ops the function differentiates and converts to .tflite (the converter traces it).
    Saving stores the function by name: load_model finds it in custom_objects, or among
    edgelite.training.activations (an anonymous lambda cannot be rebuilt from a file). Raises ValueError for mask (not supported) or a function that is not callable."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Lambda needs a callable, got {function!r}")
        if mask is not None:
            raise ValueError("Lambda mask= is not supported by edgelite.training (there are no Keras masks)")
        self.function = function
        self.arguments = dict(arguments or {})
        self._output_shape = output_shape
        params = inspect.signature(function).parameters
        self._function_takes_training = "training" in params

    def call(self, inputs, training=None):
        kwargs = dict(self.arguments)
        if self._function_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return tuple(self._output_shape(input_shape))
        batch = input_shape[0][0] if isinstance(input_shape, list) else input_shape[0]
        return (batch,) + tuple(self._output_shape)

    def get_config(self):
        config = super().get_config()
        shape = self._output_shape
        config.update(function=_function_name(self.function), arguments=self.arguments,
                      output_shape=None if shape is None else _function_name(shape) if callable(shape) else list(shape))
        return config

    @classmethod
    def from_config(cls, config):
        return cls._from_config_with_objects(config, None)

    @classmethod
    def _from_config_with_objects(cls, config, custom_objects):
        config = dict(config)
        config["function"] = _lookup(config["function"], custom_objects, config.get("name"))
        if isinstance(config.get("output_shape"), str):
            config["output_shape"] = _lookup(config["output_shape"], custom_objects, config.get("name"))
        return cls(**config)


def _function_name(fn):
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)


def _lookup(name, custom_objects, layer_name):
    """The function saved as `name`: from custom_objects by its name, else an edgelite.training.activations
    function of that name (no code is loaded from the file)."""
    found = (custom_objects or {}).get(name)
    if found is None:
        try:
            found = activations.get(name)
        except ValueError:
            found = None
    if found is None:
        raise ValueError(f"Lambda layer {layer_name!r} calls function {name!r}: pass it in custom_objects="
                         f"{{{name!r}: function}} to load it" + (" (an anonymous lambda cannot be found by name: "
                                                               "define it with def)" if name == "<lambda>" else ""))
    return found
