"""The losses and metrics beyond the Keras 3 golden numbers: gradients by finite differences, stability, string
aliases, names in History, weighting, and errors."""

import numpy as np
import pytest

import edgelite.training as et
from edgelite.training import Tensor, layers, losses, metrics


def _regression(rng, shape=(4, 3)):
    return rng.normal(size=shape), rng.normal(size=shape) * 2


@pytest.mark.parametrize("name", ["huber", "log_cosh", "mean_absolute_percentage_error", "cosine_similarity",
                                  "mean_squared_error"])
def test_regression_loss_gradients_match_finite_differences(name, gradcheck, rng):
    y_true, y_pred = _regression(rng)
    fn = losses.FUNCTIONS[name]
    gradcheck.function(lambda p: fn(y_true, p), [y_pred])


@pytest.mark.parametrize("name", ["kl_divergence", "poisson", "categorical_hinge", "mean_squared_logarithmic_error"])
def test_positive_loss_gradients_match_finite_differences(name, gradcheck, rng):
    y_true = rng.uniform(0.1, 1.0, size=(4, 3))
    y_pred = rng.uniform(0.2, 0.9, size=(4, 3))
    gradcheck.function(lambda p: losses.FUNCTIONS[name](y_true, p), [y_pred])


@pytest.mark.parametrize("name", ["hinge", "squared_hinge"])
def test_hinge_gradients_and_label_conversion(name, gradcheck, rng):
    y_true = rng.integers(0, 2, size=(4, 3)).astype(np.float64)
    y_pred = rng.normal(size=(4, 3)) * 0.4
    gradcheck.function(lambda p: losses.FUNCTIONS[name](y_true, p), [y_pred])
    # 0/1 labels mean the same as -1/+1 labels.
    np.testing.assert_allclose(losses.FUNCTIONS[name](y_true, Tensor(y_pred)).data,
                               losses.FUNCTIONS[name](2 * y_true - 1, Tensor(y_pred)).data)


def test_huber_and_log_cosh_values_and_stability():
    error = np.array([[0.5, 3.0]])
    huber = losses.Huber(delta=1.0)(np.zeros((1, 2)), Tensor(error)).data
    assert huber == pytest.approx((0.5 * 0.25 + (3.0 - 0.5)) / 2)
    big = losses.log_cosh(np.zeros((1, 1)), Tensor(np.array([[1000.0]]))).data
    assert np.isfinite(big).all() and big[0] == pytest.approx(1000.0 - np.log(2.0))


def test_loss_aliases_names_and_config():
    for alias, cls in (("huber", losses.Huber), ("huber_loss", losses.Huber), ("logcosh", losses.LogCosh),
                       ("kld", losses.KLDivergence), ("kl_divergence", losses.KLDivergence),
                       ("poisson", losses.Poisson), ("hinge", losses.Hinge), ("squared_hinge", losses.SquaredHinge),
                       ("categorical_hinge", losses.CategoricalHinge), ("mape", losses.MeanAbsolutePercentageError),
                       ("msle", losses.MeanSquaredLogarithmicError), ("cosine_similarity", losses.CosineSimilarity),
                       ("Huber", losses.Huber)):
        assert isinstance(losses.get(alias), cls), alias
    loss = losses.Huber(0.5, reduction="sum", name="robust")
    clone = losses.get(losses.serialize(loss))
    assert (clone.name, clone.reduction, clone.options) == ("robust", "sum", {"delta": 0.5})
    with pytest.raises(ValueError, match="reduction"):
        losses.Huber(reduction="average")
    with pytest.raises(TypeError, match="unexpected"):
        losses.Huber(delt=1.0)


