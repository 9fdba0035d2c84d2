"""Gradient / shape / config cases for the layers of the training-breadth work (issue 18), merged into
test_layers.CASES: name -> list of make(rng) -> (layer, inputs, training, before_call)."""

import numpy as np

from edgelite.training import activations, layers

F64 = {"dtype": "float64"}


def _adapted_normalization(rng):
    layer = layers.Normalization(axis=(1, 2), **F64)
    layer.adapt(rng.normal(2.0, 3.0, size=(20, 3, 4)))
    return layer, rng.normal(size=(2, 3, 4)), None, None


def _attention_with_biases_case(rng):
    layer = layers.MultiHeadAttention(2, 3, bias_initializer="glorot_uniform", **F64)

    def freeze_key_bias():
        # The key bias adds q . b to every key's score alike, which softmax cancels: its gradient is exactly
        # zero, so the gradient check leaves it out (the other tests keep it, in Keras' weight order).
        if layer.built:
            layer.key_bias.trainable = False
    return layer, [rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 5, 2))], None, freeze_key_bias


def _attention_dropout_case(rng):
    layer = layers.MultiHeadAttention(2, 3, dropout=0.3, seed=2, use_bias=False, **F64)

    def reseed():  # one dropout mask for every evaluation
        layer.dropout_layer._rng = np.random.default_rng(2)
    return layer, [rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 5, 2))], True, reseed


