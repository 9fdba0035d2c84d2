"""MobileNetV3Small (Howard et al. 2019) with keras.applications.MobileNetV3Small's signature, layer names and
structure, so Keras' weight files for it load. One difference that holds no weights: Keras writes the hard
sigmoid of the squeeze-and-excite gate as ops around a ReLU(6) (x + 3, relu6, * 1/6); here it is one
Activation('hard_sigmoid') computing the same relu6(x + 3) / 6."""

from .. import layers
from ..model import Model
from .imagenet_utils import correct_pad, finish, image_input_for, make_divisible, pooled


def _relu(x):
    return layers.ReLU()(x)


def _hard_swish(x):
    return layers.Activation("hard_swish")(x)


def _batch_norm(name):
    return layers.BatchNormalization(axis=-1, epsilon=1e-3, momentum=0.999, name=name)


def _se_block(inputs, filters, se_ratio, prefix):
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(make_divisible(filters * se_ratio), 1, padding="same", name=f"{prefix}squeeze_excite_conv")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, 1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    x = layers.Activation("hard_sigmoid", name=f"{prefix}squeeze_excite_hard_sigmoid")(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation, block_id):
    shortcut = x
    prefix = "expanded_conv_"
    infilters = x.shape[-1]
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(make_divisible(infilters * expansion), 1, padding="same", use_bias=False,
                          name=f"{prefix}expand")(x)
        x = _batch_norm(f"{prefix}expand_bn")(x)
        x = activation(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=correct_pad(x, kernel_size), name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid",
                               use_bias=False, name=f"{prefix}depthwise")(x)
    x = _batch_norm(f"{prefix}depthwise_bn")(x)
    x = activation(x)
    if se_ratio:
        x = _se_block(x, make_divisible(infilters * expansion), se_ratio, prefix)
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _batch_norm(f"{prefix}project_bn")(x)
    if stride == 1 and infilters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def _small_stack(x, alpha, kernel, activation, se_ratio):
    def depth(d):
        return make_divisible(d * alpha)
    # (expansion, filters, kernel, stride, se_ratio, activation) of blocks 0..10
    blocks = [(1, depth(16), 3, 2, se_ratio, _relu), (72.0 / 16, depth(24), 3, 2, None, _relu),
              (88.0 / 24, depth(24), 3, 1, None, _relu)] + \
             [(e, depth(f), kernel, s, se_ratio, activation) for e, f, s in
              ((4, 40, 2), (6, 40, 1), (6, 40, 1), (3, 48, 1), (3, 48, 1), (6, 96, 2), (6, 96, 1), (6, 96, 1))]
    for block_id, args in enumerate(blocks):
        x = _inverted_res_block(x, *args, block_id)
    return x


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights=None,  # noqa: N802
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                     classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Small"):
    """keras.applications.MobileNetV3Small: `input_shape` (rows, cols, 3), at least 32x32 (default any size,
    (None, None, 3)), `alpha` the width multiplier, `minimalistic` (3x3 kernels, ReLU, no squeeze-and-excite),
    `include_top` the classifier (a 1x1-conv head: 1024 channels, Dropout `dropout_rate`, 'logits' conv to
    `classes`, Flatten, Activation `classifier_activation` named 'predictions'), otherwise `pooling` None / 'avg'
    / 'max'; `weights` None or the path of a Keras weights file for the same configuration;
    `include_preprocessing` rescales [0, 255] inputs to [-1, 1] inside the model (Keras' default). Raises
    ValueError for a bad shape, weights or pooling."""
    # Any size from 32x32 up (the head is convolutional), so no default size even with include_top.
    img_input = image_input_for("MobileNetV3Small", input_shape, input_tensor, weights, classes, pooling, None, 32,
                                False)
    kernel, activation, se_ratio = (3, _relu, None) if minimalistic else (5, _hard_swish, 0.25)
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, 3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = _batch_norm("conv_bn")(x)
    x = activation(x)
    x = _small_stack(x, alpha, kernel, activation, se_ratio)
    last_point_ch = make_divisible(1024 * alpha) if alpha > 1.0 else 1024
    x = layers.Conv2D(make_divisible(x.shape[-1] * 6), 1, padding="same", use_bias=False, name="conv_1")(x)
    x = _batch_norm("conv_1_bn")(x)
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, 1, padding="same", use_bias=True, name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, 1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        x = layers.Activation(classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling, "avg_pool", "max_pool")
    return finish(Model(img_input, x, name=name), weights)
