// The rows of every LSTM operator's variant table, each running a node's passes over their sequences:
//   float32, vector ISAs: every step's input products in one packed GEMM over the whole sequence, then per
//     step one GEMM of the batch's states with the recurrent weights (and one for the projection); the
//     gates' element-wise work as the reference does it. For constant weights, no auxiliary input and full
//     recurrent matrices.
//   float32 reference: reference/lstm.h one batch row at a time, as LiteRT's kernels order the sums.
//   dynamic range (float input and state, int8 weights): reference/lstm.h's hybrid step, the input rows
//     quantized once per invoke, the state and the unprojected output each step; the int8 products vectorized
//     per ISA (optimized/hybrid_matvec.h, exact) or the reference's.
// Steps run forward or backward in time; batch rows are independent, so their order does not matter.
#include <algorithm>
#include <limits>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/lstm_cell.h"
#include "interpreter/kernels/optimized/hybrid_matvec.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

using reference::LstmFloatWeights;
using reference::LstmHybridWeights;

const float* FloatData(const Tensor* t) { return t ? t->data_as<float>() : nullptr; }
const int8_t* Int8Data(const Tensor* t) { return t ? t->data_as<int8_t>() : nullptr; }

LstmFloatWeights FloatWeights(const LstmCell& c) {
  LstmFloatWeights w;
  for (int g = 0; g < 4; ++g) {
    w.gates[g] = {FloatData(c.input_to_gate[g]), FloatData(c.aux_input_to_gate[g]), FloatData(c.recurrent_to_gate[g]),
                  FloatData(c.cell_to_gate[g]),  FloatData(c.layer_norm_coefficients[g]), FloatData(c.gate_bias[g])};
  }
  w.projection_weights = FloatData(c.projection_weights);
  w.projection_bias = FloatData(c.projection_bias);
  return w;
}

LstmHybridWeights HybridWeights(const LstmCell& c) {
  LstmHybridWeights w;
  for (int g = 0; g < 4; ++g) {
    reference::LstmHybridGateWeights& p = w.gates[g];
    p.input_weights = {Int8Data(c.input_to_gate[g]), c.input_scale[g]};
    p.aux_weights = {Int8Data(c.aux_input_to_gate[g]), c.aux_scale[g]};
    if (c.options.recurrent_diagonal) {
      p.recurrent_diagonal = FloatData(c.recurrent_to_gate[g]);
    } else {
      p.recurrent_weights = {Int8Data(c.recurrent_to_gate[g]), c.recurrent_scale[g]};
    }
    p.peephole = c.recovered_peephole[g].empty() ? nullptr : c.recovered_peephole[g].data();
    p.layer_norm = FloatData(c.layer_norm_coefficients[g]);
    p.bias = FloatData(c.gate_bias[g]);
  }
  w.projection_weights = {Int8Data(c.projection_weights), c.projection_scale};
  w.projection_bias = FloatData(c.projection_bias);
  return w;
}

// ---- float32 reference ----

Status PrepareFloatReference(KernelContext& ctx, Node& node, LstmNodeData& d) {
  for (int i = 0; i < d.num_passes; ++i) {
    LstmPass& p = d.passes[i];
    EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kFloat32, reference::LstmStepScratch(p.cell.sizes),
                                      &p.step_scratch));
  }
  return Status::Ok();
}

Status EvalFloatReference(KernelContext& ctx, Node& node, LstmNodeData& d) {
  for (int i = 0; i < d.num_passes; ++i) {
    const LstmPass& p = d.passes[i];
    const LstmCell& c = p.cell;
    const reference::LstmSizes& s = c.sizes;
    const LstmFloatWeights w = FloatWeights(c);
    const float* input = ctx.input(node, p.input)->data_as<float>();
    const float* aux = p.aux_input >= 0 && c.aux ? ctx.input(node, p.aux_input)->data_as<float>() : nullptr;
    float* output = ctx.output(node, p.output)->data_as<float>();
    float* h = c.output_state->data_as<float>();
    float* cs = c.cell_state->data_as<float>();
    float* scratch = ctx.tensor(p.step_scratch)->data_as<float>();
    ForEachSequenceStep(p.geometry, p.forward, [&](int, int b, int64_t row) {
      reference::LstmStepFloat(w, s, c.options, input + row * s.n_input, aux ? aux + row * s.n_aux_input : nullptr,
                               h + static_cast<int64_t>(b) * s.n_output, cs + static_cast<int64_t>(b) * s.n_cell,
                               output + row * p.output_stride + p.output_offset, scratch);
    });
  }
  return Status::Ok();
}

