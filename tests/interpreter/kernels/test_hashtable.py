"""HASHTABLE, HASHTABLE_IMPORT, HASHTABLE_FIND, HASHTABLE_SIZE (string -> int64 and int64 -> string tables),
HASHTABLE_LOOKUP (the old sorted-keys operator) and SKIP_GRAM: against Python references (dicts, a bisection,
an n-gram enumeration written from the operator's definition) and against LiteRT's kernels on the same models,
with LiteRT's quirks (one import only, the first of repeated keys, SKIP_GRAM's word split) and clean errors."""

import itertools

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder
from edgelite.testing import run_model, single_op_model
from litert_builtin import requires_litert, run_litert_model

STRING, INT64 = 5, 4  # .tflite TensorType values for HashtableOptions' key_dtype / value_dtype

WORDS = [b"hello", b"world", b"", "caf\u00e9".encode(), b"a\x00b", b"hello"]  # "hello" twice: the first stays


def table_model(string_keys=True, imports=1, default=None, table_id=7, find=True, size=True):
    """keys (runtime input) -> HASHTABLE_FIND over a table imported from constants; HASHTABLE_SIZE too."""
    b = ModelBuilder()
    key_type = object if string_keys else np.int64
    value_type = np.int64 if string_keys else object
    queries = b.add_input("queries", [4], key_type)
    handle = b.add_tensor("handle", [], "resource")
    opts = {"table_id": table_id, "key_dtype": STRING if string_keys else INT64,
            "value_dtype": INT64 if string_keys else STRING}
    b.add_operator("HASHTABLE", [], [handle], options=opts)
    if string_keys:
        keys, values = np.array(WORDS, object), np.arange(len(WORDS), dtype=np.int64) * 10
    else:
        keys, values = np.arange(len(WORDS), dtype=np.int64) * 10, np.array(WORDS, object)
    for i in range(imports):
        k = b.add_constant(f"keys{i}", keys if i == 0 else keys[::-1].copy())
        v = b.add_constant(f"values{i}", values if i == 0 else values[::-1].copy())
        b.add_operator("HASHTABLE_IMPORT", [handle, k, v], [])
    outputs = []
    if find:
        fallback = b.add_constant("default", np.array([default if default is not None else
                                                       (-1 if string_keys else b"<unk>")],
                                                      np.int64 if string_keys else object))
        found = b.add_tensor("found", [4], value_type)
        b.add_operator("HASHTABLE_FIND", [handle, queries, fallback], [found])
        outputs.append(found)
    if size:
        count = b.add_tensor("size", [1], np.int64)
        b.add_operator("HASHTABLE_SIZE", [handle], [count])
        outputs.append(count)
    for o in outputs:
        b.mark_output(o)
    return b.build()


def reference_table(keys, values):
    table = {}
    for k, v in zip(keys, values):
        table.setdefault(k, v)  # the first of repeated keys stays, as std::unordered_map::insert
    return table


def test_string_to_int64():
    model = table_model()
    queries = np.array([b"hello", b"", b"missing", b"a\x00b"], object)
    found, size = run_model(model, [queries])
    table = reference_table(WORDS, np.arange(len(WORDS)) * 10)
    np.testing.assert_array_equal(found, [table.get(q, -1) for q in queries])
    assert found.dtype == np.int64 and size.tolist() == [5]


def test_int64_to_string():
    model = table_model(string_keys=False)
    queries = np.array([0, 30, 7, 50], np.int64)
    found, size = run_model(model, [queries])
    table = reference_table(np.arange(len(WORDS)) * 10, WORDS)
    assert found.dtype == object and found.tolist() == [table.get(int(q), b"<unk>") for q in queries]
    assert size.tolist() == [6]


def test_a_second_import_changes_nothing():
    model = table_model(imports=2)
    found, _ = run_model(model, [np.array([b"hello", b"world", b"x", b""], object)])
    assert found.tolist() == [0, 10, -1, 20]


