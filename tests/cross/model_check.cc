// Runs a .tflite model on stored inputs and compares its outputs with the stored LiteRT outputs, with no
// Python on the target: scripts/cross_test_aarch64.sh builds it for AArch64 and runs it under qemu-aarch64.
// It prints the kernel variant every node chose (Node::variant_name / variant_isa), so a run shows which
// instruction set ran, and can require one (--expect OP=ISA). Exit status: 0 when every output matches.
//
//   model_check MODEL.tflite CASES.txt [--rtol R | --step S --max-steps N] [--expect OP=ISA ...]
//
// CASES.txt (written by scripts/npz_to_bin.py from a .io.npz) has one line per array of each sample:
//   input|output <index> <dtype> <dims...> : <file.bin>      (raw little-endian values; paths relative to it)
// and a line "sample <k>" before each sample's arrays. --rtol compares as the Python golden tests do: the
// largest absolute difference over the expected output's largest magnitude. --step compares outputs in
// quantization steps (float outputs of an int8 model, dequantized): |actual - expected| / S <= N.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "interpreter/cpu_features.h"
#include "interpreter/interpreter.h"
#include "interpreter/model.h"
#include "interpreter/op_resolver.h"

namespace {

using edgelite::DataType;
using edgelite::Tensor;

struct Array {
  bool is_input = false;
  int index = 0;
  std::string dtype;
  std::vector<int> dims;
  std::vector<char> bytes;
};

struct Sample {
  std::vector<Array> arrays;
};

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

bool ReadFile(const std::string& path, std::vector<char>* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out->assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

bool ReadCases(const std::string& path, std::vector<Sample>* samples) {
  std::ifstream f(path);
  if (!f) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return false;
  }
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    std::istringstream in(line);
    std::string kind;
    in >> kind;
    if (kind == "sample") {
      samples->emplace_back();
      continue;
    }
    if (samples->empty() || (kind != "input" && kind != "output")) {
      std::fprintf(stderr, "%s: unexpected line '%s'\n", path.c_str(), line.c_str());
      return false;
    }
    Array a;
    a.is_input = kind == "input";
    in >> a.index >> a.dtype;
    std::string tok;
    while (in >> tok && tok != ":") a.dims.push_back(std::atoi(tok.c_str()));
    std::string file;
    in >> file;
    if (!ReadFile(DirOf(path) + "/" + file, &a.bytes)) {
      std::fprintf(stderr, "cannot read %s\n", file.c_str());
      return false;
    }
    samples->back().arrays.push_back(std::move(a));
  }
  return !samples->empty();
}

// Values of a float32 or integer tensor as doubles, for comparison.
std::vector<double> AsDoubles(DataType type, const void* data, size_t n) {
  std::vector<double> v(n);
  for (size_t i = 0; i < n; ++i) {
    switch (type) {
      case DataType::kFloat32: v[i] = static_cast<const float*>(data)[i]; break;
      case DataType::kInt8: v[i] = static_cast<const int8_t*>(data)[i]; break;
      case DataType::kUInt8: v[i] = static_cast<const uint8_t*>(data)[i]; break;
      case DataType::kInt32: v[i] = static_cast<const int32_t*>(data)[i]; break;
      default: v[i] = NAN; break;
    }
  }
  return v;
}

struct Options {
  double rtol = 1e-4;
  double step = 0;  // > 0: compare in quantization steps
  double max_steps = 1;
  std::map<std::string, std::string> expect;  // op name -> required variant ISA
};

// Prints every node's chosen variant and checks the --expect rules; returns the number of violations.
int ReportVariants(edgelite::Subgraph& sg, const Options& opt) {
  std::map<std::string, int> per_isa;
  int violations = 0;
  std::map<std::string, int> seen;
  for (size_t i = 0; i < sg.nodes().size(); ++i) {
    const edgelite::Node& n = sg.nodes()[i];
    const char* isa = n.variant_isa ? n.variant_isa : "-";
    std::printf("  node %3zu %-22s %-28s %s\n", i, n.op_name.c_str(), n.variant_name ? n.variant_name : "-", isa);
    ++per_isa[isa];
    auto rule = opt.expect.find(n.op_name);
    if (rule != opt.expect.end()) {
      ++seen[n.op_name];
      if (rule->second != isa) {
        std::printf("  MISMATCH: node %zu %s ran %s, expected %s\n", i, n.op_name.c_str(), isa, rule->second.c_str());
        ++violations;
      }
    }
  }
  std::printf("  variants by instruction set:");
  for (const auto& kv : per_isa) std::printf(" %s=%d", kv.first.c_str(), kv.second);
  std::printf("\n");
  for (const auto& kv : opt.expect) {
    if (!seen.count(kv.first)) {
      std::printf("  MISMATCH: no %s node to check for %s\n", kv.first.c_str(), kv.second.c_str());
      ++violations;
    }
  }
  return violations;
}

