// PAD, PADV2 and MIRROR_PAD: padding given by a [rank, 2] int32/int64 paddings tensor (before, after per
// axis). PAD and PADV2 fill with the scalar input 2 when present, else zero (both accept it, as .tflite
// runs them with one kernel); MIRROR_PAD reflects the input at each border (REFLECT or SYMMETRIC).
// Paddings known only at run time make the output dynamic. Quantized inputs (int8, uint8, int16) are
// copied raw, as in LiteRT, which does not compare the input's quantization with the output's: PAD fills
// with the output's zero point, PADV2 with its constant, which must be quantized as the output.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/quantization_params.h"
#include "interpreter/kernels/reference/pad.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

enum class PadMode { kConstant, kReflect, kSymmetric };

struct PadData : VariantChoice<PadData> {
  PadMode mode = PadMode::kConstant;
  int32_t fill = 0;  // PAD's value when there is no constant input: 0, or a quantized output's zero point
  // Sized in prepare so that a dynamic resize in eval reuses their memory.
  Dims before, after, out_dims;
  reference::PadLayout layout;
};

Status InitMirror(KernelContext& ctx, Node& node) {
  auto* data = new PadData();
  node.user_data = data;
  // REFLECT is the schema's default mode.
  const auto* o = node.op ? node.op->builtin_options_as_MirrorPadOptions() : nullptr;
  const schema::MirrorPadMode mode = o ? o->mode() : schema::MirrorPadMode_REFLECT;
  switch (mode) {
    case schema::MirrorPadMode_REFLECT: data->mode = PadMode::kReflect; return Status::Ok();
    case schema::MirrorPadMode_SYMMETRIC: data->mode = PadMode::kSymmetric; return Status::Ok();
    default: return ctx.Error(node, StrCat("unknown mirror pad mode ", static_cast<int>(mode)));
  }
}

// Reads the paddings (already checked to be [rank, 2]) and sizes the output.
Status ResizeOutput(KernelContext& ctx, const Node& node, PadData& data, const Tensor& in,
                    const Tensor& paddings, Tensor& out) {
  const int rank = in.rank();
  for (int a = 0; a < rank; ++a) {
    const int64_t b = IntValueAt(paddings, 2 * a), e = IntValueAt(paddings, 2 * a + 1);
    if (b < 0 || e < 0) {
      return ctx.Error(node, StrCat("paddings must be non-negative, got [", b, ", ", e, "] for axis ", a));
    }
    if (data.mode != PadMode::kConstant && (b > 0 || e > 0)) {
      // Each border mirrors slices of the input: REFLECT skips the edge slice, SYMMETRIC repeats it.
      const bool reflect = data.mode == PadMode::kReflect;
      const int64_t limit = in.dim(a) - (reflect ? 1 : 0);
      if (b > limit || e > limit) {
        return ctx.Error(node, StrCat(reflect ? "REFLECT" : "SYMMETRIC", " paddings [", b, ", ", e, "] of axis ", a,
                                      " must be ", reflect ? "less than" : "at most", " its size ", in.dim(a)));
      }
    }
    const int64_t size = in.dim(a) + b + e;
    if (size > std::numeric_limits<int32_t>::max()) {
      return ctx.Error(node, StrCat("padded axis ", a, " would have ", size, " elements"));
    }
    data.before[a] = static_cast<int32_t>(b);
    data.after[a] = static_cast<int32_t>(e);
    data.out_dims[a] = static_cast<int32_t>(size);
  }
  reference::MakePadLayout(in.dims, data.before, data.after, &data.layout);
  return ctx.ResizeTensor(out, data.out_dims);
}

template <typename T, typename Borders>
void Run(const reference::PadLayout& l, const Tensor& in, const Borders& borders, Tensor& out, ThreadPool& pool) {
  const T* src = in.data_as<T>();
  T* dst = out.data_as<T>();
  if (l.in_dims.empty()) {
    reference::Pad(l, src, dst, borders);
    return;
  }
  // Axis 0's input range split over threads (each block is independent), then its borders: mirrored
  // borders copy from the finished interior.
  const int64_t block = std::max<int64_t>(l.out_strides[0], 1);
  const double row_cost = ThreadPool::kCostVectorValue * static_cast<double>(block);
  pool.ParallelFor(l.in_dims[0], row_cost, [&](int64_t b, int64_t e, int) {
    reference::PadAxisRange(l, 0, b, e, src, dst, borders);
  });
  borders(l, 0, dst);
}

// Resizes a dynamic output; false when there is nothing to pad into.
Status ResizeIfDynamic(KernelContext& ctx, const Node& node, PadData& data, bool* empty) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) EL_RETURN_IF_ERROR(ResizeOutput(ctx, node, data, in, *ctx.input(node, 1), out));
  *empty = out.num_elements() == 0;
  return Status::Ok();
}

template <typename T>
Status EvalConstant(KernelContext& ctx, Node& node, PadData& data) {
  bool empty;
  EL_RETURN_IF_ERROR(ResizeIfDynamic(ctx, node, data, &empty));
  if (empty) return Status::Ok();
  const Tensor* value = ctx.input(node, 2);
  const T fill = value ? *value->data_as<T>() : static_cast<T>(data.fill);
  Run<T>(data.layout, *ctx.input(node, 0), reference::ConstantBorders<T>{fill}, *ctx.output(node, 0),
         ctx.thread_pool());
  return Status::Ok();
}

