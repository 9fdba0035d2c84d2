"""edgelite.training.optimizers: Keras 3's optimizers (SGD, Adagrad, Adadelta, RMSprop, Adam, AdamW, Adamax,
Nadam, Lion) plus SMORMS3, and `schedules` for learning rates. The base (optimizer.py) clips gradients, applies
decoupled weight decay and counts iterations; each rule writes only `build` (its slots) and `update_step`."""

from . import schedules
from .adam_family import Adam, Adamax, AdamW, Lion, Nadam
from .optimizer import SGD, SMORMS3, Adadelta, Adagrad, Optimizer, RMSprop

_CLASSES = {cls.__name__: cls for cls in (SGD, Adagrad, Adadelta, RMSprop, Adam, AdamW, Adamax, Nadam, Lion,
                                          SMORMS3)}


def get(identifier):
    """'adam' (Keras defaults), {'class_name', 'config'} or an Optimizer -> Optimizer. Raises ValueError for an
    unknown name."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        by_lower = {name.lower(): cls for name, cls in _CLASSES.items()}
        try:
            return by_lower[identifier.lower()]()
        except KeyError:
            raise ValueError(f"unknown optimizer {identifier!r}; known: {sorted(by_lower)}") from None
    if isinstance(identifier, dict):
        if identifier.get("class_name") not in _CLASSES:
            raise ValueError(f"unknown optimizer class {identifier.get('class_name')!r}")
        return _CLASSES[identifier["class_name"]].from_config(identifier["config"])
    raise ValueError(f"cannot interpret {identifier!r} as an optimizer")


def serialize(optimizer):
    """{'class_name': ..., 'config': ...} of `optimizer`, which get() turns back into an optimizer."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


__all__ = ["Optimizer", "SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "Adamax", "Nadam", "Lion",
           "SMORMS3", "schedules", "get", "serialize"]
