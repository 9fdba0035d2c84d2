// The `edgelite._core` module: the C++ interpreter for the Python `edgelite.Interpreter`. Errors
// become the exception classes of `edgelite.errors`; invoke runs without the GIL.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <map>
#include <set>

#include "interpreter/cpu_features.h"
#include "interpreter/interpreter.h"
#include "interpreter/interpreter_api.h"
#include "interpreter/kernels/builtin_ops.h"
#include "interpreter/plugin_ops.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/plugin_host.h"
#include "interpreter/string_tensor.h"
#include "schema/edgelite_generated.h"


namespace edgelite {
// Each kernel with a variant table defines KernelTypes_NAME (EL_KERNEL_TYPES); weak, so one without is null.
#define EL_DECLARE_KERNEL_TYPES(NAME, MAX_VERSION) __attribute__((weak)) VariantTypesView KernelTypes_##NAME();
EL_FOR_EACH_BUILTIN_OP(EL_DECLARE_KERNEL_TYPES)
#undef EL_DECLARE_KERNEL_TYPES

// The operator list as data, so the bindings loop over it once instead of expanding code per operator.
struct BuiltinOpEntry {
  const char* name;
  int max_version;
  VariantTypesView (*types)();  // null for a kernel without EL_KERNEL_TYPES
};
#define EL_OP_ENTRY(NAME, MAX_VERSION) {#NAME, MAX_VERSION, KernelTypes_##NAME},
const BuiltinOpEntry kBuiltinOpEntries[] = {EL_FOR_EACH_BUILTIN_OP(EL_OP_ENTRY)};
#undef EL_OP_ENTRY
}  // namespace edgelite

namespace py = pybind11;
using namespace edgelite;

namespace {

struct StatusError {
  Status status;
};

void Check(const Status& s) {
  if (!s.ok()) throw StatusError{s};
}

// The .tflite type number of a NumPy dtype, -1 for one edgelite has no tensor type for.
int TfLiteTypeOf(const py::dtype& dtype) {
  static const std::pair<const char*, DataType> kTypes[] = {
      {"float32", DataType::kFloat32}, {"float16", DataType::kFloat16}, {"int32", DataType::kInt32},
      {"uint8", DataType::kUInt8},     {"int64", DataType::kInt64},     {"bool", DataType::kBool},
      {"int16", DataType::kInt16},     {"complex64", DataType::kComplex64}, {"int8", DataType::kInt8},
      {"float64", DataType::kFloat64}, {"uint32", DataType::kUInt32}};
  for (const auto& [name, type] : kTypes)
    if (dtype.is(py::dtype(name))) return static_cast<int>(type);
  // ml_dtypes' types, by name: naming them in py::dtype would need ml_dtypes imported.
  const std::string name = py::str(dtype);
  for (DataType t : {DataType::kBFloat16, DataType::kFloat8E4M3FN, DataType::kFloat8E5M2})
    if (name == DataTypeName(t)) return static_cast<int>(t);
  return -1;
}

// Names come from the model, which a corrupt file may fill with invalid UTF-8: decode with replacement
// characters rather than raise UnicodeDecodeError from a details call.
py::str ModelText(const std::string& text) {
  return py::reinterpret_steal<py::str>(
      PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "replace"));
}

// A resource tensor holds an id, not values: NumPy sees it as object, as LiteRT shows it.
// INT4 / UINT4 / INT2 read as int8 / uint8 (as in LiteRT), bfloat16 and the float8s as ml_dtypes' types.
py::dtype NumpyDtype(DataType t) {
  if (t == DataType::kResource) return py::dtype("O");
  if (t == DataType::kBFloat16 || t == DataType::kFloat8E4M3FN || t == DataType::kFloat8E5M2) {
    return py::dtype::from_args(py::module_::import("ml_dtypes").attr(DataTypeName(t)));
  }
  return py::dtype(DataTypeName(HeldAsType(t)));
}

