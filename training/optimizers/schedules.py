"""Learning-rate schedules with Keras 3 formulas (keras.optimizers.schedules): each is called with the optimizer's
step count (iterations, from 0) and returns the rate of that step. They serialize, so an optimizer with a schedule
saves with its model."""

import math

from ..catalog import Catalog, Configurable


class LearningRateSchedule(Configurable):
    """Base class: subclasses implement __call__(step) -> float and get_config (keras LearningRateSchedule)."""

    def __call__(self, step):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(step)")


def _check_positive(name, value):
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")


class _StepDecay(LearningRateSchedule):
    """What ExponentialDecay and InverseTimeDecay share: the rate falls with p = step / decay_steps (floored with
    staircase=True)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps, self.decay_rate = initial_learning_rate, decay_steps, decay_rate
        self.staircase, self.name = staircase, name or type(self).__name__

    def _progress(self, step):
        p = float(step) / self.decay_steps
        return math.floor(p) if self.staircase else p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_StepDecay):
    """initial_learning_rate * decay_rate ** (step / decay_steps); with staircase=True the exponent is floored, so
    the rate drops every decay_steps steps. Raises ValueError for decay_steps <= 0."""

    def __call__(self, step):
        return self.initial_learning_rate * self.decay_rate ** self._progress(step)


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[0] up to and including step boundaries[0], values[1] up to boundaries[1], ..., values[-1] after the
    last boundary. Raises ValueError unless len(values) == len(boundaries) + 1."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(values) != len(boundaries) + 1:
            raise ValueError(f"values needs one more entry than boundaries, got {len(values)} and {len(boundaries)}")
        self.boundaries, self.values, self.name = list(boundaries), list(values), name

    def __call__(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay over decay_steps from the initial rate (or, with warmup_target, a linear warmup from
    initial_learning_rate to warmup_target over warmup_steps, then the decay from warmup_target) down to
    alpha * that rate, held after the end. Raises ValueError for decay_steps <= 0."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps, self.alpha = initial_learning_rate, decay_steps, alpha
        self.name, self.warmup_target, self.warmup_steps = name, warmup_target, warmup_steps

    def _decay(self, step, start):
        cosine = 0.5 * (1.0 + math.cos(math.pi * step / self.decay_steps))
        return start * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        step = float(step)
        if self.warmup_target is None:
            return self._decay(min(step, self.decay_steps), self.initial_learning_rate)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            fraction = step / self.warmup_steps
            return self.initial_learning_rate + (self.warmup_target - self.initial_learning_rate) * fraction
        return self._decay(step - self.warmup_steps, self.warmup_target)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): the first period lasts first_decay_steps, each next one t_mul times
    longer and m_mul times lower; alpha is the floor as a fraction of the rate. Raises ValueError for
    first_decay_steps <= 0."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay"):
        _check_positive("first_decay_steps", first_decay_steps)
        self.initial_learning_rate, self.first_decay_steps = initial_learning_rate, first_decay_steps
        self.t_mul, self.m_mul, self.alpha, self.name = t_mul, m_mul, alpha, name

    def __call__(self, step):
        fraction = float(step) / self.first_decay_steps
        if self.t_mul == 1.0:
            restart = math.floor(fraction)
            fraction -= restart
        else:
            # Periods grow geometrically: find which one the step falls in, then the fraction through it.
            restart = math.floor(math.log(1.0 - fraction * (1.0 - self.t_mul)) / math.log(self.t_mul))
            done = (1.0 - self.t_mul ** restart) / (1.0 - self.t_mul)
            fraction = (fraction - done) / self.t_mul ** restart
        cosine = 0.5 * self.m_mul ** restart * (1.0 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self.t_mul, "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}


class InverseTimeDecay(_StepDecay):
    """initial_learning_rate / (1 + decay_rate * step / decay_steps), the quotient floored with staircase=True.
    Raises ValueError for decay_steps <= 0."""

    def __call__(self, step):
        return self.initial_learning_rate / (1.0 + self.decay_rate * self._progress(step))


class PolynomialDecay(LearningRateSchedule):
    """(initial - end) * (1 - step / decay_steps) ** power + end, held at end_learning_rate after decay_steps; with
    cycle=True the period stretches to the next multiple of decay_steps instead. Raises ValueError for
    decay_steps <= 0."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power, self.cycle, self.name = end_learning_rate, power, cycle, name

    def __call__(self, step):
        step, period = float(step), float(self.decay_steps)
        if self.cycle:
            period *= 1.0 if step == 0 else math.ceil(step / self.decay_steps)
        else:
            step = min(step, period)
        span = self.initial_learning_rate - self.end_learning_rate
        return span * (1.0 - step / period) ** self.power + self.end_learning_rate

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


_CATALOG = Catalog("learning-rate schedule", LearningRateSchedule,
                   [ExponentialDecay, PiecewiseConstantDecay, CosineDecay, CosineDecayRestarts, InverseTimeDecay,
                    PolynomialDecay], aliases={}, allow_none=False)


def serialize(schedule):
    """{'class_name': ..., 'config': ...} of a schedule, which deserialize() reads back. Raises ValueError for a
    plain function."""
    return _CATALOG.serialize(schedule)


def deserialize(config):
    """The schedule of a serialize() dict. Raises ValueError for an unknown class."""
    if not isinstance(config, dict) or config.get("class_name") not in _CATALOG.classes:
        raise ValueError(f"unknown learning-rate schedule {config!r}")
    return _CATALOG.get(config)
