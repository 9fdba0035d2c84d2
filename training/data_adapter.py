"""What fit, evaluate and predict accept as data, turned into one stream of (x, y, sample_weight) batches.

Sources, as Keras 3: NumPy arrays (x, or a list of arrays for several inputs, with y and sample_weight), sliced into
batches and shuffled each epoch; a generator or iterator of batches (consumed once, continued across epochs);
a PyDataset-like object (__len__ and __getitem__ giving batch i, on_epoch_end called after each epoch); any other
iterable of batches (a list of (x, y) tuples, an object with __iter__), iterated afresh each epoch. A batch is x,
(x,), (x, y) or (x, y, sample_weight).
"""

import math
import warnings

import numpy as np

from .utils import global_rng


def unpack_batch(batch):
    """(x, y, sample_weight) of a batch given as x, (x,), (x, y) or (x, y, sample_weight). Raises ValueError for a
    longer tuple."""
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, tuple):
        return batch, None, None
    if not 1 <= len(batch) <= 3:
        raise ValueError(f"a batch must be x, (x,), (x, y) or (x, y, sample_weight); got a tuple of {len(batch)}")
    return tuple(batch) + (None,) * (3 - len(batch))


def class_weight_to_sample_weight(y, class_weight):
    """Keras' per-sample weights from {class id: weight}: the class of a sample is its integer label, the argmax of
    one-hot targets, or the rounded value of a width-1 target; classes not listed weigh 1."""
    y = np.asarray(y)
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else y[..., 0]
    classes = np.round(y).astype(np.int64).reshape(len(y), -1)[:, 0]
    return np.array([class_weight.get(int(c), 1.0) for c in classes], dtype=np.float32)


def _is_batch_list(x):
    # A list or tuple of tuples of arrays is a sequence of batches; a list of arrays is several inputs.
    return isinstance(x, (list, tuple)) and len(x) > 0 and all(
        isinstance(b, tuple) and len(b) >= 1 and all(np.ndim(part) >= 1 or isinstance(part, (list, tuple))
                                                         for part in b if part is not None) for b in x)


def is_array_data(x):
    """Whether `x` is array data (an array, or a list/tuple of arrays for several inputs) rather than batches."""
    if isinstance(x, np.ndarray) or np.isscalar(x):
        return True
    if isinstance(x, (list, tuple)):
        return not _is_batch_list(x)
    return hasattr(x, "__array__")


def _as_arrays(x):
    return [np.asarray(a) for a in x] if isinstance(x, (list, tuple)) else [np.asarray(x)]


class BatchSource:
    """What EpochIterator reads: iterating gives (x, y, sample_weight) batches; `reiterable` says whether a new
    iteration starts over (False for generators); `num_batches` is the batch count of one pass, or None."""

    reiterable = True
    num_batches = None

    def on_epoch_end(self):
        """Called after every epoch; sources with per-epoch state (a PyDataset) pass it on."""


