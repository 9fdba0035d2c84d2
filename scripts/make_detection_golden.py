"""Writes tests/models/detection/: small SSD-style detectors that end in TFLite_Detection_PostProcess, as TF's
object-detection exporter lays them out (a convolutional backbone, a box-encoding head and a class head
reshaped to [1, anchors, 4] and [1, anchors, classes + 1], sigmoid scores, constant [y, x, h, w] anchors),
built with edgelite's ModelBuilder, and each model's input with LiteRT's outputs (<name>.io.npz).

    python scripts/make_detection_golden.py        # needs ai_edge_litert for the outputs

Models: ssd_fast (fast NMS, 2 classes per detection) and ssd_regular (regular NMS), same weights."""

import os

import numpy as np
from flatbuffers import flexbuffers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "models", "detection")
GRID, PER_CELL, CLASSES = 4, 3, 3  # 4x4 feature map, 3 anchors a cell, 3 classes and a background
ANCHORS = GRID * GRID * PER_CELL


def anchors():
    rows = []
    for i in range(GRID):
        for j in range(GRID):
            for size in (0.2, 0.35, 0.5):
                rows.append([(i + 0.5) / GRID, (j + 0.5) / GRID, size, size])
    return np.array(rows, np.float32)


def build(options):
    from edgelite.model_builder import ModelBuilder
    rng = np.random.default_rng(2024)
    b = ModelBuilder()
    x = b.add_input("image", [1, 16, 16, 3])

    def conv(name, src, cin, cout, k, stride, act, size):
        scale = 1.5 / np.sqrt(k * k * cin)
        w = b.add_constant(f"{name}/w", (rng.standard_normal((cout, k, k, cin)) * scale).astype(np.float32))
        bias = b.add_constant(f"{name}/b", (rng.standard_normal(cout) * 0.1).astype(np.float32))
        out = b.add_tensor(name, [1, size, size, cout])
        b.add_operator("CONV_2D", [src, w, bias], [out], {"padding": "SAME", "stride_w": stride, "stride_h": stride,
                                                          "fused_activation_function": act})
        return out

    h = conv("backbone/0", x, 3, 8, 3, 2, "RELU", 8)
    h = conv("backbone/1", h, 8, 16, 3, 2, "RELU6", GRID)
    box = conv("head/box", h, 16, PER_CELL * 4, 1, 1, "NONE", GRID)
    cls = conv("head/class", h, 16, PER_CELL * (CLASSES + 1), 1, 1, "NONE", GRID)
    enc = b.add_tensor("box_encodings", [1, ANCHORS, 4])
    b.add_operator("RESHAPE", [box, b.add_constant("box_shape", np.array([1, ANCHORS, 4], np.int32))], [enc],
                   {"new_shape": [1, ANCHORS, 4]})
    logits = b.add_tensor("class_logits", [1, ANCHORS, CLASSES + 1])
    b.add_operator("RESHAPE", [cls, b.add_constant("class_shape", np.array([1, ANCHORS, CLASSES + 1], np.int32))],
                   [logits], {"new_shape": [1, ANCHORS, CLASSES + 1]})
    scores = b.add_tensor("class_predictions", [1, ANCHORS, CLASSES + 1])
    b.add_operator("LOGISTIC", [logits], [scores])
    n = options["max_detections"] * options["max_classes_per_detection"]
    outs = [b.add_tensor("detection_boxes", [1, n, 4]), b.add_tensor("detection_classes", [1, n]),
            b.add_tensor("detection_scores", [1, n]), b.add_tensor("num_detections", [1])]
    for t in outs:
        b.mark_output(t)
    b.add_operator("CUSTOM", [enc, scores, b.add_constant("anchors", anchors())], outs,
                   custom_code="TFLite_Detection_PostProcess", custom_options=bytes(flexbuffers.Dumps(options)))
    return b.build()


COMMON = {"max_detections": 8, "detections_per_class": 4, "nms_score_threshold": 0.35, "nms_iou_threshold": 0.45,
          "num_classes": CLASSES, "y_scale": 10.0, "x_scale": 10.0, "h_scale": 5.0, "w_scale": 5.0}
MODELS = {"ssd_fast": dict(COMMON, max_classes_per_detection=2, use_regular_nms=False),
          "ssd_regular": dict(COMMON, max_classes_per_detection=1, use_regular_nms=True)}


def main():
    from ai_edge_litert.interpreter import Interpreter
    os.makedirs(OUT, exist_ok=True)
    image = np.random.default_rng(7).uniform(0, 1, (1, 16, 16, 3)).astype(np.float32)
    for name, options in MODELS.items():
        content = build(options)
        with open(os.path.join(OUT, name + ".tflite"), "wb") as f:
            f.write(content)
        interp = Interpreter(model_content=content)
        interp.allocate_tensors()
        interp.set_tensor(interp.get_input_details()[0]["index"], image)
        interp.invoke()
        outs = {d["name"]: interp.get_tensor(d["index"]) for d in interp.get_output_details()}
        np.savez(os.path.join(OUT, name + ".io.npz"), image=image, **outs)
        print(name, "detections:", int(outs["num_detections"][0]))


if __name__ == "__main__":
    main()
