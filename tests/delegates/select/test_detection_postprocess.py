"""TFLite_Detection_PostProcess (delegates/select/builtins/detection_postprocess.cc) against the NumPy
reference and LiteRT: fast and regular NMS, several classes per detection, background or not, uint8
inputs, bad options."""

import numpy as np
import pytest

from builtin_models import run_edgelite, run_litert
from detection_reference import detection_model, postprocess
from testutil import requires_litert

rng = np.random.default_rng(5)


def _inputs(num_boxes, classes):
    yx = rng.uniform(0.1, 0.9, (num_boxes, 2))
    hw = rng.uniform(0.1, 0.4, (num_boxes, 2))
    anchors = np.concatenate([yx, hw], axis=1).astype(np.float32)
    enc = rng.normal(0, 2, (1, num_boxes, 4)).astype(np.float32)
    scores = rng.uniform(0, 1, (1, num_boxes, classes)).astype(np.float32)
    return enc, scores, anchors


CASES = [
    ({}, 3, True),
    ({"max_classes_per_detection": 2, "max_detections": 6}, 4, True),
    ({"use_regular_nms": True, "detections_per_class": 3, "max_detections": 8}, 3, True),
    ({"use_regular_nms": True, "nms_score_threshold": 0.6, "nms_iou_threshold": 0.3}, 5, False),
    ({"max_classes_per_detection": 5, "max_detections": 4, "nms_score_threshold": 0.0}, 2, False),
]


@requires_litert
@pytest.mark.parametrize("options,classes,background", CASES)
def test_detection_postprocess_matches_reference_and_litert(options, classes, background):
    options = dict(options, num_classes=classes)
    num_boxes = 40
    enc, scores, anchors = _inputs(num_boxes, classes + background)
    content = detection_model(num_boxes, classes + background, anchors, options)
    ours = run_edgelite(content, [enc, scores])
    theirs = run_litert(content, [enc, scores])
    boxes, cls, sc, count = postprocess(enc, scores, anchors, options)
    assert ours[3].shape == (1,) and int(ours[3][0]) == count == int(theirs[3][0])
    per = dict({"max_classes_per_detection": 1}, **options)["max_classes_per_detection"]
    valid = count * (per if not options.get("use_regular_nms") else 1)
    np.testing.assert_allclose(ours[0], boxes, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(ours[1], cls)
    np.testing.assert_array_equal(ours[2], sc)
    # Per detection, LiteRT writes min(per, classes) entries; the rest of a detection's slots stay unwritten.
    written = [d * per + j for d in range(count) for j in range(min(per, classes))] if not options.get(
        "use_regular_nms") else list(range(valid))
    np.testing.assert_allclose(ours[0][0, written], theirs[0][0, written], rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(ours[1][0, written], theirs[1][0, written])
    np.testing.assert_array_equal(ours[2][0, written], theirs[2][0, written])


@requires_litert
def test_detection_postprocess_uint8_inputs():
    num_boxes, classes = 30, 3
    enc, scores, anchors = _inputs(num_boxes, classes + 1)
    q_enc, q_sc, q_an = (0.05, 128), (1 / 255, 0), (1 / 255, 0)
    qe = np.clip(np.round(enc / q_enc[0]) + q_enc[1], 0, 255).astype(np.uint8)
    qs = np.clip(np.round(scores / q_sc[0]) + q_sc[1], 0, 255).astype(np.uint8)
    qa = np.clip(np.round(anchors / q_an[0]) + q_an[1], 0, 255).astype(np.uint8)
    options = {"num_classes": classes}
    content = detection_model(num_boxes, classes + 1, qa, options, dtype=np.uint8, quant=(q_enc, q_sc, q_an))
    ours = run_edgelite(content, [qe, qs])
    theirs = run_litert(content, [qe, qs])
    deq = lambda q, p: ((q.astype(np.float32) - p[1]) * np.float32(p[0])).astype(np.float32)  # noqa: E731
    boxes, cls, sc, count = postprocess(deq(qe, q_enc), deq(qs, q_sc), deq(qa, q_an), options)
    assert int(ours[3][0]) == count == int(theirs[3][0])
    np.testing.assert_allclose(ours[0][0, :count], boxes[0, :count], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours[0][0, :count], theirs[0][0, :count], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(ours[1][0, :count], theirs[1][0, :count])
    np.testing.assert_allclose(ours[2][0, :count], theirs[2][0, :count], rtol=1e-6)


@pytest.mark.parametrize("options,message", [
    ({"nms_iou_threshold": 0.0}, r"nms_iou_threshold must be in \(0, 1\]"),
    ({"num_classes": 7}, "one background class at most"),
    ({"max_classes_per_detection": 0}, "max_classes_per_detection must be positive"),
    # A fuzzed file had 792633534417207298 classes a detection: the output size wrapped in int32 (a crash).
    ({"max_classes_per_detection": 2**26}, "output slots is more than"),
])
def test_detection_postprocess_bad_options(options, message):
    import edgelite
    enc, scores, anchors = _inputs(8, 4)
    content = detection_model(8, 4, anchors, options)
    with pytest.raises(edgelite.EdgeliteError, match=message):
        run_edgelite(content, [enc, scores])


def test_detection_postprocess_missing_option():
    import edgelite
    from flatbuffers import flexbuffers
    from edgelite.model_builder import ModelBuilder
    b = ModelBuilder()
    ins = [b.add_input("e", [1, 4, 4]), b.add_input("s", [1, 4, 2]), b.add_constant("a", np.ones((4, 4), np.float32))]
    outs = [b.add_tensor(f"o{i}") for i in range(4)]
    for t in outs:
        b.mark_output(t)
    b.add_operator("CUSTOM", ins, outs, custom_code="TFLite_Detection_PostProcess",
                   custom_options=bytes(flexbuffers.Dumps({"max_detections": 3})))
    with pytest.raises(edgelite.EdgeliteError, match="custom option 'max_classes_per_detection' is missing"):
        run_edgelite(b.build(), [np.zeros((1, 4, 4), np.float32), np.zeros((1, 4, 2), np.float32)])
