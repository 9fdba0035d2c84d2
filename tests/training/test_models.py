"""Sequential and functional models: building, the graph form the converter reads, training loop behaviour
(History, evaluate, predict, progress output), freezing, and end-to-end model gradients."""

import numpy as np
import pytest

from edgelite import training as et
from edgelite.training import layers


def small_cnn(**kwargs):
    return et.Sequential([et.Input((6, 6, 2)), layers.Conv2D(4, 3, padding="same", activation="relu"),
                          layers.MaxPooling2D(), layers.Flatten(), layers.Dense(3)], **kwargs)


def residual_model():
    inp = et.Input((8, 8, 3), name="image")
    x = layers.Conv2D(4, 3, padding="same", name="stem")(inp)
    x = layers.BatchNormalization(name="bn")(x)
    x = layers.ReLU(max_value=6.0, name="relu6")(x)
    branch = layers.DepthwiseConv2D(3, padding="same", name="dw")(x)
    x = layers.Add(name="add")([x, branch])
    side = layers.Conv2D(2, 1, name="side")(x)
    x = layers.Concatenate(name="concat")([x, side])
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    x = layers.Dropout(0.1, name="drop")(x)
    out = layers.Dense(5, activation="softmax", name="head")(x)
    return et.Model(inp, out, name="residual")


# ---- building ----

def test_sequential_build_paths_agree():
    with_input = small_cnn()
    with_shape = et.Sequential([layers.Conv2D(4, 3, input_shape=(6, 6, 2)), layers.Flatten()])
    deferred = et.Sequential([layers.Conv2D(4, 3), layers.Flatten()])
    with pytest.raises(ValueError, match="not built"):
        deferred.get_graph()
    deferred.predict(np.zeros((2, 6, 6, 2)), verbose=0)
    for model in (with_input, with_shape, deferred):
        graph = model.get_graph()
        assert isinstance(graph[0].layer, et.InputLayer) and graph[0].output_shape == (None, 6, 6, 2)
        assert [n.inputs for n in graph] == [[]] + [[i] for i in range(len(graph) - 1)]
    assert with_shape.get_graph()[-1].output_shape == (None, 64)
    assert len(with_input.layers) == 4  # Keras: Sequential.layers leaves out the InputLayer


def test_sequential_add_after_build_extends_the_chain():
    model = et.Sequential([et.Input((3,)), layers.Dense(4)])
    model.add(layers.Dense(2))
    assert model.get_graph()[-1].output_shape == (None, 2)
    assert model.predict(np.ones((5, 3)), verbose=0).shape == (5, 2)


def test_functional_graph_form_for_the_converter():
    model = residual_model()
    graph = model.get_graph()
    names = [n.layer.name for n in graph]
    assert names[0] == "image" and names[-1] == "head"
    by_name = {n.layer.name: n for n in graph}
    assert by_name["add"].inputs == [by_name["relu6"].id, by_name["dw"].id]  # call order kept
    assert by_name["concat"].inputs == [by_name["add"].id, by_name["side"].id]
    for node in graph:  # topological: every input comes earlier
        assert all(i < node.id for i in node.inputs) and graph[node.id] is node
    assert graph.inputs == [0] and graph.outputs == [by_name["head"].id]
    assert by_name["concat"].output_shape == (None, 8, 8, 6)
    assert [layer.name for layer in model.layers] == names
    assert model.get_layer("dw").get_config()["padding"] == "same"
    assert set(model.get_layer("bn").get_named_weights()) == {"gamma", "beta", "moving_mean", "moving_variance"}
    assert model.get_layer("relu6").get_config()["max_value"] == 6.0
    assert model.get_layer("head").get_config()["activation"] == "softmax"


