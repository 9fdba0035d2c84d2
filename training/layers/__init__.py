"""Keras-style layers, NHWC layout and Keras kernel shapes. One family of layers per file."""

from .activation import Activation, ReLU, Softmax
from .advanced_activations import ELU, LeakyReLU, PReLU
from .batch_normalization import BatchNormalization
from .bidirectional import Bidirectional
from .conv1d import Conv1D
from .conv2d import Conv2D
from .conv2d_transpose import Conv2DTranspose, Convolution2DTranspose
from .dense import Dense
from .depthwise_conv2d import DepthwiseConv2D
from .dropout import Dropout
from .embedding import Embedding
from .gru import GRU
from .input_layer import Input, InputLayer
from .layer_normalization import LayerNormalization
from .lambda_layer import Lambda
from .layer import Layer, LayerNode, SymbolicTensor
from .lstm import LSTM
from .multi_head_attention import MultiHeadAttention
from .merging import Add, Concatenate, Multiply, Subtract
from .padding_cropping import Cropping1D, Cropping2D, ZeroPadding1D, ZeroPadding2D
from .pooling import (AveragePooling2D, AvgPool2D, GlobalAveragePooling2D, GlobalAvgPool2D, GlobalMaxPool2D,
                      GlobalMaxPooling2D, MaxPool2D, MaxPooling2D)
from .pooling1d import (AveragePooling1D, AvgPool1D, GlobalAveragePooling1D, GlobalAvgPool1D, GlobalMaxPool1D,
                        GlobalMaxPooling1D, MaxPool1D, MaxPooling1D)
from .preprocessing import Normalization, Rescaling
from .recurrent import Recurrent
from .reshaping import Flatten, Permute, RepeatVector, Reshape
from .resizing import Resizing, UpSampling1D, UpSampling2D
from .separable_conv2d import SeparableConv2D, SeparableConvolution2D
from .simple_rnn import SimpleRNN

# Class name -> class, used by load_model to rebuild layers from their config.
BUILTIN_LAYERS = {cls.__name__: cls for cls in (
    Activation, ReLU, Softmax, BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Dropout, InputLayer, Add,
    Concatenate, Multiply, Subtract, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D,
    MaxPooling2D, Flatten, Reshape, SimpleRNN, LSTM, GRU, Bidirectional, Embedding,
    ZeroPadding2D, Cropping2D, Rescaling, Normalization, Conv1D, SeparableConv2D, Conv2DTranspose, LeakyReLU,
    PReLU, ELU, LayerNormalization, MaxPooling1D, AveragePooling1D, GlobalAveragePooling1D, GlobalMaxPooling1D,
    UpSampling2D, Resizing, MultiHeadAttention, Lambda, ZeroPadding1D, Cropping1D, UpSampling1D, Permute,
    RepeatVector)}

__all__ = ["Layer", "Input", "InputLayer", "SymbolicTensor", "LayerNode", "Dense", "Conv2D", "DepthwiseConv2D",
           "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D", "GlobalAveragePooling2D",
           "GlobalAvgPool2D", "GlobalMaxPooling2D", "GlobalMaxPool2D", "BatchNormalization", "Dropout",
           "Flatten", "Reshape", "Activation", "ReLU", "Softmax", "Add", "Subtract", "Multiply", "Concatenate",
           "Recurrent", "SimpleRNN", "LSTM", "GRU", "Bidirectional", "Embedding",
           "ZeroPadding2D", "Cropping2D", "Rescaling", "Normalization", "Conv1D", "SeparableConv2D",
           "SeparableConvolution2D", "Conv2DTranspose", "Convolution2DTranspose", "LeakyReLU", "PReLU", "ELU",
           "LayerNormalization", "MaxPooling1D", "MaxPool1D", "AveragePooling1D", "AvgPool1D",
           "GlobalAveragePooling1D", "GlobalAvgPool1D", "GlobalMaxPooling1D", "GlobalMaxPool1D", "UpSampling2D",
           "Resizing", "MultiHeadAttention", "Lambda", "ZeroPadding1D", "Cropping1D", "UpSampling1D", "Permute",
           "RepeatVector"]