// A NumPy array of bytes or str (object, bytes_ or str_ dtype) as a .tflite string buffer, str as UTF-8, as
// LiteRT's set_tensor takes them; any other element is an InvalidArgumentError naming its position and type.
std::string ArrayToStrings(const py::array& value) {
  py::list items = value.attr("ravel")().attr("tolist")();
  const size_t n = items.size();
  std::string bytes;
  std::vector<int32_t> header(n + 2);
  header[0] = static_cast<int32_t>(n);
  size_t offset = (n + 2) * sizeof(int32_t);
  for (size_t i = 0; i < n; ++i) {
    PyObject* item = items[i].ptr();
    char* data = nullptr;
    Py_ssize_t size = 0;
    if (PyUnicode_Check(item)) {
      data = const_cast<char*>(PyUnicode_AsUTF8AndSize(item, &size));
      if (!data) throw py::error_already_set();
    } else if (!PyBytes_Check(item) || PyBytes_AsStringAndSize(item, &data, &size) != 0) {
      Check(InvalidArgument(StrCat("a string tensor takes bytes or str elements; element ", i, " is ",
                                   Py_TYPE(item)->tp_name)));
    }
    bytes.append(data, static_cast<size_t>(size));
    offset += static_cast<size_t>(size);
    if (offset > static_cast<size_t>(INT32_MAX)) Check(InvalidArgument("the strings pass 2 GiB, the format's limit"));
    header[i + 1] = static_cast<int32_t>(offset - static_cast<size_t>(size));
  }
  header[n + 1] = static_cast<int32_t>(offset);
  return std::string(reinterpret_cast<const char*>(header.data()), header.size() * sizeof(int32_t)) + bytes;
}

// A string tensor's value as LiteRT's get_tensor gives it: an object array of bytes.
py::array StringsToArray(const Tensor& t) {
  py::array out(py::dtype("O"), std::vector<py::ssize_t>(t.dims.begin(), t.dims.end()));
  auto** slots = static_cast<PyObject**>(out.mutable_data());
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    const StringRef s = GetString(t, i);
    PyObject* item = PyBytes_FromStringAndSize(s.data, static_cast<Py_ssize_t>(s.size));
    if (!item) throw py::error_already_set();
    Py_XDECREF(slots[i]);  // NumPy fills a new object array with None
    slots[i] = item;
  }
  return out;
}

// Holds the interpreter and what it needs alive; the Python wrapper object owns one of these.
class CoreInterpreter {
 public:
  // `custom_op_libraries`: (path, registration function name) pairs, loaded in order. `select_ops_library`:
  // loaded when the model has a custom operator named Flex* that nothing registered (empty: never).
  CoreInterpreter(py::object model_path, py::object model_content, int num_threads, py::list delegates,
                  std::vector<std::pair<std::string, std::string>> custom_op_libraries,
                  std::string select_ops_library, bool preserve_all_tensors, bool reference_kernels_only,
                  bool delegate_clustering, bool delegate_node_fusion, size_t max_arena_bytes) {
    std::shared_ptr<Model> model;
    if (!model_path.is_none()) {
      Check(Model::FromFile(py::cast<std::string>(model_path), &model));
    } else if (!model_content.is_none()) {
      py::buffer_info info = py::buffer(model_content).request();
      Check(Model::FromBuffer(info.ptr, static_cast<size_t>(info.size * info.itemsize), &model));
    } else {
      Check(InvalidArgument("give model_path or model_content"));
    }
    OpResolver resolver = MakeBuiltinOpResolver();
    for (const auto& [path, symbol] : custom_op_libraries) Check(LoadCustomOpLibrary(path, symbol, &resolver));
    if (!select_ops_library.empty() && NeedsSelectOps(*model, resolver)) {
      Check(LoadCustomOpLibrary(select_ops_library, "", &resolver));
    }
    InterpreterOptions options;
    options.num_threads = num_threads;
    options.graph.preserve_all_tensors = preserve_all_tensors;
    options.graph.reference_kernels_only = reference_kernels_only;
    options.graph.partitioning.clustering = delegate_clustering;
    options.graph.partitioning.node_fusion = delegate_node_fusion;
    options.graph.max_arena_bytes = max_arena_bytes;
    Check(Interpreter::Create(model, resolver, options, &interp_));
    for (py::handle d : delegates) {
      auto delegate = py::cast<std::shared_ptr<Delegate>>(d);
      Check(interp_->ModifyGraphWithDelegate(delegate));
    }
  }