def test_multi_input_multi_output_and_shared_layer():
    a, b = et.Input((4,), name="a"), et.Input((4,), name="b")
    shared = layers.Dense(3, name="shared")
    ya, yb = shared(a), shared(b)
    model = et.Model([a, b], [layers.Add(name="sum")([ya, yb]), ya])
    graph = model.get_graph()
    shared_nodes = [n for n in graph if n.layer is shared]
    assert len(shared_nodes) == 2 and model.layers.count(shared) == 1
    assert [graph[i].layer.name for i in graph.inputs] == ["a", "b"]
    xa, xb = np.random.default_rng(0).normal(size=(2, 5, 4))
    total, first = model.predict([xa, xb], verbose=0)
    w, bias = shared.get_weights()
    np.testing.assert_allclose(first, xa @ w + bias, rtol=1e-5)
    np.testing.assert_allclose(total, xa @ w + xb @ w + 2 * bias, rtol=1e-5)


def test_disconnected_and_duplicate_names_are_rejected():
    a, b = et.Input((2,)), et.Input((2,))
    with pytest.raises(ValueError, match="disconnected"):
        et.Model(a, layers.Add()([a, b]))
    x = et.Input((2,))
    with pytest.raises(ValueError, match="unique"):
        et.Model(x, layers.Dense(2, name="same")(layers.Dense(2, name="same")(x)))


def test_nested_sequential_inside_functional():
    block = et.Sequential([layers.Dense(4, activation="relu"), layers.Dense(2)], name="block")
    inp = et.Input((3,))
    model = et.Model(inp, layers.Softmax()(block(inp)))
    assert block in model.layers and len(model.trainable_weights) == 4
    x = np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32)
    np.testing.assert_allclose(model.predict(x, verbose=0).sum(-1), 1.0, rtol=1e-6)


def test_summary_lists_layers_shapes_and_params():
    lines = []
    small_cnn(name="cnn").summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert 'Model: "cnn"' in text and "(None, 6, 6, 4)" in text
    total = 3 * 3 * 2 * 4 + 4 + 36 * 3 + 3
    assert f"Total params: {total:,}" in text and "Non-trainable params: 0" in text
    lines.clear()
    residual_model().summary(print_fn=lines.append)
    assert any("add (Add)" in line and "relu6, dw" in line for line in lines)


# ---- training loop ----

def _toy_data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6, 6, 2)).astype(np.float32)
    y = (x[:, :3].mean(axis=(1, 2, 3)) > 0).astype(np.int64) + (x[..., 1].mean(axis=(1, 2)) > 0)
    return x, y


def test_fit_history_evaluate_predict(capsys):
    et.set_random_seed(0)
    x, y = _toy_data()
    model = small_cnn()
    model.compile(optimizer="adam", loss=et.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=4, batch_size=16, validation_data=(x[:32], y[:32]), verbose=0)
    assert capsys.readouterr().out == ""
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.epoch == [0, 1, 2, 3] and len(history.history["loss"]) == 4
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, acc = model.evaluate(x[:32], y[:32], verbose=0)
    assert loss == pytest.approx(history.history["val_loss"][-1], rel=1e-6)
    assert acc == pytest.approx(history.history["val_accuracy"][-1])
    logits = model.predict(x, batch_size=7, verbose=0)
    assert logits.shape == (96, 3) and logits.dtype == np.float32
    np.testing.assert_allclose(logits, model(x).numpy(), rtol=1e-5, atol=1e-6)
    assert acc == pytest.approx(np.mean(np.argmax(logits[:32], -1) == y[:32]))
    assert model.evaluate(x, y, verbose=0, return_dict=True).keys() == {"loss", "accuracy"}


