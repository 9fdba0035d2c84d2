"""The cases behind golden/keras3_training.npz, shared by scripts/make_training_golden.py (run under Keras 3) and
the tests (run under edgelite): every input is made here from fixed seeds, NumPy only."""

import numpy as np

_SCHEDULE = {"class_name": "ExponentialDecay",
             "config": {"initial_learning_rate": 0.05, "decay_steps": 2, "decay_rate": 0.5}}

# name -> optimizer class and constructor arguments (both libraries take the same ones).
OPTIMIZER_CASES = {
    "sgd": {"class_name": "SGD", "config": {"learning_rate": 0.1}},
    "sgd_momentum": {"class_name": "SGD", "config": {"learning_rate": 0.1, "momentum": 0.9}},
    "sgd_nesterov": {"class_name": "SGD", "config": {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}},
    "adagrad": {"class_name": "Adagrad", "config": {"learning_rate": 0.1}},
    "adadelta": {"class_name": "Adadelta", "config": {"learning_rate": 1.0}},
    "rmsprop": {"class_name": "RMSprop", "config": {"learning_rate": 0.01}},
    "rmsprop_centered_momentum": {"class_name": "RMSprop",
                                  "config": {"learning_rate": 0.01, "momentum": 0.5, "centered": True}},
    "adam": {"class_name": "Adam", "config": {"learning_rate": 0.01}},
    "adam_amsgrad": {"class_name": "Adam", "config": {"learning_rate": 0.01, "amsgrad": True}},
    "adamw": {"class_name": "AdamW", "config": {"learning_rate": 0.01}},
    "adamw_decay_schedule": {"class_name": "AdamW", "config": {"learning_rate": _SCHEDULE, "weight_decay": 0.1}},
    "adamax": {"class_name": "Adamax", "config": {"learning_rate": 0.01}},
    "nadam": {"class_name": "Nadam", "config": {"learning_rate": 0.01}},
    "lion": {"class_name": "Lion", "config": {"learning_rate": 0.01}},
    "lion_betas": {"class_name": "Lion", "config": {"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.9}},
    "adam_clipnorm": {"class_name": "Adam", "config": {"learning_rate": 0.01, "clipnorm": 0.5}},
    "sgd_clipvalue": {"class_name": "SGD", "config": {"learning_rate": 0.1, "clipvalue": 0.3}},
    "nadam_global_clipnorm": {"class_name": "Nadam", "config": {"learning_rate": 0.01, "global_clipnorm": 1.0}},
    "sgd_weight_decay_clipnorm": {"class_name": "SGD",
                                  "config": {"learning_rate": 0.1, "weight_decay": 0.05, "clipnorm": 0.5}},
    "lion_weight_decay": {"class_name": "Lion", "config": {"learning_rate": 0.01, "weight_decay": 0.5}},
    "rmsprop_schedule": {"class_name": "RMSprop", "config": {"learning_rate": _SCHEDULE}},
    "adam_ema": {"class_name": "Adam", "config": {"learning_rate": 0.01, "use_ema": True, "ema_momentum": 0.5}},
    "sgd_ema_overwrite": {"class_name": "SGD", "config": {"learning_rate": 0.1, "momentum": 0.5, "use_ema": True,
                                                          "ema_momentum": 0.8, "ema_overwrite_frequency": 2}},
    "adam_accumulate": {"class_name": "Adam", "config": {"learning_rate": 0.01, "gradient_accumulation_steps": 2}},
    "nadam_accumulate_clip": {"class_name": "Nadam", "config": {"learning_rate": 0.01, "clipnorm": 0.5,
                                                                "gradient_accumulation_steps": 2}},
    "sgd_accumulate_schedule_ema": {"class_name": "SGD",
                                    "config": {"learning_rate": _SCHEDULE, "gradient_accumulation_steps": 2,
                                               "use_ema": True, "ema_momentum": 0.7, "weight_decay": 0.1}},
}
OPTIMIZER_STEPS = 5


def optimizer_inputs():
    """{'initial': [two float32 arrays], 'gradients': one pair of gradient arrays per step}."""
    rng = np.random.default_rng(0)
    shapes = [(3, 4), (5,)]
    initial = [rng.normal(size=s).astype(np.float32) for s in shapes]
    gradients = [[rng.normal(scale=1.5, size=s).astype(np.float32) for s in shapes] for _ in range(OPTIMIZER_STEPS)]
    return {"initial": initial, "gradients": gradients}


SCHEDULE_STEPS = [0, 1, 3, 5, 10, 17, 50, 100, 250, 1000]
SCHEDULE_CASES = {
    "exponential": {"class_name": "ExponentialDecay",
                    "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9}},
    "exponential_staircase": {"class_name": "ExponentialDecay",
                              "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9,
                                         "staircase": True}},
    "piecewise": {"class_name": "PiecewiseConstantDecay",
                  "config": {"boundaries": [5, 50], "values": [1.0, 0.5, 0.1]}},
    "cosine": {"class_name": "CosineDecay",
               "config": {"initial_learning_rate": 0.1, "decay_steps": 100, "alpha": 0.1}},
    "cosine_warmup": {"class_name": "CosineDecay",
                      "config": {"initial_learning_rate": 0.0, "decay_steps": 200, "warmup_target": 0.1,
                                 "warmup_steps": 10}},
    "cosine_restarts": {"class_name": "CosineDecayRestarts",
                        "config": {"initial_learning_rate": 0.1, "first_decay_steps": 20, "t_mul": 2.0,
                                   "m_mul": 0.8, "alpha": 0.05}},
    "cosine_restarts_t1": {"class_name": "CosineDecayRestarts",
                           "config": {"initial_learning_rate": 0.1, "first_decay_steps": 20, "t_mul": 1.0}},
    "inverse_time": {"class_name": "InverseTimeDecay",
                     "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}},
    "inverse_time_staircase": {"class_name": "InverseTimeDecay",
                               "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5,
                                          "staircase": True}},
    "polynomial": {"class_name": "PolynomialDecay",
                   "config": {"initial_learning_rate": 0.1, "decay_steps": 100, "end_learning_rate": 0.01,
                              "power": 2.0}},
    "polynomial_cycle": {"class_name": "PolynomialDecay",
                         "config": {"initial_learning_rate": 0.1, "decay_steps": 30, "end_learning_rate": 0.01,
                                    "power": 0.5, "cycle": True}},
}

# name -> (loss class, constructor arguments, input kind)
LOSS_CASES = {
    "mse": ("MeanSquaredError", {}, "regression"),
    "mae": ("MeanAbsoluteError", {}, "regression"),
    "huber": ("Huber", {}, "regression"),
    "huber_delta": ("Huber", {"delta": 0.3}, "regression"),
    "log_cosh": ("LogCosh", {}, "regression"),
    "mape": ("MeanAbsolutePercentageError", {}, "regression"),
    "msle": ("MeanSquaredLogarithmicError", {}, "positive"),
    "poisson": ("Poisson", {}, "positive"),
    "kl_divergence": ("KLDivergence", {}, "probabilities"),
    "cosine_similarity": ("CosineSimilarity", {}, "regression"),
    "hinge": ("Hinge", {}, "binary"),
    "squared_hinge": ("SquaredHinge", {}, "binary"),
    "categorical_hinge": ("CategoricalHinge", {}, "probabilities"),
    "binary_crossentropy": ("BinaryCrossentropy", {}, "binary"),
    "categorical_crossentropy": ("CategoricalCrossentropy", {"label_smoothing": 0.1}, "probabilities"),
}


def loss_inputs(kind):
    """(y_true, y_pred, sample_weight) float32 arrays of 6 samples for an input kind."""
    rng = np.random.default_rng(1)
    weights = rng.uniform(0.0, 2.0, size=6).astype(np.float32)
    if kind == "regression":
        return (rng.normal(size=(6, 4)).astype(np.float32), rng.normal(size=(6, 4)).astype(np.float32) * 2,
                weights)
    if kind == "positive":
        return (rng.uniform(0, 3, size=(6, 4)).astype(np.float32), rng.uniform(0.1, 3, size=(6, 4)).astype(np.float32),
                weights)
    if kind == "binary":
        return (rng.integers(0, 2, size=(6, 3)).astype(np.float32),
                rng.uniform(0.01, 0.99, size=(6, 3)).astype(np.float32), weights)
    labels = rng.integers(0, 4, size=6)
    logits = rng.normal(size=(6, 4))
    probs = (np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)).astype(np.float32)
    return np.eye(4, dtype=np.float32)[labels], probs, weights


# name -> (metric class, constructor arguments, input kind, weighted)
METRIC_CASES = {
    "accuracy": ("Accuracy", {}, "labels_equal", False),
    "binary_accuracy": ("BinaryAccuracy", {}, "binary", True),
    "binary_accuracy_threshold": ("BinaryAccuracy", {"threshold": 0.7}, "binary", False),
    "categorical_accuracy": ("CategoricalAccuracy", {}, "one_hot", True),
    "sparse_categorical_accuracy": ("SparseCategoricalAccuracy", {}, "sparse", True),
    "top_k": ("TopKCategoricalAccuracy", {"k": 2}, "one_hot", True),
    "sparse_top_k": ("SparseTopKCategoricalAccuracy", {"k": 3}, "sparse", False),
    "auc_roc": ("AUC", {}, "binary", False),
    "auc_roc_weighted": ("AUC", {"num_thresholds": 50}, "binary", True),
    "auc_pr": ("AUC", {"curve": "PR"}, "binary", False),
    "auc_pr_minoring": ("AUC", {"curve": "PR", "summation_method": "minoring", "num_thresholds": 20}, "binary", True),
    "auc_roc_majoring": ("AUC", {"summation_method": "majoring", "num_thresholds": 10}, "binary", False),
    "precision": ("Precision", {}, "binary", True),
    "precision_thresholds": ("Precision", {"thresholds": [0.2, 0.5, 0.8]}, "binary", False),
    "precision_top_k": ("Precision", {"top_k": 2}, "multilabel", False),
    "precision_class_id": ("Precision", {"class_id": 1}, "multilabel", True),
    "recall": ("Recall", {}, "binary", True),
    "recall_top_k_class": ("Recall", {"top_k": 2, "class_id": 2}, "multilabel", False),
    "mse": ("MeanSquaredError", {}, "regression", True),
    "mae": ("MeanAbsoluteError", {}, "regression", False),
    "rmse": ("RootMeanSquaredError", {}, "regression", True),
    "mape": ("MeanAbsolutePercentageError", {}, "regression", False),
    "msle": ("MeanSquaredLogarithmicError", {}, "positive", True),
    "logcosh": ("LogCoshError", {}, "regression", False),
    "cosine": ("CosineSimilarity", {}, "regression", True),
    "kld": ("KLDivergence", {}, "one_hot", False),
    "poisson": ("Poisson", {}, "positive", False),
    "hinge": ("Hinge", {}, "binary", False),
    "squared_hinge": ("SquaredHinge", {}, "binary", True),
    "categorical_hinge": ("CategoricalHinge", {}, "one_hot", False),
    "bce": ("BinaryCrossentropy", {}, "binary", True),
    "cce": ("CategoricalCrossentropy", {}, "one_hot", False),
    "scce": ("SparseCategoricalCrossentropy", {}, "sparse", True),
    "f1_per_class": ("F1Score", {}, "one_hot", False),
    "f1_macro_threshold": ("F1Score", {"average": "macro", "threshold": 0.3}, "multilabel", True),
    "f1_micro": ("F1Score", {"average": "micro"}, "one_hot", True),
    "fbeta_weighted": ("FBetaScore", {"average": "weighted", "beta": 2.0, "threshold": 0.5}, "multilabel", True),
    "r2": ("R2Score", {}, "regression", False),
    "r2_weighted_variance": ("R2Score", {"class_aggregation": "variance_weighted_average"}, "regression", True),
    "r2_per_column_adjusted": ("R2Score", {"class_aggregation": None, "num_regressors": 2}, "regression", True),
}


def metric_inputs(kind):
    """Two batches of (y_true, y_pred, sample_weight), 8 and 5 samples, for an input kind."""
    rng = np.random.default_rng(2)
    batches = []
    for n in (8, 5):
        weights = rng.uniform(0.0, 2.0, size=n).astype(np.float32)
        if kind in ("one_hot", "sparse"):
            labels = rng.integers(0, 5, size=n)
            logits = rng.normal(size=(n, 5))
            probs = (np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)).astype(np.float32)
            y = labels.astype(np.float32) if kind == "sparse" else np.eye(5, dtype=np.float32)[labels]
            batches.append((y, probs, weights))
        elif kind == "binary":
            batches.append((rng.integers(0, 2, size=(n, 1)).astype(np.float32),
                            rng.uniform(0, 1, size=(n, 1)).astype(np.float32), weights))
        elif kind == "multilabel":
            batches.append((rng.integers(0, 2, size=(n, 4)).astype(np.float32),
                            rng.uniform(0, 1, size=(n, 4)).astype(np.float32), weights))
        elif kind == "labels_equal":
            batches.append((rng.integers(0, 3, size=(n, 1)).astype(np.float32),
                            rng.integers(0, 3, size=(n, 1)).astype(np.float32), weights))
        elif kind == "positive":
            batches.append((rng.uniform(0, 3, size=(n, 3)).astype(np.float32),
                            rng.uniform(0.1, 3, size=(n, 3)).astype(np.float32), weights))
        else:
            batches.append((rng.normal(size=(n, 3)).astype(np.float32), rng.normal(size=(n, 3)).astype(np.float32),
                            weights))
    return batches