  // Raises NotReadyError "interpreter is busy in another thread" while another Python thread's invoke (which
  // runs without the GIL) is inside the interpreter: every accessor below goes through sg() or tensor().
  void CheckIdle() {
    InterpreterUse use(*interp_);
    Check(use.status());
  }

  Subgraph& sg(int index) {
    CheckIdle();
    Subgraph* s = nullptr;
    Check(api::GetSubgraph(*interp_, index, &s));
    return *s;
  }

  Tensor& tensor(int subgraph, int index) {
    CheckIdle();
    Tensor* t = nullptr;
    Check(api::GetTensor(*interp_, subgraph, index, &t));
    return *t;
  }

  void AllocateTensors(int subgraph) { Check(interp_->AllocateTensors(subgraph)); }

  void Invoke(int subgraph) {
    // Taken before the GIL is released, so no other Python thread's call slips in before invoke starts.
    InterpreterUse use(*interp_);
    Check(use.status());
    Status status;
    {
      py::gil_scoped_release release;
      status = interp_->Invoke(subgraph);
    }
    Check(status);
  }

  py::dict TensorInfo(int subgraph, int index) {
    Tensor& t = tensor(subgraph, index);
    py::dict d;
    d["name"] = ModelText(t.name);
    d["index"] = index;
    d["shape"] = py::array_t<int32_t>(t.dims.size(), t.dims.data());
    d["shape_signature"] = py::array_t<int32_t>(t.dims_signature.size(), t.dims_signature.data());
    d["dtype"] = DataTypeName(t.type);
    d["scales"] = py::array_t<float>(t.quant.scale.size(), t.quant.scale.data());
    d["zero_points"] = py::array_t<int64_t>(t.quant.zero_point.size(), t.quant.zero_point.data());
    d["quantized_dimension"] = t.quant.quantized_dimension;
    d["block_size"] = t.quant.block_size;
    d["is_constant"] = t.is_constant;
    d["is_variable"] = t.is_variable;
    d["is_sparse"] = t.sparsity != nullptr;
    d["sparsity"] = SparsityInfo(t.sparsity);
    d["is_temporary"] = index >= sg(subgraph).num_model_tensors();
    d["allocated"] = t.data != nullptr;
    static const char* kAllocation[] = {"none", "constant", "arena", "owned"};
    d["allocation"] = kAllocation[static_cast<int>(t.allocation)];
    d["bytes"] = t.bytes;
    return d;
  }

  // LiteRT's sparsity_parameters: traversal_order, block_map, and per dimension its format with
  // dense_size (dense) or array_segments / array_indices (CSR), index vectors widened to int32.
  static py::dict SparsityInfo(const schema::SparsityParameters* sp) {
    py::dict d;
    if (!sp) return d;
    auto int32s = [](const flatbuffers::Vector<int32_t>* v) {
      return v ? py::array_t<int32_t>(v->size(), v->data()) : py::array_t<int32_t>(0);
    };
    auto index_vector = [](schema::SparseIndexVector type, const void* v) {
      std::vector<int32_t> out;
      if (type == schema::SparseIndexVector_Int32Vector && v) {
        if (auto* vals = static_cast<const schema::Int32Vector*>(v)->values()) out.assign(vals->begin(), vals->end());
      } else if (type == schema::SparseIndexVector_Uint16Vector && v) {
        if (auto* vals = static_cast<const schema::Uint16Vector*>(v)->values()) out.assign(vals->begin(), vals->end());
      } else if (type == schema::SparseIndexVector_Uint8Vector && v) {
        if (auto* vals = static_cast<const schema::Uint8Vector*>(v)->values()) out.assign(vals->begin(), vals->end());
      }
      return py::array_t<int32_t>(out.size(), out.data());
    };
    // LiteRT lists a field only when the model has it.
    if (sp->traversal_order()) d["traversal_order"] = int32s(sp->traversal_order());
    if (sp->block_map()) d["block_map"] = int32s(sp->block_map());
    py::list dims;
    if (const auto* meta = sp->dim_metadata()) {
      for (const schema::DimensionMetadata* m : *meta) {
        py::dict dm;
        dm["format"] = static_cast<int>(m->format());
        if (m->format() == schema::DimensionType_DENSE) {
          dm["dense_size"] = m->dense_size();
        } else {
          dm["array_segments"] = index_vector(m->array_segments_type(), m->array_segments());
          dm["array_indices"] = index_vector(m->array_indices_type(), m->array_indices());
        }
        dims.append(dm);
      }
    }
    d["dim_metadata"] = dims;
    return d;
  }