// ---- dynamic range ----

Status PrepareHybrid(KernelContext& ctx, Node& node, LstmNodeData& d) {
  d.hybrid_matvec = d.variant->isa == Isa::kReference ? reference::HybridMatVecAccumulate
                                                      : optimized::HybridMatVecFor(d.variant->isa)->accumulate;
  for (int i = 0; i < d.num_passes; ++i) {
    LstmPass& p = d.passes[i];
    const reference::LstmSizes& s = p.cell.sizes;
    EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kFloat32, reference::LstmStepScratch(s), &p.step_scratch));
    EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kInt8, reference::LstmHybridStepScratch(s),
                                      &p.quantized_scratch));
    EL_RETURN_IF_ERROR(p.quantized_inputs.Request(ctx, node, p.geometry.rows(), s.n_input, s.n_aux_input));
  }
  return Status::Ok();
}

Status EvalHybrid(KernelContext& ctx, Node& node, LstmNodeData& d) {
  for (int i = 0; i < d.num_passes; ++i) {
    LstmPass& p = d.passes[i];
    const LstmCell& c = p.cell;
    const reference::LstmSizes& s = c.sizes;
    const bool asymmetric = c.options.asymmetric_quantize_inputs;
    const LstmHybridWeights w = HybridWeights(c);
    const float* input = ctx.input(node, p.input)->data_as<float>();
    const float* aux = c.aux ? ctx.input(node, p.aux_input)->data_as<float>() : nullptr;
    p.quantized_inputs.Quantize(ctx, asymmetric, input, aux);
    float* output = ctx.output(node, p.output)->data_as<float>();
    float* h = c.output_state->data_as<float>();
    float* cs = c.cell_state->data_as<float>();
    float* scratch = ctx.tensor(p.step_scratch)->data_as<float>();
    int8_t* quantized = ctx.tensor(p.quantized_scratch)->data_as<int8_t>();
    ForEachSequenceStep(p.geometry, p.forward, [&](int, int b, int64_t row) {
      const HybridSequenceInputs::Step in = p.quantized_inputs.At(ctx, row);
      reference::LstmStepHybrid(w, s, c.options, in.input, in.input_is_zero, aux ? &in.aux : nullptr, in.aux_is_zero,
                                h + static_cast<int64_t>(b) * s.n_output, cs + static_cast<int64_t>(b) * s.n_cell,
                                output + row * p.output_stride + p.output_offset, scratch, quantized,
                                d.hybrid_matvec);
    });
  }
  return Status::Ok();
}

// ---- float32 with packed GEMMs ----

bool WeightsConstant(const LstmCell& c) {
  for (const Tensor* const* group : {c.input_to_gate, c.recurrent_to_gate, c.cell_to_gate, c.gate_bias,
                                     c.layer_norm_coefficients}) {
    for (int g = 0; g < 4; ++g) {
      if (group[g] && !HasValuesAtPrepare(*group[g])) return false;
    }
  }
  for (const Tensor* t : {c.projection_weights, c.projection_bias}) {
    if (t && !HasValuesAtPrepare(*t)) return false;
  }
  return true;
}

bool OptimizedApplies(const LstmNodeData& d, const Node&, KernelContext&) {
  for (int i = 0; i < d.num_passes; ++i) {
    const LstmCell& c = d.passes[i].cell;
    if (c.aux || c.options.recurrent_diagonal || !WeightsConstant(c)) return false;
  }
  return true;
}

// The gates present, in packed order (input, forget, cell, output; no input gate under CIFG).
int FirstGate(const LstmCell& c) { return c.options.cifg ? 1 : 0; }