class ArraySource(BatchSource):
    """Array data cut into batches of batch_size (the last one smaller), reshuffled each epoch when shuffle."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False):
        self.multi = isinstance(x, (list, tuple))
        self.xs = _as_arrays(x)
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        arrays = self.xs + [a for a in (self.y, self.sample_weight) if a is not None]
        sizes = {len(a) for a in arrays}
        if len(sizes) != 1:
            raise ValueError(f"all inputs, targets and sample weights must have the same number of samples, got "
                             f"{sorted(sizes)}")
        self.num_samples = sizes.pop()
        # As Keras: with steps but no batch size, the samples are split evenly over the steps.
        self.batch_size = batch_size or (max(1, math.ceil(self.num_samples / steps)) if steps else 32)
        self.shuffle = shuffle
        self.num_batches = math.ceil(self.num_samples / self.batch_size)

    def __iter__(self):
        order = global_rng().permutation(self.num_samples) if self.shuffle else np.arange(self.num_samples)
        for start in range(0, self.num_samples, self.batch_size):
            index = order[start:start + self.batch_size]
            xs = [a[index] for a in self.xs]
            yield (xs if self.multi else xs[0], None if self.y is None else self.y[index],
                   None if self.sample_weight is None else self.sample_weight[index])

    def split(self, fraction):
        """(training part, validation part as (x, y, sample_weight)): Keras takes the last `fraction` of the
        samples, before any shuffling."""
        cut = int(self.num_samples * (1.0 - fraction))
        if cut <= 0 or cut >= self.num_samples:
            raise ValueError(f"validation_split={fraction} leaves no training or no validation samples "
                             f"({self.num_samples} samples)")
        def part(s):
            xs = [a[s] for a in self.xs]
            return (xs if self.multi else xs[0], None if self.y is None else self.y[s],
                    None if self.sample_weight is None else self.sample_weight[s])
        train = ArraySource(*part(slice(0, cut)), batch_size=self.batch_size, shuffle=self.shuffle)
        return train, part(slice(cut, None))


class IterableSource(BatchSource):
    """Batches from an iterable, iterated afresh every epoch (a list of batches, an object with __iter__)."""

    def __init__(self, data):
        self.data = data
        self.num_batches = len(data) if hasattr(data, "__len__") else None

    def __iter__(self):
        return (unpack_batch(b) for b in self.data)


class PyDatasetSource(IterableSource):
    """A keras.utils.PyDataset-like object: len(data) batches, data[i] is batch i, data.on_epoch_end() after each
    epoch."""

    def __iter__(self):
        return (unpack_batch(self.data[i]) for i in range(len(self.data)))

    def on_epoch_end(self):
        """Calls the dataset's own on_epoch_end (PyDataset reshuffles there)."""
        if hasattr(self.data, "on_epoch_end"):
            self.data.on_epoch_end()


class GeneratorSource(BatchSource):
    """Batches from a generator or iterator: consumed once, so epochs continue where the last one stopped."""

    reiterable = False

    def __init__(self, data):
        self.data = data

    def __iter__(self):
        return (unpack_batch(b) for b in self.data)


def make_source(x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False):
    """The batch source for `x` (see the module doc). Raises ValueError when y or sample_weight are given with a
    source whose batches carry their own, or batch_size with one that is already batched."""
    if x is None:
        raise ValueError("no input data: pass x")
    if isinstance(x, dict):
        raise NotImplementedError("inputs as a dict by input name are not supported; pass a list in input order")
    if shuffle == "batch":
        raise NotImplementedError("shuffle='batch' is not supported; pass shuffle=True or False")
    if is_array_data(x):
        return ArraySource(x, y, sample_weight, batch_size, steps, shuffle)
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            raise ValueError(f"`{name}` must not be given when x is a generator, dataset or iterable of batches "
                             "(its batches carry their own)")
    if hasattr(x, "__next__"):
        return GeneratorSource(x)
    if hasattr(x, "__getitem__") and hasattr(x, "__len__") and not isinstance(x, (list, tuple)):
        return PyDatasetSource(x)
    if hasattr(x, "__iter__"):
        return IterableSource(x)
    raise ValueError(f"cannot use {type(x).__name__} as data: pass arrays, a generator, or an iterable of batches")


class EpochIterator:
    """Steps through a source epoch by epoch, as Keras' EpochIterator: without `steps` an epoch is one pass over the
    source; with `steps` an epoch is that many batches, taken from one iterator that carries on across epochs and
    restarts (re-iterable sources) when it runs out. `exhausted` turns True when a one-shot source gave nothing."""

    def __init__(self, source, steps=None):
        self.source, self.steps = source, steps
        self._iterator, self.exhausted, self._taken = None, False, 0
        self.num_batches = steps or source.num_batches

    def epoch(self):
        """Yields (step, (x, y, sample_weight)) for one epoch."""
        count = 0
        if self.steps is None:
            for count, batch in enumerate(iter(self.source), start=1):
                yield count - 1, batch
        else:
            if self._iterator is None:
                self._iterator, self._taken = iter(self.source), 0
            for step in range(self.steps):
                try:
                    batch = next(self._iterator)
                except StopIteration:
                    warnings.warn("your input ran out of data; make sure it can give at least steps_per_epoch * "
                                  "epochs batches", stacklevel=4)
                    self._iterator = None
                    break
                count += 1
                self._taken += 1
                yield step, batch
            # A re-iterable source that has given all its batches starts over next epoch, quietly.
            if self.source.reiterable and self._taken == self.source.num_batches:
                self._iterator = None
        if count == 0:
            self.exhausted = True
        self.source.on_epoch_end()
