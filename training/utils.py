"""Process-wide state the training side shares: the random generator and unique layer names."""

import collections
import re

import numpy as np

_rng = np.random.default_rng()
_name_counts = collections.defaultdict(int)


def set_random_seed(seed):
    """Seed weight initialization, dropout masks and fit() shuffling (like keras.utils.set_random_seed)."""
    global _rng
    _rng = np.random.default_rng(seed)


def global_rng():
    """The numpy.random.Generator that unseeded initializers, dropout and fit's shuffling draw from (see
    set_random_seed)."""
    return _rng


def snake_case(name):
    """A class name in Keras's snake case, used for default layer names: Conv2D -> conv2d, ReLU -> re_lu."""
    # Keras' rule, so default layer names match: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d, ReLU -> re_lu.
    name = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base):
    """'dense', 'dense_1', ... as Keras auto-names layers and models."""
    count = _name_counts[base]
    _name_counts[base] += 1
    return base if count == 0 else f"{base}_{count}"


def merge_options(owner, defaults, args, kwargs):
    """defaults updated by positional `args` (in the order of defaults) and keyword `kwargs`, for the classes that
    are made from a function and its keyword options (losses, metrics). Raises TypeError naming `owner` for too many
    positional arguments or an unknown keyword."""
    if len(args) > len(defaults):
        raise TypeError(f"{owner} takes at most {len(defaults)} positional arguments")
    unknown = set(kwargs) - set(defaults)
    if unknown:
        raise TypeError(f"{owner} got unexpected arguments {sorted(unknown)}")
    options = dict(defaults)
    options.update(zip(defaults, args))
    options.update(kwargs)
    return options
