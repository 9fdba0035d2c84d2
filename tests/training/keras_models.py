"""The small models of the Keras golden files, written once against either framework's namespace (keras or
edgelite.training: both have Sequential, Model, Input and layers with the same names), so the Keras reference
(scripts/make_keras_golden.py) and the edgelite twin the tests build are the same architecture. Loaded as a
plain module by path (tests/ has its own conftest by name)."""

import os

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "keras")


def dense_bn(k):
    L = k.layers
    return k.Sequential([k.Input((6,)), L.Dense(8, activation="relu"), L.BatchNormalization(), L.Dropout(0.1),
                         L.Dense(3, activation="softmax")], name="dense_bn")


def conv(k):
    L = k.layers
    inp = k.Input((8, 8, 3), name="image")
    x = L.Conv2D(4, 3, padding="same", activation="relu", name="stem")(inp)
    y = L.DepthwiseConv2D(3, padding="same")(x)
    y = L.BatchNormalization()(y)
    y = L.Conv2D(4, 1, activation="relu6")(y)
    x = L.Add()([x, y])
    x = L.MaxPooling2D(2)(x)
    x = L.Conv2D(6, 3, strides=2, padding="same")(x)
    x = L.GlobalAveragePooling2D()(x)
    return k.Model(inp, L.Dense(2)(x), name="conv")


def recurrent(k):
    L = k.layers
    inp = k.Input((7,), dtype="int32", name="tokens")
    x = L.Embedding(12, 5)(inp)
    x = L.LSTM(4, return_sequences=True)(x)
    x = L.Bidirectional(L.GRU(3, return_sequences=True))(x)
    x = L.SimpleRNN(2)(x)
    return k.Model(inp, L.Dense(2)(x), name="recurrent")


MODELS = {"dense_bn": dense_bn, "conv": conv, "recurrent": recurrent}


def path(name, suffix):
    return os.path.join(DATA, f"{name}{suffix}")