def test_table_keeps_its_entries_across_invokes():
    model = table_model()
    interp = edgelite.Interpreter(model_content=model)
    interp.allocate_tensors()
    for q in ([b"hello", b"x", b"y", b"z"], [b"world", b"world", b"", b"hello"]):
        interp.set_tensor(0, np.array(q, object))
        interp.invoke()
    assert interp.get_tensor(interp.get_output_details()[0]["index"]).tolist() == [10, 10, 20, 0]


@requires_litert
@pytest.mark.parametrize("string_keys", [True, False])
@pytest.mark.parametrize("imports", [1, 2])
def test_against_litert(string_keys, imports):
    model = table_model(string_keys=string_keys, imports=imports)
    queries = (np.array([b"hello", b"", "caf\u00e9".encode(), b"nope"], object) if string_keys
               else np.array([40, 1, 0, 50], np.int64))
    ours, theirs = run_model(model, [queries]), run_litert_model(model, [queries])
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def test_find_before_import_is_an_error():
    model = table_model(imports=0)
    with pytest.raises(edgelite.EdgeliteError, match="initialized"):
        run_model(model, [np.array([b"a", b"b", b"c", b"d"], object)])


def test_size_before_import_is_zero():
    model = table_model(imports=0, find=False)
    b_queries = np.array([b"a", b"b", b"c", b"d"], object)
    assert run_model(model, [b_queries])[0].tolist() == [0]


def test_bad_table_types_fail_at_allocate():
    b = ModelBuilder()
    handle = b.add_tensor("handle", [], "resource")
    b.add_operator("HASHTABLE", [], [handle], options={"table_id": 1, "key_dtype": 0, "value_dtype": INT64})
    count = b.add_tensor("size", [1], np.int64)
    b.add_operator("HASHTABLE_SIZE", [handle], [count])
    b.mark_output(count)
    interp = edgelite.Interpreter(model_content=b.build())
    with pytest.raises(edgelite.InvalidModelError, match="int64 to string or string to int64"):
        interp.allocate_tensors()


# ---- HASHTABLE_LOOKUP ----

def lookup_reference(lookup, keys, values):
    """glibc's bsearch over `keys`, as LiteRT's kernel runs it (found rows copied, others zero or empty)."""
    out, hits = [], []
    for q in lookup:
        low, high, row = 0, len(keys), -1
        while low < high:
            mid = (low + high) // 2
            if q < keys[mid]:
                high = mid
            elif q > keys[mid]:
                low = mid + 1
            else:
                row = mid
                break
        hits.append(row >= 0)
        out.append(values[row] if row >= 0 else (b"" if values.dtype == object else np.zeros_like(values[0])))
    return np.array(out, dtype=values.dtype), np.array(hits, np.uint8)


LOOKUP_CASES = {
    "float_rows": np.arange(12, dtype=np.float32).reshape(4, 3) - 5.5,
    "int8": np.array([3, -4, 5, 127], np.int8),
    "strings": np.array([b"zero", b"", b"two\x00", "dr\u00e9i".encode()], object),
}


LOOKUP_KEYS = np.array([-3, 2, 9, 40], np.int32)
LOOKUP_IDS = np.array([9, 1, -3, 40, 41, 2], np.int32)


def lookup_model(values):
    return single_op_model("HASHTABLE_LOOKUP", [LOOKUP_IDS, LOOKUP_KEYS, values], constant_inputs=[1, 2],
                           output_types=[values.dtype, np.uint8], num_outputs=2)


@pytest.mark.parametrize("name", sorted(LOOKUP_CASES))
def test_hashtable_lookup(name):
    values = LOOKUP_CASES[name]
    keys, lookup = LOOKUP_KEYS, LOOKUP_IDS
    out, hits = run_model(lookup_model(values), [lookup])
    want_out, want_hits = lookup_reference(lookup, keys, values)
    np.testing.assert_array_equal(hits, want_hits)
    assert out.dtype == values.dtype and out.shape == want_out.shape
    np.testing.assert_array_equal(out, want_out)