  py::array GetTensor(int subgraph, int index) {
    Tensor& t = tensor(subgraph, index);
    // As LiteRT: a resource handle reads as an object array of None (its id means nothing outside).
    if (t.type == DataType::kResource) {
      return py::array(py::dtype("O"), std::vector<py::ssize_t>(t.dims.begin(), t.dims.end()));
    }
    Tensor* readable = nullptr;
    Check(api::ReadableTensor(*interp_, subgraph, index, &readable));
    if (t.type == DataType::kString) return StringsToArray(t);
    py::array out(NumpyDtype(t.type), std::vector<py::ssize_t>(t.dims.begin(), t.dims.end()));
    if (t.RequiredBytes()) std::memcpy(out.mutable_data(), t.data, t.RequiredBytes());
    return out;
  }

  py::array TensorView(int subgraph, int index, py::object owner) {
    Tensor* t = nullptr;
    Check(api::ReadableTensor(*interp_, subgraph, index, &t));
    if (t->type == DataType::kString) {
      // LiteRT crashes here; NumPy cannot view a string buffer in place.
      Check(InvalidArgument(StrCat("tensor '", t->name, "' is a string tensor, which has no NumPy view; use "
                                   "get_tensor()")));
    }
    std::vector<py::ssize_t> shape(t->dims.begin(), t->dims.end());
    return py::array(NumpyDtype(t->type), shape, t->data, owner);
  }

  void SetTensor(int subgraph, int index, py::array value) {
    const char kind = value.dtype().kind();
    if ((kind == 'O' || kind == 'S' || kind == 'U') && tensor(subgraph, index).type == DataType::kString) {
      const std::string buffer = ArrayToStrings(value);
      Check(api::CopyToTensor(*interp_, subgraph, index, static_cast<int>(DataType::kString), "string",
                              Dims(value.shape(), value.shape() + value.ndim()), buffer.data(), buffer.size()));
      return;
    }
    py::array contiguous = py::array::ensure(value, py::array::c_style);
    Dims dims(value.shape(), value.shape() + value.ndim());
    Check(api::CopyToTensor(*interp_, subgraph, index, TfLiteTypeOf(value.dtype()),
                            py::str(value.dtype()).cast<std::string>(), dims, contiguous.data(),
                            static_cast<size_t>(contiguous.nbytes())));
  }

  void ResizeInput(int subgraph, int index, std::vector<int32_t> dims, bool strict) {
    Check(api::ResizeInput(*interp_, subgraph, index, dims, strict));
  }

  // Checks a signature call's input names, resizes inputs whose shape changed, allocates if needed; returns
  // {input name: tensor index} and {output name: tensor index}.
  py::tuple PrepareSignature(const std::string& key, std::vector<std::pair<std::string, std::vector<int32_t>>> inputs) {
    const SignatureInfo* sig = nullptr;
    Check(api::FindSignature(*interp_, key, &sig));
    std::vector<std::pair<std::string, Dims>> shapes(inputs.begin(), inputs.end());
    Check(api::PrepareSignatureCall(*interp_, *sig, shapes));
    py::dict ins, outs;
    for (auto& [name, t] : sig->inputs) ins[ModelText(name)] = t;
    for (auto& [name, t] : sig->outputs) outs[ModelText(name)] = t;
    return py::make_tuple(sig->subgraph_index, ins, outs);
  }

