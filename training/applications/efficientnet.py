"""EfficientNetB0 (Tan & Le 2019) with keras.applications.EfficientNetB0's signature, layer names and structure,
so Keras' weight files for it load. Like Keras' it takes [0, 255] images: Rescaling(1/255) then a Normalization
whose mean and variance are weights (set by the weight file, or by adapt)."""

import copy
import math

from .. import layers
from ..model import Model
from .imagenet_utils import correct_pad, finish, image_input_for, make_divisible, pooled

# The seven stages of B0: kernel size, repeats, filters in and out, expansion, stride, squeeze-excite ratio.
_BLOCKS = [dict(kernel_size=k, repeats=r, filters_in=fi, filters_out=fo, expand_ratio=e, strides=s, se_ratio=0.25)
           for k, r, fi, fo, e, s in ((3, 1, 32, 16, 1, 1), (3, 2, 16, 24, 6, 2), (5, 2, 24, 40, 6, 2),
                                      (3, 3, 40, 80, 6, 2), (5, 3, 80, 112, 6, 1), (5, 4, 112, 192, 6, 2),
                                      (3, 1, 192, 320, 6, 1))]
# Keras' initializers for EfficientNet (He-style fan-out for convolutions, uniform for the classifier).
CONV_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                           "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"}}
DENSE_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                            "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"}}


def _block(inputs, activation, drop_rate, name, filters_in, filters_out, kernel_size, strides, expand_ratio,
           se_ratio):
    """The MBConv block: 1x1 expansion, depthwise conv, squeeze-and-excite, 1x1 projection, and the residual with
    drop-connect (a per-sample Dropout) when shapes allow."""
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(filters, 1, padding="same", use_bias=False, kernel_initializer=CONV_KERNEL_INITIALIZER,
                          name=f"{name}expand_conv")(x)
        x = layers.BatchNormalization(axis=3, name=f"{name}expand_bn")(x)
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)
    if strides == 2:
        x = layers.ZeroPadding2D(padding=correct_pad(x, kernel_size), name=f"{name}dwconv_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding="valid" if strides == 2 else "same",
                               use_bias=False, depthwise_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}dwconv")(x)
    x = layers.BatchNormalization(axis=3, name=f"{name}bn")(x)
    x = layers.Activation(activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        filters_se = max(1, int(filters_in * se_ratio))
        se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
        se = layers.Reshape((1, 1, filters), name=f"{name}se_reshape")(se)
        se = layers.Conv2D(filters_se, 1, padding="same", activation=activation,
                           kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}se_reduce")(se)
        se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid",
                           kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}se_expand")(se)
        x = layers.Multiply(name=f"{name}se_excite")([x, se])
    x = layers.Conv2D(filters_out, 1, padding="same", use_bias=False, kernel_initializer=CONV_KERNEL_INITIALIZER,
                      name=f"{name}project_conv")(x)
    x = layers.BatchNormalization(axis=3, name=f"{name}project_bn")(x)
    if strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.Add(name=f"{name}add")([x, inputs])
    return x


def EfficientNetB0(include_top=True, weights=None, input_tensor=None, input_shape=None, pooling=None,  # noqa: N802
                   classes=1000, classifier_activation="softmax", name="efficientnetb0"):
    """keras.applications.EfficientNetB0: `input_shape` (rows, cols, 3), at least 32x32 (default (224, 224, 3)),
    `include_top` the classifier (global average pooling 'avg_pool', Dropout 0.2 'top_dropout', Dense `classes`
    'predictions' with `classifier_activation`), otherwise `pooling` None / 'avg' / 'max'; `weights` None or the
    path of a Keras weights file for the same configuration. Inputs are [0, 255] images (the model rescales and
    normalizes them). Keras' EfficientNetB0 has no include_preprocessing argument (EfficientNetV2 has); neither
    has this one. Raises ValueError for a bad shape, weights or pooling."""
    img_input = image_input_for("EfficientNetB0", input_shape, input_tensor, weights, classes, pooling, 224, 32,
                                include_top)
    activation, drop_connect_rate = "swish", 0.2
    x = layers.Rescaling(1.0 / 255.0)(img_input)
    x = layers.Normalization(axis=3)(x)
    x = layers.ZeroPadding2D(padding=correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(make_divisible(32), 3, strides=2, padding="valid", use_bias=False,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, name="stem_conv")(x)
    x = layers.BatchNormalization(axis=3, name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    blocks_args = copy.deepcopy(_BLOCKS)
    total = float(sum(args["repeats"] for args in blocks_args))
    b = 0
    for i, args in enumerate(blocks_args):
        args["filters_in"] = make_divisible(args["filters_in"])
        args["filters_out"] = make_divisible(args["filters_out"])
        for j in range(int(math.ceil(args.pop("repeats")))):
            if j > 0:
                args["strides"], args["filters_in"] = 1, args["filters_out"]
            x = _block(x, activation, drop_connect_rate * b / total, f"block{i + 1}{chr(j + 97)}_", **args)
            b += 1
    x = layers.Conv2D(make_divisible(1280), 1, padding="same", use_bias=False,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, name="top_conv")(x)
    x = layers.BatchNormalization(axis=3, name="top_bn")(x)
    x = layers.Activation(activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(0.2, name="top_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation, kernel_initializer=DENSE_KERNEL_INITIALIZER,
                         name="predictions")(x)
    else:
        x = pooled(x, pooling, "avg_pool", "max_pool")
    return finish(Model(img_input, x, name=name), weights)