# Monitor-driven callbacks on a fixed series of epoch logs: which epochs run, the learning rate after each.
_PLATEAU = [1.0, 0.9, 0.9, 0.95, 0.89, 0.9, 0.9, 0.91, 0.92, 0.5, 0.5, 0.5, 0.5, 0.5]
CALLBACK_CASES = {
    "early_patience": ("EarlyStopping", {"patience": 2}, _PLATEAU),
    "early_min_delta": ("EarlyStopping", {"patience": 1, "min_delta": 0.05}, _PLATEAU),
    "early_baseline": ("EarlyStopping", {"patience": 2, "baseline": 0.8}, _PLATEAU),
    "early_start": ("EarlyStopping", {"patience": 1, "start_from_epoch": 4}, _PLATEAU),
    "early_max": ("EarlyStopping", {"patience": 2, "mode": "max"}, [0.1, 0.3, 0.2, 0.25, 0.3, 0.29, 0.1]),
    "plateau": ("ReduceLROnPlateau", {"factor": 0.5, "patience": 1}, _PLATEAU),
    "plateau_cooldown": ("ReduceLROnPlateau", {"factor": 0.5, "patience": 1, "cooldown": 2, "min_lr": 0.02},
                         _PLATEAU),
    "plateau_min_delta": ("ReduceLROnPlateau", {"factor": 0.2, "patience": 2, "min_delta": 0.05}, _PLATEAU),
}
CALLBACK_START_LR = 0.1