// Mirrored elements move as words of their width: one instantiation per width covers every dtype.
template <typename Word>
Status EvalMirror(KernelContext& ctx, Node& node, PadData& data) {
  bool empty;
  EL_RETURN_IF_ERROR(ResizeIfDynamic(ctx, node, data, &empty));
  if (empty) return Status::Ok();
  const reference::MirrorBorders borders{data.mode == PadMode::kReflect ? 1 : 0};
  Run<Word>(data.layout, *ctx.input(node, 0), borders, *ctx.output(node, 0), ctx.thread_pool());
  return Status::Ok();
}

// The fill value of quantized types (LiteRT: uint8 always, int8 and int16 when quantized): the output's zero
// point, or the constant, which must be quantized as the output.
Status PrepareQuantizedFill(KernelContext& ctx, Node& node, PadData& data) {
  const Tensor& in = *ctx.input(node, 0);
  const Tensor& out = *ctx.output(node, 0);
  data.fill = 0;
  if (in.quant.empty() && in.type != DataType::kUInt8) return Status::Ok();  // plain integers: 0 or the constant
  if (const Tensor* value = ctx.input(node, 2)) {
    return RequireSameQuantization(ctx, node, *value, "constant_values", out, "output");
  }
  if (out.quant.empty()) return Status::Ok();
  TensorQuantization q;
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, out, "output", &q));
  data.fill = q.zero_point;
  return Status::Ok();
}

#define EL_PAD_ROW(NAME, SET, PREPARE, EVAL)                                                                  \
  {NAME, TypeSignature{{SET, kIndexTypes, kSameAsInput0}, {kSameAsInput0}}, Isa::kReference, nullptr, PREPARE, \
   EVAL}
const KernelVariant<PadData> kConstantVariants[] = {
    EL_PAD_ROW("float32", kF32, nullptr, EvalConstant<float>),
    EL_PAD_ROW("int32", kI32, nullptr, EvalConstant<int32_t>),
    EL_PAD_ROW("int64", kI64, nullptr, EvalConstant<int64_t>),
    EL_PAD_ROW("int8", kI8, PrepareQuantizedFill, EvalConstant<int8_t>),
    EL_PAD_ROW("uint8", kU8, PrepareQuantizedFill, EvalConstant<uint8_t>),
    EL_PAD_ROW("int16", kI16, PrepareQuantizedFill, EvalConstant<int16_t>),
    EL_PAD_ROW("bool", kBool, nullptr, EvalConstant<bool>),
    // float16 moves as its 16 bits: the constant's bits, or 0 (+0.0) without one.
    EL_PAD_ROW("float16", kF16 | TypeBit(DataType::kBFloat16), nullptr, EvalConstant<int16_t>),
    // float8 (PAD / PADV2 6) likewise as its byte; 0 is +0.0.
    EL_PAD_ROW("float8", TypeBit(DataType::kFloat8E4M3FN) | TypeBit(DataType::kFloat8E5M2), nullptr,
               EvalConstant<int8_t>),
};
const KernelVariant<PadData> kMirrorVariants[] = {
    EL_PAD_ROW("1-byte", kMovableNumeric1Byte, nullptr, EvalMirror<uint8_t>),
    EL_PAD_ROW("2-byte", kMovable2Byte, nullptr, EvalMirror<uint16_t>),
    EL_PAD_ROW("4-byte", kMovable4Byte, nullptr, EvalMirror<uint32_t>),
    EL_PAD_ROW("8-byte", kMovable8Byte, nullptr, EvalMirror<uint64_t>),
};
#undef EL_PAD_ROW


Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<PadData*>(node.user_data);
  const bool constant = data.mode == PadMode::kConstant;
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, constant ? 3 : 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *paddings, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &paddings));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(constant ? SelectVariant(ctx, node, kConstantVariants, data)
                              : SelectVariant(ctx, node, kMirrorVariants, data));
  const int rank = in->rank();
  if (paddings->dims != Dims{rank, 2}) {
    return ctx.Error(node, StrCat("paddings must have shape [", rank, ", 2] for an input of rank ", rank, ", got ",
                                  DimsToString(paddings->dims)));
  }
  if (Tensor* value = ctx.input(node, 2)) {
    if (value->num_elements() != 1) {
      return ctx.Error(node, StrCat("constant_values must hold one value, got shape ", DimsToString(value->dims)));
    }
  }
  data.before.assign(rank, 0);
  data.after.assign(rank, 0);
  data.out_dims.assign(rank, 0);
  reference::MakePadLayout(in->dims, data.before, data.after, &data.layout);  // reserves the layout's vectors
  if (!HasValuesAtPrepare(*paddings)) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  return ResizeOutput(ctx, node, data, *in, *paddings, *out);
}

const KernelRegistration kConstantPad = {NewNodeData<PadData>, DeleteNodeData<PadData>, Prepare,
                                         EvalSelectedVariant<PadData>};

}  // namespace

const KernelRegistration* Register_PAD() { return &kConstantPad; }
const KernelRegistration* Register_PADV2() { return &kConstantPad; }
const KernelRegistration* Register_MIRROR_PAD() {
  static const KernelRegistration reg = {InitMirror, DeleteNodeData<PadData>, Prepare,
                                        EvalSelectedVariant<PadData>};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(PAD, kConstantVariants)
EL_KERNEL_TYPES(PADV2, kConstantVariants)
EL_KERNEL_TYPES(MIRROR_PAD, kMirrorVariants)
