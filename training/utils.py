"""Process-wide state the training side shares (the random generator, unique layer names), and the helpers of
keras.utils that training scripts use (to_categorical, PyDataset)."""

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


def to_categorical(x, num_classes=None):
    """One-hot float64 rows for the integer class ids in x, as keras.utils.to_categorical: shape x.shape +
    (num_classes,), a trailing axis of 1 dropped first; num_classes defaults to max(x) + 1. Raises ValueError for
    ids that are negative, fractional or not below num_classes."""
    x = np.asarray(x)
    if x.ndim > 1 and x.shape[-1] == 1:
        x = x.reshape(x.shape[:-1])
    if x.size and (np.any(x < 0) or np.any(x != np.round(x))):
        raise ValueError("to_categorical needs non-negative integer class ids")
    x = x.astype(np.int64)
    num_classes = int(x.max()) + 1 if num_classes is None else int(num_classes)
    if x.size and x.max() >= num_classes:
        raise ValueError(f"class id {int(x.max())} is not below num_classes={num_classes}")
    return np.eye(num_classes)[x]


class PyDataset:
    """Base class for batch datasets, as keras.utils.PyDataset: subclasses give __len__ (the batch count) and
    __getitem__(i) -> batch i as (x, y) or (x, y, sample_weight), and may override on_epoch_end (called after each
    epoch, e.g. to reshuffle). fit, evaluate and predict take one as x. workers, use_multiprocessing and
    max_queue_size are accepted for Keras code; batches are always made in the calling thread (workers > 1 raises
    NotImplementedError)."""

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        if workers > 1 or use_multiprocessing:
            raise NotImplementedError("PyDataset: parallel batch loading (workers > 1, use_multiprocessing) is not "
                                      "supported; batches are made in the calling thread")
        self.workers, self.use_multiprocessing, self.max_queue_size = workers, use_multiprocessing, max_queue_size

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__ (the number of batches)")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index) -> a batch")

    @property
    def num_batches(self):
        """The number of batches per epoch: len(self)."""
        return len(self)

    def on_epoch_end(self):
        """Called after every epoch; override to reshuffle. The base does nothing."""
