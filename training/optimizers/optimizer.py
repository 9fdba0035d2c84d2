"""Optimizers with Keras 3 update rules and defaults. The base clips gradients, applies decoupled weight
decay and counts iterations; each subclass writes only `build` (its slots) and `update_step`.

Updates run on NumPy arrays outside the tape: a step is not differentiated.
"""

import inspect

import numpy as np

from . import schedules


def _takes_no_arguments(fn):
    try:
        return not inspect.signature(fn).parameters
    except (TypeError, ValueError):  # a builtin without a signature: call it with the step, as before
        return False


class Optimizer:
    """Base class of the optimizers: turns (gradient, variable) pairs into weight updates, as
    keras.optimizers.Optimizer.

    Args: learning_rate: a float, or a schedule (a LearningRateSchedule, or any callable(iterations) -> float).
    weight_decay: decoupled weight decay (each step, after clipping, first shrinks every variable by
    weight_decay * learning_rate, as Keras 3). clipnorm: clip each gradient to this L2 norm. clipvalue: clip each
    gradient element to [-clipvalue, clipvalue]. global_clipnorm: scale all gradients together so their joint L2 norm
    is at most this. use_ema: keep an exponential moving average of every variable (momentum ema_momentum, 0.99;
    the first step copies the variable), written into the variables every ema_overwrite_frequency steps when set,
    and at the end of fit (finalize_variable_values), as Keras 3. gradient_accumulation_steps (an int >= 2): sum the
    gradients of that many calls and apply their mean once, as Keras 3 (`iterations` then counts the updates, while a
    schedule still sees every call). name: defaults to the class name in lower case.

    Raises ValueError when both clipnorm and global_clipnorm are set. Subclasses write `build` (their slots) and
    `update_step` (the rule) only."""

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 gradient_accumulation_steps=None, name=None):
        if clipnorm is not None and global_clipnorm is not None:
            raise ValueError("only one of `clipnorm` and `global_clipnorm` can be set (as in Keras)")
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(f"ema_momentum must be in [0, 1], got {ema_momentum}")
        if ema_overwrite_frequency is not None and (not isinstance(ema_overwrite_frequency, int)
                                                    or ema_overwrite_frequency < 1):
            raise ValueError(f"ema_overwrite_frequency must be None or an int >= 1, got {ema_overwrite_frequency!r}")
        if gradient_accumulation_steps is not None and (not isinstance(gradient_accumulation_steps, int)
                                                        or gradient_accumulation_steps < 2):
            raise ValueError(f"gradient_accumulation_steps must be None or an int >= 2, got "
                             f"{gradient_accumulation_steps!r}")
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.use_ema, self.ema_momentum = bool(use_ema), float(ema_momentum)
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.learning_rate = learning_rate  # a float, or a callable(iterations) -> float schedule
        self.weight_decay = weight_decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.name = name or type(self).__name__.lower()
        self._iterations = 0  # every apply_gradients call; `iterations` divides it when accumulating
        self.built = False
        self._slots = {}  # slot name -> one array per variable, in the order of build()'s var_list

    @property
    def iterations(self):
        """The step count the update rules see: apply_gradients calls, or with gradient_accumulation_steps the
        number of updates made (as Keras 3). Setting it sets the call count."""
        if self.gradient_accumulation_steps:
            return self._iterations // self.gradient_accumulation_steps
        return self._iterations

    @iterations.setter
    def iterations(self, value):
        self._iterations = int(value)

    # ---- slots ----

    def build(self, var_list):
        """Creates the optimizer's state for `var_list` (the model's trainable variables, in a fixed order): the
        base indexes the variables, subclasses add their slots (add_slot). Called by the first apply_gradients."""
        self._index = {id(v): i for i, v in enumerate(var_list)}
        if self.use_ema:
            self.add_slot(var_list, "average")
        if self.gradient_accumulation_steps:
            self.add_slot(var_list, "gradient_accumulator")
        self.built = True

    def add_slot(self, var_list, name, fill=0.0):
        """Adds the slot `name`: one array per variable of `var_list`, of its shape and dtype, filled with `fill`.
        Returns the list of arrays."""
        self._slots[name] = [np.full(v.shape, fill, dtype=v.dtype) for v in var_list]
        return self._slots[name]

    def slot(self, name, variable):
        """The array of slot `name` (e.g. "momentum") that belongs to `variable`."""
        return self._slots[name][self._index[id(variable)]]

    # ---- one step ----

    def current_learning_rate(self):
        """The learning rate of the next step, as a float: a schedule is called on `iterations`; a callable taking
        no arguments (Keras 3 accepts those too) is called as it is."""
        lr = self.learning_rate
        if not callable(lr):
            return float(lr)
        if not isinstance(lr, schedules.LearningRateSchedule) and _takes_no_arguments(lr):
            return float(lr())
        return float(lr(self._iterations))

    def apply_gradients(self, grads_and_vars):
        """Applies one step: `grads_and_vars` is an iterable of (gradient array, Variable) pairs. Builds the state
        on the first call, clips the gradients (clipnorm, global_clipnorm or clipvalue), applies the weight decay
        and update_step to each variable in place, then increments `iterations`. Variables keep their dtype. With
        gradient_accumulation_steps, calls between updates only add their gradients up."""
        grads, variables = zip(*grads_and_vars)
        if not self.built:
            self.build(list(variables))
        grads = [np.asarray(g) for g in grads]
        if not self.gradient_accumulation_steps:
            self._update(grads, variables)
        elif (self._iterations + 1) % self.gradient_accumulation_steps == 0:
            sums = self._slots["gradient_accumulator"]
            steps = self.gradient_accumulation_steps
            self._update([(g + sums[self._index[id(v)]]) / steps for g, v in zip(grads, variables)], variables)
            for total in sums:
                total[...] = 0
        else:
            for g, v in zip(grads, variables):
                self.slot("gradient_accumulator", v)[...] += g
        if self.use_ema:
            self._update_moving_average(variables)
        self._iterations += 1

    def _update(self, grads, variables):
        grads = self._clip_gradients(grads)
        lr = self.current_learning_rate()
        self._begin_step()
        for g, v in zip(grads, variables):
            g = g.astype(v.dtype, copy=False)
            if self.weight_decay:
                v.data = v.data - v.data * (self.weight_decay * lr)
            self.update_step(g, v, lr)
            if v.data.dtype != g.dtype:  # a float64 NumPy scalar in a rule must not promote float32 weights
                v.data = v.data.astype(g.dtype)

    def _update_moving_average(self, variables):
        # Keras 3: momentum 0 on the very first step (the average starts as the variable), then ema_momentum.
        momentum = self.ema_momentum if self.iterations != 0 else 0.0
        for v in variables:
            average = self.slot("average", v)
            average[...] = momentum * average + (1.0 - momentum) * v.data
        if self.ema_overwrite_frequency and (self.iterations + 1) % self.ema_overwrite_frequency == 0:
            self.finalize_variable_values(variables)

    def finalize_variable_values(self, var_list):
        """With use_ema, writes each variable's moving average into it (fit calls this when training ends, as
        Keras); otherwise leaves the variables as they are."""
        if self.use_ema and self.built:
            for v in var_list:
                v.assign(self.slot("average", v).copy())

    def _begin_step(self):
        """Called once per step, after clipping and before the variables are updated: for state shared by all
        variables (Nadam's momentum product)."""

    def update_step(self, gradient, variable, learning_rate):
        """Updates `variable.data` in place from `gradient` (a NumPy array of the variable's dtype) with
        `learning_rate` (a float); the rule of each subclass. The base raises NotImplementedError."""
        raise NotImplementedError

    def _clip_gradients(self, grads):
        # Same precedence as Keras 3: per-tensor clipnorm, else global norm, else value clipping.
        if self.clipnorm:
            return [g * self.clipnorm / max(float(np.sqrt(np.sum(g * g))), self.clipnorm) for g in grads]
        if self.global_clipnorm:
            norm = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads)))
            return [g * self.global_clipnorm / max(norm, self.global_clipnorm) for g in grads]
        if self.clipvalue:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    # ---- state and config ----

    def get_state(self):
        """{'iterations': int, 'slots': {name: [array per variable]}} for saving with a model."""
        return {"iterations": self._iterations, "slots": {k: [a.copy() for a in v] for k, v in self._slots.items()}}

    def set_state(self, var_list, state):
        """Restores a state saved by get_state for the variables `var_list` (in build order). Raises ValueError when
        a slot does not match the variables (another model or optimizer)."""
        self.build(list(var_list))
        for name, arrays in state["slots"].items():
            if name not in self._slots or len(arrays) != len(self._slots[name]):
                raise ValueError(f"optimizer state for slot {name!r} does not match the model's variables")
            self._slots[name] = [np.array(a, dtype=v.dtype) for a, v in zip(arrays, var_list)]
        self.iterations = int(state["iterations"])

    def get_config(self):
        """The constructor arguments as a dict, for serialize() and saving; a LearningRateSchedule is stored as its
        serialized dict. Raises ValueError when the learning rate is a plain function (it cannot be saved)."""
        lr = self.learning_rate
        if callable(lr):
            lr = schedules.serialize(lr)
        return {"name": self.name, "learning_rate": lr, "weight_decay": self.weight_decay, "use_ema": self.use_ema,
                "ema_momentum": self.ema_momentum, "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "gradient_accumulation_steps": self.gradient_accumulation_steps,
                "clipnorm": self.clipnorm, "clipvalue": self.clipvalue, "global_clipnorm": self.global_clipnorm}

    @classmethod
    def from_config(cls, config):
        """A new optimizer of this class made from a get_config() dict."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"])
        return cls(**config)


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and Nesterov momentum (keras.optimizers.SGD).

    Args: learning_rate (default 0.01), momentum in [0, 1] (default 0: plain SGD), nesterov (default False), and the
    Optimizer arguments. Raises ValueError when momentum is outside [0, 1]."""

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(f"momentum must be in [0, 1], got {momentum}")
        self.momentum, self.nesterov = momentum, nesterov

    def build(self, var_list):
        super().build(var_list)
        if self.momentum != 0:
            self.add_slot(var_list, "momentum")

    def update_step(self, g, v, lr):
        if self.momentum == 0:
            v.data = v.data - lr * g
            return
        m = self.slot("momentum", v)
        m[...] = self.momentum * m - lr * g
        v.data = v.data + (self.momentum * m - lr * g if self.nesterov else m)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adagrad(Optimizer):
    """Adagrad (keras.optimizers.Adagrad): divides each step by the root of the accumulated squared gradients.

    Args: learning_rate (default 0.001), initial_accumulator_value (default 0.1), epsilon (default 1e-7), and the
    Optimizer arguments."""

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, epsilon

    def build(self, var_list):
        super().build(var_list)
        self.add_slot(var_list, "accumulator", self.initial_accumulator_value)

    def update_step(self, g, v, lr):
        acc = self.slot("accumulator", v)
        acc += g * g
        v.data = v.data - lr * g / np.sqrt(acc + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Adadelta(Optimizer):
    """Adadelta (keras.optimizers.Adadelta): steps scaled by running averages of squared gradients and squared
    updates.

    Args: learning_rate (default 0.001), rho: the decay of both averages (default 0.95), epsilon (default 1e-7), and
    the Optimizer arguments."""

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def build(self, var_list):
        super().build(var_list)
        self.add_slot(var_list, "accumulated_grad")
        self.add_slot(var_list, "accumulated_delta_var")

    def update_step(self, g, v, lr):
        rho, eps = self.rho, self.epsilon
        acc_g, acc_dx = self.slot("accumulated_grad", v), self.slot("accumulated_delta_var", v)
        acc_g[...] = rho * acc_g + (1 - rho) * g * g
        delta = -np.sqrt(acc_dx + eps) * g / np.sqrt(acc_g + eps)
        acc_dx[...] = rho * acc_dx + (1 - rho) * delta * delta
        v.data = v.data + lr * delta

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


class RMSprop(Optimizer):
    """RMSprop (keras.optimizers.RMSprop): divides each step by the root of a running average of squared gradients.

    Args: learning_rate (default 0.001), rho: the average's decay (default 0.9), momentum (default 0), epsilon
    (default 1e-7), centered: also subtract the squared running mean of the gradients (default False), and the
    Optimizer arguments."""

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def build(self, var_list):
        super().build(var_list)
        self.add_slot(var_list, "velocity")
        if self.momentum > 0:
            self.add_slot(var_list, "momentum")
        if self.centered:
            self.add_slot(var_list, "average_gradient")

    def update_step(self, g, v, lr):
        rho = self.rho
        velocity = self.slot("velocity", v)
        velocity[...] = rho * velocity + (1 - rho) * g * g
        if self.centered:
            avg = self.slot("average_gradient", v)
            avg[...] = rho * avg + (1 - rho) * g
            denominator = velocity - avg * avg + self.epsilon
        else:
            denominator = velocity + self.epsilon
        increment = lr * g / np.sqrt(denominator)
        if self.momentum > 0:
            m = self.slot("momentum", v)
            m[...] = self.momentum * m + increment
            increment = m
        v.data = v.data - increment

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}


