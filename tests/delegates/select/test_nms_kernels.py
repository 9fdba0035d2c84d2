"""NonMaxSuppressionV3/V4/V5 of libedgelite_select.so against a NumPy greedy (and soft-NMS) selection:
padding, valid counts, score thresholds, boxes given in either corner order, and dynamic outputs."""

import numpy as np
import pytest

from select_harness import SelectError

RNG = np.random.default_rng(3)


def iou(a, b):
    a = np.array([min(a[0], a[2]), min(a[1], a[3]), max(a[0], a[2]), max(a[1], a[3])], np.float64)
    b = np.array([min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])], np.float64)
    area_a, area_b = (a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])
    if area_a <= 0 or area_b <= 0:
        return 0.0
    inter = max(min(a[2], b[2]) - max(a[0], b[0]), 0) * max(min(a[3], b[3]) - max(a[1], b[1]), 0)
    return inter / (area_a + area_b - inter)


def nms_reference(boxes, scores, max_out, iou_threshold, score_threshold, sigma=0.0):
    """Eager selection: after each pick every remaining candidate is lowered (soft) or dropped (hard)."""
    live = {i: float(s) for i, s in enumerate(scores) if s > score_threshold}
    selected, selected_scores = [], []
    while live and len(selected) < max_out:
        best = max(live, key=lambda i: (live[i], -i))
        selected.append(best)
        selected_scores.append(live.pop(best))
        for i in list(live):
            o = iou(boxes[i], boxes[best])
            if sigma > 0:
                live[i] *= np.exp(-0.5 * o * o / sigma)
            elif o > iou_threshold:
                live[i] = -np.inf
            if live[i] <= score_threshold:
                del live[i]
    return np.array(selected, np.int32), np.array(selected_scores, np.float32)


def random_boxes(n):
    corners = RNG.uniform(0, 10, (n, 2))
    sizes = RNG.uniform(1, 4, (n, 2))
    boxes = np.concatenate([corners, corners + sizes], axis=1)[:, [0, 1, 2, 3]].astype(np.float32)
    flip = RNG.random(n) < 0.3  # some boxes given as [y2, x2, y1, x1]
    boxes[flip] = boxes[flip][:, [2, 3, 0, 1]]
    return boxes, RNG.permutation(n).astype(np.float32) / n


def scalars(max_out, iou_threshold, score_threshold):
    return [np.array(max_out, np.int32), np.array(iou_threshold, np.float32), np.array(score_threshold, np.float32)]


@pytest.mark.parametrize("max_out,iou_threshold,score_threshold", [(10, 0.5, 0.0), (4, 0.3, 0.2), (40, 0.7, -1.0),
                                                                    (0, 0.5, 0.0), (40, 1.0, 0.5), (40, 0.0, 0.0)])
def test_v3_selects_greedily(select_lib, max_out, iou_threshold, score_threshold):
    boxes, scores = random_boxes(30)
    (idx,) = select_lib.run("NonMaxSuppressionV3", [boxes, scores] + scalars(max_out, iou_threshold, score_threshold),
                            [np.int32])
    ref, _ = nms_reference(boxes, scores, max_out, iou_threshold, score_threshold)
    np.testing.assert_array_equal(idx, ref)
    assert select_lib.last_dynamic[0]


@pytest.mark.parametrize("pad", [False, True])
def test_v4_pads_and_counts(select_lib, pad):
    boxes, scores = random_boxes(25)
    idx, valid = select_lib.run("NonMaxSuppressionV4", [boxes, scores] + scalars(20, 0.3, 0.4), [np.int32, np.int32],
                                {"pad_to_max_output_size": pad})
    ref, _ = nms_reference(boxes, scores, 20, 0.3, 0.4)
    assert valid.shape == () and int(valid) == len(ref)
    assert len(ref) < 20
    np.testing.assert_array_equal(idx[:len(ref)], ref)
    if pad:
        assert idx.shape == (20,) and not idx[len(ref):].any()
    else:
        assert idx.shape == (len(ref),)


@pytest.mark.parametrize("sigma,pad", [(0.0, False), (0.5, False), (0.2, True), (1.0, True)])
def test_v5_soft_nms(select_lib, sigma, pad):
    boxes, scores = random_boxes(30)
    idx, sel_scores, valid = select_lib.run(
        "NonMaxSuppressionV5", [boxes, scores] + scalars(12, 0.4, 0.05) + [np.array(sigma, np.float32)],
        [np.int32, np.float32, np.int32], {"pad_to_max_output_size": pad})
    ref, ref_scores = nms_reference(boxes, scores, 12, 0.4, 0.05, sigma)
    n = int(valid)
    assert n == len(ref)
    np.testing.assert_array_equal(idx[:n], ref)
    np.testing.assert_allclose(sel_scores[:n], ref_scores, rtol=1e-5)
    assert idx.shape == sel_scores.shape == ((12,) if pad else (n,))


def test_ties_keep_the_lower_index_first(select_lib):
    boxes = np.array([[0, 0, 1, 1], [5, 5, 6, 6], [0, 0, 1, 1], [9, 9, 10, 10]], np.float32)
    scores = np.array([0.5, 0.9, 0.5, 0.9], np.float32)
    (idx,) = select_lib.run("NonMaxSuppressionV3", [boxes, scores] + scalars(10, 0.5, 0.0), [np.int32])
    np.testing.assert_array_equal(idx, [1, 3, 0])


def test_nms_errors(select_lib):
    boxes, scores = random_boxes(4)
    with pytest.raises(SelectError, match=r"iou_threshold 1.5 must be in \[0, 1\]"):
        select_lib.run("NonMaxSuppressionV3", [boxes, scores] + scalars(3, 1.5, 0.0), [np.int32])
    with pytest.raises(SelectError, match="max_output_size -1 must be non-negative"):
        select_lib.run("NonMaxSuppressionV3", [boxes, scores] + scalars(-1, 0.5, 0.0), [np.int32])
    with pytest.raises(SelectError, match=r"boxes must be \[num_boxes, 4\]"):
        select_lib.run("NonMaxSuppressionV3", [boxes[:, :3], scores] + scalars(3, 0.5, 0.0), [np.int32])
