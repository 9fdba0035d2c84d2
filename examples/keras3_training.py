"""A training script written for Keras 3 (it runs under Keras 3.15 as it is). edgelite runs it with one line
changed: `import keras` becomes `from edgelite import training as keras`; tests/training/test_keras3_training.py
does exactly that, then converts each model it trained and compares the .tflite outputs at batch 5 with predict."""

import os
import tempfile

import numpy as np

import keras

keras.utils.set_random_seed(7)
workdir = tempfile.mkdtemp()
rng = np.random.default_rng(7)

# ---- a token classifier: Embedding + MultiHeadAttention + LayerNormalization + Conv1D ----
tokens = rng.integers(0, 40, size=(96, 12)).astype("int32")
labels = (tokens[:, :4].sum(axis=1) % 3).astype("int32")

inputs = keras.Input(shape=(12,), dtype="int32")
x = keras.layers.Embedding(40, 16)(inputs)
attended = keras.layers.MultiHeadAttention(num_heads=2, key_dim=8)(x, x)
x = keras.layers.LayerNormalization()(keras.layers.Add()([x, attended]))
x = keras.layers.Conv1D(16, 3, padding="same", activation="relu")(x)
x = keras.layers.GlobalAveragePooling1D()(x)
outputs = keras.layers.Dense(3, activation="softmax", kernel_regularizer=keras.regularizers.l2(1e-3))(x)
text_model = keras.Model(inputs, outputs)

schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=60, warmup_target=3e-3, warmup_steps=10)
text_model.compile(optimizer=keras.optimizers.AdamW(learning_rate=schedule, weight_decay=1e-4),
                   loss="sparse_categorical_crossentropy", metrics=["accuracy"])
checkpoint = os.path.join(workdir, "best.weights.h5")
history = text_model.fit(
    tokens, labels, batch_size=16, epochs=4, validation_split=0.25, class_weight={0: 1.0, 1: 2.0, 2: 1.0},
    verbose=0,
    callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True),
               keras.callbacks.ModelCheckpoint(checkpoint, monitor="val_loss", save_best_only=True,
                                               save_weights_only=True),
               keras.callbacks.CSVLogger(os.path.join(workdir, "log.csv"))])
assert set(history.history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}, history.history.keys()

# ---- an image model: Rescaling, SeparableConv2D, PReLU, Conv2DTranspose, UpSampling2D ----
images = rng.uniform(0, 255, size=(64, 16, 16, 3)).astype("float32")
masks = (images.mean(axis=-1, keepdims=True) > 127).astype("float32")

image_model = keras.Sequential([
    keras.Input(shape=(16, 16, 3)),
    keras.layers.Rescaling(1.0 / 255),
    keras.layers.SeparableConv2D(8, 3, padding="same"),
    keras.layers.PReLU(),
    keras.layers.MaxPooling2D(2),
    keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu"),
    keras.layers.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu"),
    keras.layers.UpSampling2D(2),
    keras.layers.Conv2D(1, 1, activation="sigmoid"),
])
image_model.compile(optimizer=keras.optimizers.AdamW(learning_rate=2e-3), loss="binary_crossentropy",
                    metrics=["accuracy"])
image_model.fit(images, masks, batch_size=16, epochs=3, verbose=0,
                callbacks=[keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)])

# ---- weights round trip ----
weights_path = os.path.join(workdir, "image.weights.h5")
image_model.save_weights(weights_path)
before = image_model.predict(images[:5], verbose=0)
image_model.load_weights(weights_path)
np.testing.assert_allclose(image_model.predict(images[:5], verbose=0), before, rtol=1e-6, atol=1e-6)
text_model.load_weights(checkpoint)

TRAINED = {"text": (text_model, tokens[:5]), "image": (image_model, images[:5])}
print("trained:", {name: model.count_params() for name, (model, _) in TRAINED.items()})
