// TFLite_Detection_PostProcess, the custom operator every SSD detector converted by TF's object-detection
// exporter ends with, as LiteRT's builtin resolver runs it (tflite/kernels/detection_postprocess.cc):
// decode centre-size box encodings against the anchors (in double, as LiteRT does), then either fast NMS
// (each anchor ranked by its best class; its top max_classes_per_detection classes are reported) or
// regular NMS (per class, detections_per_class each, merged into the max_detections best). Selection keeps
// scores >= nms_score_threshold, drops a candidate whose IoU with a kept box is > nms_iou_threshold, and
// breaks score ties by lower anchor index. uint8/int8 inputs are dequantized with their tensor's scale.
// Outputs: boxes [1, N, 4] (ymin, xmin, ymax, xmax), classes [1, N], scores [1, N], count [1], all float32,
// N = max_detections * max_classes_per_detection; entries past the count are zero.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "delegates/select/builtins/custom_ops.h"

namespace edgelite::select {
namespace {

struct Box {
  float ymin, xmin, ymax, xmax;
};

struct Params {
  int64_t max_detections, max_classes_per_detection, detections_per_class, num_classes;
  bool regular;
  float score_threshold, iou_threshold;
  double y_scale, x_scale, h_scale, w_scale;
};

Params ReadParams(const OpContext& c) {
  Params p;
  p.max_detections = CustomInt(c, "max_detections");
  p.max_classes_per_detection = CustomInt(c, "max_classes_per_detection");
  p.detections_per_class = CustomInt(c, "detections_per_class", 100);
  p.num_classes = CustomInt(c, "num_classes");
  p.regular = CustomInt(c, "use_regular_nms", 0) != 0;
  p.score_threshold = static_cast<float>(CustomFloat(c, "nms_score_threshold"));
  p.iou_threshold = static_cast<float>(CustomFloat(c, "nms_iou_threshold"));
  p.y_scale = CustomFloat(c, "y_scale");
  p.x_scale = CustomFloat(c, "x_scale");
  p.h_scale = CustomFloat(c, "h_scale");
  p.w_scale = CustomFloat(c, "w_scale");
  if (p.max_detections < 0) c.Fail("max_detections ", p.max_detections, " must be non-negative");
  if (p.max_classes_per_detection < 1) c.Fail("max_classes_per_detection must be positive");
  // The outputs hold max_detections * max_classes_per_detection boxes of 4 floats, sized in int32.
  constexpr int64_t kMaxSlots = std::numeric_limits<int32_t>::max() / 4;
  if (p.max_classes_per_detection > kMaxSlots / std::max<int64_t>(p.max_detections, 1)) {
    c.Fail("max_detections ", p.max_detections, " x max_classes_per_detection ", p.max_classes_per_detection,
           " output slots is more than ", kMaxSlots);
  }
  if (p.detections_per_class < 1) c.Fail("detections_per_class must be positive");
  if (!(p.iou_threshold > 0.0f && p.iou_threshold <= 1.0f)) c.Fail("nms_iou_threshold must be in (0, 1]");
  return p;
}

void Check(OpContext& c) {
  const Params p = ReadParams(c);
  const TensorView boxes = c.input(0), scores = c.input(1), anchors = c.input(2);
  if (boxes.rank() != 3 || boxes.dim(0) != 1 || boxes.dim(2) < 4) c.Fail("box encodings must be [1, num_boxes, >= 4]");
  if (scores.rank() != 3 || scores.dim(0) != 1 || scores.dim(1) != boxes.dim(1)) {
    c.Fail("class predictions must be [1, num_boxes, classes] with num_boxes = ", boxes.dim(1));
  }
  if (anchors.rank() != 2 || anchors.dim(0) != boxes.dim(1) || anchors.dim(1) != 4) {
    c.Fail("anchors must be [num_boxes, 4] with num_boxes = ", boxes.dim(1));
  }
  const int64_t background = scores.dim(2) - p.num_classes;
  if (background != 0 && background != 1) {
    c.Fail("class predictions have ", scores.dim(2), " classes; num_classes is ", p.num_classes,
           " (one background class at most)");
  }
  for (int i = 0; i < 3; ++i) {
    const int32_t t = c.input(i).type();
    if (t != kLiteFloat32 && t != kLiteUint8 && t != kLiteInt8) {
      c.Fail("input ", i, " has type ", LiteTypeName(t), "; this kernel takes float32, uint8 or int8");
    }
    if (t != kLiteFloat32 && c.input(i).info.num_scales != 1) c.Fail("quantized input ", i, " needs one scale");
  }
  for (int i = 0; i < 4; ++i) c.ExpectOutputType(i, kLiteFloat32);
}

void OutputShapes(OpContext& c) {
  const Params p = ReadParams(c);
  const int32_t n = static_cast<int32_t>(p.max_detections * p.max_classes_per_detection);
  c.ResizeOutput(0, {1, n, 4});
  c.ResizeOutput(1, {1, n});
  c.ResizeOutput(2, {1, n});
  c.ResizeOutput(3, {1});
}

// Element k of input i as float (dequantized for uint8 / int8, in float as LiteRT's Dequantizer).
std::vector<float> AsFloats(const OpContext& c, int i) {
  const TensorView t = c.input(i);
  std::vector<float> out(t.num_elements());
  if (t.type() == kLiteFloat32) {
    std::copy(t.data<float>(), t.data<float>() + out.size(), out.begin());
    return out;
  }
  const float scale = t.info.scales[0], zero = static_cast<float>(t.info.zero_points[0]);
  for (size_t k = 0; k < out.size(); ++k) {
    const float v = t.type() == kLiteUint8 ? t.data<uint8_t>()[k] : t.data<int8_t>()[k];
    out[k] = (v - zero) * scale;
  }
  return out;
}

std::vector<Box> Decode(const OpContext& c, const Params& p) {
  const TensorView enc = c.input(0);
  const int64_t n = enc.dim(1), stride = enc.dim(2);
  const std::vector<float> e = AsFloats(c, 0), a = AsFloats(c, 2);
  std::vector<Box> boxes(n);
  for (int64_t i = 0; i < n; ++i) {
    const float* b = &e[i * stride];
    const float* an = &a[i * 4];  // anchors: y centre, x centre, height, width
    const float yc = static_cast<float>(b[0] / p.y_scale * an[2] + an[0]);
    const float xc = static_cast<float>(b[1] / p.x_scale * an[3] + an[1]);
    const float hh = static_cast<float>(0.5 * std::exp(b[2] / p.h_scale) * an[2]);
    const float hw = static_cast<float>(0.5 * std::exp(b[3] / p.w_scale) * an[3]);
    boxes[i] = {yc - hh, xc - hw, yc + hh, xc + hw};
    if (boxes[i].ymin > boxes[i].ymax || boxes[i].xmin > boxes[i].xmax) {
      c.Fail("decoded box ", i, " has its corners swapped (a negative anchor size)");
    }
  }
  return boxes;
}

float Iou(const Box& a, const Box& b) {
  const float area_a = (a.ymax - a.ymin) * (a.xmax - a.xmin), area_b = (b.ymax - b.ymin) * (b.xmax - b.xmin);
  if (area_a <= 0 || area_b <= 0) return 0.0f;
  const float inter = std::max(std::min(a.ymax, b.ymax) - std::max(a.ymin, b.ymin), 0.0f) *
                      std::max(std::min(a.xmax, b.xmax) - std::max(a.xmin, b.xmin), 0.0f);
  return inter / (area_a + area_b - inter);
}

// Greedy single-class NMS over scores[i] (one per box): the kept box indices, best first.
std::vector<int64_t> SelectSingleClass(const std::vector<Box>& boxes, const std::vector<float>& scores,
                                       const Params& p, int64_t limit) {
  std::vector<int64_t> order;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (scores[i] >= p.score_threshold) order.push_back(static_cast<int64_t>(i));
  }
  std::stable_sort(order.begin(), order.end(), [&](int64_t i, int64_t j) { return scores[i] > scores[j]; });
  std::vector<char> active(order.size(), 1);
  std::vector<int64_t> selected;
  for (size_t i = 0; i < order.size() && static_cast<int64_t>(selected.size()) < limit; ++i) {
    if (!active[i]) continue;
    selected.push_back(order[i]);
    for (size_t j = i + 1; j < order.size(); ++j) {
      if (active[j] && Iou(boxes[order[i]], boxes[order[j]]) > p.iou_threshold) active[j] = 0;
    }
  }
  return selected;
}

// Indices of the `k` largest of v[0..n) in decreasing order (ties: lower index first).
std::vector<int64_t> TopIndices(const float* v, int64_t n, int64_t k) {
  std::vector<int64_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](int64_t i, int64_t j) { return v[i] > v[j]; });
  idx.resize(std::min(k, n));
  return idx;
}