// Packs `weights[g]` ([n_cell, depth] each, the gates present) one above the other with their biases (null:
// zeros) into `packed`, the matrix the GEMM multiplies by.
Status PackGates(KernelContext& ctx, Node& node, Isa isa, const LstmPass& p, const Tensor* const* weights,
                 const Tensor* const* biases, int depth, PackedWeights* packed) {
  const LstmCell& c = p.cell;
  const int n = c.sizes.n_cell, rows = p.gates * n;
  auto at = [&](const Tensor* const* group, int g) { return group ? group[g] : nullptr; };
  float* pack_now = nullptr;
  EL_RETURN_IF_ERROR(packed->Prepare(
      ctx, node, p.gemm->packed_size(rows, depth),
      {at(weights, 0), at(weights, 1), at(weights, 2), at(weights, 3), at(biases, 0), at(biases, 1), at(biases, 2),
       at(biases, 3)},
      PackingLayout(p.gates, static_cast<int>(isa)), &pack_now));
  if (!pack_now) return Status::Ok();
  std::vector<float> stacked(static_cast<size_t>(rows) * depth), bias(rows, 0.f);
  for (int g = FirstGate(c), slot = 0; g < 4; ++g, ++slot) {
    std::copy_n(weights[g]->data_as<float>(), static_cast<size_t>(n) * depth, stacked.data() + slot * n * depth);
    if (biases) std::copy_n(biases[g]->data_as<float>(), n, bias.data() + slot * n);
  }
  p.gemm->pack(stacked.data(), depth, 1, bias.data(), rows, depth, pack_now);
  return Status::Ok();
}

Status PrepareOptimized(KernelContext& ctx, Node& node, LstmNodeData& d) {
  for (int i = 0; i < d.num_passes; ++i) {
    LstmPass& p = d.passes[i];
    const LstmCell& c = p.cell;
    const reference::LstmSizes& s = c.sizes;
    p.gemm = optimized::GemmF32For(d.variant->isa);
    p.gates = c.options.cifg ? 3 : 4;
    const int width = p.gates * s.n_cell;
    // Under layer norm the bias comes after normalizing, so the products carry none.
    const Isa isa = d.variant->isa;
    EL_RETURN_IF_ERROR(PackGates(ctx, node, isa, p, c.input_to_gate, c.layer_norm ? nullptr : c.gate_bias, s.n_input,
                                 &p.input_weights));
    EL_RETURN_IF_ERROR(PackGates(ctx, node, isa, p, c.recurrent_to_gate, nullptr, s.n_output, &p.recurrent_weights));
    if (c.projection_weights) {
      float* pack_now = nullptr;
      EL_RETURN_IF_ERROR(p.projection.Prepare(ctx, node, p.gemm->packed_size(s.n_output, s.n_cell),
                                              {c.projection_weights, c.projection_bias},
                                              PackingLayout(1, static_cast<int>(isa)), &pack_now));
      if (pack_now) {
        p.gemm->pack(c.projection_weights->data_as<float>(), s.n_cell, 1, FloatData(c.projection_bias), s.n_output,
                     s.n_cell, pack_now);
      }
    }
    EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kFloat32, p.geometry.rows() * width, &p.input_products));
    // Per step: the batch's recurrent products, then its unprojected outputs.
    EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kFloat32,
                                      static_cast<int64_t>(p.geometry.batch) * (width + s.n_cell), &p.step_scratch));
  }
  return Status::Ok();
}

void Gemm(const LstmPass& p, KernelContext& ctx, int m, int n, int k, const float* a, const float* packed, float* c) {
  if (m == 0 || n == 0) return;
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const optimized::GemmShape shape{m, n, k, k, n, -kInf, kInf};
  p.gemm->gemm(shape, a, packed, c, ctx.thread_pool());
}