def test_crossentropy_alias_picks_the_form_by_shape():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(3), size=4)
    labels = rng.integers(0, 3, size=4)
    ce = losses.get("ce")
    assert ce.name == "ce"
    assert float(ce(labels, Tensor(probs)).data) == pytest.approx(
        float(losses.SparseCategoricalCrossentropy()(labels, Tensor(probs)).data))
    assert float(ce(np.eye(3)[labels], Tensor(probs)).data) == pytest.approx(
        float(losses.CategoricalCrossentropy()(np.eye(3)[labels], Tensor(probs)).data))
    p = probs[:, :1]
    assert float(losses.get("crossentropy")(labels % 2, Tensor(p)).data) == pytest.approx(
        float(losses.BinaryCrossentropy()(labels % 2, Tensor(p)).data))


def test_mean_with_sample_weight_and_zero_weights():
    y_true, y_pred = np.zeros((3, 1)), Tensor(np.array([[1.0], [2.0], [3.0]]))
    w = np.array([1.0, 0.0, 1.0])
    assert losses.MeanSquaredError(reduction="mean_with_sample_weight")(y_true, y_pred, w).data == pytest.approx(5.0)
    assert losses.MeanSquaredError()(y_true, y_pred, w).data == pytest.approx(10.0 / 3)
    assert losses.MeanSquaredError(reduction="mean_with_sample_weight")(y_true, y_pred, np.zeros(3)).data == 0.0


def test_metric_classes_update_result_reset_and_call():
    mean = metrics.Mean()
    mean.update_state([1.0, 2.0, 3.0], sample_weight=[1.0, 0.0, 1.0])
    assert mean.result() == pytest.approx(2.0)
    total = metrics.Sum()
    assert total([1.0, 2.0]) == 3.0 and total([4.0]) == 7.0
    total.reset_state()
    assert total.result() == 0.0
    wrapper = metrics.MeanMetricWrapper(lambda t, p: np.abs(t - p), name="gap", direction="down")
    wrapper.update_state(np.array([[1.0], [2.0]]), np.array([[1.5], [2.0]]))
    assert wrapper.result() == pytest.approx(0.25) and wrapper.direction == "down"


def test_precision_recall_top_k_and_class_id_by_hand():
    y_true = np.array([[1, 0, 1], [0, 1, 0]])
    y_pred = np.array([[0.9, 0.8, 0.3], [0.2, 0.6, 0.7]])
    # top_k=1 keeps 0.9 and 0.7: one true positive, one false positive.
    assert metrics.Precision(top_k=1)(y_true, y_pred) == pytest.approx(0.5)
    assert metrics.Recall(top_k=1)(y_true, y_pred) == pytest.approx(1 / 3)
    assert metrics.Recall(class_id=1)(y_true, y_pred) == pytest.approx(1.0)
    np.testing.assert_allclose(metrics.Precision(thresholds=[0.25, 0.75])(y_true, y_pred), [3 / 5, 1 / 2])


def test_auc_perfect_random_and_errors():
    y_true = np.array([0, 0, 1, 1])
    assert metrics.AUC()(y_true, np.array([0.1, 0.2, 0.8, 0.9])) == pytest.approx(1.0, abs=1e-6)
    assert metrics.AUC()(y_true, np.array([0.5, 0.5, 0.5, 0.5])) == pytest.approx(0.5, abs=1e-6)
    assert metrics.AUC(from_logits=True)(y_true, np.array([-3.0, -1.0, 2.0, 5.0])) == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        metrics.AUC().update_state(y_true, np.array([2.0, 0, 0, 0]))
    with pytest.raises(NotImplementedError, match="multi_label"):
        metrics.AUC(multi_label=True)
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="DET")


