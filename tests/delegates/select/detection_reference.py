"""TFLite_Detection_PostProcess in NumPy, written from LiteRT's documented behaviour (decode centre-size
encodings against [y, x, h, w] anchors; fast or regular NMS; scores >= threshold kept, IoU > threshold
suppressed, ties by lower index), and a one-node model of the operator."""

import numpy as np
from flatbuffers import flexbuffers

from edgelite.model_builder import ModelBuilder

DEFAULT_OPTIONS = {"max_detections": 10, "max_classes_per_detection": 1, "detections_per_class": 100,
                   "use_regular_nms": False, "nms_score_threshold": 0.3, "nms_iou_threshold": 0.5,
                   "num_classes": 3, "y_scale": 10.0, "x_scale": 10.0, "h_scale": 5.0, "w_scale": 5.0}


def decode(enc, anchors, o):
    e = enc[0, :, :4].astype(np.float64)
    a = anchors.astype(np.float64)
    yc = e[:, 0] / o["y_scale"] * a[:, 2] + a[:, 0]
    xc = e[:, 1] / o["x_scale"] * a[:, 3] + a[:, 1]
    hh = 0.5 * np.exp(e[:, 2] / o["h_scale"]) * a[:, 2]
    hw = 0.5 * np.exp(e[:, 3] / o["w_scale"]) * a[:, 3]
    yc, xc, hh, hw = (v.astype(np.float32) for v in (yc, xc, hh, hw))
    return np.stack([yc - hh, xc - hw, yc + hh, xc + hw], axis=1)


def _iou(a, b):
    area = lambda r: (r[2] - r[0]) * (r[3] - r[1])  # noqa: E731
    if area(a) <= 0 or area(b) <= 0:
        return 0.0
    inter = max(min(a[2], b[2]) - max(a[0], b[0]), 0) * max(min(a[3], b[3]) - max(a[1], b[1]), 0)
    return inter / (area(a) + area(b) - inter)


def _single_class(boxes, scores, o, limit):
    order = sorted((i for i in range(len(scores)) if scores[i] >= o["nms_score_threshold"]),
                   key=lambda i: (-scores[i], i))
    selected = []
    for i in order:
        if len(selected) >= limit:
            break
        if all(_iou(boxes[i], boxes[j]) <= o["nms_iou_threshold"] for j in selected):
            selected.append(i)
    return selected


def postprocess(enc, scores, anchors, options):
    """(boxes [1, N, 4], classes [1, N], scores [1, N], count) with N = max_detections * max_classes."""
    o = dict(DEFAULT_OPTIONS, **options)
    boxes = decode(enc, anchors, o)
    s = scores[0]
    offset = s.shape[1] - o["num_classes"]
    s = s[:, offset:]
    per = o["max_classes_per_detection"]
    n = o["max_detections"] * per
    out_b, out_c, out_s = np.zeros((n, 4), np.float32), np.zeros(n, np.float32), np.zeros(n, np.float32)
    if not o["use_regular_nms"]:
        k = min(per, o["num_classes"])
        top = [sorted(range(o["num_classes"]), key=lambda c: (-row[c], c))[:k] for row in s]
        best = [row[t[0]] for row, t in zip(s, top)]
        count = 0
        for box in _single_class(boxes, best, o, o["max_detections"]):
            for j, cls in enumerate(top[box]):
                out_b[per * count + j], out_c[per * count + j], out_s[per * count + j] = boxes[box], cls, s[box, cls]
            count += 1
    else:
        kept = []
        for cls in range(o["num_classes"]):
            kept += [(s[box, cls], box, cls) for box in _single_class(boxes, s[:, cls], o, o["detections_per_class"])]
            kept = sorted(kept, key=lambda d: -d[0])[:o["max_detections"]]  # stable: earlier first on ties
        for count, (score, box, cls) in enumerate(kept):
            out_b[count], out_c[count], out_s[count] = boxes[box], cls, score
        count = len(kept)
    return out_b[None], out_c[None], out_s[None], count


def detection_model(num_boxes, classes_with_bg, anchors, options, dtype=np.float32, quant=None) -> bytes:
    """One TFLite_Detection_PostProcess node: inputs box encodings and class predictions, constant anchors.
    `quant`: ((scale, zero_point) of the encodings, of the scores, of the anchors) for uint8 inputs."""
    o = dict(DEFAULT_OPTIONS, **options)
    n = o["max_detections"] * o["max_classes_per_detection"]
    b = ModelBuilder()
    q = quant or (None, None, None)
    as_q = lambda p: None if p is None else {"scale": [p[0]], "zero_point": [p[1]]}  # noqa: E731
    enc = b.add_input("box_encodings", [1, num_boxes, 4], dtype, quantization=as_q(q[0]))
    sc = b.add_input("class_predictions", [1, num_boxes, classes_with_bg], dtype, quantization=as_q(q[1]))
    an = b.add_constant("anchors", anchors, quantization=as_q(q[2]))
    outs = [b.add_tensor("detection_boxes", [1, n, 4]), b.add_tensor("detection_classes", [1, n]),
            b.add_tensor("detection_scores", [1, n]), b.add_tensor("num_detections", [1])]
    for t in outs:
        b.mark_output(t)
    b.add_operator("CUSTOM", [enc, sc, an], outs, custom_code="TFLite_Detection_PostProcess",
                   custom_options=bytes(flexbuffers.Dumps(o)))
    return b.build()