def test_progress_output_goes_to_stdout(capsys):
    x, y = _toy_data(40)
    model = small_cnn()
    model.compile("sgd", et.losses.SparseCategoricalCrossentropy(from_logits=True), ["accuracy"])
    model.fit(x, y, epochs=2, batch_size=16, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "3/3 [==============================]" in out and "loss: " in out and "accuracy: " in out
    model.fit(x, y, epochs=1, batch_size=16, verbose=2)
    assert "3/3 - " in capsys.readouterr().out


def test_validation_split_and_callbacks_can_stop_training():
    x, y = _toy_data(50)
    model = small_cnn()
    model.compile("adam", et.losses.SparseCategoricalCrossentropy(from_logits=True))

    class StopAfterTwo(et.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.seen = logs
            if epoch == 1:
                self.model.stop_training = True

    stopper = StopAfterTwo()
    history = model.fit(x, y, epochs=10, validation_split=0.2, callbacks=[stopper], verbose=0)
    assert history.epoch == [0, 1] and "val_loss" in stopper.seen


def test_frozen_layers_do_not_change():
    et.set_random_seed(1)
    x, y = _toy_data(48)
    model = small_cnn()
    conv = model.layers[0]
    conv.trainable = False
    before = conv.get_weights()
    dense_before = model.layers[-1].get_weights()
    model.compile("sgd", et.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, epochs=1, verbose=0)
    for a, b in zip(before, conv.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(dense_before[0], model.layers[-1].get_weights()[0])
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2


def test_fit_without_compile_is_an_error():
    with pytest.raises(RuntimeError, match="compile"):
        small_cnn().fit(np.zeros((2, 6, 6, 2)), np.zeros(2))


def test_uint8_inputs_are_cast_to_the_input_dtype():
    model = small_cnn()
    out = model.predict(np.full((2, 6, 6, 2), 200, dtype=np.uint8), verbose=0)
    np.testing.assert_allclose(out, model.predict(np.full((2, 6, 6, 2), 200.0, np.float32), verbose=0))


def test_whole_model_gradient_matches_finite_differences(gradcheck, rng):
    # Every layer type on one path, float64, checked through the model's loss w.r.t. every weight.
    inp = et.Input((6, 6, 2), dtype="float64")
    x = layers.Conv2D(3, 3, padding="same", activation="tanh", dtype="float64")(inp)
    x = layers.BatchNormalization(dtype="float64")(x)
    d = layers.DepthwiseConv2D(3, strides=2, padding="same", dtype="float64")(x)
    p = layers.AveragePooling2D(2, dtype="float64")(x)
    x = layers.Concatenate(dtype="float64")([d, p])
    x = layers.Activation("gelu", dtype="float64")(x)
    x = layers.Flatten(dtype="float64")(x)
    out = layers.Dense(4, dtype="float64")(x)
    model = et.Model(inp, out)
    loss = et.losses.SparseCategoricalCrossentropy(from_logits=True)
    images = rng.normal(size=(5, 6, 6, 2))
    labels = rng.integers(0, 4, size=5)
    weights = model.trainable_weights
    value = loss(labels, model(images, training=True))
    analytic = et.grad(value, weights)

    def scalar():
        with et.no_grad():
            return float(loss(labels, model(images, training=True)).data)

    assert len(weights) == 8
    for w, g in zip(weights, analytic):
        np.testing.assert_allclose(g, gradcheck.numeric(scalar, w.data), rtol=1e-5, atol=1e-8, err_msg=w.path)


def test_subclassed_model_trains_its_attribute_layers():
    class TwoLayer(et.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = layers.Dense(8, activation="tanh")
            self.out = layers.Dense(1)

        def call(self, inputs, training=None):
            return self.out(self.hidden(inputs))

    et.set_random_seed(2)
    x = np.random.default_rng(0).uniform(size=(64, 3)).astype(np.float32)
    y = x.sum(axis=1)  # (N,) targets meet (N, 1) predictions, as in Keras
    model = TwoLayer()
    model.compile(optimizer=et.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, y, epochs=40, batch_size=16, verbose=0)
    assert len(model.trainable_weights) == 4
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]


def test_float64_model_inputs_are_not_downcast():
    inp = et.Input((3,), dtype="float64")
    model = et.Model(inp, layers.Dense(1, dtype="float64")(inp))
    x = np.full((1, 3), 1 + 1e-12)
    assert model(x).dtype == np.float64
    np.testing.assert_array_equal(model(x).numpy(), x @ model.layers[1].kernel.numpy())