def breadth_cases():
    n = lambda r, *s: r.normal(size=s)  # noqa: E731
    return {
        "Rescaling": [lambda r: (layers.Rescaling(1 / 255.0, offset=-0.5, **F64), n(r, 2, 3, 3, 2), None, None),
                      lambda r: (layers.Rescaling([2.0, -1.0, 0.5], **F64), n(r, 2, 3), None, None)],
        "Normalization": [
            lambda r: (layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 1.0, 0.5], **F64), n(r, 2, 3),
                       None, None),
            lambda r: (layers.Normalization(axis=None, mean=2.0, variance=9.0, invert=True, **F64), n(r, 2, 2, 3),
                       None, None),
            _adapted_normalization],
        "ZeroPadding2D": [lambda r: (layers.ZeroPadding2D(**F64), n(r, 2, 3, 3, 2), None, None),
                          lambda r: (layers.ZeroPadding2D(((0, 2), (1, 3)), **F64), n(r, 1, 2, 3, 2), None, None)],
        "Cropping2D": [lambda r: (layers.Cropping2D(1, **F64), n(r, 2, 4, 5, 2), None, None),
                       lambda r: (layers.Cropping2D(((0, 2), (1, 0)), **F64), n(r, 1, 4, 3, 2), None, None)],
        "Conv1D": [
            lambda r: (layers.Conv1D(3, 3, padding="causal", dilation_rate=2, activation="tanh", **F64),
                       n(r, 2, 7, 2), None, None),
            lambda r: (layers.Conv1D(4, 2, strides=2, padding="same", groups=2, **F64), n(r, 2, 5, 4), None, None),
            lambda r: (layers.Conv1D(2, 3, use_bias=False, **F64), n(r, 1, 6, 3), None, None)],
        "SeparableConv2D": [
            lambda r: (layers.SeparableConv2D(3, 3, padding="same", depth_multiplier=2, **F64), n(r, 2, 4, 5, 2),
                       None, None),
            lambda r: (layers.SeparableConv2D(2, (2, 3), strides=2, activation="relu6", **F64), n(r, 1, 5, 6, 3),
                       None, None)],
        "Conv2DTranspose": [
            lambda r: (layers.Conv2DTranspose(3, 3, strides=2, padding="same", **F64), n(r, 2, 3, 4, 2), None, None),
            lambda r: (layers.Conv2DTranspose(2, (3, 2), strides=(2, 3), **F64), n(r, 1, 3, 2, 2), None, None),
            lambda r: (layers.Conv2DTranspose(2, 4, strides=3, padding="same", output_padding=1, **F64),
                       n(r, 1, 2, 3, 2), None, None),
            lambda r: (layers.Conv2DTranspose(2, 3, dilation_rate=2, **F64), n(r, 1, 3, 3, 2), None, None)],
        "LeakyReLU": [lambda r: (layers.LeakyReLU(**F64), n(r, 3, 4), None, None)],
        "PReLU": [lambda r: (layers.PReLU(alpha_initializer="glorot_uniform", **F64), n(r, 2, 3, 4), None, None),
                  lambda r: (layers.PReLU(alpha_initializer="ones", shared_axes=[1, 2], **F64), n(r, 2, 3, 3, 2),
                             None, None)],
        "ELU": [lambda r: (layers.ELU(alpha=0.7, **F64), n(r, 3, 4), None, None)],
        "LayerNormalization": [
            lambda r: (layers.LayerNormalization(gamma_initializer="glorot_uniform",
                                                 beta_initializer="glorot_uniform", **F64), n(r, 2, 3, 5), None,
                       None),
            lambda r: (layers.LayerNormalization(axis=[1, 2], center=False, epsilon=1e-5, **F64), n(r, 2, 3, 4),
                       None, None),
            lambda r: (layers.LayerNormalization(rms_scaling=True, gamma_initializer="glorot_uniform", **F64),
                       n(r, 2, 3, 4), None, None)],
        "MaxPooling1D": [lambda r: (layers.MaxPooling1D(**F64), n(r, 2, 6, 3), None, None),
                         lambda r: (layers.MaxPooling1D(3, strides=2, padding="same", **F64), n(r, 1, 7, 2), None,
                                    None)],
        "AveragePooling1D": [lambda r: (layers.AveragePooling1D(3, strides=2, padding="same", **F64), n(r, 2, 6, 3),
                                        None, None)],
        "GlobalAveragePooling1D": [lambda r: (layers.GlobalAveragePooling1D(keepdims=True, **F64), n(r, 2, 4, 3),
                                              None, None)],
        "GlobalMaxPooling1D": [lambda r: (layers.GlobalMaxPooling1D(**F64), n(r, 2, 4, 3), None, None)],
        "UpSampling2D": [lambda r: (layers.UpSampling2D((2, 3), **F64), n(r, 2, 2, 3, 2), None, None),
                         lambda r: (layers.UpSampling2D(2, interpolation="bilinear", **F64), n(r, 1, 3, 2, 2), None,
                                    None)],
        "Resizing": [lambda r: (layers.Resizing(5, 3, **F64), n(r, 2, 3, 4, 2), None, None),
                     lambda r: (layers.Resizing(4, 6, interpolation="nearest", **F64), n(r, 1, 3, 4, 2), None, None),
                     lambda r: (layers.Resizing(3, 3, crop_to_aspect_ratio=True, **F64), n(r, 1, 4, 6, 2), None,
                                None),
                     lambda r: (layers.Resizing(3, 3, pad_to_aspect_ratio=True, fill_value=1.0, **F64),
                                n(r, 1, 4, 6, 2), None, None)],
        "ZeroPadding1D": [lambda r: (layers.ZeroPadding1D((2, 1), **F64), n(r, 2, 3, 2), None, None)],
        "Cropping1D": [lambda r: (layers.Cropping1D((1, 2), **F64), n(r, 2, 5, 2), None, None)],
        "UpSampling1D": [lambda r: (layers.UpSampling1D(3, **F64), n(r, 2, 3, 2), None, None)],
        "Permute": [lambda r: (layers.Permute((2, 3, 1), **F64), n(r, 2, 3, 4, 2), None, None)],
        "RepeatVector": [lambda r: (layers.RepeatVector(3, **F64), n(r, 2, 4), None, None)],
        "Lambda": [lambda r: (layers.Lambda(activations.swish, **F64), n(r, 3, 4), None, None),
                   lambda r: (layers.Lambda(activations.gelu_approximate, output_shape=(4,), **F64), n(r, 3, 4),
                              None, None)],
        "MultiHeadAttention": [
            _attention_with_biases_case,
            lambda r: (layers.MultiHeadAttention(3, 2, value_dim=3, output_shape=4, use_bias=False, **F64),
                       [n(r, 1, 3, 4), n(r, 1, 2, 3), n(r, 1, 2, 2)], None, None),
            _attention_dropout_case,
            lambda r: (layers.MultiHeadAttention(2, 2, use_gate=True, sliding_window=2, use_bias=False, **F64),
                       [n(r, 2, 4, 3), n(r, 2, 4, 3)], None, None)],
    }
