"""A TensorFlow-converted text lookup (tests/models/tf_strings/text_lookup.tflite: two tf.lookup.StaticHashTable,
string -> int64 and int64 -> string, initialized by a CALL_ONCE subgraph) gives exactly the outputs TensorFlow and
LiteRT gave (recorded by tests/golden/make_string_models.py), case after case on one interpreter; live against
LiteRT when it is installed."""

import json

import numpy as np
import pytest

import edgelite
from testutil import model_path, requires_litert

MODEL = model_path("tf_strings", "text_lookup.tflite")
MANIFEST = json.load(open(model_path("tf_strings", "manifest.json")))


def recorded_cases():
    ref = np.load(model_path("tf_strings", "text_lookup.io.npz"))
    cases = []
    for k in range(MANIFEST["models"][0]["cases"]):
        words = ref[f"case{k}_input_0"].astype(object)
        outputs = {key.split("_", 2)[2]: ref[key] for key in ref.files if key.startswith(f"case{k}_output_")}
        tf_outputs = {key.split("_", 2)[2]: ref[key] for key in ref.files if key.startswith(f"case{k}_tf_")}
        cases.append((words, outputs, tf_outputs))
    return cases


def as_recorded(value):
    return value.astype("S16") if value.dtype == object else value


def test_model_has_the_hashtable_operators():
    counts = MANIFEST["models"][0]["op_counts"]
    assert counts["HASHTABLE"] == 2 and counts["HASHTABLE_FIND"] == 2 and counts["CALL_ONCE"] == 1


def test_matches_recorded_litert_and_tensorflow_outputs():
    runner = edgelite.Interpreter(model_path=MODEL).get_signature_runner()
    for words, litert_out, tf_out in recorded_cases():
        got = runner(words=words)
        assert sorted(got) == sorted(litert_out) == ["ids", "names"]
        for name, value in got.items():
            np.testing.assert_array_equal(as_recorded(value), litert_out[name])
            np.testing.assert_array_equal(as_recorded(value), tf_out[name])
        assert got["ids"].dtype == np.int64 and got["names"].dtype == object


@requires_litert
def test_matches_litert_live():
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    theirs = Interpreter(model_path=MODEL,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    their_runner, our_runner = theirs.get_signature_runner(), edgelite.Interpreter(model_path=MODEL).get_signature_runner()
    words = np.array([b"lite", b"edge", b"", b"zzz", "caf\u00e9".encode(), b"a\x00b"], object)
    a, b = our_runner(words=words), their_runner(words=words)
    for name in b:
        assert a[name].dtype == b[name].dtype and a[name].tolist() == b[name].tolist()


def test_signature_details_report_strings():
    runner = edgelite.Interpreter(model_path=MODEL).get_signature_runner()
    assert runner.get_input_details()["words"]["dtype"] is np.bytes_
    assert runner.get_output_details()["names"]["dtype"] is np.bytes_
    with pytest.raises(edgelite.InvalidArgumentError):
        runner(words=np.array([1, 2], object))