def test_metric_aliases_resolve_to_their_classes():
    expected = {"auc": metrics.AUC, "precision": metrics.Precision, "recall": metrics.Recall,
                "mse": metrics.MeanSquaredError, "mae": metrics.MeanAbsoluteError,
                "rmse": metrics.RootMeanSquaredError, "mape": metrics.MeanAbsolutePercentageError,
                "top_k_categorical_accuracy": metrics.TopKCategoricalAccuracy,
                "sparse_top_k_categorical_accuracy": metrics.SparseTopKCategoricalAccuracy,
                "binary_accuracy": metrics.BinaryAccuracy, "AUC": metrics.AUC, "kld": metrics.KLDivergence,
                "TruePositives": metrics.TruePositives}
    for alias, cls in expected.items():
        metric = metrics.get(alias)
        assert isinstance(metric, cls) and metric.name == alias, alias
    clone = metrics.get(metrics.serialize(metrics.AUC(num_thresholds=7, curve="PR", name="pr")))
    assert (clone.num_thresholds, clone.curve, clone.name) == (7, "PR", "pr")
    with pytest.raises(ValueError, match="unknown metric"):
        metrics.get("accuracyy")
    # Loss functions are metrics too, as in Keras; a plain function becomes a MeanMetricWrapper.
    huber = metrics.get("huber")
    assert huber.name == "huber" and huber.direction == "down"
    assert huber(np.zeros((2, 1)), np.array([[0.5], [2.0]])) == pytest.approx((0.125 + 1.5) / 2)
    gap = metrics.get(lambda t, p: np.abs(t - p).mean(-1))
    assert gap(np.zeros((2, 2)), np.ones((2, 2))) == pytest.approx(1.0)


def test_compiled_metrics_show_in_history_with_keras_names():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    et.set_random_seed(0)
    model = et.Sequential([et.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy",
                  metrics=["accuracy", "auc", "precision", "recall", metrics.MeanSquaredError(), "mse",
                           metrics.MeanSquaredError()],
                  weighted_metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, validation_split=0.25, verbose=0)
    names = ["loss", "accuracy", "auc", "precision", "recall", "mean_squared_error", "mse", "mean_squared_error_1",
             "weighted_accuracy"]
    assert list(history.history) == names + [f"val_{n}" for n in names]
    # Without sample weights the weighted metric equals the plain one.
    assert history.history["weighted_accuracy"] == pytest.approx(history.history["accuracy"])
    # The metrics of the last epoch are those of the training data seen in it, not of a fresh pass.
    auc = metrics.AUC()
    auc.update_state(y[30:], model.predict(x[30:], verbose=0))
    assert history.history["val_auc"][-1] == pytest.approx(auc.result(), abs=1e-6)


def test_top_k_metrics_in_compile_with_sparse_labels():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 4)).astype(np.float32)
    labels = rng.integers(0, 5, size=20)
    model = et.Sequential([et.Input((4,)), layers.Dense(5, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy",
                  metrics=["sparse_top_k_categorical_accuracy", metrics.SparseTopKCategoricalAccuracy(k=1)])
    logs = model.evaluate(x, labels, verbose=0, return_dict=True)
    probs = model.predict(x, verbose=0)
    top5 = 1.0  # five classes: the label is always in the top 5
    assert logs["sparse_top_k_categorical_accuracy"] == top5
    assert logs["sparse_top_k_categorical_accuracy_1"] == pytest.approx(np.mean(probs.argmax(-1) == labels))


def test_compile_settings_keep_metric_objects_weighted_metrics_and_loss_weights(tmp_path):
    model = et.Sequential([et.Input((3,)), layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy", et.metrics.AUC(num_thresholds=17, name="roc"),
                                                          lambda t, p: p],
                  weighted_metrics=[et.metrics.Precision(thresholds=0.3)], loss_weights=2.0)
    path = str(tmp_path / "m.npz")
    model.save(path)
    restored = et.load_model(path)
    x, y = np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32), np.array([0, 1, 1, 0, 1, 0.0])
    logs = restored.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "accuracy", "roc", "precision"]  # the lambda metric cannot be saved
    assert restored.loss_weight == 2.0 and restored.metrics[2].num_thresholds == 17
    original = model.evaluate(x, y, verbose=0, return_dict=True)
    assert logs == pytest.approx({k: v for k, v in original.items() if k != "<lambda>"})
