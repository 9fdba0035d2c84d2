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


def attention(k):
    """Embedding, causal Conv1D, LayerNormalization and MultiHeadAttention (self-attention, causal mask)."""
    L = k.layers
    inp = k.Input((6,), dtype="int32", name="tokens")
    x = L.Embedding(20, 8)(inp)
    x = L.Conv1D(8, 3, padding="causal", activation="relu")(x)
    x = L.LayerNormalization()(x)
    y = L.MultiHeadAttention(num_heads=2, key_dim=4)(x, x, use_causal_mask=True)
    x = L.Add()([x, y])
    x = L.GlobalAveragePooling1D()(x)
    return k.Model(inp, L.Dense(2)(x), name="attention")


def image_breadth(k):
    """The issue's image layers: Rescaling, Normalization (statistics as weights), SeparableConv2D, PReLU,
    Conv2DTranspose, UpSampling2D, ZeroPadding2D."""
    L = k.layers
    inp = k.Input((8, 8, 3), name="image")
    x = L.Rescaling(1.0 / 255)(inp)
    x = L.Normalization()(x)
    x = L.SeparableConv2D(4, 3, padding="same")(x)
    x = L.PReLU()(x)
    x = L.Conv2DTranspose(3, 3, strides=2, padding="same")(x)
    x = L.MaxPooling2D(2)(L.UpSampling2D(2)(x))
    x = L.ZeroPadding2D(1)(x)
    x = L.GlobalAveragePooling2D()(x)
    return k.Model(inp, L.Dense(2)(x), name="image_breadth")


MODELS = {"dense_bn": dense_bn, "conv": conv, "recurrent": recurrent, "attention": attention,
          "image_breadth": image_breadth}


def path(name, suffix):
    return os.path.join(DATA, f"{name}{suffix}")


# ---- applications: deterministic weights, the same in both frameworks ----

# (keras.applications / edgelite.training.applications name, keyword arguments, input shape) of each reference.
APPLICATIONS = {
    "mobilenet_v2": ("MobileNetV2", dict(input_shape=(32, 32, 3), alpha=0.35, classes=10,
                                         classifier_activation=None), (2, 32, 32, 3)),
    "mobilenet_v3_small": ("MobileNetV3Small", dict(input_shape=(32, 32, 3), classes=10,
                                                    classifier_activation=None), (2, 32, 32, 3)),
    "resnet50": ("ResNet50", dict(input_shape=(32, 32, 3), classes=10, classifier_activation=None),
                 (2, 32, 32, 3)),
    "efficientnet_b0": ("EfficientNetB0", dict(input_shape=(32, 32, 3), classes=10, classifier_activation=None),
                        (2, 32, 32, 3)),
}


def _layer_key(layer, snake_case):
    """The layer's name, or its class' base name when it was auto-named (counters differ between processes)."""
    base = snake_case(type(layer).__name__)
    return base if layer.name == base or (layer.name.startswith(base + "_") and
                                          layer.name[len(base) + 1:].isdigit()) else layer.name


def deterministic_value(layer_key, variable_name, shape, dtype):
    """A fixed array for weight `variable_name` of layer `layer_key`, from its names alone: kernels scaled by
    1/sqrt(fan in) so deep nets stay finite, positive variances and scales near 1, small shifts."""
    import zlib

    import numpy as np
    if variable_name == "depthwise_kernel":  # Keras 3 names DepthwiseConv2D's kernel 'kernel'
        variable_name = "kernel"
    rng = np.random.default_rng(zlib.crc32(f"{layer_key}/{variable_name}".encode()))
    shape = tuple(shape)
    if variable_name == "count":
        return np.ones(shape, dtype)
    if "variance" in variable_name or variable_name == "gamma":
        return rng.uniform(0.6, 1.4, shape).astype(dtype)
    if len(shape) >= 2:
        fan_in = int(np.prod(shape[:-1]))
        return (rng.normal(size=shape) / np.sqrt(fan_in)).astype(dtype)
    return rng.normal(scale=0.1, size=shape).astype(dtype)


def set_deterministic_weights(model, snake_case):
    """Gives every weight of `model` (keras or edgelite) its deterministic_value, keyed by layer and weight name."""
    for layer in model.layers:
        if not layer.weights:
            continue
        key = _layer_key(layer, snake_case)
        layer.set_weights([deterministic_value(key, w.name, w.shape, _dtype_name(w.dtype)) for w in layer.weights])


def _dtype_name(dtype):
    import numpy as np
    return np.dtype(getattr(dtype, "name", dtype) if not isinstance(dtype, str) else dtype).name
