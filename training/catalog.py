"""What initializers, regularizers and constraints share: a config round trip (get_config / from_config) and
Keras' lookup of an object by name, serialized dict, instance or callable."""


class Configurable:
    """A base with Keras' config round trip: get_config() gives the constructor arguments, from_config makes the
    object again."""

    def get_config(self):
        """The constructor arguments as a dict, for serialize() and saved models."""
        return {}

    @classmethod
    def from_config(cls, config):
        """A new object of this class made from a get_config() dict."""
        return cls(**config)


class Catalog:
    """The named classes of one kind (e.g. 'regularizer'), with Keras' snake-case aliases."""

    def __init__(self, kind, base, classes, aliases, allow_none=True):
        self.kind, self.base, self.allow_none = kind, base, allow_none
        self.classes = {cls.__name__: cls for cls in classes}
        self.aliases = aliases

    def get(self, identifier):
        """None (when allowed), a name, a serialized dict, an instance or a callable -> the object."""
        if identifier is None and self.allow_none:
            return None
        if isinstance(identifier, str):
            name = self.aliases.get(identifier.lower(), identifier)
            if name not in self.classes:
                raise ValueError(f"unknown {self.kind} {identifier!r}")
            return self.classes[name]()
        if isinstance(identifier, dict):
            return self.classes[identifier["class_name"]].from_config(identifier.get("config", {}))
        if callable(identifier):
            return identifier
        raise ValueError(f"unknown {self.kind} {identifier!r}")

    def serialize(self, obj):
        """None (for None), or {'class_name': ..., 'config': ...} that get() reads back. Raises ValueError for a
        plain callable, which cannot be saved."""
        if obj is None and self.allow_none:
            return None
        if not isinstance(obj, self.base):
            raise ValueError(f"{self.kind} {obj!r} cannot be serialized; use an edgelite {self.base.__name__}")
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
