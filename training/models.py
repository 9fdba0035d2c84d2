"""keras.models' names: the model classes, saving and loading, and architectures from JSON."""

from .keras_config import model_from_json
from .model import Model, Sequential
from .saving import load_model, save_model

__all__ = ["Model", "Sequential", "load_model", "save_model", "model_from_json"]
