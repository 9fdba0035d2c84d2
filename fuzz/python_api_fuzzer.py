"""atheris harness over edgelite's Python API (issue 15): each input drives a short sequence of calls on a fresh
interpreter of one of a few models: set_tensor with arrays of random dtype and shape, resize_tensor_input with
random shapes, allocate_tensors, invoke, get_tensor, and signature runners called with random keyword
arguments. The only exceptions allowed are edgelite's (EdgeliteError and its subclasses, which are ValueErrors
or RuntimeErrors) and the TypeError / ValueError the API documents for arguments of the wrong kind; anything
else, or a crash, is a finding.

    scripts/fuzz_libfuzzer.sh --python [SECONDS]   (installs atheris; runs on the edgelite python3 imports)
    python fuzz/python_api_fuzzer.py [libFuzzer flags...] [corpus dir]
"""

import os
import sys

import atheris
import numpy as np

with atheris.instrument_imports(include=["edgelite"]):
    import edgelite

MODELS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "models")
# A dynamic-batch reshape, a float convnet and an int8 one with a signature, a transformer with a dynamic batch,
# and a Keras LSTM (WHILE loops) with its serving_default signature.
MODELS = [os.path.join(MODELS_DIR, *p) for p in (
    ("tf", "ops_dynamic_reshape.tflite"), ("tf", "convnet_pool_bn_dense.tflite"),
    ("tf_quant", "convnet_int8.tflite"), ("tf", "transformer_block_dynamic_batch.tflite"),
    ("tf_control", "keras_lstm.tflite"))]
MODEL_BYTES = [open(p, "rb").read() for p in MODELS]
DTYPES = [np.float32, np.float16, np.float64, np.int8, np.uint8, np.int16, np.int32, np.int64, np.bool_,
          np.complex64, np.object_, np.str_]
ALLOWED = (edgelite.EdgeliteError, TypeError, ValueError)


def random_shape(fdp, max_rank=4, max_dim=8):
    return [fdp.ConsumeIntInRange(0, max_dim) for _ in range(fdp.ConsumeIntInRange(0, max_rank))]


def random_resize_shape(fdp, current):
    kind = fdp.ConsumeIntInRange(0, 3)
    if kind == 0:  # the current shape with one dimension changed, as a user resizes a batch
        shape = list(current)
        if shape:
            shape[fdp.ConsumeIntInRange(0, len(shape) - 1)] = fdp.ConsumeIntInRange(-2, 16)
        return shape
    if kind == 1:  # any small shape, any rank
        return random_shape(fdp, max_rank=6, max_dim=16)
    if kind == 2:  # extreme values
        return [fdp.PickValueInList([-1, 0, 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 40])
                for _ in range(fdp.ConsumeIntInRange(0, 4))]
    return fdp.PickValueInList([None, "1,2", 3.5, [1.5, 2], [[1]], ()])


def random_array(fdp, shape=None):
    dtype = fdp.PickValueInList(DTYPES)
    shape = random_shape(fdp) if shape is None else shape
    count = int(np.prod(shape)) if shape else 1
    raw = np.frombuffer(fdp.ConsumeBytes(count * 8).ljust(count * 8, b"\0"), dtype=np.uint8)
    if dtype is np.object_:
        return np.array([None] * count, dtype=object).reshape(shape)
    if dtype is np.str_:
        return np.array(["x"] * count).reshape(shape)
    size = np.dtype(dtype).itemsize
    return raw[: count * size].view(dtype).reshape(shape).copy()


def tensor_index(fdp, interp):
    details = interp.get_input_details()
    if details and fdp.ConsumeBool():
        return int(fdp.PickValueInList(details)["index"])
    return fdp.ConsumeIntInRange(-3, 400)


def invoke_with_deadline(interp, call):
    """Runs an invoke. No watchdog thread cancels it: atheris's coverage counters are not safe against
    instrumented code (edgelite's `cancel`) running in a second thread, and a Timer-per-invoke harness crashed
    in CPython's threading code within seconds. None of MODELS loops on its inputs' values (the LSTM's WHILE
    runs once per time step, bounded by the shape), so a hang past libFuzzer's -timeout is a finding."""
    return call()


def call_signature(fdp, interp):
    signatures = interp.get_signature_list()
    keys = list(signatures) + ["", "no_such_signature"]
    key = fdp.PickValueInList(keys)
    runner = interp.get_signature_runner(key or None)
    names = list(signatures.get(key, {}).get("inputs", [])) + ["bogus"]
    kwargs = {}
    for _ in range(fdp.ConsumeIntInRange(0, 3)):
        name = fdp.PickValueInList(names)
        details = runner.get_input_details().get(name)
        if details is not None and fdp.ConsumeBool():  # the right dtype, a shape near the right one
            shape = [max(0, int(d)) for d in details["shape"]]
            if shape and fdp.ConsumeBool():
                shape[0] = fdp.ConsumeIntInRange(0, 4)
            kwargs[name] = np.zeros(shape, details["dtype"])
        else:
            kwargs[name] = random_array(fdp)
    invoke_with_deadline(interp, lambda: runner(**kwargs))


def step(fdp, interp):
    action = fdp.ConsumeIntInRange(0, 7)
    if action in (0, 7):  # set_tensor (twice as likely: what most calls are)
        index = tensor_index(fdp, interp)
        details = {d["index"]: d for d in interp.get_input_details()}
        if index in details and fdp.ConsumeBool():  # the right shape, a random dtype (or the right one)
            shape = [int(d) for d in details[index]["shape"]]
            value = np.zeros(shape, details[index]["dtype"]) if fdp.ConsumeBool() else random_array(fdp, shape)
        else:
            value = random_array(fdp)
        interp.set_tensor(index, value)
    elif action == 1:
        index = tensor_index(fdp, interp)
        details = {d["index"]: d for d in interp.get_input_details()}
        current = details[index]["shape"] if index in details else []
        interp.resize_tensor_input(index, random_resize_shape(fdp, current), strict=fdp.ConsumeBool())
    elif action == 2:
        interp.allocate_tensors()
    elif action == 3:
        invoke_with_deadline(interp, interp.invoke)
    elif action == 4:
        interp.get_tensor(tensor_index(fdp, interp))
    elif action == 5:
        call_signature(fdp, interp)
    else:
        interp.reset_all_variables()


def TestOneInput(data):
    fdp = atheris.FuzzedDataProvider(data)
    model = fdp.ConsumeIntInRange(0, len(MODELS) - 1)
    interp = edgelite.Interpreter(model_content=MODEL_BYTES[model])
    for _ in range(fdp.ConsumeIntInRange(1, 8)):
        try:
            step(fdp, interp)
        except ALLOWED:
            pass


def main():
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
