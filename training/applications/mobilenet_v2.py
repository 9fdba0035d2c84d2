"""MobileNetV2 (Sandler et al. 2018) with keras.applications.MobileNetV2's signature, layer names and structure,
so Keras' weight files for it load (by path in .weights.h5, by layer name in Keras 2 .h5 files)."""

from .. import layers
from ..model import Model
from .imagenet_utils import correct_pad, finish, image_input_for, make_divisible, pooled

# (filters, stride, expansion) of the 17 inverted residual blocks, block_id 0..16.
_BLOCKS = [(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6),
           (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6),
           (320, 1, 6)]


def _batch_norm(name):
    return layers.BatchNormalization(axis=-1, epsilon=1e-3, momentum=0.999, name=name)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    in_channels = inputs.shape[-1]
    pointwise_filters = make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, 1, padding="same", use_bias=False, name=f"{prefix}expand")(x)
        x = _batch_norm(f"{prefix}expand_BN")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(3, strides=stride, use_bias=False, padding="same" if stride == 1 else "valid",
                               name=f"{prefix}depthwise")(x)
    x = _batch_norm(f"{prefix}depthwise_BN")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, 1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _batch_norm(f"{prefix}project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights=None, input_tensor=None,  # noqa: N802
                pooling=None, classes=1000, classifier_activation="softmax", name=None):
    """keras.applications.MobileNetV2: `input_shape` (rows, cols, 3), at least 32x32 (default (224, 224, 3)),
    `alpha` the width multiplier, `include_top` the classifier (global average pooling + Dense `classes` named
    'predictions' with `classifier_activation`), otherwise `pooling` None / 'avg' / 'max'; `weights` None or the
    path of a Keras weights file for the same configuration (.weights.h5, or the .h5 keras.applications
    downloads); `name` defaults to Keras' 'mobilenetv2_<alpha>_<rows>'. Inputs are expected in [-1, 1] (Keras'
    mobilenet_v2.preprocess_input). Raises ValueError for a bad shape, weights or pooling."""
    if input_shape is None and input_tensor is not None:
        input_shape = tuple(input_tensor.shape[1:])
    # Keras' default size is the given one when it is square and one of the sizes it has weights for.
    rows = None if input_shape is None else input_shape[0]
    default_size = rows if rows in (96, 128, 160, 192, 224) and input_shape[1] == rows else 224
    img_input = image_input_for("MobileNetV2", input_shape, input_tensor, weights, classes, pooling, default_size,
                                32, include_top)
    x = layers.Conv2D(make_divisible(32 * alpha, 8), 3, strides=(2, 2), padding="same", use_bias=False,
                      name="Conv1")(img_input)
    x = _batch_norm("bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, expansion, stride, alpha, filters, block_id)
    last_block_filters = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_block_filters, 1, use_bias=False, name="Conv_1")(x)
    x = _batch_norm("Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling)
    model = Model(img_input, x, name=name or f"mobilenetv2_{alpha:0.2f}_{img_input.shape[1]}")
    return finish(model, weights)