def drive_callback(model, callback, values):
    """Runs `callback`'s epoch hooks over the monitored values (as logs {'val_loss': v}), stopping when it sets
    model.stop_training; returns (epochs run, learning rate after each). Works for Keras and edgelite alike."""
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin()
    ran, rates = [], []
    for epoch, value in enumerate(values):
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, {"val_loss": value})
        ran.append(epoch)
        rates.append(float(model.optimizer.learning_rate))
        if model.stop_training:
            break
    callback.on_train_end()
    return ran, rates


# fit with SGD from fixed weights, unshuffled: checks how sample and class weights enter the loss and the logs.
FIT_CASES = {
    "regression_sample_weight": {"units": 2, "activation": None, "loss": "mse", "lr": 0.05, "batch_size": 4,
                                 "epochs": 3, "metrics": ["mae"], "weighted_metrics": ["mae"],
                                 "sample_weight": True, "targets": "regression"},
    "classes_class_weight": {"units": 3, "activation": "softmax", "loss": "sparse_categorical_crossentropy",
                             "lr": 0.2, "batch_size": 5, "epochs": 2, "metrics": ["accuracy"],
                             "weighted_metrics": ["accuracy"], "class_weight": {0: 0.5, 1: 2.0, 2: 1.0},
                             "targets": "sparse"},
}


def fit_data(case):
    """{'x', 'y', 'kernel', 'bias'[, 'sample_weight']} for a FIT_CASES entry (14 samples, 3 features)."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(14, 3)).astype(np.float32)
    units = case["units"]
    data = {"x": x, "kernel": rng.normal(scale=0.5, size=(3, units)).astype(np.float32),
            "bias": rng.normal(scale=0.1, size=units).astype(np.float32)}
    if case["targets"] == "regression":
        data["y"] = rng.normal(size=(14, units)).astype(np.float32)
    else:
        data["y"] = rng.integers(0, units, size=14)
    if case.get("sample_weight"):
        data["sample_weight"] = rng.uniform(0.0, 3.0, size=14).astype(np.float32)
    return data
