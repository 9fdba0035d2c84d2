"""Weight initializers with Keras names, defaults and fan computation (kernels are (..., fan_in, fan_out))."""

import math

import numpy as np

from .catalog import Catalog, Configurable
from .utils import global_rng


def compute_fans(shape):
    """Keras rule: the last two axes are (in, out); leading axes are the receptive field."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer(Configurable):
    """Base class of the initializers: called as initializer(shape, dtype='float32'), returns a NumPy array of that
    shape and dtype (keras.initializers.Initializer)."""

    def __call__(self, shape, dtype="float32"):
        raise NotImplementedError


class Constant(Initializer):
    """Fills with `value` (default 0.0)."""

    def __init__(self, value=0.0):
        self.value = float(value)

    def __call__(self, shape, dtype="float32"):
        return np.full(shape, self.value, dtype=dtype)

    def get_config(self):
        return {"value": self.value}


class Zeros(Constant):
    """Fills with 0."""

    def __init__(self):
        super().__init__(0.0)

    def get_config(self):
        return {}


class Ones(Constant):
    """Fills with 1."""

    def __init__(self):
        super().__init__(1.0)

    def get_config(self):
        return {}


class _Random(Initializer):
    """A seeded initializer draws the same values every call (Keras 3 semantics); unseeded ones draw from the
    global generator that utils.set_random_seed controls."""

    def __init__(self, seed=None):
        self.seed = seed

    def _rng(self):
        return global_rng() if self.seed is None else np.random.default_rng(self.seed)

    def get_config(self):
        return {"seed": self.seed}


class RandomUniform(_Random):
    """Uniform values in [minval, maxval) (defaults -0.05, 0.05). A `seed` gives the same values on every call, as
    Keras 3; None draws from the global generator (utils.set_random_seed)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype="float32"):
        return self._rng().uniform(self.minval, self.maxval, shape).astype(dtype)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class RandomNormal(_Random):
    """Normal values of `mean` and `stddev` (defaults 0.0, 0.05); `seed` as RandomUniform."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype="float32"):
        return self._rng().normal(self.mean, self.stddev, shape).astype(dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


def _truncated_normal(rng, stddev, shape):
    values = rng.normal(0.0, stddev, shape)
    bad = np.abs(values) > 2 * stddev
    while bad.any():  # redraw the tails, as tf.random.truncated_normal does
        values[bad] = rng.normal(0.0, stddev, int(bad.sum()))
        bad = np.abs(values) > 2 * stddev
    return values


class VarianceScaling(_Random):
    """Values of variance scale / fan, where fan is the kernel's fan_in, fan_out or their average (`mode`), and the
    last two axes of a kernel shape are (in, out) as Keras. `distribution`: "truncated_normal" (redrawn beyond two
    standard deviations, rescaled to keep the variance), "untruncated_normal" or "uniform". `seed` as
    RandomUniform."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype="float32"):
        fan_in, fan_out = compute_fans(tuple(shape))
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, fan)
        rng = self._rng()
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return rng.uniform(-limit, limit, shape).astype(dtype)
        if self.distribution == "untruncated_normal":
            return rng.normal(0.0, math.sqrt(variance), shape).astype(dtype)
        # 0.8796... is the std of a unit normal truncated at 2 std; dividing keeps the requested variance.
        return _truncated_normal(rng, math.sqrt(variance) / 0.87962566103423978, shape).astype(dtype)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed}


class Orthogonal(_Random):
    """A random orthogonal matrix (QR of a Gaussian one, signs fixed by R's diagonal) times `gain`
    (keras.initializers.Orthogonal); kernels of higher rank are flattened to (prod(shape[:-1]), shape[-1])
    first, as Keras does. Keras' default for recurrent kernels. Args: gain, seed (None: the global
    generator)."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype="float32"):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal needs a shape of rank >= 2, got {tuple(shape)}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = self._rng().normal(0.0, 1.0, (max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))  # makes the distribution uniform over orthogonal matrices
        if rows < cols:
            q = q.T
        return (self.gain * q).reshape(shape).astype(dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


def _preset(name, scale, mode, distribution, summary):
    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    def get_config(self):
        return {"seed": self.seed}

    doc = (f"{summary} (keras.initializers.{name}): VarianceScaling(scale={scale}, mode={mode!r}, "
           f"distribution={distribution!r}). Args: seed (None: the global generator).")
    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config, "__doc__": doc,
                                           "__module__": __name__})


GlorotUniform = _preset("GlorotUniform", 1.0, "fan_avg", "uniform", "Glorot (Xavier) uniform")
GlorotNormal = _preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal", "Glorot (Xavier) truncated normal")
HeUniform = _preset("HeUniform", 2.0, "fan_in", "uniform", "He uniform")
HeNormal = _preset("HeNormal", 2.0, "fan_in", "truncated_normal", "He truncated normal")
LecunUniform = _preset("LecunUniform", 1.0, "fan_in", "uniform", "LeCun uniform")
LecunNormal = _preset("LecunNormal", 1.0, "fan_in", "truncated_normal", "LeCun truncated normal")

_CATALOG = Catalog("initializer", Initializer, (
    Constant, Zeros, Ones, RandomUniform, RandomNormal, VarianceScaling, Orthogonal, GlorotUniform, GlorotNormal,
    HeUniform, HeNormal, LecunUniform, LecunNormal), {
    "zeros": "Zeros", "ones": "Ones", "constant": "Constant", "random_uniform": "RandomUniform",
    "random_normal": "RandomNormal", "variance_scaling": "VarianceScaling", "orthogonal": "Orthogonal",
    "glorot_uniform": "GlorotUniform", "glorot_normal": "GlorotNormal", "he_uniform": "HeUniform",
    "he_normal": "HeNormal", "lecun_uniform": "LecunUniform", "lecun_normal": "LecunNormal",
    "uniform": "RandomUniform", "normal": "RandomNormal"}, allow_none=False)


def get(identifier):
    """Name ('glorot_uniform'), serialized dict, Initializer or callable(shape, dtype) -> initializer."""
    return _CATALOG.get(identifier)


serialize = _CATALOG.serialize
