"""edgelite.training.callbacks: Keras 3's callbacks for fit, evaluate and predict."""

from .callback import Callback, CallbackList, History
from .early_stopping import EarlyStopping
from .learning_rate import LearningRateScheduler, ReduceLROnPlateau
from .loggers import CSVLogger, LambdaCallback, ProgbarLogger, TerminateOnNaN
from .model_checkpoint import ModelCheckpoint
from .monitor import MonitorCallback

__all__ = ["Callback", "CallbackList", "History", "EarlyStopping", "LearningRateScheduler", "ReduceLROnPlateau",
           "CSVLogger", "LambdaCallback", "ProgbarLogger", "TerminateOnNaN", "ModelCheckpoint", "MonitorCallback"]
