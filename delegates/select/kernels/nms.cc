// NonMaxSuppressionV3/V4/V5 with TF's greedy selection: candidates above score_threshold in descending
// score order (ties: lower box index first); a candidate whose IoU with a selected box exceeds
// iou_threshold is dropped; with V5's soft_nms_sigma > 0 overlaps instead scale the score by
// exp(-0.5 * iou^2 / sigma) and a lowered candidate goes back into the queue (each selected box lowers a
// candidate once). Boxes are [y1, x1, y2, x2] in either corner order. The number selected depends on the
// data, so outputs are dynamic unless pad_to_max_output_size fixes them at max_output_size.
#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

#include "delegates/select/kernels/common.h"

namespace edgelite::select {
namespace {

struct NmsVariant {
  bool has_pad, has_sigma, returns_scores, returns_count;
};

NmsVariant Variant(const OpContext& c) {
  if (c.op() == "NonMaxSuppressionV3") return {false, false, false, false};
  if (c.op() == "NonMaxSuppressionV4") return {true, false, false, true};
  return {true, true, true, true};
}

float Iou(const float* a, const float* b) {
  const float ay0 = std::min(a[0], a[2]), ax0 = std::min(a[1], a[3]), ay1 = std::max(a[0], a[2]),
              ax1 = std::max(a[1], a[3]);
  const float by0 = std::min(b[0], b[2]), bx0 = std::min(b[1], b[3]), by1 = std::max(b[0], b[2]),
              bx1 = std::max(b[1], b[3]);
  const float area_a = (ay1 - ay0) * (ax1 - ax0), area_b = (by1 - by0) * (bx1 - bx0);
  if (area_a <= 0 || area_b <= 0) return 0.0f;
  const float inter = std::max(std::min(ay1, by1) - std::max(ay0, by0), 0.0f) *
                      std::max(std::min(ax1, bx1) - std::max(ax0, bx0), 0.0f);
  return inter / (area_a + area_b - inter);
}

float ScalarFloat(const OpContext& c, int i, const char* what) {
  const TensorView t = c.input(i);
  if (t.type() != kLiteFloat32) c.Fail(what, " has type ", LiteTypeName(t.type()), "; this kernel supports float32");
  if (t.num_elements() != 1) c.Fail(what, " must be a scalar");
  return t.data<float>()[0];
}

bool Pad(const OpContext& c) { return Variant(c).has_pad && c.AttrBool("pad_to_max_output_size", false); }

void Check(OpContext& c) {
  const NmsVariant v = Variant(c);
  const TensorView boxes = c.input(0), scores = c.input(1), max_out = c.input(2);
  if (boxes.type() != kLiteFloat32 || scores.type() != kLiteFloat32) {
    c.Fail("boxes and scores must be float32, are ", LiteTypeName(boxes.type()), " and ", LiteTypeName(scores.type()));
  }
  if (boxes.rank() != 2 || boxes.dim(1) != 4) c.Fail("boxes must be [num_boxes, 4]");
  if (scores.rank() != 1 || scores.dim(0) != boxes.dim(0)) c.Fail("scores must be [num_boxes] with num_boxes = ", boxes.dim(0));
  if (max_out.type() != kLiteInt32 || max_out.num_elements() != 1) c.Fail("max_output_size must be an int32 scalar");
  for (int i = 3; i < c.num_inputs(); ++i) {
    if (c.input(i).type() != kLiteFloat32 || c.input(i).num_elements() != 1) {
      c.Fail("input ", i, " must be a float32 scalar");
    }
  }
  c.ExpectOutputType(0, kLiteInt32);
  if (v.returns_scores) c.ExpectOutputType(1, kLiteFloat32);
  if (v.returns_count) c.ExpectOutputType(c.num_outputs() - 1, kLiteInt32);
  Pad(c);
}

void NmsShape(OpContext& c) {
  const NmsVariant v = Variant(c);
  const int64_t max_out = c.InputScalarInt(2);
  if (max_out < 0) c.Fail("max_output_size ", max_out, " must be non-negative");
  if (v.returns_count) c.ResizeOutput(c.num_outputs() - 1, {});
  const int lists = v.returns_scores ? 2 : 1;
  for (int i = 0; i < lists; ++i) {
    if (Pad(c)) c.ResizeOutput(i, {static_cast<int32_t>(max_out)});
    else if (!c.output(i).info.is_dynamic) c.MarkOutputDynamic(i);
  }
}

struct Candidate {
  int32_t box;
  float score;
  int32_t checked;  // selected boxes [0, checked) have already lowered this candidate
};

struct Later {
  bool operator()(const Candidate& a, const Candidate& b) const {
    return a.score < b.score || (a.score == b.score && a.box > b.box);
  }
};

void Eval(OpContext& c) {
  const NmsVariant v = Variant(c);
  const TensorView boxes = c.input(0), scores = c.input(1);
  const int64_t max_out = c.InputScalarInt(2);
  if (max_out < 0) c.Fail("max_output_size ", max_out, " must be non-negative");
  const float iou_threshold = ScalarFloat(c, 3, "iou_threshold");
  const float score_threshold = c.num_inputs() > 4 ? ScalarFloat(c, 4, "score_threshold")
                                                   : -std::numeric_limits<float>::infinity();
  const float sigma = v.has_sigma ? ScalarFloat(c, 5, "soft_nms_sigma") : 0.0f;
  if (!(iou_threshold >= 0 && iou_threshold <= 1)) c.Fail("iou_threshold ", iou_threshold, " must be in [0, 1]");
  if (sigma < 0) c.Fail("soft_nms_sigma ", sigma, " must be non-negative");
  const bool soft = sigma > 0;
  const float scale = soft ? -0.5f / sigma : 0.0f;
  const float* box = boxes.data<float>();
  std::priority_queue<Candidate, std::vector<Candidate>, Later> queue;
  for (int32_t i = 0; i < scores.dim(0); ++i) {
    if (scores.data<float>()[i] > score_threshold) queue.push({i, scores.data<float>()[i], 0});
  }
  std::vector<int32_t> selected;
  std::vector<float> selected_scores;
  while (static_cast<int64_t>(selected.size()) < max_out && !queue.empty()) {
    Candidate next = queue.top();
    queue.pop();
    const float original = next.score;
    bool suppressed = false;
    for (int j = static_cast<int>(selected.size()) - 1; j >= next.checked; --j) {
      const float iou = Iou(box + 4 * next.box, box + 4 * selected[j]);
      next.score *= soft || iou <= iou_threshold ? std::exp(scale * iou * iou) : 0.0f;
      if (!soft && iou > iou_threshold) {
        suppressed = true;
        break;
      }
      if (next.score <= score_threshold) break;
    }
    next.checked = static_cast<int32_t>(selected.size());
    if (suppressed) continue;
    if (next.score == original) {
      selected.push_back(next.box);
      selected_scores.push_back(next.score);
    } else if (next.score > score_threshold) {
      queue.push(next);
    }
  }
  const int32_t valid = static_cast<int32_t>(selected.size());
  if (Pad(c)) {
    selected.resize(max_out, 0);
    selected_scores.resize(max_out, 0.0f);
  } else {
    c.ResizeOutput(0, {valid});
    if (v.returns_scores) c.ResizeOutput(1, {valid});
  }
  std::copy(selected.begin(), selected.end(), c.output(0).data<int32_t>());
  if (v.returns_scores) std::copy(selected_scores.begin(), selected_scores.end(), c.output(1).data<float>());
  if (v.returns_count) c.output(c.num_outputs() - 1).data<int32_t>()[0] = valid;
}

}  // namespace

const std::vector<KernelDef>& NmsKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"NonMaxSuppressionV3", 5, 5, 1, Check, NmsShape, Eval, 1u << 2},
      KernelDef{"NonMaxSuppressionV4", 5, 5, 2, Check, NmsShape, Eval, 1u << 2},
      KernelDef{"NonMaxSuppressionV5", 6, 6, 3, Check, NmsShape, Eval, 1u << 2},
  };
  return kernels;
}

}  // namespace edgelite::select
