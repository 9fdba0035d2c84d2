// SKIP_GRAM: the skip-grams of the first string of the input, as LiteRT's kernel makes them: the string is cut
// into words at ASCII white space, and every sequence of ngram_size words (every size up to ngram_size with
// include_all_ngrams) in order, with at most max_skip_size words left out between neighbours, becomes one
// string of its words joined by a space. Output: a 1-D string tensor, its length known only at eval.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/string_tensor.h"

namespace edgelite {
namespace {

struct SkipGramData {
  int ngram_size = 0, max_skip_size = 0;
  bool include_all_ngrams = false;
};

// C-locale isspace, whatever locale the process runs in.
bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// LiteRT's word split, quirks included: words end at each space after the first byte; a piece that starts
// with a space (the string's first) is dropped, unless it is the last, which is kept whole.
std::vector<StringRef> SplitWords(StringRef s) {
  std::vector<StringRef> words;
  size_t start = 0;
  for (size_t i = 1; i < s.size; ++i) {
    if (!IsSpace(s.data[i])) continue;
    if (i > start && !IsSpace(s.data[start])) words.push_back({s.data + start, i - start});
    start = i + 1;
  }
  if (s.size > start) words.push_back({s.data + start, s.size - start});
  return words;
}

Status Init(KernelContext& ctx, Node& node) {
  auto* d = new SkipGramData();
  node.user_data = d;
  const schema::SkipGramOptions* o = node.op ? node.op->builtin_options_as_SkipGramOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, o, "has no SkipGramOptions");
  d->ngram_size = o->ngram_size();
  d->max_skip_size = o->max_skip_size();
  d->include_all_ngrams = o->include_all_ngrams();
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *in, DataType::kString, "input"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, DataType::kString, "output"));
  EL_KERNEL_CHECK(ctx, node, in->num_elements() >= 1, "input '", in->name, "' holds no string (shape ",
                  DimsToString(in->dims), ")");
  ctx.MarkDynamic(*out);
  return Status::Ok();
}

Status Eval(KernelContext& ctx, Node& node) {
  const auto& d = *static_cast<SkipGramData*>(node.user_data);
  const std::vector<StringRef> words = SplitWords(GetString(*ctx.input(node, 0), 0));
  const int64_t num_words = static_cast<int64_t>(words.size());
  StringWriter writer;
  if (d.ngram_size > 0 && num_words >= d.ngram_size) {
    // A depth-first walk over the word sequences; a sequence is written once no word can extend it (so
    // "a b" comes before "a" with include_all_ngrams), the order LiteRT's kernel writes them in.
    std::vector<int64_t> chosen;            // word indices of the current sequence
    std::vector<int64_t> next_candidate{0};  // per depth: the next word index to try there
    while (!next_candidate.empty()) {
      const int64_t depth = static_cast<int64_t>(chosen.size());
      const int64_t j = next_candidate.back();
      if (depth < d.ngram_size && j < num_words &&
          (depth == 0 || j - chosen.back() <= static_cast<int64_t>(d.max_skip_size) + 1)) {
        next_candidate.back() = j + 1;
        chosen.push_back(j);
        next_candidate.push_back(j + 1);
        continue;
      }
      if (depth > 0 && (d.include_all_ngrams ? depth <= d.ngram_size : depth == d.ngram_size)) {
        for (size_t k = 0; k < chosen.size(); ++k) {
          if (k) writer.Append(" ", 1);
          writer.Append(words[chosen[k]].data, words[chosen[k]].size);
        }
        writer.End();
        if (writer.bytes() > static_cast<size_t>(INT32_MAX)) {
          return ctx.Error(node, "its skip-grams pass the 2 GiB a string tensor can hold", StatusCode::kUnsupported);
        }
      }
      next_candidate.pop_back();
      if (!chosen.empty()) chosen.pop_back();
    }
  }
  return writer.Write(ctx, *ctx.output(node, 0), Dims{static_cast<int32_t>(writer.count())});
}

}  // namespace

const KernelRegistration* Register_SKIP_GRAM() {
  static const KernelRegistration reg{Init, DeleteNodeData<SkipGramData>, Prepare, Eval, false, false,
                                      /*handles_strings=*/true};
  return &reg;
}

}  // namespace edgelite