void RunOptimizedPass(KernelContext& ctx, Node& node, const LstmPass& p) {
  const LstmCell& c = p.cell;
  const reference::LstmSizes& s = c.sizes;
  const reference::LstmOptions& o = c.options;
  const SequenceGeometry& geo = p.geometry;
  const int n = s.n_cell, width = p.gates * n, first = FirstGate(c);
  const float* input = ctx.input(node, p.input)->data_as<float>();
  float* output = ctx.output(node, p.output)->data_as<float>();
  float* h = c.output_state->data_as<float>();
  float* cs = c.cell_state->data_as<float>();
  float* products = ctx.tensor(p.input_products)->data_as<float>();
  float* recurrent = ctx.tensor(p.step_scratch)->data_as<float>();
  float* hidden = recurrent + static_cast<int64_t>(geo.batch) * width;
  Gemm(p, ctx, static_cast<int>(geo.rows()), width, s.n_input, input, p.input_weights.data(ctx), products);
  const LstmFloatWeights w = FloatWeights(c);
  for (int step = 0; step < geo.max_time; ++step) {
    const int t = p.forward ? step : geo.max_time - 1 - step;
    Gemm(p, ctx, geo.batch, width, s.n_output, h, p.recurrent_weights.data(ctx), recurrent);
    for (int b = 0; b < geo.batch; ++b) {
      float* acc = recurrent + static_cast<int64_t>(b) * width;
      const float* from_input = products + geo.Row(t, b) * width;
      for (int i = 0; i < width; ++i) acc[i] += from_input[i];
      float* gates[4] = {};
      for (int g = first; g < 4; ++g) gates[g] = acc + (g - first) * n;
      float* cell = cs + static_cast<int64_t>(b) * n;
      // The products are done; what is left of each gate is the reference's.
      reference::RunLstmGates(o, n, gates, cell, hidden + static_cast<int64_t>(b) * n,
                              [&](int g, bool peephole, reference::SequenceActivation act) {
                                const reference::LstmGateWeights& gw = w.gates[g];
                                reference::FinishLstmGate(peephole ? gw.peephole : nullptr, cell, gw.layer_norm,
                                                          gw.bias, act, n, gates[g]);
                              });
    }
    if (c.projection_weights) {
      Gemm(p, ctx, geo.batch, s.n_output, n, hidden, p.projection.data(ctx), h);
      reference::ClipVector(o.proj_clip, h, geo.batch * s.n_output);
    } else {
      std::copy_n(hidden, static_cast<int64_t>(geo.batch) * n, h);
    }
    for (int b = 0; b < geo.batch; ++b) {
      std::copy_n(h + static_cast<int64_t>(b) * s.n_output, s.n_output,
                  output + geo.Row(t, b) * p.output_stride + p.output_offset);
    }
  }
}

Status EvalOptimized(KernelContext& ctx, Node& node, LstmNodeData& d) {
  for (int i = 0; i < d.num_passes; ++i) RunOptimizedPass(ctx, node, d.passes[i]);
  return Status::Ok();
}

// Input 0 float32, weights float32 (input 1 may be absent: CIFG) or int8; the other inputs are checked by
// ReadLstmCell.
constexpr TypeSignature kF32Types{{kF32, kF32, kF32, kAnyType}, {kF32}};
constexpr TypeSignature kHybridTypes{{kF32, kI8, kI8, kAnyType}, {kF32}};

const KernelVariant<LstmNodeData> kLstmVariants[] = {
    EL_VECTOR_ISA_ROWS("float32", kF32Types, OptimizedApplies, PrepareOptimized, EvalOptimized,
                       "constant weights, no auxiliary input and full recurrent matrices"),
    {"float32", kF32Types, Isa::kReference, nullptr, PrepareFloatReference, EvalFloatReference},
    EL_VECTOR_ISA_ROWS("hybrid int8", kHybridTypes, nullptr, PrepareHybrid, EvalHybrid),
    {"hybrid int8", kHybridTypes, Isa::kReference, nullptr, PrepareHybrid, EvalHybrid},
};

}  // namespace

Status SelectLstmVariant(KernelContext& ctx, Node& node, LstmNodeData& data) {
  return SelectVariant(ctx, node, kLstmVariants, data);
}

}  // namespace edgelite
