"""The synthetic sequence task the recurrent classifiers train on (here and in the Keras reference script).

Each sample is `steps` time steps of two features: a value in [-1, 1] and a marker that is 1 at exactly two
steps. The class (0-3) is the signs of the two marked values, first and second: a model has to find the
markers, remember the first value's sign across time and combine it with the second's, so a classifier
that ignores order or memory stays near chance (25%). Pure NumPy, so both environments make the same data.
"""

import numpy as np

STEPS, FEATURES, CLASSES = 12, 2, 4
# What tests/golden/make_keras_rnn_reference.py trained Keras with, and the tests train edgelite with.
SETTINGS = {"units": 16, "learning_rate": 0.01, "epochs": 15, "batch_size": 32, "train": 1500, "test": 500,
            "train_seed": 1, "test_seed": 2}


def make_sequence_task(n, steps=STEPS, seed=0):
    """(x float32 (n, steps, 2), y int64 (n,))."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, steps, FEATURES), np.float32)
    x[:, :, 0] = rng.uniform(-1, 1, (n, steps))
    y = np.zeros(n, np.int64)
    for i in range(n):
        first, second = sorted(rng.choice(steps, 2, replace=False))
        x[i, [first, second], 1] = 1.0
        y[i] = 2 * int(x[i, first, 0] > 0) + int(x[i, second, 0] > 0)
    return x, y


def train_and_test_data():
    s = SETTINGS
    return make_sequence_task(s["train"], seed=s["train_seed"]), make_sequence_task(s["test"], seed=s["test_seed"])