class SMORMS3(Optimizer):
    """SMORMS3 ("squared mean over root mean squared cubed"), Simon Funk's 2015 rule: each element keeps a memory
    length mem, averages of the gradient g and its square g2 over that memory, and steps by
    gradient * min(lr, g**2 / (g2 + eps)) / (sqrt(g2) + eps); mem then shrinks when the gradient's sign is noisy.

    Args: learning_rate (default 0.001; the step's upper bound), epsilon (1e-16, as Funk's), and the Optimizer
    arguments."""

    def __init__(self, learning_rate=0.001, epsilon=1e-16, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.epsilon = epsilon

    def build(self, var_list):
        super().build(var_list)
        self.add_slot(var_list, "memory", 1.0)
        self.add_slot(var_list, "mean_gradient")
        self.add_slot(var_list, "mean_square")

    def update_step(self, g, v, lr):
        mem, avg, avg_sq = self.slot("memory", v), self.slot("mean_gradient", v), self.slot("mean_square", v)
        r = 1.0 / (mem + 1.0)
        avg[...] = (1.0 - r) * avg + r * g
        avg_sq[...] = (1.0 - r) * avg_sq + r * g * g
        # How consistent the gradient has been: near 1 for a steady sign, near 0 for noise.
        ratio = avg * avg / (avg_sq + self.epsilon)
        v.data = v.data - g * np.minimum(lr, ratio) / (np.sqrt(avg_sq) + self.epsilon)
        mem[...] = 1.0 + mem * (1.0 - ratio)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}