  // The nodes in execution order (delegate nodes in place of what they run), or with `all_nodes`
  // every node by index as LiteRT lists them: nodes a delegate took over stay, beside the delegate's
  // own node; "plan_position" is None for those.
  py::list Nodes(int subgraph, bool all_nodes) {
    Subgraph& s = sg(subgraph);
    std::vector<int> position(s.nodes().size(), -1);
    for (size_t p = 0; p < s.execution_plan().size(); ++p) position[s.execution_plan()[p]] = static_cast<int>(p);
    std::vector<int> order = s.execution_plan();
    if (all_nodes) {
      order.resize(s.nodes().size());
      for (size_t n = 0; n < order.size(); ++n) order[n] = static_cast<int>(n);
    }
    py::list out;
    for (int n : order) {
      const Node& node = s.nodes()[n];
      py::dict d;
      d["index"] = n;
      d["plan_position"] = position[n] < 0 ? py::object(py::none()) : py::object(py::int_(position[n]));
      d["op_name"] = ModelText(node.op_name);
      d["version"] = node.op_version;
      d["inputs"] = node.inputs;
      d["outputs"] = node.outputs;
      d["delegated"] = node.op == nullptr;
      d["partition_nodes"] = s.partition_nodes(n);
      d["folded"] = s.folded(n);
      // Graph fusion: the node applying this activation (which then does not run), and the activation a
      // producer applies in place of its options' own.
      const int fused_into = s.fused_into(n);
      d["fused_into"] = fused_into < 0 ? py::object(py::none()) : py::object(py::int_(fused_into));
      d["fused_activation"] = node.fused_activation < 0
                                  ? py::object(py::none())
                                  : py::object(py::str(schema::EnumNameActivationFunctionType(
                                        static_cast<schema::ActivationFunctionType>(node.fused_activation))));
      // The tensor a fused residual ADD adds to this node's output (before that activation).
      d["fused_addend"] = node.fused_addend < 0 ? py::object(py::none()) : py::object(py::int_(node.fused_addend));
      d["fused_hard_swish"] = node.fused_hard_swish;  // a fused HARD_SWISH node's, after that activation
      // A fused PAD's [[top, bottom], [left, right]], read around the PAD's input; None without one.
      const Node::FusedPad& pad = node.fused_pad;
      d["fused_pad"] = pad.input < 0 ? py::object(py::none())
                                     : py::object(py::make_tuple(py::make_tuple(pad.top, pad.bottom),
                                                                 py::make_tuple(pad.left, pad.right)));
      d["delegate"] = node.delegate_name.empty() ? py::object(py::none()) : py::object(py::str(node.delegate_name));
      d["delegate_note"] = node.delegate_note.empty() ? py::object(py::none()) : py::object(ModelText(node.delegate_note));
      // The implementation prepare chose (kernels/kernel_variant.h): "float32 (avx512)"; None before.
      if (node.variant_name) {
        d["kernel"] = StrCat(node.variant_name, " (", node.variant_isa, ")");
      } else {
        d["kernel"] = py::none();
      }
      out.append(d);
    }
    return out;
  }

  py::list Signatures() {
    py::list out;
    for (const SignatureInfo& sig : interp_->signatures()) {
      py::dict d;
      d["key"] = ModelText(sig.key);
      d["subgraph_index"] = sig.subgraph_index;
      py::dict ins, outs;
      for (auto& [name, t] : sig.inputs) ins[ModelText(name)] = t;
      for (auto& [name, t] : sig.outputs) outs[ModelText(name)] = t;
      d["inputs"] = ins;
      d["outputs"] = outs;
      out.append(d);
    }
    return out;
  }

