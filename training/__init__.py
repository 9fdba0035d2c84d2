"""edgelite.training: train small Keras-style models in NumPy, then hand them to the converter.

    from edgelite.training import Sequential, layers
    model = Sequential([layers.Input((8, 8, 1)), layers.Conv2D(16, 3, activation="relu"), ...])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=10)
    model.save("digits.npz"); model = load_model("digits.npz")

Module map: autodiff (Tensor, tape, grad) <- primitives (the one table of forward/backward rules) <- ops
(composites; conv_ops: 1-D and transposed convolutions, image_ops: resizing, also ops.image) <- activations,
losses, layers/, optimizers, model (Model, Sequential, graph form for the converter: see model.get_graph), trainer
(compile/fit/evaluate/predict), saving (.npz, or Keras 3's .keras via keras_archive / keras_config), weights_io
(save_weights / load_weights: .weights.h5 in Keras' layout, keras_layout), models (keras.models' names).
"""

from . import activations, callbacks, constraints, initializers, layers, losses, metrics, ops, optimizers, regularizers
from .autodiff import Tensor, Variable, grad, no_grad
from .layers import (GRU, LSTM, Activation, Add, AveragePooling2D, AvgPool2D, BatchNormalization, Bidirectional,
                     Concatenate, Conv2D, Dense, DepthwiseConv2D, Dropout, Embedding, Flatten,
                     GlobalAveragePooling2D, GlobalAvgPool2D, GlobalMaxPool2D, GlobalMaxPooling2D, Input,
                     InputLayer, Layer, MaxPool2D, MaxPooling2D, Multiply, ReLU, Reshape, SimpleRNN, Softmax,
                     Subtract)
from .keras_config import model_from_json
from .model import Graph, GraphNode, Model, Sequential
from .saving import load_model, save_model
from .serialization import register_serializable
from .callbacks import Callback, History
from .utils import set_random_seed
from . import models  # noqa: E402 - after the classes it re-exports

__all__ = [
    "Tensor", "Variable", "grad", "no_grad", "Model", "Sequential", "Graph", "GraphNode", "load_model",
    "save_model", "model_from_json", "models", "register_serializable", "Callback", "History", "set_random_seed", "activations",
    "initializers", "constraints", "regularizers", "layers", "losses", "metrics", "ops", "optimizers", "Layer", "Input", "InputLayer",
    "Dense", "Conv2D", "DepthwiseConv2D", "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D",
    "GlobalAveragePooling2D", "GlobalAvgPool2D", "GlobalMaxPooling2D", "GlobalMaxPool2D",
    "BatchNormalization", "Dropout", "Flatten", "Reshape", "Activation", "ReLU", "Softmax", "Add", "Subtract",
    "Multiply", "Concatenate", "SimpleRNN", "LSTM", "GRU", "Bidirectional", "Embedding",
    "callbacks",
]
