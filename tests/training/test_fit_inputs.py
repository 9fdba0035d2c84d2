"""fit / evaluate / predict on every data form Keras 3 takes: arrays, generators, iterables of batches,
PyDataset-like objects; steps, validation_freq, sample and class weights."""

import warnings

import numpy as np
import pytest

import edgelite.training as et
from edgelite.training import layers


def _data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)
    return x, y


def _model():
    et.set_random_seed(0)
    model = et.Sequential([et.Input((3,)), layers.Dense(1)])
    model.compile(et.optimizers.SGD(0.05), "mse", metrics=["mae"])
    return model


def _batches(x, y, size, weights=None):
    return [(x[i:i + size], y[i:i + size]) + (() if weights is None else (weights[i:i + size],))
            for i in range(0, len(x), size)]


class Dataset:
    """Shaped like keras.utils.PyDataset: __len__, __getitem__, on_epoch_end."""

    def __init__(self, x, y, size):
        self.x, self.y, self.size, self.epochs_ended = x, y, size, 0

    def __len__(self):
        return -(-len(self.x) // self.size)

    def __getitem__(self, i):
        return self.x[i * self.size:(i + 1) * self.size], self.y[i * self.size:(i + 1) * self.size]

    def on_epoch_end(self):
        self.epochs_ended += 1


def _fit_weights(x_arg, epochs=2, **kwargs):
    model = _model()
    history = model.fit(x_arg, epochs=epochs, verbose=0, **kwargs)
    return model.get_weights(), history


def test_every_batch_source_trains_like_the_arrays():
    x, y = _data()
    reference, ref_history = _fit_weights(x, y=y, batch_size=6, shuffle=False)
    dataset = Dataset(x, y, 6)

    def generator():
        while True:
            yield from _batches(x, y, 6)

    sources = {"list of batches": _batches(x, y, 6), "PyDataset": dataset,
               "generator with steps": (generator(), {"steps_per_epoch": 4})}
    for name, source in sources.items():
        source, extra = source if isinstance(source, tuple) else (source, {})
        weights, history = _fit_weights(source, **extra)
        for a, b in zip(weights, reference):
            np.testing.assert_allclose(a, b, rtol=1e-6, err_msg=name)
        np.testing.assert_allclose(history.history["loss"], ref_history.history["loss"], rtol=1e-6, err_msg=name)
    assert dataset.epochs_ended == 2
    assert history.params["steps"] == 4


def test_a_one_shot_generator_runs_one_epoch_then_stops_with_a_warning():
    x, y = _data()
    with pytest.warns(UserWarning, match="ran out"):
        _, history = _fit_weights(iter(_batches(x, y, 6)), epochs=3)
    assert history.epoch == [0]


def test_steps_per_epoch_on_arrays_continues_across_epochs():
    x, y = _data(24)
    model = _model()
    seen = []
    model.fit(x, y, batch_size=6, epochs=3, steps_per_epoch=2, shuffle=False, verbose=0,
              callbacks=[et.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(b))])
    assert seen == [0, 1, 0, 1, 0, 1]
    # Same as training 6 batches in a row: epochs 1-2 cover the data once, epoch 3 starts over.
    reference = _model()
    reference.fit(x, y, batch_size=6, epochs=1, shuffle=False, verbose=0)
    reference.fit(x[:12], y[:12], batch_size=6, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_validation_freq_and_validation_generators():
    x, y = _data()
    model = _model()
    history = model.fit(x, y, epochs=4, validation_data=_batches(x, y, 5), validation_freq=2, verbose=0)
    assert len(history.history["val_loss"]) == 2
    history = model.fit(x, y, epochs=3, validation_data=(x, y), validation_freq=[1, 3], verbose=0)
    assert len(history.history["val_loss"]) == 2
    history = model.fit(x, y, epochs=1, validation_data=(x, y), validation_steps=1, validation_batch_size=4,
                        verbose=0)
    single = model.evaluate(x[:4], y[:4], verbose=0, return_dict=True)
    assert history.history["val_loss"][0] == pytest.approx(single["loss"], rel=1e-6)


def test_evaluate_and_predict_take_the_same_sources():
    x, y = _data(20)
    model = _model()
    expected = model.evaluate(x, y, batch_size=5, verbose=0, return_dict=True)
    for source in (_batches(x, y, 5), Dataset(x, y, 5), iter(_batches(x, y, 5))):
        got = model.evaluate(source, verbose=0, return_dict=True)
        assert got == pytest.approx(expected, rel=1e-6)
    prediction = model.predict(x, verbose=0)
    np.testing.assert_allclose(model.predict(_batches(x, y, 7), verbose=0), prediction, rtol=1e-6)
    np.testing.assert_allclose(model.predict((b for b, _ in _batches(x, y, 7)), verbose=0), prediction, rtol=1e-6)
    np.testing.assert_allclose(model.predict(x, batch_size=4, steps=2, verbose=0), prediction[:8], rtol=1e-6)
    assert model.evaluate(x, y, batch_size=5, steps=1, verbose=0) == pytest.approx(
        model.evaluate(x[:5], y[:5], verbose=0))


def test_sample_weights_weight_the_loss_as_keras():
    x, y = _data(8)
    weights = np.array([0, 1, 2, 3, 0, 1, 2, 3], np.float32)
    model = _model()
    got = model.evaluate(x, y, sample_weight=weights, batch_size=8, verbose=0)[0]
    per_sample = ((model.predict(x, verbose=0) - y) ** 2).mean(-1)
    # Keras' 'sum_over_batch_size': the weighted sum divided by the number of samples, not by the weight sum.
    assert got == pytest.approx(float((per_sample * weights).sum() / 8), rel=1e-6)
    # Generator batches carrying (x, y, sample_weight) weigh the same way.
    assert model.evaluate(_batches(x, y, 8, weights), verbose=0)[0] == pytest.approx(got, rel=1e-6)


def test_class_weight_equals_the_matching_sample_weight():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(30, 4)).astype(np.float32)
    labels = rng.integers(0, 3, size=30)
    class_weight = {0: 1.0, 1: 4.0, 2: 0.5}

    def trained(**kwargs):
        et.set_random_seed(1)
        model = et.Sequential([et.Input((4,)), layers.Dense(3, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy", weighted_metrics=["accuracy"])
        history = model.fit(x, labels, epochs=2, batch_size=10, shuffle=False, verbose=0, **kwargs)
        return model.get_weights(), history.history

    by_class, h1 = trained(class_weight=class_weight)
    by_sample, h2 = trained(sample_weight=np.array([class_weight[c] for c in labels], np.float32))
    for a, b in zip(by_class, by_sample):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert set(h1) == set(h2) == {"loss", "accuracy"}
    for key in h1:
        assert h1[key] == pytest.approx(h2[key], rel=1e-6)
    with pytest.raises(ValueError, match="together"):
        trained(class_weight=class_weight, sample_weight=np.ones(30))


def test_bad_inputs_raise_clear_errors():
    x, y = _data(10)
    model = _model()
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(_batches(x, y, 5), validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match="must not be given"):
        model.fit(_batches(x, y, 5), y, verbose=0)
    with pytest.raises(ValueError, match="same number of samples"):
        model.fit(x, y[:5], verbose=0)
    with pytest.raises(ValueError, match="targets"):
        model.fit(x, verbose=0)
    with pytest.raises(ValueError, match="a batch must be"):
        model.fit([(x, y, None, None)], verbose=0)
    with pytest.raises(ValueError, match="cannot use"):
        model.predict(object(), verbose=0)
    with pytest.raises(NotImplementedError, match="dict"):
        model.fit({"x": x}, y, verbose=0)
    with pytest.raises(NotImplementedError, match="batch"):
        model.fit(x, y, shuffle="batch", verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="no batches"):
            model.evaluate(iter([]), verbose=0)


def test_train_and_test_on_batch_return_keras_shapes():
    x, y = _data(6)
    model = _model()
    loss, mae = model.train_on_batch(x, y)
    assert loss > 0 and mae > 0
    logs = model.test_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "mae"} and model.metrics_names == ["loss", "mae"]


def test_evaluate_adds_the_layer_penalties_as_keras():
    # Keras 3 gives 5.2 here: mse 4, kernel L2 0.5 * 2, activity L1 0.1 * 8 / batch of 4.
    x, y = np.ones((4, 2), np.float32), np.zeros((4, 1), np.float32)
    model = et.Sequential([et.Input((2,)), layers.Dense(1, kernel_initializer="ones",
                                                        kernel_regularizer=et.regularizers.L2(0.5),
                                                        activity_regularizer=et.regularizers.L1(0.1))])
    model.compile("sgd", "mse")
    assert model.evaluate(x, y, verbose=0) == pytest.approx(5.2, rel=1e-6)


def test_keras_utils_pydataset_and_to_categorical():
    x, y = _data(12)

    class Batches(et.utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.ended = 0

        def __len__(self):
            return 3

        def __getitem__(self, i):
            return x[4 * i:4 * i + 4], y[4 * i:4 * i + 4]

        def on_epoch_end(self):
            self.ended += 1

    data = Batches()
    history = _model().fit(data, epochs=2, verbose=0)
    assert history.params["steps"] == 3 and data.ended == 2 and data.num_batches == 3
    with pytest.raises(NotImplementedError, match="workers"):
        Batches(workers=4)
    with pytest.raises(NotImplementedError, match="__len__"):
        len(et.utils.PyDataset())
    # As keras.utils.to_categorical: float64, a trailing axis of 1 dropped.
    one_hot = et.utils.to_categorical(np.array([[1], [0], [2]]))
    assert one_hot.dtype == np.float64 and one_hot.tolist() == [[0, 1, 0], [1, 0, 0], [0, 0, 1]]
    assert et.utils.to_categorical([[1, 2], [0, 1]], 4).shape == (2, 2, 4)
    with pytest.raises(ValueError, match="below"):
        et.utils.to_categorical([3], num_classes=2)
