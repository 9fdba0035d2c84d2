"""The initializer / regularizer / constraint triple Keras layers take per weight ("kernel_initializer",
"kernel_regularizer", "kernel_constraint", ...): stored on the layer and written back into its config."""

from .. import constraints, initializers, regularizers


def set_weight_options(layer, prefix, initializer, regularizer=None, constraint=None):
    """Stores layer.{prefix}_initializer, {prefix}_regularizer and {prefix}_constraint from names, dicts or
    objects."""
    setattr(layer, f"{prefix}_initializer", initializers.get(initializer))
    setattr(layer, f"{prefix}_regularizer", regularizers.get(regularizer))
    setattr(layer, f"{prefix}_constraint", constraints.get(constraint))


def weight_options_config(layer, *prefixes):
    """The {prefix}_initializer / _regularizer / _constraint entries of a layer's config, for each prefix."""
    config = {}
    for prefix in prefixes:
        config[f"{prefix}_initializer"] = initializers.serialize(getattr(layer, f"{prefix}_initializer"))
        config[f"{prefix}_regularizer"] = regularizers.serialize(getattr(layer, f"{prefix}_regularizer"))
        config[f"{prefix}_constraint"] = constraints.serialize(getattr(layer, f"{prefix}_constraint"))
    return config


def add_option_weight(layer, prefix, shape, name=None, **kwargs):
    """layer.add_weight with the initializer, regularizer and constraint stored under `prefix`."""
    return layer.add_weight(shape, getattr(layer, f"{prefix}_initializer"), name=name or prefix,
                            regularizer=getattr(layer, f"{prefix}_regularizer"),
                            constraint=getattr(layer, f"{prefix}_constraint"), **kwargs)
