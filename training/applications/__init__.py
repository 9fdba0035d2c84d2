"""edgelite.training.applications: the image classifiers users start from, as keras.applications builds them
(same arguments, layer names and structure, so Keras' weight files load): MobileNetV2, MobileNetV3Small, ResNet50,
EfficientNetB0. weights=None gives fresh weights; a path loads a Keras weights file; 'imagenet' downloads are not
done here (the error says which file to pass)."""

from .efficientnet import EfficientNetB0
from .mobilenet_v2 import MobileNetV2
from .mobilenet_v3 import MobileNetV3Small
from .resnet import ResNet50

__all__ = ["MobileNetV2", "MobileNetV3Small", "ResNet50", "EfficientNetB0"]
