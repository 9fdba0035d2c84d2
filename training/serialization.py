"""Layer (and model) classes by name, so configs saved as JSON can be turned back into objects."""

from .layers import BUILTIN_LAYERS

_REGISTERED = {}


def register_serializable(cls=None, name=None):
    """Decorator making a custom Layer loadable by load_model without passing custom_objects."""
    def register(c):
        _REGISTERED[name or c.__name__] = c
        return c
    return register(cls) if cls is not None else register


def serialize_layer(layer):
    """{'class_name': ..., 'config': layer.get_config()}: a layer or model as JSON-ready data."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize_layer(config, custom_objects=None):
    """A new layer (or model) from serialize_layer's dict; the class is looked up in custom_objects, then the
    @register_serializable registry, then the built-in layers. Raises ValueError for an unknown class name."""
    class_name = config["class_name"]
    cls = (custom_objects or {}).get(class_name) or _REGISTERED.get(class_name) or BUILTIN_LAYERS.get(class_name)
    if cls is None:
        raise ValueError(f"unknown layer class {class_name!r}: pass it in custom_objects or decorate it with "
                         "@register_serializable")
    if hasattr(cls, "_from_config_with_objects"):  # models rebuild nested layers with the same lookup
        return cls._from_config_with_objects(config["config"], custom_objects)
    return cls.from_config(config["config"])
