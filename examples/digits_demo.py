"""The whole edgelite path in one script: train a small CNN on scikit-learn's bundled digits with
edgelite.training, convert it to .tflite with edgelite.converter, and run it in edgelite.Interpreter.

    python examples/digits_demo.py [--epochs 30] [--out digits.tflite]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np


def digits_split(seed: int = 0):
    from sklearn.datasets import load_digits  # bundled with scikit-learn, no download
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]  # 8x8x1 in [0, 1]
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(x))
    cut = int(0.8 * len(x))
    return x[order[:cut]], y[order[:cut]], x[order[cut:]], y[order[cut:]]


def build_model():
    from edgelite import training as et
    from edgelite.training import layers
    et.set_random_seed(0)
    return et.Sequential([
        et.Input((8, 8, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPool2D(),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(10, activation="softmax"),
    ])


def compile_model(model):
    from edgelite import training as et
    # A higher rate than Adam's default: global average pooling learns slower than flattening.
    model.compile(optimizer=et.optimizers.Adam(learning_rate=0.005), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])


def predict_batch(interp, x: np.ndarray) -> np.ndarray:
    """Runs the whole batch `x` through a LiteRT-API interpreter (edgelite's or LiteRT's): the input is
    resized to the batch, so one invoke classifies every image."""
    inp = interp.get_input_details()[0]
    interp.resize_tensor_input(inp["index"], x.shape)
    interp.allocate_tensors()
    interp.set_tensor(inp["index"], x)
    interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"])


def main(argv=None) -> int:
    import edgelite
    from edgelite.converter import convert

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--out", default="digits.tflite")
    args = p.parse_args(argv)

    x_train, y_train, x_test, y_test = digits_split()
    model = build_model()
    compile_model(model)
    start = time.perf_counter()
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=32, verbose=1)
    print(f"trained {args.epochs} epochs in {time.perf_counter() - start:.1f} s")
    expected = model.predict(x_test, verbose=0)
    train_accuracy = float(np.mean(expected.argmax(1) == y_test))
    print(f"edgelite.training: held-out accuracy {train_accuracy:.4f} on {len(x_test)} images")

    content = convert(model)
    with open(args.out, "wb") as f:
        f.write(content)
    print(f"converted to {args.out} ({len(content) / 1024:.1f} KiB)")

    interp = edgelite.Interpreter(model_path=args.out)
    got = predict_batch(interp, x_test)
    accuracy = float(np.mean(got.argmax(1) == y_test))
    print(f"edgelite.Interpreter: held-out accuracy {accuracy:.4f}; max |difference| from predict "
          f"{np.max(np.abs(got - expected)):.2e}; classes agree on {np.mean(got.argmax(1) == expected.argmax(1)):.1%}")

    # Post-training quantization in one call: int8 weights and activations, calibrated on 100 training images.
    quantized = convert(model, quantize="int8", representative_data=x_train[:100])
    int8_path = os.path.splitext(args.out)[0] + "_int8.tflite"
    with open(int8_path, "wb") as f:
        f.write(quantized)
    got8 = predict_batch(edgelite.Interpreter(model_content=quantized), x_test)
    print(f"int8: {int8_path} ({len(quantized) / 1024:.1f} KiB, {len(quantized) / len(content):.2f} of float); "
          f"held-out accuracy {float(np.mean(got8.argmax(1) == y_test)):.4f}")

    single = edgelite.Interpreter(model_path=args.out)
    single.allocate_tensors()
    single.set_tensor(single.get_input_details()[0]["index"], x_test[:1])
    for _ in range(20):
        single.invoke()
    times = []
    for _ in range(200):
        t = time.perf_counter()
        single.invoke()
        times.append(time.perf_counter() - t)
    batch_times = []
    for _ in range(20):
        t = time.perf_counter()
        interp.invoke()
        batch_times.append(time.perf_counter() - t)
    print(f"latency: one image {np.median(times) * 1e6:.1f} us (median of 200); whole test split "
          f"({len(x_test)} images) {np.median(batch_times) * 1e3:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
