"""Optimizers: a few steps of each update rule against the Keras 3 formulas written out by hand in NumPy,
gradient clipping, weight decay, defaults and state round trips."""

import math

import numpy as np
import pytest

from edgelite.training import Variable, optimizers

STEPS = 4


def _problem(seed=0):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=(3, 2)), rng.normal(size=(4,))]
    grads = [[rng.normal(size=w.shape) for w in weights] for _ in range(STEPS)]
    return weights, grads


def _run(optimizer, weights, grads):
    variables = [Variable(w.copy(), name=f"w{i}") for i, w in enumerate(weights)]
    for step_grads in grads:
        optimizer.apply_gradients(zip([g.copy() for g in step_grads], variables))
    return [v.data for v in variables]


# ---- references: Keras 3 update_step formulas, one variable at a time ----

def ref_sgd(w, gs, lr=0.01, momentum=0.0, nesterov=False):
    m = np.zeros_like(w)
    for g in gs:
        if momentum == 0:
            w = w - lr * g
            continue
        m = momentum * m - lr * g
        w = w + momentum * m - lr * g if nesterov else w + m
    return w


def ref_adagrad(w, gs, lr=0.001, init=0.1, eps=1e-7):
    acc = np.full_like(w, init)
    for g in gs:
        acc = acc + g ** 2
        w = w - lr * g / np.sqrt(acc + eps)
    return w


def ref_adadelta(w, gs, lr=0.001, rho=0.95, eps=1e-7):
    eg2, edx2 = np.zeros_like(w), np.zeros_like(w)
    for g in gs:
        eg2 = rho * eg2 + (1 - rho) * g ** 2
        dx = -np.sqrt(edx2 + eps) / np.sqrt(eg2 + eps) * g
        edx2 = rho * edx2 + (1 - rho) * dx ** 2
        w = w + lr * dx
    return w


def ref_rmsprop(w, gs, lr=0.001, rho=0.9, momentum=0.0, eps=1e-7, centered=False):
    ms, mg, mom = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for g in gs:
        ms = rho * ms + (1 - rho) * g ** 2
        mg = rho * mg + (1 - rho) * g
        denom = ms - mg ** 2 + eps if centered else ms + eps
        inc = lr * g / np.sqrt(denom)
        mom = momentum * mom + inc
        w = w - (mom if momentum > 0 else inc)
    return w


def ref_adam(w, gs, lr=0.001, b1=0.9, b2=0.999, eps=1e-7, amsgrad=False):
    m, v, vmax = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(gs, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        vmax = np.maximum(vmax, v)
        alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        w = w - alpha * m / (np.sqrt(vmax if amsgrad else v) + eps)
    return w


def ref_adamax(w, gs, lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    m, u = np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(gs, start=1):
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g))
        w = w - lr * m / ((1 - b1 ** t) * (u + eps))
    return w


