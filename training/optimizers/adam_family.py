"""The Adam family with Keras 3 update rules: Adam, AdamW, Adamax, Nadam, and Lion (sign of an interpolated
momentum)."""

import math

import numpy as np

from .optimizer import Optimizer


class Adam(Optimizer):
    """Adam (keras.optimizers.Adam), with Keras's bias correction and epsilon placement.

    Args: learning_rate (default 0.001), beta_1 and beta_2: the decays of the first and second moments (0.9, 0.999),
    epsilon (default 1e-7), amsgrad: use the running maximum of the second moment (default False), and the Optimizer
    arguments."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    def build(self, var_list):
        super().build(var_list)
        self.add_slot(var_list, "momentum")
        self.add_slot(var_list, "velocity")
        if self.amsgrad:
            self.add_slot(var_list, "velocity_hat")

    def update_step(self, g, v, lr):
        step = self.iterations + 1
        # Keras folds both bias corrections into the step size; epsilon is added outside the sqrt.
        alpha = lr * math.sqrt(1 - self.beta_2 ** step) / (1 - self.beta_1 ** step)
        m, vel = self.slot("momentum", v), self.slot("velocity", v)
        m += (g - m) * (1 - self.beta_1)
        vel += (g * g - vel) * (1 - self.beta_2)
        if self.amsgrad:
            v_hat = self.slot("velocity_hat", v)
            np.maximum(v_hat, vel, out=v_hat)
            vel = v_hat
        v.data = v.data - m * alpha / (np.sqrt(vel) + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}


class Adamax(Optimizer):
    """Adamax (keras.optimizers.Adamax): Adam with the infinity norm in place of the second moment.

    Args: learning_rate (default 0.001), beta_1 (0.9), beta_2 (0.999), epsilon (1e-7), and the Optimizer
    arguments."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build(self, var_list):
        super().build(var_list)
        self.add_slot(var_list, "m")
        self.add_slot(var_list, "u")

    def update_step(self, g, v, lr):
        beta_1_power = self.beta_1 ** (self.iterations + 1)
        m, u = self.slot("m", v), self.slot("u", v)
        m += (g - m) * (1 - self.beta_1)
        np.maximum(self.beta_2 * u, np.abs(g), out=u)
        v.data = v.data - lr * m / ((1 - beta_1_power) * (u + self.epsilon))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class AdamW(Adam):
    """Adam with decoupled weight decay (keras.optimizers.AdamW): Adam whose weight_decay defaults to 0.004, applied
    as the base does (each step first shrinks every variable by weight_decay * learning_rate).

    Args: learning_rate (0.001), weight_decay (0.004), beta_1, beta_2, epsilon, amsgrad (as Adam), and the other
    Optimizer arguments. Raises ValueError for weight_decay=None."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        if weight_decay is None:
            raise ValueError("AdamW needs a weight_decay (a float)")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay=weight_decay, **kwargs)


class Nadam(Optimizer):
    """Nadam (keras.optimizers.Nadam): Adam with Nesterov momentum, with Keras 3's momentum schedule
    u_t = beta_1 * (1 - 0.5 * 0.96 ** t) and the running product of the u_t.

    Args: learning_rate (0.001), beta_1 (0.9), beta_2 (0.999), epsilon (1e-7), and the Optimizer arguments."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def _u(self, step):
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** step)

    def build(self, var_list):
        super().build(var_list)
        self.add_slot(var_list, "momentum")
        self.add_slot(var_list, "velocity")

    def _begin_step(self):
        # The product of u_1 ... u_t is a function of the step count, so a restored optimizer recomputes it.
        self._u_product = math.prod(self._u(i) for i in range(1, self.iterations + 2))

    def update_step(self, g, v, lr):
        step = self.iterations + 1
        u_t, u_next = self._u(step), self._u(step + 1)
        u_product, u_product_next = self._u_product, self._u_product * u_next
        m, vel = self.slot("momentum", v), self.slot("velocity", v)
        m += (g - m) * (1 - self.beta_1)
        vel += (g * g - vel) * (1 - self.beta_2)
        m_hat = u_next * m / (1 - u_product_next) + (1 - u_t) * g / (1 - u_product)
        v_hat = vel / (1 - self.beta_2 ** step)
        v.data = v.data - m_hat * lr / (np.sqrt(v_hat) + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class Lion(Optimizer):
    """Lion (keras.optimizers.Lion): steps by lr * sign(beta_1 * m + (1 - beta_1) * g), then updates the momentum
    m = beta_2 * m + (1 - beta_2) * g.

    Args: learning_rate (0.001), beta_1 (0.9), beta_2 (0.99), and the Optimizer arguments. Raises ValueError for
    beta_1 outside (0, 1]."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate, **kwargs)
        if not 0 < beta_1 <= 1:
            raise ValueError(f"beta_1 must be in (0, 1], got {beta_1}")
        self.beta_1, self.beta_2 = beta_1, beta_2

    def build(self, var_list):
        super().build(var_list)
        self.add_slot(var_list, "momentum")

    def update_step(self, g, v, lr):
        m = self.slot("momentum", v)
        v.data = v.data - lr * np.sign(m * self.beta_1 + g * (1 - self.beta_1))
        m[...] = m * self.beta_2 + g * (1 - self.beta_2)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
