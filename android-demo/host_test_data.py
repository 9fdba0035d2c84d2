"""Writes the Java host tests' data: the committed models' recorded inputs and outputs (.io.npz) as raw
little-endian files with a one-line shape file beside each, and the face detector's reference outputs on the
app's bundled picture, computed by the Python API (edgelite.Interpreter) from the same pixels.

usage: python host_test_data.py REPO_ROOT OUT_DIR
"""
import pathlib
import sys

import numpy as np

# (model file under tests/models, the name the Java tests use)
MODELS = [
    ("tf/mobilenet_v2.tflite", "mobilenet_v2"),
    ("tf_quant/mobilenet_v2_int8.tflite", "mobilenet_v2_int8"),
    ("tf_quant/mobilenet_v2_035_96_int8io.tflite", "mobilenet_v2_035_96_int8io"),
    ("tf/ops_elementwise.tflite", "ops_elementwise"),
    ("tf/transformer_block_dynamic_batch.tflite", "transformer_block_dynamic_batch"),
]
FACE_MODEL = "mediapipe/face_detection_short_range.tflite"


def write_array(out: pathlib.Path, stem: str, array: np.ndarray) -> None:
    array = np.ascontiguousarray(array)
    (out / f"{stem}.bin").write_bytes(array.astype(array.dtype.newbyteorder("<")).tobytes())
    (out / f"{stem}.shape").write_text(" ".join([array.dtype.name] + [str(d) for d in array.shape]) + "\n")


def face_input(picture: pathlib.Path) -> np.ndarray:
    """The 128x128 input the Java test makes from the 256x256 picture: 2x2 box average rounded to the nearest
    integer, then x / 127.5 - 1 in float32 (FaceDetector.toInput)."""
    from PIL import Image

    rgb = np.asarray(Image.open(picture).convert("RGB"), dtype=np.int32)
    if rgb.shape != (256, 256, 3):
        raise SystemExit(f"{picture}: expected 256x256 RGB, got {rgb.shape}")
    summed = rgb[0::2, 0::2] + rgb[1::2, 0::2] + rgb[0::2, 1::2] + rgb[1::2, 1::2]
    pixels = ((summed + 2) // 4).astype(np.float32)
    return (pixels / np.float32(127.5) - np.float32(1.0))[None]


def main() -> None:
    repo, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    models = repo / "tests" / "models"
    for path, name in MODELS:
        with np.load(models / (path[: -len(".tflite")] + ".io.npz")) as io:
            for key in io.files:
                write_array(out, f"{name}.{key}", io[key])

    import edgelite

    x = face_input(repo / "android-demo" / "app" / "src" / "main" / "assets" / "astronaut.png")
    interp = edgelite.Interpreter(model_path=str(models / FACE_MODEL), num_threads=1)
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    write_array(out, "face.input_0", x)
    for detail in interp.get_output_details():
        write_array(out, f"face.{detail['name']}", interp.get_tensor(detail["index"]))


if __name__ == "__main__":
    main()
