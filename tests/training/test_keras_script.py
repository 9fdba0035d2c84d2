"""A training script written with Keras 3 habits (callbacks, class weights, regularizers, AdamW on a schedule,
metric classes) runs with only the import changed, saves with its schedule, and converts."""

import os

import numpy as np

import edgelite.training as keras  # the one line a Keras script changes
from edgelite import Interpreter
from edgelite.converter import convert


def test_a_keras_style_script_trains_saves_and_converts(tmp_path):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 6, 6, 1)).astype(np.float32)
    y = (x[:, :3].mean(axis=(1, 2, 3)) > 0.1).astype(np.int64)  # imbalanced: fewer ones

    inputs = keras.Input((6, 6, 1))
    h = keras.layers.Conv2D(4, 3, padding="same", activation="relu",
                            kernel_regularizer=keras.regularizers.l2(1e-3),
                            kernel_constraint=keras.constraints.MaxNorm(3.0))(inputs)
    h = keras.layers.BatchNormalization(gamma_regularizer="l2")(h)
    h = keras.layers.Flatten()(h)
    outputs = keras.layers.Dense(2, activation="softmax", bias_regularizer=keras.regularizers.L1(1e-4))(h)
    model = keras.Model(inputs, outputs)

    schedule = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=40, warmup_target=0.01, warmup_steps=5)
    model.compile(optimizer=keras.optimizers.AdamW(learning_rate=schedule, weight_decay=1e-4, clipnorm=1.0),
                  loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=1, name="top1")],
                  weighted_metrics=["accuracy"])
    checkpoint = str(tmp_path / "best.npz")
    history = model.fit(
        x, y, batch_size=16, epochs=8, validation_split=0.25, verbose=0,
        class_weight={0: 1.0, 1: float((y == 0).sum() / max((y == 1).sum(), 1))},
        callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True),
                   keras.callbacks.ModelCheckpoint(checkpoint, monitor="val_accuracy", save_best_only=True),
                   keras.callbacks.CSVLogger(str(tmp_path / "log.csv")),
                   keras.callbacks.TerminateOnNaN()])

    logs = history.history
    assert {"loss", "accuracy", "top1", "weighted_accuracy", "val_loss", "val_accuracy"} <= set(logs)
    assert logs["loss"][-1] < logs["loss"][0]
    assert logs["accuracy"] == logs["top1"]  # the same quantity under two Keras names
    assert os.path.exists(checkpoint) and os.path.exists(tmp_path / "log.csv")

    # The schedule travels with the saved compile settings.
    model.save(str(tmp_path / "model.npz"))
    restored = keras.load_model(str(tmp_path / "model.npz"))
    assert isinstance(restored.optimizer.learning_rate, keras.optimizers.schedules.CosineDecay)
    assert restored.optimizer.learning_rate.get_config() == schedule.get_config()

    sample = x[:1]
    interpreter = Interpreter(model_content=convert(model))
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], sample)
    interpreter.invoke()
    got = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    np.testing.assert_allclose(got, model.predict(sample, verbose=0), rtol=1e-4, atol=1e-5)
