"""ResNet50 (He et al. 2015, the v1 bottleneck form) with keras.applications.ResNet50's signature, layer names
and structure, so Keras' weight files for it load."""

from .. import layers
from ..model import Model
from .imagenet_utils import finish, image_input_for, pooled


def _batch_norm(name):
    return layers.BatchNormalization(axis=3, epsilon=1.001e-5, name=name)


def _residual_block(x, filters, stride=1, conv_shortcut=True, name=None):
    """The v1 bottleneck: 1x1 (stride), 3x3, 1x1 to 4*filters, plus the (projected) shortcut, then ReLU."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _batch_norm(f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = _batch_norm(f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = _batch_norm(f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = _batch_norm(f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def _stack(x, filters, blocks, stride1=2, name=None):
    x = _residual_block(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = _residual_block(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def ResNet50(include_top=True, weights=None, input_tensor=None, input_shape=None, pooling=None,  # noqa: N802
             classes=1000, classifier_activation="softmax", name="resnet50"):
    """keras.applications.ResNet50: `input_shape` (rows, cols, 3), at least 32x32 (default (224, 224, 3)),
    `include_top` the classifier (global average pooling 'avg_pool' + Dense `classes` 'predictions' with
    `classifier_activation`), otherwise `pooling` None / 'avg' / 'max'; `weights` None or the path of a Keras
    weights file for the same configuration. Inputs are expected as Keras' resnet50.preprocess_input makes them
    (BGR, ImageNet means subtracted). Raises ValueError for a bad shape, weights or pooling."""
    img_input = image_input_for("ResNet50", input_shape, input_tensor, weights, classes, pooling, 224, 32,
                                include_top)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    x = _batch_norm("conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = _stack(x, 64, 3, stride1=1, name="conv2")
    x = _stack(x, 128, 4, name="conv3")
    x = _stack(x, 256, 6, name="conv4")
    x = _stack(x, 512, 3, name="conv5")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling, "avg_pool", "max_pool")
    return finish(Model(img_input, x, name=name), weights)
