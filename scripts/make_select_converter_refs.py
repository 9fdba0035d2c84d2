"""Records the Flex operators TensorFlow's converter writes for the TF ops edgelite's converter emits with
allow_select_ops, so tests can check our encoding against TF's (run with a TF install:
/work/tfenv/bin/python scripts/make_select_converter_refs.py). Writes
tests/models/select/converter_flex_refs.json: {TF op: custom_options as hex}, from tf.functions converted
with SELECT_TF_OPS only (so no op is lowered to a builtin)."""

import json
import os

import tensorflow as tf
from tensorflow.lite.python import schema_py_generated as schema

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "models", "select",
                   "converter_flex_refs.json")


def spec(shape, dtype=tf.float32):
    return tf.TensorSpec(shape, dtype)


FUNCTIONS = [
    ([spec([2, 3, 4]), spec([1, 4, 5])], lambda a, b: tf.einsum("...ij,...jk->...ik", a, b)),
    ([spec([2, 3, 3])], lambda a: tf.linalg.det(a)),
    ([spec([4, 3]), spec([2, 1], tf.int32), spec([2, 3])],
     lambda d, i, u: (tf.tensor_scatter_nd_add(d, i, u), tf.tensor_scatter_nd_max(d, i, u),
                      tf.tensor_scatter_nd_min(d, i, u))),
    ([spec([2, 3]), spec([], tf.int64)], lambda x, a: tf.math.cumprod(x, axis=a, exclusive=True, reverse=True)),
    ([spec([6])], lambda x: tf.unique(x, out_idx=tf.int64) + tf.unique_with_counts(x, out_idx=tf.int64)),
    ([spec([6], tf.int64), spec([6], tf.int64), spec([], tf.int64)],
     lambda x, i, n: tf.math.unsorted_segment_min(x, i, n)),
]


def flex_options(data: bytes):
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(data, 0))
    for sg in model.subgraphs:
        for op in sg.operators:
            code = model.operatorCodes[op.opcodeIndex].customCode
            if code and code.decode() != "FlexIdentity":
                yield code.decode()[len("Flex"):], bytes(op.customOptions)


def main():
    refs = {}
    for signature, body in FUNCTIONS:
        fn = tf.function(body, input_signature=signature)
        converter = tf.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function()], fn)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.SELECT_TF_OPS]
        for op, options in flex_options(converter.convert()):
            refs[op] = options.hex()
    refs["tensorflow_version"] = tf.__version__
    with open(OUT, "w") as f:
        json.dump(refs, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