int CompareOutput(const Array& expected, const Tensor& out, const Options& opt) {
  if (static_cast<int>(out.dims.size()) != static_cast<int>(expected.dims.size()) ||
      !std::equal(expected.dims.begin(), expected.dims.end(), out.dims.begin())) {
    std::printf("  output %d: shape differs from the stored one\n", expected.index);
    return 1;
  }
  const size_t n = static_cast<size_t>(out.num_elements());
  if (expected.bytes.size() != out.bytes) {
    std::printf("  output %d: %zu stored bytes, the tensor has %zu\n", expected.index, expected.bytes.size(), out.bytes);
    return 1;
  }
  const std::vector<double> got = AsDoubles(out.type, out.data, n);
  const std::vector<double> want = AsDoubles(out.type, expected.bytes.data(), n);
  double max_diff = 0, max_mag = 0;
  for (size_t i = 0; i < n; ++i) {
    const double d = std::fabs(got[i] - want[i]);
    max_diff = std::isnan(d) ? INFINITY : std::max(max_diff, d);
    max_mag = std::max(max_mag, std::fabs(want[i]));
  }
  if (opt.step > 0) {
    const double steps = std::round(max_diff / opt.step * 1e6) / 1e6;
    const bool ok = steps <= opt.max_steps;
    std::printf("  output %d: %zu values, max difference %.3g = %g quantization steps (allowed %g): %s\n",
                expected.index, n, max_diff, steps, opt.max_steps, ok ? "ok" : "MISMATCH");
    return ok ? 0 : 1;
  }
  const double rel = max_diff / std::max(max_mag, 1e-6);
  const bool ok = rel <= opt.rtol;
  std::printf("  output %d: %zu values, max relative error %.3g (allowed %g): %s\n", expected.index, n, rel, opt.rtol,
              ok ? "ok" : "MISMATCH");
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL.tflite CASES.txt [--rtol R | --step S --max-steps N] [--expect OP=ISA]\n",
                 argv[0]);
    return 2;
  }
  Options opt;
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--rtol" && has_value) {
      opt.rtol = std::atof(argv[++i]);
    } else if (a == "--step" && has_value) {
      opt.step = std::atof(argv[++i]);
    } else if (a == "--max-steps" && has_value) {
      opt.max_steps = std::atof(argv[++i]);
    } else if (a == "--expect" && has_value) {
      const std::string rule = argv[++i];
      const size_t eq = rule.find('=');
      if (eq == std::string::npos) {
        std::fprintf(stderr, "--expect takes OP=ISA, got '%s'\n", rule.c_str());
        return 2;
      }
      opt.expect[rule.substr(0, eq)] = rule.substr(eq + 1);
    } else {
      std::fprintf(stderr, "unknown argument '%s'\n", a.c_str());
      return 2;
    }
  }
  std::vector<Sample> samples;
  if (!ReadCases(argv[2], &samples)) return 2;

  std::shared_ptr<edgelite::Model> model;
  edgelite::Status s = edgelite::Model::FromFile(argv[1], &model);
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[1], s.message().c_str());
    return 1;
  }
  const edgelite::OpResolver resolver = edgelite::MakeBuiltinOpResolver();
  std::unique_ptr<edgelite::Interpreter> interp;
  s = edgelite::Interpreter::Create(model, resolver, 1, &interp);
  if (s.ok()) s = interp->AllocateTensors();
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[1], s.message().c_str());
    return 1;
  }
  edgelite::Subgraph& sg = *interp->subgraph(0);
  std::printf("%s (best instruction set: %s)\n", argv[1], edgelite::IsaName(edgelite::BestAvailableIsa()));
  int failures = ReportVariants(sg, opt);
  for (size_t k = 0; k < samples.size(); ++k) {
    std::printf(" sample %zu\n", k);
    for (const Array& a : samples[k].arrays) {
      if (!a.is_input) continue;
      Tensor* t = sg.input(a.index);
      if (!t || t->bytes != a.bytes.size()) {
        std::printf("  input %d: the model takes %zu bytes, %zu stored\n", a.index, t ? t->bytes : 0, a.bytes.size());
        return 1;
      }
      std::memcpy(t->data, a.bytes.data(), a.bytes.size());
    }
    s = interp->Invoke();
    if (!s.ok()) {
      std::printf("  invoke failed: %s\n", s.message().c_str());
      return 1;
    }
    for (const Array& a : samples[k].arrays) {
      if (a.is_input) continue;
      const Tensor* t = sg.output(a.index);
      if (!t) {
        std::printf("  output %d: the model has no such output\n", a.index);
        return 1;
      }
      failures += CompareOutput(a, *t, opt);
    }
  }
  std::printf("%s: %s\n", argv[1], failures ? "FAILED" : "passed");
  return failures ? 1 : 0;
}
