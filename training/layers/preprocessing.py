"""Preprocessing layers that are plain arithmetic: Rescaling (x * scale + offset) and Normalization (mean and
variance given, or learned by `adapt`), with Keras 3's arguments, weights and formulas."""

import numpy as np

from .. import ops
from ..autodiff import Tensor
from .layer import Layer

# keras.backend.epsilon(): Normalization divides by max(sqrt(variance), this), so a constant feature is not
# divided by zero.
_EPSILON = 1e-7


class Rescaling(Layer):
    """inputs * scale + offset (keras.layers.Rescaling), e.g. Rescaling(1 / 255) or Rescaling(1 / 127.5, -1). scale
    and offset are numbers or per-channel lists (broadcast against the last axes). Other keyword arguments (name,
    trainable, dtype, input_shape) go to Layer."""

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _number_or_list(scale, "scale")
        self.offset = _number_or_list(offset, "offset")

    def call(self, inputs):
        x = inputs if np.issubdtype(inputs.dtype, np.floating) else ops.cast(inputs, self.dtype)
        scale = np.asarray(self.scale, x.dtype)
        offset = np.asarray(self.offset, x.dtype)
        return ops.add(ops.multiply(x, scale), offset)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(scale=self.scale, offset=self.offset)
        return config


def _number_or_list(value, what):
    array = np.asarray(value.data if isinstance(value, Tensor) else value, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"Rescaling {what} must be finite numbers, got {value!r}")
    return float(array) if array.ndim == 0 else array.tolist()


class Normalization(Layer):
    """(inputs - mean) / max(sqrt(variance), 1e-7) per feature (keras.layers.Normalization); invert=True applies
    the inverse, mean + inputs * max(sqrt(variance), 1e-7). Args: axis (an int, a tuple of the axes that keep their
    own statistics, or None for one scalar mean; default -1), mean and variance (numbers or arrays over the kept
    axes; both or neither), invert (False). Without mean/variance the layer has non-trainable weights mean,
    variance and count (Keras' names and shapes), which `adapt(data)` sets. Other keyword arguments (name,
    trainable, dtype, input_shape) go to Layer. Raises ValueError when only one of mean and variance is given, or for
    an axis outside the input's rank."""

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if (mean is None) != (variance is None):
            raise ValueError("Normalization takes both `mean` and `variance`, or neither (then call adapt())")
        if axis is None:
            self.axis = ()
        elif isinstance(axis, int):
            self.axis = (axis,)
        else:
            self.axis = tuple(int(a) for a in axis)
        self.input_mean = None if mean is None else np.asarray(mean, np.float64)
        self.input_variance = None if variance is None else np.asarray(variance, np.float64)
        self.invert = bool(invert)

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f"Normalization {self.name!r}: axis {self.axis} is outside inputs of rank {ndim}")
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        if any(input_shape[a] is None for a in self._keep_axis):
            raise ValueError(f"Normalization {self.name!r}: the kept axes {self._keep_axis} of {input_shape} must "
                             "have known sizes")
        self._reduce_axis = tuple(a for a in range(ndim) if a not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[a] if a in self._keep_axis else 1 for a in range(ndim))
        stats_shape = tuple(input_shape[a] for a in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(stats_shape, "zeros", trainable=False, name="mean")
            self.adapt_variance = self.add_weight(stats_shape, "ones", trainable=False, name="variance")
            self.count = self.add_weight((), "zeros", dtype="int64", trainable=False, name="count")
        else:
            for what, value in (("mean", self.input_mean), ("variance", self.input_variance)):
                if value.ndim and value.size != int(np.prod(stats_shape)):
                    raise ValueError(f"Normalization {self.name!r}: {what} of shape {value.shape} does not fit the "
                                     f"kept axes {self._keep_axis} of inputs {input_shape}")
        self.built = True

    def _statistics(self, dtype):
        """(mean, variance) as arrays in the broadcast shape."""
        if self.input_mean is not None:
            mean, variance = self.input_mean, self.input_variance
        else:
            mean, variance = self.adapt_mean.data, self.adapt_variance.data
        shape = self._broadcast_shape
        return (np.broadcast_to(np.asarray(mean, dtype).reshape(shape if np.ndim(mean) else ()), shape),
                np.broadcast_to(np.asarray(variance, dtype).reshape(shape if np.ndim(variance) else ()), shape))

    def call(self, inputs):
        x = inputs if np.issubdtype(inputs.dtype, np.floating) else ops.cast(inputs, self.dtype)
        mean, variance = self._statistics(x.dtype)
        std = np.maximum(np.sqrt(variance), _EPSILON).astype(x.dtype)
        if self.invert:
            return ops.add(ops.multiply(x, std), mean)
        return ops.divide(ops.subtract(x, mean), std)

    def adapt(self, data, batch_size=None, steps=None):
        """Sets mean and variance (population variance, as Keras) from `data`: an array, or an iterable of arrays
        or of (x, y) batches, of the inputs' shape. Raises ValueError when the layer was given mean and variance,
        or the data is empty."""
        if self.input_mean is not None:
            raise ValueError(f"Normalization {self.name!r} was given mean and variance; adapt() has nothing to learn")
        if isinstance(data, (np.ndarray, Tensor, list)) and not (isinstance(data, list) and data and
                                                                  isinstance(data[0], (np.ndarray, tuple))):
            batches = [np.asarray(data.data if isinstance(data, Tensor) else data, np.float64)]
        else:
            batches = []
            for k, batch in enumerate(data):
                if steps is not None and k >= steps:
                    break
                batch = batch[0] if isinstance(batch, tuple) else batch
                batches.append(np.asarray(batch.data if isinstance(batch, Tensor) else batch, np.float64))
        if not batches or sum(b.size for b in batches) == 0:
            raise ValueError(f"Normalization {self.name!r}: adapt() got no data")
        if not self.built:
            self._maybe_build(batches[0].shape)
        everything = np.concatenate(batches, axis=0)
        count = int(np.prod([everything.shape[a] for a in self._reduce_axis]))
        mean = everything.mean(axis=self._reduce_axis)
        variance = everything.var(axis=self._reduce_axis)  # population variance, as Keras
        self.adapt_mean.assign(np.reshape(mean, self.adapt_mean.shape))
        self.adapt_variance.assign(np.reshape(variance, self.adapt_variance.shape))
        self.count.assign(np.asarray(count, np.int64))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        axis = None if not self.axis else (self.axis[0] if len(self.axis) == 1 else list(self.axis))
        config.update(axis=axis, invert=self.invert,
                      mean=None if self.input_mean is None else self.input_mean.tolist(),
                      variance=None if self.input_variance is None else self.input_variance.tolist())
        return config

    def normalization_constants(self, dtype="float32"):
        """(mean, std) in the broadcast shape (batch axis included): what the converter folds into MUL and ADD."""
        mean, variance = self._statistics(np.float64)
        return mean.astype(dtype), np.maximum(np.sqrt(variance), _EPSILON).astype(dtype)