CASES = {
    "sgd": (lambda: optimizers.SGD(), ref_sgd, {}),
    "sgd_momentum": (lambda: optimizers.SGD(0.1, momentum=0.9), ref_sgd, {"lr": 0.1, "momentum": 0.9}),
    "sgd_nesterov": (lambda: optimizers.SGD(0.1, momentum=0.8, nesterov=True), ref_sgd,
                     {"lr": 0.1, "momentum": 0.8, "nesterov": True}),
    "adagrad": (lambda: optimizers.Adagrad(0.05), ref_adagrad, {"lr": 0.05}),
    "adadelta": (lambda: optimizers.Adadelta(1.0, rho=0.9), ref_adadelta, {"lr": 1.0, "rho": 0.9}),
    "rmsprop": (lambda: optimizers.RMSprop(0.01), ref_rmsprop, {"lr": 0.01}),
    "rmsprop_momentum_centered": (lambda: optimizers.RMSprop(0.01, momentum=0.5, centered=True), ref_rmsprop,
                                  {"lr": 0.01, "momentum": 0.5, "centered": True}),
    "adam": (lambda: optimizers.Adam(0.01), ref_adam, {"lr": 0.01}),
    "adam_amsgrad": (lambda: optimizers.Adam(0.01, beta_1=0.8, amsgrad=True), ref_adam,
                     {"lr": 0.01, "b1": 0.8, "amsgrad": True}),
    "adamax": (lambda: optimizers.Adamax(0.02), ref_adamax, {"lr": 0.02}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_update_rule_matches_keras_formula(name):
    make, reference, kwargs = CASES[name]
    weights, grads = _problem()
    got = _run(make(), weights, grads)
    for i, w in enumerate(weights):
        expected = reference(w, [step[i] for step in grads], **kwargs)
        np.testing.assert_allclose(got[i], expected, rtol=1e-12, atol=1e-15)
        assert not np.allclose(got[i], w)  # the weights did move


def test_adam_first_step_literal():
    # Keras' epsilon sits outside the bias-corrected sqrt: step 1 moves w by lr*sqrt(1-b2)*g/(sqrt(1-b2)|g|+eps).
    v = Variable(np.array([1.0]))
    optimizers.Adam().apply_gradients([(np.array([0.5]), v)])
    s = math.sqrt(0.001)
    np.testing.assert_allclose(v.data, [1.0 - 0.001 * s * 0.5 / (s * 0.5 + 1e-7)], rtol=1e-14)


def test_gradient_clipping():
    g = [np.array([3.0, 4.0]), np.array([0.0, 12.0])]  # norms 5 and 12, global norm 13

    def step(**clip):
        variables = [Variable(np.zeros(2)), Variable(np.zeros(2))]
        optimizers.SGD(1.0, **clip).apply_gradients(zip([x.copy() for x in g], variables))
        return [-v.data for v in variables]

    by_norm = step(clipnorm=6.0)
    np.testing.assert_allclose(by_norm[0], [3.0, 4.0])  # under the limit: untouched
    np.testing.assert_allclose(by_norm[1], [0.0, 6.0])
    np.testing.assert_allclose(step(global_clipnorm=6.5)[1], [0.0, 6.0])
    np.testing.assert_allclose(step(global_clipnorm=6.5)[0], [1.5, 2.0])
    np.testing.assert_allclose(step(clipvalue=3.5)[0], [3.0, 3.5])
    with pytest.raises(ValueError):
        optimizers.SGD(clipnorm=1.0, global_clipnorm=1.0)


def test_decoupled_weight_decay():
    v = Variable(np.array([2.0]))
    optimizers.SGD(0.1, weight_decay=0.5).apply_gradients([(np.array([1.0]), v)])
    np.testing.assert_allclose(v.data, [2.0 - 2.0 * 0.5 * 0.1 - 0.1 * 1.0])


def test_names_give_keras_defaults():
    assert isinstance(optimizers.get("adam"), optimizers.Adam)
    assert optimizers.get("sgd").learning_rate == 0.01
    assert optimizers.get("RMSprop").rho == 0.9
    assert optimizers.get("adagrad").initial_accumulator_value == 0.1
    assert optimizers.get("adadelta").rho == 0.95 and optimizers.get("adamax").epsilon == 1e-7
    config = optimizers.serialize(optimizers.Adam(0.003, amsgrad=True, clipvalue=2.0))
    clone = optimizers.get(config)
    assert clone.learning_rate == 0.003 and clone.amsgrad and clone.clipvalue == 2.0


def test_float32_variables_stay_float32():
    v = Variable(np.ones(3, dtype=np.float32))
    for opt in ("sgd", "adam", "rmsprop", "adagrad", "adadelta", "adamax"):
        optimizers.get(opt).apply_gradients([(np.ones(3, dtype=np.float32), v)])
        assert v.dtype == np.float32


@pytest.mark.parametrize("name", ["adam", "nadam", "smorms3", "lion"])
def test_state_round_trip_continues_identically(name):
    # Nadam's momentum product is recomputed from the step count, so it needs no saved state of its own.
    weights, grads = _problem(1)
    a = optimizers.get(name)
    va = [Variable(w.copy()) for w in weights]
    a.apply_gradients(zip(grads[0], va))
    b = optimizers.get(optimizers.serialize(a))
    vb = [Variable(v.data.copy()) for v in va]
    b.set_state(vb, a.get_state())
    for step in grads[1:]:
        a.apply_gradients(zip(step, va))
        b.apply_gradients(zip(step, vb))
    for x, y in zip(va, vb):
        np.testing.assert_array_equal(x.data, y.data)


# ---- SMORMS3, AdamW, Nadam, Lion, schedules ----

def ref_smorms3(w, gs, lr=0.001, eps=1e-16):
    # Simon Funk's rule as he published it, one scalar at a time.
    w = w.copy()
    for i in np.ndindex(w.shape):
        mem, g1, g2 = 1.0, 0.0, 0.0
        for g in gs:
            grad = g[i]
            r = 1.0 / (mem + 1.0)
            g1 = (1 - r) * g1 + r * grad
            g2 = (1 - r) * g2 + r * grad * grad
            step = min(lr, g1 * g1 / (g2 + eps))
            w[i] -= grad * step / (math.sqrt(g2) + eps)
            mem = 1.0 + mem * (1.0 - g1 * g1 / (g2 + eps))
    return w


@pytest.mark.parametrize("lr", [0.001, 0.3])
def test_smorms3_follows_funks_rule(lr):
    weights, grads = _problem(3)
    got = _run(optimizers.SMORMS3(lr), weights, grads)
    for k, w in enumerate(weights):
        np.testing.assert_allclose(got[k], ref_smorms3(w, [g[k] for g in grads], lr), rtol=1e-12)


def test_new_optimizers_by_name_and_defaults():
    for name, cls in (("adamw", optimizers.AdamW), ("nadam", optimizers.Nadam), ("lion", optimizers.Lion),
                      ("smorms3", optimizers.SMORMS3)):
        assert isinstance(optimizers.get(name), cls)
    assert optimizers.get("adamw").weight_decay == 0.004 and optimizers.get("lion").beta_2 == 0.99
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="beta_1"):
        optimizers.Lion(beta_1=0.0)


def test_a_schedule_drives_the_learning_rate_and_serializes():
    schedule = optimizers.schedules.PiecewiseConstantDecay([1], [0.5, 0.1])
    optimizer = optimizers.SGD(schedule)
    v = Variable(np.zeros(2))
    for _ in range(3):
        optimizer.apply_gradients([(np.ones(2), v)])
    # Steps 0 and 1 at 0.5, step 2 at 0.1 (the schedule sees `iterations` before the step).
    np.testing.assert_allclose(v.data, [-1.1, -1.1])
    clone = optimizers.get(optimizers.serialize(optimizer))
    assert isinstance(clone.learning_rate, optimizers.schedules.PiecewiseConstantDecay)
    assert clone.learning_rate.get_config() == schedule.get_config()
    with pytest.raises(ValueError, match="cannot be serialized"):
        optimizers.serialize(optimizers.SGD(lambda step: 0.1))
    # Keras 3 also takes a callable of no arguments.
    w = Variable(np.zeros(1))
    optimizers.SGD(lambda: 0.25).apply_gradients([(np.ones(1), w)])
    np.testing.assert_allclose(w.data, [-0.25])


def test_weight_decay_follows_clipping_and_uses_the_scheduled_rate():
    # Keras 3 order: clip the gradients, shrink the variable by weight_decay * lr, then the rule's step.
    v = Variable(np.array([2.0, -4.0]))
    optimizer = optimizers.SGD(optimizers.schedules.ExponentialDecay(0.1, 1, 0.5), weight_decay=0.2, clipnorm=1.0)
    optimizer.apply_gradients([(np.array([3.0, 4.0]), v)])
    expected = np.array([2.0, -4.0]) * (1 - 0.2 * 0.1) - 0.1 * np.array([0.6, 0.8])
    np.testing.assert_allclose(v.data, expected)


def test_ema_weights_replace_the_model_weights_when_fit_ends():
    import edgelite.training as et
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 3)).astype(np.float32), rng.normal(size=(16, 1)).astype(np.float32)
    model = et.Sequential([et.Input((3,)), et.layers.Dense(1)])
    optimizer = optimizers.SGD(0.1, use_ema=True, ema_momentum=0.9)
    model.compile(optimizer, "mse")
    seen = []
    model.fit(x, y, batch_size=4, epochs=2, verbose=0,
              callbacks=[et.callbacks.LambdaCallback(on_train_end=lambda logs: seen.append(model.get_weights()))])
    averages = [optimizer.slot("average", w) for w in model.trainable_weights]
    for got, average in zip(seen[0], averages):
        np.testing.assert_array_equal(got, average)  # already in place when on_train_end runs
    assert optimizers.get(optimizers.serialize(optimizer)).ema_momentum == 0.9
    with pytest.raises(ValueError, match="ema_overwrite_frequency"):
        optimizers.Adam(use_ema=True, ema_overwrite_frequency=0)