@requires_litert
@pytest.mark.parametrize("name", sorted(LOOKUP_CASES))
def test_hashtable_lookup_against_litert(name):
    model = lookup_model(LOOKUP_CASES[name])
    for a, b in zip(run_model(model, [LOOKUP_IDS]), run_litert_model(model, [LOOKUP_IDS])):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def test_hashtable_lookup_checks_shapes():
    model = single_op_model("HASHTABLE_LOOKUP", [np.array([1], np.int32), np.array([1, 2], np.int32),
                                                 np.zeros(3, np.float32)], constant_inputs=[1, 2],
                            output_types=[np.float32, np.uint8], num_outputs=2)
    with pytest.raises(edgelite.InvalidModelError, match="one row per key"):
        edgelite.Interpreter(model_content=model).allocate_tensors()


# ---- SKIP_GRAM ----

def split_words(text: bytes):
    """LiteRT's split: cut at each ASCII space after the first byte; a piece that starts with a space is dropped
    unless it is the last."""
    words, start = [], 0
    for i in range(1, len(text)):
        if text[i:i + 1].isspace():
            if i > start and not text[start:start + 1].isspace():
                words.append(text[start:i])
            start = i + 1
    if len(text) > start:
        words.append(text[start:])
    return words


def skip_grams(text: bytes, ngram_size: int, max_skip_size: int, include_all_ngrams: bool):
    """Every in-order word sequence with gaps of at most max_skip_size, in LiteRT's order (a sequence after the
    sequences that extend it, first words first)."""
    words = split_words(text)
    if ngram_size <= 0 or len(words) < ngram_size:
        return []
    out = []

    def walk(chosen):
        if len(chosen) < ngram_size:
            start = chosen[-1] + 1 if chosen else 0
            stop = len(words) if not chosen else min(len(words), chosen[-1] + max_skip_size + 2)
            for j in range(start, stop):
                walk(chosen + [j])
        if chosen and (len(chosen) <= ngram_size if include_all_ngrams else len(chosen) == ngram_size):
            out.append(b" ".join(words[j] for j in chosen))
    walk([])
    return out


SKIP_GRAM_TEXTS = [b"the quick brown fox jumps", b" leading space here", b"tabs\tand\nnew lines  double",
                   b"one", b"", "na\u00efve caf\u00e9 \xff".encode("utf-8", "surrogateescape"), b"a b c d e f g"]
SKIP_GRAM_OPTIONS = [(1, 0, False), (2, 0, False), (2, 1, False), (3, 2, True), (2, 5, True), (4, 0, False),
                     (0, 0, False), (9, 1, True)]


def skip_gram_model(ngram_size, max_skip_size, include_all):
    return single_op_model("SKIP_GRAM", [np.array([b"x"], object)],
                           {"ngram_size": ngram_size, "max_skip_size": max_skip_size,
                            "include_all_ngrams": include_all}, output_types=object)


@pytest.mark.parametrize("options", SKIP_GRAM_OPTIONS, ids=str)
def test_skip_gram(options):
    model = skip_gram_model(*options)
    for text in SKIP_GRAM_TEXTS:
        got = run_model(model, [np.array([text], object)])[0]
        want = skip_grams(text, *options)
        assert got.dtype == object and got.shape == (len(want),), (text, options)
        assert got.tolist() == want, (text, options)


@requires_litert
@pytest.mark.parametrize("options", SKIP_GRAM_OPTIONS, ids=str)
def test_skip_gram_against_litert(options):
    model = skip_gram_model(*options)
    for text in SKIP_GRAM_TEXTS:
        ours = run_model(model, [np.array([text], object)])[0]
        theirs = run_litert_model(model, [np.array([text], object)])[0]
        assert ours.tolist() == theirs.tolist() and ours.shape == theirs.shape, (text, options)


def test_skip_gram_reads_only_the_first_string():
    got = run_model(skip_gram_model(1, 0, False), [np.array([b"a b", b"c d"], object)])[0]
    assert got.tolist() == [b"a", b"b"]


def test_skip_gram_reference_counts():
    # The reference itself: n words give n - k + 1 contiguous k-grams.
    for n, k in itertools.product(range(1, 6), range(1, 4)):
        text = b" ".join(b"w%d" % i for i in range(n))
        assert len(skip_grams(text, k, 0, False)) == max(0, n - k + 1)