  py::list Profile(int subgraph) {
    Subgraph& s = sg(subgraph);
    py::list out;
    const auto& ns = s.profile_ns();
    for (int n : s.execution_plan()) {
      if (n >= static_cast<int>(ns.size())) continue;
      out.append(py::make_tuple(n, ModelText(s.nodes()[n].op_name), ns[n]));
    }
    return out;
  }

  std::unique_ptr<Interpreter> interp_;
};

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "edgelite C++ interpreter core";

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      py::object errors = py::module_::import("edgelite.errors");
      py::object cls = errors.attr(api::ErrorName(e.status.code()));
      // Messages quote names from the model, which a corrupt file may fill with invalid UTF-8.
      const std::string& m = e.status.message();
      py::object text = py::reinterpret_steal<py::object>(
          PyUnicode_DecodeUTF8(m.data(), static_cast<Py_ssize_t>(m.size()), "replace"));
      PyErr_SetObject(cls.ptr(), text.ptr());
    }
  });

  py::class_<Delegate, std::shared_ptr<Delegate>>(m, "Delegate")
      .def_property_readonly("name", &Delegate::name)
      .def_property_readonly("min_partition_size", [](const Delegate& d) { return d.min_partition_nodes; })
      .def_property_readonly("max_partitions", [](const Delegate& d) { return d.max_partitions; })
      // A plugin delegate's free-form facts ("partitions", "device", ...); None for an unknown key.
      .def("query", [](const Delegate& d, const std::string& key) -> py::object {
        const auto* plugin = dynamic_cast<const PluginDelegate*>(&d);
        const char* answer = plugin ? plugin->Query(key) : nullptr;
        return answer ? py::object(py::str(answer)) : py::object(py::none());
      });
  m.def("load_delegate", [](const std::string& path, std::map<std::string, std::string> options) {
    std::shared_ptr<Delegate> delegate;
    PluginOptions list(options.begin(), options.end());
    Check(LoadDelegatePlugin(path, list, &delegate));
    return delegate;
  }, py::arg("path"), py::arg("options"));

  py::class_<CoreInterpreter>(m, "CoreInterpreter")
      .def(py::init<py::object, py::object, int, py::list, std::vector<std::pair<std::string, std::string>>,
                    std::string, bool, bool, bool, bool, size_t>(),
           py::arg("model_path"), py::arg("model_content"), py::arg("num_threads"), py::arg("delegates"),
           py::arg("custom_op_libraries") = std::vector<std::pair<std::string, std::string>>(),
           py::arg("select_ops_library") = std::string(), py::arg("preserve_all_tensors") = false,
           py::arg("reference_kernels_only") = false, py::arg("delegate_clustering") = true,
           py::arg("delegate_node_fusion") = true, py::arg("max_arena_bytes") = 0)
      .def("num_subgraphs", [](CoreInterpreter& c) { return c.interp_->num_subgraphs(); })
      .def("num_threads", [](CoreInterpreter& c) { return c.interp_->num_threads(); })
      .def("subgraph_name", [](CoreInterpreter& c, int s) { return ModelText(c.sg(s).name()); })
      .def("inputs", [](CoreInterpreter& c, int s) { return c.sg(s).inputs(); })
      .def("outputs", [](CoreInterpreter& c, int s) { return c.sg(s).outputs(); })
      .def("num_tensors", [](CoreInterpreter& c, int s) { return c.sg(s).num_tensors(); })
      .def("num_model_tensors", [](CoreInterpreter& c, int s) { return c.sg(s).num_model_tensors(); })
      .def("native_handle", [](CoreInterpreter& c) { return reinterpret_cast<intptr_t>(c.interp_.get()); })
      .def("reset_variables", [](CoreInterpreter& c, int s) { c.sg(s).ResetVariableTensors(); })
      .def("allocate_tensors", &CoreInterpreter::AllocateTensors)
      .def("invoke", &CoreInterpreter::Invoke)
      // Called from another thread while invoke runs without the GIL; only sets an atomic flag.
      .def("cancel", [](CoreInterpreter& c) { c.interp_->Cancel(); })
      .def("ready", [](CoreInterpreter& c, int s) { return c.sg(s).ready(); })
      .def("tensor_info", &CoreInterpreter::TensorInfo)
      .def("get_tensor", &CoreInterpreter::GetTensor)
      .def("tensor_view", &CoreInterpreter::TensorView)
      .def("set_tensor", &CoreInterpreter::SetTensor)
      .def("resize_input", &CoreInterpreter::ResizeInput)
      .def("nodes", &CoreInterpreter::Nodes, py::arg("subgraph"), py::arg("all_nodes") = false)
      .def("unresolved", [](CoreInterpreter& c, int s) {
        py::list out;
        for (const std::string& u : c.sg(s).unresolved()) out.append(ModelText(u));
        return out;
      })
      .def("unresolved_nodes", [](CoreInterpreter& c, int s) {
        // (node index, message) per operator this build cannot run.
        py::list out;
        const Subgraph& g = c.sg(s);
        for (size_t i = 0; i < g.unresolved().size(); ++i) {
          out.append(py::make_tuple(g.unresolved_nodes()[i], ModelText(g.unresolved()[i])));
        }
        return out;
      })
      .def("signatures", &CoreInterpreter::Signatures)
      .def("prepare_signature", &CoreInterpreter::PrepareSignature)
      .def("arena_bytes", [](CoreInterpreter& c, int s) { return c.sg(s).arena_bytes(); })
      .def("describe_arena", [](CoreInterpreter& c, int s) { return c.sg(s).DescribeArena(); })
      .def("enable_profiling", [](CoreInterpreter& c, int s, bool on) { c.sg(s).EnableProfiling(on); })
      .def("profile", &CoreInterpreter::Profile)
      .def("profile_runs", [](CoreInterpreter& c, int s) { return c.sg(s).profile_runs(); });

  m.def("cpu_features", [] {
    const CpuFeatures& f = DetectedCpuFeatures();
    py::dict d;
    d["avx2"] = f.avx2;
    d["avx512"] = f.avx512;
    d["avx512vnni"] = f.avx512_vnni;
    d["amx-int8"] = f.amx_int8;
    d["neon"] = f.neon;
    d["neondot"] = f.neon_dot;
    d["best_available"] = IsaName(BestAvailableIsa());  // after EDGELITE_MAX_ISA
    return d;
  });
  m.def("builtin_ops", [] {
    std::vector<std::tuple<std::string, int, int>> ops;  // (name, first version, last version)
    for (const BuiltinOpEntry& e : kBuiltinOpEntries) {
      ops.emplace_back(e.name, EL_FIRST_BUILTIN_VERSION, e.max_version);
    }
    return ops;
  });
  // The operators plugin_ops.h serves, as "NAME MIN MAX" lines, and the library serving them: string
  // literals the preprocessor writes, which cost the size-bound core no code (edgelite.plugins.plugin_ops()).
#define EL_PLUGIN_OP_LINE(NAME, MIN_VERSION, MAX_VERSION) #NAME " " #MIN_VERSION " " #MAX_VERSION "\n"
  m.attr("PLUGIN_OPS") =
      EL_FOR_EACH_PLUGIN_BUILTIN_OP(EL_PLUGIN_OP_LINE) EL_FOR_EACH_PLUGIN_CUSTOM_OP(EL_PLUGIN_OP_LINE);
  m.attr("PLUGIN_OPS_LIBRARY") = EL_PLUGIN_OPS_LIBRARY;
#undef EL_PLUGIN_OP_LINE
  // One line per builtin with a variant table: its name, then each row's dtype signature, tab-separated (text,
  // not a dict of lists: no container casters in the size-limited core). edgelite.cli_ops parses it.
  m.def("builtin_op_types", [] {
    std::string text;
    for (const BuiltinOpEntry& e : kBuiltinOpEntries) {
      if (!e.types) continue;
      text += e.name;
      for (const std::string& s : e.types().Describe()) text += "\t" + s;
      text += "\n";
    }
    return text;
  });
}
