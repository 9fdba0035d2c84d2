"""Keras-style layers, NHWC layout and Keras kernel shapes. One family of layers per file."""

from .activation import Activation, ReLU, Softmax
from .batch_normalization import BatchNormalization
from .bidirectional import Bidirectional
from .conv2d import Conv2D
from .dense import Dense
from .depthwise_conv2d import DepthwiseConv2D
from .dropout import Dropout
from .embedding import Embedding
from .gru import GRU
from .input_layer import Input, InputLayer
from .layer import Layer, LayerNode, SymbolicTensor
from .lstm import LSTM
from .merging import Add, Concatenate, Multiply, Subtract
from .padding_cropping import Cropping2D, ZeroPadding2D
from .pooling import (AveragePooling2D, AvgPool2D, GlobalAveragePooling2D, GlobalAvgPool2D, GlobalMaxPool2D,
                      GlobalMaxPooling2D, MaxPool2D, MaxPooling2D)
from .preprocessing import Normalization, Rescaling
from .recurrent import Recurrent
from .reshaping import Flatten, Reshape
from .simple_rnn import SimpleRNN

# Class name -> class, used by load_model to rebuild layers from their config.
BUILTIN_LAYERS = {cls.__name__: cls for cls in (
    Activation, ReLU, Softmax, BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Dropout, InputLayer, Add,
    Concatenate, Multiply, Subtract, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D,
    MaxPooling2D, Flatten, Reshape, SimpleRNN, LSTM, GRU, Bidirectional, Embedding,
    ZeroPadding2D, Cropping2D, Rescaling, Normalization)}

__all__ = ["Layer", "Input", "InputLayer", "SymbolicTensor", "LayerNode", "Dense", "Conv2D", "DepthwiseConv2D",
           "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D", "GlobalAveragePooling2D",
           "GlobalAvgPool2D", "GlobalMaxPooling2D", "GlobalMaxPool2D", "BatchNormalization", "Dropout",
           "Flatten", "Reshape", "Activation", "ReLU", "Softmax", "Add", "Subtract", "Multiply", "Concatenate",
           "Recurrent", "SimpleRNN", "LSTM", "GRU", "Bidirectional", "Embedding",
           "ZeroPadding2D", "Cropping2D", "Rescaling", "Normalization"]