struct Outputs {
  float *boxes, *classes, *scores;
  void Put(int64_t slot, const Box& b, float cls, float score) const {
    std::copy(&b.ymin, &b.ymin + 4, boxes + slot * 4);
    classes[slot] = cls;
    scores[slot] = score;
  }
};

void Eval(OpContext& c) {
  const Params p = ReadParams(c);
  const std::vector<Box> boxes = Decode(c, p);
  const std::vector<float> scores = AsFloats(c, 1);
  const int64_t n = static_cast<int64_t>(boxes.size()), with_bg = c.input(1).dim(2);
  const int64_t offset = with_bg - p.num_classes;
  const Outputs out{c.output(0).data<float>(), c.output(1).data<float>(), c.output(2).data<float>()};
  const int64_t slots = c.output(1).num_elements();
  std::fill(out.boxes, out.boxes + slots * 4, 0.0f);
  std::fill(out.classes, out.classes + slots, 0.0f);
  std::fill(out.scores, out.scores + slots, 0.0f);
  int64_t count = 0;
  if (!p.regular) {
    const int64_t per_anchor = std::min(p.max_classes_per_detection, p.num_classes);
    std::vector<std::vector<int64_t>> top(n);
    std::vector<float> best(n);
    for (int64_t i = 0; i < n; ++i) {
      top[i] = TopIndices(&scores[i * with_bg + offset], p.num_classes, per_anchor);
      best[i] = top[i].empty() ? 0.0f : scores[i * with_bg + offset + top[i][0]];
    }
    for (int64_t box : SelectSingleClass(boxes, best, p, p.max_detections)) {
      for (int64_t k = 0; k < per_anchor; ++k) {
        const int64_t cls = top[box][k];
        out.Put(p.max_classes_per_detection * count + k, boxes[box], static_cast<float>(cls),
                scores[box * with_bg + offset + cls]);
      }
      ++count;
    }
  } else {
    struct Detection {
      int64_t box, cls;
      float score;
    };
    std::vector<Detection> kept;
    std::vector<float> class_scores(n);
    for (int64_t cls = 0; cls < p.num_classes; ++cls) {
      for (int64_t i = 0; i < n; ++i) class_scores[i] = scores[i * with_bg + offset + cls];
      for (int64_t box : SelectSingleClass(boxes, class_scores, p, p.detections_per_class)) {
        kept.push_back({box, cls, class_scores[box]});
      }
      // The running best max_detections, best first (earlier entries win ties, as LiteRT's merge).
      std::stable_sort(kept.begin(), kept.end(),
                       [](const Detection& a, const Detection& b) { return a.score > b.score; });
      if (static_cast<int64_t>(kept.size()) > p.max_detections) kept.resize(p.max_detections);
    }
    for (const Detection& d : kept) out.Put(count++, boxes[d.box], static_cast<float>(d.cls), d.score);
  }
  c.output(3).data<float>()[0] = static_cast<float>(count);
}

}  // namespace

const KernelDef& DetectionPostProcessKernel() {
  static const KernelDef kernel{"TFLite_Detection_PostProcess", 3, 3, 4, Check, OutputShapes, Eval};
  return kernel;
}

}  // namespace edgelite::select
